"""The state machines of participation (torg.core.states): a process's status and an activity's."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from torg.core import states

from .models import Activity, Input, Process, Survey

ProcessStatus = Process.Status
ActivityStatus = Activity.Status
InputStatus = Input.Status
SurveyStatus = Survey.Status


def staff_roles(actor, obj):
    """The parts an actor plays for a process or an activity: "staff" when they manage processes."""
    return {"staff"} if actor.has_perm("participation.manage_processes", obj) else set()


def moderator_roles(actor, obj):
    return {"moderator"} if actor.has_perm("participation.moderate", obj) else set()


def every_theme_answered(change):
    """Feedback is given when there is something to read: at least one response, and every theme
    the input was coded into has its own."""
    process = change.obj
    if not process.feedback.exists():
        raise ValidationError(_("Answer the themes (or single inputs) before giving feedback."))
    missing = process.themes.filter(response__isnull=True).count()
    if missing:
        raise ValidationError(_("Every theme needs a response before feedback is given (%(n)d without).")
                              % {"n": missing})


PROCESS_MACHINE = states.Machine(
    entity="process",
    states=ProcessStatus,
    roles=staff_roles,
    transitions=[
        states.Transition(ProcessStatus.DRAFT, ProcessStatus.PUBLISHED, "publish", _("Published"), who={"staff"}),
        states.Transition(ProcessStatus.PUBLISHED, ProcessStatus.DRAFT, "unpublish", _("Back to draft"), who={"staff"}),
        states.Transition((ProcessStatus.DRAFT, ProcessStatus.PUBLISHED), ProcessStatus.OPEN, "open", _("Opened for input"), who={"staff"}),
        states.Transition(ProcessStatus.OPEN, ProcessStatus.CLOSED, "close", _("Closed for input"), who={"staff", states.SYSTEM}),
        states.Transition(ProcessStatus.CLOSED, ProcessStatus.OPEN, "reopen", _("Reopened for input"), who={"staff"}, reason=True),
        states.Transition(ProcessStatus.CLOSED, ProcessStatus.FEEDBACK_GIVEN, "give_feedback", _("Feedback given"), who={"staff"},
                          guards=[every_theme_answered]),
        states.Transition((ProcessStatus.CLOSED, ProcessStatus.FEEDBACK_GIVEN), ProcessStatus.ARCHIVED, "archive", _("Archived"), who={"staff"}),
        states.Transition(ProcessStatus.ARCHIVED, ProcessStatus.CLOSED, "restore", _("Restored"), who={"staff"}),
    ],
)

ACTIVITY_MACHINE = states.Machine(
    entity="activity",
    states=ActivityStatus,
    roles=staff_roles,
    transitions=[
        states.Transition(ActivityStatus.PLANNED, ActivityStatus.HELD, "hold", _("Held"), who={"staff"}),
        states.Transition(ActivityStatus.PLANNED, ActivityStatus.CANCELLED, "cancel", pgettext_lazy("activity", "Cancelled"), who={"staff"}, reason=True),
        states.Transition((ActivityStatus.HELD, ActivityStatus.CANCELLED), ActivityStatus.PLANNED, "replan", _("Planned again"), who={"staff"}),
    ],
)

# Input moderation: pre-moderated input starts pending, post-moderated input starts published.
# Hidden input is kept (never deleted) and its author is told why.
INPUT_MACHINE = states.Machine(
    entity="input",
    states=InputStatus,
    roles=moderator_roles,
    transitions=[
        states.Transition(InputStatus.PENDING, InputStatus.PUBLISHED, "approve", _("Approved"), who={"moderator"}),
        states.Transition((InputStatus.PENDING, InputStatus.PUBLISHED), InputStatus.HIDDEN, "hide", _("Hidden"), who={"moderator"}, reason=True),
        states.Transition(InputStatus.HIDDEN, InputStatus.PUBLISHED, "unhide", _("Published again"), who={"moderator"}),
    ],
)


def has_questions(change):
    if not change.obj.questions.exists():
        raise ValidationError(_("Add at least one question first."))


SURVEY_MACHINE = states.Machine(
    entity="survey",
    states=SurveyStatus,
    roles=staff_roles,
    transitions=[
        states.Transition(SurveyStatus.DRAFT, SurveyStatus.OPEN, "open", _("Opened"), who={"staff"}, guards=[has_questions]),
        states.Transition(SurveyStatus.OPEN, SurveyStatus.CLOSED, "close", _("Closed"), who={"staff", states.SYSTEM}),
        states.Transition(SurveyStatus.CLOSED, SurveyStatus.OPEN, "reopen", _("Reopened"), who={"staff"}, reason=True),
    ],
)
