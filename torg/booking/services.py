"""Every write to booking: resources, opening calendars, bookings, series, meråpent access."""

import datetime as dt
import secrets
import uuid

from dateutil.rrule import rrulestr
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from torg.accounts.models import Role
from torg.accounts.rules import role_in
from torg.core import audit
from torg.core.services import create_object, set_archived, update_object

from . import queries
from .models import (AccessCode, AccessEvent, Booking, BookingRules, BookingSeries, BookingSlot, CalendarFeed,
                     Door, DoorController, MeraapentAgreement, Notification, OpeningException, OpeningHours,
                     Resource, ResourcePhoto, default_policy, hash_secret)
from .models import DETAIL_FIELDS, POLICY_FIELDS
from .queries import OSLO
from .states import MACHINE

S = Booking.Status
ACCESS_MARGIN = dt.timedelta(minutes=15)  # a door code works this long before the booking starts
DOOR_FAILURE_LIMIT = 5  # wrong codes per controller and door …
DOOR_FAILURE_WINDOW = 600  # … within this many seconds, then the door refuses every code for a while
DOOR_REQUEST_LIMIT = 120  # requests (code checks and events) per controller and minute
MAX_OCCURRENCES = 200


def _same_tenant(tenant, obj, field):
    if obj is not None and obj.tenant_id != tenant.pk:
        raise ValidationError({field: _("Choose one of this municipality's places.")})


def _is_staff(actor, tenant):
    return actor.has_perm("booking.manage_bookings", tenant)


def _local(value):
    return date_format(timezone.localtime(value, OSLO), "j. F Y H:i")


# --- Resources, their rules and opening calendars -------------------------------------------
@transaction.atomic
def resource_create(*, actor, tenant, name, building, room=None, parent=None, kind=Resource.Kind.ROOM,
                    **rules) -> Resource:
    """Create a bookable resource. Description fields (DETAIL_FIELDS: capacity, equipment, …) are the
    resource's; policy fields (POLICY_FIELDS), when any are given, become its own rules — starting
    from the building's rules for the fields not given. Without them it follows the building's rules."""
    _same_tenant(tenant, building, "building")
    _same_tenant(tenant, room, "room")
    _same_tenant(tenant, parent, "parent")
    if room is not None and room.building_id != building.pk:
        raise ValidationError({"room": _("The room must be in the resource's building.")})
    if parent is not None and parent.building_id != building.pk:
        raise ValidationError({"parent": _("A part must be in the same building as the whole.")})
    if parent is not None and BookingSlot.objects.filter(unit=parent).exists():
        raise ValidationError({"parent": _("The whole already has bookings; it cannot be divided now.")})
    details, policy = _split_rule_fields(rules)
    if room is not None and "capacity" not in details:
        details["capacity"] = room.capacity
    resource = create_object(
        Resource(tenant=tenant, name=name, building=building, room=room, parent=parent, kind=kind,
                 ical_token=secrets.token_urlsafe(24), **details),
        actor=actor, tenant=tenant)
    if policy:
        _own_rules_create(actor, resource, policy)
    return resource


def _split_rule_fields(fields, details=DETAIL_FIELDS):
    """(description fields, policy fields) of `fields`; a TypeError names any other field."""
    unknown = set(fields) - set(details) - set(POLICY_FIELDS)
    if unknown:
        raise TypeError(f"unknown rule fields: {sorted(unknown)}")
    return ({f: fields[f] for f in details if f in fields}, {f: fields[f] for f in POLICY_FIELDS if f in fields})


def _own_rules_create(actor, resource, policy):
    start = queries.building_rules(tenant=resource.tenant, building=resource.building_id)
    values = {**(start.policy() if start else default_policy()), **policy}
    rules = create_object(BookingRules(tenant=resource.tenant, resource=resource, **values), actor=actor,
                          tenant=resource.tenant)
    resource.forget_rules()
    return rules


@transaction.atomic
def rules_update(*, actor, resource: Resource, inherit=False, **fields):
    """Change a resource's description and its booking rules.

    With `inherit`, the resource follows its building's rules: its own rules are removed and any
    policy fields given are ignored. Otherwise the policy fields given are saved as the resource's own
    rules (created from the building's rules the first time). Returns the effective rules."""
    details, policy = _split_rule_fields(fields)
    tenant = resource.tenant
    if details:
        update_object(resource, actor=actor, tenant=tenant, fields=details)
    own = BookingRules.objects.filter(resource=resource).first()
    if inherit:
        if own is not None:
            audit.record(actor=actor, tenant=tenant, obj=resource, action="rules_inherit",
                         changes={f: [v, None] for f, v in own.policy().items()})
            own.delete()
    elif own is None:
        _own_rules_create(actor, resource, policy)
    elif policy:
        update_object(own, actor=actor, tenant=tenant, fields=policy)
    resource.forget_rules()
    return resource.rules


@transaction.atomic
def building_rules_update(*, actor, tenant, building, **policy) -> BookingRules:
    """Set the booking rules of a building. Every resource of it without its own rules follows them,
    including resources added later."""
    _same_tenant(tenant, building, "building")
    _split_rule_fields(policy, details=())
    rules = queries.building_rules(tenant=tenant, building=building)
    if rules is None:
        return create_object(BookingRules(tenant=tenant, building=building, **{**default_policy(), **policy}),
                             actor=actor, tenant=tenant)
    return update_object(rules, actor=actor, tenant=tenant, fields=policy)


