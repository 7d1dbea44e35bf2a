"""Reads of the reuse inventory; every function is scoped by tenant."""

from django.db import connection
from django.db.models import Count, Min, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from torg.accounts.models import STAFF_ROLES, Membership, Role
from torg.core import audit
from torg.core.audit_display import describe
from torg.core.ids import normalize_public_code

from torg.places.models import Building, Room

from .models import GONE_STATUSES, Category, Condition, ImportJob, Item, Label, Product, ReuseRole, Status

SORTS = {
    "number": ("number",),
    "-number": ("-number",),
    "category": ("product__category__sort_order", "number"),
    "building": ("building__name", "room__number", "number"),
    "condition": ("condition", "number"),
    "status": ("status", "number"),
    "updated": ("-updated_at", "-pk"),
}


def text_contains(field, text):
    """Case-insensitive contains that also folds æøå on SQLite (whose LIKE folds ASCII only)."""
    if text.isascii() or connection.vendor != "sqlite":
        return Q(**{f"{field}__icontains": text})  # the database folds the case itself
    variants = {text, text.lower(), text.upper(), text.capitalize()}
    cond = Q()
    for variant in variants:
        cond |= Q(**{f"{field}__icontains": variant})
    return cond


def category_list(*, tenant, include_archived=False):
    qs = Category.objects.filter(tenant=tenant)
    if not include_archived:
        qs = qs.filter(archived=False)
    return qs.order_by("sort_order", "name")


def category_admin_list(*, tenant):
    """Every category of the tenant with its number of products and items (two aggregates)."""
    item_counts = dict(Item.objects.filter(tenant=tenant).values("product__category_id").annotate(n=Count("id"))
                       .order_by().values_list("product__category_id", "n"))
    rows = list(Category.objects.filter(tenant=tenant).annotate(product_count=Count("products"))
                .order_by("archived", "sort_order", "name"))
    for row in rows:
        row.item_count = item_counts.get(row.pk, 0)
    return rows


def category_get(*, tenant, pk):
    return get_object_or_404(Category, tenant=tenant, pk=pk)


def product_list(*, tenant, search="", category_id=None, include_archived=False):
    qs = Product.objects.filter(tenant=tenant).select_related("category").annotate(item_count=Count("items"))
    if not include_archived:
        qs = qs.filter(archived=False)
    if search:
        qs = qs.filter(Q(manufacturer__icontains=search) | Q(model_name__icontains=search)
                       | Q(colour__icontains=search) | Q(category__name__icontains=search))
    if category_id:
        qs = qs.filter(category_id=category_id)
    return qs.order_by("category__sort_order", "manufacturer", "model_name", "pk")


def product_get(*, tenant, pk):
    return get_object_or_404(Product.objects.select_related("category"), tenant=tenant, pk=pk)


def item_list(*, tenant, search="", category_id=None, colour="", condition=None, status="", building_id=None,
              floor_id=None, room_id=None, product_id=None, sort="number", include_disposed=False):
    """Items matching every given filter. Free text searches number, code, placement, room, product."""
    qs = Item.objects.filter(tenant=tenant).select_related("product__category", "building", "room")
    if search:
        text = search.strip()
        fields = ("number", "placement_text", "damage_description", "product__manufacturer", "product__model_name",
                  "product__colour", "product__category__name", "room__number", "room__name")
        cond = Q()
        for field in fields:
            cond |= text_contains(field, text)
        code = normalize_public_code(text)
        if code:
            cond |= Q(code=code)
        qs = qs.filter(cond)
    if category_id:
        qs = qs.filter(product__category_id=category_id)
    if colour:
        qs = qs.filter(product__colour__iexact=colour)
    if condition not in (None, ""):
        qs = qs.filter(condition=int(condition))
    if status:
        qs = qs.filter(status=status)
    elif not include_disposed:
        qs = qs.exclude(status__in=GONE_STATUSES)
    if building_id:
        qs = qs.filter(building_id=building_id)
    if floor_id:
        qs = qs.filter(room__floor_id=floor_id)
    if room_id:
        qs = qs.filter(room_id=room_id)
    if product_id:
        qs = qs.filter(product_id=product_id)
    return qs.order_by(*SORTS.get(sort, SORTS["number"]))


def room_in_building(*, tenant, room_id, building_id) -> bool:
    return Room.objects.filter(tenant=tenant, pk=room_id, building_id=building_id).exists()


def item_get(*, tenant, pk):
    return get_object_or_404(
        Item.objects.select_related("product__category", "building", "room__floor", "parent", "owner_unit"),
        tenant=tenant, pk=pk,
    )


def items_by_ids(*, tenant, ids):
    """The tenant's items among `ids` (foreign or unknown ids are dropped)."""
    clean = [int(i) for i in ids if str(i).isdigit()]
    return list(Item.objects.filter(tenant=tenant, pk__in=clean).select_related("product__category", "building",
                                                                                 "room").order_by("number"))


