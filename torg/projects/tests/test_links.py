"""Links: participation is an input to a decision point (a participation item is met by a linked
process that has given feedback, and the decision page shows what people said), read only through
participation's queries; a building's page lists the projects that concern it."""

import pytest
from django.core.exceptions import ValidationError

from torg.participation import analysis_services
from torg.participation import services as participation_services
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
