"""Reads of the estate module; every function is scoped by tenant. Places are read through
`torg.places.queries`."""

import datetime as dt
from collections import Counter
from decimal import Decimal

from django.db.models import Count, F, Max, Min, Q, Sum
from django.db.models.functions import ExtractYear
from django.shortcuts import get_object_or_404
from django.utils import timezone

from torg.places import queries as places_queries

from . import energy, grading
from .models import (ConditionSurvey, DegreeDayMonth, EnergyLabel, EnergyTarget, MaintenanceBudget, Measure, Meter,
                     MeterReading, OperatingCost, SurveyPart, SurveyPartPhoto)

CATEGORIES = ("A", "B", "C", "")  # "" = no strategic category set
BANDS = (0, 1, 2, 3, None)  # None = not surveyed


def survey_get(*, tenant, pk):
    return get_object_or_404(ConditionSurvey.objects.select_related("building__property", "replaces"),
                             tenant=tenant, pk=pk)


def survey_detail(*, tenant, pk):
    survey = survey_get(tenant=tenant, pk=pk)
    survey.part_list = list(survey.parts.prefetch_related("photos"))
    survey.live_grade = survey.aggregate_grade if survey.aggregate_grade is not None else \
        grading.aggregate_grade((p.ns_code, p.condition_grade) for p in survey.part_list)
    survey.grade_counts = grade_counts(survey.part_list)
    return survey


def part_get(*, tenant, pk):
    return get_object_or_404(SurveyPart.objects.select_related("survey__building"), tenant=tenant, pk=pk)


def photo_get(*, tenant, pk):
    return get_object_or_404(SurveyPartPhoto.objects.select_related("part__survey"), tenant=tenant, pk=pk)


def grade_counts(parts) -> list[int]:
    """How many parts have TG0, TG1, TG2, TG3."""
    counts = Counter(p.condition_grade for p in parts)
    return [counts.get(g, 0) for g in range(4)]


def survey_list(*, tenant, building=None, status=""):
    qs = ConditionSurvey.objects.filter(tenant=tenant).select_related("building").annotate(
        part_count=Count("parts"), tg3_count=Count("parts", filter=Q(parts__condition_grade=3)))
    if building is not None:
        qs = qs.filter(building=building)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-surveyed_on", "-version", "-pk")


def building_condition(*, tenant, building) -> dict:
    """A building's condition: its current survey with its parts, and every survey over time."""
    history = list(survey_list(tenant=tenant, building=building))
    current = next((s for s in history if s.is_current), None)
    parts = list(current.parts.prefetch_related("photos")) if current else []
    return {"current": current, "parts": parts, "grade_counts": grade_counts(parts), "history": history,
            "band": grading.band(current.aggregate_grade) if current else None,
            "drafts": [s for s in history if s.status == ConditionSurvey.Status.DRAFT]}


def _current_parts(tenant):
    return SurveyPart.objects.filter(tenant=tenant, survey__is_current=True, survey__building__archived=False)


def building_grades(*, tenant, category="", band=None):
    """Every active building with its current aggregate grade, worst first (not surveyed last)."""
    grades = dict(ConditionSurvey.objects.filter(tenant=tenant, is_current=True)
                  .values_list("building_id", "aggregate_grade"))
    surveyed_on = dict(ConditionSurvey.objects.filter(tenant=tenant, is_current=True)
                       .values_list("building_id", "surveyed_on"))
    rows = []
    for b in places_queries.building_list(tenant=tenant, category=category):
        b.grade = grades.get(b.pk)
        b.band = grading.band(b.grade)
        b.surveyed_on = surveyed_on.get(b.pk)
        if band == "none" and b.grade is not None or band not in (None, "none") and b.band != band:
            continue
        rows.append(b)
    rows.sort(key=lambda b: (b.grade is None, -(b.grade or 0), b.name))
    return rows


