"""Matching a plan's needs to stock: pure computation over plain tuples (no queries), so that it is
set-based, deterministic and easy to test. `services.plan_match` reads the data in a handful of
queries, calls `match`, and writes the difference.

The order, for every needed piece that the planner has not decided (unlocked, undelivered line):

1. **Keep** what is already matched when it still fits: an own item still in stock for the plan
   and satisfying its need, a used offer with capacity left. Re-running therefore changes nothing
   unless the stock, the needs or the offers changed (idempotent, and move lists stay put).
2. **Reuse own**: stock items of the need's category that satisfy its constraints. Needs with more
   constraints are served first (a specific product before "any task chair"). A need takes its
   items from as few locations as possible: first the locations that already supply the same
   destination room, then the same destination floor, then the location with the most suitable
   stock; within a location, best condition first, then item number.
3. **Buy used**: the plan's offers of used furniture that satisfy the constraints, cheapest first
   (a need for a specific product takes only offers of that product).
4. **Buy new**: the rest, priced with the specific product's new price, else the median new price of
   the category's products (None when no product of the category has a price).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from statistics import median


@dataclass(frozen=True)
class NeedData:
    id: int
    room_id: int
    floor_id: int
    room_number: str
    category_id: int
    min_width: int | None = None
    max_width: int | None = None
    min_depth: int | None = None
    max_depth: int | None = None
    colour: str = ""
    max_condition: int | None = None
    product_id: int | None = None

    @property
    def specificity(self) -> int:
        n = 8 if self.product_id else 0
        n += sum(v is not None for v in (self.min_width, self.max_width, self.min_depth, self.max_depth,
                                         self.max_condition))
        return n + (1 if self.colour else 0)

    @property
    def signature(self):
        return (self.category_id, self.min_width, self.max_width, self.min_depth, self.max_depth,
                self.colour.lower(), self.max_condition, self.product_id)


@dataclass(frozen=True)
class ProductData:
    id: int
    category_id: int
    width: int | None
    depth: int | None
    colour: str
    new_price: Decimal | None


@dataclass(frozen=True)
class ItemData:
    id: int
    product_id: int
    building_id: int | None
    condition: int
    number: str
    status: str


@dataclass(frozen=True)
class OfferData:
    id: int
    category_id: int
    quantity: int
    price: Decimal
    width: int | None
    depth: int | None
    colour: str
    condition: int
    product_id: int | None = None


@dataclass(frozen=True)
class LineData:
    id: int
    need_id: int
    source: str
    item_id: int | None
    offer_id: int | None
    locked: bool
    delivered: bool


@dataclass(frozen=True)
class Assignment:
    source: str  # "own", "used" or "new"
    item_id: int | None = None
    offer_id: int | None = None
    unit_price: Decimal | None = None


def _in_range(value, lo, hi):
    if lo is None and hi is None:
        return True
    if value is None:
        return False
    return (lo is None or value >= lo) and (hi is None or value <= hi)


def product_fits(need: NeedData, p: ProductData) -> bool:
    if p.category_id != need.category_id:
        return False
    if need.product_id and p.id != need.product_id:
        return False
    if need.colour and p.colour.strip().lower() != need.colour.strip().lower():
        return False
    return _in_range(p.width, need.min_width, need.max_width) and _in_range(p.depth, need.min_depth, need.max_depth)


def item_fits(need: NeedData, item: ItemData, products: dict) -> bool:
    product = products.get(item.product_id)
    if product is None or not product_fits(need, product):
        return False
    return need.max_condition is None or item.condition <= need.max_condition


def offer_fits(need: NeedData, o: OfferData) -> bool:
    if o.category_id != need.category_id or (need.product_id and o.product_id != need.product_id):
        return False
    if need.colour and o.colour.strip().lower() != need.colour.strip().lower():
        return False
    if need.max_condition is not None and o.condition > need.max_condition:
        return False
    return _in_range(o.width, need.min_width, need.max_width) and _in_range(o.depth, need.min_depth, need.max_depth)


def new_prices(needs, products: dict) -> dict:
    """need id → unit price of a new purchase (product's new price, else the category median)."""
    by_category = defaultdict(list)
    for p in products.values():
        if p.new_price is not None:
            by_category[p.category_id].append(p.new_price)
    medians = {c: Decimal(median(v)).quantize(Decimal("0.01")) for c, v in by_category.items()}
    out = {}
    for n in needs:
        product = products.get(n.product_id) if n.product_id else None
        out[n.id] = product.new_price if product is not None and product.new_price is not None \
            else medians.get(n.category_id)
    return out


class _Pool:
    """The stock that fits one need signature: per location a list of items, best first."""

    def __init__(self, items):
        self.by_building = defaultdict(list)
        for it in items:
            self.by_building[it.building_id].append(it)
        for lst in self.by_building.values():
            lst.sort(key=lambda it: (it.condition, it.number, it.id))
        self.pos = dict.fromkeys(self.by_building, 0)
        # Locations with the most suitable stock first (few locations per need = short move lists).
        self.order = sorted(self.by_building, key=lambda b: (-len(self.by_building[b]), b is None, b or 0))

    def take(self, building_id, count, taken):
        lst, i, out = self.by_building.get(building_id, ()), self.pos.get(building_id, 0), []
        while i < len(lst) and len(out) < count:
            it = lst[i]
            i += 1
            if it.id not in taken:
                taken.add(it.id)
                out.append(it)
        if building_id in self.pos:
            self.pos[building_id] = i
        return out

    def exhausted(self, building_id):
        return self.pos.get(building_id, 0) >= len(self.by_building.get(building_id, ()))


def match(*, needs, lines, stock, products, offers, held_offer_use=None):
    """Decide every unlocked, undelivered line. Returns {line id: Assignment}.

    `stock` is every item the plan may use (including the ones it already holds on unlocked lines);
    `lines` are all the plan's lines; locked and delivered lines are left alone, but their items and
    offer capacity count as used. `held_offer_use` (optional) is offer id → pieces used elsewhere.
    """
    needs_by_id = {n.id: n for n in needs}
    stock_by_id = {it.id: it for it in stock}
    prices = new_prices(needs, products)
    result = {}
    taken = set()
    capacity = {o.id: o.quantity for o in offers}
    for offer_id, used in (held_offer_use or {}).items():
        if offer_id in capacity:
            capacity[offer_id] -= used
    open_lines = defaultdict(list)  # need id -> [line id] still to decide
    room_sources = defaultdict(Counter)  # destination room -> source building -> pieces
    floor_sources = defaultdict(Counter)
    offers_by_id = {o.id: o for o in offers}

    fixed = [ln for ln in lines if ln.locked or ln.delivered]
    for ln in fixed:
        if ln.item_id:
            taken.add(ln.item_id)
        if ln.offer_id and ln.offer_id in capacity:
            capacity[ln.offer_id] -= 1

    # 1. Keep what still fits.
    for ln in sorted((ln for ln in lines if not (ln.locked or ln.delivered)), key=lambda ln: ln.id):
        need = needs_by_id.get(ln.need_id)
        if need is None:
            continue
        if ln.source == "own" and ln.item_id in stock_by_id and ln.item_id not in taken \
                and item_fits(need, stock_by_id[ln.item_id], products):
            taken.add(ln.item_id)
            result[ln.id] = Assignment("own", item_id=ln.item_id)
            b = stock_by_id[ln.item_id].building_id
            room_sources[need.room_id][b] += 1
            floor_sources[need.floor_id][b] += 1
            continue
        if ln.source == "used" and ln.offer_id in offers_by_id and capacity.get(ln.offer_id, 0) > 0 \
                and offer_fits(need, offers_by_id[ln.offer_id]):
            capacity[ln.offer_id] -= 1
            result[ln.id] = Assignment("used", offer_id=ln.offer_id, unit_price=offers_by_id[ln.offer_id].price)
            continue
        open_lines[ln.need_id].append(ln.id)

    order = sorted((needs_by_id[nid] for nid in open_lines),
                   key=lambda n: (-n.specificity, n.room_number, n.id))

    # 2. Reuse own.
    fitting_products = {}
    pools = {}
    by_product = defaultdict(list)
    for it in stock:
        by_product[it.product_id].append(it)
    for need in order:
        sig = need.signature
        if sig not in pools:
            product_key = sig[:6] + sig[7:]  # the signature without the condition
            if product_key not in fitting_products:
                fitting_products[product_key] = [p.id for p in products.values() if product_fits(need, p)]
            pools[sig] = _Pool([it for pid in fitting_products[product_key] for it in by_product.get(pid, ())
                                if need.max_condition is None or it.condition <= need.max_condition])
        pool = pools[sig]
        wanted = open_lines[need.id]
        got = []
        preferred = [b for b, _n in sorted(room_sources[need.room_id].items(), key=lambda kv: (-kv[1], kv[0] or 0))]
        preferred += [b for b, _n in sorted(floor_sources[need.floor_id].items(), key=lambda kv: (-kv[1], kv[0] or 0))
                      if b not in preferred]
        for b in preferred:
            if len(got) >= len(wanted):
                break
            got += pool.take(b, len(wanted) - len(got), taken)
        if len(got) < len(wanted):
            pool.order = [b for b in pool.order if not pool.exhausted(b)]
            for b in pool.order:
                if len(got) >= len(wanted):
                    break
                got += pool.take(b, len(wanted) - len(got), taken)
        for line_id, it in zip(wanted, got):
            result[line_id] = Assignment("own", item_id=it.id)
            room_sources[need.room_id][it.building_id] += 1
            floor_sources[need.floor_id][it.building_id] += 1
        open_lines[need.id] = wanted[len(got):]

    # 3. Buy used.
    offers_sorted = sorted(offers, key=lambda o: (o.price, o.id))
    for need in order:
        wanted = open_lines[need.id]
        if not wanted:
            continue
        for o in offers_sorted:
            if not wanted:
                break
            if capacity.get(o.id, 0) <= 0 or not offer_fits(need, o):
                continue
            n = min(capacity[o.id], len(wanted))
            for line_id in wanted[:n]:
                result[line_id] = Assignment("used", offer_id=o.id, unit_price=o.price)
            capacity[o.id] -= n
            wanted = wanted[n:]
        open_lines[need.id] = wanted

    # 4. Buy new.
    for need in order:
        for line_id in open_lines[need.id]:
            result[line_id] = Assignment("new", unit_price=prices.get(need.id))
    return result
