"""Reads of the impact reports; every function is scoped by tenant.

The figures of one reuse (a `reuse.ReuseRecord`) are computed in SQL, as annotations, from the item's
product, its category's factor (`Factor`, left-joined) and the tenant's deductions:

- weight kg = product weight → factor default weight → category default weight → missing;
- CO2e = the product's own value (EPD) → factor per item → factor per kg × weight → missing;
  low / high: the same with the factor's range (a product's own value has no range);
- money NOK = product new price → factor default new price → missing;
- transport + refurbishment deductions scale CO2e, the cost deduction scales money;
- every value is rounded to 2 decimals per reuse, so the sum of the drill-down rows is exactly the
  figure of the summary (both are SUMs of the same rounded expressions).

The summary and the breakdowns are one aggregate query each (GROUP BY the chosen dimension); the
drill-down is the same queryset with the row annotations, paginated.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    BigIntegerField, Case, CharField, Count, DateField, DecimalField, ExpressionWrapper, F, OuterRef, Q, Subquery,
    Value, When,
)
from django.db.models.functions import Cast, Coalesce, Round, Trunc
from django.shortcuts import get_object_or_404
from django.utils.formats import date_format
from django.utils.translation import gettext as _, gettext_lazy

from torg.accounts.models import OrgUnit
from torg.core.models import AuditEvent
from torg.places.models import Building
from torg.reuse.models import Category, Item, Product, ReuseRecord
from torg.reuse.rules import ALL_BUILDINGS, reuse_role_in
from torg.reuse.states import ITEM_MACHINE

from .models import Basis, ImpactSettings

OSLO = ZoneInfo("Europe/Oslo")
P = "item__product__"
FACTOR = P + "category__impact_factor__"
MONEY = DecimalField(max_digits=16, decimal_places=2)
EXACT = DecimalField(max_digits=24, decimal_places=6)
ZERO = Decimal("0.00")

DIMENSIONS = {
    "category": gettext_lazy("Category"),
    "building": gettext_lazy("Receiving building"),
    "from_building": gettext_lazy("Building it came from"),
    "unit": gettext_lazy("Receiving unit"),
    "from_unit": gettext_lazy("Unit it came from"),
    "kind": gettext_lazy("Kind of reuse"),
    "month": gettext_lazy("Month"),
    "quarter": gettext_lazy("Quarter"),
    "year": gettext_lazy("Year"),
}
PERIODS = ("month", "quarter", "year")
# The reuse field each dimension groups by, and the disposed item's field for the reuse rate.
_RECORD_FIELD = {"category": P + "category_id", "building": "to_building_id", "from_building": "from_building_id",
                 "unit": "to_unit_id", "from_unit": "from_unit_id", "kind": "kind"}
_DISPOSAL_FIELD = {"category": "product__category_id", "from_building": "building_id",
                   "from_unit": "owner_unit_id"}
DISPOSE = ITEM_MACHINE.action("dispose")  # the history entry of a disposal: "item_dispose"


@dataclass
class ReportFilter:
    """What the report is about: a half-open local date range [start, end + 1 day) and optional
    filters. `buildings` is the location manager's scope (None = the whole municipality)."""

    start: dt.date | None = None
    end: dt.date | None = None
    kind: str = ""
    category_id: int | None = None
    building_id: int | None = None
    unit_id: int | None = None
    product_id: int | None = None
    buildings: frozenset | None = None
    # a drill-down into one group of a breakdown: (dimension, value) pairs
    groups: list = field(default_factory=list)

    def bounds(self):
        start = dt.datetime.combine(self.start, dt.time(), OSLO) if self.start else None
        end = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), OSLO) if self.end else None
        return start, end


def scope_for(user, tenant):
    """The buildings a user's report is limited to: None for the whole municipality."""
    role, scope = reuse_role_in(user, tenant)
    if role == "location_manager" and scope != ALL_BUILDINGS:
        return frozenset(scope)
    return None


def settings_get(*, tenant) -> ImpactSettings:
    """The tenant's deductions (an unsaved row with zeros when never set)."""
    return ImpactSettings.objects.filter(tenant=tenant).first() or ImpactSettings(tenant=tenant)


