"""Impact report pages: the report with its breakdowns and chart, the drill-down to the reuses behind
every figure, the data-quality list, the factor library and the deductions. Thin: parse, check
permission, call a query or service, render."""

import datetime as dt
import math
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from torg.core import audit
from torg.core.views import breadcrumbs, download, form_page, paginate, tenant_lookup
from torg.reuse.models import ReuseRecord

from . import exports, queries, services
from .forms import FactorForm, ReportForm, SettingsForm
from .library import DEFAULT_FACTORS
from .models import Factor

VIEW, MANAGE = "reuse_impact.view_reports", "reuse_impact.manage_factors"
MAX_EXPORT_ROWS = 100_000
CHART_BARS = 15
FILTER_KEYS = ("start", "end", "kind", "category", "building", "unit")


_tenant = tenant_lookup(VIEW)


_crumbs = breadcrumbs((gettext_lazy("Reuse"), "reuse:overview"), (gettext_lazy("Impact"), "impact:report"))


def _report_form(request, tenant):
    form = ReportForm(request.GET or None, tenant=tenant)
    scope = queries.scope_for(request.user, tenant)
    f = form.report_filter(buildings=scope) if form.is_bound else queries.ReportFilter(buildings=scope)
    return form, f


def _filter_query(form):
    """The filter part of the current query string, for links to the drill-down and exports."""
    if not form.is_bound or not form.is_valid():
        return ""
    data = form.cleaned_data
    pairs = []
    for key in FILTER_KEYS:
        value = data.get(key)
        if value in (None, ""):
            continue
        pairs.append((key, value.isoformat() if isinstance(value, dt.date) else getattr(value, "pk", value)))
    return urlencode(pairs)


def _description(form, f, tenant):
    """The filters in words (page heading, exports)."""
    d = form.cleaned_data if form.is_bound and form.is_valid() else {}
    lines = [(_("Period"), _period_text(f))]
    if d.get("kind"):
        lines.append((_("Kind of reuse"), dict(ReuseRecord.Kind.choices)[d["kind"]]))
    for key, label in (("category", _("Category")), ("building", _("Building")), ("unit", _("Unit"))):
        if d.get(key):
            lines.append((label, d[key].name))
    if f.buildings is not None:
        lines.append((_("Scope"), _("Reuse involving the buildings you manage")))
    return lines


def _period_text(f):
    if f.start and f.end:
        return f"{f.start:%d.%m.%Y}–{f.end:%d.%m.%Y}"
    if f.start:
        return _("from %(date)s") % {"date": f"{f.start:%d.%m.%Y}"}
    if f.end:
        return _("until %(date)s") % {"date": f"{f.end:%d.%m.%Y}"}
    return _("All time")


def _method_lines(settings):
    lines = [
        _("CO2e per reuse: the product's own value (EPD) if it has one; otherwise the category's factor, per item "
          "or per kg × weight; otherwise missing (flagged, not counted)."),
        _("Weight: the product's weight, else the factor's default weight, else the category's default weight. "
          "Waste avoided = the weight of the reused items."),
        _("Money avoided: the product's new price, else the factor's default new price."),
        _("Range: the same with the factor's low and high values; a product's own value has no range."),
        _("Reuse rate: reuses ÷ (reuses + items disposed of) in the period."),
    ]
    if settings.transport_pct or settings.refurbishment_pct or settings.cost_pct:
        lines.append(_("Deductions applied: transport %(t)s %%, refurbishment %(r)s %% of CO2e; cost %(c)s %% of "
                       "the new price.") % {"t": settings.transport_pct, "r": settings.refurbishment_pct,
                                            "c": settings.cost_pct})
    else:
        lines.append(_("No deductions for transport or refurbishment are set."))
    return lines


def _nice_step(top: float, ticks: int = 4) -> float:
    """A round step (1, 2, 2.5 or 5 × 10^n) that covers `top` in about `ticks` steps."""
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def chart(rows, *, width=260, key="co2e"):
    """Horizontal bars (SVG coordinates) of `key` per group, with the low–high range as a line, each
    bar's value written after it, and an x axis with round ticks (0 … a round maximum) under them."""
    shown = rows[:CHART_BARS] if rows and not isinstance(rows[0]["group"], dt.date) else rows[-CHART_BARS:]
    top = float(max([r["co2e_high"] for r in shown] + [r[key] for r in shown] + [Decimal(0)]))
    step = _nice_step(top) if top > 0 else 1
    axis_max = step * math.ceil(top / step) if top > 0 else step * 4

    def scale(v):
        return round(float(v) / axis_max * width, 1)

    bars = [{"row": r, "y": i * 28, "width": scale(r[key]), "low": scale(r["co2e_low"]),
             "high": scale(r["co2e_high"]), "value_x": round(160 + scale(max(r[key], r["co2e_high"])) + 6, 1)}
            for i, r in enumerate(shown)]
    axis_y = len(bars) * 28 + 4
    ticks = [{"x": round(160 + scale(step * i), 1), "value": Decimal(str(step * i))}
             for i in range(int(round(axis_max / step)) + 1)]
    return {"bars": bars, "height": axis_y + 40, "axis_y": axis_y, "ticks": ticks, "axis_end": 160 + width,
            "more": len(rows) > len(shown)}


