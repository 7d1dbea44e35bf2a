"""Demo data for the furnishing plans: the plan for the renovated 37 700 m² town hall ("Nye Storvik
rådhus"), 8 000 pieces needed room by room, matched to the stock of the six old locations (≈ 5 200
own reused, 1 200 bought used from a supplier's offers of refurbished catalogue models, the rest new:
≈ 80 % reuse), the second floor delivered — own items moved in and the used purchases for it
received — so that the impact reports have ReuseRecords of relocations and used purchases, and a few
"reuse first" decisions.

The needs follow the rooms' functions (offices get desks, chairs and pedestals; meeting rooms tables
and side chairs; common rooms sofas) and are sized from the stock per category, so the matching
lands near the source case's figures whatever the inventory demo rolled. Everything runs through the
plan's services, as a planner and the moving crew would: the needs as one batch (as an import does),
the offers, the matching, the deliveries and the decisions.
"""

import math
import random
from decimal import Decimal

from torg.places.models import Room
from torg.reuse.models import Category, Product

from . import queries, services
from .models import Line, Plan, PurchaseRequest

TARGET_NEED = 8000
USED_PIECES = 1200
# What the crew has delivered on the second floor: own items, and the used purchases received for it
# (registered as items of the offers' catalogue products, with their photos).
DELIVERED_OWN = 600
DELIVERED_USED = 250
F = Room.Function
DESK_ROOMS = {F.OFFICE, F.OPEN_OFFICE, F.QUIET}
# category key → the room functions that need it and how many per person of capacity (at least 1 per room)
PLACES = {
    "task_chair": (DESK_ROOMS, 1.0),
    "desk": (DESK_ROOMS, 0.5),
    "sit_stand_desk": (DESK_ROOMS, 0.5),
    "storage": (DESK_ROOMS, 0.8),
    "screen": ({F.OPEN_OFFICE}, 0.5),
    "monitor_arm": (DESK_ROOMS, 0.4),
    "tabletop": ({F.OPEN_OFFICE}, 0.2),
    "desk_frame": ({F.OPEN_OFFICE}, 0.2),
    "side_chair": ({F.MEETING, F.GROUP, F.HALL, F.KITCHEN, F.WORKSHOP, F.LIBRARY}, 1.0),
    "meeting_table": ({F.MEETING, F.GROUP, F.KITCHEN, F.WORKSHOP}, 0.15),
    "whiteboard": ({F.MEETING, F.GROUP, F.WORKSHOP}, 0.1),
    "cabinet": ({F.OFFICE, F.OPEN_OFFICE, F.STORAGE}, 0.3),
    "shelf": ({F.OFFICE, F.OPEN_OFFICE, F.STORAGE, F.LIBRARY}, 0.3),
    "sofa": ({F.COMMON, F.RECEPTION, F.KITCHEN, F.QUIET}, 0.1),
}
# Task chairs and sofas must be in condition 2 or better (upholstery); worn-out ones stay behind.
MAX_CONDITION = {"task_chair": 2, "sofa": 2}


def _spread(total, weights):
    """Split `total` exactly over `weights`: 1 each while it lasts (the heaviest first), the rest in
    proportion to the weights (largest remainder)."""
    n = len(weights)
    if not n or total <= 0:
        return [0] * n
    if total <= n:
        top = set(sorted(range(n), key=lambda i: (-weights[i], i))[:total])
        return [1 if i in top else 0 for i in range(n)]
    s = sum(weights)
    raw = [(total - n) * w / s for w in weights]
    out = [1 + int(r) for r in raw]
    for i in sorted(range(n), key=lambda i: (-(raw[i] - int(raw[i])), i))[:total - sum(out)]:
        out[i] += 1
    return out


# A room holds at most one piece per square metre of floor, and of each category a few times what its
# capacity calls for (the fewest times that place the category's pieces): no 14 pieces in a 6 m² room.
AREA_PER_PIECE = 1.0
MAX_SLACK = 6


def room_space(room):
    """How many pieces the room holds in all (from its net area; a room without area holds 1)."""
    return max(1, int(float(room.net_area or 0) / AREA_PER_PIECE))


def room_caps(rooms, per_person, quantity, space):
    """Per room, the most pieces of one category it takes: its capacity × the category's pieces per
    person × the smallest slack (1 … MAX_SLACK) that places `quantity`, never beyond the room's space."""
    for slack in range(1, MAX_SLACK + 1):
        caps = [min(max(1, math.ceil((r.capacity or 1) * per_person * slack)), space[r.pk]) for r in rooms]
        if sum(caps) >= quantity:
            break
    return caps


def spread_capped(total, weights, caps):
    """`_spread`, but no share above its cap: what a full room cannot take goes to the others in
    proportion to their weights. Returns the shares; their sum is less than `total` only when every
    room is full."""
    out = [0] * len(weights)
    left, open_ = total, [i for i, c in enumerate(caps) if c > 0]
    while left > 0 and open_:
        shares = _spread(left, [weights[i] for i in open_])
        still = []
        for i, share in zip(open_, shares, strict=True):
            take = min(share, caps[i] - out[i])
            out[i] += take
            left -= take
            if out[i] < caps[i]:
                still.append(i)
        if len(still) == len(open_):
            break  # nobody was full: everything was placed
        open_ = still
    return out


