"""Maintenance: measures from surveys and by hand, the measure machine's side effects, the five-year
plan against the budget, and the backlog from a small data set with hand-checked numbers."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from torg.estate import queries, services
from torg.estate.models import Measure


def test_approving_a_survey_proposes_its_measures_once(approved, admin_user, tenant, building):
    # the fixture's survey: 23 TG2 450 000 (2028), 26 TG3 1 200 000 (2027), 43 TG2 80 000 (2029); 31 has none
    measures = {m.ns_code: m for m in Measure.objects.filter(building=building)}
    assert set(measures) == {"23", "26", "43"}
    roof = measures["26"]
    assert (roof.status, roof.cost, roof.due_year, roof.condition_grade, roof.priority) == (
        "proposed", Decimal("1200000"), 2027, 3, Measure.Priority.HIGH)
    assert roof.identified_on == dt.date(2026, 5, 14)
    # a correction that lowers the roof's cost updates the open proposal instead of adding one
    draft = services.survey_correct(actor=admin_user, survey=approved)
    services.part_update(actor=admin_user, part=draft.parts.get(ns_code="26"), measure_cost=900000)
    services.survey_set_status(actor=admin_user, survey=draft, status="approved")
    assert Measure.objects.filter(building=building).count() == 3
    roof.refresh_from_db()
    assert roof.cost == Decimal("900000") and roof.survey_part.survey == draft


def _measure(actor, tenant, building, **fields):
    data = {"description": "Tiltak", "cost": 100000, "condition_grade": 2, "due_year": 2020} | fields
    return services.measure_create(actor=actor, tenant=tenant, building=building, **data)


def _set(measure, **fields):
    Measure.objects.filter(pk=measure.pk).update(**fields)


def test_backlog_from_hand_checked_numbers(admin_user, tenant, building):
    """Backlog(Y) = Σ cost of measures with TG2/TG3, due by Y, known by Y, not rejected, not completed by
    the end of Y."""
    a = _measure(admin_user, tenant, building, description="A", cost=100000, due_year=2020)   # TG2, open
    b = _measure(admin_user, tenant, building, description="B", cost=200000, due_year=2022, condition_grade=3)
    c = _measure(admin_user, tenant, building, description="C", cost=400000, due_year=2021)   # done in 2023
    d = _measure(admin_user, tenant, building, description="D", cost=800000, due_year=2020, condition_grade=1)
    e = _measure(admin_user, tenant, building, description="E", cost=1600000, due_year=2020)  # rejected
    f = _measure(admin_user, tenant, building, description="F", cost=3200000, due_year=2030)  # not due yet
    for m in (a, b, c, d, e, f):
        _set(m, identified_on=dt.date(2019, 6, 1))
    _set(c, status="done", completed_on=dt.date(2023, 3, 1))
    _set(e, status="rejected")
    years = {r["year"]: r["total"] for r in queries.backlog_over_time(tenant=tenant, first=2019, last=2024)}
    assert years == {2019: 0, 2020: 100000, 2021: 500000, 2022: 700000, 2023: 300000, 2024: 300000}
    assert queries.backlog(tenant=tenant, year=2024, building=building) == Decimal("300000")
    summary = queries.backlog_summary(tenant=tenant, year=2024)
    assert summary["total"] == Decimal("300000") and summary["per_m2"] is None  # no survey: no surveyed area
    rows = queries.backlog_by_building(tenant=tenant, year=2024)
    assert [(r.name, r.backlog, r.backlog_per_m2) for r in rows] == [("Testhuset", Decimal("300000"), 250)]


def test_five_year_plan_by_year_and_category_against_the_budget(admin_user, tenant, building):
    this = dt.date.today().year
    roof = _measure(admin_user, tenant, building, description="Tak", cost=500000, planned_year=this + 1)
    services.measure_set_status(actor=admin_user, measure=roof, status="planned")
    light = _measure(admin_user, tenant, building, description="LED", cost=150000, category="energy")
    services.measure_set_status(actor=admin_user, measure=light, status="planned", planned_year=this + 1)
    _measure(admin_user, tenant, building, description="Forslag", cost=70000)
    services.budget_set(actor=admin_user, tenant=tenant, year=this + 1, amount=600000)
    services.budget_set(actor=admin_user, tenant=tenant, year=this + 1, amount=600000)  # set again: one row
    plan = queries.five_year_plan(tenant=tenant)
    assert plan["years"] == list(range(this, this + 5))
    rows = {r["category"]: r for r in plan["rows"]}
    assert rows["maintenance"]["cells"][1]["total"] == 500000 and rows["energy"]["cells"][1]["total"] == 150000
    assert plan["totals"][1] == 650000 and plan["budgets"][1] == 600000 and plan["balance"][1] == -50000
    assert plan["proposed"] == {"total": 70000, "count": 1}
    assert queries.five_year_plan(tenant=tenant, building=building)["totals"][1] == 650000


def test_measure_rules(admin_user, employee, tenant, building):
    m = _measure(admin_user, tenant, building)
    with pytest.raises(ValidationError):
        services.measure_set_status(actor=admin_user, measure=m, status="planned")  # no planned year
    with pytest.raises(ValidationError):
        services.measure_set_status(actor=admin_user, measure=m, status="done")  # not declared from proposed
    with pytest.raises(PermissionDenied):
        _measure(employee, tenant, building)
    with pytest.raises(ValidationError):
        _measure(admin_user, tenant, building, ns_code="98")
    services.measure_set_status(actor=admin_user, measure=m, status="planned", planned_year=2027)
    services.measure_set_status(actor=admin_user, measure=m, status="in_progress")
    done = services.measure_set_status(actor=admin_user, measure=m, status="done")
    assert done.completed_on == dt.date.today()
    with pytest.raises(ValidationError):
        services.measure_update(actor=admin_user, measure=done, cost=1)


def test_maintenance_pages_and_api(approved, admin_user, employee, other_admin, other_tenant, tenant, building,
                                   client_for, api_as):
    measure = Measure.objects.get(ns_code="26")
    client = client_for(admin_user)
    for url in ("/estate/maintenance/", "/estate/backlog/", "/estate/measures/", f"/estate/measures/{measure.pk}/",
                f"/estate/buildings/{building.pk}/"):
        assert client.get(url).status_code == 200, url
    response = client.post(f"/estate/measures/{measure.pk}/status/", {"status": "planned", "planned_year": "2027"})
    measure.refresh_from_db()
    assert response.status_code == 302 and measure.status == "planned" and measure.planned_year == 2027
    assert client.post("/estate/maintenance/?from=2027", {"year": "2027", "amount": "2000000"}).status_code == 302
    assert client_for(employee).post("/estate/maintenance/?from=2027", {"year": "2027", "amount": "1"}).status_code == 403
    api = api_as(admin_user, tenant)
    assert Decimal(api("get", "/api/v1/estate/plan?start=2027").json()["totals"][0]) == 1200000
    created = api("post", "/api/v1/estate/measures", {"building_id": building.pk, "description": "Nye vinduer",
                                                      "cost": 300000, "condition_grade": 2, "due_year": 2026})
    assert created.status_code == 201 and created.json()["status"] == "proposed"
    assert [t["to_status"] for t in created.json()["allowed_transitions"]] == ["planned", "rejected"]
    assert api("post", f"/api/v1/estate/measures/{created.json()['id']}/status",
               {"status": "rejected"}).status_code == 422  # a reason is required
    backlog = api("get", "/api/v1/estate/backlog").json()
    assert Decimal(backlog["total"]) >= 300000
    other = api_as(other_admin, other_tenant)
    assert other("get", f"/api/v1/estate/measures/{measure.pk}").status_code == 404
    assert client_for(other_admin).get(f"/estate/measures/{measure.pk}/").status_code == 404
