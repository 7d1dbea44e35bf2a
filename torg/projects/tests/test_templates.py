"""The project method is the municipality's to adapt: phases and decision points are edited on the
page and in the API — in place while no project uses the model, on a new version when projects do
(they keep theirs); only portfolio managers may."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from torg.projects import services
from torg.projects.models import ProjectModel


def test_edit_a_phase_and_a_decision_point_in_place_and_as_a_new_version(project, building_model, pvv_model,
                                                                         admin_user, employee):
    copy = services.model_copy(actor=admin_user, model=pvv_model, name="Storviks prosjektmodell")
    phase = copy.phases.get(position=1)
    services.phase_update(actor=admin_user, phase=phase, name="Behov", line_owned=False)
    copy.refresh_from_db()
    assert copy.version == 1 and copy.phases.get(position=1).name == "Behov"  # no project uses it: in place
    with pytest.raises(ValidationError):
        services.phase_update(actor=admin_user, phase=copy.phases.get(position=1), name=" ")
    with pytest.raises(PermissionDenied):
        services.gate_update(actor=employee, gate=copy.gates.get(code="BP1"), name="X")

    gate = building_model.gates.get(code="BP2")  # the project uses the building model
    updated = services.gate_update(actor=admin_user, gate=gate, body="steering_group", releases="Penger til forprosjekt")
    newer = updated.model
    assert newer.version == 2 and newer.is_current and updated.body == "steering_group"
    building_model.refresh_from_db()
    assert not building_model.is_current
    assert project.decisions.get(gate__code="BP2").gate.body == "municipal_council"  # the project keeps its own
    assert ProjectModel.objects.filter(key="byggeprosjekt", tenant=project.tenant).count() == 2


def test_pages_and_api(project, building_model, admin_user, employee, client_for, api_as, tenant, other_admin,
                       other_tenant):
    gate = building_model.gates.get(code="BP1")
    phase = building_model.phases.get(position=1)
    assert client_for(employee).get(f"/projects/decision-points/{gate.pk}/edit/").status_code == 403
    client = client_for(admin_user)
    assert f"/projects/decision-points/{gate.pk}/edit/" in client.get(f"/projects/models/{building_model.pk}/").content.decode()
    r = client.post(f"/projects/decision-points/{gate.pk}/edit/",
                    {"name": "Beslutning om oppstart", "body": "steering_group", "releases": "Mandat"})
    assert r.status_code == 302
    newer = ProjectModel.objects.get(tenant=tenant, key="byggeprosjekt", is_current=True)
    assert r["Location"] == f"/projects/models/{newer.pk}/" and newer.gates.get(code="BP1").name == "Beslutning om oppstart"
    r = client.post(f"/projects/phases/{newer.phases.get(position=1).pk}/edit/",
                    {"name": "Tidligfase", "description": "Rammer og behov"})
    assert r.status_code == 302 and newer.phases.get(position=1).name == "Tidligfase"  # the new version, in place

    api = api_as(admin_user, tenant)
    model = api("get", f"/api/v1/projects/models/{newer.pk}").json()
    assert model["gates"][0]["code"] == "BP1" and model["gates"][0]["items"][0]["kind"] == "evidence"
    r = api("patch", f"/api/v1/projects/decision-points/{model['gates'][1]['id']}", {"releases": None})
    assert r.status_code == 200 and r.json()["gates"][1]["releases"] == ""
    r = api("post", f"/api/v1/projects/decision-points/{model['gates'][1]['id']}/items",
            {"kind": "evidence", "text": "Klimagassberegning"})
    assert r.status_code == 201 and r.json()["gates"][1]["items"][-1]["text"] == "Klimagassberegning"
    item_id = r.json()["gates"][1]["items"][-1]["id"]
    assert api("delete", f"/api/v1/projects/model-items/{item_id}").status_code == 200
    r = api("post", f"/api/v1/projects/models/{newer.pk}/copy", {"name": "Kopi"})
    assert r.status_code == 201 and r.json()["based_on_id"] == newer.pk
    assert api("patch", f"/api/v1/projects/phases/{phase.pk}", {"name": "X"}).status_code == 422  # an old version
    staff = api_as(employee, tenant)
    assert staff("patch", f"/api/v1/projects/phases/{phase.pk}", {"name": "X"}).status_code == 403
    other = api_as(other_admin, other_tenant)
    assert other("patch", f"/api/v1/projects/decision-points/{gate.pk}", {"name": "X"}).status_code == 404
    assert other("get", f"/api/v1/projects/models/{newer.pk}").status_code == 404