# --- The report -----------------------------------------------------------------------------
@login_required
def report(request):
    tenant = _tenant(request)
    form, f = _report_form(request, tenant)
    settings = queries.settings_get(tenant=tenant)
    dimension = form.dimension if form.is_bound else "category"
    valid = not form.is_bound or form.is_valid()
    rows = queries.breakdown(tenant=tenant, f=f, dimension=dimension, settings=settings) if valid else []
    summary = queries.summary(tenant=tenant, f=f, settings=settings, rows=rows) if valid else None
    with_rate = queries.rate_applies(f, dimension)
    dimension_label = queries.DIMENSIONS[dimension]
    fmt = request.GET.get("format")
    if fmt in ("xlsx", "pdf") and valid:
        description = _description(form, f, tenant)
        kwargs = {"tenant": tenant, "description": description, "dimension_label": dimension_label,
                  "summary": summary, "rows": rows, "with_rate": with_rate, "method_lines": _method_lines(settings)}
        if fmt == "xlsx":
            data = exports.report_xlsx(**kwargs, factors=queries.factor_library(tenant=tenant))
        else:
            data = exports.report_pdf(**kwargs)
        return download(data, f"impact-{dimension}.{fmt}")
    filter_qs = _filter_query(form)
    context = {
        "form": form, "summary": summary, "rows": rows, "dimension": dimension, "dimension_label": dimension_label,
        "with_rate": with_rate, "chart": chart(rows), "filter_qs": filter_qs,
        "description": _description(form, f, tenant), "settings": settings, "method_lines": _method_lines(settings),
        "missing_factors": queries.factor_count_missing(tenant=tenant),
        "can_manage": request.user.has_perm(MANAGE, tenant), "crumbs": None,
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "impact/partials/report_results.html", context)
    return render(request, "impact/report.html", context, status=422 if not valid else 200)


# --- The drill-down -------------------------------------------------------------------------
class KnownCountPaginator(Paginator):
    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self):
        return self._known_count


def _group(request, tenant):
    """The group of a breakdown the drill-down is about: (dimension, value, label) or None."""
    dim = request.GET.get("dim", "")
    if dim not in queries.DIMENSIONS:
        return None
    raw = request.GET.get("value", "")
    if dim in queries.PERIODS:
        try:
            value = dt.date.fromisoformat(raw)
        except ValueError:
            raise Http404 from None
    elif dim == "kind":
        if raw and raw not in ReuseRecord.Kind.values:
            raise Http404
        value = raw or None
    else:
        if raw and not raw.isdigit():
            raise Http404
        value = int(raw) if raw else None
    return dim, value, queries.group_label(tenant=tenant, dimension=dim, value=value)


DRILL_COLUMNS = ("date", "number", "kind", "category", "product", "from", "to", "weight_kg", "weight_source",
                 "co2e_kg", "co2e_low_kg", "co2e_high_kg", "co2e_source", "factor_source", "factor_year",
                 "money_nok", "money_source", "problems")


def _drill_rows(qs):
    for r in qs[:MAX_EXPORT_ROWS].iterator(chunk_size=2000):
        e = queries.explain(r)
        factor = e["factor"]
        yield [
            r.occurred_at.date().isoformat(), r.item.number, r.get_kind_display(), r.item.product.category.name,
            str(r.item.product), r.from_building.name if r.from_building_id else "",
            r.to_building.name if r.to_building_id else (r.recipient.name if r.recipient_id else ""),
            r.row_weight, str(queries.SOURCE_LABELS[e["weight_source"]]), r.row_co2e, r.row_co2e_low, r.row_co2e_high,
            str(queries.SOURCE_LABELS[e["co2e_source"]]),
            r.item.product.co2e_source if e["co2e_source"] == "product" else (factor.source if factor else ""),
            factor.source_year if factor and e["co2e_source"] != "product" else None,
            r.row_money, str(queries.SOURCE_LABELS[e["money_source"]]), "; ".join(e["problems"]),
        ]


