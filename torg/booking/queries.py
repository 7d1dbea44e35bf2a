"""Reads for booking: always filtered by tenant."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.formats import get_format
from django.shortcuts import get_object_or_404

from torg.accounts.models import Role, Tenant, User
from torg.core.checkin import checkin_open
from torg.places.models import Building

from .models import (AccessEvent, Booking, BookingRules, BookingSlot, CalendarFeed, Notification, OpeningException,
                     OpeningHours, PriceRule, Resource)
from .rules import MANAGER_ROLES

OSLO = ZoneInfo("Europe/Oslo")


def resource_list(*, tenant, min_capacity=None, step_free=False, building=None, equipment=None):
    qs = Resource.objects.filter(tenant=tenant, archived=False).select_related("building", "room", "parent").with_rules()
    if min_capacity:
        qs = qs.filter(capacity__gte=min_capacity)
    if step_free:
        qs = qs.filter(step_free=True)
    if building:
        qs = qs.filter(building_id=building)
    if equipment:
        # JSON "contains" is not portable to SQLite: match the (short) equipment lists in Python.
        ids = [pk for pk, items in Resource.objects.filter(pk__in=qs.values("pk")).values_list("pk", "equipment")
               if equipment in (items or [])]
        qs = qs.filter(pk__in=ids)
    return qs.order_by("building__name", "name")


def equipment_choices(*, tenant) -> list[str]:
    """Every equipment item named on the tenant's active resources, sorted."""
    items = set()
    for equipment in Resource.objects.filter(tenant=tenant, archived=False).values_list("equipment", flat=True):
        items.update(equipment or [])
    return sorted(items)


def buildings_with_resources(*, tenant):
    return Building.objects.filter(tenant=tenant, pk__in=Resource.objects.filter(
        tenant=tenant, archived=False).values("building_id")).order_by("name")


def _merge(intervals):
    merged = []
    for s, e in sorted(intervals):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return merged


def building_week(*, tenant, building, monday: dt.date, **filters):
    """A building's week: per bookable resource and day, the open hours, the booked intervals and
    the free hours (open time not booked). Two queries for slots and opening, whatever the size."""
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    week_start = dt.datetime.combine(monday, dt.time(0), OSLO)
    week_end = dt.datetime.combine(monday + dt.timedelta(days=7), dt.time(0), OSLO)
    resources = list(resource_list(tenant=tenant, building=building.pk, **filters))
    everything = list(Resource.objects.filter(tenant=tenant, building=building, archived=False)
                      .values_list("pk", "parent_id"))
    children = {}
    for pk, parent in everything:
        children.setdefault(parent, []).append(pk)

    def leaves(pk):
        return [pk] if pk not in children else [leaf for c in children[pk] for leaf in leaves(c)]

    units = {r.pk: leaves(r.pk) for r in resources}
    busy_by_unit = {}
    for unit_id, s, e in (BookingSlot.objects.filter(unit_id__in={u for us in units.values() for u in us},
                                                     active=True, start__lt=week_end, end__gt=week_start)
                          .values_list("unit_id", "start", "end")):
        busy_by_unit.setdefault(unit_id, []).append((s, e))
    opening = opening_calendar(building, days[0], days[-1])
    bounds = [(d, dt.datetime.combine(d, dt.time(0), OSLO), dt.datetime.combine(d + dt.timedelta(days=1),
                                                                                 dt.time(0), OSLO)) for d in days]
    day_info = {d: (sum((e - s).total_seconds() for s, e, _k in opening[d]), bool(opening[d]),
                    any(k == "meraapent" for _s, _e, k in opening[d])) for d in days}
    decimal = get_format("DECIMAL_SEPARATOR")
    rows = []
    for r in resources:
        by_day = {d: [] for d in days}
        texts = {d: [] for d in days}
        for s, e in _merge([iv for u in units[r.pk] for iv in busy_by_unit.get(u, [])]):
            ls, le = s.astimezone(OSLO), e.astimezone(OSLO)
            if ls.date() == le.date() and ls.date() in by_day:  # the usual case: within one day
                by_day[ls.date()].append((s, e))
                texts[ls.date()].append(f"{ls:%H:%M}–{le:%H:%M}")
                continue
            for d, day_start, day_end in bounds:  # spans midnight (or starts before the week): clip per day
                if s < day_end and e > day_start:
                    cs, ce = max(s, day_start), min(e, day_end)
                    by_day[d].append((cs, ce))
                    texts[d].append(f"{cs.astimezone(OSLO):%H:%M}–{ce.astimezone(OSLO):%H:%M}")
        cells = []
        for d, _ds, _de in bounds:
            open_secs, is_open, meraapent = day_info[d]
            booked = by_day[d]
            busy_open = sum(_overlap(bs, be, os_, oe) for bs, be in booked for os_, oe, _k in opening[d])
            free = _hours(max(0.0, open_secs - busy_open))
            cells.append({"day": d, "open": is_open, "booked": booked, "meraapent": meraapent, "free_hours": free,
                          "free_text": str(free).replace(".", decimal),  # number_format per cell is slow
                          "booked_text": ", ".join(texts[d])})
        rows.append({"resource": r, "cells": cells})
    return days, rows