@transaction.atomic
def opening_hours_add(*, actor, tenant, building, weekday, opens, closes, kind=OpeningHours.Kind.STAFFED):
    _same_tenant(tenant, building, "building")
    return create_object(OpeningHours(tenant=tenant, building=building, weekday=weekday, opens=opens,
                                      closes=closes, kind=kind), actor=actor, tenant=tenant)


@transaction.atomic
def opening_exception_add(*, actor, tenant, building, date, closed=True, kind=OpeningHours.Kind.STAFFED,
                          opens=None, closes=None, note=""):
    _same_tenant(tenant, building, "building")
    if not closed and not (opens and closes and closes > opens):
        raise ValidationError(_("Give opening and closing times, or mark the day as closed."))
    return create_object(OpeningException(tenant=tenant, building=building, date=date, closed=closed, kind=kind,
                                          opens=opens, closes=closes, note=note), actor=actor, tenant=tenant)


def norwegian_public_holidays(year: int) -> list[tuple[dt.date, str]]:
    """Norway's public holidays (helligdager and 1 and 17 May) of `year`, with their names."""
    from dateutil.easter import easter

    e = easter(year)
    days = [(dt.date(year, 1, 1), _("New Year's Day")), (e - dt.timedelta(days=3), _("Maundy Thursday")),
            (e - dt.timedelta(days=2), _("Good Friday")), (e, _("Easter Sunday")),
            (e + dt.timedelta(days=1), _("Easter Monday")), (dt.date(year, 5, 1), _("Labour Day")),
            (dt.date(year, 5, 17), _("Constitution Day")), (e + dt.timedelta(days=39), _("Ascension Day")),
            (e + dt.timedelta(days=49), _("Whit Sunday")), (e + dt.timedelta(days=50), _("Whit Monday")),
            (dt.date(year, 12, 25), _("Christmas Day")), (dt.date(year, 12, 26), _("Boxing Day"))]
    return sorted(days)


@transaction.atomic
def opening_holidays_add(*, actor, tenant, building, year: int) -> int:
    """Close the building on Norway's public holidays of `year`. Dates that already have an exception
    keep it (e.g. special opening on 17 May). Returns how many closed days were added."""
    _same_tenant(tenant, building, "building")
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Give a year between 2000 and 2100.")})
    taken = set(OpeningException.objects.filter(tenant=tenant, building=building, date__year=year)
                .values_list("date", flat=True))
    added = 0
    for day, name in norwegian_public_holidays(year):
        if day not in taken:
            opening_exception_add(actor=actor, tenant=tenant, building=building, date=day, closed=True, note=name)
            taken.add(day)  # Whit Monday can be 17 May (2027): one closed day
            added += 1
    return added


@transaction.atomic
def opening_delete(*, actor, obj):
    """Remove a weekly opening-hours row or a date exception (recorded in the audit log)."""
    if not isinstance(obj, (OpeningHours, OpeningException)):
        raise TypeError(obj)
    audit.record(actor=actor, tenant=obj.tenant, obj=obj, action="delete", changes=audit.diff(audit.snapshot(obj), {}))
    obj.delete()


@transaction.atomic
def resource_set_archived(*, actor, resource: Resource, archived: bool) -> Resource:
    return set_archived(resource, actor=actor, tenant=resource.tenant, archived=archived)


@transaction.atomic
def resource_photo_add(*, actor, resource: Resource, upload, alt: str) -> ResourcePhoto:
    """Attach a photo; the upload is decoded and re-encoded (EXIF and anything else dropped)."""
    from .photos import reencode_photo

    if not alt.strip():
        raise ValidationError({"alt": _("Describe the photo for people who cannot see it.")})
    content, width, height = reencode_photo(upload)
    photo = ResourcePhoto(tenant=resource.tenant, resource=resource, alt=alt.strip()[:200], width=width,
                          height=height)
    photo.image.save(f"{resource.pk}-{secrets.token_hex(6)}.jpg", content, save=True)
    audit.record(actor=actor, tenant=resource.tenant, obj=resource, action="photo_add", comment=photo.alt)
    return photo


@transaction.atomic
def resource_photo_delete(*, actor, photo: ResourcePhoto) -> None:
    audit.record(actor=actor, tenant=photo.tenant, obj=photo.resource, action="photo_delete", comment=photo.alt)
    storage, name = photo.image.storage, photo.image.name
    photo.delete()
    transaction.on_commit(lambda: storage.delete(name))


