"""Links: participation is an input to a decision point (a participation item is met by a linked
process that has given feedback, and the decision page shows what people said), read only through
participation's queries; a building's page lists the projects that concern it."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from torg.participation import analysis_services
from torg.participation import services as participation_services
from torg.participation.models import Process
from torg.projects import services

from .conftest import bp, meet_all


@pytest.fixture
def process(tenant, admin_user, building):
    """A participation process for the school, open, with one published idea."""
    process = participation_services.process_create(actor=admin_user, tenant=tenant, title="Nye Flytårnet skole – "
                                                    "medvirkning", purpose="Hva trenger elevene?", buildings=[building])
    participation_services.process_set_status(actor=admin_user, process=process, status="open")
    process.refresh_from_db()
    idea = participation_services.input_submit(process=process, participant="b:elev", title="Grønn skolegård",
                                               body="Trær og benker.")
    participation_services.input_set_status(actor=admin_user, item=idea, status="published")
    process.idea = idea
    return process


def test_a_participation_item_is_met_by_a_linked_process_with_feedback(project, process, admin_user,
                                                                        property_manager, client_for):
    services.project_update(actor=admin_user, project=project, processes=[process])
    bp1 = bp(project, "BP1")
    meet_all(bp1, property_manager)
    services.decision_transition(actor=property_manager, decision=bp1, status="submitted")
    services.decision_transition(actor=admin_user, decision=bp1, status="approved")
    bp2 = bp(project, "BP2")
    meet_all(bp2, property_manager, but={"Oppsummering av medvirkningen vedlagt (ansatte, brukere, naboer)"})
    services.decision_transition(actor=property_manager, decision=bp2, status="submitted")
    with pytest.raises(ValidationError):  # the process has not given feedback yet
        services.decision_transition(actor=admin_user, decision=bp2, status="approved")
    page = client_for(property_manager).get(f"/projects/decisions/{bp2.pk}/").content.decode()
    assert "Grønn skolegård" in page and "Nye Flytårnet skole – medvirkning" in page
    participation_services.process_set_status(actor=admin_user, process=process, status="closed")
    analysis_services.response_set(actor=admin_user, input=process.idea, outcome="taken",
                                   text="Skolegården planlegges med trær.")
    page = client_for(property_manager).get(f"/projects/decisions/{bp2.pk}/").content.decode()
    assert "Skolegården planlegges med trær." in page
    for status in ("feedback_given",):
        participation_services.process_set_status(actor=admin_user, process=process, status=status)
    services.decision_transition(actor=admin_user, decision=bp2, status="approved")
    item = bp2.items.get(gate_item__kind="participation")
    assert item.state == "met" and "Nye Flytårnet skole – medvirkning" in item.evidence


def test_processes_of_another_municipality_cannot_be_linked(project, admin_user, other_tenant, other_admin, api_as,
                                                            tenant):
    foreign = participation_services.process_create(actor=other_admin, tenant=other_tenant, title="Annen kommune",
                                                    purpose="x")
    with pytest.raises(ValidationError):
        services.project_update(actor=admin_user, project=project, processes=[foreign])
    call = api_as(admin_user, tenant)
    assert call("patch", f"/api/v1/projects/projects/{project.pk}", {"process_ids": [foreign.pk]}).status_code == 404


def test_the_building_page_lists_its_projects(project, building, client_for, employee):
    page = client_for(employee).get(f"/places/buildings/{building.pk}/").content.decode()
    assert "Nye Flytårnet skole" in page and f"/projects/{project.pk}/" in page


def test_a_participation_decision_is_linked_to_the_decision_point_it_fed(project, process, admin_user,
                                                                        property_manager, employee, client_for,
                                                                        api_as, tenant, other_admin, other_tenant):
    vedtak = analysis_services.decision_create(actor=admin_user, process=process, title="Konseptet er vedtatt",
                                               decided_on=dt.date(2026, 11, 20), body="Kommunestyret",
                                               case_number="26/1234")
    other_process = participation_services.process_create(actor=admin_user, tenant=tenant, title="Annen prosess",
                                                          purpose="Noe annet")
    unrelated = analysis_services.decision_create(actor=admin_user, process=other_process, title="Annet vedtak",
                                                  decided_on=dt.date(2026, 11, 1), body="Formannskapet")
    bp2 = bp(project, "BP2")
    with pytest.raises(ValidationError):  # the process is not linked to the project yet
        services.decision_link_participation(actor=property_manager, decision=bp2, participation_decision=vedtak)
    services.project_update(actor=admin_user, project=project, processes=[process])
    with pytest.raises(PermissionDenied):
        services.decision_link_participation(actor=employee, decision=bp2, participation_decision=vedtak)

    manager = client_for(property_manager)
    page = manager.get(f"/projects/decisions/{bp2.pk}/").content.decode()
    assert "Konseptet er vedtatt" in page and "Knytt til BP2" in page and "26/1234" in page
    assert manager.post(f"/projects/decisions/{bp2.pk}/participation/",
                        {"participation_decision": vedtak.pk}).status_code == 302
    assert list(bp2.participation_decisions.all()) == [vedtak]
    assert "Fattet i BP2" in manager.get(f"/projects/decisions/{bp2.pk}/").content.decode()
    manager.post(f"/projects/decisions/{bp2.pk}/participation/", {"participation_decision": unrelated.pk})
    assert list(bp2.participation_decisions.all()) == [vedtak]  # refused: its process is not the project's
    manager.post(f"/projects/decisions/{bp2.pk}/participation/", {"participation_decision": vedtak.pk, "remove": "1"})
    assert not bp2.participation_decisions.exists()

    api = api_as(property_manager, tenant)
    r = api("post", f"/api/v1/projects/decisions/{bp2.pk}/participation-decisions", {"participation_decision_id": vedtak.pk})
    assert r.status_code == 200 and r.json()["participation_decision_ids"] == [vedtak.pk]
    r = api("post", f"/api/v1/projects/decisions/{bp2.pk}/participation-decisions",
            {"participation_decision_id": unrelated.pk})
    assert r.status_code == 422 and "participation_decision" in r.json()["detail"]
    assert api_as(employee, tenant)("delete", f"/api/v1/projects/decisions/{bp2.pk}/participation-decisions/"
                                             f"{vedtak.pk}").status_code == 403
    other = api_as(other_admin, other_tenant)
    assert other("post", f"/api/v1/projects/decisions/{bp2.pk}/participation-decisions",
                 {"participation_decision_id": vedtak.pk}).status_code == 404
    assert api("delete", f"/api/v1/projects/decisions/{bp2.pk}/participation-decisions/{vedtak.pk}").status_code == 204
    assert not bp2.participation_decisions.exists() and Process.objects.filter(pk=process.pk).exists()
