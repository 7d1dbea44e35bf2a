"""The mandate and the project plan as PDF, and the project's lists (status reports, risks,
benefits, milestones) as XLSX: staff of the municipality only, the same content as the pages."""

import datetime as dt
import io

from openpyxl import load_workbook
from pypdfium2 import PdfDocument

from torg.projects import services
from torg.projects.models import Document

from .conftest import bp, meet_all

LIGHTS = dict(overall="red", schedule="green", cost="yellow", scope="green", risk="green", benefits="green")


def _pdf_text(content):
    return " ".join(" ".join(page.get_textpage().get_text_range() for page in PdfDocument(content)).split())


def _sheet(content):
    return [list(row) for row in load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True)]


def test_mandate_pdf_with_sections_approval_and_registered_data(project, admin_user, property_manager, client_for,
                                                                citizen, other_admin):
    services.document_save(actor=property_manager, project=project, kind="mandate",
                           sections={"background": "Skolen er for liten for 600 elever.",
                                     "budget": "Rammen er 450 millioner."})
    services.milestone_create(actor=property_manager, project=project, title="Konseptvalg", due_on=dt.date(2027, 5, 1))
    services.risk_create(actor=property_manager, project=project, title="Byggekostnadene stiger", probability=4,
                         consequence=5)
    decision = bp(project, "BP1")
    meet_all(decision, property_manager)
    services.decision_transition(actor=property_manager, decision=decision, status="submitted")
    services.decision_transition(actor=admin_user, decision=decision, status="approved", released_amount=3_000_000)
    document = Document.objects.filter(project=project, kind="mandate").order_by("-version").first()
    response = client_for(property_manager).get(f"/projects/documents/{document.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    for expected in ("Nye Flytårnet skole", "Bakgrunn", "Godkjent i BP1", "Konseptvalg", "Byggekostnadene stiger",
                     "450 000 000 kr", "Budsjett"):
        assert expected in text, expected
    assert client_for(citizen).get(f"/projects/documents/{document.pk}/pdf/").status_code == 403
    assert client_for(other_admin).get(f"/projects/documents/{document.pk}/pdf/").status_code == 404
    page = client_for(property_manager).get(f"/projects/documents/{document.pk}/").content.decode()
    assert f"/projects/documents/{document.pk}/pdf/" in page


def test_lists_as_xlsx(project, property_manager, employee, client_for, other_admin):
    services.status_report_submit(actor=property_manager, project=project, period=dt.date(2026, 1, 1),
                                  comment="=HYPERLINK(\"x\")", spent=1_000_000, **LIGHTS)
    services.risk_create(actor=property_manager, project=project, title="Forsinket byggetillatelse", probability=2,
                         consequence=3, residual_probability=1, residual_consequence=3)
    benefit = services.benefit_create(actor=property_manager, project=project, title="Plass til alle", indicator="elevplasser",
                                      baseline=420, target=600, owner=employee)
    services.measurement_record(actor=employee, benefit=benefit, measured_on=dt.date(2026, 1, 10), value=610)
    services.milestone_create(actor=property_manager, project=project, title="Anbud", due_on=dt.date(2020, 1, 1))
    client = client_for(employee)
    rows = _sheet(client.get(f"/projects/{project.pk}/export/status-reports.xlsx").content)
    assert rows[0][:2] == ["Måned", "Samlet"] and rows[1][0] == "2026-01" and rows[1][1] == "Rød"
    assert rows[1][7] == "=HYPERLINK(\"x\")"  # text, not a formula
    assert rows[1][13] == "ja"  # submitted long after the 5th of February 2026
    risks = _sheet(client.get(f"/projects/{project.pk}/export/risks.xlsx").content)
    assert [risks[1][i] for i in (0, 2, 3, 4, 7)] == ["Forsinket byggetillatelse", 2, 3, 6, 3]
    benefits = _sheet(client.get(f"/projects/{project.pk}/export/benefits.xlsx").content)
    assert benefits[1][0] == "Plass til alle" and benefits[1][9] == 610 and benefits[1][10] == "ja"
    milestones = _sheet(client.get(f"/projects/{project.pk}/export/milestones.xlsx").content)
    assert [milestones[1][i] for i in (0, 1, 3)] == ["Anbud", "01.01.2020", "ja"]
    assert client.get(f"/projects/{project.pk}/export/decisions.xlsx").status_code == 404
    assert client_for(other_admin).get(f"/projects/{project.pk}/export/risks.xlsx").status_code == 404
