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

from torg.core import audit, states

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


UNDO_MINUTES = 10  # how long the booker may undo their own cancellation


def last_cancellation(booking):
    """The audit event of the booking's latest cancellation, or None."""
    return (audit.history_for(booking, booking.tenant_id)
            .filter(action="booking_cancel").order_by("-created_at", "-pk").first())


def restore_target(booking):
    """The status a cancelled booking had before its latest cancellation (what undo restores), or None."""
    if booking.status != Booking.Status.CANCELLED:
        return None
    event = last_cancellation(booking)
    old = (event.changes or {}).get("status", [None])[0] if event else None
    return old if old in Booking.ACTIVE else None


def undo_window(change):
    """Only the booker undoes, only their own cancellation, within UNDO_MINUTES and before the start; the
    booking returns to the status it had. (That the time is still free is checked by the service.)"""
    booking = change.obj
    event = last_cancellation(booking)
    if (event is None or event.actor_id != booking.booker_id
            or change.now - event.created_at > dt.timedelta(minutes=UNDO_MINUTES)):
        raise ValidationError(_("A cancellation can only be undone by the booker, within %(n)s minutes.")
                              % {"n": UNDO_MINUTES})
    if restore_target(booking) != change.target:
        raise ValidationError(_("Undoing the cancellation gives the booking back the status it had."))
    if booking.start <= change.now:
        raise ValidationError(_("The booking has started. Book again instead."))


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
        # undo: the booker takes back their own cancellation within UNDO_MINUTES, if the time is still free
        states.Transition(Status.CANCELLED, Status.CONFIRMED, "restore", gettext_lazy("Cancellation undone"),
                          who={BOOKER}, guards=[undo_window]),
        states.Transition(Status.CANCELLED, Status.REQUESTED, "restore", gettext_lazy("Cancellation undone"),
                          who={BOOKER}, guards=[undo_window]),
    ],
)
