"""Booking through a real browser (Chromium + Playwright), axe-core on every page."""

import datetime as dt
import os
import re

import pytest
from playwright.sync_api import expect

from torg.booking import queries, services
from torg.booking.models import Booking

from .conftest import at

pytestmark = pytest.mark.browser


def test_citizen_books_a_room_from_the_week_view(page, live_server, login, assert_accessible, citizen,
                                                 resource):
    login(page, live_server, "innbygger")
    page.goto(live_server.url + "/booking/")
    assert_accessible(page)
    page.get_by_role("link", name="Møterom").first.click()
    page.goto(page.url + f"?week={at(0, 0).date().isoformat()}")
    assert_accessible(page)
    page.locator(f'.torg-booking-week a[href*="start={at(1, 10):%Y-%m-%dT%H:%M}"]').first.click()
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("[data-testid=booking-summary]")).to_contain_text("Møterom")  # nothing booked yet
    assert not Booking.objects.exists()
    page.locator("main button[name=confirm]").click()
    expect(page.locator("main h1")).to_contain_text("Møterom")
    assert_accessible(page)
    booking = Booking.objects.get()
    assert (booking.booker, booking.start, booking.end) == (citizen, at(1, 10), at(1, 11))


def _fits(page, screenshot=""):
    """The page does not scroll sideways (no element wider than the screen). With TORG_SCREENSHOTS_DIR
    set, `screenshot` names the picture of the page for the user guide (docs/user-guide/img/)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth"), page.url
    if screenshot and os.environ.get("TORG_SCREENSHOTS_DIR"):
        page.screenshot(path=os.path.join(os.environ["TORG_SCREENSHOTS_DIR"], f"{screenshot}.png"))


def test_citizen_on_a_phone_finds_a_free_room_books_and_cancels(phone_page, live_server, login, assert_accessible,
                                                                 admin_user, citizen, resource):
    """Issue 14: the whole citizen path on a 390 × 844 phone, without sideways scrolling."""
    services.rules_update(actor=admin_user, resource=resource, entrance="Hovedinngangen, til venstre",
                          step_free=True)
    page = phone_page
    page.context.add_cookies([{"name": "django_language", "value": "nb", "url": live_server.url}])  # as users see it
    page.goto(live_server.url + f"/booking/public/{resource.tenant.slug}/")  # no login: the room catalogue
    expect(page.locator("[data-testid=public-room]")).to_contain_text("Hovedinngangen, til venstre")
    _fits(page, "booking-phone-catalogue")
    assert_accessible(page)
    login(page, live_server, "innbygger")
    page.goto(live_server.url + "/")
    expect(page.locator("[data-testid=waiting]")).to_be_visible()  # the start page: what waits for me
    _fits(page, "start-page-phone")
    assert_accessible(page)
    page.goto(live_server.url + f"/booking/resources/{resource.pk}/")
    expect(page.locator(".torg-booking-days")).to_be_visible()  # day by day, from today
    expect(page.locator(".torg-booking-weekgrid")).to_be_hidden()
    _fits(page, "booking-phone-days")
    assert_accessible(page)
    page.goto(live_server.url + "/booking/")
    _fits(page)
    assert_accessible(page)
    page.locator("#id_date").fill(at(1, 0).date().isoformat())
    page.locator("#id_start_time").fill("10:00")
    page.locator("#id_end_time").fill("11:30")
    page.locator("main form[method=get] button[type=submit]").click()
    free = page.locator("[data-testid=free-option][data-free=yes]").first
    expect(free).to_contain_text("Møterom")
    _fits(page, "booking-phone-search")
    assert_accessible(page)
    free.locator("a.ds-button").click()
    expect(page.locator("#id_end_time")).to_have_value("11:30")
    _fits(page)
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()
    summary = page.locator("[data-testid=booking-summary]")  # what, where, when, who, price and terms
    expect(summary).to_contain_text("Testgata 1")
    expect(summary).to_contain_text("Gratis")
    expect(summary).to_contain_text("Kan avbestilles inntil 24 timer før.")
    _fits(page, "booking-phone-summary")
    assert_accessible(page)
    assert not Booking.objects.exists()
    page.locator("main button[name=confirm]").click()
    expect(page.locator("main")).to_contain_text("Testgata 1")  # the receipt says where to go
    expect(page.locator("main")).to_contain_text("Hovedinngangen, til venstre")
    _fits(page, "booking-phone-receipt")
    assert_accessible(page)
    booking = Booking.objects.get()
    assert (booking.booker, booking.start, booking.end) == (citizen, at(1, 10), at(1, 11, 30))
    page.locator(f'main a[href$="/bookings/{booking.pk}/cancel/"]').click()
    expect(page.locator("main h1")).to_have_text(re.compile(r"Avbestille bookingen\?|Cancel the booking\?"))
    _fits(page, "booking-phone-cancel")
    assert_accessible(page)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED  # asking cancels nothing
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".torg-messages")).to_be_visible()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    undo = page.locator("[data-testid=undo-cancel]")  # cancelled by mistake: undo while the time is free
    expect(undo).to_be_visible()
    _fits(page)
    assert_accessible(page)
    undo.locator("button").click()
    expect(page.locator(".torg-messages")).to_contain_text("angret")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_association_series_with_a_conflict_and_staff_approval(page, live_server, login, assert_accessible,
                                                               association_rep, admin_user, employee, resource,
                                                               association):
    services.rules_update(actor=admin_user, resource=resource, requires_approval=True)
    services.booking_create(actor=admin_user, tenant=resource.tenant, resource=resource, start=at(8, 18),
                            end=at(8, 19))
    login(page, live_server, "forening")
    page.goto(live_server.url + f"/booking/resources/{resource.pk}/series/")
    page.locator("#id_date").fill(at(1, 0).date().isoformat())
    page.locator("#id_start_time").fill("18:00")
    page.locator("#id_end_time").fill("19:30")
    page.locator("#id_organisation").select_option(str(association.pk))
    page.locator("#id_count").fill("3")
    page.locator("button[name=preview]").click()
    expect(page.locator("main table")).to_contain_text(re.compile(r"allerede booket|already booked"))
    assert_accessible(page)
    page.locator("button[name=confirm]").click()
    expect(page).to_have_url(re.compile(r"/booking/mine/"))
    assert_accessible(page)
    assert list(Booking.objects.filter(booker=association_rep).values_list("start", flat=True)) == [
        at(1, 18), at(15, 18)]

    page.context.clear_cookies()
    login(page, live_server, "admin")
    page.goto(live_server.url + "/booking/approvals/")
    assert_accessible(page)
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator(".torg-messages")).to_be_visible()
    assert Booking.objects.filter(booker=association_rep, status="confirmed").count() == 1


def test_meraapent_booking_shows_its_door_code(page, live_server, login, assert_accessible, admin_user, tenant,
                                               building, citizen, resource):
    for weekday in range(7):
        services.opening_hours_add(actor=admin_user, tenant=tenant, building=building, weekday=weekday,
                                   opens=dt.time(8), closes=dt.time(16))
        services.opening_hours_add(actor=admin_user, tenant=tenant, building=building, weekday=weekday,
                                   opens=dt.time(16), closes=dt.time(22), kind="meraapent")
    login(page, live_server, "innbygger")
    page.goto(live_server.url + f"/booking/buildings/{building.pk}/meraapent/")
    assert_accessible(page)
    page.locator("#id_birth_date").fill("1990-05-01")
    page.locator("input[name=accept_terms]").check()
    page.locator("main form button[type=submit]").click()
    b = services.booking_create(actor=citizen, tenant=tenant, resource=resource, start=at(1, 18), end=at(1, 20))
    page.goto(live_server.url + f"/booking/bookings/{b.pk}/")
    assert_accessible(page)
    page.locator("form[action$='/code/'] button").click()
    expect(page.locator(".torg-booking-code")).to_have_text(re.compile(r"^\d{8}$"))
    assert_accessible(page)


def test_staff_pages_and_moving_a_series_are_accessible(page, phone_page, live_server, login, assert_accessible,
                                                        admin_user, tenant, building, association_rep, association,
                                                        resource, hall):
    for weekday in range(7):
        services.opening_hours_add(actor=admin_user, tenant=tenant, building=building, weekday=weekday,
                                   opens=dt.time(8), closes=dt.time(16))
    services.rules_update(actor=admin_user, resource=resource, equipment=["projector"])
    rrule = services.build_rrule(frequency="weekly", dtstart=at(1, 10), count=3)
    series = services.series_create(actor=association_rep, tenant=tenant, resource=resource, rrule=rrule,
                                    dtstart=at(1, 10), minutes=60, organisation=association)
    services.booking_create(actor=admin_user, tenant=tenant, resource=resource, start=at(8, 11), end=at(8, 12))
    week = at(0, 0).date().isoformat()
    login(page, live_server, "admin")
    page.goto(live_server.url + f"/booking/buildings/{building.pk}/week/?week={week}")
    expect(page.locator("main table")).to_contain_text("Gymsal A")
    assert_accessible(page)
    page.goto(live_server.url + f"/booking/report/?from={week}&to={at(6, 0).date().isoformat()}")
    expect(page.locator("main svg")).to_be_visible()
    assert_accessible(page)
    page.goto(live_server.url + f"/booking/buildings/{building.pk}/doors/")
    page.locator("#id_c-name").fill("Lock 1")
    page.locator("button[name=add_controller]").click()
    expect(page.locator(".torg-booking-token")).to_have_text(re.compile(r"^door_"))
    assert_accessible(page)
    page.goto(live_server.url + f"/booking/resources/{resource.pk}/photos/")
    assert_accessible(page)
    # the association moves the rest of its series one hour later; the second date conflicts
    first = series.bookings.order_by("start").first()
    page.context.clear_cookies()
    login(page, live_server, "forening")
    page.goto(live_server.url + f"/booking/bookings/{first.pk}/move/")
    assert_accessible(page)
    page.locator("input[name=scope][value=following]").check()
    page.locator("#id_start_time").fill("11:00")
    page.locator("#id_end_time").fill("12:00")
    page.locator("button[name=preview]").click()
    expect(page.locator("main table")).to_contain_text(re.compile(r"allerede booket|already booked"))
    assert_accessible(page)
    page.locator("button[name=confirm]").click()
    expect(page.locator(".torg-messages")).to_be_visible()
    hours = [b.start.astimezone(queries.OSLO).hour for b in series.bookings.order_by("start")]
    assert hours == [11, 10, 11]
    login(phone_page, live_server, "forening")
    phone_page.goto(live_server.url + f"/booking/buildings/{building.pk}/week/?week={week}&equipment=projector")
    assert_accessible(phone_page)


def test_employee_quick_books_a_desk_on_the_phone(phone_page, page, live_server, login, assert_accessible,
                                                  admin_user, tenant, building, employee):
    office = services.resource_create(actor=admin_user, tenant=tenant, name="Landskap", building=building,
                                      allow_citizens=False, checkin_minutes=15, max_minutes=480)
    desks = [services.resource_create(actor=admin_user, tenant=tenant, name=f"Pult {n}", building=building,
                                      parent=office, kind="part", allow_citizens=False, checkin_minutes=15,
                                      max_minutes=480) for n in (1, 2)]
    login(phone_page, live_server, "ansatt")
    phone_page.goto(live_server.url + "/booking/")
    phone_page.locator("a[href='/booking/quick/']").click()
    assert_accessible(phone_page)
    phone_page.goto(live_server.url + f"/booking/quick/?date={at(1, 0).date().isoformat()}&start_time=10:00"
                    "&minutes=120")
    expect(phone_page.locator("#quick-results")).to_contain_text("Pult 1")
    assert_accessible(phone_page)
    phone_page.locator("#quick-results form").filter(has_text="Pult 1").locator("button").click()
    expect(phone_page.locator(".torg-messages")).to_contain_text(re.compile("12:00"))
    assert_accessible(phone_page)
    booking = Booking.objects.get(resource=desks[0])
    assert (booking.booker, booking.start, booking.end) == (employee, at(1, 10), at(1, 12))
    # the whole office is now taken for that time too (it contains the desk); the other desk is free
    results = phone_page.locator("#quick-results")
    expect(results.locator("form").filter(has_text="Pult 2")).to_have_count(1)
    expect(results.locator("form").filter(has_text="Landskap")).to_have_count(0)
    # changing the length updates the list in place (HTMX) and keeps it accessible
    phone_page.locator("#id_minutes").select_option("30")
    expect(results.locator("form").first.locator("button")).to_contain_text("10:00–10:30")
    assert_accessible(phone_page)


def test_staff_find_a_booking_in_the_list_and_see_the_building_rules(page, live_server, login, assert_accessible,
                                                                     admin_user, citizen, tenant, building,
                                                                     resource):
    services.booking_create(actor=citizen, tenant=tenant, resource=resource, start=at(1, 10), end=at(1, 11),
                            title="Korøving")
    services.booking_create(actor=admin_user, tenant=tenant, resource=resource, start=at(2, 10), end=at(2, 11))
    login(page, live_server, "admin")
    page.goto(live_server.url + "/booking/")
    page.locator("main a[href='/booking/bookings/']").click()
    expect(page.locator("main table tbody tr")).to_have_count(2)
    assert_accessible(page)
    page.locator("#id_q").fill("innbygger")
    page.locator("main form[role=search] button[type=submit]").click()
    expect(page.locator("main table tbody tr")).to_have_count(1)
    assert_accessible(page)
    page.locator("main table tbody a").first.click()
    expect(page.locator("main h1")).to_contain_text("Møterom")
    # the building's rules page names which rules each resource uses
    page.goto(live_server.url + f"/booking/buildings/{building.pk}/rules/")
    expect(page.locator("main table")).to_contain_text("Møterom")
    assert_accessible(page)
    page.goto(live_server.url + f"/booking/resources/{resource.pk}/rules/")
    expect(page.get_by_test_id("rules-source")).to_contain_text(re.compile(r"Egne regler|Own rules"))
    assert_accessible(page)