def free_slots(*, resource, start, end, minutes=None):
    """Free bookable intervals of `resource` within [start, end): open time (staffed or meråpent)
    not taken by active bookings of it, its parts or its whole (including buffers). Each interval is
    at least `minutes` long (default: the resource's minimum duration). [(start, end, kind)]."""
    rules = resource.rules
    minutes = minutes or rules.min_minutes
    slots = list(BookingSlot.objects.filter(unit__in=units_of(resource), active=True, start__lt=end, end__gt=start)
                 .values_list("start", "end"))
    before, after = dt.timedelta(minutes=rules.buffer_before), dt.timedelta(minutes=rules.buffer_after)
    # a new booking's buffers must not touch existing slots either: widen the busy time by them
    busy = _merge([(s - after, e + before) for s, e in slots])
    out = []
    calendar = opening_calendar(resource.building, start.astimezone(OSLO).date(), end.astimezone(OSLO).date())
    for day in sorted(calendar):
        for os_, oe, kind in calendar[day]:
            cursor, stop = max(os_, start), min(oe, end)
            for bs, be in busy:
                if be <= cursor or bs >= stop:
                    continue
                if bs > cursor:
                    out.append((cursor, bs, kind))
                cursor = max(cursor, be)
            if cursor < stop:
                out.append((cursor, stop, kind))
    return [(s, e, k) for s, e, k in out if (e - s) >= dt.timedelta(minutes=minutes)]


def bookable_resources(*, user, tenant, role, **filters):
    """Resources whose rules let this user's role book them (staff see everything)."""
    qs = resource_list(tenant=tenant, **filters)
    if role == Role.CITIZEN:
        qs = qs.with_policy("allow_citizens").filter(policy_allow_citizens=True)
    elif role == Role.ASSOCIATION:
        qs = (qs.with_policy("allow_associations", "allow_citizens")
              .filter(Q(policy_allow_associations=True) | Q(policy_allow_citizens=True)))
    elif role == Role.EMPLOYEE:
        qs = (qs.with_policy("allow_employees", "allow_units")
              .filter(Q(policy_allow_employees=True) | Q(policy_allow_units=True)))
    return qs


def with_checkin(qs):
    """Only resources whose effective rules require check-in (desks and meeting rooms)."""
    return qs.with_policy("checkin_minutes").filter(policy_checkin_minutes__isnull=False)


def resource_get(*, tenant, pk) -> Resource:
    return get_object_or_404(Resource.objects.select_related("building__property", "room", "parent").with_rules(),
                             tenant=tenant, pk=pk)


def building_rules(*, tenant, building):
    """A building's own booking rules (None: its resources use the defaults unless they have their own)."""
    return BookingRules.objects.filter(tenant=tenant, building=building).first()


def building_resources_rules(*, tenant, building):
    """The building's active resources with their effective rules (which ones have their own)."""
    return list(Resource.objects.filter(tenant=tenant, building=building, archived=False).with_rules()
                .order_by("name"))


def resource_upcoming(*, resource, limit=50):
    """Staff: the next active bookings of a resource, its parts and its whole (who, when, status)."""
    ids = [u.pk for u in units_of(resource)]
    blocking = BookingSlot.objects.filter(unit_id__in=ids, active=True, end__gt=timezone.now()).values("booking_id")
    return (Booking.objects.filter(tenant=resource.tenant, pk__in=blocking)
            .select_related("resource", "booker", "organisation").order_by("start")[:limit])


