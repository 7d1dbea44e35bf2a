"""Input from meetings and workshops (bulk entry, XLSX/CSV import), flipchart photos, floor plans with
pins (pointing or the list alternative) and the place question on a plan."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from torg.core.tabular import write_xlsx
from torg.participation import intake, plans, queries, services
from torg.participation.intake import MeetingRow
from torg.participation.models import Input, Question

pytestmark = pytest.mark.django_db


def _png(name="plan.png", size=(400, 300)):
    out = io.BytesIO()
    Image.new("RGB", size, (230, 230, 230)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


@pytest.fixture
def workshop(process, admin_user):
    employees = process.target_groups.get(kind="employees")
    return services.activity_create(actor=admin_user, process=process, kind="workshop", title="Verksted 1",
                                    starts_at=timezone.now() - dt.timedelta(days=1), target_groups=[employees])


@pytest.fixture
def plan(open_process, admin_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    settings.TORG_MEDIA_SERVE = "stream"
    p = plans.plan_create(actor=admin_user, process=open_process, title="1. etasje", description="Plan over 1. etasje",
                          upload=_png())
    plans.area_add(actor=admin_user, plan=p, name="Innbyggertorget", x=0.0, y=0.0, w=0.5, h=0.5)
    plans.area_add(actor=admin_user, plan=p, name="Kafeen", x=0.5, y=0.5, w=0.5, h=0.5)
    return p


# --- Meetings: bulk entry ---------------------------------------------------------------------------
def test_staff_record_many_statements_at_once_tagged_with_activity_group_and_channel(process, workshop, admin_user):
    created = intake.meeting_inputs_record(actor=admin_user, process=process, activity=workshop, rows=[
        MeetingRow(line=1, text="Vi trenger flere stillerom."),
        MeetingRow(line=2, text="Ring meg på 912 34 567 om kantina", target_group="Naboer og nærmiljø",
                   age_band="67+", postal_code="9008"),
    ], channel="paper")
    assert len(created) == 2
    first, second = Input.objects.filter(process=process).order_by("id")
    assert (first.kind, first.channel, first.activity, first.status) == ("note", "paper", workshop, "published")
    assert first.target_group.kind == "employees"  # the activity's only target group is the default
    assert first.title == "Vi trenger flere stillerom."
    assert second.target_group.kind == "neighbours" and second.age_band == "67+" and second.postal_code == "9008"
    assert "912" not in second.body and second.masked == ["phone"] and second.needs_review


def test_one_bad_row_writes_nothing_and_every_problem_is_named(process, workshop, admin_user):
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        intake.meeting_inputs_record(actor=admin_user, process=process, activity=workshop, rows=[
            MeetingRow(line=1, text="Greit innspill"),
            MeetingRow(line=2, text="", target_group="Elefanter"),
            MeetingRow(line=3, text="Mer lys", age_band="hundre", postal_code="12"),
        ])
    messages = exc.value.messages
    assert len(messages) == 4 and "Line 2, text: The text is missing." in messages
    assert any(m.startswith("Line 2, target group:") and "Elefanter" in m for m in messages)
    assert not Input.objects.exists()


def test_recording_is_for_staff_who_manage_the_process(process, workshop, employee, other_admin):
    for actor in (employee, other_admin):
        with pytest.raises(PermissionDenied):
            intake.meeting_inputs_record(actor=actor, process=process, activity=workshop,
                                         rows=[MeetingRow(line=1, text="x")])


def test_bulk_form_over_http_with_row_errors_in_norwegian(client_for, admin_user, process, workshop):
    c = client_for(admin_user)
    url = reverse("participation:meeting_input", args=[process.pk])
    assert c.get(url).status_code == 200
    data = {"activity": workshop.pk, "channel": "meeting", "rows": "10", "r0-text": "Bedre skilting",
            "r1-text": "Åpent om kvelden", "r1-age_band": "13-19", "r2-text": "   "}
    data_bad = {**data, "r1-text": "", "r1-age_band": "13-19", "r3-text": "Mer grønt", "r3-target_group": "999999"}
    response = c.post(url, data_bad)
    assert response.status_code == 422 and not Input.objects.exists()
    response = c.post(url, {"activity": workshop.pk, "channel": "meeting", "rows": "10",
                            "r0-text": "x" * 5001})
    assert response.status_code == 422
    response = c.post(url, data)
    assert response.status_code == 302
    assert sorted(Input.objects.values_list("body", flat=True)) == ["Bedre skilting", "Åpent om kvelden"]


def test_bulk_form_refuses_citizens_and_other_municipalities(client_for, citizen, other_admin, process):
    url = reverse("participation:meeting_input", args=[process.pk])
    assert client_for(citizen).get(url).status_code in (403, 404)
    assert client_for(other_admin).get(url).status_code == 404


# --- Meetings: import -------------------------------------------------------------------------------
def _csv(text, encoding="utf-8"):
    return SimpleUploadedFile("innspill.csv", text.encode(encoding), content_type="text/csv")


def test_import_preview_lists_row_errors_in_norwegian_and_confirm_writes_nothing(client_for, admin_user, process,
                                                                                 workshop):
    c = client_for(admin_user)
    url = reverse("participation:meeting_import", args=[process.pk])
    content = ("Tekst;Målgruppe;Alder;Postnummer\n"
               "Flere benker på torget;Ansatte;35-49;9008\n"
               ";Naboer;;\n"
               "Lengre åpningstid;Ukjent gruppe;13-19;90\n")
    response = c.post(url, {"activity": workshop.pk, "channel": "meeting", "file": _csv(content, "cp1252")})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Teksten mangler." in page and "«Ukjent gruppe» er ikke en målgruppe i denne prosessen." in page
    assert "Et postnummer har fire sifre." in page and "«Naboer»" not in page
    token = c.session["torg_participation_import"]["token"]
    response = c.post(reverse("participation:meeting_import_confirm", args=[process.pk]), {"token": token})
    assert response.status_code == 422 and not Input.objects.exists()
    problems = c.get(reverse("participation:meeting_import_errors", args=[process.pk]), {"token": token})
    assert problems.status_code == 200 and "4;postnummer;Et postnummer har fire sifre." in problems.content.decode()


def test_import_of_a_clean_xlsx_records_every_row_once(client_for, admin_user, process, workshop):
    c = client_for(admin_user)
    content = write_xlsx(["tekst", "tittel", "målgruppe", "alder"],
                         [["Vi vil ha kafé", "Kafé", "Neighbours", "20-34"], ["Stille soner", "", "", ""]])
    response = c.post(reverse("participation:meeting_import", args=[process.pk]),
                      {"activity": workshop.pk, "channel": "paper",
                       "file": SimpleUploadedFile("innspill.xlsx", content)})
    assert response.status_code == 200 and b"import-sample" in response.content
    token = c.session["torg_participation_import"]["token"]
    confirm = reverse("participation:meeting_import_confirm", args=[process.pk])
    assert c.post(confirm, {"token": token}).status_code == 302
    assert c.post(confirm, {"token": token}).status_code == 302  # a double click writes once
    rows = list(Input.objects.order_by("id").values_list("title", "channel", "activity_id", "target_group__kind"))
    assert rows == [("Kafé", "paper", workshop.pk, "neighbours"), ("Stille soner", "paper", workshop.pk, "employees")]


def test_import_template_and_a_file_without_the_text_column(client_for, admin_user, process, workshop):
    c = client_for(admin_user)
    template = c.get(reverse("participation:meeting_import_template", args=[process.pk]))
    assert template.status_code == 200 and template.content[:2] == b"PK"
    response = c.post(reverse("participation:meeting_import", args=[process.pk]),
                      {"activity": workshop.pk, "channel": "meeting", "file": _csv("navn\nKari\n")})
    assert response.status_code == 422 and not Input.objects.exists()


# --- Photos -------------------------------------------------------------------------------------
def test_flipchart_photos_are_reencoded_and_served_to_staff_only(client_for, client, admin_user, employee,
                                                                   other_admin, workshop, file_storage):
    c = client_for(admin_user)
    url = reverse("participation:activity_photos", args=[workshop.pk])
    assert c.post(url, {"photo": _png("tavle.png"), "alt": ""}).status_code == 422
    assert c.post(url, {"photo": _png("tavle.png"), "alt": "Flippover gruppe 2"}).status_code == 302
    photo = workshop.photos.get()
    assert photo.image.name.endswith(".jpg") and photo.width == 400
    file_url = f"/files/participation-activity/{photo.pk}/"
    assert c.get(url).status_code == 200
    assert client_for(employee).get(file_url).status_code in (200, 302)
    assert client_for(other_admin).get(file_url).status_code == 404
    client.logout()
    assert client.get(file_url).status_code == 404
    c = client_for(admin_user)
    assert c.post(url, {"delete": photo.pk}).status_code == 302 and not workshop.photos.exists()


# --- Plans and pins -------------------------------------------------------------------------------
def test_a_pin_by_area_from_the_list_goes_to_the_area_centre(plan):
    area = plan.areas.get(name="Kafeen")
    pin = services.pin_submit(plan=plan, participant="b:1", body="Flere stikkontakter her", area=area)
    assert (pin.kind, pin.pin_x, pin.pin_y, pin.area) == ("pin", 0.75, 0.75, area)
    assert plans.pin_words(pin.pin_x, pin.pin_y, pin.area).startswith("Kafeen (")


def test_a_pointed_pin_is_stored_relative_and_finds_its_area(plan):
    pin = services.pin_submit(plan=plan, participant="b:1", body="Trekk fra vinduet", x="0.1", y=0.2)
    assert (pin.pin_x, pin.pin_y, pin.area.name) == (0.1, 0.2, "Innbyggertorget")
    outside = services.pin_submit(plan=plan, participant="b:1", body="Her", x=0.9, y=0.1)
    assert outside.area is None
    with translation.override("en"):
        assert plans.pin_words(0.9, 0.1, None) == "Top right of the plan"
    with translation.override("nb"):
        assert plans.pin_words(0.75, 0.5, outside.area) == "Midt til høyre på planen"


@pytest.mark.parametrize("where", [{"x": 1.2, "y": 0.5}, {"x": None, "y": None}, {"x": "a", "y": "b"}])
def test_a_pin_off_the_plan_or_nowhere_is_refused(plan, where):
    with pytest.raises(ValidationError):
        services.pin_submit(plan=plan, participant="b:1", body="x", **where)
    assert not Input.objects.exists()


def test_an_area_of_another_plan_is_refused(plan, admin_user, open_process):
    other = plans.plan_create(actor=admin_user, process=open_process, title="2. etasje", description="2",
                              upload=_png())
    foreign = plans.area_add(actor=admin_user, plan=other, name="Kontor", x=0, y=0, w=1, h=1)
    with pytest.raises(ValidationError):
        services.pin_submit(plan=plan, participant="b:1", body="x", area=foreign)


def test_public_plan_page_pins_by_list_and_lists_every_pin_in_words(client, plan, admin_user):
    url = reverse("participation:public_plan", args=[plan.process.code, plan.pk])
    page = client.get(url)
    assert page.status_code == 200 and b"Innbyggertorget" in page.content
    area = plan.areas.get(name="Innbyggertorget")
    response = client.post(url, {"area": area.pk, "body": "Mer sittplasser"})
    assert response.status_code == 302
    pin = Input.objects.get(kind="pin")
    services.input_set_status(actor=admin_user, item=pin, status="published")
    page = client.get(url).content.decode()
    assert "Innbyggertorget (" in page and "Mer sittplasser" in page
    assert client.get(f"/files/participation-plan/{plan.pk}/").status_code == 200  # the public may see the plan


def test_a_draft_process_plan_is_hidden_from_the_public(client, admin_user, process, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    plan = plans.plan_create(actor=admin_user, process=process, title="Plan", description="Plan", upload=_png())
    assert client.get(f"/files/participation-plan/{plan.pk}/").status_code == 404
    assert client.get(reverse("participation:public_plan", args=[process.code, plan.pk])).status_code == 404


def test_place_question_on_a_plan_and_its_results_counted_per_area(plan, admin_user):
    survey = services.survey_create(actor=admin_user, process=plan.process, title="Hvor?")
    q = services.question_add(actor=admin_user, survey=survey, kind=Question.Kind.PLACE, text="Hvor sitter du?",
                              plan=plan)
    scale = services.question_add(actor=admin_user, survey=survey, kind=Question.Kind.SCALE, text="Hvor fornøyd?")
    survey = services.survey_set_status(actor=admin_user, survey=survey, status="open")
    cafe = plan.areas.get(name="Kafeen")
    services.survey_submit(survey=survey, participant="b:1", answers={q.pk: {"area": str(cafe.pk)}, scale.pk: "4"})
    services.survey_submit(survey=survey, participant="b:2", answers={q.pk: {"x": 0.8, "y": 0.9}, scale.pk: "2"})
    services.survey_submit(survey=survey, participant="b:3", answers={q.pk: {"x": 0.1, "y": 0.1}})
    with pytest.raises(ValidationError):
        services.survey_submit(survey=survey, participant="b:4", answers={q.pk: {"x": 3, "y": 0.1}})
    responses, results = queries.survey_results(survey=survey)
    place, satisfaction = results
    assert responses == 3
    assert {(b["label"], b["count"]) for b in place["bars"]} == {("Kafeen", 2), ("Innbyggertorget", 1)}
    assert satisfaction["average"] == 3.0 and satisfaction["answered"] == 2


def test_a_pin_is_kept_when_the_survey_is_shown_again_with_errors(plan, admin_user):
    survey = services.survey_create(actor=admin_user, process=plan.process, title="Hvor?")
    q = services.question_add(actor=admin_user, survey=survey, kind=Question.Kind.PLACE, text="Hvor sitter du?",
                              plan=plan)
    scale = services.question_add(actor=admin_user, survey=survey, kind=Question.Kind.SCALE, text="Hvor fornøyd?",
                                  required=True)
    survey = services.survey_set_status(actor=admin_user, survey=survey, status="open")
    url = reverse("participation:survey_answer", args=[plan.process.code, survey.code])
    browser = Client()
    cafe = plan.areas.get(name="Kafeen")
    bad = browser.post(url, {f"q{q.pk}": str(cafe.pk), f"q{q.pk}_x": "0.8125", f"q{q.pk}_y": "0.6"})
    html = bad.content.decode()
    assert bad.status_code == 422
    assert f'name="q{q.pk}_x" value="0.8125"' in html and f'name="q{q.pk}_y" value="0.6"' in html
    assert f'<option value="{cafe.pk}" selected>' in html
    assert browser.post(url, {f"q{q.pk}": str(cafe.pk), f"q{q.pk}_x": "0.8125", f"q{q.pk}_y": "0.6",
                              f"q{scale.pk}": "4"}).status_code == 302
    answer = survey.responses.get().answers.get(question=q)
    assert (answer.value["x"], answer.value["y"]) == (0.8125, 0.6)


# --- API --------------------------------------------------------------------------------------------
def _bearer(user, tenant):
    from torg.accounts import services as accounts

    _token, secret = accounts.api_token_create(actor=user, tenant=tenant, name="t")
    return {"Authorization": f"Bearer {secret}"}


def test_api_records_meeting_input_all_or_nothing_and_reads_plans(admin_user, employee, tenant, workshop, plan):

    c, base = Client(), "/api/v1/participation"
    url = f"{base}/processes/{workshop.process_id}/meeting-inputs"
    payload = {"activity_id": workshop.pk, "rows": [{"text": "Flere stillerom"}, {"text": "", "postal_code": "1"}]}
    assert c.post(url, payload, content_type="application/json",
                  headers=_bearer(employee, tenant)).status_code == 403
    bad = c.post(url, payload, content_type="application/json", headers=_bearer(admin_user, tenant))
    assert bad.status_code == 422 and not Input.objects.exists()
    payload["rows"] = [{"text": "Flere stillerom", "age_band": "35-49"}]
    ok = c.post(url, payload, content_type="application/json", headers=_bearer(admin_user, tenant))
    assert ok.status_code == 201 and Input.objects.get().pk == ok.json()["ids"][0]

    area = plan.areas.get(name="Kafeen")
    pin = services.pin_submit(plan=plan, participant="b:1", body="Stikkontakter", area=area)
    services.input_set_status(actor=admin_user, item=pin, status="published")
    public = Client().get(f"{base}/public/processes/{plan.process.code}/plans").json()
    assert [a["name"] for a in public[0]["areas"]] == ["Innbyggertorget", "Kafeen"]
    assert public[0]["pins"][0]["place"].startswith("Kafeen (") and public[0]["pins"][0]["x"] == 0.75
    assert Client().post(f"{base}/public/processes/{plan.process.code}/subscriptions", {"email": "a@example.org"},
                         content_type="application/json").status_code == 202


def test_api_uploads_plans_and_flipchart_photos_for_staff_only(admin_user, employee, other_admin, other_tenant, tenant,
                                                                workshop, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    settings.TORG_MEDIA_SERVE = "stream"
    c, base = Client(), "/api/v1/participation"
    plans_url = f"{base}/processes/{workshop.process_id}/plans"
    form = {"title": "Tomta", "description": "Situasjonsplan med skolegården mot sør", "activity_id": workshop.pk}
    assert c.post(plans_url, {**form, "image": _png()}, headers=_bearer(employee, tenant)).status_code == 403
    assert c.post(plans_url, {**form, "image": _png()}, headers=_bearer(other_admin, other_tenant)
                  ).status_code == 404
    assert c.post(plans_url, {**form, "description": "", "image": _png()},
                  headers=_bearer(admin_user, tenant)).status_code == 422
    made = c.post(plans_url, {**form, "image": _png(size=(800, 600))}, headers=_bearer(admin_user, tenant))
    assert made.status_code == 201, made.content
    plan = made.json()
    assert (plan["title"], plan["activity_id"], plan["areas"]) == ("Tomta", workshop.pk, [])
    assert plan["image_url"] == f"/files/participation-plan/{plan['id']}/"

    photos_url = f"{base}/activities/{workshop.pk}/photos"
    assert c.post(photos_url, {"alt": "Flippover", "photo": _png()}, headers=_bearer(employee, tenant)
                  ).status_code == 403
    assert c.post(photos_url, {"alt": " ", "photo": _png()}, headers=_bearer(admin_user, tenant)).status_code == 422
    added = c.post(photos_url, {"alt": "Flippover fra gruppe 2", "photo": _png()}, headers=_bearer(admin_user, tenant))
    assert added.status_code == 201, added.content
    listed = c.get(photos_url, headers=_bearer(admin_user, tenant)).json()
    assert [(p["alt"], p["photo"]["url"]) for p in listed] == [
        ("Flippover fra gruppe 2", f"/files/participation-activity/{added.json()['id']}/")]
    assert c.get(photos_url, headers=_bearer(other_admin, other_tenant)).status_code == 404


def test_api_pins_a_comment_on_a_plan_as_the_public_page_does(plan, admin_user, settings):
    base = f"/api/v1/participation/public/processes/{plan.process.code}/plans/{plan.pk}/pins"
    browser = Client()
    cafe = plan.areas.get(name="Kafeen")
    by_list = browser.post(base, {"body": "Flere stikkontakter, skriv til ola@example.no", "area_id": cafe.pk},
                           content_type="application/json")
    assert by_list.status_code == 201, by_list.content
    answer = by_list.json()
    assert answer["place"].startswith("Kafeen (") and answer["status"] == "pending" and answer["masked"] == ["email"]
    pointed = browser.post(base, {"body": "Trekk fra vinduet", "x": 0.1, "y": 0.2}, content_type="application/json")
    assert pointed.status_code == 201 and pointed.json()["place"].startswith("Innbyggertorget (")
    pins = Input.objects.filter(plan=plan).order_by("id")
    assert [(p.pin_x, p.pin_y) for p in pins] == [(0.75, 0.75), (0.1, 0.2)]
    assert pins[0].participant == pins[1].participant  # one session, one participant
    for bad in ({"body": "Her", "x": 3, "y": 0.1}, {"body": "Her"}, {"body": " ", "x": 0.5, "y": 0.5}):
        assert browser.post(base, bad, content_type="application/json").status_code == 422
    assert browser.post(base.replace(f"/plans/{plan.pk}/", f"/plans/{plan.pk + 999}/"), {"body": "x", "x": 0.5,
                        "y": 0.5}, content_type="application/json").status_code == 404
    guarded = Client(enforce_csrf_checks=True)  # a session cookie (from the pages) must bring its CSRF token
    guarded.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32
    assert guarded.post(base, {"body": "Her", "x": 0.5, "y": 0.5}, content_type="application/json").status_code == 403
    assert Client(enforce_csrf_checks=True).post(base, {"body": "Uten økt", "x": 0.5, "y": 0.5},
                                                 content_type="application/json").status_code == 201
    plans.plan_set_open(actor=admin_user, plan=plan, open_for_pins=False)
    assert browser.post(base, {"body": "Her", "x": 0.5, "y": 0.5}, content_type="application/json").status_code == 422
    services.process_update(actor=admin_user, process=plan.process, identity="invite")
    plans.plan_set_open(actor=admin_user, plan=plan, open_for_pins=True)
    assert browser.post(base, {"body": "Her", "x": 0.5, "y": 0.5}, content_type="application/json").status_code == 403
    assert Input.objects.filter(plan=plan).count() == 3


def test_api_sets_and_reads_a_process_retention(admin_user, employee, tenant, process):
    c, url = Client(), f"/api/v1/participation/processes/{process.pk}"
    assert c.get(url, headers=_bearer(admin_user, tenant)).json()["retention"] == "keep"
    patch = {"retention": "anonymise"}
    assert c.patch(url, patch, content_type="application/json", headers=_bearer(employee, tenant)).status_code == 403
    missing = c.patch(url, patch, content_type="application/json", headers=_bearer(admin_user, tenant))
    assert missing.status_code == 422 and "måneder" in missing.json()["detail"]["retention_months"][0]
    done = c.patch(url, {**patch, "retention_months": 24}, content_type="application/json",
                   headers=_bearer(admin_user, tenant)).json()
    assert (done["retention"], done["retention_months"], done["retention_done_at"]) == ("anonymise", 24, None)
    assert c.patch(url, {"retention": "forever"}, content_type="application/json",
                   headers=_bearer(admin_user, tenant)).status_code == 422
    made = c.post("/api/v1/participation/processes", {"title": "Ny", "purpose": "P", "retention": "delete",
                                                      "retention_months": 6},
                  content_type="application/json", headers=_bearer(admin_user, tenant))
    assert made.status_code == 201 and (made.json()["retention"], made.json()["retention_months"]) == ("delete", 6)