def portfolio(*, tenant) -> dict:
    """Buildings by strategic category × condition (the current aggregate grade read as TG), with
    their number and gross area per cell, and totals."""
    grades = dict(ConditionSurvey.objects.filter(tenant=tenant, is_current=True)
                  .values_list("building_id", "aggregate_grade"))
    cells = {(c, b): {"count": 0, "area": 0} for c in CATEGORIES for b in BANDS}
    for pk, category, area in places_queries.building_list(tenant=tenant).values_list(
            "pk", "strategic_category", "gross_area"):
        cell = cells[(category or "", grading.band(grades.get(pk)))]
        cell["count"] += 1
        cell["area"] += area or 0
    rows = []
    for c in CATEGORIES:
        row = [cells[(c, b)] for b in BANDS]
        rows.append({"category": c, "cells": row, "count": sum(x["count"] for x in row),
                     "area": sum(x["area"] for x in row)})
    columns = [{"count": sum(cells[(c, b)]["count"] for c in CATEGORIES),
                "area": sum(cells[(c, b)]["area"] for c in CATEGORIES)} for b in BANDS]
    surveyed = sum(col["count"] for col in columns[:4])
    total = sum(col["count"] for col in columns)
    return {"rows": rows, "columns": columns, "surveyed": surveyed, "total": total,
            "tg3_parts": _current_parts(tenant).filter(condition_grade=3).count()}


def worst_parts(*, tenant, limit=15):
    """The current surveys' parts with the highest risk (TG × KG), then the worst grade."""
    return (_current_parts(tenant).select_related("survey__building")
            .annotate(risk_value=F("condition_grade") * F("consequence_grade"))
            .order_by("-risk_value", "-condition_grade", "measure_year", "pk")[:limit])


def tg3_list(*, tenant, category=""):
    qs = _current_parts(tenant).filter(condition_grade=3).select_related("survey__building")
    if category:
        qs = qs.filter(survey__building__strategic_category=category)
    return qs.order_by("survey__building__name", "ns_code", "pk")



# --- Maintenance ------------------------------------------------------------------------------
PLAN_YEARS = 5
IN_PLAN = (Measure.Status.PLANNED, Measure.Status.IN_PROGRESS, Measure.Status.DONE)


def measure_get(*, tenant, pk):
    return get_object_or_404(Measure.objects.select_related("building", "survey_part__survey"), tenant=tenant, pk=pk)


def measure_list(*, tenant, building=None, status="", year=None, category=""):
    qs = Measure.objects.filter(tenant=tenant).select_related("building")
    if building is not None:
        qs = qs.filter(building=building)
    if status == "open":
        qs = qs.filter(status__in=Measure.OPEN)
    elif status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(planned_year=year)
    if category:
        qs = qs.filter(category=category)
    return qs.order_by(F("planned_year").asc(nulls_last=True), "priority", "building__name", "pk")


def plan_years(start=None) -> list[int]:
    start = start or timezone.localdate().year
    return list(range(start, start + PLAN_YEARS))


def five_year_plan(*, tenant, building=None, start=None) -> dict:
    """The measures planned (planned, in progress or done) in the five years from `start`, by year and
    category, against the yearly budget (for the portfolio), and the proposals not planned yet."""
    years = plan_years(start)
    qs = Measure.objects.filter(tenant=tenant, status__in=IN_PLAN, planned_year__in=years)
    proposed = Measure.objects.filter(tenant=tenant, status=Measure.Status.PROPOSED)
    if building is not None:
        qs, proposed = qs.filter(building=building), proposed.filter(building=building)
    sums = {(r["category"], r["planned_year"]): r for r in
            qs.order_by().values("category", "planned_year").annotate(total=Sum("cost"), count=Count("id"))}
    rows = []
    for value, label in Measure.Category.choices:
        cells = [sums.get((value, y), {"total": 0, "count": 0}) for y in years]
        rows.append({"category": value, "label": label, "cells": [{"total": c["total"] or 0, "count": c["count"]}
                                                                     for c in cells],
                     "total": sum((c["total"] or 0) for c in cells)})
    totals = [sum(r["cells"][i]["total"] for r in rows) for i in range(len(years))]
    budgets = dict(MaintenanceBudget.objects.filter(tenant=tenant, year__in=years).values_list("year", "amount")) \
        if building is None else {}
    balance = [budgets[y] - t if y in budgets else None for y, t in zip(years, totals)]
    waiting = proposed.aggregate(total=Sum("cost"), count=Count("id"))
    return {"years": years, "rows": rows, "totals": totals, "total": sum(totals),
            "budgets": [budgets.get(y) for y in years], "balance": balance,
            "proposed": {"total": waiting["total"] or 0, "count": waiting["count"]}}


