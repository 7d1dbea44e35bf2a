"""Reads of the furnishing plans; every function is scoped by tenant (directly or through a plan
that was itself looked up by tenant)."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from torg.core.ids import normalize_public_code
from torg.places.models import Building, Room
from torg.reuse.models import Category, Item, Product, Status

from . import matching
from .models import Line, Need, Plan, PurchaseRequest, UsedOffer

# Statuses that are stock for every plan; items in use count only at the plan's locations being vacated.
FREE_STATUSES = (Status.AVAILABLE, Status.FOR_RELOCATION)


def plan_list(*, tenant, status=""):
    qs = Plan.objects.filter(tenant=tenant).select_related("building")
    if status in Plan.Status.values:
        qs = qs.filter(status=status)
    return qs.annotate(
        need_total=Count("lines"),
        own=Count("lines", filter=Q(lines__source=Line.Source.OWN)),
        used=Count("lines", filter=Q(lines__source=Line.Source.USED)),
    ).order_by("-pk")


def plan_get(*, tenant, pk):
    return get_object_or_404(Plan.objects.select_related("building", "tenant"), tenant=tenant, pk=pk)


def need_get(*, plan, pk):
    return get_object_or_404(Need.objects.select_related("room__floor", "category", "product", "plan"),
                             plan=plan, pk=pk)


def line_get(*, plan, pk):
    return get_object_or_404(Line.objects.select_related("need__room__floor", "need__category", "need__product",
                                                         "item__product__category", "item__building", "item__room",
                                                         "offer__supplier", "plan"), plan=plan, pk=pk)


def offer_get(*, plan, pk):
    return get_object_or_404(UsedOffer.objects.select_related("category", "supplier", "plan"), plan=plan, pk=pk)


def plan_room(*, plan, pk):
    return get_object_or_404(Room.objects.select_related("floor"), tenant_id=plan.tenant_id,
                             building_id=plan.building_id, pk=pk, archived=False)


def plan_rooms(*, plan):
    return Room.objects.filter(tenant_id=plan.tenant_id, building_id=plan.building_id, archived=False) \
        .select_related("floor").order_by("floor__level", "number")


def offers(*, plan):
    return list(UsedOffer.objects.filter(plan=plan).select_related("category", "supplier", "product__category")
                .annotate(taken=Count("lines")).order_by("category__sort_order", "unit_price_nok", "pk"))


# --- Matching input -------------------------------------------------------------------------
def stock_queryset(*, plan):
    """The items the plan may use: free stock anywhere in the municipality, items in use at the
    locations being vacated, and the items it already holds on undecided lines — without items that
    are part of another item, or held by any other open line."""
    held_here = Line.objects.filter(plan=plan, locked=False, delivered_at__isnull=True, item__isnull=False)
    held_elsewhere = Line.objects.filter(item=OuterRef("pk"), delivered_at__isnull=True) \
        .exclude(plan=plan, locked=False)
    sources = list(plan.source_buildings.values_list("pk", flat=True))
    cond = Q(status__in=FREE_STATUSES) | Q(pk__in=held_here.values("item_id"))
    if sources:
        cond |= Q(status=Status.IN_USE, building_id__in=sources)
    return Item.objects.filter(cond, tenant_id=plan.tenant_id, parent__isnull=True) \
        .exclude(Exists(held_elsewhere))


def matching_input(*, plan) -> dict:
    needs = [matching.NeedData(id=n[0], room_id=n[1], floor_id=n[2], room_number=n[3], category_id=n[4],
                               min_width=n[5], max_width=n[6], min_depth=n[7], max_depth=n[8], colour=n[9] or "",
                               max_condition=n[10], product_id=n[11])
             for n in Need.objects.filter(plan=plan).values_list(
                 "pk", "room_id", "room__floor_id", "room__number", "category_id", "min_width_cm", "max_width_cm",
                 "min_depth_cm", "max_depth_cm", "colour", "max_condition", "product_id").order_by("pk")]
    rows = list(Line.objects.filter(plan=plan).values_list("pk", "need_id", "source", "item_id", "offer_id", "locked",
                                                            "delivered_at", "item_status_before", "unit_price_nok")
                .order_by("pk"))
    lines = [matching.LineData(id=r[0], need_id=r[1], source=r[2], item_id=r[3], offer_id=r[4], locked=r[5],
                               delivered=r[6] is not None) for r in rows]
    categories = {n.category_id for n in needs}
    products = {p[0]: matching.ProductData(id=p[0], category_id=p[1], width=p[2], depth=p[3], colour=p[4] or "",
                                           new_price=p[5])
                for p in Product.objects.filter(tenant_id=plan.tenant_id, category_id__in=categories)
                .values_list("pk", "category_id", "width_cm", "depth_cm", "colour", "new_price_nok")}
    stock = [matching.ItemData(id=r[0], product_id=r[1], building_id=r[2], condition=r[3], number=r[4], status=r[5])
             for r in stock_queryset(plan=plan).filter(product_id__in=list(products))
             .values_list("pk", "product_id", "building_id", "condition", "number", "status").iterator(chunk_size=5000)]
    offers_ = [matching.OfferData(id=o[0], category_id=o[1], quantity=o[2], price=o[3], width=o[4], depth=o[5],
                                  colour=o[6] or "", condition=o[7], product_id=o[8])
               for o in UsedOffer.objects.filter(plan=plan).values_list(
                   "pk", "category_id", "quantity", "unit_price_nok", "width_cm", "depth_cm", "colour", "condition",
                   "product_id")]
    return {
        "needs": needs, "lines": lines, "stock": stock, "products": products, "offers": offers_,
        "status_before": {r[3]: r[7] for r in rows if r[3] and r[7]},
        "prices": {r[0]: r[8] for r in rows},
    }


def _need_data(need):
    return matching.NeedData(id=need.pk, room_id=need.room_id, floor_id=0, room_number="",
                             category_id=need.category_id, min_width=need.min_width_cm, max_width=need.max_width_cm,
                             min_depth=need.min_depth_cm, max_depth=need.max_depth_cm, colour=need.colour,
                             max_condition=need.max_condition, product_id=need.product_id)


def _product_data(p):
    return matching.ProductData(id=p.pk, category_id=p.category_id, width=p.width_cm, depth=p.depth_cm,
                                colour=p.colour, new_price=p.new_price_nok)


def item_fit_problems(*, need, item) -> list[str]:
    """What an item chosen by hand does not meet of its need (empty when it fits)."""
    problems = []
    nd, p = _need_data(need), item.product
    if need.product_id and p.pk != need.product_id:
        problems.append(_("another product than the one asked for"))
    if need.colour and p.colour.strip().lower() != need.colour.strip().lower():
        problems.append(_("colour %(colour)s") % {"colour": p.colour or "–"})
    if not matching._in_range(p.width_cm, nd.min_width, nd.max_width):
        problems.append(_("width %(w)s cm") % {"w": p.width_cm if p.width_cm is not None else "?"})
    if not matching._in_range(p.depth_cm, nd.min_depth, nd.max_depth):
        problems.append(_("depth %(d)s cm") % {"d": p.depth_cm if p.depth_cm is not None else "?"})
    if need.max_condition is not None and item.condition > need.max_condition:
        problems.append(_("condition %(c)d") % {"c": item.condition})
    return problems


def new_price(*, need):
    products = {p.pk: _product_data(p) for p in Product.objects.filter(tenant_id=need.tenant_id,
                                                                       category_id=need.category_id)}
    if need.product_id and need.product_id not in products:
        products[need.product_id] = _product_data(need.product)
    return matching.new_prices([_need_data(need)], products).get(need.pk)


def candidate_items(*, line, limit=20):
    """Items the planner may choose for a line: the plan's stock of the need's category that fits
    the constraints, best condition first (plus those of undecided lines of the same plan)."""
    need = line.need
    qs = stock_queryset(plan=line.plan).filter(product__category_id=need.category_id) \
        .select_related("product__category", "building", "room")
    if need.product_id:
        qs = qs.filter(product_id=need.product_id)
    if need.colour:
        qs = qs.filter(product__colour__iexact=need.colour)
    for field, lo, hi in (("width_cm", need.min_width_cm, need.max_width_cm),
                          ("depth_cm", need.min_depth_cm, need.max_depth_cm)):
        if lo is not None:
            qs = qs.filter(**{f"product__{field}__gte": lo})
        if hi is not None:
            qs = qs.filter(**{f"product__{field}__lte": hi})
    if need.max_condition is not None:
        qs = qs.filter(condition__lte=need.max_condition)
    qs = qs.exclude(pk__in=Line.objects.filter(need=need, item__isnull=False).values("item_id"))
    return list(qs.order_by("condition", "building__name", "number")[:limit])


def item_for_override(*, plan, text):
    """The tenant's item with this number (M-000123) or code, or None."""
    text = (text or "").strip()
    if not text:
        return None
    item = Item.objects.filter(tenant_id=plan.tenant_id, number__iexact=text).first()
    if item is None:
        code = normalize_public_code(text.rstrip("/").rsplit("/q/", 1)[-1])
        if code:
            item = Item.objects.filter(tenant_id=plan.tenant_id, code=code).first()
    return item


