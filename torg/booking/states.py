"""The booking's state machine: who may confirm, reject and cancel a booking, and when.

Parts (see `booking_roles`): "staff" — may manage bookings (booking.manage_bookings) in the booking's
municipality, the rule the approval views check; "booker" — the person who made the booking;
`states.SYSTEM` — booking's own scheduled jobs (releasing a no-show). The reasons and the booker's
cancellation deadline are guards, so no caller can skip them; staff and the system are exempt from
the deadline, as the booker is from giving a reason for their own cancellation.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from torg.core import states

from .models import Booking

STAFF, BOOKER = "staff", "booker"


def booking_roles(actor, booking) -> set:
    parts = set()
    if actor.has_perm("booking.manage_bookings", booking):
        parts.add(STAFF)
    if booking.booker_id == actor.pk:
        parts.add(BOOKER)
    return parts


def rejection_reason(change):
    if not change.reason:
        raise ValidationError({"reason": _("Give a reason for the rejection.")})


def staff_cancellation_reason(change):
    """Somebody else cancelling a booking tells the booker why (the system gives its own reason)."""
    if BOOKER not in change.parts and not change.system and not change.reason:
        raise ValidationError({"reason": _("Give the booker a reason for the cancellation.")})


def cancel_deadline(change):
    """The booker cancels up to the resource's deadline before the start; staff and the system any time."""
    if STAFF in change.parts or change.system:
        return
    booking = change.obj
    deadline = booking.start - dt.timedelta(hours=booking.resource.rules.cancel_deadline_hours)
    if change.now > deadline:
        raise ValidationError(_("The deadline for cancelling this booking has passed. Contact the staff."))


Status = Booking.Status

MACHINE = states.Machine(
    entity="booking",
    states=Booking.Status,
    roles=booking_roles,
    transitions=[
        states.Transition(Status.REQUESTED, Status.CONFIRMED, "confirm", gettext_lazy("Booking approved"), who={STAFF}),
        states.Transition(Status.REQUESTED, Status.REJECTED, "reject", gettext_lazy("Booking rejected"), who={STAFF},
                          guards=[rejection_reason]),
        states.Transition((Status.REQUESTED, Status.CONFIRMED), Status.CANCELLED, "cancel", gettext_lazy("Booking cancelled"),
                          who={STAFF, BOOKER, states.SYSTEM}, guards=[staff_cancellation_reason, cancel_deadline]),
    ],
)
