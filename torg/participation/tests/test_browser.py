"""Participation through a real browser (Chromium + Playwright), axe-core on every page."""

import re

import pytest
from playwright.sync_api import expect

from torg.participation.models import Process

pytestmark = pytest.mark.browser


def _no_sideways_scroll(page):
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), page.url


def test_staff_plan_a_process_and_citizens_read_it_on_a_phone(page, phone_page, live_server, login,
                                                             assert_accessible, admin_user, building):
    login(page, live_server, "admin")
    page.goto(live_server.url + "/participation/")
    assert_accessible(page)
    page.get_by_role("link", name="Ny medvirkningsprosess").click()
    assert_accessible(page)
    page.locator("#id_title").fill("Nye Flytårnet skole – tidligfase")
    page.locator("#id_purpose").fill("Vi vil høre hva elever, ansatte og naboer trenger i den nye skolen.")
    page.locator("#id_open_for_influence").fill("Uteområdet og fellesarealene.")
    page.locator("#id_buildings").select_option(str(building.pk))
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main h1")).to_contain_text("Nye Flytårnet skole")
    assert_accessible(page)
    process = Process.objects.get()

    page.get_by_role("link", name="Legg til fase").click()
    page.locator("#id_kind").select_option("input")
    page.locator("#id_name").fill("Innspill")
    page.locator("#id_starts_on").fill("2027-02-01")
    page.locator("#id_ends_on").fill("2027-03-15")
    page.locator("main form button[type=submit]").click()
    page.get_by_role("link", name="Legg til målgruppe").click()
    page.locator("#id_kind").select_option("children_youth")
    page.locator("#id_how_reached").fill("Elevrådet og ungdomsrådet")
    page.locator("#id_expected_reach").fill("120")
    page.locator("main form button[type=submit]").click()
    page.get_by_role("link", name="Legg til aktivitet").click()
    assert_accessible(page)
    page.locator("#id_kind").select_option("workshop")
    page.locator("#id_title").fill("Verksted med elevrådet")
    page.locator("#id_starts_at").fill("2027-02-10T14:00")
    page.locator("#id_room").select_option(index=1)
    page.get_by_label("Barn og unge").check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("Verksted med elevrådet")
    page.get_by_role("button", name="Publisert").click()
    expect(page.locator("main h1")).to_contain_text("Publisert")
    assert_accessible(page)

    phone_page.goto(live_server.url + f"/participation/k/{process.tenant.slug}/")
    assert_accessible(phone_page)
    _no_sideways_scroll(phone_page)
    phone_page.get_by_role("link", name=re.compile("Nye Flytårnet skole")).click()
    expect(phone_page.locator("main")).to_contain_text("Verksted med elevrådet")
    expect(phone_page.locator("main")).to_contain_text("10. februar 2027 14:00")
    assert_accessible(phone_page)
    _no_sideways_scroll(phone_page)


def test_citizen_gives_input_on_a_phone_and_a_moderator_hides_it_with_a_reason(page, phone_page, live_server, login,
                                                                               assert_accessible, open_process,
                                                                               admin_user):
    phone_page.goto(live_server.url + f"/participation/p/{open_process.code}/")
    assert_accessible(phone_page)
    phone_page.get_by_role("link", name="Gi ditt innspill").click()
    assert_accessible(phone_page)
    _no_sideways_scroll(phone_page)
    # Keyboard only: type into each field in order and send with Enter on the button.
    phone_page.locator("#id_title").fill("Lengre åpningstid")
    phone_page.keyboard.press("Tab")
    phone_page.keyboard.type("Biblioteket bør være åpent til 22. Ring meg på 41234567.")
    phone_page.locator("#id_age_band").select_option("13-19")
    phone_page.locator("main form button[type=submit]").focus()
    phone_page.keyboard.press("Enter")
    expect(phone_page.locator("main")).to_contain_text("venter på en moderator")
    expect(phone_page.locator("main")).not_to_contain_text("41234567")
    assert_accessible(phone_page)
    _no_sideways_scroll(phone_page)

    login(page, live_server, "admin")
    page.goto(live_server.url + f"/participation/{open_process.pk}/moderation/")
    expect(page.get_by_test_id("queue")).to_contain_text("Lengre åpningstid")
    expect(page.get_by_test_id("queue")).to_contain_text("Personopplysninger ble maskert")
    assert_accessible(page)
    page.get_by_label("Grunn (forfatteren får beskjed)").fill("Gjelder ikke denne prosessen")
    page.get_by_role("button", name=re.compile("^Skjult")).click()
    expect(page.get_by_test_id("queue")).to_contain_text("Ingenting venter")
    assert_accessible(page)

    phone_page.goto(live_server.url + f"/participation/p/{open_process.code}/mine/")
    expect(phone_page.locator("main")).to_contain_text("Gjelder ikke denne prosessen")
    assert_accessible(phone_page)