def booking_get(*, tenant, pk) -> Booking:
    return get_object_or_404(
        Booking.objects.select_related("resource", "resource__own_rules", "resource__building__property", "booker",
                                       "organisation",
                                       "responsible"),
        tenant=tenant, pk=pk)


def _mine(user) -> Q:
    """The bookings that are the user's: booked by them, or for an organisation they represent (a club
    sees the bookings handed over to it from an umbrella body's frame time, or booked by another of its
    representatives). A subquery, so a booking is never counted twice."""
    return Q(booker=user) | Q(organisation_id__in=user.represents.values("pk"))


def my_bookings(*, tenant, user):
    return (Booking.objects.filter(_mine(user), tenant=tenant).select_related("resource", "organisation", "booker")
            .order_by("-start"))


def can_see_booking(booking, user) -> bool:
    """The booker, the responsible person, a representative of the booking's organisation or staff."""
    if user.pk in (booking.booker_id, booking.responsible_id) or user.has_perm("booking.manage_bookings", booking):
        return True
    return booking.organisation_id is not None and user.represents.filter(pk=booking.organisation_id).exists()


def booking_managers(*, tenant):
    """Active users whose role in `tenant` may approve bookings (booking.manage_bookings)."""
    return (User.objects.filter(is_active=True, memberships__tenant=tenant, memberships__is_active=True,
                                memberships__role__in=MANAGER_ROLES).distinct().order_by("pk"))


BOOKING_SORTS = {
    "start": ("start", "pk"), "-start": ("-start", "-pk"), "resource": ("resource__name", "start", "pk"),
    "status": ("status", "start", "pk"), "booker": ("booker__last_name", "booker__first_name", "start", "pk"),
    "-created": ("-created_at", "-pk"),
}


def booking_search(*, tenant, first=None, last=None, status="", text="", resource=None, building=None,
                   booker=None, mine=None, sort="start"):
    """Bookings of the tenant, filtered: touching the local dates [first, last], in a status, whose
    booker (name, username, e-mail), organisation (name, organisation number) or purpose contains
    `text`, of one resource (or its parts) or building, of one booker, the user `mine`'s (see
    my_bookings). Sorted by a BOOKING_SORTS key. Used by the staff list, its export and the API."""
    qs = Booking.objects.filter(tenant=tenant)
    if first:
        qs = qs.filter(end__gt=dt.datetime.combine(first, dt.time(0), OSLO))
    if last:
        qs = qs.filter(start__lt=dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), OSLO))
    if status:
        qs = qs.filter(status=status)
    if resource is not None:
        qs = qs.filter(Q(resource=resource) | Q(resource__parent=resource))
    if building is not None:
        qs = qs.filter(resource__building=building)
    if booker is not None:
        qs = qs.filter(booker=booker)
    if mine is not None:
        qs = qs.filter(_mine(mine))
    for word in (text or "").split()[:5]:
        qs = qs.filter(Q(booker__first_name__icontains=word) | Q(booker__last_name__icontains=word)
                       | Q(booker__username__icontains=word) | Q(booker__email__icontains=word)
                       | Q(organisation__name__icontains=word) | Q(organisation__orgnr__icontains=word)
                       | Q(title__icontains=word))
    return (qs.select_related("resource", "resource__building", "booker", "organisation")
            .order_by(*BOOKING_SORTS.get(sort, BOOKING_SORTS["start"])))


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
    return opening_calendar(building, day, day)[day]


def opening_calendar(building, first: dt.date, last: dt.date) -> dict:
    """{date: [(start, end, kind)]} for the local dates [first, last], in two queries."""
    exceptions = {}
    for e in OpeningException.objects.filter(building=building, date__gte=first, date__lte=last):
        exceptions.setdefault(e.date, []).append(e)
    weekly = list(OpeningHours.objects.filter(building=building))
    out, day = {}, first
    while day <= last:
        if day in exceptions:
            rows = [(e.opens, e.closes, e.kind) for e in exceptions[day] if not e.closed and e.opens and e.closes]
        elif not weekly:
            out[day] = [(dt.datetime.combine(day, dt.time(0), OSLO),
                         dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), OSLO), "staffed")]
            day += dt.timedelta(days=1)
            continue
        else:
            rows = [(h.opens, h.closes, h.kind) for h in weekly if h.weekday == day.weekday()]
        out[day] = sorted((dt.datetime.combine(day, o, OSLO), dt.datetime.combine(day, c, OSLO), k)
                          for o, c, k in rows)
        day += dt.timedelta(days=1)
    return out


