"""Condition surveys through the services: grading, approval, immutability, corrections as new
versions, the building's condition over time and the portfolio figures — from hand-checked numbers."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from torg.core.models import AuditEvent
from torg.estate import grading, queries, services
from torg.estate.models import ConditionSurvey, SurveyPart

from .conftest import png


def test_aggregate_grade_is_the_documented_weighting():
    # building 2.5 × 50, HVAC 1 × 20, electrical 2 × 15 → 175 / 85 = 2.0588…
    assert grading.aggregate_grade([("23", 2), ("26", 3), ("31", 1), ("43", 2)]) == Decimal("2.06")
    # Only the groups surveyed count: a roof alone is its own grade.
    assert grading.aggregate_grade([("26", 3)]) == Decimal("3.00")
    assert grading.aggregate_grade([]) is None
    assert [grading.band(Decimal(x)) for x in ("0.49", "0.5", "1.49", "1.5", "2.49", "2.5")] == [0, 1, 1, 2, 2, 3]


def test_approval_keeps_the_grade_and_makes_the_survey_current(approved, building, tenant):
    approved.refresh_from_db()
    assert approved.status == "approved" and approved.is_current
    assert approved.aggregate_grade == Decimal("2.06") and approved.approved_at
    condition = queries.building_condition(tenant=tenant, building=building)
    assert condition["current"] == approved and condition["grade_counts"] == [0, 1, 2, 1] and condition["band"] == 2


def test_an_approved_survey_is_immutable(approved, admin_user, media):
    part = approved.parts.get(ns_code="26")
    for attempt in (lambda: services.part_update(actor=admin_user, part=part, condition_grade=1),
                    lambda: services.part_add(actor=admin_user, survey=approved, ns_code="24", condition_grade=1),
                    lambda: services.part_remove(actor=admin_user, part=part),
                    lambda: services.part_photo_add(actor=admin_user, part=part, upload=png()),
                    lambda: services.survey_update(actor=admin_user, survey=approved, surveyor="Noen andre")):
        with pytest.raises(ValidationError):
            attempt()
    part.refresh_from_db()
    assert part.condition_grade == 3 and approved.parts.count() == 4


def test_a_correction_is_a_new_version_and_supersedes_on_approval(approved, admin_user, building, tenant, media):
    services.part_photo_add(actor=admin_user, part=SurveyPart.objects.create(
        tenant=tenant, survey=ConditionSurvey.objects.create(tenant=tenant, building=building,
                                                             surveyed_on=dt.date(2020, 1, 1), surveyor="x"),
        ns_code="21", condition_grade=1), upload=png())  # an unrelated draft's photo is left alone
    draft = services.survey_correct(actor=admin_user, survey=approved)
    assert services.survey_correct(actor=admin_user, survey=approved) == draft  # one open correction
    assert draft.version == 2 and draft.replaces == approved and draft.status == "draft"
    assert sorted(draft.parts.values_list("ns_code", "condition_grade")) == [("23", 2), ("26", 3), ("31", 1), ("43", 2)]
    roof = draft.parts.get(ns_code="26")
    services.part_update(actor=admin_user, part=roof, condition_grade=2, description="Lekkasjen var utbedret")
    services.part_photo_add(actor=admin_user, part=roof, upload=png())
    approved.refresh_from_db()
    assert approved.is_current and approved.parts.get(ns_code="26").condition_grade == 3  # untouched meanwhile

    services.survey_set_status(actor=admin_user, survey=draft, status="approved")
    approved.refresh_from_db()
    draft.refresh_from_db()
    assert approved.status == "superseded" and not approved.is_current
    assert draft.is_current and draft.aggregate_grade == Decimal("1.76")  # (2 × 50 + 1 × 20 + 2 × 15) / 85
    history = queries.building_condition(tenant=tenant, building=building)["history"]
    assert [(s.version, s.status) for s in history if s.surveyor == "Takst AS"] == [(2, "approved"), (1, "superseded")]
    assert AuditEvent.objects.filter(action="condition_survey_supersede", object_id=str(approved.pk)).count() == 1


def test_a_later_survey_becomes_current_and_the_earlier_one_is_kept(approved, admin_user, building, tenant):
    older = services.survey_create(actor=admin_user, tenant=tenant, building=building,
                                   surveyed_on=dt.date(2014, 6, 1), surveyor="Overordnet kartlegging 2014")
    services.part_add(actor=admin_user, survey=older, ns_code="26", condition_grade=1)
    services.survey_set_status(actor=admin_user, survey=older, status="approved")
    approved.refresh_from_db()
    older.refresh_from_db()
    assert approved.is_current and not older.is_current and older.status == "approved"  # by date, not by entry


def test_rules_of_a_part(survey, admin_user):
    with pytest.raises(ValidationError) as exc:
        services.part_add(actor=admin_user, survey=survey, ns_code="99", condition_grade=2)
    assert "ns_code" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.part_add(actor=admin_user, survey=survey, ns_code="23", condition_grade=2, measure_cost=1000)
    with pytest.raises(ValidationError):
        services.part_add(actor=admin_user, survey=survey, ns_code="23", condition_grade=2, measure="x",
                          measure_cost=-5)
    with pytest.raises(ValidationError):
        services.part_add(actor=admin_user, survey=survey, ns_code="23", condition_grade=4)
    assert survey.parts.count() == 4


def test_no_approval_without_parts_nor_a_survey_in_the_future(admin_user, tenant, building):
    empty = services.survey_create(actor=admin_user, tenant=tenant, building=building,
                                   surveyed_on=dt.date(2026, 1, 5), surveyor="Takst AS")
    with pytest.raises(ValidationError):
        services.survey_set_status(actor=admin_user, survey=empty, status="approved")
    with pytest.raises(ValidationError):
        services.survey_create(actor=admin_user, tenant=tenant, building=building,
                               surveyed_on=dt.date.today() + dt.timedelta(days=2), surveyor="Takst AS")


def test_only_managers_write_and_never_across_municipalities(survey, employee, property_manager, other_admin,
                                                             other_tenant, building):
    with pytest.raises(PermissionDenied):
        services.part_add(actor=employee, survey=survey, ns_code="23", condition_grade=1)
    services.part_add(actor=property_manager, survey=survey, ns_code="24", condition_grade=1)
    with pytest.raises(PermissionDenied):
        services.part_add(actor=other_admin, survey=survey, ns_code="23", condition_grade=1)
    with pytest.raises(ValidationError):
        services.survey_create(actor=other_admin, tenant=other_tenant, building=building,
                               surveyed_on=dt.date(2026, 1, 5), surveyor="x")


def test_portfolio_matrix_worst_parts_and_tg3_list(approved, admin_user, tenant):
    from torg.places import services as places_services

    prop = places_services.property_create(actor=admin_user, tenant=tenant, gnr=2, bnr=1)
    places_services.building_create(actor=admin_user, tenant=tenant, property=prop, name="Uregistrert",
                                    gross_area=500, strategic_category="C")
    p = queries.portfolio(tenant=tenant)
    rows = {r["category"]: r for r in p["rows"]}
    assert rows["A"]["cells"][2] == {"count": 1, "area": Decimal("1200.0")}  # Testhuset: category A, TG2
    assert rows["C"]["cells"][4]["count"] == 1  # not surveyed
    assert (p["surveyed"], p["total"], p["tg3_parts"]) == (1, 2, 1)
    worst = list(queries.worst_parts(tenant=tenant))
    assert [(w.ns_code, w.risk_score, w.risk) for w in worst[:2]] == [("26", 9, "high"), ("23", 4, "medium")]
    assert [t.ns_code for t in queries.tg3_list(tenant=tenant)] == ["26"]
    assert [t.ns_code for t in queries.tg3_list(tenant=tenant, category="B")] == []