# --- Row expressions ------------------------------------------------------------------------
def _dec(expr, output=EXACT):
    return ExpressionWrapper(expr, output_field=output)


def _weight(p):
    factor = p + "category__impact_factor__"
    return Coalesce(F(p + "weight_kg"), F(factor + "default_weight_kg"), F(p + "category__default_weight_kg"),
                    output_field=MONEY)


def _co2e(p, value, multiplier):
    """CO2e of one reuse with the factor end `value` (central, low or high), deductions applied."""
    factor = p + "category__impact_factor__"
    gross = Case(
        When(**{p + "co2e_kg__isnull": False}, then=_dec(F(p + "co2e_kg"))),
        When(**{factor + "basis": Basis.PER_ITEM}, then=_dec(value)),
        When(**{factor + "basis": Basis.PER_KG}, then=_dec(value * _weight(p))),
        default=None, output_field=EXACT,
    )
    if multiplier != 1:
        gross = _dec(gross * Value(multiplier, output_field=EXACT))
    return Round(gross, 2, output_field=MONEY)


def _multipliers(settings):
    co2e = (Decimal(100) - settings.transport_pct - settings.refurbishment_pct) / Decimal(100)
    money = (Decimal(100) - settings.cost_pct) / Decimal(100)
    return co2e, money


def value_annotations(settings, p=P, prefix="row_"):
    """The figures of one reuse as SQL expressions (see the module docstring). They depend on the
    product only: `p` is the path to it ("item__product__" from a reuse, "" on a product)."""
    factor = p + "category__impact_factor__"
    co2e_m, money_m = _multipliers(settings)
    central = F(factor + "co2e_kg")
    price = Coalesce(F(p + "new_price_nok"), F(factor + "default_new_price_nok"), output_field=MONEY)
    if money_m != 1:
        price = _dec(price * Value(money_m, output_field=EXACT))
    return {
        prefix + "weight": Round(_weight(p), 2, output_field=MONEY),
        prefix + "co2e": _co2e(p, central, co2e_m),
        prefix + "co2e_low": _co2e(p, Coalesce(F(factor + "co2e_low_kg"), central), co2e_m),
        prefix + "co2e_high": _co2e(p, Coalesce(F(factor + "co2e_high_kg"), central), co2e_m),
        prefix + "money": Round(price, 2, output_field=MONEY),
    }


def row_annotations(settings):
    return value_annotations(settings)


def product_values(*, tenant, settings):
    """The tenant's products with the figures one reuse of each gives (v_co2e, v_weight, …)."""
    return Product.objects.filter(tenant=tenant).annotate(**value_annotations(settings, p="", prefix="v_"))


VALUE_KEYS = ("co2e", "co2e_low", "co2e_high", "money", "weight")
MISSING = {"missing_co2e": "co2e", "missing_weight": "weight", "missing_money": "money"}
FLAG_SQL = {"co2e": "v.v_co2e IS NULL", "weight": "v.v_weight IS NULL", "money": "v.v_money IS NULL",
            "any": "(v.v_co2e IS NULL OR v.v_weight IS NULL OR v.v_money IS NULL)"}