def opening_kinds(building, start, end):
    """The set of opening kinds covering [start, end), or None when part of it is closed."""
    local_start, local_end = start.astimezone(OSLO), end.astimezone(OSLO)
    intervals = [iv for ivs in opening_calendar(building, local_start.date(), local_end.date()).values()
                 for iv in ivs]
    cursor, kinds = start, set()
    for s, e, k in sorted(intervals):
        if s <= cursor < e:
            kinds.add(k)
            cursor = e
            if cursor >= end:
                return kinds
    return None


def week_grid(*, resource, monday: dt.date, step_minutes=60, first_hour=7, last_hour=23, now=None):
    """Rows of (time, [cell per day]) for seven days from `monday` (any first day). Cell: dict(start,
    end, state, booking); state is busy, closed, past (started before `now`), free or meraapent."""
    now = now or timezone.now()
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    week_start = dt.datetime.combine(monday, dt.time(0), OSLO)
    week_end = week_start + dt.timedelta(days=8)
    units = units_of(resource)
    slots = list(BookingSlot.objects.filter(unit__in=units, active=True, start__lt=week_end, end__gt=week_start)
                 .select_related("booking"))
    opening = opening_calendar(resource.building, days[0], days[-1])
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
            elif s < now:
                state = "past"
            else:
                state = "free" if kind == "staffed" else "meraapent"
            cells.append({"start": s, "end": e, "state": state, "booking": busy.booking if busy else None})
        rows.append((t, cells))
        minute += step_minutes
    return days, rows


def week_days(days, rows):
    """The week grid turned day by day, for a narrow screen: per day its bookable cells (free or
    meråpent, in time order) and its booked times merged into (start, end) ranges."""
    out = []
    for i, day in enumerate(days):
        cells = [cells[i] for _time, cells in rows]
        booked = []
        for c in cells:
            if c["state"] != "busy":
                continue
            if booked and booked[-1][1] == c["start"]:
                booked[-1] = (booked[-1][0], c["end"])
            else:
                booked.append((c["start"], c["end"]))
        out.append({"day": day, "free": [c for c in cells if c["state"] in ("free", "meraapent")], "booked": booked})
    return out


def public_tenant(*, slug):
    """The municipality of a public booking page (404 for an unknown one)."""
    return get_object_or_404(Tenant, slug=slug)


def public_resources(*, tenant):
    """The rooms citizens may book, for the public catalogue: by building, with rules, photos and
    the property's address (four queries)."""
    return (resource_list(tenant=tenant).select_related("building__property").with_policy("allow_citizens")
            .filter(policy_allow_citizens=True).exclude(public_code="").prefetch_related("photos"))


def public_resource_get(*, tenant, code):
    return get_object_or_404(public_resources(tenant=tenant), public_code=code)


def unread_notifications(*, tenant, user, limit=20):
    """The user's unread notices, newest first."""
    return list(Notification.objects.filter(tenant=tenant, user=user, read_at__isnull=True)
                .order_by("-created_at", "-pk")[:limit])


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
            .select_related("resource", "resource__building__property").order_by("start")[:2000])


def feed_by_token(token: str) -> CalendarFeed:
    if not token or len(token) < 20:
        raise Http404
    return get_object_or_404(CalendarFeed.objects.select_related("user", "organisation"), token=token)


def feed_bookings_for(feed: CalendarFeed):
    since = timezone.now() - dt.timedelta(days=30)
    qs = Booking.objects.filter(tenant_id=feed.tenant_id, status__in=Booking.ACTIVE, end__gte=since)
    qs = qs.filter(organisation=feed.organisation) if feed.organisation_id else qs.filter(booker=feed.user)
    return qs.select_related("resource", "resource__building__property").order_by("start")[:2000]


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


ACTOR_TYPES = [t.value for t in Booking.ActorType]


def _overlap(a_start, a_end, b_start, b_end):
    return max(0.0, (min(a_end, b_end) - max(a_start, b_start)).total_seconds())


