"""Actual costs imported from the finance system (the house's plan → preview → confirm): rows by the
finance number or the Torg number, several rows of a month added up, a month imported again
replaced (importing twice changes nothing), row errors refuse the file unless only valid rows are
asked for; the portfolio's "spent" is the actuals; the API does the same with JSON rows."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from torg.core.tabular import ImportRefused
from torg.projects import finance, queries
from torg.projects.models import Actual

CSV = ("prosjektnummer;periode;beløp;tekst\n"
       "INV-4711;2026-09;1 250 000,00;Rådgivning\n"
       "INV-4711;09.2026;85 400,50;Prosjektledelse\n"
       "{torg};2026-10-31;-12 000;Kreditnota\n")


def _upload(text, name="regnskap.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"))


def test_plan_and_apply_sum_replace_and_refuse(project, admin_user, employee):
    csv = CSV.format(torg=project.number)
    plan = finance.plan_import(tenant=project.tenant, upload=_upload(csv))
    assert not plan.errors and plan.counts["months"] == 2 and plan.counts["total"] == Decimal("1323400.50")
    finance.apply_import(actor=admin_user, tenant=project.tenant, upload=_upload(csv))
    assert {(a.period, a.amount) for a in Actual.objects.filter(project=project)} == {
        (dt.date(2026, 9, 1), Decimal("1335400.50")), (dt.date(2026, 10, 1), Decimal("-12000.00"))}
    again = finance.apply_import(actor=admin_user, tenant=project.tenant, upload=_upload(csv))
    assert again.counts["replaced"] == 2 and again.counts["written"] == 0  # the same file: nothing changes
    assert Actual.objects.filter(project=project).count() == 2
    finance.apply_import(actor=admin_user, tenant=project.tenant,
                         upload=_upload("prosjekt;måned;beløp\nINV-4711;2026-09;1 000 000\n"))
    assert Actual.objects.get(project=project, period=dt.date(2026, 9, 1)).amount == Decimal("1000000.00")

    bad = "prosjektnummer;periode;beløp\nINV-9999;2026-09;100\nINV-4711;2026-13;100\nINV-4711;2026-08;tusen\nINV-4711;2099-01;5\nINV-4711;2026-07;700\n"
    plan = finance.plan_import(tenant=project.tenant, upload=_upload(bad))
    assert [(e.line, e.column) for e in plan.errors] == [(2, "prosjektnummer"), (3, "periode"), (4, "beløp"),
                                                         (5, "periode")]
    with pytest.raises(ImportRefused):
        finance.apply_import(actor=admin_user, tenant=project.tenant, upload=_upload(bad))
    assert not Actual.objects.filter(period=dt.date(2026, 7, 1)).exists()
    finance.apply_import(actor=admin_user, tenant=project.tenant, upload=_upload(bad), valid_rows_only=True)
    assert Actual.objects.get(period=dt.date(2026, 7, 1)).amount == 700
    with pytest.raises(PermissionDenied):  # a staff member without the portfolio role may not import
        finance.apply_import(actor=employee, tenant=project.tenant, upload=_upload(csv))
    row = queries.with_latest_report(queries.portfolio(tenant=project.tenant)).get(pk=project.pk)
    assert row.spent == Decimal("1000000") - 12000 + 700  # the portfolio's "spent" is the actuals


def test_import_pages_preview_confirm_and_project_page(project, client_for, admin_user, employee, other_admin,
                                                       other_tenant):
    client = client_for(admin_user)
    assert client.get("/projects/actuals/import/").status_code == 200
    assert client.get("/projects/actuals/import/template.xlsx").status_code == 200
    preview = client.post("/projects/actuals/import/", {"file": _upload(CSV.format(torg=project.number))})
    body = preview.content.decode()
    assert preview.status_code == 200 and "1 323 400,50" in body.replace("\xa0", " ")
    token = re.search(r'name="token" value="([^"]+)"', body).group(1)
    assert Actual.objects.count() == 0  # nothing before the confirmation
    done = client.post("/projects/actuals/import/confirm/", {"token": token})
    assert done.status_code == 302 and Actual.objects.filter(project=project).count() == 2
    assert client.post("/projects/actuals/import/confirm/", {"token": token}).status_code == 302  # once only
    assert Actual.objects.filter(project=project).count() == 2
    page = client_for(employee).get(f"/projects/{project.pk}/").content.decode()
    page = page.replace("\xa0", " ").replace("\u202f", " ").replace("&nbsp;", " ")
    assert "1 335 401" in page and "Regnskap" in page
    assert client_for(employee).get("/projects/actuals/import/").status_code == 403
    xlsx = client_for(employee).get(f"/projects/{project.pk}/export/actuals.xlsx")
    assert xlsx.status_code == 200
    other = client_for(other_admin)
    other.post("/projects/actuals/import/", {"file": _upload(CSV.format(torg=project.number))})
    assert Actual.objects.filter(tenant=other_tenant).count() == 0


def test_actuals_api(project, tenant, admin_user, employee, api_as, other_admin, other_tenant):
    admin = api_as(admin_user, tenant)
    rows = [{"project_number": "INV-4711", "period": "2026-09", "amount": "1 250 000,00"},
            {"project_number": "inv-4711", "period": "2026-09", "amount": "50 000"},
            {"project_number": "X-1", "period": "2026-09", "amount": "5"}]
    r = admin("post", "/api/v1/projects/actuals/import", {"rows": rows})
    assert r.status_code == 422 and list(r.json()["detail"]) == ["rows[2].project_number"]
    assert Actual.objects.count() == 0
    r = admin("post", "/api/v1/projects/actuals/import", {"rows": rows, "valid_rows_only": True})
    assert r.status_code == 200 and (r.json()["months"], r.json()["written"], r.json()["total"]) == (1, 1, 1300000.0)
    staff = api_as(employee, tenant)
    assert staff("get", f"/api/v1/projects/projects/{project.pk}/actuals").json() == [
        {"period": "2026-09-01", "amount": 1300000.0, "running_total": 1300000.0}]
    assert staff("post", "/api/v1/projects/actuals/import", {"rows": rows[:1]}).status_code == 403
    other = api_as(other_admin, other_tenant)
    assert other("get", f"/api/v1/projects/projects/{project.pk}/actuals").status_code == 404
    r = other("post", "/api/v1/projects/actuals/import", {"rows": rows[:1]})
    assert r.status_code == 422  # INV-4711 is not a project of the other municipality