# --- Checking a booking ---------------------------------------------------------------------
def _age(birth_date, on):
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def check_booking(*, actor, tenant, resource, start, end, organisation=None, now=None, exclude=None,
                  responsible=None, org_unit=None):
    """Raise ValidationError/PermissionDenied unless `actor` may book `resource` over [start, end).

    Returns {"meraapent": bool, "units": [...], "responsible": user or None}. Does not write; the
    conflict check is repeated when inserting. An organisation's booking in meråpent hours names a
    `responsible` person with a meråpent agreement for the building (default: the booker).
    """
    now = now or timezone.now()
    role = role_in(actor, tenant)
    if role is None or resource.tenant_id != tenant.pk:
        raise PermissionDenied
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValidationError(_("Times must include a time zone."))
    if end <= start:
        raise ValidationError(_("The booking must end after it starts."))
    if resource.archived:
        raise ValidationError(_("This resource can no longer be booked."))
    rules = resource.rules
    staff = _is_staff(actor, tenant)
    if organisation is not None:
        # Staff may register a booking for any of the tenant's organisations (requests by phone or e-mail).
        if organisation.tenant_id != tenant.pk or organisation.archived or not (
                staff or organisation.representatives.filter(pk=actor.pk).exists()):
            raise ValidationError({"organisation": _("You can only book on behalf of an organisation you represent.")})
        if not (rules.allow_associations or staff):
            raise ValidationError(_("Associations cannot book this resource."))
    if org_unit is not None:
        if org_unit.tenant_id != tenant.pk or not (staff or _unit_of(actor, tenant) == org_unit.pk):
            raise ValidationError({"org_unit": _("You can only book for your own unit.")})
        if organisation is not None:
            raise ValidationError(_("Book either for an organisation or for a unit, not both."))
        if not (rules.allow_units or staff):
            raise ValidationError(_("Municipal units cannot book this resource."))
    if responsible is not None and organisation is None:
        raise ValidationError({"responsible": _("Only an organisation's booking names a responsible person.")})
    if organisation is None and org_unit is None and not staff:
        allowed = {
            Role.CITIZEN: rules.allow_citizens,
            Role.ASSOCIATION: rules.allow_citizens,
            Role.EMPLOYEE: rules.allow_employees or rules.allow_units,
        }.get(role, False)
        if not allowed:
            raise ValidationError(_("You cannot book this resource."))
    kinds = queries.opening_kinds(resource.building, start, end)
    meraapent = bool(kinds and "meraapent" in kinds)
    if not staff:
        minutes = (end - start).total_seconds() / 60
        # The slot that is running now may still be booked (a desk taken at 10:07 from 10:00).
        if start < now and now - start >= dt.timedelta(minutes=rules.step_minutes):
            raise ValidationError(_("The start time has passed."))
        if start > now + dt.timedelta(days=rules.window_days):
            raise ValidationError(_("You can book at most %(days)s days ahead.") % {"days": rules.window_days})
        if minutes < rules.min_minutes or minutes > rules.max_minutes:
            raise ValidationError(_("A booking must last between %(min)s and %(max)s minutes.")
                                  % {"min": rules.min_minutes, "max": rules.max_minutes})
        local = timezone.localtime(start, OSLO)
        if (local.hour * 60 + local.minute) % rules.step_minutes or local.second or minutes % rules.step_minutes:
            raise ValidationError(_("Start and length must follow steps of %(step)s minutes.")
                                  % {"step": rules.step_minutes})
        if kinds is None:
            raise ValidationError(_("The building is closed for part of this time."))
        agreement = MeraapentAgreement.objects.filter(user=actor, building=resource.building).first()
        if meraapent and organisation is None and agreement is None:
            raise ValidationError(_("Sign the meråpent agreement for this building to book outside staffed hours."))
        if rules.age_limit:
            birth = agreement.birth_date if agreement else actor.birth_date
            if birth is None or _age(birth, local.date()) < rules.age_limit:
                raise ValidationError(_("You must be at least %(age)s years old to book this resource.")
                                      % {"age": rules.age_limit})
    if meraapent and organisation is not None and (responsible is not None or not staff):
        responsible = _check_responsible(actor, organisation, resource, responsible or actor, start)
    else:
        responsible = None
    units = queries.units_of(resource)
    _check_free(resource, units, start, end, exclude=exclude)
    return {"meraapent": meraapent, "units": units, "responsible": responsible}


def _unit_of(actor, tenant):
    from torg.accounts.models import Membership

    return Membership.objects.filter(tenant=tenant, user=actor, is_active=True).values_list(
        "org_unit_id", flat=True).first()


def _check_responsible(actor, organisation, resource, person, start):
    """The responsible person of an organisation's meråpent booking: the booker or one of the
    organisation's representatives, with a meråpent agreement for the building (and old enough)."""
    if person.pk != actor.pk and not organisation.representatives.filter(pk=person.pk).exists():
        raise ValidationError({"responsible": _("The responsible person must represent the organisation.")})
    agreement = MeraapentAgreement.objects.filter(user=person, building=resource.building).first()
    if agreement is None:
        raise ValidationError({"responsible": _(
            "In meråpent hours an organisation's booking needs a responsible person who has signed the "
            "meråpent agreement for this building.")})
    age_limit = resource.rules.age_limit
    if age_limit and _age(agreement.birth_date, timezone.localtime(start, OSLO).date()) < age_limit:
        raise ValidationError({"responsible": _("The responsible person must be at least %(age)s years old.")
                               % {"age": age_limit}})
    return person


def _actor_type(actor, tenant, organisation, org_unit):
    if organisation is not None:
        return Booking.ActorType.ASSOCIATION
    if org_unit is not None:
        return Booking.ActorType.UNIT
    if role_in(actor, tenant) in (Role.ADMIN, Role.PROPERTY_MANAGER, Role.EMPLOYEE):
        return Booking.ActorType.EMPLOYEE
    return Booking.ActorType.CITIZEN


def _blocked_range(resource, start, end):
    rules = resource.rules
    return start - dt.timedelta(minutes=rules.buffer_before), end + dt.timedelta(minutes=rules.buffer_after)


