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

from django.db.models import Case, Count, DateField, DecimalField, ExpressionWrapper, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce, Round, Trunc
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _, gettext_lazy

from torg.accounts.models import OrgUnit
from torg.places.models import Building
from torg.reuse.models import Category, ItemEvent, Product, ReuseRecord, Status
from torg.reuse.rules import ALL_BUILDINGS, reuse_role_in

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
_DISPOSAL_FIELD = {"category": "item__product__category_id", "from_building": "item__building_id",
                   "from_unit": "item__owner_unit_id"}


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


def _weight():
    return Coalesce(F(P + "weight_kg"), F(FACTOR + "default_weight_kg"), F(P + "category__default_weight_kg"),
                    output_field=MONEY)


def _co2e(value, multiplier):
    """CO2e of one reuse with the factor end `value` (central, low or high), deductions applied."""
    gross = Case(
        When(**{P + "co2e_kg__isnull": False}, then=_dec(F(P + "co2e_kg"))),
        When(**{FACTOR + "basis": Basis.PER_ITEM}, then=_dec(value)),
        When(**{FACTOR + "basis": Basis.PER_KG}, then=_dec(value * _weight())),
        default=None, output_field=EXACT,
    )
    if multiplier != 1:
        gross = _dec(gross * Value(multiplier, output_field=EXACT))
    return Round(gross, 2, output_field=MONEY)


def _multipliers(settings):
    co2e = (Decimal(100) - settings.transport_pct - settings.refurbishment_pct) / Decimal(100)
    money = (Decimal(100) - settings.cost_pct) / Decimal(100)
    return co2e, money


def row_annotations(settings):
    """The per-reuse figures, as SQL expressions (see the module docstring)."""
    co2e_m, money_m = _multipliers(settings)
    central = F(FACTOR + "co2e_kg")
    price = Coalesce(F(P + "new_price_nok"), F(FACTOR + "default_new_price_nok"), output_field=MONEY)
    if money_m != 1:
        price = _dec(price * Value(money_m, output_field=EXACT))
    return {
        "row_weight": Round(_weight(), 2, output_field=MONEY),
        "row_co2e": _co2e(central, co2e_m),
        "row_co2e_low": _co2e(Coalesce(F(FACTOR + "co2e_low_kg"), central), co2e_m),
        "row_co2e_high": _co2e(Coalesce(F(FACTOR + "co2e_high_kg"), central), co2e_m),
        "row_money": Round(price, 2, output_field=MONEY),
    }


def _aggregates():
    return {
        "reuses": Count("id"),
        "items": Count("item_id", distinct=True),
        "co2e": Sum("row_co2e"), "co2e_low": Sum("row_co2e_low"), "co2e_high": Sum("row_co2e_high"),
        "money": Sum("row_money"), "waste": Sum("row_weight"),
        "missing_co2e": Count("id", filter=Q(row_co2e__isnull=True)),
        "missing_weight": Count("id", filter=Q(row_weight__isnull=True)),
        "missing_money": Count("id", filter=Q(row_money__isnull=True)),
    }


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
    """Items disposed of (thrown away) in the period: the other side of the reuse rate."""
    qs = ItemEvent.objects.filter(tenant=tenant, kind=ItemEvent.Kind.STATUS, to_value=Status.DISPOSED)
    start, end = f.bounds()
    if start:
        qs = qs.filter(created_at__gte=start)
    if end:
        qs = qs.filter(created_at__lt=end)
    if f.category_id:
        qs = qs.filter(item__product__category_id=f.category_id)
    if f.building_id:
        qs = qs.filter(item__building_id=f.building_id)
    if f.unit_id:
        qs = qs.filter(item__owner_unit_id=f.unit_id)
    if f.buildings is not None:
        qs = qs.filter(item__building_id__in=f.buildings)
    return qs


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


def summary(*, tenant, f: ReportFilter, settings=None, rows=None):
    """The totals of the report: one aggregate query (+ one count for the reuse rate).

    Given the rows of a breakdown of the same filter, the additive figures are their sums (every row
    is a SUM of the same rounded expressions) and only the distinct items are counted again, on the
    reuse table alone — one scan with joins fewer."""
    if rows is None:
        row = _finish(annotated(tenant=tenant, f=f, settings=settings).aggregate(**_aggregates()))
    else:
        row = {key: sum((r[key] for r in rows), ZERO if key not in ("reuses",) and not key.startswith("missing")
                        else 0) for key in ADDITIVE}
        row["items"] = records(tenant=tenant, f=f).aggregate(n=Count("item_id", distinct=True))["n"]
        row = _finish(row)
    row["disposed"] = _disposals(tenant=tenant, f=f).count() if rate_applies(f) else None
    row["rate"] = _rate(row["reuses"], row["disposed"]) if row["disposed"] is not None else None
    return row


