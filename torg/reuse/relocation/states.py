"""The state machine of a furnishing plan (see `torg.core.states`).

Who may change a plan's status is who may manage it (`rules.can_manage`: reuse administrators and
location managers of the target building): the part "planner"."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from torg.core.states import Machine, Transition

from . import rules
from .models import Line, Plan

PLANNER = "planner"
DRAFT, ACTIVE, COMPLETED = Plan.Status.DRAFT, Plan.Status.ACTIVE, Plan.Status.COMPLETED


def plan_roles(actor, plan) -> set:
    return {PLANNER} if rules.can_manage(actor, plan) else set()


def _all_reused_delivered(change):
    pending = change.obj.lines.filter(delivered_at__isnull=True, source__in=[Line.Source.OWN, Line.Source.USED]).count()
    if pending:
        raise ValidationError(_("%(n)d reused pieces are not delivered yet. Deliver them, or change their lines, "
                                "before completing the plan.") % {"n": pending})


PLAN_MACHINE = Machine(
    entity="plan",
    states=Plan.Status,
    roles=plan_roles,
    transitions=[
        Transition(DRAFT, ACTIVE, "activate", _("Activated"), who={PLANNER}),
        Transition(ACTIVE, DRAFT, "deactivate", _("Set back to draft"), who={PLANNER}),
        Transition(ACTIVE, COMPLETED, "complete", _("Completed"), who={PLANNER}, guards=[_all_reused_delivered]),
        Transition(COMPLETED, ACTIVE, "reopen", _("Reopened"), who={PLANNER}),
    ],
)
