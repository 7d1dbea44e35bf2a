"""The core state machine: declaration checks, who may, reasons, guards, one history entry per change.

A throw-away machine over a real tenant-owned model (the furnishing plan, found through the app
registry so that core imports no app) exercises the mechanism itself; every module's real machine
is tested over all its transitions in torg/web/tests/test_state_machines.py.
"""

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models

from torg.core import audit, states
from torg.core.models import AuditEvent


class Colour(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"


def _no_completion_on_draft_name(change):
    if change.obj.name.startswith("Draft"):
        raise ValidationError({"name": "A plan named Draft… cannot be completed."})


@pytest.fixture
def machine():
    def parts(actor, obj):
        return {"owner"} if actor.username == "admin" else {"reader"}

    m = states.Machine(
        entity="testplan",
        states=Colour,
        roles=parts,
        transitions=[
            states.Transition("draft", "active", "activate", "Activated", who={"owner"}),
            states.Transition(("draft", "active"), "completed", "complete", "Completed", who={"owner", states.SYSTEM},
                              reason=True, guards=[_no_completion_on_draft_name]),
            states.Transition("active", "draft", "reopen", "Reopened", who={"owner", "reader"}),
        ],
    )
    yield m
    states.MACHINES.pop("testplan")


@pytest.fixture
def plan(tenant, building, admin_user):
    Plan = apps.get_model("reuse_relocation", "Plan")
    return Plan.objects.create(tenant=tenant, number="P-1", name="Town hall", building=building, status="draft")


def _history(obj):
    return list(AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)))


def test_declaration_refuses_unknown_states_and_duplicates(machine):
    with pytest.raises(ValueError):
        states.Machine(entity="x1", states=Colour, roles=lambda a, o: set(),
                       transitions=[states.Transition("draft", "gone", "go", "Gone", who={"owner"})])
    with pytest.raises(ValueError):
        states.Machine(entity="x2", states=Colour, roles=lambda a, o: set(),
                       transitions=[states.Transition("draft", "active", "a", "A", who={"owner"}),
                                    states.Transition(("draft",), "active", "b", "B", who={"owner"})])
    with pytest.raises(ValueError):  # one machine per entity
        states.Machine(entity="testplan", states=Colour, roles=lambda a, o: set(), transitions=[])
    assert "x1" not in states.MACHINES and "x2" not in states.MACHINES


def test_apply_writes_state_and_one_history_entry(machine, plan, admin_user):
    machine.apply(plan, "active", actor=admin_user)
    plan.refresh_from_db()
    assert plan.status == "active"
    [event] = _history(plan)
    assert (event.action, event.changes, event.actor, event.tenant_id) == (
        "testplan_activate", {"status": ["draft", "active"]}, admin_user, plan.tenant_id)
    assert audit.action_label("testplan_activate") == "Activated"


def test_undeclared_transition_names_the_allowed_ones(machine, plan, admin_user):
    with pytest.raises(ValidationError) as error:
        machine.apply(plan, "draft", actor=admin_user)  # draft -> draft is not declared
    assert "Allowed from “Draft”: “Active”, “Completed”" in str(error.value)
    with pytest.raises(ValidationError):
        machine.apply(plan, "bogus", actor=admin_user)
    assert _history(plan) == []


def test_who_may(machine, plan, admin_user, employee):
    with pytest.raises(PermissionDenied):
        machine.apply(plan, "active", actor=employee)
    with pytest.raises(PermissionDenied):
        machine.apply(plan, "active", actor=None)
    with pytest.raises(PermissionDenied):  # the system plays only its own part
        machine.apply(plan, "active", actor=None, system=True)
    machine.apply(plan, "active", actor=admin_user)
    machine.apply(plan, "draft", actor=employee)  # open to readers too
    assert [e.action for e in _history(plan)] == ["testplan_reopen", "testplan_activate"]


def test_reason_and_guards(machine, plan, admin_user):
    with pytest.raises(ValidationError) as error:
        machine.apply(plan, "completed", actor=admin_user, reason="  ")
    assert "reason" in error.value.message_dict
    plan.name = "Draft for the council"
    with pytest.raises(ValidationError) as error:
        machine.apply(plan, "completed", actor=admin_user, reason="done")
    assert "name" in error.value.message_dict
    plan.name = "Town hall"
    machine.apply(plan, "completed", actor=admin_user, reason=" done ")
    [event] = _history(plan)
    assert event.comment == "done"


def test_available_offers_only_what_the_actor_may_do(machine, plan, admin_user, employee):
    assert [t.target for t in machine.available(plan, admin_user)] == ["active", "completed"]
    assert machine.available(plan, employee) == []
    plan.name = "Draft x"
    assert [t.target for t in machine.available(plan, admin_user)] == ["active"]  # the guard holds
    assert machine.may(plan, admin_user, "active") and not machine.may(plan, admin_user, "completed")


def test_apply_many_is_all_or_nothing(machine, plan, admin_user, tenant, building):
    Plan = type(plan)
    second = Plan.objects.create(tenant=tenant, number="P-2", name="Draft school", building=building)
    third = Plan.objects.create(tenant=tenant, number="P-3", name="Library", building=building, status="completed")
    with pytest.raises(ValidationError) as error:
        machine.apply_many([plan, second, third], "completed", actor=admin_user, reason="x",
                           describe=lambda p: p.number)
    assert "P-2" in str(error.value) and "(and 0 more)" not in str(error.value)
    assert set(Plan.objects.values_list("status", flat=True)) == {"draft", "completed"}
    assert AuditEvent.objects.filter(action__startswith="testplan_").count() == 0
    changed = machine.apply_many([plan, third], "completed", actor=admin_user, reason="x")
    assert changed == [plan]  # the completed one is left alone
    assert Plan.objects.get(pk=plan.pk).status == "completed"
    assert [e.changes for e in _history(plan)] == [{"status": ["draft", "completed"]}]
