"""Reuse inventory: QR resolve, item search, the overview aggregates and the API list on a tenant
with 100 000 items (--quick: 10 000), plus the throughput of a 20 000-row XLSX import (--quick: 2 000).

The items are spread over the big tenant's rooms (a share without a room, or without any location),
with ~600 products in the maintained categories, realistic statuses, conditions and placement texts.
The other tenant gets a few hundred items, so tenant filtering is real.

The import is not an HTTP case: `setup` runs it through the same services the background tasks use
(check = `import_job_validate`, write = `import_job_apply`, which checks again and writes in one
transaction), inside a transaction that is rolled back, so the cached data set stays as it is.
Its rows/second are logged, kept in `ctx.data["reuse"]["import"]` and written to
bench/results/reuse-import-<db>.json.
"""

import json
import random
import time
from pathlib import Path
from urllib.parse import urlencode

from django.db import connection, transaction
from django.test import Client

from torg.core.ids import format_sequence, new_public_code
from torg.core.models import Sequence
from torg.places.models import Building, Room
from torg.reuse.models import Category, Condition, Item, Product, Status

from ..core import Case, log
from ..dataset import LARGE_BUILDING

NAME = "reuse"
VERSION = 1
FULL_ITEMS, QUICK_ITEMS, OTHER_ITEMS = 100_000, 10_000, 500
FULL_IMPORT_ROWS, QUICK_IMPORT_ROWS = 20_000, 2_000
RESULTS = Path(__file__).resolve().parent.parent / "results"

MANUFACTURERS = ["HÅG", "Kinnarps", "Savo", "EFG", "Vitra", "Ikea", "Fora Form", "Stokke", "Martela", "Offecct"]
MODELS = ["Capisco", "Capella", "Plus", "Classic", "Tip Ton", "Bekant", "Mylo", "Scandic", "Pilot", "Soft Work"]
COLOURS = ["Svart", "Grå", "Hvit", "Bjørk", "Eik", "Blå", "Rød", "Grønn", "Antrasitt"]
PLACEMENTS = ["ved vinduet", "langs veggen", "i hjørnet", "ved døra", "midt i rommet", "på lageret", "bak skjermen",
              "under trappa", ""]
# Status and condition weights as in the field notes' surveys: most furniture is in use.
STATUSES = [(Status.IN_USE, 60), (Status.AVAILABLE, 15), (Status.FOR_RELOCATION, 10), (Status.FOR_REPAIR, 4),
            (Status.FOR_RECYCLING, 3), (Status.RESERVED, 3), (Status.LISTED, 3), (Status.DISPOSED, 2)]
CONDITIONS = [(Condition.AS_NEW, 10), (Condition.GOOD, 55), (Condition.WORN, 28), (Condition.POOR, 7)]


class FollowClient(Client):
    """A test client that follows redirects: `/q/<code>` → the item page, as a phone does."""

    def get(self, path, *args, **kwargs):
        kwargs.setdefault("follow", True)
        return super().get(path, *args, **kwargs)


def _count(ctx):
    return QUICK_ITEMS if ctx.quick else FULL_ITEMS


def _products(tenant, rng, n):
    cats = list(Category.objects.filter(tenant=tenant, archived=False).order_by("sort_order"))
    rows, seen = [], set()
    while len(rows) < n:
        cat = rng.choice(cats)
        key = (cat.pk, rng.choice(MANUFACTURERS), rng.choice(MODELS), rng.choice(COLOURS))
        if key in seen:
            continue
        seen.add(key)
        rows.append(Product(tenant=tenant, category=cat, manufacturer=key[1], model_name=key[2], colour=key[3],
                            weight_kg=cat.default_weight_kg, new_price_nok=rng.randint(5, 200) * 100))
    return Product.objects.bulk_create(rows, batch_size=1000)


def _items(tenant, rng, count, products, log_every=20_000):
    rooms = list(Room.objects.filter(tenant=tenant, archived=False).values_list("pk", "building_id"))
    buildings = list(Building.objects.filter(tenant=tenant, archived=False).values_list("pk", flat=True))
    statuses, s_weights = zip(*STATUSES)
    conditions, c_weights = zip(*CONDITIONS)
    first = Sequence.objects.filter(tenant=tenant, key="M").values_list("value", flat=True).first() or 0
    batch = []
    for i in range(count):
        roll = rng.random()
        if roll < 0.9:
            room_id, building_id = rng.choice(rooms)
        elif roll < 0.98:
            room_id, building_id = None, rng.choice(buildings)
        else:
            room_id = building_id = None
        batch.append(Item(
            tenant=tenant, code=new_public_code(), number=format_sequence("M", first + i + 1),
            product_id=rng.choice(products).pk, building_id=building_id, room_id=room_id,
            placement_text=rng.choice(PLACEMENTS), condition=rng.choices(conditions, c_weights)[0],
            status=rng.choices(statuses, s_weights)[0],
            damage_description="riper i overflaten" if rng.random() < 0.1 else "",
        ))
        if len(batch) == 5000:
            Item.objects.bulk_create(batch, batch_size=1000)
            batch = []
        if log_every and (i + 1) % log_every == 0:
            log(f"    {i + 1} items")
    if batch:
        Item.objects.bulk_create(batch, batch_size=1000)
    Sequence.objects.update_or_create(tenant=tenant, key="M", defaults={"value": first + count})