def utilisation(*, tenant, first: dt.date, last: dt.date):
    """Per resource: booked hours / open hours over the local dates [first, last].

    Booked time (confirmed bookings, clipped to the period) is split by the building's opening
    intervals into staffed and meråpent hours (time outside opening hours counts as staffed: staff
    booked it), and by who booked (citizens, associations, municipal units, employees). No-shows
    are bookings released because nobody checked in.
    """
    start = dt.datetime.combine(first, dt.time(0), OSLO)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), OSLO)
    intervals = {}  # (building_id, date) → [(start, end, kind)]

    def opening(building, day):
        key = (building.pk, day)
        if key not in intervals:
            intervals[key] = open_intervals(building, day)
        return intervals[key]

    resources = list(resource_list(tenant=tenant))
    by_id = {r.pk: r for r in resources}
    empty = {"staffed": 0.0, "meraapent": 0.0, **{t: 0.0 for t in ACTOR_TYPES}, "personal": 0.0,
             "organisation": 0.0}
    per = {}
    bookings = Booking.objects.filter(tenant=tenant, status=Booking.Status.CONFIRMED, start__lt=end, end__gt=start,
                                      resource__in=by_id)
    for b in bookings.only("resource_id", "start", "end", "organisation_id", "actor_type").iterator():
        r = by_id[b.resource_id]
        s, e = max(b.start, start), min(b.end, end)
        seconds = (e - s).total_seconds()
        row = per.setdefault(b.resource_id, dict(empty))
        meraapent = 0.0
        day = s.astimezone(OSLO).date()
        while day <= e.astimezone(OSLO).date():
            meraapent += sum(_overlap(s, e, os_, oe) for os_, oe, k in opening(r.building, day) if k == "meraapent")
            day += dt.timedelta(days=1)
        row["meraapent"] += meraapent
        row["staffed"] += seconds - meraapent
        row[b.actor_type] += seconds
        row["organisation" if b.organisation_id else "personal"] += seconds
    no_shows = dict(Booking.objects.filter(tenant=tenant, no_show=True, start__lt=end, end__gt=start)
                    .values_list("resource_id").annotate(n=Count("id")).values_list("resource_id", "n"))
    open_by_building = {}
    rows = []
    for r in resources:
        if r.building_id not in open_by_building:
            totals = {"staffed": 0.0, "meraapent": 0.0}
            day = first
            while day <= last:
                for os_, oe, k in opening(r.building, day):
                    totals[k] += (oe - os_).total_seconds()
                day += dt.timedelta(days=1)
            open_by_building[r.building_id] = totals
        opened = open_by_building[r.building_id]
        open_total = opened["staffed"] + opened["meraapent"]
        p = per.get(r.pk, empty)
        booked = p["staffed"] + p["meraapent"]
        rows.append({
            "resource": r, "building": r.building, "booked_hours": _hours(booked), "open_hours": _hours(open_total),
            "open_staffed_hours": _hours(opened["staffed"]), "open_meraapent_hours": _hours(opened["meraapent"]),
            "staffed_hours": _hours(p["staffed"]), "meraapent_hours": _hours(p["meraapent"]),
            "personal_hours": _hours(p["personal"]), "organisation_hours": _hours(p["organisation"]),
            **{f"{t}_hours": _hours(p[t]) for t in ACTOR_TYPES},
            "booked_seconds": booked, "open_seconds": open_total,
            "percent": round(100 * booked / open_total, 1) if open_total else 0.0,
            "no_shows": no_shows.get(r.pk, 0),
            "by_type": [_hours(p[t]) for t in ACTOR_TYPES],
        })
    return rows


def utilisation_by_building(rows):
    """Totals per building from `utilisation` rows: open hours are counted once per resource."""
    out = {}
    for row in rows:
        b = out.setdefault(row["building"].pk, {"building": row["building"], "resources": 0, "booked": 0.0,
                                                "open": 0.0, "meraapent_hours": 0.0, "no_shows": 0,
                                                **{f"{t}_hours": 0.0 for t in ACTOR_TYPES}})
        b["resources"] += 1
        b["booked"] += row["booked_seconds"]
        b["open"] += row["open_seconds"]
        b["meraapent_hours"] += row["meraapent_hours"]
        b["no_shows"] += row["no_shows"]
        for t in ACTOR_TYPES:
            b[f"{t}_hours"] += row[f"{t}_hours"]
    result = []
    for b in out.values():
        b["booked_hours"], b["open_hours"] = _hours(b["booked"]), _hours(b["open"])
        b["percent"] = round(100 * b["booked"] / b["open"], 1) if b["open"] else 0.0
        for key in ["meraapent_hours", *(f"{t}_hours" for t in ACTOR_TYPES)]:
            b[key] = round(b[key], 1)
        b["by_type"] = [b[f"{t}_hours"] for t in ACTOR_TYPES]
        result.append(b)
    return sorted(result, key=lambda b: b["building"].name)


