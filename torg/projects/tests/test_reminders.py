"""Status report reminders: from three days before the report is due, once per project and month
(the daily run is idempotent), not for projects that reported, stopped or had not started; the
e-mail goes through the task after commit; the page and the API show it."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command

from torg.projects import queries, services
from torg.projects.models import Project, ReportReminder, StatusReport
from torg.projects.tasks import send_report_reminders

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
LIGHTS = dict(overall="green", schedule="green", cost="green", scope="green", risk="green", benefits="green")


@pytest.fixture
def immediate(settings):
    settings.TASKS = IMMEDIATE
    settings.TORG_TASKS_INLINE = True
    settings.TORG_PUBLIC_BASE_URL = "https://torg.example.no"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_reminder_window():
    assert queries.reminder_period(dt.date(2027, 3, 1)) == (dt.date(2027, 2, 1), dt.date(2027, 3, 5), False)
    assert queries.reminder_period(dt.date(2027, 3, 2))[2] and queries.reminder_period(dt.date(2027, 3, 5))[2]
    assert queries.reminder_period(dt.date(2027, 3, 6)) == (dt.date(2027, 3, 1), dt.date(2027, 4, 5), False)
    assert queries.reminder_period(dt.date(2027, 1, 3)) == (dt.date(2026, 12, 1), dt.date(2027, 1, 5), True)


def test_reminded_once_per_project_and_month(project, admin_user, property_manager, immediate,
                                             django_capture_on_commit_callbacks):
    property_manager.email = "eiendom@storvik.kommune.no"
    property_manager.save()
    reported = services.project_create(actor=admin_user, tenant=project.tenant, name="Rapportert", model=project.model,
                                       owner=admin_user, manager=admin_user)
    StatusReport.objects.create(tenant=project.tenant, project=reported, period=dt.date(2027, 2, 1), due_on=dt.date(2027, 3, 5),
                                submitted_on=dt.date(2027, 3, 1), **LIGHTS)
    stopped = services.project_create(actor=admin_user, tenant=project.tenant, name="Stoppet", model=project.model,
                                      owner=admin_user, manager=admin_user)
    Project.objects.filter(pk=stopped.pk).update(status=Project.Status.STOPPED)
    later = services.project_create(actor=admin_user, tenant=project.tenant, name="Starter i mars", model=project.model,
                                    owner=admin_user, manager=admin_user, starts_on=dt.date(2027, 3, 1))
    assert services.report_reminders_send(today=dt.date(2027, 3, 1)) == []  # too early
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.report_reminders_send(today=dt.date(2027, 3, 3))
    assert [r.project for r in sent] == [project]  # not the one that reported, stopped or started after February
    assert (sent[0].period, sent[0].due_on, sent[0].sent_to) == (dt.date(2027, 2, 1), dt.date(2027, 3, 5),
                                                                 "eiendom@storvik.kommune.no")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["eiendom@storvik.kommune.no"]
    assert "02.2027" in mail.outbox[0].subject and "05.03.2027" in mail.outbox[0].body
    assert f"https://torg.example.no/projects/{project.pk}/reports/new/" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):  # the next day's run: nothing new
        assert services.report_reminders_send(today=dt.date(2027, 3, 4)) == []
    assert len(mail.outbox) == 1 and ReportReminder.objects.count() == 1
    assert later.pk not in ReportReminder.objects.values_list("project", flat=True)


def test_the_command_and_the_task_run_the_same_service(project, immediate, capsys):
    call_command("projects_report_reminders", "--date", "2027-03-05")
    assert "1 reminder(s)." in capsys.readouterr().out
    call_command("projects_report_reminders", "--date", "2027-03-05")
    assert "0 reminder(s)." in capsys.readouterr().out
    before = ReportReminder.objects.count()
    assert ReportReminder.objects.count() == before + send_report_reminders.call()  # today: in a window or not
    assert send_report_reminders.call() == 0  # idempotent


def test_page_and_api_show_the_reminder(project, client_for, employee, tenant, api_as, other_admin, other_tenant):
    period, due, _window = queries.reminder_period(dt.date.today())
    ReportReminder.objects.create(tenant=tenant, project=project, period=period, due_on=due, sent_to="x@example.no")
    page = client_for(employee).get(f"/projects/{project.pk}/").content.decode()
    assert "Prosjektlederen fikk en påminnelse" in page
    rows = api_as(employee, tenant)("get", f"/api/v1/projects/projects/{project.pk}/report-reminders").json()
    assert [(r["period"], r["sent_to"]) for r in rows] == [(period.isoformat(), "x@example.no")]
    assert api_as(other_admin, other_tenant)("get", f"/api/v1/projects/projects/{project.pk}/report-reminders").status_code == 404