def _conflict(resource, start):
    return ValidationError(_("%(resource)s is already booked at %(time)s. Choose another time.")
                           % {"resource": resource.name, "time": _local(start)}, code="conflict")


def _check_free(resource, units, start, end, exclude=None):
    s, e = _blocked_range(resource, start, end)
    if queries.conflicting_slots(units=units, start=s, end=e, exclude_booking=exclude).exists():
        raise _conflict(resource, start)


def _occupy(booking, units):
    """Insert the booking's slots. The database has the last word (exclusion constraint on PostgreSQL)."""
    s, e = _blocked_range(booking.resource, booking.start, booking.end)
    try:
        with transaction.atomic():
            BookingSlot.objects.bulk_create(
                [BookingSlot(booking=booking, unit=u, start=s, end=e, active=True) for u in units])
    except IntegrityError as exc:
        if "booking_slot_no_overlap" in str(exc) or getattr(getattr(exc, "__cause__", None), "sqlstate", "") == "23P01":
            raise _conflict(booking.resource, booking.start) from exc
        raise
    except OperationalError as exc:
        # Two transactions inserting overlapping slots at the same moment can each wait for the other
        # in the exclusion-constraint check; PostgreSQL then aborts one with a deadlock (40P01). The
        # savepoint above is rolled back, so for the loser this is simply a conflict.
        if getattr(getattr(exc, "__cause__", None), "sqlstate", "") == "40P01":
            raise _conflict(booking.resource, booking.start) from exc
        raise


# --- Booking --------------------------------------------------------------------------------
def _submitted_before(actor, idempotency_key):
    """The booking an earlier submission with the same idempotency key created, if any."""
    if not idempotency_key:
        return None
    return Booking.objects.filter(booker=actor, idempotency_key=idempotency_key).first()


@transaction.atomic
def booking_create(*, actor, tenant, resource, start, end, organisation=None, title="", idempotency_key="",
                   series=None, now=None, responsible=None, org_unit=None, announce=True) -> Booking:
    """Book `resource` for [start, end). A repeated `idempotency_key` returns the first booking.

    The booker gets a receipt (confirmed) or a "waiting for approval" notice (requested), and for a
    request the booking staff are told. `announce=False` leaves that to the caller (a series sends
    one message for all its dates)."""
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
    status = S.REQUESTED if resource.rules.requires_approval and not _is_staff(actor, tenant) else S.CONFIRMED
    booking = Booking(tenant=tenant, resource=resource, booker=actor, organisation=organisation, series=series,
                      title=title, start=start, end=end, status=status, meraapent=info["meraapent"],
                      idempotency_key=idempotency_key, uid=f"{uuid.uuid4()}@torg", org_unit=org_unit,
                      responsible=info["responsible"],
                      actor_type=_actor_type(actor, tenant, organisation, org_unit))
    booking.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError:
        if (existing := _submitted_before(actor, idempotency_key)) is None:
            raise
        return existing
    _occupy(booking, info["units"])
    audit.record(actor=actor, tenant=tenant, obj=booking, action="create",
                 changes=audit.diff({}, audit.snapshot(booking, ["resource", "start", "end", "status",
                                                                 "organisation"])))
    if announce:
        _announce([booking])
    if status == S.CONFIRMED:
        if booking.meraapent:
            _deliver_code_later(booking)
        _schedule_release(booking)
    return booking


def _who(booking):
    person = str(booking.booker)
    if booking.organisation_id:
        return _("%(person)s for %(organisation)s") % {"person": person, "organisation": booking.organisation.name}
    return person


def _announce(bookings):
    """One message for a new booking or a new series (`bookings`: its dates, all in one status).

    Confirmed at once: the booker gets a receipt in the app and by e-mail with the dates as .ics.
    Requested: the booker is told it waits for approval, and every member of the tenant who may
    approve (booking.manage_bookings) gets a notice in the app and by e-mail."""
    first = bookings[0]
    tenant, n = first.tenant, len(bookings)
    where = {"resource": first.resource.name, "time": _local(first.start), "n": n, "who": _who(first)}
    if first.status == S.CONFIRMED:
        text = (_("Your booking of %(resource)s on %(time)s is confirmed.") if n == 1 else ngettext(
            "Your recurring booking of %(resource)s is confirmed: %(n)s date from %(time)s.",
            "Your recurring booking of %(resource)s is confirmed: %(n)s dates from %(time)s.", n)) % where
        _notify(tenant, first.booker, first, text, ics=[b.pk for b in bookings],
                link=reverse("booking:booking_detail", args=[first.pk]))
        return
    text = (_("Your request for %(resource)s on %(time)s is waiting for approval.") if n == 1 else ngettext(
        "Your request for %(resource)s, %(n)s date from %(time)s, is waiting for approval.",
        "Your request for %(resource)s, %(n)s dates from %(time)s, is waiting for approval.", n)) % where
    _notify(tenant, first.booker, first, text, email=False)
    staff_text = (_("New booking request: %(resource)s on %(time)s from %(who)s.") if n == 1 else ngettext(
        "New request for a recurring booking: %(resource)s, %(n)s date from %(time)s, from %(who)s.",
        "New request for a recurring booking: %(resource)s, %(n)s dates from %(time)s, from %(who)s.", n)) % where
    for person in queries.booking_managers(tenant=tenant):
        if person.pk != first.booker_id and person.has_perm("booking.manage_bookings", tenant):
            _notify(tenant, person, first, staff_text, link=reverse("booking:approvals"),
                    subject=_("Booking request: %(resource)s") % where)


