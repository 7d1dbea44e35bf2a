"""Import of buildings, floors and rooms from XLSX or CSV.

One row per room (or per building, leaving the floor and room columns empty). A building is found
by its building number, or by its name when it has none; a property by gnr/bnr; a floor by level;
a room by number within its building. Found rows are updated with the non-empty cells, the rest
are created.

`plan_import` validates the whole file and returns a plan: what would be created or updated and
every bad row as (line, column, reason). Nothing is written. `apply_import` re-validates and writes
the plan in one transaction, refusing when there are errors unless `valid_rows_only` is set.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from torg.core import audit
from torg.core.tabular import (ImportPlan, ImportRefused, RowError, TableError, choice_lookup, parse_number, read_table,
                               write_xlsx)

from .models import Building, Floor, Property, Room

# The largest areas the columns hold (max_digits 10 and 8, one decimal), checked in the preview.
MAX_GROSS_AREA = Decimal("999999999.9")
MAX_NET_AREA = Decimal("9999999.9")

COLUMNS = [
    ("gnr", gettext_lazy("Farm number (gnr) of the property. Needed when the building is new.")),
    ("bnr", gettext_lazy("Holding number (bnr) of the property. Needed when the building is new.")),
    ("property_address", gettext_lazy("Address of the property (optional).")),
    ("building_number", gettext_lazy("Building number in the cadastre (recommended; identifies the building).")),
    ("building_name", gettext_lazy("Name of the building. Required.")),
    ("building_address", gettext_lazy("Address of the building (optional).")),
    ("year_built", gettext_lazy("Year built, e.g. 1978 (optional).")),
    ("gross_area", gettext_lazy("Gross area BTA in m² (optional).")),
    ("use", gettext_lazy("Use, e.g. office, school, kindergarten, nursing_home (optional).")),
    ("strategic_category", gettext_lazy("A (keep), B (undecided) or C (transform or dispose) (optional).")),
    ("floor_level", gettext_lazy("Floor level as a whole number, 0 = ground floor. Needed for a room.")),
    ("floor_name", gettext_lazy("Name of the floor, e.g. 1. etasje (optional).")),
    ("room_number", gettext_lazy("Room number, unique within the building (leave empty for a building-only row).")),
    ("room_name", gettext_lazy("Room name (optional).")),
    ("net_area", gettext_lazy("Net area in m² (optional).")),
    ("capacity", gettext_lazy("Capacity in persons (optional).")),
    ("function", gettext_lazy("Function, e.g. office, meeting, classroom (optional).")),
]
COLUMN_NAMES = [c for c, _help in COLUMNS]
REQUIRED_COLUMNS = {"building_name"}

# Norwegian headings accepted for each column (compared after lower-casing, spaces as "_"), so a
# sheet exported from another system or typed by hand in Norwegian needs no renaming.
ALIASES = {
    "gnr": ["gårdsnummer", "gardsnummer", "gnr."],
    "bnr": ["bruksnummer", "bnr."],
    "property_address": ["eiendomsadresse", "adresse_eiendom"],
    "building_number": ["bygningsnummer", "bygningsnr", "bygningsnr."],
    "building_name": ["bygg", "byggnavn", "bygningsnavn", "navn_bygg"],
    "building_address": ["adresse", "byggadresse", "adresse_bygg"],
    "year_built": ["byggeår", "byggår"],
    "gross_area": ["bta", "bruttoareal", "bruttoareal_(bta)", "bta_m²", "bta_m2"],
    "use": ["bruk", "formål", "bygningstype"],
    "strategic_category": ["kategori", "strategisk_kategori"],
    "floor_level": ["etasje", "etasjenivå", "etasjenivaa"],
    "floor_name": ["etasjenavn"],
    "room_number": ["romnummer", "romnr", "romnr."],
    "room_name": ["romnavn"],
    "net_area": ["nettoareal", "nta", "nettoareal_m²", "nettoareal_m2"],
    "capacity": ["kapasitet", "antall_personer"],
    "function": ["funksjon", "romfunksjon", "romtype"],
}
_CANONICAL = {alias: name for name, aliases in ALIASES.items() for alias in aliases} | {c: c for c in COLUMN_NAMES}


def _canonical_columns(columns, rows):
    """Rename accepted Norwegian headings to the column names; returns (columns, rows, {name: heading})."""
    headings, seen = {}, {}
    for heading in columns:
        name = _CANONICAL.get(heading, heading)
        if name in seen:
            raise TableError(_("The columns %(first)s and %(second)s mean the same; keep one of them.")
                             % {"first": seen[name], "second": heading})
        seen[name] = heading
        headings[name] = heading
    if all(name == heading for name, heading in headings.items()):
        return columns, rows, headings
    renamed = [(line, {_CANONICAL.get(k, k): v for k, v in cells.items()}) for line, cells in rows]
    return list(headings), renamed, headings


@dataclass
class RoomRow:
    line: int
    building_key: tuple
    building: dict
    property_key: tuple | None
    property: dict
    floor_level: int | None
    floor_name: str
    room: dict | None






def plan_import(*, tenant, upload) -> ImportPlan:
    """Read and validate a file; nothing is written. Raises TableError for an unreadable file."""
    columns, rows, headings = _canonical_columns(*read_table(upload))
    missing = REQUIRED_COLUMNS - set(columns)
    if missing:
        raise TableError(
            _("The file is missing the column(s): %(columns)s. Download the template to see the columns.")
            % {"columns": ", ".join(sorted(missing))}
        )
    unknown = [c for c in columns if c not in COLUMN_NAMES]
    if unknown:
        raise TableError(_("Unknown column(s): %(columns)s.") % {"columns": ", ".join(unknown)})

    uses = choice_lookup(Building.Use)
    functions = choice_lookup(Room.Function)
    plan = ImportPlan(total_rows=len(rows))
    errors = plan.errors

    existing_buildings = {
        b.building_number.lower(): b for b in Building.objects.filter(tenant=tenant).exclude(building_number="")
    }
    existing_by_name = {b.name.lower(): b for b in Building.objects.filter(tenant=tenant, building_number="")}
    existing_properties = {(p.gnr, p.bnr) for p in Property.objects.filter(tenant=tenant, fnr=0, snr=0)}
    archived_floors = set(Floor.objects.filter(tenant=tenant, archived=True).values_list("building_id", "level"))
    seen_rooms = {}
    building_property = {}

    for line, cells in rows:
        before = len(errors)
        name = cells.get("building_name", "")
        number = cells.get("building_number", "")
        if not name and not number:
            errors.append(RowError(line, "building_name", _("Give the building's name or number.")))
            continue
        if len(number) > 20:  # an identifier is never cut short: two numbers could merge into one building
            errors.append(RowError(line, "building_number", _("At most %(max)d characters.") % {"max": 20}))
        building_key = ("number", number.lower()) if number else ("name", name.lower())
        existing = existing_buildings.get(number.lower()) if number else existing_by_name.get(name.lower())

        gnr = parse_number(cells.get("gnr", ""), line, "gnr", errors, whole=True, minimum=1, maximum=99999)
        bnr = parse_number(cells.get("bnr", ""), line, "bnr", errors, whole=True, minimum=1, maximum=99999)
        property_key = (gnr, bnr) if gnr and bnr else None
        if existing is None and property_key is None and building_key not in building_property:
            if not cells.get("gnr") or not cells.get("bnr"):
                errors.append(RowError(line, "gnr", _("A new building needs the property's gnr and bnr.")))
        if property_key and building_property.get(building_key, property_key) != property_key:
            errors.append(RowError(line, "gnr", _("The same building is given different properties in this file.")))

        building = {}
        if name:
            building["name"] = name[:200]
        elif existing is None:
            errors.append(RowError(line, "building_name", _("A new building needs a name.")))
        if cells.get("building_address"):
            building["address"] = cells["building_address"][:200]
        year = parse_number(cells.get("year_built", ""), line, "year_built", errors, whole=True, minimum=1000,
                            maximum=2100)
        if year is not None:
            building["year_built"] = year
        gross = parse_number(cells.get("gross_area", ""), line, "gross_area", errors, places=1, maximum=MAX_GROSS_AREA)
        if gross is not None:
            building["gross_area"] = gross
        if cells.get("use"):
            use = uses.get(cells["use"].lower())
            if use is None:
                errors.append(
                    RowError(line, "use", _("Unknown use “%(value)s”. Allowed: %(allowed)s.")
                             % {"value": cells["use"], "allowed": ", ".join(Building.Use.values)})
                )
            else:
                building["use"] = use
        if cells.get("strategic_category"):
            cat = cells["strategic_category"].strip().upper()[:1]
            if cat not in Building.StrategicCategory.values or len(cells["strategic_category"].strip()) > 1 and \
                    cells["strategic_category"].strip()[1] not in " –-":
                errors.append(RowError(line, "strategic_category", _("Strategic category must be A, B or C.")))
            else:
                building["strategic_category"] = cat
        if number:
            building["building_number"] = number[:20]

        level = parse_number(cells.get("floor_level", ""), line, "floor_level", errors, whole=True, minimum=-10,
                             maximum=200)
        # Rows written under an archived building or floor would not show in the register.
        if existing is not None and existing.archived:
            errors.append(RowError(line, "building_number" if number else "building_name",
                                   _("%(place)s is archived; restore it first.") % {"place": existing}))
        elif existing is not None and (existing.pk, level) in archived_floors:
            floor_label = _("Floor %(level)s") % {"level": level}
            errors.append(RowError(line, "floor_level",
                                   _("%(place)s is archived; restore it first.") % {"place": floor_label}))
        room = None
        room_number = cells.get("room_number", "")
        if room_number:
            if cells.get("floor_level", "") == "":
                errors.append(RowError(line, "floor_level", _("A room needs the floor level.")))
            if len(room_number) > 20:
                errors.append(RowError(line, "room_number", _("At most %(max)d characters.") % {"max": 20}))
            key = (building_key, room_number.lower())
            if key in seen_rooms:
                errors.append(
                    RowError(line, "room_number",
                             _("Room %(room)s appears twice in the file (also on line %(other)s).")
                             % {"room": room_number, "other": seen_rooms[key]})
                )
            seen_rooms.setdefault(key, line)
            room = {"number": room_number[:20]}
            if cells.get("room_name"):
                room["name"] = cells["room_name"][:200]
            area = parse_number(cells.get("net_area", ""), line, "net_area", errors, places=1, maximum=MAX_NET_AREA)
            if area is not None:
                room["net_area"] = area
            cap = parse_number(cells.get("capacity", ""), line, "capacity", errors, whole=True, maximum=100000)
            if cap is not None:
                room["capacity"] = cap
            if cells.get("function"):
                fn = functions.get(cells["function"].lower())
                if fn is None:
                    errors.append(
                        RowError(line, "function", _("Unknown function “%(value)s”. Allowed: %(allowed)s.")
                                 % {"value": cells["function"], "allowed": ", ".join(Room.Function.values)})
                    )
                else:
                    room["function"] = fn
        elif any(cells.get(c) for c in ("room_name", "net_area", "capacity", "function")):
            errors.append(RowError(line, "room_number", _("Room details are given without a room number.")))

        if len(errors) == before:
            # Only a valid row may give a new building its property: with "import only the valid
            # rows", a later row without gnr/bnr must not rely on a row that is skipped.
            if property_key:
                building_property.setdefault(building_key, property_key)
            plan.rows.append(
                RoomRow(
                    line=line, building_key=building_key, building=building, property_key=property_key,
                    property={"address": cells.get("property_address", "")[:200]}, floor_level=level,
                    floor_name=cells.get("floor_name", "")[:100], room=room,
                )
            )

    plan.counts = _count(tenant, plan, existing_buildings, existing_by_name, existing_properties)
    # Errors name the column as the file's heading says it.
    plan.errors[:] = [RowError(e.line, headings.get(e.column, e.column), e.message) for e in plan.errors]
    return plan


def _count(tenant, plan, existing_buildings, existing_by_name, existing_properties):
    new_buildings, new_properties, new_floors, rooms = set(), set(), set(), []
    for row in plan.valid_rows:
        kind, key = row.building_key
        exists = key in (existing_buildings if kind == "number" else existing_by_name)
        if not exists:
            new_buildings.add(row.building_key)
        if row.property_key and row.property_key not in existing_properties:
            new_properties.add(row.property_key)
        if row.floor_level is not None:
            new_floors.add((row.building_key, row.floor_level))
        if row.room:
            rooms.append(row)
    return {
        "rows": plan.total_rows,
        "valid_rows": len(plan.valid_rows),
        "error_rows": len(plan.bad_lines),
        "new_buildings": len(new_buildings),
        "new_properties": len(new_properties),
        "floors": len(new_floors),
        "rooms": len(rooms),
    }


def apply_import(*, actor, tenant, upload, valid_rows_only=False) -> ImportPlan:
    """Validate again and write every valid row in one transaction.

    Raises ImportRefused (nothing written) if any row is bad and `valid_rows_only` is false.
    """
    plan = plan_import(tenant=tenant, upload=upload)
    if plan.errors and not valid_rows_only:
        raise ImportRefused(plan)
    try:
        with transaction.atomic():
            _write(actor=actor, tenant=tenant, plan=plan)
    except IntegrityError as exc:  # someone else wrote the same building or room in the meantime
        raise ImportRefused(ImportPlan(errors=[RowError(0, "", _(
            "The register changed while the file was being saved (someone saved the same places at the same "
            "time). Nothing was saved; check the preview again."))])) from exc
    return plan


def _write(*, actor, tenant, plan):
    properties = {(p.gnr, p.bnr): p for p in Property.objects.filter(tenant=tenant, fnr=0, snr=0)}
    buildings_by_number = {
        b.building_number.lower(): b for b in Building.objects.filter(tenant=tenant).exclude(building_number="")
    }
    buildings_by_name = {b.name.lower(): b for b in Building.objects.filter(tenant=tenant, building_number="")}
    floors = {}
    touched_buildings = {}
    created, updated = [], []

    for row in plan.valid_rows:
        kind, key = row.building_key
        index = buildings_by_number if kind == "number" else buildings_by_name
        building = index.get(key)
        prop = None
        if row.property_key:
            prop = properties.get(row.property_key)
            if prop is None:
                prop = Property(tenant=tenant, gnr=row.property_key[0], bnr=row.property_key[1],
                                address=row.property["address"])
                _save(prop, created, line=row.line)
                properties[row.property_key] = prop
        if building is None:
            building = Building(tenant=tenant, property=prop, **row.building)
            _save(building, created, line=row.line)
            index[key] = building
            touched_buildings[building.pk] = building
        elif building.pk not in touched_buildings:
            changed = {k: v for k, v in row.building.items() if getattr(building, k) != v}
            if prop is not None and building.property_id != prop.pk:
                changed["property"] = prop
            if changed:
                before = audit.snapshot(building)
                for k, v in changed.items():
                    setattr(building, k, v)
                _save(building, updated, line=row.line, before=before)
            touched_buildings[building.pk] = building

        if row.floor_level is None:
            continue
        fkey = (building.pk, row.floor_level)
        floor = floors.get(fkey)
        if floor is None:
            floor = Floor.objects.filter(building=building, level=row.floor_level).first()
            if floor is None:
                floor = Floor(tenant=tenant, building=building, level=row.floor_level, name=row.floor_name)
                _save(floor, created, line=row.line)
            floors[fkey] = floor
        if row.room is None:
            continue
        room = Room.objects.filter(building=building, number=row.room["number"]).first()
        if room is None:
            room = Room(tenant=tenant, floor=floor, building=building, **row.room)
            _save(room, created, line=row.line)
        else:
            before = audit.snapshot(room)
            changed = {k: v for k, v in row.room.items() if getattr(room, k) != v}
            if room.floor_id != floor.pk:
                changed["floor"] = floor
            if changed:
                for k, v in changed.items():
                    setattr(room, k, v)
                _save(room, updated, line=row.line, before=before)

    audit.record_many(actor=actor, tenant=tenant, objs=created, action=lambda o: audit.code(o, "import_create"),
                      changes=lambda o: audit.diff({}, audit.snapshot(o)))
    before_of = {id(o): b for o, b in updated}
    audit.record_many(actor=actor, tenant=tenant, objs=[o for o, _b in updated], action=lambda o: audit.code(o, "import_update"),
                      changes=lambda o: audit.diff(before_of[id(o)], audit.snapshot(o)))
    plan.counts["created"] = len(created)
    plan.counts["updated"] = len(updated)


def _save(obj, bucket, *, line, before=None):
    try:
        obj.full_clean()
    except ValidationError as exc:  # e.g. a uniqueness clash only visible against the database
        raise ImportRefused(
            ImportPlan(errors=[RowError(line, ", ".join(exc.message_dict.keys()), "; ".join(exc.messages))])
        ) from exc
    obj.save()
    bucket.append(obj if before is None else (obj, before))


def template_xlsx() -> bytes:
    """An example file with every column and two sample rows."""
    sample = [
        ["12", "345", "Rådhusgata 1", "300123456", "Rådhuset", "Rådhusgata 1", "1978", "37700", "office", "A",
         "0", "1. etasje", "0.012", "Møterom Fjorden", "24.5", "10", "meeting"],
        ["12", "345", "", "300123456", "Rådhuset", "", "", "", "", "", "1", "2. etasje", "1.001", "Kontor", "12",
         "2", "office"],
    ]
    return write_xlsx(COLUMN_NAMES, sample, title="Rom")
