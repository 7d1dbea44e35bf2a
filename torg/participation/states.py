"""The state machines of participation (torg.core.states): a process's status and an activity's."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from torg.core import states

from .models import Activity, Input, Process, Survey

P = Process.Status
A = Activity.Status
I = Input.Status
S = Survey.Status


def staff_roles(actor, obj):
    """The parts an actor plays for a process or an activity: "staff" when they manage processes."""
    return {"staff"} if actor.has_perm("participation.manage_processes", obj) else set()


def moderator_roles(actor, obj):
    return {"moderator"} if actor.has_perm("participation.moderate", obj) else set()


PROCESS_MACHINE = states.Machine(
    entity="process",
    states=P,
    roles=staff_roles,
    transitions=[
        states.Transition(P.DRAFT, P.PUBLISHED, "publish", _("Published"), who={"staff"}),
        states.Transition(P.PUBLISHED, P.DRAFT, "unpublish", _("Back to draft"), who={"staff"}),
        states.Transition((P.DRAFT, P.PUBLISHED), P.OPEN, "open", _("Opened for input"), who={"staff"}),
        states.Transition(P.OPEN, P.CLOSED, "close", _("Closed for input"), who={"staff", states.SYSTEM}),
        states.Transition(P.CLOSED, P.OPEN, "reopen", _("Reopened for input"), who={"staff"}, reason=True),
        states.Transition(P.CLOSED, P.FEEDBACK_GIVEN, "give_feedback", _("Feedback given"), who={"staff"}),
        states.Transition((P.CLOSED, P.FEEDBACK_GIVEN), P.ARCHIVED, "archive", _("Archived"), who={"staff"}),
        states.Transition(P.ARCHIVED, P.CLOSED, "restore", _("Restored"), who={"staff"}),
    ],
)

ACTIVITY_MACHINE = states.Machine(
    entity="activity",
    states=A,
    roles=staff_roles,
    transitions=[
        states.Transition(A.PLANNED, A.HELD, "hold", _("Held"), who={"staff"}),
        states.Transition(A.PLANNED, A.CANCELLED, "cancel", pgettext_lazy("activity", "Cancelled"), who={"staff"}, reason=True),
        states.Transition((A.HELD, A.CANCELLED), A.PLANNED, "replan", _("Planned again"), who={"staff"}),
    ],
)

# Input moderation: pre-moderated input starts pending, post-moderated input starts published.
# Hidden input is kept (never deleted) and its author is told why.
INPUT_MACHINE = states.Machine(
    entity="input",
    states=I,
    roles=moderator_roles,
    transitions=[
        states.Transition(I.PENDING, I.PUBLISHED, "approve", _("Approved"), who={"moderator"}),
        states.Transition((I.PENDING, I.PUBLISHED), I.HIDDEN, "hide", _("Hidden"), who={"moderator"}, reason=True),
        states.Transition(I.HIDDEN, I.PUBLISHED, "unhide", _("Published again"), who={"moderator"}),
    ],
)


def has_questions(change):
    if not change.obj.questions.exists():
        from django.core.exceptions import ValidationError

        raise ValidationError(_("Add at least one question first."))


SURVEY_MACHINE = states.Machine(
    entity="survey",
    states=S,
    roles=staff_roles,
    transitions=[
        states.Transition(S.DRAFT, S.OPEN, "open", _("Opened"), who={"staff"}, guards=[has_questions]),
        states.Transition(S.OPEN, S.CLOSED, "close", _("Closed"), who={"staff", states.SYSTEM}),
        states.Transition(S.CLOSED, S.OPEN, "reopen", _("Reopened"), who={"staff"}, reason=True),
    ],
)