def _build(ctx):
    count = _count(ctx)
    log(f"  reuse: generating {count} items ...")
    rng = random.Random(ctx.seed + 3)
    products = _products(ctx.tenant, rng, 600)
    _items(ctx.tenant, rng, count, products)
    other_products = _products(ctx.other_tenant, random.Random(ctx.seed + 4), 30)
    _items(ctx.other_tenant, random.Random(ctx.seed + 5), OTHER_ITEMS, other_products, log_every=0)


def setup(ctx):
    count = _count(ctx)
    if ctx.once(f"reuse:v{VERSION}:{count}", lambda: _build(ctx)) and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE reuse_item; ANALYZE reuse_product; ANALYZE reuse_category")
    tenant = ctx.tenant
    large = Building.objects.get(tenant=tenant, name=LARGE_BUILDING)
    sample = Item.objects.filter(tenant=tenant, room__isnull=False).order_by("pk")[count // 2]
    chair = Category.objects.get(tenant=tenant, key="task_chair")
    follow = FollowClient()
    follow.force_login(ctx.users["admin"])
    ctx.clients["admin-follow"] = follow
    ctx.data["reuse"] = {
        "items": Item.objects.filter(tenant=tenant).count(), "large_building": large.pk,
        "large_building_items": Item.objects.filter(building=large).count(),
        "code": sample.code, "number": sample.number, "chair": chair.pk,
        "other_items": Item.objects.filter(tenant=ctx.other_tenant).count(),
    }
    ctx.sizes["reuse_items"] = ctx.data["reuse"]["items"]
    ctx.sizes["reuse_other_tenant_items"] = ctx.data["reuse"]["other_items"]
    ctx.data["reuse"]["import"] = measure_import(ctx)


# --- The import (not an HTTP case) ---------------------------------------------------------
class _Rollback(Exception):
    pass


def import_workbook(ctx, rows):
    """An XLSX like a surveyor's: one row per item, every column filled in, valid."""
    from torg.core.tabular import write_xlsx
    from torg.reuse.importer import COLUMN_NAMES

    rng = random.Random(ctx.seed + 6)
    rooms = list(Room.objects.filter(tenant=ctx.tenant, archived=False, building__archived=False)
                 .values_list("building__building_number", "number")[:20_000])
    keys = list(Category.objects.filter(tenant=ctx.tenant, archived=False).values_list("key", flat=True))
    # Mostly products the register already has, some new ones (~5 %), as in a real survey.
    known = list(Product.objects.filter(tenant=ctx.tenant, archived=False)
                 .values_list("category__key", "manufacturer", "model_name", "colour"))
    data = []
    for _ in range(rows):
        building, room = rng.choice(rooms)
        if rng.random() < 0.95:
            key, manufacturer, model, colour = rng.choice(known)
        else:
            key, manufacturer, model, colour = (rng.choice(keys), rng.choice(MANUFACTURERS), rng.choice(MODELS),
                                                rng.choice(COLOURS))
        data.append([building, room, rng.choice(PLACEMENTS), key, manufacturer,
                     model, colour, "", str(rng.randint(40, 200)), str(rng.randint(40, 90)),
                     str(rng.randint(40, 120)), "", str(rng.randint(5, 200) * 100), str(rng.randint(0, 3)),
                     rng.choice(["in_use", "available", "for_relocation"]), "", "1", "", "", ""])
    return write_xlsx(COLUMN_NAMES, data, title="Inventar")


def measure_import(ctx):
    from torg.reuse import importer, services
    from torg.reuse.models import ImportJob

    rows = QUICK_IMPORT_ROWS if ctx.quick else FULL_IMPORT_ROWS
    log(f"  reuse: import of a {rows}-row XLSX (check + write, rolled back) ...")
    data = import_workbook(ctx, rows)
    admin = ctx.users["admin"]
    before = Item.objects.filter(tenant=ctx.tenant).count()
    result = {"rows": rows, "file_bytes": len(data)}
    try:
        with transaction.atomic():
            job = services.import_job_create(actor=admin, tenant=ctx.tenant, file_name="bench.xlsx", data=data,
                                             language="nb")
            start = time.perf_counter()
            job = importer.import_job_validate(job_id=job.pk)
            result["check_s"] = round(time.perf_counter() - start, 2)
            if job.status != ImportJob.Status.READY or job.errors:
                raise AssertionError(f"the bench file did not check clean: {job.status} {job.errors[:3]}")
            services.import_job_confirm(actor=admin, job=job)
            start = time.perf_counter()
            job = importer.import_job_apply(job_id=job.pk)
            result["apply_s"] = round(time.perf_counter() - start, 2)
            if job.status != ImportJob.Status.DONE:
                raise AssertionError(f"the bench import did not finish: {job.status} {job.message}")
            written = Item.objects.filter(tenant=ctx.tenant).count() - before
            if written != rows:
                raise AssertionError(f"expected {rows} new items, found {written}")
            raise _Rollback
    except _Rollback:
        pass
    result["check_rows_per_s"] = round(rows / result["check_s"]) if result["check_s"] else None
    result["apply_rows_per_s"] = round(rows / result["apply_s"]) if result["apply_s"] else None
    total = result["check_s"] + result["apply_s"]
    result["end_to_end_rows_per_s"] = round(rows / total) if total else None
    log(f"    check {result['check_s']} s ({result['check_rows_per_s']} rows/s), "
        f"apply (check again + write) {result['apply_s']} s ({result['apply_rows_per_s']} rows/s), "
        f"end to end {result['end_to_end_rows_per_s']} rows/s")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"reuse-import-{ctx.db}{'-quick' if ctx.quick else ''}.json").write_text(
        json.dumps({"db": ctx.db, "quick": ctx.quick, **result}, indent=2) + "\n")
    return result


