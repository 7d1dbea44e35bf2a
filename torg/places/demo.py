"""Demo data for the places register: Storvik (about 125 000 inhabitants) and little Lillevik.

Storvik has six existing office locations whose 43 services move into the renovated 37 700 m²
town-hall office building ("Nye Storvik rådhus") with an innbyggertorg on the ground floor, plus
schools, kindergartens, nursing homes and a library.
"""

import random
from decimal import Decimal

from torg.core import audit

from .models import Building, Floor, Property, Room

F = Room.Function
U = Building.Use

OLD_OFFICES = [
    # name, address, year, BTA, floors, rooms per floor, category
    ("Gamle rådhus", "Rådhusplassen 1", 1962, 9800, 5, 34, "C"),
    ("Kirkegata 15", "Kirkegata 15", 1978, 4200, 4, 22, "C"),
    ("Torggata 8", "Torggata 8", 1985, 3600, 3, 26, "B"),
    ("Teknisk etat, Havnegata 2", "Havnegata 2", 1971, 5100, 4, 24, "C"),
    ("Helsehuset administrasjon", "Storgata 40", 1990, 2900, 3, 20, "B"),
    ("Parkveien 12", "Parkveien 12", 1998, 3300, 3, 22, "B"),
]
SCHOOLS = [
    ("Nordbyen skole", "Skoleveien 2", 1968, 6800, "B"), ("Sentrum skole", "Kongens gate 30", 2012, 9200, "A"),
    ("Fjellheim skole", "Fjellveien 88", 1975, 5400, "C"), ("Strandå ungdomsskole", "Strandveien 5", 2005, 8700, "A"),
    ("Lia skole", "Liaveien 14", 1983, 4900, "B"), ("Vestby skole", "Vestbyveien 3", 2019, 7600, "A"),
    ("Øvre Storvik skole", "Kirkebakken 9", 1959, 3900, "C"), ("Holmen oppvekstsenter", "Holmeveien 1", 1992, 3100, "B"),
]
KINDERGARTENS = [
    ("Solsikken barnehage", "Blomsterveien 4", 2008, 900), ("Tusenfryd barnehage", "Engveien 11", 1995, 750),
    ("Marihøna barnehage", "Lunden 2", 2016, 1100), ("Skogly barnehage", "Skogveien 20", 1987, 680),
    ("Havblikk barnehage", "Sjøgata 7", 2021, 1250),
]
NURSING_HOMES = [
    ("Solbakken sykehjem", "Solbakkveien 1", 1984, 7800, 3, 28, "B"),
    ("Storvik helse- og omsorgssenter", "Omsorgsveien 10", 2017, 11200, 4, 30, "A"),
]
INNBYGGERTORG_ROOMS = [
    ("0.001", "Innbyggertorget", F.RECEPTION, 310, 120), ("0.002", "Servicetorg og skranke", F.RECEPTION, 85, 12),
    ("0.010", "Storsalen", F.HALL, 180, 150), ("0.011", "Møterom Fjorden", F.MEETING, 36, 14),
    ("0.012", "Møterom Havna", F.MEETING, 28, 10), ("0.013", "Møterom Fyret", F.MEETING, 18, 6),
    ("0.014", "Grupperom Måken", F.GROUP, 14, 4), ("0.015", "Grupperom Ærfugl", F.GROUP, 14, 4),
    ("0.020", "Verkstedet (makerspace)", F.WORKSHOP, 64, 16), ("0.021", "Studio", F.GROUP, 22, 4),
    ("0.022", "Kjøkken og kafé", F.KITCHEN, 95, 40), ("0.030", "Bibliotekfilial", F.LIBRARY, 140, 40),
    ("0.031", "Ungdomsrommet", F.COMMON, 70, 30), ("0.040", "Garderobe", F.WARDROBE, 20, None),
    ("0.041", "Toalett og stellerom", F.TOILET, 24, None), ("0.050", "Lager", F.STORAGE, 30, None),
]


def _property(tenant, gnr, bnr, address, name=""):
    return Property(tenant=tenant, gnr=gnr, bnr=bnr, address=address, name=name, postal_code="9990",
                    postal_place="Storvik" if tenant.slug == "storvik" else "Lillevik")


class _Builder:
    """Collects rows and writes them with bulk_create, recording one audit event per object."""

    def __init__(self, tenant, rng):
        self.tenant, self.rng = tenant, rng
        self.next_gnr = 100
        self.building_no = 300100000
        self.created = []

    def building(self, name, address, year, bta, use, category):
        self.next_gnr += 1
        prop = _property(self.tenant, self.next_gnr, self.rng.randint(1, 400), address)
        prop.save()
        self.building_no += self.rng.randint(11, 999)
        b = Building(tenant=self.tenant, property=prop, building_number=str(self.building_no), name=name,
                     address=address, year_built=year, gross_area=Decimal(bta), use=use, strategic_category=category)
        b.save()
        self.created += [prop, b]
        return b

    def floor(self, building, level, name=None):
        f = Floor(tenant=self.tenant, building=building, level=level,
                  name=name or ("Underetasje" if level < 0 else f"{level + 1}. etasje"))
        f.save()
        self.created.append(f)
        return f

    def rooms(self, floor, specs):
        rooms = [
            Room(tenant=self.tenant, floor=floor, building_id=floor.building_id, number=number, name=name,
                 function=function, net_area=Decimal(str(area)) if area else None, capacity=capacity)
            for number, name, function, area, capacity in specs
        ]
        Room.objects.bulk_create(rooms)
        self.created += rooms
        return rooms


