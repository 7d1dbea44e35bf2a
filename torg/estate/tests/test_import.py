"""Importing a consultant's survey: plan → preview → confirm; bad rows are refused with a clear row
error and nothing is written; a file imported twice does not make a second survey."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from torg.estate import importer
from torg.estate.models import ConditionSurvey, SurveyPart

HEAD = "bygningsnummer;dato;takstmann;bygningsdel;tg;kg;beskrivelse;tiltak;kostnad;år\n"
GOOD = ("1001;14.05.2026;Takst AS;23;TG2;KG2;Råte i kledning;Skifte kledning;450 000;2028\n"
        "1001;14.05.2026;Takst AS;26;3;3;Lekkasje;Nytt tak;1200000;2027\n"
        "1001;14.05.2026;Takst AS;43;TG1;;;;;\n")


def _csv(text, name="tilstand.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"))


def test_a_good_file_becomes_one_draft_survey(tenant, admin_user, building):
    plan = importer.plan_import(tenant=tenant, upload=_csv(HEAD + GOOD))
    assert plan.errors == []
    assert plan.counts == {"rows": 3, "valid_rows": 3, "error_rows": 0, "surveys": 1, "buildings": 1, "parts": 3,
                           "tg3": 1}
    importer.apply_import(actor=admin_user, tenant=tenant, upload=_csv(HEAD + GOOD))
    survey = ConditionSurvey.objects.get()
    assert (survey.building, survey.surveyed_on, survey.status, survey.version) == (building, dt.date(2026, 5, 14),
                                                                                    "draft", 1)
    assert sorted(survey.parts.values_list("ns_code", "condition_grade", "consequence_grade", "measure_cost")) == [
        ("23", 2, 2, 450000), ("26", 3, 3, 1200000), ("43", 1, 1, None)]
    # The same file again is refused on every row: the survey is already registered.
    again = importer.plan_import(tenant=tenant, upload=_csv(HEAD + GOOD))
    assert again.counts["error_rows"] == 3 and {(e.column, "Testhuset" in e.message) for e in again.errors} == {("dato", True)}


def test_bad_rows_are_named_and_nothing_is_written(tenant, admin_user, building):
    bad = (GOOD + "9999;14.05.2026;Takst AS;23;TG2;;;;;\n"
           "1001;14.05.2026;Takst AS;99;TG2;;;;;\n"
           "1001;14.05.2026;Takst AS;23;TG5;;;;;\n"
           "1001;14.05.2026;Takst AS;23;TG2;;;Tiltak;-100;2028\n"
           "1001;14.05.2099;Takst AS;23;TG2;;;;;\n"
           "1001;14.05.2026;Takst AS;23;TG2;;;;5000;\n")
    plan = importer.plan_import(tenant=tenant, upload=_csv(HEAD + bad))
    problems = {(e.line, e.column) for e in plan.errors}
    assert problems == {(5, "bygningsnummer"), (6, "bygningsdel"), (7, "tg"), (8, "kostnad"), (9, "dato"),
                        (10, "tiltak")}
    assert "9999" in plan.errors[0].message
    try:
        importer.apply_import(actor=admin_user, tenant=tenant, upload=_csv(HEAD + bad))
    except importer.ImportRefused:
        pass
    else:
        raise AssertionError("a file with bad rows was imported")
    assert not ConditionSurvey.objects.exists() and not SurveyPart.objects.exists()
    importer.apply_import(actor=admin_user, tenant=tenant, upload=_csv(HEAD + bad), valid_rows_only=True)
    assert SurveyPart.objects.count() == 3


def test_another_municipalitys_building_number_is_unknown(other_tenant, other_admin, building):
    plan = importer.plan_import(tenant=other_tenant, upload=_csv(HEAD + GOOD))
    assert plan.counts["valid_rows"] == 0 and plan.errors[0].column == "bygningsnummer"


def test_upload_preview_and_confirm_through_the_pages(tenant, admin_user, building, client_for):
    client = client_for(admin_user)
    page = client.post("/estate/import/", {"file": _csv(HEAD + GOOD)})
    assert page.status_code == 200 and "Nytt tak" in page.content.decode()
    token = page.context["preview"]["token"]
    assert page.context["preview"]["valid_rows"] == 3
    done = client.post("/estate/import/confirm/", {"token": token})
    assert done.status_code == 302 and ConditionSurvey.objects.count() == 1
    assert client.post("/estate/import/confirm/", {"token": token}).status_code == 302  # a double click writes once
    assert ConditionSurvey.objects.count() == 1
    assert client.get("/estate/import/template.xlsx").status_code == 200