def load(ctx):
    rng = random.Random(ctx.seed + 60)
    tenant, admin = ctx.main, ctx.users["admin"]
    townhall = ctx.townhall
    plan = services.plan_create(
        actor=admin, tenant=tenant, name="Innflytting i nye Storvik rådhus", building=townhall,
        target_reuse_percent=80, source_buildings=ctx.old_offices, status=Plan.Status.ACTIVE,
        description="43 tjenester flytter fra 7 adresser til ett bygg. Rådhuset innredes først og fremst med "
                    "brukte møbler: gjenbruk egne, så kjøp brukt, og kjøp nytt bare for resten.")

    # The stock the plan may use, per category (chairs counted in condition 2 or better only).
    categories = {c.key: c for c in Category.objects.filter(tenant=tenant)}
    by_key = {c.pk: k for k, c in categories.items()}
    eligible = {}
    for product_cat, condition in queries.stock_queryset(plan=plan).values_list("product__category_id",
                                                                                "condition"):
        key = by_key.get(product_cat)
        if key in PLACES and condition <= MAX_CONDITION.get(key, 3):
            eligible[key] = eligible.get(key, 0) + 1
    total_eligible = sum(eligible.values()) or 1
    rest = TARGET_NEED - total_eligible
    new_pieces = max(0, rest - USED_PIECES)
    keys = [k for k in PLACES if eligible.get(k)]
    used = dict(zip(keys, _spread(min(USED_PIECES, max(rest, 0)), [eligible[k] for k in keys]), strict=True))
    new = dict(zip(keys, _spread(new_pieces, [eligible[k] for k in keys]), strict=True))

    rooms = list(Room.objects.filter(building=townhall, archived=False).select_related("floor")
                 .order_by("floor__level", "number"))
    rows = []
    space = {r.pk: room_space(r) for r in rooms}
    for key in keys:
        functions, per_person = PLACES[key]
        targets = [r for r in rooms if r.function in functions]
        weights = [max(1.0, (r.capacity or 1) * per_person) * rng.uniform(0.8, 1.2) for r in targets]
        quantity = eligible[key] + used[key] + new[key]
        caps = room_caps(targets, per_person, quantity, space)
        for room, n in zip(targets, spread_capped(quantity, weights, caps), strict=True):
            space[room.pk] -= n
            if n:
                rows.append({"room": room, "category": categories[key], "quantity": n,
                             "max_condition": MAX_CONDITION.get(key)})
    services.needs_create_rows(actor=admin, plan=plan, rows=rows, comment="Demo: romprogrammet for rådhuset")

    # The supplier's offers of used furniture: per category a refurbished model of the catalogue (the
    # product with the median new price) at about a third of its new price.
    supplier = next(o for o in ctx.organisations if o.kind == "supplier")
    catalogue = {}
    for product in Product.objects.filter(tenant=tenant, new_price_nok__isnull=False, archived=False) \
            .select_related("category").order_by("new_price_nok", "pk"):
        catalogue.setdefault(product.category_id, []).append(product)
    for key in keys:
        category = categories[key]
        if used[key] and catalogue.get(category.pk):
            models = catalogue[category.pk]
            product = models[len(models) // 2]
            services.offer_create(actor=admin, plan=plan, supplier=supplier, category=category, product=product,
                                  description=f"{product.manufacturer} {product.model_name}, rehabilitert",
                                  quantity=used[key], condition=1,
                                  unit_price_nok=(product.new_price_nok * Decimal("0.35")).quantize(Decimal("1")))

    services.plan_match(actor=admin, plan=plan)

    # The crew has finished most of the second floor: its reused own items are in place (a room at a
    # time, as the delivery page would). The supplier's first load of used furniture has arrived too and
    # is registered in the rooms it was bought for (the matching put used purchases where own stock ran
    # out, on the upper floors).
    second = next(f for f in townhall.floors.order_by("level") if f.level == 1)
    crew = ctx.users["ansatt"]
    lines = Line.objects.filter(plan=plan).order_by("need__room__number", "pk")
    services.deliver_lines(actor=crew, plan=plan,
                           lines=list(lines.filter(need__room__floor=second, source=Line.Source.OWN)[:DELIVERED_OWN]))
    services.deliver_used_lines(actor=crew, plan=plan, lines=list(lines.filter(source=Line.Source.USED)[:DELIVERED_USED]))

    # "Reuse first": two decisions of units that wanted to buy.
    units = ctx.units
    for unit, key, quantity, reason, decision, why in (
        ("Grunnskole", "task_chair", 12, "Nytt arbeidsrom for lærere", PurchaseRequest.Decision.USE_STOCK, ""),
        ("Bibliotek", "shelf", 6, "Utvidet barneavdeling", PurchaseRequest.Decision.BUY,
         "Trenger lave reoler tilpasset barn; lageret har bare høye."),
    ):
        category = categories[key]
        seen = queries.available_count(tenant=tenant, category=category)
        if decision == PurchaseRequest.Decision.USE_STOCK and not seen:
            decision, why = PurchaseRequest.Decision.BUY, "Ingenting på lager."
        services.purchase_request_create(actor=admin, tenant=tenant, unit=units[unit], category=category,
                                         quantity=quantity, reason=reason, decision=decision, decision_reason=why,
                                         seen_available=seen)
    ctx.relocation_plan = plan
