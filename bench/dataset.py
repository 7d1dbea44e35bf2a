"""The base data set every scenario runs against, written with bulk_create.

Benchvik: ~700 properties, 2 000 buildings (~5 floors each), 100 000 rooms, one large town hall
with 300 rooms, a few archived rows and one audit event per building and room.
Andrevik: a small second tenant whose names overlap Benchvik's, so tenant filtering is real.

`--quick` divides the sizes by ten (the town hall keeps its 300 rooms).
Bump VERSION when the generator changes: cached databases are then rebuilt.
"""

import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction

from torg.accounts import services as accounts
from torg.accounts.models import Membership, Role, Tenant
from torg.core.models import AuditEvent, Sequence
from torg.places.models import Building, Floor, Property, Room

VERSION = 1
MAIN_SLUG = "benchvik"
OTHER_SLUG = "andrevik"
LARGE_BUILDING = "Benchvik rådhus"
LARGE_FLOORS = 6
LARGE_ROOMS = 300

FULL = {"properties": 700, "buildings": 2000, "rooms": 100_000}
QUICK = {"properties": 70, "buildings": 200, "rooms": 10_000}
OTHER = {"properties": 10, "buildings": 20, "rooms": 1_000}

PLACES = [
    "Nordby", "Sentrum", "Fjellheim", "Strandå", "Lia", "Vestby", "Øvre", "Holmen", "Solbakken", "Haugen",
    "Skogly", "Havblikk", "Nesset", "Bakkehaugen", "Elvebakken", "Furulund", "Granly", "Kirkebakken",
    "Lunden", "Moen", "Sjøsiden", "Tangen", "Vika", "Åsen", "Bråten", "Dalen", "Engen", "Fossum",
]
STREETS = ["Storgata", "Kirkegata", "Skoleveien", "Fjellveien", "Strandveien", "Parkveien", "Havnegata",
           "Sjøgata", "Engveien", "Liaveien", "Nordveien", "Torggata", "Kongens gate", "Omsorgsveien"]
U, F = Building.Use, Room.Function
KINDS = [  # (use, name suffix, weight, room functions)
    (U.SCHOOL, "skole", 16, [F.CLASSROOM, F.CLASSROOM, F.GROUP, F.SPECIAL_CLASSROOM, F.OFFICE, F.TOILET, F.STORAGE]),
    (U.KINDERGARTEN, "barnehage", 14, [F.PLAY, F.PLAY, F.WARDROBE, F.KITCHEN, F.TOILET, F.STORAGE]),
    (U.NURSING_HOME, "sykehjem", 6, [F.RESIDENT, F.RESIDENT, F.RESIDENT, F.COMMON, F.KITCHEN, F.TOILET]),
    (U.OFFICE, "administrasjonsbygg", 10, [F.OFFICE, F.OFFICE, F.OPEN_OFFICE, F.MEETING, F.QUIET, F.TOILET]),
    (U.HOUSING, "omsorgsboliger", 20, [F.RESIDENT, F.COMMON, F.STORAGE, F.TECHNICAL]),
    (U.SPORTS, "idrettshall", 6, [F.GYM, F.WARDROBE, F.STORAGE, F.TOILET]),
    (U.CULTURE, "kulturhus", 5, [F.HALL, F.LIBRARY, F.MEETING, F.GROUP, F.STORAGE]),
    (U.HEALTH, "helsestasjon", 8, [F.OFFICE, F.MEETING, F.COMMON, F.TOILET]),
    (U.TECHNICAL, "driftsstasjon", 10, [F.WORKSHOP, F.STORAGE, F.TECHNICAL, F.WARDROBE]),
    (U.OTHER, "lager", 5, [F.STORAGE, F.STORAGE, F.TECHNICAL]),
]
ROOM_NAMES = {
    F.OFFICE: "Kontor", F.OPEN_OFFICE: "Åpent kontorlandskap", F.MEETING: "Møterom", F.QUIET: "Stillerom",
    F.CLASSROOM: "Klasserom", F.GROUP: "Grupperom", F.SPECIAL_CLASSROOM: "Spesialrom", F.GYM: "Gymsal",
    F.PLAY: "Lekerom", F.RESIDENT: "Beboerrom", F.COMMON: "Fellesrom", F.LIBRARY: "Bibliotek", F.HALL: "Sal",
    F.RECEPTION: "Skranke", F.KITCHEN: "Kjøkken", F.WORKSHOP: "Verksted", F.STORAGE: "Lager",
    F.WARDROBE: "Garderobe", F.TOILET: "Toalett", F.CORRIDOR: "Korridor", F.TECHNICAL: "Teknisk rom",
    F.OTHER: "Rom",
}
CAPACITY = {F.MEETING: (4, 20), F.CLASSROOM: (20, 30), F.GROUP: (4, 10), F.HALL: (50, 200), F.GYM: (30, 120),
            F.PLAY: (8, 18), F.OPEN_OFFICE: (8, 30), F.OFFICE: (1, 2), F.COMMON: (6, 20), F.LIBRARY: (10, 40)}


