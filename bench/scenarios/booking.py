"""Booking: availability for one week across 500 bookable resources holding 100 000 bookings
(--quick: 50 / 10 000), and booking-creation throughput under concurrent load.

Data: one building ("Benchvik bookinghus", in the big tenant's town hall) gets staffed 08–16 and
meråpent 16–22 hours and 500 resources; each resource has 200 one-hour bookings spread over the ten
weeks around the current week (so the measured week holds ~10 000 of them), written with
bulk_create together with their slots (the exclusion constraint holds: they never overlap).

Cases: the building's week view (every resource × 7 days: booked times and free hours), one
resource's week grid, and the availability API (free slots and busy times) for one resource and week.

Throughput is not an HTTP case: `setup` starts THREADS threads, each with its own database
connection, that call `services.booking_create` (the same path as the form and the API) for
ATTEMPTS bookings each; half of the attempts go for slots every thread wants (exactly one may win),
half for the thread's own slots. Bookings/second, conflicts and a no-overlap check are logged, kept
in `ctx.data["booking"]["throughput"]` and written to bench/results/booking-throughput-<db>.json.
The bookings are deleted afterwards, so the cached data set stays as it is.
"""

import datetime as dt
import json
import random
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from torg.booking import services
from torg.booking.models import Booking, BookingRules, BookingSlot, OpeningHours, Resource
from torg.booking.queries import OSLO
from torg.places.models import Building

from ..core import Case, log
from ..dataset import LARGE_BUILDING

NAME = "booking"
VERSION = 2
FULL = {"resources": 500, "per_resource": 200}
QUICK = {"resources": 50, "per_resource": 200}
THREADS, ATTEMPTS = 8, 40
RESULTS = Path(__file__).resolve().parent.parent / "results"
WEEKS = 10
HOURS = range(8, 22)


def _size(ctx):
    return QUICK if ctx.quick else FULL


def _monday():
    today = timezone.localdate()
    return today - dt.timedelta(days=today.weekday())


