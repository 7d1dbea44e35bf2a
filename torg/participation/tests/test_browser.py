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