def _backlog_filter(year):
    """The backlog of year `year` (see docs/user-guide/estate.md): measures on parts graded TG2 or TG3,
    needed by that year (due or overdue), known by then, not rejected and not completed by its end."""
    end = dt.date(year, 12, 31)
    return (Q(condition_grade__gte=2, due_year__lte=year, identified_on__lte=end)
            & ~Q(status=Measure.Status.REJECTED) & (Q(completed_on__isnull=True) | Q(completed_on__gt=end)))


def backlog(*, tenant, year=None, building=None) -> Decimal:
    qs = Measure.objects.filter(tenant=tenant).filter(_backlog_filter(year or timezone.localdate().year))
    if building is not None:
        qs = qs.filter(building=building)
    return qs.aggregate(total=Sum("cost"))["total"] or Decimal(0)


def backlog_over_time(*, tenant, building=None, first=None, last=None) -> list[dict]:
    """The backlog at the end of each year, from the first year a measure was known to this year."""
    qs = Measure.objects.filter(tenant=tenant)
    if building is not None:
        qs = qs.filter(building=building)
    last = last or timezone.localdate().year
    if first is None:
        earliest = qs.filter(condition_grade__gte=2).order_by("identified_on").values_list("identified_on",
                                                                                           flat=True).first()
        first = earliest.year if earliest else last
    return [{"year": y, "total": qs.filter(_backlog_filter(y)).aggregate(t=Sum("cost"))["t"] or Decimal(0)}
            for y in range(first, last + 1)]


def _surveyed_area(tenant):
    """Gross area of the buildings with an approved survey: the base of the backlog per m²."""
    ids = ConditionSurvey.objects.filter(tenant=tenant, is_current=True).values_list("building_id", flat=True)
    return places_queries.building_list(tenant=tenant).filter(pk__in=ids).aggregate(a=Sum("gross_area"))["a"] or 0


def per_m2(total, area):
    return (Decimal(total) / Decimal(area)).quantize(Decimal("1")) if area else None


def backlog_summary(*, tenant, year=None) -> dict:
    year = year or timezone.localdate().year
    total = backlog(tenant=tenant, year=year)
    area = _surveyed_area(tenant)
    return {"year": year, "total": total, "area": area, "per_m2": per_m2(total, area)}


def backlog_by_building(*, tenant, year=None):
    """Each building's backlog (largest first) with its gross area and NOK per m²."""
    year = year or timezone.localdate().year
    totals = dict(Measure.objects.filter(tenant=tenant).filter(_backlog_filter(year)).order_by()
                  .values("building_id").annotate(t=Sum("cost")).values_list("building_id", "t"))
    rows = []
    for b in places_queries.building_list(tenant=tenant).filter(pk__in=list(totals)):
        b.backlog = totals[b.pk]
        b.backlog_per_m2 = per_m2(b.backlog, b.gross_area)
        rows.append(b)
    rows.sort(key=lambda b: (-b.backlog, b.name))
    return rows


def building_backlog(*, tenant, building) -> dict:
    total = backlog(tenant=tenant, building=building)
    return {"backlog": total, "backlog_per_m2": per_m2(total, building.gross_area)}



# --- Energy -----------------------------------------------------------------------------------
def meter_get(*, tenant, pk):
    return get_object_or_404(Meter.objects.select_related("building"), tenant=tenant, pk=pk)


def meter_list(*, tenant, building=None):
    qs = Meter.objects.filter(tenant=tenant).select_related("building").annotate(
        reading_count=Count("readings"), last_month=Max("readings__month"))
    if building is not None:
        qs = qs.filter(building=building)
    return qs.order_by("building__name", "carrier", "number")


def readings(*, tenant, meter, year=None):
    qs = MeterReading.objects.filter(tenant=tenant, meter=meter)
    if year:
        qs = qs.filter(month__gte=dt.date(year, 1, 1), month__lte=dt.date(year, 12, 1))
    return qs.order_by("-month")


def degree_days(*, tenant):
    return DegreeDayMonth.objects.filter(tenant=tenant).order_by("-month")


