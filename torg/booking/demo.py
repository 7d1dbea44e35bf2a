"""Demo data for booking: the town hall's innbyggertorg, an employees' meeting-room floor, a divisible
school gym and the library with meråpent hours; weekly series for the associations and a month of
bookings in every state. Deterministic for a given seed and week (dates are relative to today)."""

import datetime as dt
import random
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from torg.accounts.models import ExternalOrganisation
from torg.places.models import Room

from . import services
from .models import Booking
from .queries import OSLO

INNBYGGERTORG = ["Storsalen", "Møterom Fjorden", "Møterom Havna", "Møterom Fyret", "Grupperom Måken",
                 "Grupperom Ærfugl", "Verkstedet (makerspace)", "Studio", "Kjøkken og kafé", "Ungdomsrommet"]
T = dt.time


def _hours(admin, tenant, building, spec):
    for weekdays, opens, closes, kind in spec:
        for weekday in weekdays:
            services.opening_hours_add(actor=admin, tenant=tenant, building=building, weekday=weekday,
                                       opens=opens, closes=closes, kind=kind)


def _closed_days(admin, tenant, building, today):
    for year in (today.year, today.year + 1):
        for month, day, note in [(1, 1, "Første nyttårsdag"), (5, 1, "Arbeidernes dag"), (5, 17, "Grunnlovsdag"),
                                 (12, 24, "Julaften"), (12, 25, "Første juledag"), (12, 26, "Andre juledag"),
                                 (12, 31, "Nyttårsaften")]:
            services.opening_exception_add(actor=admin, tenant=tenant, building=building,
                                           date=dt.date(year, month, day), note=note)


DEMO_EQUIPMENT = [["prosjektor", "lydanlegg", "teleslynge"], ["skjerm", "tavle"], ["kjøkken"],
                  ["prosjektor", "tavle"], ["skjerm", "videomøteutstyr"]]