@transaction.atomic
def booking_reschedule(*, actor, booking: Booking, start, end, now=None) -> Booking:
    """Move an active booking. The old slots are released and the new ones checked in one transaction."""
    _lock = Booking.objects.select_for_update(of=("self",)).select_related("resource", "resource__own_rules")
    booking = _lock.get(pk=booking.pk)
    tenant = booking.tenant
    if not booking.is_active:
        raise ValidationError(_("Only active bookings can be changed."))
    if booking.booker_id != actor.pk and not _is_staff(actor, tenant):
        raise PermissionDenied
    before = audit.snapshot(booking, ["start", "end"])
    info = check_booking(actor=actor, tenant=tenant, resource=booking.resource, start=start, end=end,
                         organisation=booking.organisation, now=now, exclude=booking,
                         responsible=booking.responsible if booking.organisation_id else None,
                         org_unit=booking.org_unit)
    BookingSlot.objects.filter(booking=booking).delete()
    booking.start, booking.end, booking.meraapent = start, end, info["meraapent"]
    booking.responsible = info["responsible"]
    booking.save(update_fields=["start", "end", "meraapent", "responsible", "updated_at"])
    _occupy(booking, info["units"])
    AccessCode.objects.filter(booking=booking, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if booking.status == S.CONFIRMED and booking.meraapent:
        _deliver_code_later(booking)  # the old code no longer fits: send one for the new time
    _schedule_release(booking)
    audit.record(actor=actor, tenant=tenant, obj=booking, action="reschedule",
                 changes=audit.diff(before, audit.snapshot(booking, ["start", "end"])))
    return booking


@transaction.atomic
def booking_transition(*, actor, booking: Booking, to: str, reason: str = "", now=None, system=False) -> Booking:
    """The only way a booking changes status: through the booking machine (torg.booking.states), which
    checks who may, the reasons and the cancellation deadline and records the history. Then the slots
    and door codes of a booking that is no longer active are released and the booker is told.

    `system=True` (actor None) is for scheduled jobs such as releasing no-shows."""
    _lock = Booking.objects.select_for_update(of=("self",)).select_related("resource", "resource__own_rules")
    booking = _lock.get(pk=booking.pk)
    tenant = booking.tenant
    reason = reason.strip()
    MACHINE.apply(booking, to, actor=actor, reason=reason, system=system, now=now)
    if to not in Booking.ACTIVE:
        BookingSlot.objects.filter(booking=booking).update(active=False)
        AccessCode.objects.filter(booking=booking, revoked_at__isnull=True).update(revoked_at=timezone.now())
    is_booker = actor is not None and booking.booker_id == actor.pk
    if not is_booker:
        messages = {
            S.CONFIRMED: _("Your booking of %(resource)s on %(time)s is confirmed."),
            S.REJECTED: _("Your request for %(resource)s on %(time)s was rejected: %(reason)s"),
            S.CANCELLED: _("Your booking of %(resource)s on %(time)s was cancelled: %(reason)s"),
        }
        _notify(tenant, booking.booker, booking, messages[to] % {
            "resource": booking.resource.name, "time": _local(booking.start), "reason": reason})
    if to == S.CONFIRMED and booking.meraapent:
        _deliver_code_later(booking)
    if to == S.CONFIRMED:
        _schedule_release(booking)
    return booking


def _notify(tenant, user, booking, message, email=True, link="", subject="", ics=None):
    """An in-app notification, and (after commit, in the background) the same text by e-mail with a
    link to `link` when TORG_PUBLIC_BASE_URL is set and the bookings `ics` attached as .ics."""
    Notification.objects.create(tenant=tenant, user=user, booking=booking, message=message[:500])
    if email and user.email:
        from .tasks import send_booking_email

        subject = subject or _("Booking: %(resource)s") % {"resource": booking.resource.name}
        body = message
        base = getattr(settings, "TORG_PUBLIC_BASE_URL", "").rstrip("/")
        if link and base:
            body += "\n\n" + base + link
        kwargs = {"to": user.email, "subject": subject, "body": body}
        if ics:
            kwargs["ics_booking_ids"] = list(ics)
        transaction.on_commit(lambda: send_booking_email.enqueue(**kwargs))


@transaction.atomic
def notifications_mark_read(*, actor, tenant):
    Notification.objects.filter(tenant=tenant, user=actor, read_at__isnull=True).update(read_at=timezone.now())


# --- Check-in and no-shows -----------------------------------------------------------------
CHECKIN_EARLY = dt.timedelta(minutes=15)


@transaction.atomic
def booking_check_in(*, actor, booking: Booking, now=None) -> Booking:
    """The booker checks in (from 15 minutes before the start until the release time)."""
    now = now or timezone.now()
    booking = Booking.objects.select_for_update(of=("self",)).select_related("resource__own_rules").get(pk=booking.pk)
    if booking.booker_id != actor.pk:
        raise PermissionDenied
    minutes = booking.resource.rules.checkin_minutes
    if booking.status != S.CONFIRMED or not minutes:
        raise ValidationError(_("This booking has no check-in."))
    if not (booking.start - CHECKIN_EARLY <= now < booking.start + dt.timedelta(minutes=minutes)):
        raise ValidationError(_("Check in between 15 minutes before the start and %(n)s minutes after it.")
                              % {"n": minutes})
    if booking.checked_in_at is None:
        booking.checked_in_at = now
        booking.save(update_fields=["checked_in_at", "updated_at"])
        audit.record(actor=actor, tenant=booking.tenant, obj=booking, action="check_in")
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
    window_end = booking.start + dt.timedelta(minutes=resource.rules.checkin_minutes)
    if (booking.status == S.CONFIRMED and booking.checked_in_at is None
            and booking.start - CHECKIN_EARLY <= now < window_end):
        booking = booking_check_in(actor=actor, booking=booking, now=now)
    return booking


def _release_due(booking):
    """The booking's check-in deadline (start + check-in minutes), or None without check-in."""
    minutes = booking.resource.rules.checkin_minutes
    return booking.start + dt.timedelta(minutes=minutes) if minutes else None


def _schedule_release(booking):
    """After commit, queue `release_no_show` to run at the booking's check-in deadline (django-tasks
    `run_after`; the database backend supports it). A moved booking queues a new one; the task checks
    again when it runs, so an earlier or repeated task does nothing. With a backend that cannot defer
    tasks nothing is queued and the periodic `booking_release_no_shows` command does the work."""
    if booking.status != S.CONFIRMED or booking.checked_in_at is not None:
        return
    due = _release_due(booking)
    if due is None:
        return
    from .tasks import release_no_show

    booking_id = booking.pk

    def enqueue():
        if release_no_show.get_backend().supports_defer:
            release_no_show.using(run_after=due).enqueue(booking_id=booking_id)

    transaction.on_commit(enqueue)


def release_no_show(*, booking_id, now=None) -> bool:
    """Cancel one confirmed booking with check-in whose booker did not check in before the deadline,
    while it is still running (the room is free for others). False when there is nothing to do."""
    now = now or timezone.now()
    b = (Booking.objects.select_related("resource", "resource__own_rules")
         .filter(pk=booking_id, status=S.CONFIRMED, checked_in_at__isnull=True, start__lte=now, end__gt=now).first())
    if b is None or (due := _release_due(b)) is None or due > now:
        return False
    with transaction.atomic():
        booking_transition(actor=None, booking=b, to=S.CANCELLED, system=True, now=now,
                           reason=_("Released: nobody checked in."))
        Booking.objects.filter(pk=b.pk).update(no_show=True)
    return True


def release_no_shows(*, now=None) -> int:
    """Release every no-show that is due (see release_no_show). Each booking with check-in queues its
    own release at its deadline; `manage.py booking_release_no_shows` runs this sweep as a safety net."""
    now = now or timezone.now()
    with_checkin = queries.with_checkin(Resource.objects.all()).values("pk")
    candidates = Booking.objects.filter(status=S.CONFIRMED, checked_in_at__isnull=True, resource__in=with_checkin,
                                        start__lte=now, end__gt=now).values_list("pk", flat=True)
    return sum(release_no_show(booking_id=pk, now=now) for pk in list(candidates))


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
                  skip_dates=(), now=None, responsible=None) -> BookingSeries:
    """Create the series and one booking per date, leaving out `skip_dates` (ISO dates).

    A conflict on a date that was not skipped fails the whole series: nothing is written.
    """
    skip = set(skip_dates)
    series = BookingSeries(tenant=tenant, resource=resource, booker=actor, organisation=organisation, title=title,
                           rrule=rrule, dtstart=dtstart, minutes=minutes, skipped=sorted(skip))
    series.full_clean()
    series.save()
    created = []
    for start in occurrences(rrule, dtstart):
        if start.date().isoformat() in skip:
            continue
        try:
            created.append(booking_create(
                actor=actor, tenant=tenant, resource=resource, start=start, end=start + dt.timedelta(minutes=minutes),
                organisation=organisation, title=title, series=series, now=now, responsible=responsible,
                announce=False))
        except ValidationError as exc:
            raise ValidationError(_("%(date)s: %(problem)s") % {
                "date": date_format(start, "j. F Y"), "problem": " ".join(exc.messages)}) from exc
    if not created:
        raise ValidationError(_("Every date was skipped; nothing to book."))
    for status in (S.CONFIRMED, S.REQUESTED):  # all dates share one status (one resource, one booker)
        if dates := [b for b in created if b.status == status]:
            _announce(dates)
    audit.record(actor=actor, tenant=tenant, obj=series, action="create",
                 changes={"rrule": [None, rrule], "bookings": [None, len(created)]})
    return series


