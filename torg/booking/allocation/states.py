"""The allocation round's and the complaint's state machines.

Round: draft → application period → allocation → published → complaint period → closed (and back
from allocation to the application period). Part "staff" = booking_allocation.manage_rounds in the
round's municipality. Publishing's side effects (the booking series, the messages) are in
`services.round_transition`.

Complaint: submitted → upheld or dismissed, by staff, always with an answer to the applicant.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from torg.core import states

from .models import AllocationRound, Complaint

STAFF, AUTHOR = "staff", "author"


def round_roles(actor, rnd) -> set:
    return {STAFF} if actor.has_perm("booking_allocation.manage_rounds", rnd) else set()


def has_resources(change):
    if not change.obj.resources.exists():
        raise ValidationError(_("Add the resources the round hands out first."))
    if not change.obj.ladder.exists():
        raise ValidationError(_("The round needs a priority ladder."))


def has_decisions(change):
    if not change.obj.decisions.exists():
        raise ValidationError(_("Make the allocation proposal before publishing."))


def has_complaint_deadline(change):
    deadline = change.obj.complaint_deadline
    if deadline is None or deadline < timezone.localdate(change.now):
        raise ValidationError(_("Set a complaint deadline that has not passed."))


def complaints_answered(change):
    if Complaint.objects.filter(decision__round=change.obj, status=Complaint.Status.SUBMITTED).exists():
        raise ValidationError(_("Answer every complaint before closing the round."))


S = AllocationRound.Status

ROUND_MACHINE = states.Machine(
    entity="allocation_round",
    states=AllocationRound.Status,
    roles=round_roles,
    transitions=[
        states.Transition(S.DRAFT, S.APPLICATION, "open", gettext_lazy("Applications opened"), who={STAFF},
                          guards=[has_resources]),
        states.Transition(S.APPLICATION, S.ALLOCATION, "close_applications", gettext_lazy("Applications closed"),
                          who={STAFF}),
        states.Transition(S.ALLOCATION, S.APPLICATION, "reopen", gettext_lazy("Applications reopened"),
                          who={STAFF}),
        states.Transition(S.ALLOCATION, S.PUBLISHED, "publish", gettext_lazy("Allocation published"), who={STAFF},
                          guards=[has_decisions]),
        states.Transition(S.PUBLISHED, S.COMPLAINTS, "open_complaints", gettext_lazy("Complaint period opened"),
                          who={STAFF}, guards=[has_complaint_deadline]),
        states.Transition((S.PUBLISHED, S.COMPLAINTS), S.CLOSED, "close", gettext_lazy("Round closed"),
                          who={STAFF}, guards=[complaints_answered]),
    ],
)


def complaint_roles(actor, complaint) -> set:
    parts = set()
    if actor.has_perm("booking_allocation.manage_rounds", complaint):
        parts.add(STAFF)
    if complaint.author_id == actor.pk:
        parts.add(AUTHOR)
    return parts


C = Complaint.Status

COMPLAINT_MACHINE = states.Machine(
    entity="complaint",
    states=Complaint.Status,
    roles=complaint_roles,
    transitions=[
        states.Transition(C.SUBMITTED, C.UPHELD, "uphold", gettext_lazy("Complaint upheld"), who={STAFF},
                          reason=True),
        states.Transition(C.SUBMITTED, C.DISMISSED, "dismiss", gettext_lazy("Complaint dismissed"), who={STAFF},
                          reason=True),
    ],
)
