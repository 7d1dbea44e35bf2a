"""The state machines of the estate module (torg.core.states): a condition survey's status."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from torg.core import states

from .models import ConditionSurvey, Measure

SurveyStatus = ConditionSurvey.Status


def manager_roles(actor, obj):
    """"manager" for those who may enter and approve surveys (estate.manage_estate)."""
    return {"manager"} if actor.has_perm("estate.manage_estate", obj) else set()


def has_parts(change):
    if not change.obj.parts.exists():
        raise ValidationError(_("Grade at least one building part first."))


# draft → approved (immutable from then on); a correction is a new draft version, and approving it
# supersedes the version it corrects (the system's step, in the same transaction).
CONDITION_SURVEY_MACHINE = states.Machine(
    entity="condition_survey",
    states=SurveyStatus,
    roles=manager_roles,
    transitions=[
        states.Transition(SurveyStatus.DRAFT, SurveyStatus.APPROVED, "approve", _("Survey approved"),
                          who={"manager"}, guards=[has_parts]),
        states.Transition(SurveyStatus.DRAFT, SurveyStatus.DISCARDED, "discard", _("Draft discarded"),
                          who={"manager"}, reason=True),
        states.Transition(SurveyStatus.APPROVED, SurveyStatus.SUPERSEDED, "supersede", _("Superseded by a correction"),
                          who={states.SYSTEM}),
    ],
)


MeasureStatus = Measure.Status


# proposed → planned (the service asks for the planned year) → in progress → done; proposed or planned → rejected (with a reason) → proposed.
MEASURE_MACHINE = states.Machine(
    entity="measure",
    states=MeasureStatus,
    roles=manager_roles,
    transitions=[
        states.Transition(MeasureStatus.PROPOSED, MeasureStatus.PLANNED, "plan", _("Planned"), who={"manager"}),
        states.Transition(MeasureStatus.PLANNED, MeasureStatus.PROPOSED, "unplan", _("Taken out of the plan"),
                          who={"manager"}),
        states.Transition(MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS, "start", _("Started"), who={"manager"}),
        states.Transition(MeasureStatus.IN_PROGRESS, MeasureStatus.DONE, "complete", _("Completed"),
                          who={"manager"}),
        states.Transition((MeasureStatus.PROPOSED, MeasureStatus.PLANNED), MeasureStatus.REJECTED, "reject",
                          _("Rejected"), who={"manager"}, reason=True),
        states.Transition(MeasureStatus.REJECTED, MeasureStatus.PROPOSED, "reopen", _("Proposed again"),
                          who={"manager"}),
    ],
)
