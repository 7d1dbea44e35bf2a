"""One booking: create, reschedule and change its status (through the booking machine)."""

import datetime as dt
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from torg.core import audit
from torg.core.checkin import checkin_window
from torg.core.tasks import enqueue_on_commit

from .. import pricing
from ..models import AccessCode, Booking, BookingSlot
from ..states import MACHINE
from .access import deliver_code_later
from .availability import actor_type, occupy, check_booking
from .common import is_staff, local_text
from .notifications import announce_bookings, notify


# --- Booking --------------------------------------------------------------------------------
def lock_booking(booking) -> Booking:
    """The booking read again with a row lock, with its resource and what the resource's rules need."""
    return (Booking.objects.select_for_update(of=("self",))
            .select_related("resource", "resource__own_rules", "resource__building").get(pk=booking.pk))


def _submitted_before(actor, idempotency_key):
    """The booking an earlier submission with the same idempotency key created, if any."""
    if not idempotency_key:
        return None
    return Booking.objects.filter(booker=actor, idempotency_key=idempotency_key).first()


@transaction.atomic
def booking_create(*, actor, tenant, resource, start, end, organisation=None, title="", idempotency_key="",
                   series=None, now=None, responsible=None, org_unit=None, announce=True, booker=None,
                   price_rules=None) -> Booking:
    """Book `resource` for [start, end). A repeated `idempotency_key` returns the first booking.

    `booker` (default: the actor) is the person the booking is for when staff book on someone's
    behalf (a published seasonal allocation books for the applicant); the rules are the actor's.

    The booker gets a receipt (confirmed) or a "waiting for approval" notice (requested), and for a
    request the booking staff are told. `announce=False` leaves that to the caller (a series sends
    one message for all its dates). The price comes from the price rules (torg.booking.pricing) for
    the booker's category and is stored on the booking; `price_rules` lets a series read them once."""
    if (existing := _submitted_before(actor, idempotency_key)) is not None:
        return existing
    try:
        info = check_booking(actor=actor, tenant=tenant, resource=resource, start=start, end=end,
                             organisation=organisation, now=now, responsible=responsible, org_unit=org_unit)
    except ValidationError:
        # A twin submission with the same key may have committed since the look-up above: its slot
        # is the "conflict". The booker gets that booking, not an error.
        if (existing := _submitted_before(actor, idempotency_key)) is not None:
            return existing
        raise
    needs_approval = resource.rules.requires_approval and not is_staff(actor, tenant)
    status = Booking.Status.REQUESTED if needs_approval else Booking.Status.CONFIRMED
    kind = actor_type(booker or actor, tenant, organisation, org_unit)
    quote = pricing.price(resource=resource, start=start, end=end,
                          category=pricing.category_for(actor_type=kind, organisation=organisation),
                          rules=price_rules)
    booking = Booking(tenant=tenant, resource=resource, booker=booker or actor, organisation=organisation, series=series,
                      title=title, start=start, end=end, status=status, meraapent=info["meraapent"],
                      idempotency_key=idempotency_key, uid=f"{uuid.uuid4()}@torg", org_unit=org_unit,
                      responsible=info["responsible"], actor_type=kind, price=quote.amount,
                      price_category=quote.category, late_fee=quote.late_fee)
    booking.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError:
        if (existing := _submitted_before(actor, idempotency_key)) is None:
            raise
        return existing
    occupy(booking, info["units"])
    audit.record(actor=actor, tenant=tenant, obj=booking, action=audit.code(booking, "create"),
                 changes=audit.diff({}, audit.snapshot(booking, ["resource", "start", "end", "status",
                                                                 "organisation"])))
    if announce:
        announce_bookings([booking])
    if status == Booking.Status.CONFIRMED:
        if booking.meraapent:
            deliver_code_later(booking)
        _schedule_release(booking)
    return booking


def booking_preview(*, actor, tenant, resource, start, end, organisation=None, responsible=None, org_unit=None,
                    now=None) -> dict:
    """What `booking_create` would make of these inputs, without writing (the summary before confirming):
    the same checks (raises the same ValidationError/PermissionDenied), the status the booking would get
    (confirmed at once or waiting for approval), whether it is meråpent, who is responsible, and the
    price (a pricing.Quote: what booking_create will store)."""
    info = check_booking(actor=actor, tenant=tenant, resource=resource, start=start, end=end,
                         organisation=organisation, now=now, responsible=responsible, org_unit=org_unit)
    needs_approval = resource.rules.requires_approval and not is_staff(actor, tenant)
    kind = actor_type(actor, tenant, organisation, org_unit)
    quote = pricing.price(resource=resource, start=start, end=end,
                          category=pricing.category_for(actor_type=kind, organisation=organisation))
    return {"status": Booking.Status.REQUESTED if needs_approval else Booking.Status.CONFIRMED,
            "meraapent": info["meraapent"], "responsible": info["responsible"], "quote": quote}