def sizes(quick):
    return dict(QUICK if quick else FULL)


def marker(size):
    return f"bench:base:v{VERSION}:{size['buildings']}:{size['rooms']}"


def is_cached(size) -> bool:
    tenant = Tenant.objects.filter(slug=MAIN_SLUG).first()
    return bool(tenant) and Sequence.objects.filter(tenant=tenant, key=marker(size)).exists()


def ensure(size, seed, log):
    """Build the data set unless the database already holds this version and size. Returns the
    main tenant, the other tenant and the users."""
    if not is_cached(size):
        if Tenant.objects.exists():
            log("  database holds other data: flushing it")
            call_command("flush", interactive=False, verbosity=0)
        with transaction.atomic():
            _generate(size, seed, log)
        if connection.vendor == "postgresql":
            log("  ANALYZE (autovacuum would do this in production)")
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    main = Tenant.objects.get(slug=MAIN_SLUG)
    other = Tenant.objects.get(slug=OTHER_SLUG)
    User = get_user_model()
    users = {"admin": User.objects.get(username="bench-admin"), "admin2": User.objects.get(username="bench-admin2")}
    return main, other, users


def _split(total, parts, rng, spread=0.5):
    """`total` split into `parts` positive random integers that sum exactly to `total`."""
    weights = [rng.uniform(1 - spread, 1 + spread) for _ in range(parts)]
    scale = total / sum(weights)
    counts = [max(1, int(w * scale)) for w in weights]
    i = 0
    while sum(counts) != total:
        step = 1 if sum(counts) < total else -1
        if step > 0 or counts[i % parts] > 1:
            counts[i % parts] += step
        i += 1
    return counts


def _generate(size, seed, log):
    log(f"  generating {size['buildings']} buildings / {size['rooms']} rooms ...")
    User = get_user_model()
    # through the service: each app sets the tenant up (reuse categories, impact factors)
    main = accounts.tenant_create(name="Benchvik kommune", slug=MAIN_SLUG, municipality_number="9901",
                                  inhabitants=125_000)
    other = accounts.tenant_create(name="Andrevik kommune", slug=OTHER_SLUG, municipality_number="9902",
                                   inhabitants=4_000)
    for username, tenant in (("bench-admin", main), ("bench-admin2", other)):
        user = User(username=username, first_name="Bench", last_name="Admin")
        user.set_unusable_password()
        user.save()
        Membership.objects.create(tenant=tenant, user=user, role=Role.ADMIN)
    admin = User.objects.get(username="bench-admin")
    _register(main, size, random.Random(seed), admin, large=True)
    _register(other, OTHER, random.Random(seed + 1), None, large=False)
    Sequence.objects.create(tenant=main, key=marker(size), value=VERSION)


