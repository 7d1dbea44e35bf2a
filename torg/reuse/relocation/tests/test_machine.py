"""The furnishing plan's state machine over every declared transition: each succeeds for the planner
(who may manage the plan) with exactly one new history entry and is refused (PermissionDenied) for
anyone else; completing waits for the reused pieces, through the service and the page alike."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from torg.core.models import AuditEvent
from torg.core.states import SYSTEM
from torg.reuse.relocation import services
from torg.reuse.relocation.models import Line, Plan
from torg.reuse.relocation.states import PLAN_MACHINE

pytestmark = pytest.mark.django_db


def _history(plan):
    return AuditEvent.objects.filter(object_type="reuse_relocation.plan", object_id=str(plan.pk))


@pytest.mark.parametrize("transition", PLAN_MACHINE.transitions(), ids=lambda t: t.verb)
def test_each_plan_transition_for_the_planner_only(transition, plan, admin_user, employee):
    Plan.objects.filter(pk=plan.pk).update(status=transition.source)
    plan.refresh_from_db()
    assert transition.who == {"planner"}
    with pytest.raises(PermissionDenied):  # an employee only reads plans
        PLAN_MACHINE.apply(plan, transition.target, actor=employee)
    with pytest.raises(PermissionDenied):
        PLAN_MACHINE.apply(plan, transition.target, actor=None, system=True)
    before = _history(plan).count()
    services.plan_change_status(actor=admin_user, plan=plan, to_status=transition.target)
    assert Plan.objects.get(pk=plan.pk).status == transition.target
    assert _history(plan).count() == before + 1
    event = _history(plan).order_by("-pk").first()
    assert (event.action, event.changes) == (f"plan_{transition.verb}",
                                             {"status": [transition.source, transition.target]})
    assert SYSTEM not in transition.who


def test_the_page_offers_only_what_may_be_done_and_nobody_bypasses_it(plan, admin_user, employee, client_for):
    before = list(_history(plan).values_list("action", flat=True))  # the plan's creation
    assert [t.target for t in PLAN_MACHINE.available(plan, admin_user)] == ["draft", "completed"]
    assert PLAN_MACHINE.available(plan, employee) == []
    page = client_for(admin_user).get(reverse("relocation:plan_detail", args=[plan.pk])).content.decode()
    assert 'name="status" value="draft"' in page and 'name="status" value="completed"' in page
    assert client_for(employee).post(reverse("relocation:plan_status", args=[plan.pk]),
                                     {"status": "draft"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.plan_change_status(actor=employee, plan=plan, to_status="draft")
    with pytest.raises(ValidationError):
        services.plan_change_status(actor=admin_user, plan=plan, to_status="bogus")
    assert Plan.objects.get(pk=plan.pk).status == "active"
    assert list(_history(plan).values_list("action", flat=True)) == before == ["plan_create"]


def test_completing_waits_for_every_reused_piece(plan, admin_user, troom, cats, products, stock):
    stock(products["chair"], 2, room="A1")
    services.need_create(actor=admin_user, plan=plan, room=troom["1.01"], category=cats["task_chair"], quantity=2)
    services.plan_match(actor=admin_user, plan=plan)
    pending = plan.lines.filter(source__in=[Line.Source.OWN, Line.Source.USED], delivered_at__isnull=True).count()
    assert pending
    with pytest.raises(ValidationError, match=f"^\\['{pending} "):  # "2 reused pieces are not delivered yet"
        services.plan_change_status(actor=admin_user, plan=plan, to_status="completed")
    assert Plan.objects.get(pk=plan.pk).status == "active"
