"""The gate is real: no phase change without a decision by the right body, missing checklist items
block unless waived with a reason, a decision releases money, stop ends the project, one decision
per decision point even when two bodies approve at once, and a project keeps its model version."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from torg.core.models import AuditEvent
from torg.core.testing import file_database, in_thread, race
from torg.projects import queries, services
from torg.projects.models import Decision, Project

from .conftest import bp, meet_all


def test_a_project_starts_in_the_first_phase_with_the_models_checklists(project, building_model):
    assert project.number == "P-000001"
    assert project.phase.position == 1 and project.status == "active"
    assert [d.gate.code for d in project.decisions.order_by("gate__phase__position")] == ["BP1", "BP2", "BP3", "BP4"]
    assert bp(project, "BP1").items.count() == building_model.gates.get(code="BP1").items.count() == 4


def test_no_phase_change_without_a_decision_and_missing_items_block(project, admin_user, property_manager):
    decision = bp(project, "BP1")
    with pytest.raises(ValidationError):  # BP2 ends a phase the project is not in
        services.decision_transition(actor=property_manager, decision=bp(project, "BP2"), status="submitted")
    services.decision_transition(actor=property_manager, decision=decision, status="submitted")
    with pytest.raises(ValidationError) as error:
        services.decision_transition(actor=admin_user, decision=decision, status="approved")
    assert "Mandate for the building project" in str(error.value) or "Mandat" in str(error.value)
    project.refresh_from_db()
    assert project.phase.position == 1


def test_the_owner_approves_with_one_waived_item_and_money_is_released(project, admin_user, property_manager):
    decision = bp(project, "BP1")
    services.document_save(actor=property_manager, project=project, kind="mandate",
                           sections={"background": "Skolen er for liten.", "effect_goals": "Plass til 600 elever."})
    meet_all(decision, property_manager, but={"Future needs and possibilities described across the services",
                                              "Fremtidige behov og muligheter beskrevet på tvers av tjenestene"})
    services.decision_transition(actor=property_manager, decision=decision, status="submitted")
    open_item = decision.items.get(state="open", gate_item__required=True)
    with pytest.raises(PermissionDenied):  # the manager does not decide, so cannot waive
        services.decision_item_waive(actor=property_manager, item=open_item, reason="Ikke nødvendig")
    with pytest.raises(ValidationError):  # a waiver needs a reason
        services.decision_item_waive(actor=admin_user, item=open_item, reason=" ")
    services.decision_item_waive(actor=admin_user, item=open_item, reason="Dekkes i konseptfasen")
    services.decision_transition(actor=admin_user, decision=decision, status="approved",
                                 decided_on=dt.date(2026, 3, 4), minutes_url="https://example.org/protokoll",
                                 released_amount=2_500_000, released_mandate="Utrede konsept innen rammen.")
    project.refresh_from_db()
    decision.refresh_from_db()
    assert project.phase.position == 2 and decision.status == "approved" and decision.body == "project_owner"
    assert queries.portfolio(tenant=project.tenant).get(pk=project.pk).released == 2_500_000
    assert project.documents.get(kind="mandate").approved_by == decision
    assert AuditEvent.objects.filter(object_type="projects.project", object_id=str(project.pk),
                                     action="project_phase_enter").count() == 1
    assert AuditEvent.objects.filter(object_type="projects.decision", object_id=str(decision.pk),
                                     action="decision_item_waive", comment="Dekkes i konseptfasen").count() == 1
    with pytest.raises(ValidationError):  # the checklist of a decision taken is closed
        services.decision_item_meet(actor=property_manager, item=open_item, evidence="Likevel")


def test_only_the_body_named_decides(project, admin_user, property_manager, employee):
    """BP3 of the building model is the steering group's: its member decides; the manager cannot."""
    for code in ("BP1", "BP2"):
        decision = bp(project, code)
        meet_all(decision, property_manager)
        services.decision_transition(actor=property_manager, decision=decision, status="submitted")
        services.decision_transition(actor=admin_user, decision=decision, status="approved")
    decision = bp(project, "BP3")
    meet_all(decision, property_manager)
    services.decision_transition(actor=property_manager, decision=decision, status="submitted")
    with pytest.raises(PermissionDenied):
        services.decision_transition(actor=property_manager, decision=decision, status="approved")
    services.decision_transition(actor=employee, decision=decision, status="approved")
    assert Decision.objects.get(pk=decision.pk).body == "steering_group"