def _period_expr(dimension, field_name):
    return Trunc(field_name, dimension, output_field=DateField(), tzinfo=OSLO)


def breakdown(*, tenant, f: ReportFilter, dimension, settings=None):
    """One row per group of `dimension` with the same figures as the summary (GROUP BY in SQL)."""
    qs = annotated(tenant=tenant, f=f, settings=settings)
    if dimension in PERIODS:
        qs = qs.annotate(group=_period_expr(dimension, "occurred_at"))
    else:
        qs = qs.annotate(group=F(_RECORD_FIELD[dimension]))
    rows = [_finish(r) for r in qs.values("group").annotate(**_aggregates()).order_by()]
    disposed = {}
    if rate_applies(f, dimension):
        dq = _disposals(tenant=tenant, f=f)
        if dimension in PERIODS:
            dq = dq.annotate(group=_period_expr(dimension, "created_at"))
        else:
            dq = dq.annotate(group=F(_DISPOSAL_FIELD[dimension]))
        disposed = dict(dq.values("group").annotate(n=Count("id")).order_by().values_list("group", "n"))
        known = {r["group"] for r in rows}
        for group, n in disposed.items():  # groups with disposals only: a reuse rate of 0 %
            if group not in known:
                rows.append(_finish({"group": group, "reuses": 0, "items": 0, "co2e": None, "co2e_low": None,
                                     "co2e_high": None, "money": None, "waste": None, "missing_co2e": 0,
                                     "missing_weight": 0, "missing_money": 0}))
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
    from django.utils.formats import date_format

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


def drilldown_totals(qs):
    return _finish(qs.order_by().aggregate(**_aggregates()))


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
    if record.row_weight is None:
        problems.append(_("no weight"))
    if record.row_money is None:
        problems.append(_("no new price"))
    if product.weight_kg == 0:
        problems.append(_("weight is 0"))
    if product.new_price_nok == 0:
        problems.append(_("new price is 0"))
    if product.co2e_kg is not None and not product.co2e_source.strip():
        problems.append(_("own CO2e value without a source"))
    return {"factor": factor, "weight_source": weight_source, "co2e_source": co2e_source,
            "money_source": money_source, "problems": problems}


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
    """Products behind the report with gaps or doubtful values, with how many reuses each affects.

    One GROUP BY product over the same annotated reuses; the problems are then named per product."""
    qs = annotated(tenant=tenant, f=f, settings=settings)
    rows = list(
        qs.values("item__product_id").annotate(
            reuses=Count("id"),
            missing_co2e=Count("id", filter=Q(row_co2e__isnull=True)),
            missing_weight=Count("id", filter=Q(row_weight__isnull=True)),
            missing_money=Count("id", filter=Q(row_money__isnull=True)),
        ).filter(Q(missing_co2e__gt=0) | Q(missing_weight__gt=0) | Q(missing_money__gt=0)
                 | Q(**{P + "weight_kg": 0}) | Q(**{P + "new_price_nok": 0})
                 | (Q(**{P + "co2e_kg__isnull": False}) & Q(**{P + "co2e_source": ""})))
        .order_by("-reuses", "item__product_id")
    )
    products = Product.objects.filter(tenant=tenant, pk__in=[r["item__product_id"] for r in rows]) \
        .select_related("category__impact_factor")
    by_pk = {p.pk: p for p in products}
    for r in rows:
        r["product"] = product = by_pk[r["item__product_id"]]
        r["factor"] = getattr(product.category, "impact_factor", None)
        problems = []
        if r["missing_co2e"]:
            problems.append(_("no CO2e: no own value and no factor")
                            if r["factor"] is None or r["factor"].co2e_kg is None
                            else _("no CO2e: the per-kg factor needs a weight"))
        if r["missing_weight"]:
            problems.append(_("no weight"))
        if r["missing_money"]:
            problems.append(_("no new price"))
        if product.weight_kg == 0:
            problems.append(_("weight is 0"))
        if product.new_price_nok == 0:
            problems.append(_("new price is 0"))
        if product.co2e_kg is not None and not product.co2e_source.strip():
            problems.append(_("own CO2e value without a source"))
        r["problems"] = problems
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


