"""Impact reports: the report, its breakdowns, the drill-down, the data-quality list and the XLSX export
over 1 000 000 reuses of 1 000 000 items on PostgreSQL (SQLite: 200 000; --quick: ÷ 10).

The items and their reuse records are written with one INSERT … SELECT each over a number series
(generate_series on PostgreSQL, a recursive CTE on SQLite), so generation takes seconds, not the
minutes a Python loop over a million objects would. ~300 products over the standard categories
carry realistic gaps: some without a weight or new price, some with their own EPD value, some in
categories without a CO2e factor (monitors, "other"). Reuses spread over three years, the four
kinds, 2 000 buildings and 40 organisation units; 2 % more items are disposed of (their `item_dispose`
entries in the audit log, the one history), so the reuse rate has its denominator. The second tenant gets 1 000 reuses (tenant filtering real).

Every case is one HTTP request through the real view; the ratio compares it with the raw SQL the
view issued (the aggregate GROUP BY queries), as for every scenario.
"""

import random
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from torg.accounts.models import OrgUnit
from torg.places.models import Building
from torg.reuse.models import Category, Product, ReuseRecord

from ..core import Case, log

NAME = "impact"
VERSION = 2  # 2: disposals are audit events (item_dispose), no longer ItemEvent rows
SIZES = {("postgresql", False): 1_000_000, ("postgresql", True): 100_000,
         ("sqlite", False): 200_000, ("sqlite", True): 20_000}
OTHER_RECORDS = 1_000
KINDS = ["internal_order", "internal_order", "relocation", "relocation", "relocation", "given_away", "bought_used"]
PREFIX = "I"  # item codes I0000000001…: never a real code (Crockford base32 has no I)


def _count(ctx):
    return SIZES[(connection.vendor, ctx.quick)]


def _products(tenant, rng, n):
    cats = list(Category.objects.filter(tenant=tenant, archived=False).order_by("sort_order"))
    rows = []
    for i in range(n):
        cat = rng.choice(cats)
        weight = cat.default_weight_kg if rng.random() < 0.85 else None
        price = Decimal(rng.randint(5, 200) * 100) if rng.random() < 0.8 else None
        epd = Decimal(rng.randint(10, 120)) if rng.random() < 0.05 else None
        rows.append(Product(tenant=tenant, category=cat, manufacturer=f"Bench {i}", model_name=f"M{i}",
                            weight_kg=weight, new_price_nok=price, co2e_kg=epd,
                            co2e_source="EPD bench" if epd is not None else ""))
    return Product.objects.bulk_create(rows, batch_size=1000)


def _units(tenant):
    sectors = OrgUnit.objects.bulk_create([OrgUnit(tenant=tenant, kind="sector", name=f"Impact-sektor {i}")
                                           for i in range(4)])
    services = OrgUnit.objects.bulk_create([OrgUnit(tenant=tenant, kind="service", parent=sectors[i % 4],
                                                    name=f"Impact-tjeneste {i}") for i in range(36)])
    return [u.pk for u in sectors + services]


def _series(n):
    if connection.vendor == "postgresql":
        return f"SELECT g AS n FROM generate_series(1, {int(n)}) AS g"
    return f"WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {int(n)}) SELECT n FROM s"


def _lookup_table(cursor, name, ids):
    """A temporary table (rn → id) so the SQL can pick the n-th product/building/unit by modulo."""
    cursor.execute(f"DROP TABLE IF EXISTS {name}")
    cursor.execute(f"CREATE TEMPORARY TABLE {name} (rn integer PRIMARY KEY, id bigint NOT NULL)")
    cursor.executemany(f"INSERT INTO {name} (rn, id) VALUES (%s, %s)", list(enumerate(ids)))