def available_count(*, tenant, category):
    return Item.objects.filter(tenant=tenant, product__category=category, status=Status.AVAILABLE).count()


# --- Figures --------------------------------------------------------------------------------
def _share(n, total):
    return round(100 * n / total, 1) if total else 0.0


def figures(*, plan) -> dict:
    """Pieces by source (and delivered), shares of the need, cost of purchases, against the target.
    Two aggregate queries."""
    rows = Line.objects.filter(plan=plan).values("source").annotate(
        n=Count("id"), delivered=Count("id", filter=Q(delivered_at__isnull=False)),
        cost=Sum("unit_price_nok"), priced=Count("unit_price_nok"))
    by = {r["source"]: r for r in rows}
    total = sum(r["n"] for r in rows)

    def n(source):
        return by.get(source, {}).get("n", 0)

    reuse = n(Line.Source.OWN) + n(Line.Source.USED)
    reuse_share = _share(reuse, total)
    unpriced_new = n(Line.Source.NEW) - by.get(Line.Source.NEW, {}).get("priced", 0)
    return {
        "total": total, "own": n(Line.Source.OWN), "used": n(Line.Source.USED), "new": n(Line.Source.NEW),
        "open": n(Line.Source.OPEN), "reuse": reuse,
        "own_share": _share(n(Line.Source.OWN), total), "used_share": _share(n(Line.Source.USED), total),
        "new_share": _share(n(Line.Source.NEW), total), "open_share": _share(n(Line.Source.OPEN), total),
        "reuse_share": reuse_share, "target": plan.target_reuse_percent,
        "meets_target": total > 0 and reuse_share >= plan.target_reuse_percent,
        "gap": max(0, round(plan.target_reuse_percent * total / 100 - reuse + 0.4999)) if total else 0,
        "used_cost": by.get(Line.Source.USED, {}).get("cost") or Decimal("0"),
        "new_cost": by.get(Line.Source.NEW, {}).get("cost") or Decimal("0"),
        "unpriced_new": unpriced_new,
        "delivered_own": by.get(Line.Source.OWN, {}).get("delivered", 0),
        "delivered_used": by.get(Line.Source.USED, {}).get("delivered", 0),
        "locked": Line.objects.filter(plan=plan, locked=True).count(),
    }