def _build(ctx, building, size):
    tenant, admin = ctx.tenant, ctx.users["admin"]
    for weekday in range(7):
        OpeningHours.objects.create(tenant=tenant, building=building, weekday=weekday, kind="staffed",
                                    opens=dt.time(8), closes=dt.time(16))
        OpeningHours.objects.create(tenant=tenant, building=building, weekday=weekday, kind="meraapent",
                                    opens=dt.time(16), closes=dt.time(22))
    rng = random.Random(ctx.seed + 5)
    resources = Resource.objects.bulk_create([
        Resource(tenant=tenant, building=building, name=f"Bench-rom {i:04d}", kind="room",
                 ical_token=uuid.uuid4().hex, capacity=rng.choice([4, 8, 12, 20, 40]),
                 equipment=rng.sample(["projector", "whiteboard", "kitchen", "screen"], 2))
        for i in range(size["resources"])])
    if resources[0].pk is None:  # SQLite before RETURNING: fetch the ids
        resources = list(Resource.objects.filter(tenant=tenant, building=building).order_by("pk"))
    # The building's rules apply to most resources; every tenth has its own (as after the migration).
    BookingRules.objects.create(tenant=tenant, building=building, max_minutes=480)
    BookingRules.objects.bulk_create([BookingRules(tenant=tenant, resource=r, max_minutes=480, buffer_after=15)
                                      for r in resources[::10]])
    first_day = _monday() - dt.timedelta(weeks=WEEKS // 2)
    cells = [(d, h) for d in range(WEEKS * 7) for h in HOURS]
    statuses = [Booking.Status.CONFIRMED] * 8 + [Booking.Status.REQUESTED, Booking.Status.CANCELLED]
    batch_b, batch_s, written = [], [], 0

    def flush():
        nonlocal batch_b, batch_s
        Booking.objects.bulk_create(batch_b, batch_size=2000)
        if batch_b[0].pk is None:
            uids = {b.uid: b for b in batch_b}
            for pk, uid in Booking.objects.filter(uid__in=list(uids)).values_list("pk", "uid"):
                uids[uid].pk = pk
        BookingSlot.objects.bulk_create([BookingSlot(booking_id=b.pk, unit_id=b.resource_id, start=b.start,
                                                     end=b.end, active=b.status in Booking.ACTIVE)
                                         for b in batch_b], batch_size=2000)
        batch_b, batch_s = [], []

    for r in resources:
        for d, h in rng.sample(cells, size["per_resource"]):
            start = dt.datetime.combine(first_day + dt.timedelta(days=d), dt.time(h), OSLO)
            batch_b.append(Booking(tenant=tenant, resource=r, booker=admin, start=start,
                                   end=start + dt.timedelta(hours=1), status=rng.choice(statuses),
                                   meraapent=h >= 16, actor_type=rng.choice(["citizen", "association", "employee"]),
                                   uid=f"{uuid.uuid4()}@bench"))
            written += 1
        if len(batch_b) >= 10_000:
            flush()
            log(f"    {written} bookings")
    if batch_b:
        flush()


def _throughput(ctx, building):
    """THREADS concurrent bookers, each with its own connection, through booking_create."""
    tenant = ctx.tenant
    admin_id = ctx.users["admin"].pk
    pool = list(Resource.objects.filter(tenant=tenant, building=building).order_by("pk")[:THREADS + 1])
    shared, own = pool[0], pool[1:]
    base = dt.datetime.combine(_monday() + dt.timedelta(weeks=60), dt.time(8), OSLO)  # far from the data set
    contended = ATTEMPTS // 2
    results = {"created": 0, "conflicts": 0, "errors": []}
    lock = threading.Lock()
    barrier = threading.Barrier(THREADS)

    def worker(n):
        from django.contrib.auth import get_user_model

        try:
            user = get_user_model().objects.get(pk=admin_id)
            resource_shared = Resource.objects.select_related("own_rules", "building").get(pk=shared.pk)
            resource_own = Resource.objects.select_related("own_rules", "building").get(pk=own[n].pk)
            barrier.wait()
            for i in range(ATTEMPTS):
                if i < contended:
                    resource, start = resource_shared, base + dt.timedelta(hours=i)
                else:
                    resource, start = resource_own, base + dt.timedelta(days=1, hours=i)
                try:
                    services.booking_create(actor=user, tenant=tenant, resource=resource, start=start,
                                            end=start + dt.timedelta(minutes=30))
                    with lock:
                        results["created"] += 1
                except ValidationError:
                    with lock:
                        results["conflicts"] += 1
        except Exception as exc:  # noqa: BLE001 - reported below
            with lock:
                results["errors"].append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    made = Booking.objects.filter(resource__in=pool, start__gte=base)
    overlaps = sum(1 for s in BookingSlot.objects.filter(booking__in=made, active=True)
                   if BookingSlot.objects.filter(unit_id=s.unit_id, active=True, start__lt=s.end, end__gt=s.start)
                   .exclude(pk=s.pk).exists())
    figures = {
        "db": ctx.db, "threads": THREADS, "attempts": THREADS * ATTEMPTS, "created": results["created"],
        "conflicts": results["conflicts"], "errors": results["errors"][:5], "seconds": round(elapsed, 3),
        "attempts_per_second": round(THREADS * ATTEMPTS / elapsed, 1),
        "bookings_per_second": round(results["created"] / elapsed, 1),
        "expected_created": contended + THREADS * (ATTEMPTS - contended), "overlapping_slots": overlaps,
    }
    made.delete()
    return figures


def setup(ctx):
    size = _size(ctx)
    building = Building.objects.get(tenant=ctx.tenant, name=LARGE_BUILDING)
    key = f"booking:v{VERSION}:{size['resources']}"
    started = time.perf_counter()
    if ctx.once(key, lambda: _build(ctx, building, size)):
        log(f"  booking data: {size['resources']} resources, {size['resources'] * size['per_resource']} bookings "
            f"in {time.perf_counter() - started:.1f} s")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE booking_booking; ANALYZE booking_bookingslot; ANALYZE booking_resource")
    resources = Resource.objects.filter(tenant=ctx.tenant, building=building, name__startswith="Bench-rom")
    monday = _monday()
    week_end = dt.datetime.combine(monday + dt.timedelta(days=7), dt.time(0), OSLO)
    week_start = dt.datetime.combine(monday, dt.time(0), OSLO)
    in_week = BookingSlot.objects.filter(unit__in=resources, active=True, start__lt=week_end,
                                         end__gt=week_start).count()
    figures = _throughput(ctx, building)
    log(f"  booking throughput ({ctx.db}, {figures['threads']} threads): {figures['attempts']} attempts in "
        f"{figures['seconds']} s = {figures['attempts_per_second']} attempts/s, {figures['created']} created "
        f"({figures['bookings_per_second']}/s), {figures['conflicts']} conflicts, "
        f"{figures['overlapping_slots']} overlaps, errors: {figures['errors'] or 'none'}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = f"booking-throughput-{ctx.db}{'-quick' if ctx.quick else ''}.json"
    (RESULTS / name).write_text(json.dumps(figures, indent=2) + "\n")
    ctx.data["booking"] = {"building": building.pk, "resource": resources.order_by("pk").first().pk,
                           "resources": resources.count(), "week": monday.isoformat(), "active_in_week": in_week,
                           "throughput": figures}


def _contains(*needles):
    def check(response):
        text = response.content.decode()
        for needle in needles:
            if needle not in text:
                raise AssertionError(f"expected {needle!r} in the response")
    return check


def _json_list(min_items):
    def check(response):
        if len(response.json()) < min_items:
            raise AssertionError(f"expected at least {min_items} items")
    return check


def cases(ctx):
    d = ctx.data["booking"]
    week = d["week"]
    start = dt.datetime.combine(dt.date.fromisoformat(week), dt.time(0), OSLO)
    span = {"start": start.isoformat(), "end": (start + dt.timedelta(days=7)).isoformat()}
    return [
        Case(f"booking: building week ({d['resources']} resources)",
             f"/booking/buildings/{d['building']}/week/?" + urlencode({"week": week}),
             _contains("Bench-rom 0000", "torg-booking-free"),
             note=f"{d['resources']} resources × 7 days, {d['active_in_week']} active bookings in the week"),
        Case("booking: building week, equipment filter",
             f"/booking/buildings/{d['building']}/week/?" + urlencode({"week": week, "equipment": "projector"}),
             _contains("torg-booking-free"), note="resources with a projector (~half)"),
        Case("booking: resource week grid", f"/booking/resources/{d['resource']}/?" + urlencode({"week": week}),
             _contains("torg-booking-week")),
        Case("api: free slots, one resource, one week",
             f"/api/v1/booking/resources/{d['resource']}/free?" + urlencode(span), _json_list(1)),
        Case("api: busy times, one resource, one week",
             f"/api/v1/booking/resources/{d['resource']}/busy?" + urlencode(span), _json_list(1)),
    ]