# --- HTTP cases ----------------------------------------------------------------------------
def _contains(*needles):
    def check(response):
        text = response.content.decode()
        for needle in needles:
            if needle not in text:
                raise AssertionError(f"expected {needle!r} in the response")
    return check


def _qr_check(ctx):
    number = ctx.data["reuse"]["number"]

    def check(response):
        chain = [url for url, _status in response.redirect_chain]
        if len(chain) != 1 or "/reuse/items/" not in chain[0]:
            raise AssertionError(f"expected one redirect to the item page, got {chain}")
        if number not in response.content.decode():
            raise AssertionError(f"the item page does not show {number}")
    return check


def _api_items(ctx, expected):
    def check(response):
        data = response.json()
        if len(data["items"]) != expected:
            raise AssertionError(f"expected {expected} items, got {len(data['items'])}")
        if Item.objects.filter(pk__in=[i["id"] for i in data["items"]]).exclude(tenant=ctx.tenant).exists():
            raise AssertionError("the API returned items of another tenant")
    return check


def cases(ctx):
    d = ctx.data["reuse"]
    n = f"{d['items']} items"
    return [
        Case("reuse: QR resolve → item page", f"/q/{d['code'].lower()}", _qr_check(ctx), client="admin-follow",
             note="/q/<code> (lower case, as typed) → 302 → item detail with history; both requests timed"),
        Case("reuse: item list", "/reuse/items/", _contains('data-testid="item-table"'),
             note=f"first page of 50 of {n}, sorted by number"),
        Case("reuse: search placement text", "/reuse/items/?" + urlencode({"q": "vinduet"}),
             _contains("vinduet"), note="free text over number, placement, product, room"),
        Case("reuse: filtered search", "/reuse/items/?" + urlencode(
            {"category": d["chair"], "status": "available", "condition": 1, "sort": "building"}),
             _contains('data-testid="item-table"'), note="category + status + condition, sorted by location"),
        Case("reuse: overview (municipality)", "/reuse/", _contains('data-testid="overview-groups"'),
             note=f"{n}: totals by status/condition/category, one row per building"),
        Case("reuse: overview by category", "/reuse/?by=category", _contains('data-testid="overview-groups"'),
             note="buildings × categories"),
        Case("reuse: overview building floors/rooms", f"/reuse/?building={d['large_building']}&by=category",
             _contains('data-testid="overview-floor"'),
             note=f"{LARGE_BUILDING}: {d['large_building_items']} items, floor subtotals, room rows × categories"),
        Case("api: reuse items limit=100", "/api/v1/reuse/items?limit=100&status=in_use", _api_items(ctx, 100)),
    ]

