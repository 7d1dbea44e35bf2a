"""Impact reports API: totals, breakdowns and the reuses behind them with the factors used, and the
factor library. The same filter (the report form), scope and permissions as /reuse/impact/: a
location manager limited to chosen buildings sees the reuses that involve them."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from ninja import Field, Query, Schema
from ninja.pagination import paginate

from torg.core.api import ApiRouter, Id, Pagination
from torg.core.views import require_api_perm
from torg.reuse.models import ReuseRecord

from . import queries
from .forms import ReportForm

router = ApiRouter(tags=["impact"])

Dimension = Literal["category", "building", "from_building", "unit", "from_unit", "kind", "month", "quarter", "year"]
Flag = Literal["", *queries.DRILL_FLAGS]  # type: ignore[valid-type]


class ReportFilterIn(Schema):
    start: dt.date | None = Field(None, description="First day (inclusive), 1990–2100")
    end: dt.date | None = Field(None, description="Last day (inclusive)")
    kind: ReuseRecord.Kind | None = None
    category_id: Id | None = None
    building_id: Id | None = Field(None, description="Reuse from or into the building")
    unit_id: Id | None = Field(None, description="Reuse from or to the unit")


class TotalsOut(Schema):
    reuses: int
    items: int | None = None
    co2e: Decimal = Field(description="kg CO2e avoided, after deductions")
    co2e_low: Decimal
    co2e_high: Decimal
    money: Decimal = Field(description="NOK not spent on new, after the cost deduction")
    waste: Decimal = Field(description="kg waste avoided")
    missing_co2e: int = Field(description="Reuses without a CO2e value (no factor or no weight)")
    missing_weight: int
    missing_money: int
    disposed: int | None = Field(None, description="Items disposed of in the period (for the reuse rate)")
    rate: float | None = Field(None, description="Reuse rate %: reuses / (reuses + disposed)")


class DeductionsOut(Schema):
    transport_pct: Decimal
    refurbishment_pct: Decimal
    cost_pct: Decimal
    note: str


class SummaryOut(Schema):
    totals: TotalsOut
    deductions: DeductionsOut = Field(description="The municipality's deductions applied to every figure")
    missing_factors: int = Field(description="Active categories without a CO2e factor")


class GroupOut(TotalsOut):
    value: str = Field(description="The group: an id, a kind, or the first day of the period")
    label: str


class BreakdownOut(Schema):
    by: str
    rows: list[GroupOut]
    totals: TotalsOut


class FactorOut(Schema):
    basis: str = Field(description="per_item or per_kg")
    co2e_kg: Decimal | None
    co2e_low_kg: Decimal | None
    co2e_high_kg: Decimal | None
    default_weight_kg: Decimal | None
    default_new_price_nok: Decimal | None
    source: str
    source_year: int | None
    boundary: str
    note: str


class RecordOut(Schema):
    id: int
    kind: str
    occurred_at: dt.datetime
    item_id: int
    item_number: str
    category_id: int
    from_building_id: int | None
    to_building_id: int | None
    from_unit_id: int | None
    to_unit_id: int | None
    weight_kg: Decimal | None
    co2e: Decimal | None
    co2e_low: Decimal | None
    co2e_high: Decimal | None
    money: Decimal | None
    weight_source: str = Field(description="product, factor, category or empty (missing)")
    co2e_source: str = Field(description="product, factor_item, factor_kg, no_weight or empty (missing)")
    money_source: str = Field(description="product, factor or empty (missing)")
    factor: FactorOut | None = Field(description="The category's factor behind the figures")
    problems: list[str]


class CategoryFactorOut(Schema):
    category_id: int
    category: str
    archived: bool
    default_weight_kg: Decimal | None
    factor: FactorOut | None


def _filter(request, params: ReportFilterIn):
    """The report form's checks (dates 1990–2100, at most 20 years, the tenant's ids) and scope."""
    require_api_perm(request, "reuse_impact.view_reports")
    data = {k: ("" if v is None else v) for k, v in {
        "start": params.start, "end": params.end, "kind": params.kind, "category": params.category_id,
        "building": params.building_id, "unit": params.unit_id}.items()}
    form = ReportForm(data, tenant=request.tenant)
    if not form.is_valid():
        errors = {{"category": "category_id", "building": "building_id", "unit": "unit_id"}.get(k, k): v
                  for k, v in form.errors.items()}
        raise ValidationError(errors)
    return form.report_filter(buildings=queries.scope_for(request.user, request.tenant))


def _totals(row):
    return {k: row.get(k) for k in TotalsOut.model_fields}


@router.get("/summary", response=SummaryOut)
def summary(request, filters: Query[ReportFilterIn]):
    """The totals of every reuse matching the filter: CO2e (with its low–high range), money and
    waste avoided, counts of what lacks a value, the reuse rate where it applies, and the deductions
    behind the figures."""
    f = _filter(request, filters)
    settings = queries.settings_get(tenant=request.tenant)
    return {"totals": _totals(queries.summary(tenant=request.tenant, f=f, settings=settings)),
            "deductions": settings, "missing_factors": queries.factor_count_missing(tenant=request.tenant)}


@router.get("/breakdown", response=BreakdownOut)
def breakdown(request, filters: Query[ReportFilterIn], by: Dimension = "category"):
    """The same figures per group: category, receiving or giving building or unit, kind of reuse,
    month, quarter or year."""
    f = _filter(request, filters)
    settings = queries.settings_get(tenant=request.tenant)
    rows = queries.breakdown(tenant=request.tenant, f=f, dimension=by, settings=settings)
    totals = queries.summary(tenant=request.tenant, f=f, settings=settings, rows=rows)
    return {"by": by, "rows": [{**_totals(r), "value": str(r["value"]), "label": str(r["label"])} for r in rows],
            "totals": _totals(totals)}


@router.get("/records", response=list[RecordOut])
@paginate(Pagination)
def records(request, filters: Query[ReportFilterIn], flag: Flag = ""):
    """The reuses behind the figures, newest first, each with its values and where they came from
    (the product's own value, the category's factor, or missing). `flag` narrows to the reuses
    lacking a value."""
    f = _filter(request, filters)
    qs = queries.drilldown(tenant=request.tenant, f=f, flag=flag)
    return _Explained(qs)


class _Explained:
    """The drill-down queryset, sliced by the paginator, each row explained."""

    def __init__(self, qs):
        self.qs = qs

    def count(self):
        return self.qs.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, key):
        return [_record(r) for r in self.qs[key]]


def _record(r):
    e = queries.explain(r)
    return {"id": r.pk, "kind": r.kind, "occurred_at": r.occurred_at, "item_id": r.item_id,
            "item_number": r.item.number, "category_id": r.item.product.category_id,
            "from_building_id": r.from_building_id, "to_building_id": r.to_building_id,
            "from_unit_id": r.from_unit_id, "to_unit_id": r.to_unit_id, "weight_kg": r.row_weight,
            "co2e": r.row_co2e, "co2e_low": r.row_co2e_low, "co2e_high": r.row_co2e_high, "money": r.row_money,
            "weight_source": e["weight_source"], "co2e_source": e["co2e_source"],
            "money_source": e["money_source"], "factor": e["factor"], "problems": [str(p) for p in e["problems"]]}


@router.get("/factors", response=list[CategoryFactorOut])
def factors(request):
    """The factor library: every category with its CO2e factor, default weight and new price, and
    the source of each."""
    require_api_perm(request, "reuse_impact.view_reports")
    return [{"category_id": c.pk, "category": c.name, "archived": c.archived,
             "default_weight_kg": c.default_weight_kg, "factor": c.factor}
            for c in queries.factor_library(tenant=request.tenant)]