def _staged(*, tenant, f, settings, group=None, flag=""):
    """The report's aggregate in two stages, both in SQL: (1) count the reuses per group and product —
    the only pass over the reuse rows, joined to the item alone; (2) join the counts to the
    products' figures (a few hundred rows, computed once per product) and sum count × figure.

    Every reuse of a product has the same rounded figures, so Σ count × figure is exactly the sum of
    the drill-down rows. Returns {group: row}."""
    counts = records(tenant=tenant, f=f).annotate(
        grp=group if group is not None else Value(0), pid=F("item__product_id"),
    ).values("grp", "pid").annotate(n=Count("id")).order_by()
    values = product_values(tenant=tenant, settings=settings).values(
        "id", *[f"v_{k}" for k in VALUE_KEYS])
    try:
        c_sql, c_params = counts.query.sql_with_params()
        v_sql, v_params = values.query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (e.g. a location manager without buildings)
        return {}
    sums = ", ".join(f"SUM(c.n * v.v_{k})" for k in VALUE_KEYS)
    missing = ", ".join(f"SUM(CASE WHEN v.v_{k} IS NULL THEN c.n ELSE 0 END)" for k in MISSING.values())
    where = f"WHERE {FLAG_SQL[flag]}" if flag in FLAG_SQL else ""
    sql = (f"SELECT c.grp, SUM(c.n), {sums}, {missing} FROM ({c_sql}) c INNER JOIN ({v_sql}) v ON v.id = c.pid "
           f"{where} GROUP BY c.grp")
    with connection.cursor() as cursor:
        cursor.execute(sql, (*c_params, *v_params))
        fetched = cursor.fetchall()
    result = {}
    for grp, reuses, *rest in fetched:
        row = {"reuses": int(reuses)}
        for key, value in zip(VALUE_KEYS, rest[:len(VALUE_KEYS)]):
            row["waste" if key == "weight" else key] = None if value is None else Decimal(str(value))
        for key, value in zip(MISSING, rest[len(VALUE_KEYS):]):
            row[key] = int(value or 0)
        result[grp] = row
    return result


def _empty():
    return {"reuses": 0, "co2e": None, "co2e_low": None, "co2e_high": None, "money": None, "waste": None,
            "missing_co2e": 0, "missing_weight": 0, "missing_money": 0}


