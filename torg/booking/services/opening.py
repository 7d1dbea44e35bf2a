"""Opening calendars of buildings: weekly hours (staffed or meråpent), exceptions and public holidays."""

import datetime as dt

from dateutil.easter import easter

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from torg.core import audit
from torg.core.services import create_object, require_same_tenant

from ..models import OpeningException, OpeningHours


@transaction.atomic
def opening_hours_add(*, actor, tenant, building, weekday, opens, closes, kind=OpeningHours.Kind.STAFFED):
    require_same_tenant(tenant, building, field="building")
    return create_object(OpeningHours(tenant=tenant, building=building, weekday=weekday, opens=opens,
                                      closes=closes, kind=kind), actor=actor, tenant=tenant)


@transaction.atomic
def opening_exception_add(*, actor, tenant, building, date, closed=True, kind=OpeningHours.Kind.STAFFED,
                          opens=None, closes=None, note=""):
    require_same_tenant(tenant, building, field="building")
    if not closed and not (opens and closes and closes > opens):
        raise ValidationError(_("Give opening and closing times, or mark the day as closed."))
    return create_object(OpeningException(tenant=tenant, building=building, date=date, closed=closed, kind=kind,
                                          opens=opens, closes=closes, note=note), actor=actor, tenant=tenant)


def norwegian_public_holidays(year: int) -> list[tuple[dt.date, str]]:
    """Norway's public holidays (helligdager and 1 and 17 May) of `year`, with their names."""
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
    require_same_tenant(tenant, building, field="building")
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
    audit.record(actor=actor, tenant=obj.tenant, obj=obj, action=audit.code(obj, "delete"), changes=audit.diff(audit.snapshot(obj), {}))
    obj.delete()
