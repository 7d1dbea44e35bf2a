"""Reads of the estate module; every function is scoped by tenant. Places are read through
`torg.places.queries`."""

import datetime as dt
from collections import Counter
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from torg.places import queries as places_queries

from . import grading
from .models import ConditionSurvey, MaintenanceBudget, Measure, SurveyPart, SurveyPartPhoto

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