def category_breakdown(*, plan):
    """One row per category: pieces needed and by source."""
    rows = defaultdict(lambda: {"total": 0, "own": 0, "used": 0, "new": 0, "open": 0})
    for r in Line.objects.filter(plan=plan).values("need__category_id", "source").annotate(n=Count("id")).order_by():
        row = rows[r["need__category_id"]]
        row[r["source"]] += r["n"]
        row["total"] += r["n"]
    cats = {c.pk: c for c in Category.objects.filter(pk__in=list(rows))}
    out = [{"category": cats[pk], **v, "reuse_share": _share(v["own"] + v["used"], v["total"])}
           for pk, v in rows.items()]
    return sorted(out, key=lambda r: (r["category"].sort_order, r["category"].name))


def room_summary(*, plan):
    """Every room of the target building, by floor, with its pieces needed, covered by reuse (own and
    bought used) and delivered, and the reuse share — counted as `figures` counts them (reused pieces of
    all pieces needed, uncovered ones included), so rooms and floors add up to the plan's total."""
    counts = {r["need__room_id"]: r for r in Line.objects.filter(plan=plan).values("need__room_id").annotate(
        n=Count("id"), reuse=Count("id", filter=Q(source__in=[Line.Source.OWN, Line.Source.USED])),
        delivered=Count("id", filter=Q(delivered_at__isnull=False))).order_by()}
    floors = []
    for room in plan_rooms(plan=plan):
        c = counts.get(room.pk, {})
        room.need_total, room.reuse, room.delivered = c.get("n", 0), c.get("reuse", 0), c.get("delivered", 0)
        room.reuse_share = _share(room.reuse, room.need_total)
        if not floors or floors[-1]["floor"].pk != room.floor_id:
            floors.append({"floor": room.floor, "rooms": [], "total": 0, "reuse": 0, "delivered": 0,
                           "with_needs": 0})
        group = floors[-1]
        group["rooms"].append(room)
        group["total"] += room.need_total
        group["reuse"] += room.reuse
        group["delivered"] += room.delivered
        group["with_needs"] += bool(room.need_total)
    for group in floors:
        group["reuse_share"] = _share(group["reuse"], group["total"])
    return floors