TOWNHALL_EXTRA_ROOMS = 86


def _office_floor_specs(rng, level, count, first=1):
    specs = []
    for i in range(first, first + count):
        number = f"{level}.{i:03d}"
        roll = rng.random()
        if roll < 0.55:
            specs.append((number, "Kontor", F.OFFICE, rng.choice([10, 11, 12, 12.5, 14, 16]), rng.choice([1, 1, 2])))
        elif roll < 0.7:
            specs.append((number, "Åpent kontorlandskap", F.OPEN_OFFICE, rng.choice([60, 80, 95, 120]),
                          rng.choice([8, 10, 12, 16])))
        elif roll < 0.82:
            specs.append((number, f"Møterom {level}{i:02d}", F.MEETING, rng.choice([16, 20, 28, 36]),
                          rng.choice([4, 6, 8, 12])))
        elif roll < 0.88:
            specs.append((number, "Stillerom", F.QUIET, 6, 1))
        elif roll < 0.92:
            specs.append((number, "Kopi og lager", F.STORAGE, rng.choice([8, 12]), None))
        elif roll < 0.96:
            specs.append((number, "Toalett", F.TOILET, 5, None))
        else:
            specs.append((number, "Pauserom", F.KITCHEN, rng.choice([20, 30]), rng.choice([10, 16])))
    return specs


def _school_specs(rng, level, count):
    specs = []
    for i in range(1, count + 1):
        number = f"{level}{i:02d}"
        roll = rng.random()
        if roll < 0.5:
            specs.append((number, f"Klasserom {number}", F.CLASSROOM, rng.choice([56, 60, 64, 70]), 28))
        elif roll < 0.7:
            specs.append((number, "Grupperom", F.GROUP, rng.choice([14, 16, 20]), 8))
        elif roll < 0.78:
            specs.append((number, rng.choice(["Naturfagrom", "Musikkrom", "Kunst og håndverk", "Skolekjøkken"]),
                          F.SPECIAL_CLASSROOM, rng.choice([80, 90, 100]), 24))
        elif roll < 0.86:
            specs.append((number, "Arbeidsrom lærere", F.OFFICE, rng.choice([40, 60]), 12))
        elif roll < 0.92:
            specs.append((number, "Garderobe", F.WARDROBE, 30, None))
        else:
            specs.append((number, "Toalett", F.TOILET, 12, None))
    return specs


def _survey_round_buildings(b, rng):
    """The rest of Storvik's schools, kindergartens and nursing homes (registered without floors and
    rooms): with those above, the ≈ 74 properties and ≈ 330 000 m² of the first condition-survey
    round in the source case (seed 001)."""
    places = ["Bakkehaugen", "Eikeli", "Furuly", "Granli", "Haugen", "Jordet", "Kjelsrud", "Lindeberg", "Myra",
              "Nesset", "Ørje", "Prestegården", "Ringstad", "Sandvika", "Tangen", "Ulvøya", "Valle", "Åsen",
              "Berg", "Dalen", "Elvebakken", "Fossum", "Grini", "Hoff", "Innset", "Jar", "Kolås", "Lysaker",
              "Moen", "Nordli", "Ormøya", "Pilestredet", "Rud"]
    for i, place in enumerate(places[:16]):
        year = rng.choice([1956, 1962, 1968, 1971, 1974, 1979, 1985, 1991, 1999, 2006, 2014])
        b.building(f"{place} skole", f"{place}veien {i + 2}", year, rng.choice([6400, 7800, 8900, 9600, 11200]),
                   U.SCHOOL, "A" if year >= 2000 else rng.choice("ABBC"))
    for i, place in enumerate(places):
        year = rng.choice([1972, 1978, 1984, 1990, 1996, 2003, 2010, 2018])
        b.building(f"{place} barnehage", f"{place}stien {i + 1}", year, rng.choice([780, 950, 1100, 1250, 1400]),
                   U.KINDERGARTEN, "A" if year >= 2000 else rng.choice("ABC"))
    for i, place in enumerate(places[16:26]):
        year = rng.choice([1969, 1977, 1983, 1994, 2004, 2012])
        b.building(f"{place} bo- og omsorgssenter", f"{place}vegen {i + 10}", year,
                   rng.choice([5200, 6800, 7600, 8400, 9800]), U.NURSING_HOME, "A" if year >= 2000 else rng.choice("AB"))


