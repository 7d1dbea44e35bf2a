"""Recurring bookings, and changes to one booking or the rest of its series (cancel, move)."""

import datetime as dt

from dateutil.rrule import rrulestr
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from torg.core import audit

from .. import pricing
from ..models import Booking, BookingSeries
from ..queries import OSLO
from .availability import actor_type, check_booking
from .bookings import booking_create, booking_reschedule, booking_transition
from .common import is_staff
from .notifications import announce_bookings


MAX_OCCURRENCES = 200


# --- Recurring bookings ---------------------------------------------------------------------
def build_rrule(*, frequency: str, dtstart, until=None, count=None) -> str:
    """An RFC 5545 RRULE: weekly, every other week, or monthly on the same weekday (e.g. 2nd Tuesday)."""
    local = timezone.localtime(dtstart, OSLO)
    if frequency == "weekly":
        parts = ["FREQ=WEEKLY"]
    elif frequency == "biweekly":
        parts = ["FREQ=WEEKLY", "INTERVAL=2"]
    elif frequency == "monthly":
        nth = (local.day - 1) // 7 + 1
        day = "MO TU WE TH FR SA SU".split()[local.weekday()]
        parts = ["FREQ=MONTHLY", f"BYDAY={'-1' if nth == 5 else f'+{nth}'}{day}"]
    else:
        raise ValidationError(_("Unknown repetition."))
    if until:
        end = dt.datetime.combine(until, dt.time(23, 59, 59), OSLO).astimezone(dt.UTC)
        parts.append(f"UNTIL={end:%Y%m%dT%H%M%SZ}")
    elif count:
        parts.append(f"COUNT={int(count)}")
    else:
        raise ValidationError(_("Give an end date or a number of times."))
    return ";".join(parts)


def occurrences(rrule: str, dtstart) -> list:
    """Start times of an RRULE in Oslo wall-clock time (stable across daylight saving changes)."""
    naive = timezone.localtime(dtstart, OSLO).replace(tzinfo=None)
    parts = []
    for part in rrule.strip().removeprefix("RRULE:").split(";"):
        if part.upper().startswith("UNTIL=") and part.upper().endswith("Z"):
            # dateutil wants UNTIL naive when DTSTART is naive: convert the UTC end to Oslo time.
            try:
                until = dt.datetime.strptime(part[6:-1], "%Y%m%dT%H%M%S").replace(tzinfo=dt.UTC)
            except ValueError as exc:
                raise ValidationError(_("The repetition rule is not valid.")) from exc
            part = f"UNTIL={until.astimezone(OSLO):%Y%m%dT%H%M%S}"
        parts.append(part)
    try:
        rule = rrulestr(";".join(parts), dtstart=naive)
        starts = []
        for start in rule:
            starts.append(start)
            if len(starts) > MAX_OCCURRENCES:
                raise ValidationError(_("A series can have at most %(n)s dates.") % {"n": MAX_OCCURRENCES})
    except (ValueError, TypeError) as exc:
        raise ValidationError(_("The repetition rule is not valid.")) from exc
    return [s.replace(tzinfo=OSLO) for s in starts]


def series_preview(*, actor, tenant, resource, rrule, dtstart, minutes, organisation=None, now=None,
                   responsible=None):
    """Every date of the series with the reason it cannot be booked (None when free)."""
    rows = []
    for start in occurrences(rrule, dtstart):
        end = start + dt.timedelta(minutes=minutes)
        try:
            check_booking(actor=actor, tenant=tenant, resource=resource, start=start, end=end,
                          organisation=organisation, now=now, responsible=responsible)
            problem = None
        except ValidationError as exc:
            problem = " ".join(exc.messages)
        rows.append({"start": start, "end": end, "problem": problem, "date": start.date().isoformat()})
    return rows