def degree_day_years(*, tenant) -> dict:
    """{year: {"degree_days": sum, "normal": sum, "factor": normal/actual}} for the years with all twelve months."""
    rows = (DegreeDayMonth.objects.filter(tenant=tenant).annotate(year=ExtractYear("month")).order_by()
            .values("year").annotate(dd=Sum("degree_days"), normal=Sum("normal"), months=Count("id")))
    return {r["year"]: {"degree_days": r["dd"], "normal": r["normal"],
                        "factor": energy.correction_factor(r["dd"], r["normal"])}
            for r in rows if r["months"] == 12}


def target_get(*, tenant):
    return EnergyTarget.objects.filter(tenant=tenant).first()


def label_current(*, tenant, building):
    return EnergyLabel.objects.filter(tenant=tenant, building=building).order_by("-issued_on", "-pk").first()


def _energy_rows(tenant, building_ids=None, years=None):
    """{(building_id, year): {"kwh": total, "by_carrier": {carrier: kwh}, "months": months}} — summed per
    meter in the database, then per building and carrier here from the meters. With `years`, one query
    per year (a range on the readings' (tenant, month) index); without, the years of the given
    buildings' meters in one query. "months" is the most months any of the building's meters has."""
    meter_rows = Meter.objects.filter(tenant=tenant)
    if building_ids is not None and years is None:
        meter_rows = meter_rows.filter(building_id__in=building_ids)
    meters = {pk: (b, c) for pk, b, c in meter_rows.values_list("pk", "building_id", "carrier")}
    wanted = set(building_ids) if building_ids is not None else None
    readings = MeterReading.objects.filter(tenant=tenant).order_by()
    if years is None:
        rows = (readings.filter(meter_id__in=list(meters)).annotate(year=ExtractYear("month"))
                .values("meter_id", "year").annotate(kwh=Sum("kwh"), months=Count("id")))
    else:
        rows = [{**r, "year": y} for y in sorted(years) for r in
                readings.filter(month__gte=dt.date(y, 1, 1), month__lte=dt.date(y, 12, 1))
                .values("meter_id").annotate(kwh=Sum("kwh"), months=Count("id"))]
    out = {}
    for r in rows:
        building_id, carrier = meters[r["meter_id"]]
        if wanted is not None and building_id not in wanted:
            continue
        cell = out.setdefault((building_id, r["year"]), {"kwh": Decimal(0), "by_carrier": {}, "months": 0})
        cell["kwh"] += r["kwh"]
        cell["by_carrier"][carrier] = cell["by_carrier"].get(carrier, 0) + r["kwh"]
        cell["months"] = max(cell["months"], r["months"])
    return out


def _figures(cell, area, factors, year):
    """kWh, kWh/m² and the temperature-corrected kWh/m² of one building-year."""
    factor = factors.get(year, {}).get("factor")
    corrected = energy.corrected_kwh(cell["by_carrier"], factor)
    return {"year": year, "kwh": cell["kwh"], "months": cell["months"], "complete": cell["months"] == 12,
            "kwh_m2": energy.intensity(cell["kwh"], area), "corrected_kwh_m2": energy.intensity(corrected, area)}


def _best(row):
    """The intensity the target and the ranking compare: corrected where the degree days allow it."""
    return row["corrected_kwh_m2"] if row["corrected_kwh_m2"] is not None else row["kwh_m2"]


def building_energy(*, tenant, building) -> dict:
    """A building's energy by year (kWh, kWh/m², corrected kWh/m², the target), its meters and label,
    and the bars of its chart."""
    cells = _energy_rows(tenant, [building.pk])
    factors = degree_day_years(tenant=tenant)
    target = target_get(tenant=tenant)
    years = sorted(y for (_b, y) in cells)
    rows = [_figures(cells[(building.pk, y)], building.gross_area, factors, y) for y in years]
    base = next((r for r in rows if target and r["year"] == target.base_year), None)
    for r in rows:
        r["target_kwh_m2"] = energy.target_intensity(_best(base), target.base_year, r["year"],
                                                     target.reduction_percent) if base else None
        r["on_target"] = (r["target_kwh_m2"] is not None and _best(r) is not None
                          and _best(r) <= r["target_kwh_m2"])
    complete = [r for r in rows if r["complete"]]
    return {"rows": rows, "latest": complete[-1] if complete else None, "chart": _chart(rows),
            "meters": list(meter_list(tenant=tenant, building=building)),
            "label": label_current(tenant=tenant, building=building),
            "labels": list(EnergyLabel.objects.filter(tenant=tenant, building=building)), "target": target}


