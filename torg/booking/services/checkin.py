"""Check-in, quick booking of desks and meeting rooms, and releasing no-shows."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from torg.core import audit
from torg.core.checkin import checkin_open

from .. import queries
from ..models import Booking, Resource
from .bookings import release_due, booking_create, booking_transition, lock_booking
from .common import is_staff


# --- Check-in and no-shows -----------------------------------------------------------------
@transaction.atomic
def booking_check_in(*, actor, booking: Booking, now=None) -> Booking:
    """The booker checks in (from 15 minutes before the start until the release time)."""
    now = now or timezone.now()
    booking = lock_booking(booking)
    if booking.booker_id != actor.pk:
        raise PermissionDenied
    minutes = booking.resource.rules.checkin_minutes
    if booking.status != Booking.Status.CONFIRMED or not minutes:
        raise ValidationError(_("This booking has no check-in."))
    if not checkin_open(now, booking.start, minutes):
        raise ValidationError(_("Check in between 15 minutes before the start and %(n)s minutes after it.")
                              % {"n": minutes})
    if booking.checked_in_at is None:
        booking.checked_in_at = now
        booking.save(update_fields=["checked_in_at", "updated_at"])
        audit.record(actor=actor, tenant=booking.tenant, obj=booking, action="booking_check_in")
    return booking


@transaction.atomic
def booking_quick(*, actor, tenant, resource, start, end, idempotency_key="", now=None) -> Booking:
    """Quick booking of a desk or meeting room (activity-based office): book, and check in at once
    when the booking starts within the check-in window (the person is there)."""
    now = now or timezone.now()
    if not resource.rules.checkin_minutes:
        raise ValidationError(_("Quick booking is for desks and meeting rooms with check-in."))
    booking = booking_create(actor=actor, tenant=tenant, resource=resource, start=start, end=end,
                             idempotency_key=idempotency_key, now=now)
    if queries.can_check_in(booking, now):
        booking = booking_check_in(actor=actor, booking=booking, now=now)
    return booking


@transaction.atomic
def booking_mark_no_show(*, actor, booking: Booking, now=None) -> Booking:
    """Staff record that nobody came to a confirmed booking that has started (a room without
    check-in, or seen by the caretaker). The booking stays confirmed (and is invoiced as booked);
    repeated no-shows on a series flag it for review at the next allocation round."""
    now = now or timezone.now()
    booking = lock_booking(booking)
    if not is_staff(actor, booking.tenant):
        raise PermissionDenied
    if booking.status != Booking.Status.CONFIRMED or booking.start > now:
        raise ValidationError(_("Only a confirmed booking that has started can be marked as a no-show."))
    if booking.checked_in_at is not None:
        raise ValidationError(_("The booker checked in; this was not a no-show."))
    if not booking.no_show:
        booking.no_show = True
        booking.save(update_fields=["no_show", "updated_at"])
        audit.record(actor=actor, tenant=booking.tenant, obj=booking, action="booking_no_show")
    return booking


def release_no_show(*, booking_id, now=None) -> bool:
    """Cancel one confirmed booking with check-in whose booker did not check in before the deadline,
    while it is still running (the room is free for others). False when there is nothing to do."""
    now = now or timezone.now()
    b = (Booking.objects.select_related("resource", "resource__own_rules", "resource__building")
         .filter(pk=booking_id, status=Booking.Status.CONFIRMED, checked_in_at__isnull=True, start__lte=now,
                 end__gt=now).first())
    if b is None or (due := release_due(b)) is None or due > now:
        return False
    with transaction.atomic():
        booking_transition(actor=None, booking=b, to=Booking.Status.CANCELLED, system=True, now=now,
                           reason=_("Released: nobody checked in."))
        Booking.objects.filter(pk=b.pk).update(no_show=True)
    return True


def release_no_shows(*, now=None) -> int:
    """Release every no-show that is due (see release_no_show). Each booking with check-in queues its
    own release at its deadline; `manage.py booking_release_no_shows` runs this sweep as a safety net."""
    now = now or timezone.now()
    with_checkin = queries.with_checkin(Resource.objects.all()).values("pk")
    candidates = Booking.objects.filter(status=Booking.Status.CONFIRMED, checked_in_at__isnull=True,
                                        resource__in=with_checkin, start__lte=now, end__gt=now)
    return sum(release_no_show(booking_id=pk, now=now) for pk in list(candidates.values_list("pk", flat=True)))