@transaction.atomic
def series_create(*, actor, tenant, resource, rrule, dtstart, minutes, organisation=None, title="",
                  skip_dates=(), now=None, responsible=None, booker=None) -> BookingSeries:
    """Create the series and one booking per date, leaving out `skip_dates` (ISO dates). `booker`
    as for booking_create (staff booking on someone's behalf; default: the actor).

    A conflict on a date that was not skipped fails the whole series: nothing is written.
    """
    skip = set(skip_dates)
    series = BookingSeries(tenant=tenant, resource=resource, booker=booker or actor, organisation=organisation,
                           title=title,
                           rrule=rrule, dtstart=dtstart, minutes=minutes, skipped=sorted(skip))
    series.full_clean()
    series.save()
    kind = actor_type(booker or actor, tenant, organisation, None)
    price_rules = pricing.rules_for(resource, pricing.category_for(actor_type=kind, organisation=organisation))
    created = []
    for start in occurrences(rrule, dtstart):
        if start.date().isoformat() in skip:
            continue
        try:
            created.append(booking_create(
                actor=actor, tenant=tenant, resource=resource, start=start, end=start + dt.timedelta(minutes=minutes),
                organisation=organisation, title=title, series=series, now=now, responsible=responsible,
                announce=False, booker=booker, price_rules=price_rules))
        except ValidationError as exc:
            raise ValidationError(_("%(date)s: %(problem)s") % {
                "date": date_format(start, "j. F Y"), "problem": " ".join(exc.messages)}) from exc
    if not created:
        raise ValidationError(_("Every date was skipped; nothing to book."))
    # All dates share one status (one resource, one booker).
    for status in (Booking.Status.CONFIRMED, Booking.Status.REQUESTED):
        if dates := [b for b in created if b.status == status]:
            announce_bookings(dates)
    audit.record(actor=actor, tenant=tenant, obj=series, action=audit.code(series, "create"),
                 changes={"rrule": [None, rrule], "bookings": [None, len(created)]})
    return series


@transaction.atomic
def series_cancel_from(*, actor, booking: Booking, reason: str = "", now=None) -> int:
    """Cancel `booking` and every later active booking of its series; returns how many were cancelled.

    Each cancellation goes through booking_transition (same rules, history and notifications).
    """
    if booking.series_id is None:
        raise ValidationError(_("This booking is not part of a series."))
    later = Booking.objects.filter(series_id=booking.series_id, start__gte=booking.start,
                                   status__in=Booking.ACTIVE).order_by("start")
    count = 0
    for b in later:
        booking_transition(actor=actor, booking=b, to=Booking.Status.CANCELLED, reason=reason, now=now)
        count += 1
    return count


@transaction.atomic
def bookings_hand_over(*, actor, bookings, organisation) -> int:
    """Give active bookings to another organisation of the municipality — an umbrella body passing
    its frame time (rammetid) on to a member club. Only the organisation the bookings are for changes
    (the club then finds them in its calendar feed); times, slots and the booker stay. The booker or
    staff only. Returns how many bookings were handed over."""
    count = 0
    for booking in bookings:
        booking = (Booking.objects.select_for_update(of=("self",)).select_related("organisation")
                   .get(pk=booking.pk))
        if booking.booker_id != actor.pk and not is_staff(actor, booking.tenant):
            raise PermissionDenied
        if organisation.tenant_id != booking.tenant_id or organisation.archived:
            raise ValidationError({"organisation": _("Choose an organisation of the municipality.")})
        if not booking.is_active or booking.organisation_id == organisation.pk:
            continue
        before = booking.organisation
        booking.organisation = organisation
        booking.save(update_fields=["organisation", "updated_at"])
        audit.record(actor=actor, tenant=booking.tenant, obj=booking, action="booking_hand_over",
                     changes={"organisation": [before.pk if before else None, organisation.pk]})
        count += 1
    return count


# --- Moving one booking or the rest of a series ---------------------------------------------
MOVE_SCOPES = ("this", "following")