# --- Filtering ------------------------------------------------------------------------------
def _period_bounds(dimension, value: dt.date):
    start = value
    if dimension == "month":
        end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    elif dimension == "quarter":
        month = start.month + 3
        end = start.replace(year=start.year + (month - 1) // 12, month=(month - 1) % 12 + 1, day=1)
    else:
        end = start.replace(year=start.year + 1, month=1, day=1)
    return dt.datetime.combine(start, dt.time(), OSLO), dt.datetime.combine(end, dt.time(), OSLO)


def records(*, tenant, f: ReportFilter):
    """The reuses the report counts (before annotations)."""
    qs = ReuseRecord.objects.filter(tenant=tenant)
    start, end = f.bounds()
    if start:
        qs = qs.filter(occurred_at__gte=start)
    if end:
        qs = qs.filter(occurred_at__lt=end)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.category_id:
        qs = qs.filter(**{P + "category_id": f.category_id})
    if f.building_id:
        qs = qs.filter(Q(from_building_id=f.building_id) | Q(to_building_id=f.building_id))
    if f.unit_id:
        qs = qs.filter(Q(from_unit_id=f.unit_id) | Q(to_unit_id=f.unit_id))
    if f.product_id:
        qs = qs.filter(item__product_id=f.product_id)
    if f.buildings is not None:
        qs = qs.filter(Q(from_building_id__in=f.buildings) | Q(to_building_id__in=f.buildings))
    for dimension, value in f.groups:
        if dimension in PERIODS:
            a, b = _period_bounds(dimension, value)
            qs = qs.filter(occurred_at__gte=a, occurred_at__lt=b)
        elif dimension in _RECORD_FIELD:
            if value is None:
                qs = qs.filter(**{_RECORD_FIELD[dimension] + "__isnull": True})
            else:
                qs = qs.filter(**{_RECORD_FIELD[dimension]: value})
    return qs


def annotated(*, tenant, f: ReportFilter, settings=None):
    settings = settings or settings_get(tenant=tenant)
    return records(tenant=tenant, f=f).annotate(**row_annotations(settings))


def _disposals(*, tenant, f: ReportFilter):
    """Items disposed of (thrown away) in the period: the other side of the reuse rate.

    Read from the one record of status changes, the audit log: the `item_dispose` entries (an item is
    disposed of once — the status is final) in the period, found by the (tenant, action, created_at)
    index. The item filters select the items first and match their ids as text (`object_id`)."""
    qs = AuditEvent.objects.filter(tenant=tenant, action=DISPOSE, object_type=Item._meta.label_lower)
    start, end = f.bounds()
    if start:
        qs = qs.filter(created_at__gte=start)
    if end:
        qs = qs.filter(created_at__lt=end)
    items = {}
    if f.category_id:
        items["product__category_id"] = f.category_id
    if f.building_id:
        items["building_id"] = f.building_id
    if f.unit_id:
        items["owner_unit_id"] = f.unit_id
    if f.buildings is not None:
        items["building_id__in"] = f.buildings
    if items:
        qs = qs.filter(object_id__in=Item.objects.filter(tenant=tenant, **items)
                       .annotate(key=Cast("pk", CharField())).values("key"))
    return qs


def _disposed_item(field_name):
    """A field of the disposed item, for grouping the disposals (one lookup by primary key per entry)."""
    return Subquery(Item.objects.filter(pk=Cast(OuterRef("object_id"), BigIntegerField()))
                    .values(field_name)[:1])


def rate_applies(f: ReportFilter, dimension=None):
    """The reuse rate is defined for the whole, per category, per building or unit the item came
    from and per period; not per receiving building/unit or kind (a disposal has none)."""
    if f.kind:
        return False
    return dimension is None or dimension in _DISPOSAL_FIELD or dimension in PERIODS


def _rate(reuses, disposed):
    total = reuses + disposed
    return (Decimal(100) * reuses / total).quantize(Decimal("0.1")) if total else None


def _finish(row):
    for key in ("co2e", "co2e_low", "co2e_high", "money", "waste"):
        row[key] = ZERO if row.get(key) is None else Decimal(row[key]).quantize(ZERO)
    row["has_range"] = row["co2e_low"] != row["co2e"] or row["co2e_high"] != row["co2e"]
    return row


ADDITIVE = ("reuses", "co2e", "co2e_low", "co2e_high", "money", "waste", "missing_co2e", "missing_weight",
            "missing_money")


def _distinct_items(*, tenant, f):
    return records(tenant=tenant, f=f).aggregate(n=Count("item_id", distinct=True))["n"]


def summary(*, tenant, f: ReportFilter, settings=None, rows=None):
    """The totals of the report.

    Given the rows of a breakdown of the same filter, the additive figures are their sums (every row
    is a sum of the same rounded figures); otherwise one staged aggregate. The distinct items are
    counted on the reuse table alone, and the disposals for the reuse rate."""
    settings = settings or settings_get(tenant=tenant)
    if rows is None:
        row = _staged(tenant=tenant, f=f, settings=settings).get(0) or _empty()
    else:
        row = {key: sum((r[key] for r in rows), 0 if key == "reuses" or key.startswith("missing") else ZERO)
               for key in ADDITIVE}
    row["items"] = _distinct_items(tenant=tenant, f=f)
    row = _finish(row)
    row["disposed"] = _disposals(tenant=tenant, f=f).count() if rate_applies(f) else None
    row["rate"] = _rate(row["reuses"], row["disposed"]) if row["disposed"] is not None else None
    return row


def _group_value(dimension, value):
    """A group key as Python: raw SQL returns a truncated date as text (SQLite) or a timestamp."""
    if dimension in PERIODS and isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    if dimension in PERIODS and isinstance(value, dt.datetime):
        return value.date()
    return value


def _period_expr(dimension, field_name):
    return Trunc(field_name, dimension, output_field=DateField(), tzinfo=OSLO)


def breakdown(*, tenant, f: ReportFilter, dimension, settings=None):
    """One row per group of `dimension` with the same figures as the summary (GROUP BY in SQL)."""
    settings = settings or settings_get(tenant=tenant)
    expr = _period_expr(dimension, "occurred_at") if dimension in PERIODS else F(_RECORD_FIELD[dimension])
    staged = _staged(tenant=tenant, f=f, settings=settings, group=expr)
    rows = [_finish({"group": _group_value(dimension, g), **r}) for g, r in staged.items()]
    disposed = {}
    if rate_applies(f, dimension):
        dq = _disposals(tenant=tenant, f=f)
        if dimension in PERIODS:
            dq = dq.annotate(group=_period_expr(dimension, "created_at"))
        else:
            dq = dq.annotate(group=_disposed_item(_DISPOSAL_FIELD[dimension]))
        disposed = {_group_value(dimension, g): n for g, n in
                    dq.values("group").annotate(n=Count("id")).order_by().values_list("group", "n")}
        known = {r["group"] for r in rows}
        for group, n in disposed.items():  # groups with disposals only: a reuse rate of 0 %
            if group not in known:
                rows.append(_finish({"group": group, **_empty()}))
    labels = _labels(tenant, dimension, [r["group"] for r in rows])
    for r in rows:
        r["label"] = labels.get(r["group"]) or _("Not given")
        r["value"] = r["group"].isoformat() if isinstance(r["group"], dt.date) else ("" if r["group"] is None
                                                                                       else r["group"])
        if rate_applies(f, dimension):
            r["disposed"] = disposed.get(r["group"], 0)
            r["rate"] = _rate(r["reuses"], r["disposed"])
        else:
            r["disposed"] = r["rate"] = None
    if dimension in PERIODS:
        rows.sort(key=lambda r: (r["group"] is None, r["group"] or dt.date.min))
    else:
        rows.sort(key=lambda r: (-r["co2e"], -r["reuses"], str(r["label"])))
    return rows


def period_label(dimension, value: dt.date):
    if dimension == "month":
        return date_format(value, "F Y")
    if dimension == "quarter":
        return _("Q%(quarter)s %(year)s") % {"quarter": (value.month - 1) // 3 + 1, "year": value.year}
    return str(value.year)


def _labels(tenant, dimension, values):
    ids = [v for v in values if v is not None]
    if dimension in PERIODS:
        return {v: period_label(dimension, v) for v in ids}
    if dimension == "kind":
        return dict(ReuseRecord.Kind.choices)
    if dimension == "category":
        return dict(Category.objects.filter(tenant=tenant, pk__in=ids).values_list("pk", "name"))
    if dimension in ("building", "from_building"):
        return dict(Building.objects.filter(tenant=tenant, pk__in=ids).values_list("pk", "name"))
    return dict(OrgUnit.objects.filter(tenant=tenant, pk__in=ids).values_list("pk", "name"))


def group_label(*, tenant, dimension, value):
    """The label of one group (the drill-down's heading); 404 for another tenant's id."""
    if value is None:
        return _("Not given")
    if dimension in PERIODS:
        return period_label(dimension, value)
    if dimension == "kind":
        return dict(ReuseRecord.Kind.choices).get(value) or _("Not given")
    model = {"category": Category, "building": Building, "from_building": Building}.get(dimension, OrgUnit)
    return str(get_object_or_404(model, tenant=tenant, pk=value).name)


# --- The drill-down -------------------------------------------------------------------------
DRILL_FLAGS = {
    "co2e": Q(row_co2e__isnull=True),
    "weight": Q(row_weight__isnull=True),
    "money": Q(row_money__isnull=True),
    "any": Q(row_co2e__isnull=True) | Q(row_weight__isnull=True) | Q(row_money__isnull=True),
}


def drilldown(*, tenant, f: ReportFilter, flag="", settings=None):
    """The reuses behind a figure, newest first, with every value and where it came from."""
    qs = annotated(tenant=tenant, f=f, settings=settings)
    if flag in DRILL_FLAGS:
        qs = qs.filter(DRILL_FLAGS[flag])
    return qs.select_related("item__product__category__impact_factor", "from_building", "to_building",
                             "from_unit", "to_unit", "recipient").order_by("-occurred_at", "-pk")


def drilldown_totals(*, tenant, f: ReportFilter, flag="", settings=None):
    """The totals of a drill-down (all its pages): the staged aggregate with the same filter."""
    settings = settings or settings_get(tenant=tenant)
    return _finish(_staged(tenant=tenant, f=f, settings=settings, flag=flag).get(0) or _empty())


def explain(record):
    """Where each of a drill-down row's values came from (for the table and the export)."""
    product = record.item.product
    category = product.category
    factor = getattr(category, "impact_factor", None)
    if product.weight_kg is not None:
        weight_source = "product"
    elif factor is not None and factor.default_weight_kg is not None:
        weight_source = "factor"
    elif category.default_weight_kg is not None:
        weight_source = "category"
    else:
        weight_source = ""
    if product.co2e_kg is not None:
        co2e_source = "product"
    elif factor is not None and factor.co2e_kg is not None:
        co2e_source = "factor_kg" if factor.basis == Basis.PER_KG else "factor_item"
        if factor.basis == Basis.PER_KG and record.row_weight is None:
            co2e_source = "no_weight"
    else:
        co2e_source = ""
    if product.new_price_nok is not None:
        money_source = "product"
    elif factor is not None and factor.default_new_price_nok is not None:
        money_source = "factor"
    else:
        money_source = ""
    problems = []
    if record.row_co2e is None:
        problems.append(_("no weight for the per-kg factor") if co2e_source == "no_weight"
                        else _("no CO2e factor"))
    problems += _value_gaps(product, weight=record.row_weight, money=record.row_money)
    return {"factor": factor, "weight_source": weight_source, "co2e_source": co2e_source,
            "money_source": money_source, "problems": problems}


def _value_gaps(product, *, weight, money):
    """The gaps and doubtful values of a product's figures other than CO2e (whose message depends
    on where it was looked for): the drill-down and the data-quality page name them alike."""
    problems = []
    if weight is None:
        problems.append(_("no weight"))
    if money is None:
        problems.append(_("no new price"))
    if product.weight_kg == 0:
        problems.append(_("weight is 0"))
    if product.new_price_nok == 0:
        problems.append(_("new price is 0"))
    if product.co2e_kg is not None and not product.co2e_source.strip():
        problems.append(_("own CO2e value without a source"))
    return problems


SOURCE_LABELS = {
    "product": gettext_lazy("product"),
    "factor": gettext_lazy("factor default"),
    "category": gettext_lazy("category default"),
    "factor_item": gettext_lazy("factor per item"),
    "factor_kg": gettext_lazy("factor per kg × weight"),
    "no_weight": gettext_lazy("factor per kg, weight missing"),
    "": gettext_lazy("missing"),
}


# --- Data quality ---------------------------------------------------------------------------
def quality(*, tenant, f: ReportFilter, settings=None):
    """Products behind the report with gaps or doubtful values, with how many reuses each affects,
    the most reused first.

    The reuses are counted per product in one GROUP BY (reuse ⋈ item only); the figures come from
    the products' own rows (a product's reuses all share them), so gaps are named per product."""
    settings = settings or settings_get(tenant=tenant)
    counts = dict(records(tenant=tenant, f=f).values("item__product_id").annotate(n=Count("id")).order_by()
                  .values_list("item__product_id", "n"))
    suspicious = (Q(v_co2e__isnull=True) | Q(v_weight__isnull=True) | Q(v_money__isnull=True) | Q(weight_kg=0)
                  | Q(new_price_nok=0) | (Q(co2e_kg__isnull=False) & Q(co2e_source="")))
    products = product_values(tenant=tenant, settings=settings).filter(suspicious, pk__in=list(counts)) \
        .select_related("category__impact_factor")
    rows = []
    for product in products:
        n = counts[product.pk]
        factor = getattr(product.category, "impact_factor", None)
        problems = []
        if product.v_co2e is None:
            problems.append(_("no CO2e: no own value and no factor")
                            if factor is None or factor.co2e_kg is None
                            else _("no CO2e: the per-kg factor needs a weight"))
        problems += _value_gaps(product, weight=product.v_weight, money=product.v_money)
        rows.append({"product": product, "factor": factor, "reuses": n, "problems": problems,
                     "missing_co2e": n if product.v_co2e is None else 0,
                     "missing_weight": n if product.v_weight is None else 0,
                     "missing_money": n if product.v_money is None else 0})
    rows.sort(key=lambda r: (-r["reuses"], r["product"].pk))
    return rows


def factor_library(*, tenant):
    """Every active category with its factor (or None), for the library page."""
    categories = list(Category.objects.filter(tenant=tenant).select_related("impact_factor")
                      .order_by("archived", "sort_order", "name"))
    for c in categories:
        c.factor = getattr(c, "impact_factor", None)
    return categories


def factor_category_get(*, tenant, pk):
    return get_object_or_404(Category.objects.select_related("impact_factor"), tenant=tenant, pk=pk)


def factor_count_missing(*, tenant):
    return Category.objects.filter(tenant=tenant, archived=False).filter(
        Q(impact_factor__isnull=True) | Q(impact_factor__co2e_kg__isnull=True)).count()