# --- Calendar feeds ------------------------------------------------------------------------
@transaction.atomic
def calendar_feed_rotate(*, actor, tenant, organisation=None) -> CalendarFeed:
    """Create (or replace) the caller's feed URL; the old URL stops working."""
    if organisation is not None and (organisation.tenant_id != tenant.pk or
                                     not organisation.representatives.filter(pk=actor.pk).exists()):
        raise PermissionDenied
    feed, _created = CalendarFeed.objects.update_or_create(
        tenant=tenant, user=actor, organisation=organisation, defaults={"token": secrets.token_urlsafe(32)})
    audit.record(actor=actor, tenant=tenant, obj=feed, action="rotate")
    return feed


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
        booking_transition(actor=actor, booking=b, to=S.CANCELLED, reason=reason, now=now)
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
    if booking.booker_id != actor.pk and not _is_staff(actor, booking.tenant):
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
    if booking.booker_id != actor.pk and not _is_staff(actor, booking.tenant):
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
        audit.record(actor=actor, tenant=booking.tenant, obj=booking.series, action="move_following",
                     changes={"from": [None, booking.start.isoformat()], "moved": [None, moved]})
    return moved


# --- Meråpent -------------------------------------------------------------------------------
@transaction.atomic
def meraapent_agreement_sign(*, actor, tenant, building, birth_date, accept_terms: bool, age_limit=None):
    _same_tenant(tenant, building, "building")
    if not accept_terms:
        raise ValidationError({"accept_terms": _("You must accept the terms.")})
    if age_limit and _age(birth_date, timezone.localdate()) < age_limit:
        raise ValidationError({"birth_date": _("You must be at least %(age)s years old.") % {"age": age_limit}})
    agreement, _created = MeraapentAgreement.objects.update_or_create(
        user=actor, building=building,
        defaults={"tenant": tenant, "birth_date": birth_date, "accepted_at": timezone.now()})
    audit.record(actor=actor, tenant=tenant, obj=agreement, action="sign")
    return agreement