def move_scope(booking: Booking, scope: str) -> list[Booking]:
    """The bookings a change applies to: this one, or this and the later active ones of its series."""
    if scope not in MOVE_SCOPES:
        raise ValidationError(_("Choose what the change applies to."))
    if scope == "this" or booking.series_id is None:
        return [booking]
    return list(Booking.objects.filter(series_id=booking.series_id, start__gte=booking.start,
                                       status__in=Booking.ACTIVE)
                .select_related("resource", "resource__own_rules", "resource__building", "organisation",
                                "responsible", "org_unit").order_by("start"))


def _shifted(booking, delta, minutes):
    """Shift a booking's Oslo wall-clock start by `delta` (stable across daylight saving changes)."""
    naive = timezone.localtime(booking.start, OSLO).replace(tzinfo=None) + delta
    start = naive.replace(tzinfo=OSLO)
    return start, start + dt.timedelta(minutes=minutes)


def _move_plan(booking, start, end):
    delta = (timezone.localtime(start, OSLO).replace(tzinfo=None)
             - timezone.localtime(booking.start, OSLO).replace(tzinfo=None))
    return delta, int((end - start).total_seconds() // 60)


def booking_move_preview(*, actor, booking: Booking, start, end, scope="this", now=None) -> list[dict]:
    """Every booking the move applies to, with its new time and why it cannot move (None when free).

    `start`/`end` are the new times of `booking`; later bookings of the series move by the same
    change of wall-clock time and get the same length.
    """
    if booking.booker_id != actor.pk and not is_staff(actor, booking.tenant):
        raise PermissionDenied
    if end <= start:
        raise ValidationError(_("The booking must end after it starts."))
    delta, minutes = _move_plan(booking, start, end)
    rows = []
    for b in move_scope(booking, scope):
        new_start, new_end = _shifted(b, delta, minutes)
        try:
            if not b.is_active:
                raise ValidationError(_("Only active bookings can be changed."))
            check_booking(actor=actor, tenant=b.tenant, resource=b.resource, start=new_start, end=new_end,
                          organisation=b.organisation, now=now, exclude=b,
                          responsible=b.responsible if b.organisation_id else None, org_unit=b.org_unit)
            problem = None
        except ValidationError as exc:
            problem = " ".join(exc.messages)
        rows.append({"booking": b, "start": new_start, "end": new_end, "problem": problem})
    return rows


@transaction.atomic
def booking_move(*, actor, booking: Booking, start, end, scope="this", keep=(), now=None) -> int:
    """Move `booking` (scope "this") or it and the rest of its series (scope "following") to new times.

    Bookings whose id is in `keep` stay where they are (the preview shows which ones conflict). A
    conflict on a booking that is not kept fails the whole change: nothing is moved. Door codes of
    moved meråpent bookings are revoked and new ones delivered. Returns how many bookings moved.
    """
    if booking.booker_id != actor.pk and not is_staff(actor, booking.tenant):
        raise PermissionDenied
    if end <= start:
        raise ValidationError(_("The booking must end after it starts."))
    keep = {int(k) for k in keep}
    delta, minutes = _move_plan(booking, start, end)
    moved = 0
    for b in move_scope(booking, scope):
        if b.pk in keep:
            continue
        new_start, new_end = _shifted(b, delta, minutes)
        try:
            booking_reschedule(actor=actor, booking=b, start=new_start, end=new_end, now=now)
        except ValidationError as exc:
            raise ValidationError(_("%(date)s: %(problem)s") % {
                "date": date_format(timezone.localtime(b.start, OSLO), "j. F Y"),
                "problem": " ".join(exc.messages)}) from exc
        moved += 1
    if not moved:
        raise ValidationError(_("Nothing to move: every booking was kept at its old time."))
    if scope == "following" and booking.series_id:
        audit.record(actor=actor, tenant=booking.tenant, obj=booking.series, action="booking_series_move",
                     changes={"from": [None, booking.start.isoformat()], "moved": [None, moved]})
    return moved