def test_citizen_answers_a_survey_with_the_keyboard_on_a_phone_and_staff_read_the_results(
        page, phone_page, live_server, login, assert_accessible, open_process, admin_user, building):
    from torg.participation import services

    survey = services.survey_create(actor=admin_user, process=open_process, title="Uteområdet")
    services.question_add(actor=admin_user, survey=survey, kind="single", text="Hvor ofte er du i skolegården?",
                          options=["Daglig", "Ukentlig", "Sjelden"], required=True)
    services.question_add(actor=admin_user, survey=survey, kind="points", text="Fordel 100 poeng",
                          options=["Grønt", "Lys"])
    services.question_add(actor=admin_user, survey=survey, kind="place", text="Hvilket bygg?")
    services.survey_set_status(actor=admin_user, survey=survey, status="open")

    phone_page.goto(live_server.url + f"/participation/p/{open_process.code}/")
    phone_page.get_by_role("link", name="Svar: Uteområdet").click()
    assert_accessible(phone_page)
    _no_sideways_scroll(phone_page)
    phone_page.get_by_label("Ukentlig").focus()
    phone_page.keyboard.press("Space")
    phone_page.get_by_label("Grønt").focus()
    phone_page.keyboard.type("60")
    phone_page.keyboard.press("Tab")
    phone_page.keyboard.type("40")
    phone_page.get_by_label("Hvilket bygg?").select_option(label=building.name)
    phone_page.get_by_role("button", name="Send svar").focus()
    phone_page.keyboard.press("Enter")
    expect(phone_page.locator("main")).to_contain_text("Takk for at du svarte")
    assert_accessible(phone_page)

    login(page, live_server, "admin")
    page.goto(live_server.url + f"/participation/surveys/{survey.pk}/results/")
    expect(page.locator("main")).to_contain_text("1 (100 %)")
    expect(page.locator("main")).to_contain_text("60 poeng (60 %)")
    assert_accessible(page)
    page.goto(live_server.url + f"/participation/surveys/{survey.pk}/")
    assert_accessible(page)


def test_staff_code_themes_and_publish_feedback_and_a_citizen_reads_you_said_we_did_on_a_phone(
        page, phone_page, live_server, login, assert_accessible, open_process, admin_user):
    from torg.participation import services

    for n, (title, body) in enumerate([("Flere trær", "Skolegården trenger trær og benker."),
                                       ("Trygg skolevei", "Farlig trafikk ved skolen om morgenen.")]):
        item = services.input_submit(process=open_process, participant=f"b:{n}", title=title, body=body)
        services.input_set_status(actor=admin_user, item=item, status="published")

    login(page, live_server, "admin")
    page.goto(live_server.url + f"/participation/{open_process.pk}/")
    page.get_by_role("link", name="Temaer og antall").click()
    assert_accessible(page)
    page.locator("#id_name").fill("Grøntareal")
    page.locator("#id_description").fill("Mange vil ha mer grønt i skolegården.")
    page.get_by_role("button", name="Legg til tema").click()
    expect(page.get_by_test_id("theme-counts")).to_contain_text("Grøntareal")

    # Coding with the keyboard only: tick with Space, choose the theme, send with Enter.
    page.get_by_role("link", name="Kod innspill").first.click()
    assert_accessible(page)
    page.get_by_label("Flere trær").focus()
    page.keyboard.press("Space")
    page.get_by_label("Kod til temaet").select_option(label="Grøntareal")
    page.get_by_role("button", name="Legg til i tema").focus()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_contain_text("1 innspill kodet til «Grøntareal»")
    expect(page.get_by_test_id("coding-inputs")).to_contain_text("Grøntareal")
    assert_accessible(page)

    page.get_by_role("link", name="Tilbakemelding og beslutninger").first.click()
    page.get_by_role("link", name="Registrer en beslutning").click()
    assert_accessible(page)
    page.locator("#id_title").fill("BP2: konseptet godkjent")
    page.locator("#id_decided_on").fill("2027-06-10")
    page.locator("#id_body").fill("Kommunestyret")
    page.locator("#id_case_number").fill("2027/123")
    page.locator("main form button[type=submit]").click()
    page.get_by_role("link", name="Svar – Grøntareal").click()
    assert_accessible(page)
    page.get_by_label("Tatt med i beslutningen", exact=True).check()
    page.locator("#id_text").fill("Skolegården får tolv nye trær og benker.")
    page.locator("#id_decision").select_option(label="BP2: konseptet godkjent")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_test_id("theme-responses")).to_contain_text("Tatt med i beslutningen")

    page.goto(live_server.url + f"/participation/{open_process.pk}/")
    page.get_by_role("button", name="Stengt for innspill").click()
    page.goto(live_server.url + f"/participation/{open_process.pk}/feedback/")
    page.get_by_role("button", name="Publiser tilbakemeldingen").click()
    expect(page.locator("main h1")).to_contain_text("Tilbakemelding gitt")
    assert_accessible(page)

    phone_page.goto(live_server.url + f"/participation/p/{open_process.code}/")
    phone_page.get_by_role("link", name=re.compile("Dere sa – vi gjorde")).click()
    story = phone_page.get_by_test_id("story")
    expect(story).to_contain_text("Grøntareal")
    expect(story).to_contain_text("Skolegården trenger trær og benker.")
    expect(story).to_contain_text("Vi gjorde: Tatt med i beslutningen.")
    expect(story).to_contain_text("Skolegården får tolv nye trær og benker.")
    expect(story).to_contain_text("10. juni 2027: BP2: konseptet godkjent")
    expect(story).to_contain_text("sak 2027/123")