@transaction.atomic
def access_code_issue(*, actor, booking: Booking) -> str:
    """Issue a fresh door code for the booker's confirmed meråpent booking; returns it in clear ONCE.

    Earlier codes for the booking are revoked. Only an HMAC of the code is stored.
    """
    booking = Booking.objects.select_for_update(of=("self",)).select_related("resource").get(pk=booking.pk)
    if actor.pk not in (booking.booker_id, booking.responsible_id):
        raise PermissionDenied
    if booking.status != S.CONFIRMED or not booking.meraapent or booking.end <= timezone.now():
        raise ValidationError(_("Only a confirmed, coming booking in meråpent hours has a door code."))
    code = _new_code(booking)
    audit.record(actor=actor, tenant=booking.tenant, obj=booking, action="access_code_issued")
    return code


def _new_code(booking) -> str:
    """Revoke the booking's codes and store the hash of a fresh one (CSPRNG); return it in clear."""
    building_id = booking.resource.building_id
    now = timezone.now()
    AccessCode.objects.filter(booking=booking, revoked_at__isnull=True).update(revoked_at=now)
    for _attempt in range(20):
        code = f"{secrets.randbelow(10**8):08d}"
        code_hash = hash_secret("door-code", building_id, code)
        clash = AccessCode.objects.filter(building_id=building_id, code_hash=code_hash, revoked_at__isnull=True,
                                          valid_to__gt=now).exists()
        if not clash:
            break
    AccessCode.objects.create(tenant=booking.tenant, booking=booking, building_id=building_id, code_hash=code_hash,
                              valid_from=booking.start - ACCESS_MARGIN, valid_to=booking.end)
    return code


def _deliver_code_later(booking):
    """After commit, queue the door-code e-mail. Only the booking id goes into the task queue:
    the worker creates the code, so it never sits in clear in the queue, the database or a log."""
    from .tasks import deliver_access_code

    booking_id = booking.pk
    transaction.on_commit(lambda: deliver_access_code.enqueue(booking_id=booking_id))


@transaction.atomic
def access_code_deliver(*, booking_id: int, now=None) -> bool:
    """Background: issue a fresh door code for a confirmed meråpent booking and e-mail it to the booker
    (and to the responsible person, if another). Returns False when there is nothing to send.

    Runs in one transaction: if sending fails, the new code is rolled back and the old one stays valid.
    Without an e-mail address the booker is told in the app to show the code on the booking page.
    """
    from django.core.mail import send_mail

    now = now or timezone.now()
    booking = (Booking.objects.select_for_update(of=("self",))
               .select_related("resource", "resource__building", "booker", "responsible", "tenant")
               .filter(pk=booking_id).first())
    if booking is None or booking.status != S.CONFIRMED or not booking.meraapent or booking.end <= now:
        return False
    people = [booking.booker] + ([booking.responsible] if booking.responsible_id not in
                                 (None, booking.booker_id) else [])
    recipients = [p.email for p in people if p.email]
    where = {"resource": booking.resource.name, "building": booking.resource.building.name,
             "time": _local(booking.start)}
    if not recipients:
        _notify(booking.tenant, booking.booker, booking, _(
            "Your booking of %(resource)s on %(time)s is in meråpent hours. Open the booking to show your door "
            "code.") % where, email=False)
        return False
    code = _new_code(booking)
    body = _(
        "Your door code for %(building)s is %(code)s.\n\n"
        "Booking: %(resource)s, %(time)s–%(end)s.\n"
        "The code works from %(from)s until the booking ends. It stops working if the booking is cancelled "
        "or moved, or if a new code is shown on the booking page.\n\n"
        "Do not share the code. Entries are logged.") % {
        **where, "code": code, "end": date_format(timezone.localtime(booking.end, OSLO), "H:i"),
        "from": _local(booking.start - ACCESS_MARGIN)}
    send_mail(_("Door code: %(building)s") % where, body, None, recipients)
    audit.record(actor=None, tenant=booking.tenant, obj=booking, action="access_code_sent",
                 comment=str(len(recipients)))
    for person in people:
        Notification.objects.create(tenant=booking.tenant, user=person, booking=booking, message=(_(
            "Your door code for %(resource)s on %(time)s has been sent by e-mail.") % where)[:500])
    return True