@login_required
def records(request):
    tenant = _tenant(request)
    form, f = _report_form(request, tenant)
    if form.is_bound and not form.is_valid():
        raise Http404
    group = _group(request, tenant)
    if group:
        f.groups = [(group[0], group[1])]
    product = request.GET.get("product", "")
    f.product_id = int(product) if product.isdigit() else None
    flag = request.GET.get("flag", "")
    flag = flag if flag in queries.DRILL_FLAGS else ""
    settings = queries.settings_get(tenant=tenant)
    qs = queries.drilldown(tenant=tenant, f=f, flag=flag, settings=settings)
    if request.GET.get("format") == "xlsx":
        return download(exports.drilldown_xlsx(_drill_rows(qs), DRILL_COLUMNS), "impact-reuses.xlsx")
    totals = queries.drilldown_totals(tenant=tenant, f=f, flag=flag, settings=settings)
    # the totals already counted the rows: the paginator need not count them again
    page = KnownCountPaginator(qs, 50, count=totals["reuses"]).get_page(request.GET.get("page"))
    for r in page.object_list:
        r.explained = queries.explain(r)
    filter_qs = _filter_query(form)
    group_qs = urlencode([("dim", group[0]), ("value", request.GET.get("value", ""))]) if group else ""
    context = {
        "page_obj": page, "totals": totals, "group": group, "flag": flag,
        "flags": [("", _("All reuses")), ("any", _("With gaps")), ("co2e", _("Without CO2e")),
                  ("weight", _("Without weight")), ("money", _("Without new price"))],
        "filter_qs": filter_qs, "group_qs": group_qs, "description": _description(form, f, tenant),
        "source_labels": queries.SOURCE_LABELS, "can_edit_products": request.user.has_perm("reuse.edit_item", tenant),
        "can_manage": request.user.has_perm(MANAGE, tenant),
        "crumbs": _crumbs((_("Reuses behind the figures"), None)),
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "impact/partials/record_table.html", context)
    return render(request, "impact/records.html", context)


# --- Data quality ---------------------------------------------------------------------------
@login_required
def quality(request):
    tenant = _tenant(request)
    form, f = _report_form(request, tenant)
    if form.is_bound and not form.is_valid():
        raise Http404
    rows = queries.quality(tenant=tenant, f=f)
    page = paginate(request, rows)
    categories = [c for c in queries.factor_library(tenant=tenant)
                  if not c.archived and (c.factor is None or c.factor.co2e_kg is None)]
    return render(request, "impact/quality.html", {
        "page_obj": page, "rows_total": len(rows), "categories": categories, "filter_qs": _filter_query(form),
        "description": _description(form, f, tenant),
        "can_edit_products": request.user.has_perm("reuse.edit_item", tenant),
        "can_manage": request.user.has_perm(MANAGE, tenant), "crumbs": _crumbs((_("Data quality"), None)),
    })


# --- The factor library ---------------------------------------------------------------------
@login_required
def factor_list(request):
    tenant = _tenant(request)
    return render(request, "impact/factor_list.html", {
        "categories": queries.factor_library(tenant=tenant), "settings": queries.settings_get(tenant=tenant),
        "can_manage": request.user.has_perm(MANAGE, tenant), "crumbs": _crumbs((_("Factor library"), None)),
    })


@login_required
def factor_edit(request, category_pk):
    tenant = _tenant(request, MANAGE)
    category = queries.factor_category_get(tenant=tenant, pk=category_pk)
    factor = getattr(category, "impact_factor", None)
    form = FactorForm(request.POST or None,
                      instance=Factor.objects.get(pk=factor.pk) if factor else Factor(tenant=tenant, category=category))
    title = _("CO2e factor for %(name)s") % {"name": category.name}
    return form_page(
        request, form=form,
        save=lambda d: services.factor_save(actor=request.user, tenant=tenant, category=category, **d),
        success_url=reverse("impact:factors"), success_message=_("The factor was saved."),
        template="impact/factor_edit.html",
        context={"title": title, "category": category, "factor": factor, "cancel_url": reverse("impact:factors"),
                 "has_default": category.key in DEFAULT_FACTORS,
                 "history": audit.history_for(factor, tenant)[:50] if factor else [],
                 "crumbs": _crumbs((_("Factor library"), reverse("impact:factors")), (category.name, None))},
    )


@login_required
@require_POST
def factor_reset(request, category_pk):
    tenant = _tenant(request, MANAGE)
    category = queries.factor_category_get(tenant=tenant, pk=category_pk)
    try:
        services.factor_reset_default(actor=request.user, tenant=tenant, category=category)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The shipped default for %(name)s was restored.") % {"name": category.name})
    return redirect("impact:factor_edit", category_pk=category.pk)


@login_required
def settings_edit(request):
    tenant = _tenant(request, MANAGE)
    current = queries.settings_get(tenant=tenant)
    form = SettingsForm(request.POST or None, instance=queries.settings_get(tenant=tenant))
    return form_page(
        request, form=form,
        save=lambda d: services.settings_update(actor=request.user, tenant=tenant, **d),
        success_url=reverse("impact:factors"), success_message=_("The deductions were saved."),
        template="impact/settings_edit.html",
        context={"title": _("Deductions for transport and refurbishment"), "cancel_url": reverse("impact:factors"),
                 "history": audit.history_for(current, tenant)[:50] if current.pk else [],
                 "crumbs": _crumbs((_("Factor library"), reverse("impact:factors")), (_("Deductions"), None))},
    )