def _register(tenant, size, rng, actor, large):
    props = []
    for i in range(size["properties"]):
        street = rng.choice(STREETS)
        props.append(Property(
            tenant=tenant, gnr=1 + i // 25, bnr=1 + i % 25, address=f"{street} {rng.randint(1, 140)}",
            name=f"{rng.choice(PLACES)} eiendom" if i % 3 == 0 else "", postal_code="9990",
            postal_place=tenant.name.split()[0],
        ))
    props = Property.objects.bulk_create(props, batch_size=1000)

    # Every property holds at least one building; the rest are spread at random.
    owners = props + [rng.choice(props) for _ in range(size["buildings"] - len(props))]
    rng.shuffle(owners)
    weights = [k[2] for k in KINDS]
    buildings, plans, seen = [], [], {}
    for i, prop in enumerate(owners):
        if large and i == 0:
            kind, name, floors, archived = KINDS[3], LARGE_BUILDING, LARGE_FLOORS, False
        else:
            kind = rng.choices(KINDS, weights)[0]
            base = f"{rng.choice(PLACES)} {kind[1]}"
            seen[base] = seen.get(base, 0) + 1
            name = base if seen[base] == 1 else f"{base} {seen[base]}"
            floors = rng.choice([3, 4, 5, 5, 5, 6, 7])
            archived = rng.random() < 0.02
        buildings.append(Building(
            tenant=tenant, property=prop, building_number=str(300_000_000 + i) if tenant.slug == MAIN_SLUG
            else str(400_000_000 + i), name=name,
            address=f"{rng.choice(STREETS)} {rng.randint(1, 140)}" if rng.random() < 0.7 else "",
            year_built=rng.randint(1930, 2024), use=kind[0],
            strategic_category=rng.choice(["A", "B", "B", "C", ""]),
            gross_area=Decimal(rng.randint(300, 12_000)), archived=archived,
        ))
        plans.append((kind, floors))
    buildings = Building.objects.bulk_create(buildings, batch_size=1000)

    floor_rows = []
    for b, (_kind, floors) in zip(buildings, plans):
        basement = rng.random() < 0.2 and not (large and b.name == LARGE_BUILDING)
        levels = ([-1] if basement else []) + list(range(floors - (1 if basement else 0)))
        for level in levels:
            floor_rows.append(Floor(tenant=tenant, building=b, level=level,
                                    name="U1" if level < 0 else f"{level + 1}. etasje"))
    floor_rows = Floor.objects.bulk_create(floor_rows, batch_size=2000)
    floors_of = {}
    for f in floor_rows:
        floors_of.setdefault(f.building_id, []).append(f)

    if large:
        counts = [LARGE_ROOMS] + _split(size["rooms"] - LARGE_ROOMS, len(buildings) - 1, rng)
    else:
        counts = _split(size["rooms"], len(buildings), rng)
    rooms = []
    for b, (kind, _floors), count in zip(buildings, plans, counts):
        building_floors = floors_of[b.pk]
        for n in range(count):
            floor = building_floors[n % len(building_floors)]
            floor_label = f"U{-floor.level}" if floor.level < 0 else str(floor.level + 1)
            seq = n // len(building_floors) + 1
            function = rng.choice(kind[3])
            low_high = CAPACITY.get(function)
            rooms.append(Room(
                tenant=tenant, floor=floor, building=b, number=f"{floor_label}.{seq:03d}",
                name=f"{ROOM_NAMES[function]} {seq}",
                net_area=Decimal(rng.randint(40, 1200)) / 10, function=function,
                capacity=rng.randint(*low_high) if low_high else None,
                archived=rng.random() < 0.02,
            ))
    for start in range(0, len(rooms), 5000):
        Room.objects.bulk_create(rooms[start:start + 5000], batch_size=1000)

    # History: one "create" event per building and room, like an import would write.
    events = [
        AuditEvent(tenant=tenant, actor=actor, action="create", object_type=o._meta.label_lower,
                   object_id=str(o.pk), object_repr=str(o)[:255], changes={})
        for o in [*buildings, *Room.objects.filter(tenant=tenant).only("pk", "number", "name")]
    ]
    for start in range(0, len(events), 5000):
        AuditEvent.objects.bulk_create(events[start:start + 5000], batch_size=1000)