CHART_HEIGHT = 160


def _chart(rows):
    """Bars (one per year) of kWh/m², scaled to the tallest; the table beside it has the figures."""
    values = [r["kwh_m2"] or 0 for r in rows]
    top = max(values, default=0)
    bars = []
    for i, r in enumerate(rows):
        height = int(CHART_HEIGHT * (r["kwh_m2"] or 0) / top) if top else 0
        bars.append({"x": 40 + i * 36, "y": 10 + CHART_HEIGHT - height, "height": height, "year": r["year"],
                     "value": r["kwh_m2"], "complete": r["complete"]})
    return {"bars": bars, "width": 40 + 36 * len(rows) + 10, "height": CHART_HEIGHT + 40, "top": top,
            "baseline": 10 + CHART_HEIGHT}


def energy_years(*, tenant) -> list[int]:
    """The years from the first to the last reading, newest first."""
    span = MeterReading.objects.filter(tenant=tenant).aggregate(first=Min("month"), last=Max("month"))
    return list(range(span["last"].year, span["first"].year - 1, -1)) if span["first"] else []


def default_energy_year(years):
    """Last year (this year's readings are not complete yet), or the newest year with readings."""
    last = timezone.localdate().year - 1
    return last if last in years or not years else years[0]


def _energy_context(tenant, year):
    """What the ranking and the progress of `year` read: the target, the active buildings, their energy
    in the year, the year before and the base year, and the degree-day factors — read once for both."""
    target = target_get(tenant=tenant)
    buildings = {b.pk: b for b in places_queries.building_list(tenant=tenant)}
    years = {year, year - 1} | ({target.base_year} if target else set())
    return target, buildings, _energy_rows(tenant, list(buildings), years), degree_day_years(tenant=tenant)


def energy_overview(*, tenant, year) -> dict:
    """The energy page: the ranking and the progress of `year` from one read of the readings."""
    context = _energy_context(tenant, year)
    return {"ranking": energy_ranking(tenant=tenant, year=year, context=context),
            "progress": energy_progress(tenant=tenant, year=year, context=context), "corrected": year in context[3]}


def energy_ranking(*, tenant, year, context=None) -> list:
    """Every active building with readings in `year`, highest kWh/m² (corrected where possible) first,
    with the change from the year before and its target for the year."""
    target, buildings, cells, factors = context or _energy_context(tenant, year)
    rows = []
    for (pk, y), cell in cells.items():
        if y != year:
            continue
        b = buildings[pk]
        b.energy = _figures(cell, b.gross_area, factors, y)
        b.energy_value = _best(b.energy)
        before = cells.get((pk, year - 1))
        b.energy_change = energy.change_percent(
            b.energy_value, _best(_figures(before, b.gross_area, factors, year - 1)) if before else None)
        base = cells.get((pk, target.base_year)) if target else None
        b.energy_target = energy.target_intensity(_best(_figures(base, b.gross_area, factors, target.base_year)),
                                                  target.base_year, year, target.reduction_percent) if base else None
        b.on_target = b.energy_target is not None and b.energy_value is not None and b.energy_value <= b.energy_target
        rows.append(b)
    rows.sort(key=lambda b: (b.energy_value is None, -(b.energy_value or 0), b.name))
    for rank, b in enumerate(rows, 1):
        b.rank = rank
    return rows