def item_by_number(*, tenant, number):
    """The tenant's item with this sequence number ("M-000123", or just 123), or None."""
    number = (number or "").strip().upper()
    if number.isdigit():
        number = f"M-{int(number):06d}"
    if not number:
        return None
    return Item.objects.filter(tenant=tenant, number=number).select_related("building", "room").first()


def item_by_code(*, tenant, code):
    """The tenant's item with this public code; 404 for an unknown, malformed or other tenant's code."""
    normalized = normalize_public_code(code)
    if not normalized or tenant is None:
        raise Http404
    return get_object_or_404(Item, tenant=tenant, code=normalized)


def label_by_code(*, tenant, code):
    normalized = normalize_public_code(code)
    if not normalized or tenant is None:
        return None
    return Label.objects.filter(tenant=tenant, code=normalized).select_related("item").first()


def item_history(*, item, limit=100):
    """The item's history, newest first: its audit events in words (one per fact; see services.py)."""
    return describe(audit.history_for(item, item.tenant_id)[:limit])


def colour_choices(*, tenant):
    return list(Product.objects.filter(tenant=tenant).exclude(colour="").values_list("colour", flat=True)
                .distinct().order_by("colour"))


def unclaimed_labels(*, tenant, batch=None):
    qs = Label.objects.filter(tenant=tenant, item__isnull=True)
    if batch:
        qs = qs.filter(batch=batch)
    return qs.order_by("pk")


def label_batches(*, tenant):
    """The printed batches of pre-printed labels, newest first: size, unused codes and when printed."""
    return list(Label.objects.filter(tenant=tenant).values("batch").annotate(
        total=Count("id"), unclaimed=Count("id", filter=Q(item__isnull=True)), printed=Min("created_at"))
        .order_by("-batch"))


OVERVIEW_DIMENSIONS = ("status", "condition", "category")