def load(ctx):
    rng = random.Random(ctx.seed + 1)
    tenant = ctx.main
    b = _Builder(tenant, rng)
    ctx.old_offices = []
    for name, address, year, bta, floors, per_floor, category in OLD_OFFICES:
        building = b.building(name, address, year, bta, U.OFFICE, category)
        for level in range(floors):
            b.rooms(b.floor(building, level), _office_floor_specs(rng, level, per_floor))
        ctx.old_offices.append(building)

    # The renovated town-hall office building: 37 700 m², 8 floors, innbyggertorg on the ground floor.
    townhall = b.building("Nye Storvik rådhus", "Rådhusgata 1", 1974, 37700, U.OFFICE, "A")
    ground = b.floor(townhall, 0, "1. etasje – Innbyggertorget")
    b.rooms(ground, INNBYGGERTORG_ROOMS)
    # 130 rooms per office floor (≈ 3 300 m² of rooms on a 4 700 m² floor), enough for the furnishing
    # plan's 8 000 pieces within the rooms' capacity and area. The rooms after the first 44 come from a
    # generator of their own, so the buildings after the town hall are the same as before.
    extra = random.Random(ctx.seed + 7)
    for level in range(1, 8):
        b.rooms(b.floor(townhall, level), _office_floor_specs(rng, level, 44)
                + _office_floor_specs(extra, level, TOWNHALL_EXTRA_ROOMS, first=45))
    ctx.townhall = townhall

    for name, address, year, bta, category in SCHOOLS:
        school = b.building(name, address, year, bta, U.SCHOOL, category)
        for level in range(rng.choice([2, 3])):
            b.rooms(b.floor(school, level), _school_specs(rng, level + 1, rng.randint(14, 20)))
        gym_floor = Floor.objects.get(building=school, level=0)
        b.rooms(gym_floor, [("G01", "Gymsal", F.GYM, rng.choice([420, 600, 800]), 60)])
    for name, address, year, bta in KINDERGARTENS:
        kg = b.building(name, address, year, bta, U.KINDERGARTEN, "A" if year > 2000 else "B")
        floor = b.floor(kg, 0)
        specs = [(f"1{i:02d}", f"Avdeling {animal}", F.PLAY, rng.choice([45, 55, 65]), 18)
                 for i, animal in enumerate(["Ekorn", "Rev", "Bjørn", "Elg", "Hare"][: rng.randint(3, 5)], start=1)]
        specs += [("110", "Personalrom", F.COMMON, 25, 10), ("111", "Kontor styrer", F.OFFICE, 12, 2),
                  ("112", "Kjøkken", F.KITCHEN, 20, None), ("113", "Garderobe", F.WARDROBE, 30, None),
                  ("114", "Stellerom og toalett", F.TOILET, 15, None), ("115", "Sovrom", F.PLAY, 20, 12)]
        b.rooms(floor, specs)
    for name, address, year, bta, floors, per_floor, category in NURSING_HOMES:
        home = b.building(name, address, year, bta, U.NURSING_HOME, category)
        for level in range(floors):
            floor = b.floor(home, level)
            specs = [(f"{level + 1}{i:02d}", "Beboerrom", F.RESIDENT, rng.choice([22, 24, 26]), 1)
                     for i in range(1, per_floor - 3)]
            specs += [(f"{level + 1}90", "Stue og spisestue", F.COMMON, 80, 20),
                      (f"{level + 1}91", "Vaktrom", F.OFFICE, 18, 4),
                      (f"{level + 1}92", "Medisinrom", F.STORAGE, 10, None)]
            b.rooms(floor, specs)
    library = b.building("Storvik bibliotek", "Kulturhusgata 3", 2009, 4300, U.CULTURE, "A")
    lib_floor = b.floor(library, 0)
    b.rooms(lib_floor, [("101", "Biblioteksalen", F.LIBRARY, 900, 150), ("102", "Lesesal", F.QUIET, 120, 40),
                        ("103", "Møterom Boka", F.MEETING, 30, 12), ("104", "Foredragssal", F.HALL, 160, 120),
                        ("105", "Barneavdeling", F.LIBRARY, 200, 40)])
    ctx.library = library

    # Lillevik, the second municipality, proves isolation.
    small = _Builder(ctx.second, random.Random(ctx.seed + 2))
    lv = small.building("Lillevik rådhus", "Torvet 1", 1966, 2400, U.OFFICE, "B")
    floor = small.floor(lv, 0)
    small.rooms(floor, [("101", "Kommunestyresalen", F.HALL, 140, 60), ("102", "Møterom Lille", F.MEETING, 20, 8),
                        ("103", "Kontor ordfører", F.OFFICE, 16, 2)])
    ls = small.building("Lillevik skole", "Skolebakken 1", 1980, 2600, U.SCHOOL, "B")
    small.rooms(small.floor(ls, 0), _school_specs(rng, 1, 10))

    _survey_round_buildings(b, random.Random(ctx.seed + 3))  # last, so the rows above stay as they were

    for builder in (b, small):
        audit.record_many(actor=None, tenant=builder.tenant, objs=builder.created, action=lambda o: audit.code(o, "demo_create"))