def test_citizen_on_a_phone_answers_a_plan_question_and_pins_a_comment_with_the_keyboard_only(
        phone_page, live_server, assert_accessible, open_process, admin_user, settings, tmp_path):
    """The list alternative: every step by focus and keys — a place chosen from the list, a pin placed
    and moved with the arrow keys — and every pin is then a list row with its place in words."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from torg.participation import plans, services
    from torg.participation.models import Answer, Input

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    settings.TORG_MEDIA_SERVE = "stream"
    buf = io.BytesIO()
    Image.new("RGB", (600, 400), (235, 235, 235)).save(buf, "PNG")
    plan = plans.plan_create(actor=admin_user, process=open_process, title="1. etasje",
                             description="Plantegning av 1. etasje med torget og kafeen",
                             upload=SimpleUploadedFile("plan.png", buf.getvalue()))
    plans.area_add(actor=admin_user, plan=plan, name="Torget", x=0, y=0, w=0.5, h=1)
    plans.area_add(actor=admin_user, plan=plan, name="Kafeen", x=0.5, y=0, w=0.5, h=1)
    survey = services.survey_create(actor=admin_user, process=open_process, title="Innbyggertorget")
    services.question_add(actor=admin_user, survey=survey, kind="scale", text="Hvor fornøyd er du?", required=True)
    question = services.question_add(actor=admin_user, survey=survey, kind="place", text="Hvor sitter du helst?",
                                     plan=plan)
    services.survey_set_status(actor=admin_user, survey=survey, status="open")

    phone_page.goto(live_server.url + f"/participation/p/{open_process.code}/")
    phone_page.get_by_role("link", name="Svar: Innbyggertorget").focus()
    phone_page.keyboard.press("Enter")
    phone_page.wait_for_url(f"**/s/{survey.code}/")
    assert_accessible(phone_page)
    _no_sideways_scroll(phone_page)
    phone_page.get_by_label("4", exact=True).focus()
    phone_page.keyboard.press("Space")
    # Place the pin with the keyboard: it starts in the middle; two steps right puts it in "Kafeen".
    phone_page.get_by_role("button", name="Sett en nål med tastaturet").focus()
    phone_page.keyboard.press("Enter")
    marker = phone_page.get_by_role("button", name="Nålen din – flytt den med piltastene")
    expect(marker).to_be_focused()
    phone_page.keyboard.press("ArrowRight")
    phone_page.keyboard.press("ArrowRight")
    phone_page.keyboard.press("ArrowUp")
    expect(phone_page.locator("[data-pin-status]")).to_contain_text("Nålen er satt i: Kafeen.")
    assert_accessible(phone_page)
    phone_page.get_by_role("button", name="Send svar").focus()
    phone_page.keyboard.press("Enter")
    expect(phone_page.locator("main")).to_contain_text("Takk for at du svarte")
    value = Answer.objects.get(question=question).value
    assert value["area"] == plan.areas.get(name="Kafeen").pk and value["x"] == 0.54 and value["y"] == 0.48

    # A comment on the plan, the place chosen from the list with the keyboard.
    phone_page.get_by_role("link", name="1. etasje").focus()
    phone_page.keyboard.press("Enter")
    phone_page.wait_for_url(f"**/plans/{plan.pk}/")
    assert_accessible(phone_page)
    _no_sideways_scroll(phone_page)
    phone_page.get_by_label("Sted på planen").focus()
    phone_page.keyboard.press("ArrowDown")  # the first place of the list: Kafeen (the list is by name)
    expect(phone_page.get_by_label("Sted på planen")).to_have_value(str(plan.areas.get(name="Kafeen").pk))
    expect(phone_page.locator("[data-pin-status]")).to_contain_text("Kafeen")
    phone_page.get_by_label("Din kommentar").focus()
    phone_page.keyboard.type("Flere stikkontakter ved vinduene.")
    phone_page.get_by_role("button", name="Send kommentar").focus()
    phone_page.keyboard.press("Enter")
    expect(phone_page.locator("main")).to_contain_text("publiseres når en moderator har lest det")
    pin = Input.objects.get(kind="pin")
    assert (pin.area.name, pin.pin_x, pin.pin_y) == ("Kafeen", 0.75, 0.5)
    # The own pin is listed with its place in words (before moderation, to its author only).
    expect(phone_page.get_by_test_id("pin-list")).to_contain_text("Kafeen (midt til høyre på planen)")
    expect(phone_page.get_by_test_id("pin-list")).to_contain_text("Flere stikkontakter ved vinduene.")
    assert_accessible(phone_page)
    _no_sideways_scroll(phone_page)
