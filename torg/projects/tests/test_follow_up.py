"""Monthly status reports (late ones flagged), risks (5 × 5, stale reviews), dependencies (no circles)
and benefits measured past the project's end — through services, pages and the API."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from torg.projects import queries, services
from torg.projects.models import Project

LIGHTS = dict(overall="green", schedule="green", cost="yellow", scope="green", risk="green", benefits="green")


def _months_ago(n):
    month = timezone.localdate().replace(day=1)
    for _i in range(n):
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return month


def test_status_reports_one_per_month_and_late_ones_flagged(project, property_manager, employee):
    late = services.status_report_submit(actor=property_manager, project=project, period=_months_ago(2),
                                         comment="Forsinket levering av skisser.", spent=1_200_000,
                                         forecast=460_000_000, **{**LIGHTS, "overall": "red"})
    assert late.is_late and late.due_on == services.report_due_on(_months_ago(2))
    with pytest.raises(ValidationError):
        services.status_report_submit(actor=property_manager, project=project, period=_months_ago(2), **LIGHTS)
    with pytest.raises(ValidationError):  # not a month to come
        services.status_report_submit(actor=property_manager, project=project,
                                      period=timezone.localdate() + dt.timedelta(days=40), **LIGHTS)
    with pytest.raises(PermissionDenied):
        services.status_report_submit(actor=employee, project=project, period=_months_ago(1), **LIGHTS)
    row = queries.with_latest_report(queries.portfolio(tenant=project.tenant)).get(pk=project.pk)
    assert (row.report_overall, row.report_late, row.spent, row.forecast) == ("red", True, 1_200_000, 460_000_000)


def test_a_missing_report_is_flagged(project):
    today = dt.date(2027, 3, 10)
    row = queries.with_latest_report(queries.portfolio(tenant=project.tenant)).get(pk=project.pk)
    assert queries.report_missing(row, today)
    Project.objects.filter(pk=project.pk).update(starts_on=dt.date(2027, 3, 1))
    row = queries.with_latest_report(queries.portfolio(tenant=project.tenant)).get(pk=project.pk)
    assert not queries.report_missing(row, today)
    assert queries.expected_period(dt.date(2027, 3, 10)) == dt.date(2027, 2, 1)
    assert queries.expected_period(dt.date(2027, 3, 5)) == dt.date(2027, 1, 1)


def test_risks_heat_map_and_stale_reviews(project, property_manager, client_for, employee):
    services.risk_create(actor=property_manager, project=project, title="Byggekostnadene stiger", probability=4,
                         consequence=5, owner=property_manager, measures="Fastpriskontrakt",
                         residual_probability=2, residual_consequence=5, review_on=dt.date(2020, 1, 1))
    services.risk_create(actor=property_manager, project=project, title="Reguleringen trekker ut", probability=2,
                         consequence=3)
    with pytest.raises(ValidationError):  # after-measures needs both
        services.risk_create(actor=property_manager, project=project, title="X", probability=1, consequence=1,
                             residual_probability=1)
    matrix = dict(queries.risk_matrix(list(queries.risks(project=project))))
    assert len(matrix[5][3]["risks"]) == 1 and matrix[5][3]["level"] == "high"
    assert len(matrix[3][1]["risks"]) == 1 and matrix[3][1]["level"] == "medium"
    page = client_for(employee).get(f"/projects/{project.pk}/").content.decode()
    assert "Byggekostnadene stiger" in page and ("Revisjon forfalt" in page or "Review overdue" in page)


def test_dependencies_refuse_circles(project, tenant, admin_user, property_manager, pvv_model):
    other = services.project_create(actor=admin_user, tenant=tenant, name="Digitale løsninger", model=pvv_model,
                                    owner=admin_user, manager=property_manager)
    services.dependency_add(actor=property_manager, project=project, depends_on=other, description="Bookingløsning")
    with pytest.raises(ValidationError):
        services.dependency_add(actor=property_manager, project=other, depends_on=project)
    with pytest.raises(ValidationError):
        services.dependency_add(actor=property_manager, project=project, depends_on=project)


def test_benefits_are_measured_after_the_project_closed(project, admin_user, property_manager, employee, citizen):
    benefit = services.benefit_create(actor=property_manager, project=project, title="Mindre energibruk",
                                      indicator="kWh per m² per år", unit="kWh/m²", baseline=180, target=110,
                                      owner=employee)
    Project.objects.filter(pk=project.pk).update(status="closed")
    services.measurement_record(actor=employee, benefit=benefit, measured_on=dt.date(2026, 1, 31), value=105)
    with pytest.raises(PermissionDenied):
        services.measurement_record(actor=citizen, benefit=benefit, measured_on=dt.date(2026, 1, 31), value=1)
    assert queries.benefit_summary(projects=[project.pk]) == {project.pk: (1, 1)}


def test_follow_up_api(project, api_as, property_manager, employee, tenant, other_admin, other_tenant):
    call = api_as(property_manager, tenant)
    r = call("post", f"/api/v1/projects/projects/{project.pk}/status-reports",
             {"period": _months_ago(3).isoformat(), **LIGHTS, "overall": "red"})
    assert r.status_code == 201 and r.json()["is_late"] is True
    assert call("post", f"/api/v1/projects/projects/{project.pk}/status-reports",
                {"period": _months_ago(1).isoformat(), **LIGHTS, "overall": "purple"}).status_code == 422
    r = call("post", f"/api/v1/projects/projects/{project.pk}/risks",
             {"title": "Leverandør går konkurs", "probability": 2, "consequence": 4})
    assert r.status_code == 201 and r.json()["score"] == 8
    assert call("patch", f"/api/v1/projects/risks/{r.json()['id']}", {"probability": 6}).status_code == 422
    assert call("patch", f"/api/v1/projects/risks/{r.json()['id']}", {"closed": True}).json()["closed"] is True
    b = call("post", f"/api/v1/projects/projects/{project.pk}/benefits",
             {"title": "Færre henvendelser", "indicator": "henvendelser per uke", "baseline": 400, "target": 250,
              "owner_id": employee.pk})
    assert b.status_code == 201
    m = api_as(employee, tenant)("post", f"/api/v1/projects/benefits/{b.json()['id']}/measurements",
                                 {"measured_on": "2026-06-30", "value": 310})
    assert m.status_code == 201
    assert call("get", f"/api/v1/projects/projects/{project.pk}/benefits").json()[0]["measurements"][0]["value"] == 310
    other = api_as(other_admin, other_tenant)
    assert other("get", f"/api/v1/projects/projects/{project.pk}/risks").status_code == 404
    assert other("post", f"/api/v1/projects/benefits/{b.json()['id']}/measurements",
                 {"measured_on": "2026-06-30", "value": 1}).status_code == 404


def test_the_project_page_after_a_phase_change_names_the_phases(project, admin_user, property_manager, client_for):
    from .conftest import bp, meet_all

    decision = bp(project, "BP1")
    meet_all(decision, property_manager)
    services.decision_transition(actor=property_manager, decision=decision, status="submitted")
    services.decision_transition(actor=admin_user, decision=decision, status="approved", released_amount=1_000_000)
    page = client_for(admin_user).get(f"/projects/{project.pk}/")
    assert page.status_code == 200 and "Konseptfase" in page.content.decode()
