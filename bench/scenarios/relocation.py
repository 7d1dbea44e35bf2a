"""Furnishing plans: matching a plan of 8 000 needed pieces (--quick: 800) against the reuse
scenario's 100 000 stock items (--quick: 10 000), on SQLite and PostgreSQL.

Not an HTTP case. `setup` makes sure the reuse data set exists (the same cached items as the reuse
scenario), then, inside a transaction that is rolled back (the cached data set stays as it is):

- builds a plan for the large building with needs on every room (desks, task chairs, pedestals,
  meeting tables and side chairs in proportion to each room's capacity, some with size or condition
  constraints), offers of used furniture, and 20 locations being vacated;
- times the *baseline*: the raw SQL that reads the plan's stock (the query `matching_input` issues,
  replayed with a cursor, rows fetched);
- times *compute*: `queries.matching_input` + `matching.match` (all reads and the matching, no writes);
- times *match*: `services.plan_match`, the whole service — reads, matching, writing the lines,
  reserving the matched items through `item_change_status` (history and audit) — and counts its queries;
- times *re-match*: `plan_match` again on the unchanged plan (idempotent: nothing is written).

Times, ratios to the baseline and the query counts are logged and written to
bench/results/relocation-<db>.json.
"""

import json
import random
import time
from pathlib import Path

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from torg.places.models import Building, Room
from torg.reuse.models import Category

from ..core import log
from ..dataset import LARGE_BUILDING
from . import reuse as reuse_scenario

NAME = "relocation"
FULL_NEED, QUICK_NEED = 8000, 800
RESULTS = Path(__file__).resolve().parent.parent / "results"
# category key → pieces per person of room capacity, optional constraints
MIX = [
    ("task_chair", 1.0, {"max_condition": 2}),
    ("desk", 0.6, {"min_width_cm": 140}),
    ("storage", 0.6, {}),
    ("side_chair", 0.5, {}),
    ("meeting_table", 0.1, {"max_condition": 1}),
    ("sit_stand_desk", 0.3, {"colour": "Hvit"}),
]


class _Rollback(Exception):
    pass


def _needs(ctx, plan, total):
    rooms = list(Room.objects.filter(tenant=ctx.tenant, building__name=LARGE_BUILDING, archived=False)
                 .order_by("number"))
    rooms = rooms[:max(1, total // (2 * len(MIX)))]  # about two pieces per need and room at least
    cats = {c.key: c for c in Category.objects.filter(tenant=ctx.tenant)}
    weights = [(r, key, max(1.0, (r.capacity or 2) * per), extra) for r in rooms for key, per, extra in MIX]
    scale = total / sum(w for _r, _k, w, _e in weights)
    rows = [{"room": room, "category": cats[key], "quantity": max(1, round(w * scale)), **extra}
            for room, key, w, extra in weights]
    diff, i = total - sum(r["quantity"] for r in rows), 0
    while diff and i < 100 * len(rows):  # hit the total exactly (quantities stay within 1..500)
        r = rows[i % len(rows)]
        step = 1 if diff > 0 else -1
        if 1 <= r["quantity"] + step <= 500:
            r["quantity"] += step
            diff -= step
        i += 1
    rows = [r for r in rows if r["quantity"]]
    return rows


def measure(ctx):
    from torg.accounts import services as accounts
    from torg.reuse.relocation import matching, queries, services

    total = QUICK_NEED if ctx.quick else FULL_NEED
    admin = ctx.users["admin"]
    large = Building.objects.get(tenant=ctx.tenant, name=LARGE_BUILDING)
    rng = random.Random(ctx.seed + 41)
    others = list(Building.objects.filter(tenant=ctx.tenant, archived=False).exclude(pk=large.pk)
                  .order_by("pk").values_list("pk", flat=True))
    sources = Building.objects.filter(pk__in=rng.sample(others, min(20, len(others))))
    result = {"needed_pieces": total}
    try:
        with transaction.atomic():
            supplier = accounts.external_organisation_create(actor=admin, tenant=ctx.tenant, orgnr="974760673",
                                                             name="Bench Gjenbruk AS", kind="supplier")
            plan = services.plan_create(actor=admin, tenant=ctx.tenant, name="Bench", building=large,
                                        source_buildings=sources, status="active")
            rows = _needs(ctx, plan, total)
            services.needs_create_rows(actor=admin, plan=plan, rows=rows)
            for key, n in (("task_chair", total // 20), ("desk", total // 40), ("storage", total // 40)):
                services.offer_create(actor=admin, plan=plan, supplier=supplier,
                                      category=Category.objects.get(tenant=ctx.tenant, key=key), quantity=n,
                                      unit_price_nok=900, width_cm=160, depth_cm=80, condition=1)
            result["needs"] = len(rows)
            result["pieces"] = sum(r["quantity"] for r in rows)

            sql, params = queries.stock_queryset(plan=plan).values_list(
                "pk", "product_id", "building_id", "condition", "number", "status").query.sql_with_params()
            start = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                stock_rows = len(cursor.fetchall())
            result["baseline_s"] = round(time.perf_counter() - start, 3)
            result["stock_items"] = stock_rows

            start = time.perf_counter()
            data = queries.matching_input(plan=plan)
            matching.match(needs=data["needs"], lines=data["lines"], stock=data["stock"], products=data["products"],
                           offers=data["offers"])
            result["compute_s"] = round(time.perf_counter() - start, 3)

            connection.queries_log.clear()  # the log holds 9 000 entries; count only this service's
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                counts = services.plan_match(actor=admin, plan=plan)
                result["match_s"] = round(time.perf_counter() - start, 3)
            result["match_queries"] = len(captured)
            result.update({"own": counts["own"], "used": counts["used"], "new": counts["new"],
                           "reserved": counts["reserved"]})
            connection.queries_log.clear()
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                again = services.plan_match(actor=admin, plan=plan)
                result["rematch_s"] = round(time.perf_counter() - start, 3)
            result["rematch_queries"] = len(captured)
            if again["changed"]:
                raise AssertionError(f"re-matching changed {again['changed']} lines")
            raise _Rollback
    except _Rollback:
        pass
    base = result["baseline_s"] or 0.001
    for key in ("compute_s", "match_s", "rematch_s"):
        result[key.replace("_s", "_ratio")] = round(result[key] / base, 1)
    log(f"    {result['pieces']} pieces in {result['needs']} needs against {result['stock_items']} stock items: "
        f"baseline {result['baseline_s']} s, compute {result['compute_s']} s ({result['compute_ratio']}×), "
        f"match {result['match_s']} s ({result['match_ratio']}×, {result['match_queries']} queries), "
        f"re-match {result['rematch_s']} s ({result['rematch_queries']} queries); "
        f"own {result['own']}, used {result['used']}, new {result['new']}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"relocation-{ctx.db}{'-quick' if ctx.quick else ''}.json").write_text(
        json.dumps({"db": ctx.db, "quick": ctx.quick, **result}, indent=2) + "\n")
    return result


def setup(ctx):
    count = reuse_scenario._count(ctx)
    if ctx.once(f"reuse:v{reuse_scenario.VERSION}:{count}", lambda: reuse_scenario._build(ctx)) \
            and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE reuse_item; ANALYZE reuse_product; ANALYZE reuse_category")
    log(f"  relocation: matching a plan of {QUICK_NEED if ctx.quick else FULL_NEED} pieces (rolled back) ...")
    ctx.data["relocation"] = measure(ctx)


def cases(ctx):
    return []
