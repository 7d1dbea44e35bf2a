"""Checking a booking against the rules and the calendar, and occupying its slots (the database has the last word)."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from torg.accounts.models import Membership, Role
from torg.accounts.rules import role_in

from .. import closures, queries
from ..models import Booking, BookingSlot, MeraapentAgreement
from ..queries import OSLO
from .common import is_staff, local_text


# --- Checking a booking ---------------------------------------------------------------------
def age_on(birth_date, on):
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
    staff = is_staff(actor, tenant)
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
    # Nobody books a start that has passed, staff included (in the UI and the API alike); the slot
    # that is running now may still be booked (a desk taken at 10:07 from 10:00).
    if start < now and now - start >= dt.timedelta(minutes=rules.step_minutes):
        raise ValidationError(_("The start time has passed."))
    if not staff:
        minutes = (end - start).total_seconds() / 60
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
        if reason := closures.closed_reason(resource, start, end):
            raise ValidationError(reason)
        agreement = MeraapentAgreement.objects.filter(user=actor, building=resource.building).first()
        if meraapent and organisation is None and agreement is None:
            raise ValidationError(_("Sign the meråpent agreement for this building to book outside staffed hours."))
        if rules.age_limit:
            birth = agreement.birth_date if agreement else actor.birth_date
            if birth is None or age_on(birth, local.date()) < rules.age_limit:
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
    if age_limit and age_on(agreement.birth_date, timezone.localtime(start, OSLO).date()) < age_limit:
        raise ValidationError({"responsible": _("The responsible person must be at least %(age)s years old.")
                               % {"age": age_limit}})
    return person


def actor_type(actor, tenant, organisation, org_unit):
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
                           % {"resource": resource.name, "time": local_text(start)}, code="conflict")


def _check_free(resource, units, start, end, exclude=None):
    s, e = _blocked_range(resource, start, end)
    if queries.conflicting_slots(units=units, start=s, end=e, exclude_booking=exclude).exists():
        raise _conflict(resource, start)


def occupy(booking, units):
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
