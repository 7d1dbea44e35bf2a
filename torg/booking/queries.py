"""Reads for booking: always filtered by tenant."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.shortcuts import get_object_or_404

from torg.accounts.models import Role

from .models import AccessEvent, Booking, BookingSlot, CalendarFeed, OpeningException, OpeningHours, Resource

OSLO = ZoneInfo("Europe/Oslo")


def resource_list(*, tenant, min_capacity=None, step_free=False, building=None):
    qs = Resource.objects.filter(tenant=tenant, archived=False).select_related("building", "room", "rules", "parent")
    if min_capacity:
        qs = qs.filter(rules__capacity__gte=min_capacity)
    if step_free:
        qs = qs.filter(rules__step_free=True)
    if building:
        qs = qs.filter(building_id=building)
    return qs.order_by("building__name", "name")


def bookable_resources(*, user, tenant, role, **filters):
    """Resources whose rules let this user's role book them (staff see everything)."""
    qs = resource_list(tenant=tenant, **filters)
    if role == Role.CITIZEN:
        qs = qs.filter(rules__allow_citizens=True)
    elif role == Role.ASSOCIATION:
        qs = qs.filter(Q(rules__allow_associations=True) | Q(rules__allow_citizens=True))
    elif role == Role.EMPLOYEE:
        qs = qs.filter(Q(rules__allow_employees=True) | Q(rules__allow_units=True))
    return qs


def resource_get(*, tenant, pk) -> Resource:
    return get_object_or_404(Resource.objects.select_related("building", "room", "rules", "parent"),
                             tenant=tenant, pk=pk)


def booking_get(*, tenant, pk) -> Booking:
    return get_object_or_404(
        Booking.objects.select_related("resource", "resource__rules", "resource__building", "booker", "organisation"),
        tenant=tenant, pk=pk)


def my_bookings(*, tenant, user):
    return (Booking.objects.filter(tenant=tenant, booker=user).select_related("resource", "organisation")
            .order_by("-start"))


def approval_queue(*, tenant):
    return (Booking.objects.filter(tenant=tenant, status=Booking.Status.REQUESTED)
            .select_related("resource", "booker", "organisation").order_by("start"))


def units_of(resource) -> list[Resource]:
    """The physical units (leaf resources) a booking of `resource` occupies."""
    units, todo = [], [resource]
    while todo:
        r = todo.pop()
        parts = list(Resource.objects.filter(parent=r, archived=False))
        if parts:
            todo.extend(parts)
        else:
            units.append(r)
    return units


def conflicting_slots(*, units, start, end, exclude_booking=None):
    qs = BookingSlot.objects.filter(unit__in=units, active=True, start__lt=end, end__gt=start)
    if exclude_booking is not None:
        qs = qs.exclude(booking=exclude_booking)
    return qs


def open_intervals(building, day: dt.date):
    """[(start, end, kind)] of the building's opening on one local date (aware datetimes).

    Date exceptions replace the weekly hours of that date. A building without any weekly hours
    has no calendar and counts as staffed around the clock.
    """
    exceptions = list(OpeningException.objects.filter(building=building, date=day))
    if exceptions:
        rows = [(e.opens, e.closes, e.kind) for e in exceptions if not e.closed and e.opens and e.closes]
    else:
        weekly = OpeningHours.objects.filter(building=building)
        if not weekly.exists():
            start = dt.datetime.combine(day, dt.time(0), OSLO)
            return [(start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), OSLO), "staffed")]
        rows = [(h.opens, h.closes, h.kind) for h in weekly.filter(weekday=day.weekday())]
    return sorted((dt.datetime.combine(day, o, OSLO), dt.datetime.combine(day, c, OSLO), k) for o, c, k in rows)


def opening_kinds(building, start, end):
    """The set of opening kinds covering [start, end), or None when part of it is closed."""
    local_start, local_end = start.astimezone(OSLO), end.astimezone(OSLO)
    day = local_start.date()
    intervals = []
    while day <= local_end.date():
        intervals.extend(open_intervals(building, day))
        day += dt.timedelta(days=1)
    cursor, kinds = start, set()
    for s, e, k in sorted(intervals):
        if s <= cursor < e:
            kinds.add(k)
            cursor = e
            if cursor >= end:
                return kinds
    return None


