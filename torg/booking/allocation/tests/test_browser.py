"""Seasonal allocation through a real browser (Chromium + Playwright), axe-core on every page: an
association applies on a phone, staff run the allocation, adjust one slot and publish, and the
association sees its series and files a complaint."""

import re

import pytest
from playwright.sync_api import expect

from torg.booking.allocation.models import Application, Complaint, Decision
from torg.booking.models import Booking

from .conftest import to_status

pytestmark = pytest.mark.browser


def _status(page, to):
    page.locator(f"main form:has(input[name=to][value={to}]) button").click()
    expect(page.locator(".torg-messages")).to_be_visible()


def test_apply_allocate_adjust_publish_and_complain(page, phone_page, live_server, login, assert_accessible, rnd,
                                                    admin_user, association_rep, clubs, hall):
    to_status(rnd, admin_user, "application")
    # The association applies on a phone.
    login(phone_page, live_server, "forening")
    phone_page.goto(live_server.url + "/booking/allocation/")
    assert_accessible(phone_page)
    phone_page.locator(f'main a[href$="/rounds/{rnd.pk}/apply/"]').click()
    assert_accessible(phone_page)
    phone_page.locator("#id_organisation").select_option(str(clubs["il"].pk))
    phone_page.locator("#id_activity").fill("Håndball J12")
    phone_page.locator("#id_group_size").fill("18")
    phone_page.locator("#id_age_group").select_option("children")
    phone_page.locator("#id_minutes").fill("90")
    phone_page.locator("#id_choice_1").select_option(str(hall["a"].pk))
    phone_page.locator("#id_choice_2").select_option(str(hall["b"].pk))
    phone_page.locator("#id_w1_weekday").select_option("1")
    phone_page.locator("#id_w1_starts").fill("17:00")
    phone_page.locator("#id_w1_ends").fill("20:00")
    phone_page.locator("main form button[type=submit]").click()
    expect(phone_page.locator("main h1")).to_have_text("Håndball J12")
    assert_accessible(phone_page)
    app = Application.objects.get()

    # Staff: close the applications, dry run, make the proposal, adjust the slot, publish.
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, live_server, "admin")
    page.goto(live_server.url + f"/booking/allocation/rounds/{rnd.pk}/")
    assert_accessible(page)
    _status(page, "allocation")
    page.locator('main a[href$="?dry_run=1#dry-run"]').click()
    expect(page.locator("#dry-run")).to_be_visible()
    assert_accessible(page)
    assert not Decision.objects.exists()
    page.locator(f'main form[action$="/rounds/{rnd.pk}/propose/"] button').click()
    expect(page.locator("#decisions")).to_be_visible()
    assert_accessible(page)
    decision = Decision.objects.get()
    assert (decision.resource, decision.starts.hour) == (hall["a"], 17)
    page.locator(f'main a[href$="/decisions/{decision.pk}/adjust/"]').click()
    assert_accessible(page)
    page.locator("#id_resource").select_option(str(hall["b"].pk))
    page.locator("#id_starts").fill("18:00")
    page.locator("#id_ends").fill("19:30")
    page.locator("#id_reason").fill("Hall A er til vedlikehold på tirsdager.")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("Hall A er til vedlikehold på tirsdager.")
    _status(page, "published")
    _status(page, "complaints")
    assert_accessible(page)
    decision.refresh_from_db()
    assert decision.series is not None and Booking.objects.filter(series=decision.series).count() == 8

    # The association sees its decision, its explanation and the series, and complains.
    phone_page.goto(live_server.url + f"/booking/allocation/applications/{app.pk}/")
    expect(phone_page.locator("main")).to_contain_text("Hall A er til vedlikehold på tirsdager.")
    assert_accessible(phone_page)
    phone_page.locator(f"#complaint-{decision.pk}").fill("Vi trenger 17:00 for de yngste.")
    phone_page.locator(f'main form[action$="/decisions/{decision.pk}/complain/"] button').click()
    expect(phone_page.locator(".torg-messages")).to_be_visible()
    assert_accessible(phone_page)
    assert Complaint.objects.get().text == "Vi trenger 17:00 for de yngste."
    phone_page.locator(f'main a[href*="/booking/bookings/"]').first.click()
    expect(phone_page.locator("main h1")).to_contain_text("Hall B")
    assert_accessible(phone_page)
    assert re.search(r"/booking/bookings/\d+/$", phone_page.url)