def _generate(tenant, count, rng, offset, units=True):
    products = [p.pk for p in _products(tenant, rng, 300 if count > 10_000 else 30)]
    buildings = list(Building.objects.filter(tenant=tenant).values_list("pk", flat=True))
    unit_ids = _units(tenant) if units else []
    pg = connection.vendor == "postgresql"
    now = timezone.now()
    disposed = count // 50
    with connection.cursor() as c:
        _lookup_table(c, "impact_p", products)
        _lookup_table(c, "impact_b", buildings)
        _lookup_table(c, "impact_u", unit_ids or [0])
        code = (f"'{PREFIX}' || lpad(CAST(s.n + {offset} AS text), 11, '0')" if pg
                else f"'{PREFIX}' || substr('00000000000' || (s.n + {offset}), -11)")
        number = (f"'I-' || lpad(CAST(s.n AS text), 7, '0')" if pg else "'I-' || substr('0000000' || s.n, -7)")
        # the items: status in_use for reused ones, disposed for the last 2 %
        c.execute(f"""
            INSERT INTO reuse_item (tenant_id, created_at, updated_at, code, number, product_id, building_id,
                                    room_id, placement_text, condition, damage_description, status, parent_id,
                                    owner_unit_id)
            SELECT %s, %s, %s, {code}, {number}, p.id, b.id, NULL, '', 1, '',
                   CASE WHEN s.n > %s THEN 'disposed' ELSE 'in_use' END, NULL, NULL
            FROM ({_series(count + disposed)}) s
            JOIN impact_p p ON p.rn = s.n %% {len(products)}
            JOIN impact_b b ON b.rn = (s.n * 7) %% {len(buildings)}
        """, [tenant.pk, now, now, count])
        log(f"    {count + disposed} items")
        when = ("TIMESTAMP '2024-01-01 09:00:00+00' + (s.n %% 1095) * INTERVAL '1 day' + (s.n %% 9) * INTERVAL '1 hour'"
                if pg else "datetime('2024-01-01 09:00:00', '+' || (s.n %% 1095) || ' days', '+' || (s.n %% 9) "
                           "|| ' hours')")
        kinds = " ".join(f"WHEN {i} THEN '{k}'" for i, k in enumerate(KINDS))
        unit = "u.id" if unit_ids else "NULL"
        c.execute(f"""
            INSERT INTO reuse_reuserecord (tenant_id, created_at, updated_at, item_id, kind, occurred_at,
                                           from_building_id, to_building_id, from_unit_id, to_unit_id,
                                           recipient_id, reference, actor_id)
            SELECT %s, %s, %s, i.id, CASE s.n %% {len(KINDS)} {kinds} END, {when},
                   b.id, CASE WHEN s.n %% {len(KINDS)} = 5 THEN NULL ELSE b2.id END,
                   {unit}, {unit}, NULL, '', NULL
            FROM ({_series(count)}) s
            JOIN reuse_item i ON i.code = {code}
            JOIN impact_b b ON b.rn = (s.n * 7) %% {len(buildings)}
            JOIN impact_b b2 ON b2.rn = (s.n * 13 + 5) %% {len(buildings)}
            JOIN impact_u u ON u.rn = s.n %% {max(len(unit_ids), 1)}
        """, [tenant.pk, now, now])
        log(f"    {count} reuse records")
        c.execute(f"""
            INSERT INTO core_auditevent (tenant_id, created_at, actor_id, action, object_type, object_id,
                                         object_repr, changes, comment)
            SELECT %s, {when.replace('s.n', '(s.n * 31)')}, NULL, 'item_dispose', 'reuse.item', CAST(i.id AS text),
                   i.number, '{{"status": ["for_recycling", "disposed"]}}', ''
            FROM ({_series(disposed)}) s
            JOIN reuse_item i ON i.code = {code.replace('s.n', f'(s.n + {count})')}
        """, [tenant.pk])
        for name in ("impact_p", "impact_b", "impact_u"):
            c.execute(f"DROP TABLE {name}")


def _build(ctx):
    count = _count(ctx)
    log(f"  impact: generating {count} reused items ...")
    _generate(ctx.tenant, count, random.Random(ctx.seed + 40), 0)
    _generate(ctx.other_tenant, OTHER_RECORDS, random.Random(ctx.seed + 41), 50_000_000, units=False)


def setup(ctx):
    count = _count(ctx)
    if ctx.once(f"impact:v{VERSION}:{count}", lambda: _build(ctx)) and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE reuse_item; ANALYZE reuse_reuserecord; ANALYZE core_auditevent; "
                           "ANALYZE reuse_product")
    tenant = ctx.tenant
    records = ReuseRecord.objects.filter(tenant=tenant)
    chair = Category.objects.get(tenant=tenant, key="task_chair")
    ctx.data["impact"] = {"records": records.count(), "chair": chair.pk,
                          "other": ReuseRecord.objects.filter(tenant=ctx.other_tenant).count()}
    ctx.sizes["impact_reuse_records"] = ctx.data["impact"]["records"]
    ctx.sizes["impact_other_tenant_records"] = ctx.data["impact"]["other"]


def _contains(*needles):
    def check(response):
        text = response.content.decode()
        for needle in needles:
            if needle not in text:
                raise AssertionError(f"expected {needle!r} in the response")
    return check


def _total_reuses(ctx):
    """The report must count exactly the tenant's reuses (none of the other tenant's)."""
    expected = ctx.data["impact"]["records"]

    def check(response):
        from django.utils.formats import number_format

        text = response.content.decode().replace("\xa0", " ")
        shown = number_format(expected, decimal_pos=0, use_l10n=True, force_grouping=True).replace("\xa0", " ")
        if f'data-testid="figure-reuses">{shown}<' not in text:
            raise AssertionError(f"the report does not show {shown} reuses")
    return check


def _xlsx(response):
    if not response.content.startswith(b"PK"):
        raise AssertionError("not an XLSX file")


def cases(ctx):
    d = ctx.data["impact"]
    n = f"{d['records']} reuses"
    return [
        Case("impact: report by category", "/reuse/impact/", _total_reuses(ctx),
             note=f"{n}: summary (1 aggregate) + disposals count + GROUP BY category"),
        Case("impact: report by month", "/reuse/impact/?by=month", _total_reuses(ctx),
             note="GROUP BY month (Europe/Oslo), 36 groups"),
        Case("impact: report by receiving building", "/reuse/impact/?by=building",
             _contains('data-testid="impact-breakdown"'), note="GROUP BY building, ~2 000 groups"),
        Case("impact: one year by quarter", "/reuse/impact/?by=quarter&start=2025-01-01&end=2025-12-31",
             _contains("K1 2025"), note="date range filter on occurred_at"),
        Case("impact: drill-down first page", "/reuse/impact/reuses/", _contains('data-testid="drill-row"'),
             note="50 rows with their factors + totals over all"),
        Case("impact: drill-down one category", f"/reuse/impact/reuses/?dim=category&value={d['chair']}",
             _contains('data-testid="drill-row"'), note="task chairs: rows + totals"),
        Case("impact: data quality", "/reuse/impact/quality/", _contains('data-testid="quality-table"'),
             note="GROUP BY product with gaps"),
        Case("impact: report XLSX", "/reuse/impact/?by=category&format=xlsx", _xlsx,
             note="the breakdown as a workbook"),
    ]