def load(ctx):
    rng = random.Random(ctx.seed + 50)
    tenant, admin = ctx.main, ctx.users["admin"]
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    weekdays, week = range(5), range(7)

    # Opening calendars: staffed in the day, meråpent (self-service) evenings and weekends.
    _hours(admin, tenant, ctx.townhall, [(weekdays, T(8), T(16), "staffed"), (weekdays, T(16), T(22), "meraapent"),
                                         ([5], T(10), T(16), "meraapent")])
    _hours(admin, tenant, ctx.library, [(weekdays, T(10), T(19), "staffed"), ([5], T(10), T(15), "staffed"),
                                        (week, T(7), T(10), "meraapent"), (weekdays, T(19), T(23), "meraapent"),
                                        ([5], T(15), T(23), "meraapent"), ([6], T(10), T(23), "meraapent")])
    for building in (ctx.townhall, ctx.library):
        _closed_days(admin, tenant, building, today)
        for year in (today.year, today.year + 1):
            services.opening_holidays_add(actor=admin, tenant=tenant, building=building, year=year)

    # Resources.
    rooms = {r.name: r for r in Room.objects.filter(building=ctx.townhall, floor__level=0)}
    resources = []
    for name in INNBYGGERTORG:
        room = rooms[name]
        rules = {"step_free": True, "accessibility_info": "Trinnfri adkomst fra Rådhusgata, teleslynge i salen."
                 if name == "Storsalen" else "Trinnfri adkomst, HC-toalett på innbyggertorget.",
                 "description": f"{room.name} på innbyggertorget i Nye Storvik rådhus.",
                 "requires_approval": name in ("Storsalen", "Kjøkken og kafé"), "buffer_after": 15
                 if name == "Kjøkken og kafé" else 0, "max_minutes": 300,
                 "equipment": DEMO_EQUIPMENT[len(resources) % len(DEMO_EQUIPMENT)]}
        resources.append(services.resource_create(actor=admin, tenant=tenant, name=name, building=ctx.townhall,
                                                  room=room, **rules))
    hall = resources[0]
    hall_parts = [services.resource_create(actor=admin, tenant=tenant, name=f"Storsalen {x}", building=ctx.townhall,
                                           parent=hall, kind="part", capacity=70, step_free=True,
                                           requires_approval=True, max_minutes=300) for x in ("nord", "sør")]
    services.resource_create(actor=admin, tenant=tenant, name="Mobil projektor", building=ctx.townhall,
                             kind="equipment", allow_citizens=False, allow_associations=True,
                             description="Projektor med lerret, hentes i skranken.")
    # Employees' meeting rooms on the first floor.
    staff_rooms = [services.resource_create(actor=admin, tenant=tenant, name=r.name, building=ctx.townhall, room=r,
                                            allow_citizens=False, allow_associations=False, step_minutes=15,
                                            min_minutes=15, max_minutes=240, window_days=30,
                                            cancel_deadline_hours=0, checkin_minutes=15)
                   for r in Room.objects.filter(building=ctx.townhall, floor__level=1, function="meeting")[:6]]
    # Activity-based office: desks in an open-plan office, booked quickly and checked in.
    desks = []
    landscape = Room.objects.filter(building=ctx.townhall, function="open_office").order_by("floor__level",
                                                                                           "number").first()
    if landscape is not None:
        desk_rules = {"allow_citizens": False, "allow_associations": False, "allow_units": False,
                      "step_minutes": 30, "min_minutes": 30, "max_minutes": 600, "window_days": 14,
                      "cancel_deadline_hours": 0, "checkin_minutes": 30}
        office = services.resource_create(actor=admin, tenant=tenant, name=f"Kontorlandskap {landscape.number}",
                                          building=ctx.townhall, room=landscape, **desk_rules,
                                          description="Hele landskapet, f.eks. for en avdelingsdag.")
        desks = [services.resource_create(actor=admin, tenant=tenant, name=f"Arbeidsplass {landscape.number}-{n:02}",
                                          building=ctx.townhall, parent=office, kind="part", capacity=1,
                                          equipment=["skjerm", "dokkingstasjon"] + (["hev-senk"] if n % 2 else []),
                                          **desk_rules)
                 for n in range(1, 13)]
    # A divisible school gym for the associations.
    gym_room = Room.objects.filter(tenant=tenant, function="gym").order_by("building__name").first()
    gym_parts = []
    if gym_room is not None:
        gym = services.resource_create(actor=admin, tenant=tenant, name=f"Gymsal {gym_room.building.name}",
                                       building=gym_room.building, room=gym_room, allow_citizens=False,
                                       requires_approval=True, max_minutes=180, window_days=180)
        gym_parts = [services.resource_create(actor=admin, tenant=tenant, name=f"{gym.name} – halvdel {x}",
                                              building=gym.building, parent=gym, kind="part", allow_citizens=False,
                                              capacity=30, requires_approval=True, max_minutes=180, window_days=180)
                     for x in ("A", "B")]
    # The library with meråpent hours and a door.
    lib_rooms = {r.name: r for r in Room.objects.filter(building=ctx.library)}
    # The library's rules apply to its rooms (Møterom Boka follows them); the lecture hall has its own.
    services.building_rules_update(actor=admin, tenant=tenant, building=ctx.library, age_limit=15, window_days=60)
    boka = services.resource_create(actor=admin, tenant=tenant, name="Møterom Boka", building=ctx.library,
                                    room=lib_rooms["Møterom Boka"], step_free=True,
                                    accessibility_info="Heis fra inngangen; trinnfritt.")
    services.resource_create(actor=admin, tenant=tenant, name="Foredragssal", building=ctx.library,
                             room=lib_rooms["Foredragssal"], requires_approval=True, step_free=True)
    # Prices (the municipality's usual price list): the town hall's rooms for private persons and
    # businesses, associations at a reduced price on weekday evenings, volunteers and the
    # municipality's own units free (no rule); the library's lecture hall has a price of its own.
    price = services.price_rule_create
    for category, amount in (("citizen", "250"), ("commercial", "600"), ("association", "100")):
        price(actor=admin, tenant=tenant, building=ctx.townhall, category=category, amount=Decimal(amount))
    price(actor=admin, tenant=tenant, building=ctx.townhall, category="association", amount=Decimal("50"),
          weekdays=[0, 1, 2, 3, 4], starts=dt.time(17), ends=dt.time(22))
    price(actor=admin, tenant=tenant, building=ctx.townhall, category="citizen", amount=Decimal("100"),
          unit="booking", late_cancel_percent=100)
    price(actor=admin, tenant=tenant, building=ctx.library, category="citizen", amount=Decimal("150"),
          late_cancel_percent=50)
    if gym_room is not None:
        price(actor=admin, tenant=tenant, building=gym_room.building, category="association", amount=Decimal("75"))
        price(actor=admin, tenant=tenant, building=gym_room.building, category="commercial", amount=Decimal("450"))
    services.door_add(actor=admin, tenant=tenant, building=ctx.library, name="Hovedinngang",
                      identifier="bibliotek-hoved")
    services.door_controller_create(actor=admin, tenant=tenant, building=ctx.library, name="Lås hovedinngang")

    users = ctx.users
    for user in (users["innbygger"], users["forening"]):
        for building in (ctx.townhall, ctx.library):
            services.meraapent_agreement_sign(actor=user, tenant=tenant, building=building,
                                              birth_date=dt.date(1985, 4, 12), accept_terms=True)

    # Weekly series for the associations: 18:00–19:30 or 19:30–21:00, two weeks back, three ahead.
    associations = [o for o in ctx.organisations if o.kind in (ExternalOrganisation.Kind.ASSOCIATION,
                                                               ExternalOrganisation.Kind.VOLUNTEER)]
    places = [r for r in resources[1:8]] + gym_parts
    grid = [(r, d, h) for r in places for d in range(5) for h in (T(18), T(19, 30))]
    rng.shuffle(grid)
    start_week = monday - dt.timedelta(days=14)
    for org, (resource, weekday, hour) in zip(associations, grid):
        actor = users["forening"] if users["forening"] in org.representatives.all() else admin
        first = dt.datetime.combine(start_week + dt.timedelta(days=weekday), hour, OSLO)
        frequency = "biweekly" if rng.random() < 0.2 else "weekly"
        rule = services.build_rrule(frequency=frequency, dtstart=first, count=5 if frequency == "weekly" else 3)
        services.series_create(actor=actor, tenant=tenant, resource=resource, rrule=rule, dtstart=first, minutes=90,
                               organisation=org, title=f"{org.name}: fast trening/møte",
                               now=first - dt.timedelta(days=1))

    # One-off bookings in every state over the month.
    people = [users["innbygger"], users["forening"], users["ansatt"]]
    titles = ["Bursdagsselskap", "Styremøte", "Leksehjelp", "Strikkekveld", "Kurs", "Møte med naboer", "Øving"]
    created = 0
    for i in range(160):
        if created >= 60:
            break
        user = people[i % 3]
        pool = staff_rooms if user == users["ansatt"] and staff_rooms else resources[1:] + [boka]
        resource = rng.choice(pool)
        day = start_week + dt.timedelta(days=rng.randrange(35))
        start = dt.datetime.combine(day, T(rng.choice([9, 10, 12, 13, 14, 17, 19])), OSLO)
        end = start + dt.timedelta(minutes=rng.choice([60, 90, 120]))
        when = start - dt.timedelta(days=2)
        try:
            b = services.booking_create(actor=user, tenant=tenant, resource=resource, start=start, end=end,
                                        title=rng.choice(titles), now=when)
        except ValidationError:
            continue
        created += 1
        roll = rng.random()
        if b.status == Booking.Status.REQUESTED and roll < 0.5:
            services.booking_transition(actor=admin, booking=b, to=Booking.Status.CONFIRMED, now=when)
        elif b.status == Booking.Status.REQUESTED and roll < 0.7:
            services.booking_transition(actor=admin, booking=b, to=Booking.Status.REJECTED,
                                        reason="Salen er reservert til kommunestyremøte.", now=when)
        elif b.status == Booking.Status.CONFIRMED and roll < 0.15:
            services.booking_transition(actor=user, booking=b, to=Booking.Status.CANCELLED, now=when)
    # Birthday parties in the café on Saturdays: one of each outcome of the approval flow.
    kitchen = resources[INNBYGGERTORG.index("Kjøkken og kafé")]
    for k, outcome in enumerate(["confirmed", "rejected", "cancelled", "requested"]):
        start = dt.datetime.combine(start_week + dt.timedelta(days=5 + 7 * k), T(12), OSLO)
        when = start - dt.timedelta(days=7)
        try:
            b = services.booking_create(actor=users["innbygger"], tenant=tenant, resource=kitchen, start=start,
                                        end=start + dt.timedelta(hours=3), title="Barnebursdag", now=when)
        except ValidationError:
            continue
        if outcome in (Booking.Status.CONFIRMED, Booking.Status.CANCELLED):
            services.booking_transition(actor=admin, booking=b, to=Booking.Status.CONFIRMED, now=when)
        if outcome == Booking.Status.REJECTED:
            services.booking_transition(actor=admin, booking=b, to=Booking.Status.REJECTED, now=when,
                                        reason="Kafeen er leid ut til et arrangement denne dagen.")
        if outcome == Booking.Status.CANCELLED:
            services.booking_transition(actor=admin, booking=b, to=Booking.Status.CANCELLED, now=when,
                                        reason="Vannlekkasje på kjøkkenet.")
    # Desks this week: quick bookings by the employee, checked in (or released as no-shows).
    for n, desk in enumerate(desks[:6]):
        day = monday + dt.timedelta(days=n % 5)
        start = dt.datetime.combine(day, T(8), OSLO)
        try:
            b = services.booking_quick(actor=users["ansatt"], tenant=tenant, resource=desk, start=start,
                                       end=start + dt.timedelta(hours=8), now=start - dt.timedelta(days=1))
        except ValidationError:
            continue
        if start + dt.timedelta(hours=1) < timezone.now():
            if n % 3:
                services.booking_check_in(actor=users["ansatt"], booking=b, now=start + dt.timedelta(minutes=5))
            else:
                services.release_no_shows(now=start + dt.timedelta(minutes=31))
    # Some requests for the big hall waiting for the staff.
    for n, part in enumerate(hall_parts):
        start = dt.datetime.combine(monday + dt.timedelta(days=9 + n), T(12), OSLO)
        try:
            services.booking_create(actor=users["forening"], tenant=tenant, resource=part, start=start,
                                    end=start + dt.timedelta(hours=2), organisation=associations[0],
                                    title="Årsmøte", now=start - dt.timedelta(days=3))
        except ValidationError:
            pass
