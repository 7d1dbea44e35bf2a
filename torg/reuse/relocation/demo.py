"""Demo data for the furnishing plans: the plan for the renovated 37 700 m² town hall ("Nye Storvik
rådhus"), ~8 000 pieces needed room by room, matched to the stock of the six old locations (≈ 5 200
own reused, 1 200 bought used from a supplier's offers, the rest new, ≈ 80 % reuse), the second
floor delivered (so the impact reports have ReuseRecords of relocations), and a few "reuse first" decisions.

The needs follow the rooms' functions (offices get desks, chairs and pedestals; meeting rooms tables
and side chairs; common rooms sofas) and are sized from the stock per category, so the matching
lands near the source case's figures whatever the inventory demo rolled. The needs and lines are
bulk-created; the matching, the deliveries and the decisions run through the real services.
"""

import random
from decimal import Decimal

from torg.core import audit
from torg.places.models import Room
from torg.reuse.models import Category, Product

from . import queries, services
from .models import Line, Need, Plan, PurchaseRequest

TARGET_NEED = 8000
USED_PIECES = 1200
# Delivered own items. Used purchases are not received in the demo: each would register a new product
# without a catalogue photo (the inventory demo gives every product one).
DELIVERED_OWN = 600
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
    """Split `total` over `weights` (largest remainder), at least 1 each while it lasts."""
    if not weights or total <= 0:
        return [0] * len(weights)
    s = sum(weights)
    raw = [total * w / s for w in weights]
    out = [max(1, int(r)) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: -(raw[i] - int(raw[i])))
    i = 0
    while sum(out) < total:
        out[order[i % len(order)]] += 1
        i += 1
    i = 0
    while sum(out) > total:
        j = order[-1 - (i % len(order))]
        if out[j] > 1:
            out[j] -= 1
        i += 1
        if i > 10 * len(out):
            break
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
    needs = []
    for key in keys:
        functions, per_person = PLACES[key]
        targets = [r for r in rooms if r.function in functions]
        weights = [max(1.0, (r.capacity or 1) * per_person) * rng.uniform(0.8, 1.2) for r in targets]
        quantity = eligible[key] + used[key] + new[key]
        for room, n in zip(targets, _spread(quantity, weights), strict=True):
            if n:
                needs.append(Need(tenant=tenant, plan=plan, room=room, category=categories[key], quantity=n,
                                  max_condition=MAX_CONDITION.get(key)))
    Need.objects.bulk_create(needs, batch_size=1000)
    Line.objects.bulk_create([Line(tenant=tenant, plan=plan, need=n) for n in needs for _i in range(n.quantity)],
                             batch_size=5000)
    audit.record_many(actor=admin, tenant=tenant, objs=needs, action="demo_create")

    # The supplier's offers of used furniture (one per category, at about a third of the new price).
    supplier = next(o for o in ctx.organisations if o.kind == "supplier")
    prices = {}
    for cat_id, price in Product.objects.filter(tenant=tenant, new_price_nok__isnull=False) \
            .values_list("category_id", "new_price_nok"):
        prices.setdefault(cat_id, []).append(price)
    for key in keys:
        if used[key]:
            category = categories[key]
            base = sorted(prices.get(category.pk, [Decimal("1000")]))[len(prices.get(category.pk, [0])) // 2]
            services.offer_create(actor=admin, plan=plan, supplier=supplier, category=category,
                                  description=f"{category.name}, rehabilitert", quantity=used[key],
                                  unit_price_nok=(base * Decimal("0.35")).quantize(Decimal("1")), condition=1)

    services.plan_match(actor=admin, plan=plan)

    # The crew has finished most of the second floor: its reused own items are in place (a room at a
    # time, as the delivery page would).
    second = next(f for f in townhall.floors.order_by("level") if f.level == 1)
    own = list(Line.objects.filter(plan=plan, need__room__floor=second, source=Line.Source.OWN)
               .select_related("item__building", "item__owner_unit", "item__product__category", "item__tenant",
                               "need__room").order_by("need__room__number", "pk")[:DELIVERED_OWN])
    services.deliver_lines(actor=ctx.users["ansatt"], plan=plan, lines=own)

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