@transaction.atomic
def booking_reschedule(*, actor, booking: Booking, start, end, now=None) -> Booking:
    """Move an active booking. The old slots are released and the new ones checked in one transaction."""
    booking = lock_booking(booking)
    tenant = booking.tenant
    if not booking.is_active:
        raise ValidationError(_("Only active bookings can be changed."))
    if booking.booker_id != actor.pk and not is_staff(actor, tenant):
        raise PermissionDenied
    before = audit.snapshot(booking, ["start", "end"])
    info = check_booking(actor=actor, tenant=tenant, resource=booking.resource, start=start, end=end,
                         organisation=booking.organisation, now=now, exclude=booking,
                         responsible=booking.responsible if booking.organisation_id else None,
                         org_unit=booking.org_unit)
    BookingSlot.objects.filter(booking=booking).delete()
    booking.start, booking.end, booking.meraapent = start, end, info["meraapent"]
    booking.responsible = info["responsible"]
    if booking.price_category:  # the new time is priced by the same category's rules
        quote = pricing.price(resource=booking.resource, start=start, end=end, category=booking.price_category)
        booking.price, booking.late_fee = quote.amount, quote.late_fee
    booking.save(update_fields=["start", "end", "meraapent", "responsible", "price", "late_fee",
                                "updated_at"])
    occupy(booking, info["units"])
    AccessCode.objects.filter(booking=booking, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if booking.status == Booking.Status.CONFIRMED and booking.meraapent:
        deliver_code_later(booking)  # the old code no longer fits: send one for the new time
    _schedule_release(booking)
    audit.record(actor=actor, tenant=tenant, obj=booking, action="booking_reschedule",
                 changes=audit.diff(before, audit.snapshot(booking, ["start", "end"])))
    return booking


@transaction.atomic
def booking_transition(*, actor, booking: Booking, to: str, reason: str = "", now=None, system=False) -> Booking:
    """The only way a booking changes status: through the booking machine (torg.booking.states), which
    checks who may, the reasons and the cancellation deadline and records the history. Then the slots
    and door codes of a booking that is no longer active are released and the booker is told.

    `system=True` (actor None) is for scheduled jobs such as releasing no-shows."""
    booking = lock_booking(booking)
    tenant = booking.tenant
    reason = reason.strip()
    restoring = booking.status == Booking.Status.CANCELLED and to in Booking.ACTIVE
    was_active = booking.is_active
    MACHINE.apply(booking, to, actor=actor, reason=reason, system=system, now=now)
    if to == Booking.Status.CANCELLED and was_active and is_late(booking, now) and booking.late_fee > 0:
        booking.cancel_charge = booking.late_fee  # the late cancellation rule
        booking.save(update_fields=["cancel_charge", "updated_at"])
    if restoring:
        # Undo of a cancellation: the time must still be free (and bookable by today's rules); the
        # old slots are replaced by fresh ones, so the database's overlap guarantee applies again.
        info = check_booking(actor=actor, tenant=tenant, resource=booking.resource, start=booking.start,
                             end=booking.end, organisation=booking.organisation, now=now, exclude=booking,
                             responsible=booking.responsible if booking.organisation_id else None,
                             org_unit=booking.org_unit)
        BookingSlot.objects.filter(booking=booking).delete()
        occupy(booking, info["units"])
        if booking.cancel_charge is not None:  # nothing is owed for a cancellation that was undone
            booking.cancel_charge = None
            booking.save(update_fields=["cancel_charge", "updated_at"])
    if to not in Booking.ACTIVE:
        BookingSlot.objects.filter(booking=booking).update(active=False)
        AccessCode.objects.filter(booking=booking, revoked_at__isnull=True).update(revoked_at=timezone.now())
    is_booker = actor is not None and booking.booker_id == actor.pk
    if not is_booker:
        messages = {
            Booking.Status.CONFIRMED: _("Your booking of %(resource)s on %(time)s is confirmed."),
            Booking.Status.REJECTED: _("Your request for %(resource)s on %(time)s was rejected: %(reason)s"),
            Booking.Status.CANCELLED: _("Your booking of %(resource)s on %(time)s was cancelled: %(reason)s"),
        }
        notify(tenant, booking.booker, booking, messages[to] % {
            "resource": booking.resource.name, "time": local_text(booking.start), "reason": reason})
    if to == Booking.Status.CONFIRMED and booking.meraapent:
        deliver_code_later(booking)
    if restoring and to == Booking.Status.REQUESTED:
        announce_bookings([booking])  # the approvers are told again
    if to == Booking.Status.CONFIRMED:
        _schedule_release(booking)
    return booking


def is_late(booking, now=None) -> bool:
    """Cancelled now, is the booking past its resource's cancellation deadline (so the late
    cancellation rule applies: the share of the price the price rule names is invoiced)?"""
    deadline = booking.start - dt.timedelta(hours=booking.resource.rules.cancel_deadline_hours)
    return (now or timezone.now()) > deadline


def release_due(booking):
    """The booking's check-in deadline (the close of its check-in window), or None without check-in."""
    window = checkin_window(booking.start, booking.resource.rules.checkin_minutes)
    return window[1] if window else None


def _schedule_release(booking):
    """After commit, queue the task `release_no_show` to run at the booking's check-in deadline
    (`run_after`; the database backend supports it). A moved booking queues a new one; the task checks
    again when it runs, so an earlier or repeated task does nothing. With a backend that cannot defer
    tasks nothing is queued and the periodic `booking_release_no_shows` command does the work."""
    if booking.status != Booking.Status.CONFIRMED or booking.checked_in_at is not None:
        return
    due = release_due(booking)
    if due is None:
        return
    enqueue_on_commit("torg.booking.tasks.release_no_show", run_after=due, booking_id=booking.pk)