def week_grid(*, resource, monday: dt.date, step_minutes=60, first_hour=7, last_hour=23):
    """Rows of (time, [cell per day]) for a week view. Cell: dict(start, end, state, booking)."""
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    week_start = dt.datetime.combine(monday, dt.time(0), OSLO)
    week_end = week_start + dt.timedelta(days=8)
    units = units_of(resource)
    slots = list(BookingSlot.objects.filter(unit__in=units, active=True, start__lt=week_end, end__gt=week_start)
                 .select_related("booking"))
    opening = {d: open_intervals(resource.building, d) for d in days}
    rows = []
    minute = first_hour * 60
    while minute < last_hour * 60:
        t = dt.time(minute // 60, minute % 60)
        cells = []
        for d in days:
            s = dt.datetime.combine(d, t, OSLO)
            e = s + dt.timedelta(minutes=step_minutes)
            busy = next((x for x in slots if x.start < e and x.end > s), None)
            kind = next((k for os_, oe, k in opening[d] if os_ <= s and e <= oe), None)
            if busy:
                state = "busy"
            elif kind is None:
                state = "closed"
            else:
                state = "free" if kind == "staffed" else "meraapent"
            cells.append({"start": s, "end": e, "state": state, "booking": busy.booking if busy else None})
        rows.append((t, cells))
        minute += step_minutes
    return days, rows


def access_log(*, tenant, building):
    return (AccessEvent.objects.filter(tenant=tenant, building=building)
            .select_related("door", "booking", "controller").order_by("-at", "-id"))


def resource_by_feed_token(token: str) -> Resource:
    if not token or len(token) < 20:
        raise Http404
    return get_object_or_404(Resource.objects.select_related("building"), ical_token=token, archived=False)


def feed_bookings(*, resource):
    since = timezone.now() - dt.timedelta(days=30)
    return (Booking.objects.filter(resource=resource, status__in=Booking.ACTIVE, end__gte=since)
            .select_related("resource", "resource__building").order_by("start")[:2000])


def feed_by_token(token: str) -> CalendarFeed:
    if not token or len(token) < 20:
        raise Http404
    return get_object_or_404(CalendarFeed.objects.select_related("user", "organisation"), token=token)


def feed_bookings_for(feed: CalendarFeed):
    since = timezone.now() - dt.timedelta(days=30)
    qs = Booking.objects.filter(tenant_id=feed.tenant_id, status__in=Booking.ACTIVE, end__gte=since)
    qs = qs.filter(organisation=feed.organisation) if feed.organisation_id else qs.filter(booker=feed.user)
    return qs.select_related("resource", "resource__building").order_by("start")[:2000]


def feeds_of(*, tenant, user):
    return {f.organisation_id: f for f in CalendarFeed.objects.filter(tenant=tenant, user=user)}


def _hours(seconds):
    return round(seconds / 3600, 1)


def open_seconds(building, first: dt.date, last: dt.date, cache=None):
    """Open seconds (staffed + meråpent) of a building over the local dates [first, last]."""
    total, day = 0, first
    while day <= last:
        total += sum((e - s).total_seconds() for s, e, _k in open_intervals(building, day))
        day += dt.timedelta(days=1)
    return total


def utilisation(*, tenant, first: dt.date, last: dt.date):
    """Per resource: booked hours / open hours over [first, last], split by staffed vs meråpent
    and by personal vs organisation bookings. Confirmed bookings only, clipped to the period."""
    start = dt.datetime.combine(first, dt.time(0), OSLO)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), OSLO)
    bookings = Booking.objects.filter(tenant=tenant, status=Booking.Status.CONFIRMED, start__lt=end, end__gt=start)
    per = {}
    for b in bookings.only("resource_id", "start", "end", "meraapent", "organisation_id"):
        seconds = (min(b.end, end) - max(b.start, start)).total_seconds()
        row = per.setdefault(b.resource_id, {"staffed": 0, "meraapent": 0, "personal": 0, "organisation": 0})
        row["meraapent" if b.meraapent else "staffed"] += seconds
        row["organisation" if b.organisation_id else "personal"] += seconds
    no_shows = dict(Booking.objects.filter(tenant=tenant, no_show=True, start__lt=end, end__gt=start)
                    .values_list("resource_id").annotate(n=Count("id")).values_list("resource_id", "n"))
    open_by_building = {}
    rows = []
    for r in resource_list(tenant=tenant):
        if r.building_id not in open_by_building:
            open_by_building[r.building_id] = open_seconds(r.building, first, last)
        opened = open_by_building[r.building_id]
        p = per.get(r.pk, {"staffed": 0, "meraapent": 0, "personal": 0, "organisation": 0})
        booked = p["staffed"] + p["meraapent"]
        rows.append({
            "resource": r, "building": r.building, "booked_hours": _hours(booked), "open_hours": _hours(opened),
            "staffed_hours": _hours(p["staffed"]), "meraapent_hours": _hours(p["meraapent"]),
            "personal_hours": _hours(p["personal"]), "organisation_hours": _hours(p["organisation"]),
            "percent": round(100 * booked / opened, 1) if opened else 0.0, "no_shows": no_shows.get(r.pk, 0),
        })
    return rows
