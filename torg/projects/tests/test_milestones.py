"""Milestones as data: planned and reached dates, overdue ones flagged; the project's and the
portfolio's timeline (an SVG with a table that says the same); the API with the same rules."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from torg.projects import queries, services
from torg.projects.models import Milestone


def test_milestones_planned_reached_and_overdue(project, property_manager, employee):
    today = timezone.localdate()
    late = services.milestone_create(actor=property_manager, project=project, title="Konseptvalg",
                                     due_on=today - dt.timedelta(days=10))
    done = services.milestone_create(actor=property_manager, project=project, title="Mandat godkjent",
                                     due_on=today - dt.timedelta(days=40), reached_on=today - dt.timedelta(days=35))
    services.milestone_create(actor=property_manager, project=project, title="Anbud", due_on=today + dt.timedelta(days=90))
    assert late.is_overdue(today) and not done.is_overdue(today)
    with pytest.raises(ValidationError):  # not reached in the future
        services.milestone_update(actor=property_manager, milestone=late, reached_on=today + dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        services.milestone_create(actor=property_manager, project=project, title="  ", due_on=today)
    with pytest.raises(PermissionDenied):  # the steering group member may look, not change
        services.milestone_create(actor=employee, project=project, title="X", due_on=today)
    services.milestone_update(actor=property_manager, milestone=late, reached_on=today)
    assert not Milestone.objects.get(pk=late.pk).is_overdue(today)
    assert [m.title for m in queries.milestone_list(tenant=project.tenant, overdue=False)] == [
        "Mandat godkjent", "Konseptvalg", "Anbud"]


def test_timeline_places_bars_and_marks_on_one_axis(project, property_manager, admin_user, django_assert_max_num_queries):
    project.starts_on, project.ends_on = dt.date(2026, 1, 1), dt.date(2028, 12, 31)
    project.save()
    services.milestone_create(actor=property_manager, project=project, title="Halvveis", due_on=dt.date(2027, 7, 2))
    other = services.project_create(actor=admin_user, tenant=project.tenant, name="Kort prosjekt", model=project.model,
                                    owner=admin_user, manager=property_manager, starts_on=dt.date(2027, 1, 1),
                                    ends_on=dt.date(2027, 6, 30))
    with django_assert_max_num_queries(2):  # milestones and decisions, for any number of projects
        data = queries.timeline(projects=[project, other], today=dt.date(2026, 12, 1))
    assert (data["start"], data["end"]) == (dt.date(2026, 1, 1), dt.date(2028, 12, 31))
    first, second = data["rows"]
    assert first["x"] == 230 and round(first["x"] + first["width"]) == 990  # the whole axis
    assert second["x"] > first["x"] and second["width"] < first["width"] / 5
    mark = first["marks"][0]
    assert mark["state"] == "coming" and 600 < mark["x"] < 620  # the middle of the axis
    assert [y["year"] for y in data["years"]] == [2026, 2027, 2028]


def test_pages_show_the_timeline_and_its_table(project, property_manager, client_for, employee):
    today = timezone.localdate()
    services.milestone_create(actor=property_manager, project=project, title="Konseptvalg",
                              due_on=today - dt.timedelta(days=3))
    page = client_for(employee).get(f"/projects/{project.pk}/").content.decode()
    assert "<svg" in page and "Konseptvalg" in page and "Forsinket" in page  # overdue, in bokmål
    assert "/projects/milestones/" not in page  # the steering group member may not edit
    timeline = client_for(employee).get("/projects/timeline/?status=active")
    assert timeline.status_code == 200
    body = timeline.content.decode()
    assert "Nye Flytårnet skole" in body and "1 milepæl forsinket" in body

    manager = client_for(property_manager)
    r = manager.post(f"/projects/{project.pk}/milestones/new/", {"title": "Anbud", "due_on": "2031-02-01"})
    assert r.status_code == 302
    milestone = Milestone.objects.get(title="Anbud")
    r = manager.post(f"/projects/milestones/{milestone.pk}/edit/",
                     {"title": "Anbud kunngjort", "due_on": "2031-03-01", "reached_on": "", "comment": "Doffin"})
    assert r.status_code == 302 and Milestone.objects.get(pk=milestone.pk).title == "Anbud kunngjort"
    assert client_for(employee).post(f"/projects/milestones/{milestone.pk}/remove/").status_code == 403
    manager = client_for(property_manager)  # one test client: log the manager in again
    assert manager.post(f"/projects/milestones/{milestone.pk}/remove/").status_code == 302
    assert not Milestone.objects.filter(pk=milestone.pk).exists()


def test_milestones_api(project, tenant, property_manager, employee, other_admin, other_tenant, api_as):
    manager = api_as(property_manager, tenant)
    r = manager("post", f"/api/v1/projects/projects/{project.pk}/milestones",
                {"title": "Konseptvalg", "due_on": "2020-05-01"})
    assert r.status_code == 201 and r.json()["overdue"] is True
    pk = r.json()["id"]
    r = manager("patch", f"/api/v1/projects/milestones/{pk}", {"reached_on": "2020-05-03", "comment": None})
    assert r.status_code == 200 and r.json()["overdue"] is False and r.json()["comment"] == ""
    r = manager("patch", f"/api/v1/projects/milestones/{pk}", {"reached_on": "2999-01-01"})
    assert r.status_code == 422 and "reached_on" in r.json()["detail"]
    staff = api_as(employee, tenant)
    assert [m["title"] for m in staff("get", f"/api/v1/projects/projects/{project.pk}/milestones").json()] == ["Konseptvalg"]
    assert staff("get", "/api/v1/projects/milestones?overdue=true").json()["count"] == 0
    assert staff("patch", f"/api/v1/projects/milestones/{pk}", {"title": "X"}).status_code == 403
    other = api_as(other_admin, other_tenant)
    assert other("get", f"/api/v1/projects/projects/{project.pk}/milestones").status_code == 404
    assert other("delete", f"/api/v1/projects/milestones/{pk}").status_code == 404
    assert other("get", "/api/v1/projects/milestones").json()["count"] == 0
    assert manager("delete", f"/api/v1/projects/milestones/{pk}").status_code == 204
    assert not Milestone.objects.filter(pk=pk).exists()