def energy_progress(*, tenant, year, context=None) -> dict | None:
    """The portfolio against the target in `year`: the buildings with readings in both the base year
    and `year`, their kWh/m² (corrected where possible) then and now, the target and the reduction."""
    target, buildings, cells, factors = context or _energy_context(tenant, year)
    if target is None:
        return None
    both = [pk for pk, b in buildings.items() if b.gross_area and (pk, target.base_year) in cells
            and (pk, year) in cells]
    area = sum((buildings[pk].gross_area for pk in both), Decimal(0))

    def total(y):
        t = Decimal(0)
        for pk in both:
            cell = cells[(pk, y)]
            corrected = energy.corrected_kwh(cell["by_carrier"], factors.get(y, {}).get("factor"))
            t += corrected if corrected is not None else cell["kwh"]
        return t

    base = energy.intensity(total(target.base_year), area) if both else None
    now = energy.intensity(total(year), area) if both else None
    goal = energy.target_intensity(base, target.base_year, year, target.reduction_percent)
    return {"target": target, "year": year, "buildings": len(both), "area": area, "base": base, "now": now,
            "goal": goal, "change": energy.change_percent(now, base),
            "goal_change": energy.change_percent(goal, base),
            "on_target": goal is not None and now is not None and now <= goal}


# --- Operating costs --------------------------------------------------------------------------
def _cost_sums(qs):
    """Operating costs without double counting: the total is management + operation + maintenance, where
    operation is the KOSTRA operation (cleaning and energy are of it); a function/year with cleaning or
    energy but no operation counts their sum as its operation."""
    cells = {}
    for r in qs.order_by().values("building_id", "year", "kostra_function", "kind").annotate(a=Sum("amount")):
        cell = cells.setdefault((r["building_id"], r["year"], r["kostra_function"]), {})
        cell[r["kind"]] = r["a"]
    out = {}
    for (pk, year, _function), kinds in cells.items():
        row = out.setdefault((pk, year), {k: Decimal(0) for k in OperatingCost.Kind.values})
        operation = kinds.get("operation")
        if operation is None:
            operation = kinds.get("cleaning", 0) + kinds.get("energy", 0)
        row["operation"] += operation
        for kind in ("management", "maintenance", "cleaning", "energy"):
            row[kind] += kinds.get(kind, 0)
    for row in out.values():
        row["total"] = row["management"] + row["operation"] + row["maintenance"]
    return out


def cost_years(*, tenant) -> list[int]:
    return list(OperatingCost.objects.filter(tenant=tenant).order_by("-year").values_list("year", flat=True)
                .distinct())


def operating_costs(*, tenant, year) -> dict:
    """Each building's operating costs in `year` (NOK and NOK/m²), largest per m² first, and the totals."""
    sums = _cost_sums(OperatingCost.objects.filter(tenant=tenant, year=year))
    rows = []
    for b in places_queries.building_list(tenant=tenant).filter(pk__in=[pk for pk, _y in sums]):
        b.costs = sums[(b.pk, year)]
        b.costs_per_m2 = {k: per_m2(v, b.gross_area) for k, v in b.costs.items()}
        rows.append(b)
    rows.sort(key=lambda b: (b.costs_per_m2["total"] is None, -(b.costs_per_m2["total"] or 0), b.name))
    totals = {k: sum((b.costs[k] for b in rows), Decimal(0)) for k in [*OperatingCost.Kind.values, "total"]}
    area = sum((b.gross_area or 0 for b in rows), Decimal(0))
    functions = (OperatingCost.objects.filter(tenant=tenant, year=year).order_by().values("kostra_function")
                 .annotate(buildings=Count("building", distinct=True)))
    return {"year": year, "rows": rows, "totals": totals, "area": area,
            "totals_per_m2": {k: per_m2(v, area) for k, v in totals.items()},
            "functions": [f["kostra_function"] for f in functions]}


def building_costs(*, tenant, building) -> list[dict]:
    """A building's operating costs per year (NOK and NOK/m²), newest first."""
    sums = _cost_sums(OperatingCost.objects.filter(tenant=tenant, building=building))
    return [{"year": year, **row, "per_m2": per_m2(row["total"], building.gross_area)}
            for (_pk, year), row in sorted(sums.items(), key=lambda kv: -kv[0][1])]


def building_energy_summary(*, tenant, building) -> dict:
    """The building page's energy panel: the latest complete year, the label and the latest costs."""
    data = building_energy(tenant=tenant, building=building)
    costs = building_costs(tenant=tenant, building=building)
    return {"latest": data["latest"], "label": data["label"], "meters": len(data["meters"]),
            "costs": costs[0] if costs else None}