@transaction.atomic
def door_add(*, actor, tenant, building, name, identifier) -> Door:
    _same_tenant(tenant, building, "building")
    return create_object(Door(tenant=tenant, building=building, name=name, identifier=identifier),
                         actor=actor, tenant=tenant)


@transaction.atomic
def door_controller_create(*, actor, tenant, building, name) -> tuple[DoorController, str]:
    """Register a lock controller; returns (controller, token). The token is shown once, never stored."""
    _same_tenant(tenant, building, "building")
    token = "door_" + secrets.token_urlsafe(32)
    controller = create_object(DoorController(tenant=tenant, building=building, name=name,
                                              token_hash=hash_secret("door-token", token)),
                               actor=actor, tenant=tenant)
    return controller, token


@transaction.atomic
def door_controller_revoke(*, actor, controller: DoorController) -> DoorController:
    """The controller's token stops working at once (e.g. a lost or replaced lock controller)."""
    if controller.revoked_at is None:
        controller.revoked_at = timezone.now()
        controller.save(update_fields=["revoked_at", "updated_at"])
        audit.record(actor=actor, tenant=controller.tenant, obj=controller, action="revoke")
    return controller


@transaction.atomic
def door_delete(*, actor, door: Door) -> None:
    """Remove a door; its access-log entries stay (without the door)."""
    audit.record(actor=actor, tenant=door.tenant, obj=door, action="delete",
                 changes=audit.diff(audit.snapshot(door), {}))
    door.delete()


def door_controller_authenticate(token: str) -> DoorController | None:
    return DoorController.objects.select_related("tenant").filter(
        token_hash=hash_secret("door-token", token), revoked_at__isnull=True).first()


class RateLimited(Exception):
    """A door controller sent more requests than DOOR_REQUEST_LIMIT per minute (answered 429)."""

    retry_after = 60


def _lock_controller(controller):
    """Serialise one controller's requests (row lock on PostgreSQL, write lock on SQLite) and refuse
    it when it is over its request rate. Counting in the access log, not in a per-process cache,
    keeps the limits right with several app servers."""
    DoorController.objects.select_for_update().filter(pk=controller.pk).first()
    since = timezone.now() - dt.timedelta(seconds=60)
    if AccessEvent.objects.filter(controller=controller, created_at__gte=since).count() >= DOOR_REQUEST_LIMIT:
        raise RateLimited


@transaction.atomic
def door_verify(*, controller: DoorController, door: str, code: str, at=None) -> dict:
    """May `code` open `door` at `at`? After DOOR_FAILURE_LIMIT wrong codes at a door within
    DOOR_FAILURE_WINDOW seconds the door refuses every code until the window has passed."""
    at = at or timezone.now()
    _lock_controller(controller)
    door_obj = Door.objects.filter(tenant=controller.tenant, building=controller.building, identifier=door).first()
    since = timezone.now() - dt.timedelta(seconds=DOOR_FAILURE_WINDOW)
    failures = AccessEvent.objects.filter(controller=controller, door=door_obj, kind=AccessEvent.Kind.DENIED,
                                          reported=False, created_at__gte=since).count()
    if failures >= DOOR_FAILURE_LIMIT:
        AccessEvent.objects.create(tenant=controller.tenant, building=controller.building, door=door_obj,
                                   controller=controller, kind=AccessEvent.Kind.THROTTLED, at=at)
        return {"allow": False, "reason": "throttled"}
    access = None
    if door_obj is not None and str(code).isdigit():
        access = (AccessCode.objects.select_related("booking")
                  .filter(building=controller.building, code_hash=hash_secret("door-code", controller.building_id,
                                                                              code),
                          revoked_at__isnull=True, valid_from__lte=at, valid_to__gt=at,
                          booking__status=S.CONFIRMED).first())
    if access is None:
        AccessEvent.objects.create(tenant=controller.tenant, building=controller.building, door=door_obj,
                                   controller=controller, kind=AccessEvent.Kind.DENIED, at=at)
        return {"allow": False, "reason": "denied"}
    AccessEvent.objects.create(tenant=controller.tenant, building=controller.building, door=door_obj,
                               controller=controller, booking=access.booking, kind=AccessEvent.Kind.ALLOWED, at=at)
    return {"allow": True, "reason": "ok", "valid_to": access.valid_to}


DOOR_EVENT_KINDS = {AccessEvent.Kind.OPENED, AccessEvent.Kind.DENIED, AccessEvent.Kind.FORCED, AccessEvent.Kind.HELD}


@transaction.atomic
def door_event_record(*, controller: DoorController, door: str, kind: str, at=None) -> AccessEvent:
    """A door event the controller saw itself: opened, denied (e.g. a card or code refused locally),
    forced open or held open. Denied events reported here do not count towards the code throttle."""
    if kind not in DOOR_EVENT_KINDS:
        raise ValidationError({"kind": _("Unknown door event.")})
    _lock_controller(controller)
    door_obj = Door.objects.filter(tenant=controller.tenant, building=controller.building, identifier=door).first()
    if door_obj is None:
        raise ValidationError({"door": _("Unknown door.")})
    return AccessEvent.objects.create(tenant=controller.tenant, building=controller.building, door=door_obj,
                                      controller=controller, kind=kind, at=at or timezone.now(), reported=True)