def room_needs(*, plan, room):
    needs = list(Need.objects.filter(plan=plan, room=room).select_related("category", "product__category")
                 .order_by("pk"))
    by_need = defaultdict(list)
    for ln in Line.objects.filter(need__in=needs).select_related(
            "item__product__category", "item__building", "item__room", "offer__supplier").order_by("pk"):
        by_need[ln.need_id].append(ln)
    for n in needs:
        n.plan_lines = by_need[n.pk]
    return needs


LINE_SORTS = {"room": ("need__room__number", "need_id", "pk"), "source": ("source", "need__room__number", "pk"),
              "from": ("item__building__name", "item__room__number", "pk")}


def line_list(*, plan, source="", category_id=None, building_id=None, room_id=None, delivered="", locked="",
              search="", sort="room"):
    qs = Line.objects.filter(plan=plan).select_related(
        "need__room", "need__category", "item__product__category", "item__building", "item__room", "offer__supplier")
    if source in Line.Source.values:
        qs = qs.filter(source=source)
    if category_id:
        qs = qs.filter(need__category_id=category_id)
    if building_id:
        qs = qs.filter(item__building_id=building_id)
    if room_id:
        qs = qs.filter(need__room_id=room_id)
    if delivered == "yes":
        qs = qs.filter(delivered_at__isnull=False)
    elif delivered == "no":
        qs = qs.filter(delivered_at__isnull=True)
    if locked == "yes":
        qs = qs.filter(locked=True)
    if search:
        qs = qs.filter(Q(item__number__icontains=search) | Q(need__room__number__icontains=search))
    return qs.order_by(*LINE_SORTS.get(sort, LINE_SORTS["room"]))


def source_buildings_of_lines(*, plan):
    """The locations own items come from, with their number of pieces (for the move lists)."""
    rows = Line.objects.filter(plan=plan, source=Line.Source.OWN).values("item__building_id").annotate(
        n=Count("id"), delivered=Count("id", filter=Q(delivered_at__isnull=False))).order_by()
    names = dict(Building.objects.filter(tenant_id=plan.tenant_id, pk__in=[r["item__building_id"] for r in rows
                                                                          if r["item__building_id"]])
                 .values_list("pk", "name"))
    out = [{"pk": r["item__building_id"], "name": names.get(r["item__building_id"], ""), "n": r["n"],
            "delivered": r["delivered"]} for r in rows]
    return sorted(out, key=lambda r: (r["pk"] is None, r["name"]))


def move_lines(*, plan, building_id=None, room_id=None, floor_id=None, no_location=False):
    """Lines for a move list: own items from one source location (by source room and placement),
    or everything bound for one destination room or floor (own items and used purchases)."""
    qs = Line.objects.filter(plan=plan).select_related(
        "need__room__floor", "need__category", "item__product__category", "item__building", "item__room",
        "offer__supplier", "offer__category")
    if building_id or no_location:
        qs = qs.filter(source=Line.Source.OWN)
        qs = qs.filter(item__building__isnull=True) if no_location else qs.filter(item__building_id=building_id)
        return list(qs.order_by("item__room__number", "item__placement_text", "item__number"))
    qs = qs.filter(source__in=[Line.Source.OWN, Line.Source.USED])
    if room_id:
        qs = qs.filter(need__room_id=room_id)
    elif floor_id:
        qs = qs.filter(need__room__floor_id=floor_id)
    return list(qs.order_by("need__room__number", "source", "item__number", "pk"))


def delivery_progress(*, plan):
    rows = Line.objects.filter(plan=plan, source__in=[Line.Source.OWN, Line.Source.USED]).aggregate(
        total=Count("id"), delivered=Count("id", filter=Q(delivered_at__isnull=False)))
    rows["percent"] = round(100 * rows["delivered"] / rows["total"]) if rows["total"] else 0
    return rows


def recent_deliveries(*, plan, user=None, limit=10):
    qs = Line.objects.filter(plan=plan, delivered_at__isnull=False).select_related(
        "item__product__category", "need__room")
    if user is not None:
        qs = qs.filter(delivered_by=user)
    return list(qs.order_by("-delivered_at", "-pk")[:limit])


def pending_used(*, plan, room_id=None):
    qs = Line.objects.filter(plan=plan, source=Line.Source.USED, delivered_at__isnull=True).select_related(
        "need__room", "need__category", "offer__supplier")
    if room_id:
        qs = qs.filter(need__room_id=room_id)
    return qs.order_by("need__room__number", "pk")


def purchase_requests(*, tenant, unit_id=None, category_id=None, decision=""):
    qs = PurchaseRequest.objects.filter(tenant=tenant).select_related("unit", "category", "requested_by")
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if category_id:
        qs = qs.filter(category_id=category_id)
    if decision in PurchaseRequest.Decision.values:
        qs = qs.filter(decision=decision)
    return qs.order_by("-created_at", "-pk")
