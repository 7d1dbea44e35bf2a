"""Project pages and API: permissions per role, tenant isolation (404), the UI and the API offer
only what the decision machine allows, and the gate cannot be bypassed through them."""

import pytest

from torg.accounts.services import api_token_create
from torg.projects.models import Decision

from .conftest import bp, meet_all


def test_portfolio_project_and_decision_pages(project, client_for, employee, property_manager, admin_user):
    client = client_for(employee)
    page = client.get("/projects/")
    assert page.status_code == 200 and "Nye Flytårnet skole" in page.content.decode()
    assert client.get("/projects/?status=stopped").content.decode().count("Nye Flytårnet skole") == 0
    detail = client.get(f"/projects/{project.pk}/").content.decode()
    assert "BP1" in detail and "BP2" in detail
    assert client.get(f"/projects/{project.pk}/edit/").status_code == 403
    assert client.get("/projects/new/").status_code == 403
    export = client.get("/projects/export.xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get("/projects/models/").status_code == 200

    manager = client_for(property_manager)
    response = manager.post(f"/projects/{project.pk}/documents/mandate/", {"background": "Skolen er for liten."})
    assert response.status_code == 302
    decision = bp(project, "BP1")
    page = manager.get(f"/projects/decisions/{decision.pk}/").content.decode()
    assert "Sendt til beslutning" in page or "Submitted for decision" in page
    manager.post(f"/projects/decisions/{decision.pk}/status/", {"status": "submitted"})
    # The manager is not the body that decides: an approval through the page is refused.
    assert manager.post(f"/projects/decisions/{decision.pk}/status/", {"status": "approved"}).status_code == 403
    owner = client_for(admin_user)
    owner.post(f"/projects/decisions/{decision.pk}/status/", {"status": "approved"})
    decision.refresh_from_db()
    assert decision.status == "submitted"  # two required items are still open: the gate holds


def test_citizens_and_other_municipalities_see_nothing(project, client_for, citizen, other_admin):
    assert client_for(citizen).get("/projects/").status_code == 403
    other = client_for(other_admin)
    assert other.get(f"/projects/{project.pk}/").status_code == 404
    assert other.get(f"/projects/decisions/{bp(project, 'BP1').pk}/").status_code == 404


def _api(client, user, tenant):
    _token, secret = api_token_create(actor=user, tenant=tenant, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_api_projects_and_decisions(project, client, tenant, admin_user, property_manager, building_model, employee,
                                    other_admin, other_tenant):
    auth = _api(client, property_manager, tenant)
    listing = client.get("/api/v1/projects/projects", **auth).json()
    assert listing["count"] == 1 and listing["items"][0]["number"] == project.number
    decisions = client.get(f"/api/v1/projects/projects/{project.pk}/decisions", **auth).json()
    bp1 = decisions[0]
    assert bp1["code"] == "BP1" and [t["to_status"] for t in bp1["allowed_transitions"]] == ["submitted"]
    doc = client.post(f"/api/v1/projects/projects/{project.pk}/documents/mandate",
                      {"sections": {"background": "Behov"}}, content_type="application/json", **auth)
    assert doc.status_code == 201 and doc.json()["version"] == 1
    for item in bp1["items"]:
        if item["state"] == "open" and not item["document_kind"]:
            r = client.post(f"/api/v1/projects/checklist/{item['id']}/met", {"evidence": "Vedlagt"},
                            content_type="application/json", **auth)
            assert r.status_code == 200 and r.json()["state"] == "met"
    r = client.post(f"/api/v1/projects/decisions/{bp1['id']}/transitions", {"status": "submitted"},
                    content_type="application/json", **auth)
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    r = client.post(f"/api/v1/projects/decisions/{bp1['id']}/transitions", {"status": "approved"},
                    content_type="application/json", **auth)
    assert r.status_code == 403
    owner = _api(client, admin_user, tenant)
    r = client.post(f"/api/v1/projects/decisions/{bp1['id']}/transitions",
                    {"status": "approved", "released_amount": 3000000}, content_type="application/json", **owner)
    assert r.status_code == 200 and r.json()["released_amount"] == 3000000
    assert client.get(f"/api/v1/projects/projects/{project.pk}", **owner).json()["phase"]["position"] == 2

    created = client.post("/api/v1/projects/projects", {"name": "Ny brannstasjon", "model_id": building_model.pk,
                                                        "owner_id": admin_user.pk, "manager_id": employee.pk},
                          content_type="application/json", **owner)
    assert created.status_code == 201 and created.json()["model_version"] == 1
    assert client.post("/api/v1/projects/projects", {"name": "X", "model_id": building_model.pk,
                                                     "owner_id": admin_user.pk, "manager_id": employee.pk},
                       content_type="application/json", **auth).status_code == 201  # property manager: portfolio
    other = _api(client, other_admin, other_tenant)
    assert client.get(f"/api/v1/projects/projects/{project.pk}", **other).status_code == 404
    assert client.get(f"/api/v1/projects/decisions/{bp1['id']}", **other).status_code == 404
    assert client.post("/api/v1/projects/projects", {"name": "X", "model_id": building_model.pk,
                                                     "owner_id": admin_user.pk, "manager_id": admin_user.pk},
                       content_type="application/json", **other).status_code == 404
    assert Decision.objects.get(pk=bp1["id"]).status == "approved"


@pytest.mark.parametrize("field", ["cost_frame"])
def test_api_refuses_bad_money(project, client, tenant, admin_user, field):
    auth = _api(client, admin_user, tenant)
    r = client.patch(f"/api/v1/projects/projects/{project.pk}", {field: -5}, content_type="application/json", **auth)
    assert r.status_code == 422
    meet_all(bp(project, "BP1"), admin_user)