def utilisation_chart(rows, width=100):
    """Bars for a server-rendered SVG: per resource, one segment per actor type as % of open hours."""
    bars = []
    for i, row in enumerate(rows):
        x, segments = 0.0, []
        for t in ACTOR_TYPES:
            hours = row[f"{t}_hours"]
            share = 100 * hours / (row["open_seconds"] / 3600) if row["open_seconds"] else 0.0
            w = round(min(share, 100 - x) * width / 100, 2)
            if w > 0:
                segments.append({"type": t, "x": round(x * width / 100, 2), "width": w, "hours": hours})
                x += share
        bars.append({"row": row, "y": i * 28, "segments": segments})
    return {"bars": bars, "height": max(1, len(rows)) * 28}


def unread_notification_count(user, tenant) -> int:
    """Unread in-app booking notifications of `user` in `tenant` (for the header indicator)."""
    if tenant is None or not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(tenant=tenant, user=user, read_at__isnull=True).count()


def _floor_to_step(value, step_minutes):
    local = timezone.localtime(value, OSLO).replace(second=0, microsecond=0)
    minutes = local.hour * 60 + local.minute
    return local - dt.timedelta(minutes=minutes % step_minutes)


def quick_options(*, tenant, role, start, minutes, building=None):
    """Desks and meeting rooms (resources with check-in) that `role` may book, for quick booking
    (see free_options)."""
    return free_options(tenant=tenant, resources=with_checkin(
        bookable_resources(user=None, tenant=tenant, role=role, building=building)), start=start, minutes=minutes)


def free_options(*, tenant, resources, start, minutes):
    """For each of `resources`: the time it would get (`start` rounded down to its time step,
    `minutes` long) and why it cannot be booked then (None when it is free): busy (bookings of it,
    its parts or its whole, buffers included), closed, or a length its rules do not allow. Three
    queries. Used by quick booking and by the search for a free room."""
    resources = list(resources)
    if not resources:
        return []
    children = {}
    for pk, parent in Resource.objects.filter(tenant=tenant, archived=False).values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)

    def leaves(pk):
        return [pk] if pk not in children else [leaf for c in children[pk] for leaf in leaves(c)]

    units = {r.pk: leaves(r.pk) for r in resources}
    horizon = dt.timedelta(days=1)
    busy = {}
    for unit_id, s, e in BookingSlot.objects.filter(
            unit_id__in={u for us in units.values() for u in us}, active=True,
            start__lt=start + dt.timedelta(minutes=minutes) + horizon, end__gt=start - horizon,
    ).values_list("unit_id", "start", "end"):
        busy.setdefault(unit_id, []).append((s, e))
    kinds_cache = {}
    rows = []
    for r in resources:
        rules = r.rules
        s = _floor_to_step(start, rules.step_minutes)
        e = s + dt.timedelta(minutes=minutes)
        problem, kinds = None, None
        if minutes < rules.min_minutes or minutes > rules.max_minutes or minutes % rules.step_minutes:
            problem = "length"
        else:
            key = (r.building_id, s, e)
            if key not in kinds_cache:
                kinds_cache[key] = opening_kinds(r.building, s, e)
            kinds = kinds_cache[key]
            bs, be = s - dt.timedelta(minutes=rules.buffer_before), e + dt.timedelta(minutes=rules.buffer_after)
            if kinds is None:
                problem = "closed"
            elif any(x < be and y > bs for u in units[r.pk] for x, y in busy.get(u, [])):
                problem = "busy"
        rows.append({"resource": r, "start": s, "end": e, "problem": problem,
                     "meraapent": bool(kinds and "meraapent" in kinds)})
    return rows