def overview(*, tenant, building_id=None, category_id=None, status="", condition=None, include_disposed=False,
             dimension="status", paginate_locations=None):
    """Item counts per location, split by one dimension (status, condition or category), with
    subtotals, and the totals by status, condition and category.

    Across the municipality there is one row per building; within a building one row per room,
    grouped by floor with a subtotal per floor. Five aggregate queries, whatever the size.
    `paginate_locations(rows)` (optional) returns a page of the building rows: only those are split
    by the dimension (and returned as the group's rows, with the page as "page_obj").

    Returns {"total", "by_status", "by_condition", "by_category": [(value, label, n)],
    "dimension", "columns": [(value, label)], "column_totals": [n], "groups": [...]} where a group is
    {"label", "building_id" | "floor_id", "total", "counts": [n per column], "rows": [...]}: buildings
    (one group, rows = buildings) or floors (rows = rooms).
    """
    if dimension not in OVERVIEW_DIMENSIONS:
        dimension = "status"
    qs = Item.objects.filter(tenant=tenant)
    if status:
        qs = qs.filter(status=status)
    elif not include_disposed:
        qs = qs.exclude(status__in=GONE_STATUSES)
    if category_id:
        qs = qs.filter(product__category_id=category_id)
    if condition not in (None, ""):
        qs = qs.filter(condition=int(condition))
    if building_id:
        qs = qs.filter(building_id=building_id)

    def counts(field):
        return {row[field]: row["n"] for row in qs.values(field).annotate(n=Count("id")).order_by()}

    # The big aggregates join at most reuse_product (for the category); category and building
    # names are looked up separately (hundreds of rows, not 100 000).
    categories = {c.pk: c for c in Category.objects.filter(tenant=tenant).only("pk", "name", "sort_order")}
    by_status = counts("status")
    by_condition = counts("condition")
    per_category = counts("product__category_id")
    by_category = [
        {"product__category_id": pk, "product__category__name": categories[pk].name, "n": n}
        for pk, n in sorted(per_category.items(), key=lambda kv: (categories[kv[0]].sort_order,
                                                                   categories[kv[0]].name))
    ]
    dim_field = {"status": "status", "condition": "condition", "category": "product__category_id"}[dimension]

    def dim_value(row):
        return row[dim_field]

    if dimension == "status":
        columns = [(v, label) for v, label in Status.choices if by_status.get(v) or v not in GONE_STATUSES]
    elif dimension == "condition":
        columns = list(Condition.choices)
    else:
        columns = [(r["product__category_id"], r["product__category__name"]) for r in by_category]
    index = {value: i for i, (value, _label) in enumerate(columns)}

    def blank(**extra):
        return {"total": 0, "counts": [0] * len(columns), **extra}

    def add(row_dict, value, n):
        row_dict["total"] += n
        if value in index:
            row_dict["counts"][index[value]] += n

    groups, page_obj = [], None
    if building_id:
        fields = ("room__floor_id", "room__floor__level", "room__floor__name", "room_id", "room__number",
                  "room__name")
        floors, rooms = {}, {}
        for r in qs.values(*fields, dim_field).annotate(n=Count("id")).order_by():
            floor_key = r["room__floor_id"]
            floor = floors.get(floor_key)
            if floor is None:
                floor = floors[floor_key] = blank(
                    floor_id=floor_key, label=r["room__floor__name"] or (r["room__floor__level"] if floor_key else ""),
                    sort=(0, r["room__floor__level"]) if floor_key else (1, 0), rows=[])
            add(floor, dim_value(r), r["n"])
            room = rooms.get(r["room_id"])
            if room is None:
                room = rooms[r["room_id"]] = blank(
                    room_id=r["room_id"], label=f"{r['room__number']} {r['room__name'] or ''}".strip()
                    if r["room_id"] else "", sort=r["room__number"] or "")
                floor["rows"].append(room)
            add(room, dim_value(r), r["n"])
        for floor in floors.values():
            floor["rows"].sort(key=lambda x: x["sort"])
        groups = sorted(floors.values(), key=lambda g: g["sort"])
    else:
        # One row per building. The totals come from the (tenant, building, status) index alone; the
        # split by the dimension is computed only for the buildings shown (`paginate_locations`),
        # so a municipality with thousands of locations does not group 100 000 items by building
        # and category for every page.
        buildings = {}
        for r in qs.values("building_id").annotate(n=Count("id")).order_by():
            buildings[r["building_id"]] = blank(building_id=r["building_id"])
            buildings[r["building_id"]]["total"] = r["n"]
        names = dict(Building.objects.filter(tenant=tenant, pk__in=[pk for pk in buildings if pk])
                     .values_list("pk", "name"))
        for pk, b in buildings.items():
            b["label"] = names.get(pk, "")
            b["sort"] = (0 if pk else 1, b["label"])
        rows = sorted(buildings.values(), key=lambda g: g["sort"])
        if paginate_locations is not None:
            page_obj = paginate_locations(rows)
            shown = list(page_obj.object_list)
        else:
            shown = rows
        ids = [b["building_id"] for b in shown]
        in_page = Q(building_id__in=[pk for pk in ids if pk])
        if None in ids:
            in_page |= Q(building_id__isnull=True)
        if shown:
            for r in qs.filter(in_page).values("building_id", dim_field).annotate(n=Count("id")).order_by():
                b = buildings[r["building_id"]]
                if dim_value(r) in index:
                    b["counts"][index[dim_value(r)]] += r["n"]
            groups = [{"label": "", "rows": shown}]
    column_totals = [
        (by_status if dimension == "status" else by_condition).get(value, 0) if dimension != "category"
        else next((r["n"] for r in by_category if r["product__category_id"] == value), 0)
        for value, _label in columns
    ]
    return {
        "total": sum(by_status.values()),
        "by_status": [(value, label, by_status.get(value, 0)) for value, label in Status.choices],
        "by_condition": [(value, label, by_condition.get(value, 0)) for value, label in Condition.choices],
        "by_category": [(r["product__category_id"], r["product__category__name"], r["n"]) for r in by_category],
        "dimension": dimension,
        "columns": columns,
        "column_totals": column_totals,
        "groups": groups,
        "page_obj": page_obj,
    }


def reuse_administrators(*, tenant):
    """The people who give reuse roles (tenant administrators and reuse administrators), for "ask …"."""
    members = (Membership.objects.filter(tenant=tenant, is_active=True, user__is_active=True)
               .filter(Q(role=Role.ADMIN) | Q(reuse_role__role=ReuseRole.Role.ADMINISTRATOR))
               .select_related("user").order_by("user__last_name", "user__first_name", "pk"))
    return [m.user for m in members]


def reuse_members(*, tenant):
    """Active staff memberships with their reuse role row (or None), for the roles page."""
    members = list(Membership.objects.filter(tenant=tenant, is_active=True, role__in=list(STAFF_ROLES))
                   .select_related("user").order_by("user__last_name", "user__first_name", "pk"))
    rows = {r.membership_id: r for r in ReuseRole.objects.filter(membership__in=members)
            .prefetch_related("buildings")}
    for m in members:
        m.reuse_row = rows.get(m.pk)
    return members


def membership_get(*, tenant, pk):
    return get_object_or_404(Membership.objects.select_related("user"), tenant=tenant, pk=pk, is_active=True)


def import_job_get(*, tenant, pk):
    return get_object_or_404(ImportJob.objects.defer("data").select_related("created_by"), tenant=tenant, pk=pk)


def import_jobs(*, tenant, user):
    """The user's recent import jobs."""
    return ImportJob.objects.filter(tenant=tenant, created_by=user).defer("data", "errors").order_by("-pk")
