"""Reads of the reuse inventory; every function is scoped by tenant."""

from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from torg.core.ids import normalize_public_code

from .models import Category, Condition, Item, ItemEvent, Label, Product, Status

SORTS = {
    "number": ("number",),
    "-number": ("-number",),
    "category": ("product__category__sort_order", "number"),
    "building": ("building__name", "room__number", "number"),
    "condition": ("condition", "number"),
    "status": ("status", "number"),
    "updated": ("-updated_at", "-pk"),
}


def _icontains(field, text):
    """Case-insensitive contains that also folds æøå on SQLite (whose LIKE folds ASCII only)."""
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
            cond |= _icontains(field, text)
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
        qs = qs.exclude(status=Status.DISPOSED)
    if building_id:
        qs = qs.filter(building_id=building_id)
    if floor_id:
        qs = qs.filter(room__floor_id=floor_id)
    if room_id:
        qs = qs.filter(room_id=room_id)
    if product_id:
        qs = qs.filter(product_id=product_id)
    return qs.order_by(*SORTS.get(sort, SORTS["number"]))


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


def item_events(*, item):
    return ItemEvent.objects.filter(item=item).select_related("actor").order_by("-created_at", "-pk")


def colour_choices(*, tenant):
    return list(Product.objects.filter(tenant=tenant).exclude(colour="").values_list("colour", flat=True)
                .distinct().order_by("colour"))


def unclaimed_labels(*, tenant, batch=None):
    qs = Label.objects.filter(tenant=tenant, item__isnull=True)
    if batch:
        qs = qs.filter(batch=batch)
    return qs.order_by("pk")


def overview(*, tenant, building_id=None, category_id=None, status="", condition=None, include_disposed=False):
    """Counts by building (or by floor/room within one building) and by category, status, condition.

    Returns {"total", "by_status", "by_condition", "by_category", "groups": [{"key", "label", "total",
    "status": {...}, "condition": {...}}]}.
    """
    qs = Item.objects.filter(tenant=tenant)
    if status:
        qs = qs.filter(status=status)
    elif not include_disposed:
        qs = qs.exclude(status=Status.DISPOSED)
    if category_id:
        qs = qs.filter(product__category_id=category_id)
    if condition not in (None, ""):
        qs = qs.filter(condition=int(condition))
    if building_id:
        qs = qs.filter(building_id=building_id)
        group_fields = ("room__floor__level", "room__floor__name", "room__number", "room__name")
    else:
        group_fields = ("building_id", "building__name")

    def counts(field):
        return {row[field]: row["n"] for row in qs.values(field).annotate(n=Count("id")).order_by()}

    by_category = list(
        qs.values("product__category_id", "product__category__name", "product__category__sort_order")
        .annotate(n=Count("id")).order_by("product__category__sort_order")
    )
    rows = qs.values(*group_fields, "status", "condition").annotate(n=Count("id")).order_by()
    groups = {}
    for row in rows:
        key = tuple(row[f] for f in group_fields)
        group = groups.setdefault(key, {"key": key, "total": 0, "status": {}, "condition": {}})
        group["total"] += row["n"]
        group["status"][row["status"]] = group["status"].get(row["status"], 0) + row["n"]
        group["condition"][row["condition"]] = group["condition"].get(row["condition"], 0) + row["n"]
    ordered = []
    for key, group in groups.items():
        if building_id:
            level, floor_name, room_number, room_name = key
            if room_number is None:
                group["label"], group["sort"] = "", (1, 0, "")
            else:
                group["label"] = f"{room_number} {room_name or ''}".strip()
                group["floor"] = floor_name or level
                group["sort"] = (0, level, room_number)
        else:
            group["building_id"], group["label"] = key
            group["sort"] = (0 if key[0] else 1, key[1] or "", 0)
        group["status_list"] = [group["status"].get(v, 0) for v in Status.values]
        group["condition_list"] = [group["condition"].get(v, 0) for v in Condition.values]
        ordered.append(group)
    ordered.sort(key=lambda g: g["sort"])
    by_status = counts("status")
    by_condition = counts("condition")
    return {
        "total": sum(by_status.values()),
        "by_status": [(value, label, by_status.get(value, 0)) for value, label in Status.choices],
        "by_condition": [(value, label, by_condition.get(value, 0)) for value, label in Condition.choices],
        "by_category": [(r["product__category_id"], r["product__category__name"], r["n"]) for r in by_category],
        "groups": ordered,
    }


def reuse_members(*, tenant):
    """Active staff memberships with their reuse role row (or None), for the roles page."""
    from torg.accounts.models import STAFF_ROLES, Membership

    from .models import ReuseRole

    members = list(Membership.objects.filter(tenant=tenant, is_active=True, role__in=list(STAFF_ROLES))
                   .select_related("user").order_by("user__last_name", "user__first_name", "pk"))
    rows = {r.membership_id: r for r in ReuseRole.objects.filter(membership__in=members)
            .prefetch_related("buildings")}
    for m in members:
        m.reuse_row = rows.get(m.pk)
    return members


def membership_get(*, tenant, pk):
    from torg.accounts.models import Membership

    return get_object_or_404(Membership.objects.select_related("user"), tenant=tenant, pk=pk, is_active=True)