def test_a_null_point_stops_the_project_and_the_owner_may_resume_it(project, admin_user, property_manager):
    decision = bp(project, "BP1")
    services.decision_transition(actor=property_manager, decision=decision, status="submitted")
    with pytest.raises(ValidationError):  # a stop releases no money
        services.decision_transition(actor=admin_user, decision=decision, status="stopped", reason="Nullpunkt",
                                     released_amount=10)
    services.decision_transition(actor=admin_user, decision=decision, status="stopped", reason="Behovet dekkes av"
                                 " eksisterende bygg")
    project.refresh_from_db()
    assert project.status == "stopped" and project.phase.position == 1
    with pytest.raises(ValidationError):
        services.decision_transition(actor=property_manager, decision=bp(project, "BP1"), status="submitted")
    services.project_set_status(actor=admin_user, project=project, status="active", reason="Nye elevtall")
    assert bp(project, "BP1").status == "draft"


def test_the_last_decision_closes_the_project(tenant, admin_user, property_manager, pvv_model):
    project = services.project_create(actor=admin_user, tenant=tenant, name="Felles saksbehandling",
                                      model=pvv_model, owner=admin_user, manager=property_manager)
    for decision in project.decisions.order_by("gate__phase__position"):
        meet_all(decision, property_manager)
        services.decision_transition(actor=property_manager, decision=decision, status="submitted")
        services.decision_transition(actor=admin_user, decision=decision, status="approved")
    project.refresh_from_db()
    assert project.status == "closed" and project.phase.name in ("Gevinstrealisering", "Benefits realisation")


def test_the_model_version_a_project_started_with_is_kept(project, building_model, admin_user, tenant):
    gate = building_model.gates.get(code="BP2")
    item = services.gate_item_add(actor=admin_user, gate=gate, kind="evidence", text="Klimagassberegning vedlagt")
    newer = item.gate.model
    building_model.refresh_from_db()
    assert newer.version == 2 and newer.is_current and not building_model.is_current
    project.refresh_from_db()
    assert project.model == building_model
    assert not bp(project, "BP2").items.filter(gate_item__text="Klimagassberegning vedlagt").exists()
    later = services.project_create(actor=admin_user, tenant=tenant, name="Ny barnehage", model=newer,
                                    owner=admin_user, manager=admin_user)
    assert bp(later, "BP2").items.filter(gate_item__text="Klimagassberegning vedlagt").exists()
    with pytest.raises(ValidationError):  # new projects start on the current version only
        services.project_create(actor=admin_user, tenant=tenant, name="Gammel", model=building_model,
                                owner=admin_user, manager=admin_user)
    v3 = services.gate_item_remove(actor=admin_user, item=newer.gates.get(code="BP1").items.first())
    assert v3.version == 3 and v3.gates.get(code="BP1").items.count() == 3
    assert newer.gates.get(code="BP1").items.count() == 4  # `later` keeps version 2


def test_a_tenant_copies_and_adapts_a_model(pvv_model, admin_user, employee):
    with pytest.raises(PermissionDenied):
        services.model_copy(actor=employee, model=pvv_model, name="Vår modell")
    copy = services.model_copy(actor=admin_user, model=pvv_model, name="Storviks prosjektmodell")
    assert copy.key == "storviks-prosjektmodell" and copy.based_on == pvv_model
    assert copy.phases.count() == pvv_model.phases.count() == 6
    assert copy.gates.get(code="BP3").items.count() == pvv_model.gates.get(code="BP3").items.count()


def test_references_stay_in_the_municipality(project, admin_user, other_tenant, other_admin, tenant, building_model):
    with pytest.raises(ValidationError):
        services.project_create(actor=admin_user, tenant=tenant, name="X", model=building_model, owner=other_admin,
                                manager=admin_user)
    with pytest.raises(ValidationError):
        services.project_update(actor=admin_user, project=project, steering_frame=500_000_000)


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_approvals_record_one_decision(project, admin_user, property_manager, tmp_path):
    decision = bp(project, "BP1")
    meet_all(decision, property_manager)
    services.decision_transition(actor=property_manager, decision=decision, status="submitted")
    with file_database(tmp_path):
        results = race(lambda i: services.decision_transition(actor=admin_user, decision=decision, status="approved",
                                                              released_amount=1_000_000), 2)
        approvals = in_thread(lambda: AuditEvent.objects.filter(object_type="projects.decision",
                                                                object_id=str(decision.pk),
                                                                action="decision_approve").count())
        phase = in_thread(lambda: Project.objects.get(pk=project.pk).phase.position)
    assert approvals == 1 and phase == 2
    assert sum(isinstance(r, Decision) for r in results) == 1
    assert sum(isinstance(r, ValidationError) for r in results) == 1
