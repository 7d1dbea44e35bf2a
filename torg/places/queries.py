"""Reads of the places register; every function is scoped by tenant."""

from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404

from .models import Building, Floor, Property, Room


def _cadastre(search, prefix=""):
    """A Q matching "12/345" (gnr/bnr) on the property at `prefix`, or None for other text."""
    gnr, slash, bnr = search.partition("/")
    if slash and gnr.strip().isdigit() and bnr.strip().isdigit():
        return Q(**{f"{prefix}gnr": int(gnr), f"{prefix}bnr": int(bnr)})
    return None


def property_list(*, tenant, search="", include_archived=False):
    qs = Property.objects.filter(tenant=tenant).annotate(
        building_count=Count("buildings", filter=Q(buildings__archived=False))
    )
    if not include_archived:
        qs = qs.filter(archived=False)
    if search:
        cond = Q(name__icontains=search) | Q(address__icontains=search)
        cadastre = _cadastre(search)
        if cadastre is not None:
            cond |= cadastre
        qs = qs.filter(cond)
    return qs.order_by("gnr", "bnr")


def property_get(*, tenant, pk):
    return get_object_or_404(Property, tenant=tenant, pk=pk)


def building_list(*, tenant, search="", use="", category="", include_archived=False, property_id=None):
    qs = Building.objects.filter(tenant=tenant).select_related("property")
    if not include_archived:
        qs = qs.filter(archived=False)
    if search:
        cond = (Q(name__icontains=search) | Q(address__icontains=search) | Q(building_number__icontains=search)
                | Q(property__address__icontains=search) | Q(property__name__icontains=search))
        cadastre = _cadastre(search, "property__")
        if cadastre is not None:
            cond |= cadastre
        qs = qs.filter(cond)
    if use:
        qs = qs.filter(use=use)
    if category:
        qs = qs.filter(strategic_category=category)
    if property_id:
        qs = qs.filter(property_id=property_id)
    return qs.order_by("name", "pk")


def building_get(*, tenant, pk):
    return get_object_or_404(Building.objects.select_related("property"), tenant=tenant, pk=pk)


def building_room_totals(building_ids) -> dict:
    """{building_id: {"rooms": n, "net_area": m², "capacity": persons}} for active rooms."""
    rows = (
        Room.objects.filter(building_id__in=list(building_ids), archived=False)
        .order_by()  # Room.Meta.ordering would add a needless JOIN on places_building
        .values("building_id")
        .annotate(rooms=Count("id"), net_area=Sum("net_area"), capacity=Sum("capacity"))
    )
    return {r["building_id"]: r for r in rows}


def building_floors_with_rooms(*, building, include_archived=False, q=""):
    """The building's floors (lowest first), each with `.room_list` and per-floor totals. With `q`, only
    the rooms whose number, name or function (in the UI's language) contains it, and only the floors
    that have such rooms."""
    floors = list(Floor.objects.filter(building=building).order_by("level"))
    rooms = Room.objects.filter(building=building).order_by("number")
    if not include_archived:
        rooms = rooms.filter(archived=False)
        floors = [f for f in floors if not f.archived]
    # Translate each choice label once, not once per row (get_FOO_display re-translates every call).
    labels = {value: str(label) for value, label in Room.Function.choices}
    q = q.strip()
    if q:
        functions = [value for value, label in labels.items() if q.casefold() in label.casefold()]
        rooms = rooms.filter(Q(number__icontains=q) | Q(name__icontains=q) | Q(function__in=functions))
    by_floor = {}
    for room in rooms:
        room.function_label = labels.get(room.function, room.function)
        by_floor.setdefault(room.floor_id, []).append(room)
    for floor in floors:
        floor.room_list = by_floor.get(floor.pk, [])
        floor.net_area_total = sum((r.net_area or 0) for r in floor.room_list)
        floor.capacity_total = sum((r.capacity or 0) for r in floor.room_list)
    if q:
        floors = [f for f in floors if f.room_list]
    return floors


def floor_list(*, tenant, building_id=None):
    qs = Floor.objects.filter(tenant=tenant).select_related("building")
    if building_id:
        qs = qs.filter(building_id=building_id)
    return qs.order_by("building__name", "level")


def floor_get(*, tenant, pk):
    return get_object_or_404(Floor.objects.select_related("building"), tenant=tenant, pk=pk)


def room_list(*, tenant, search="", building_id=None, floor_id=None, function="", min_capacity=None,
              include_archived=False):
    qs = Room.objects.filter(tenant=tenant).select_related("floor", "building")
    if not include_archived:
        qs = qs.filter(archived=False, building__archived=False)
    if search:
        qs = qs.filter(Q(number__icontains=search) | Q(name__icontains=search) | Q(building__name__icontains=search))
    if building_id:
        qs = qs.filter(building_id=building_id)
    if floor_id:
        qs = qs.filter(floor_id=floor_id)
    if function:
        qs = qs.filter(function=function)
    if min_capacity:
        qs = qs.filter(capacity__gte=min_capacity)
    return qs.order_by("building__name", "number", "pk")


def room_get(*, tenant, pk):
    return get_object_or_404(Room.objects.select_related("floor", "building__property"), tenant=tenant, pk=pk)


def places_search(*, tenant, q, limit=20):
    """Buildings, rooms and properties matching `q`, for the register's search box."""
    q = (q or "").strip()
    results = {}
    for key, query in (("buildings", building_list), ("rooms", room_list), ("properties", property_list)):
        # One row more than shown says whether there are more, without counting every match
        # (a count would scan the tenant's rooms a second time).
        found = list(query(tenant=tenant, search=q)[: limit + 1]) if q else []
        results[key] = found[:limit]
        results[f"{key}_more"] = len(found) > limit
    return results


def register_totals(*, tenant) -> dict:
    buildings = Building.objects.filter(tenant=tenant, archived=False)
    agg = buildings.aggregate(count=Count("id"), gross_area=Sum("gross_area"))
    rooms = Room.objects.filter(tenant=tenant, archived=False, building__archived=False).aggregate(
        count=Count("id"), net_area=Sum("net_area")
    )
    return {
        "buildings": agg["count"],
        "gross_area": agg["gross_area"],
        "rooms": rooms["count"],
        "net_area": rooms["net_area"],
        "properties": Property.objects.filter(tenant=tenant, archived=False).count(),
    }


def building_choices(*, tenant):
    """(pk, name) of active buildings, for filters and pickers."""
    return Building.objects.filter(tenant=tenant, archived=False).order_by("name").values_list("pk", "name")