def my_bookings_today(*, tenant, user, now=None):
    """The user's active bookings that have not ended and start today (Oslo time), earliest first."""
    now = now or timezone.now()
    local = timezone.localtime(now, OSLO)
    day_end = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(0), OSLO)
    return (Booking.objects.filter(tenant=tenant, booker=user, status__in=Booking.ACTIVE, end__gt=now,
                                   start__lt=day_end)
            .select_related("resource", "resource__own_rules", "resource__building").order_by("start"))


def can_check_in(booking, now) -> bool:
    """The booker may check in now: a confirmed booking with check-in, not yet checked in, inside the
    check-in window (torg.core.checkin)."""
    return (booking.status == Booking.Status.CONFIRMED and booking.checked_in_at is None
            and checkin_open(now, booking.start, booking.resource.rules.checkin_minutes))


# --- Prices and the invoicing basis ----------------------------------------------------------
def price_rules(*, tenant, building=None, resource=None):
    """The municipality's price rules (of one building's resources, or of one resource and what it
    inherits: its whole's and its building's), building rules first."""
    qs = PriceRule.objects.filter(tenant=tenant).select_related("building", "resource", "resource__building")
    if resource is not None:
        qs = qs.filter(Q(resource=resource) | Q(resource_id=resource.parent_id)
                       | Q(building_id=resource.building_id, resource__isnull=True))
    elif building is not None:
        qs = qs.filter(Q(building=building) | Q(resource__building=building))
    return qs.order_by(F("resource_id").asc(nulls_first=True), "building__name", "resource__name", "category",
                       F("starts").asc(nulls_first=True), "pk")


def price_rule_get(*, tenant, pk) -> PriceRule:
    return get_object_or_404(PriceRule, tenant=tenant, pk=pk)


def _local_range(first, last):
    return (dt.datetime.combine(first, dt.time(0), OSLO),
            dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), OSLO))


def invoicing_basis(*, tenant, first: dt.date, last: dt.date, organisation=None, person=None):
    """What to invoice for bookings that start in the local dates [first, last]: confirmed bookings
    with a price, and bookings cancelled after their deadline with a charge (the late cancellation
    rule). One row per booking, by payer (the organisation, else the person who booked), then time.
    `organisation`: one organisation's; `person`: one private payer's (bookings without organisation)."""
    start, end = _local_range(first, last)
    qs = Booking.objects.filter(tenant=tenant, start__gte=start, start__lt=end).filter(
        Q(status=Booking.Status.CONFIRMED, price__gt=0) | Q(status=Booking.Status.CANCELLED, cancel_charge__gt=0))
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    if person is not None:
        qs = qs.filter(booker=person, organisation__isnull=True)
    return (qs.select_related("resource", "resource__building", "booker", "organisation")
            .order_by("organisation__name", "booker__last_name", "booker__first_name", "booker_id", "start", "pk"))


def invoicing_rows(bookings):
    """The invoicing basis as rows (dicts) for the page, the export and the API."""
    for b in bookings.iterator(chunk_size=2000):
        late = b.status == Booking.Status.CANCELLED
        local_start, local_end = timezone.localtime(b.start, OSLO), timezone.localtime(b.end, OSLO)
        yield {
            "booking_id": b.pk,
            "payer": b.organisation.name if b.organisation_id else b.booker.get_full_name() or b.booker.username,
            "orgnr": b.organisation.orgnr if b.organisation_id else "",
            "email": (b.organisation.email if b.organisation_id else "") or b.booker.email,
            "category": b.price_category,
            "category_label": str(PriceRule.Category(b.price_category).label) if b.price_category in
            PriceRule.Category.values else "",
            "building": b.resource.building.name, "resource": b.resource.name, "title": b.title,
            "date": local_start.date(), "starts": local_start.time(), "ends": local_end.time(),
            "hours": round((b.end - b.start).total_seconds() / 3600, 2),
            "amount": b.cancel_charge if late else b.price, "late_cancellation": late,
        }


def invoicing_summary(rows):
    """Per payer: bookings, hours and amount, in the order of the rows; and the total."""
    payers, total = {}, 0
    for row in rows:
        key = (row["payer"], row["orgnr"])
        entry = payers.setdefault(key, {"payer": row["payer"], "orgnr": row["orgnr"], "bookings": 0, "hours": 0,
                                        "amount": 0})
        entry["bookings"] += 1
        entry["hours"] += row["hours"]
        entry["amount"] += row["amount"]
        total += row["amount"]
    return list(payers.values()), total
