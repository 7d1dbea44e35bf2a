"""Reads of the estate module; every function is scoped by tenant. Places are read through
`torg.places.queries`."""

from collections import Counter

from django.db.models import Count, F, Q
from django.shortcuts import get_object_or_404

from torg.places import queries as places_queries

from . import grading
from .models import ConditionSurvey, SurveyPart, SurveyPartPhoto

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

