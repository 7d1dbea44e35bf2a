"""The foundation through a real browser: Debian's Chromium driven by Playwright, axe-core on every page.

Fixtures (page, phone_page, login, assert_accessible) live in the root conftest.py.
"""

import re

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _xlsx(path, header, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return str(path)


HEADER = ["gnr", "bnr", "building_number", "building_name", "use", "strategic_category", "floor_level",
          "room_number", "room_name", "net_area", "capacity", "function"]


def test_log_in_and_browse_to_a_room_and_search(page, live_server, login, assert_accessible, admin_user, building):
    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert_accessible(page)

    # A wrong password shows an error on the form, still accessible.
    page.locator("input[name=username]").fill("admin")
    page.locator("input[name=password]").fill("wrong-password")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main form .errorlist, main form [role=alert]").first).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert_accessible(page)

    login(page, live_server, "admin")
    expect(page.locator("h1")).to_have_text("Testvik kommune")
    assert_accessible(page)

    page.locator("header nav a[href='/places/']").click()
    expect(page.locator("main table")).to_contain_text("Testhuset")
    assert_accessible(page)

    page.get_by_role("link", name="Testhuset").click()
    expect(page.locator("h1")).to_contain_text("Testhuset")
    expect(page.locator("main")).to_contain_text("1001")
    assert_accessible(page)

    page.get_by_role("link", name="1.01").click()
    expect(page.locator("h1")).to_contain_text("1.01")
    expect(page.locator("h1")).to_contain_text("Klasserom")
    assert_accessible(page)

    page.goto(live_server.url + "/places/search/")
    page.locator("#places-search").fill("Klasserom")
    page.locator("#places-search").press("Enter")
    expect(page).to_have_url(re.compile(r"q=Klasserom"))
    results = page.locator("main ul.ds-list a[href*='/places/rooms/']")
    expect(results).to_have_count(1)
    expect(results).to_contain_text("1.01")
    assert_accessible(page)
    results.click()
    expect(page.locator("h1")).to_contain_text("Klasserom")


def test_import_a_valid_xlsx_through_the_ui(page, live_server, login, assert_accessible, admin_user, tmp_path):
    from torg.places.models import Building, Room

    path = _xlsx(tmp_path / "bygg.xlsx", HEADER, [
        [7, 12, "2001", "Importhuset", "office", "B", 0, "0.01", "Resepsjon", 35, 4, "office"],
        [7, 12, "2001", "Importhuset", "office", "B", 1, "1.01", "Storsalen", 120, 80, "meeting"],
    ])
    login(page, live_server, "admin")
    page.goto(live_server.url + "/places/import/")
    assert_accessible(page)

    page.locator("input[type=file][name=file]").set_input_files(path)
    page.locator("main form[enctype] button[type=submit]").click()
    summary = page.get_by_test_id("import-summary")
    expect(summary).to_be_visible()
    expect(page.get_by_test_id("import-errors")).to_have_count(0)
    assert_accessible(page)
    assert not Building.objects.filter(name="Importhuset").exists(), "the preview must not write"

    page.locator("form[action$='/import/confirm/'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/places/$"))
    expect(page.locator("main table")).to_contain_text("Importhuset")
    assert_accessible(page)

    b = Building.objects.get(name="Importhuset")
    assert b.building_number == "2001" and b.strategic_category == "B"
    assert sorted(Room.objects.filter(floor__building=b).values_list("number", flat=True)) == ["0.01", "1.01"]


def test_import_with_bad_rows_shows_the_error_report_and_writes_nothing(page, live_server, login,
                                                                        assert_accessible, admin_user, tmp_path):
    from torg.places.models import Building, Floor, Property, Room

    path = _xlsx(tmp_path / "feil.xlsx", HEADER, [
        [7, 12, "2001", "Godhuset", "office", "A", 0, "0.01", "Kontor", 12, 2, "office"],
        [7, 13, "2002", "Feilhuset", "office", "A", 0, "0.01", "Kontor", 12, "mange", "office"],
    ])
    counts = (Property.objects.count(), Building.objects.count(), Floor.objects.count(), Room.objects.count())
    login(page, live_server, "admin")
    page.goto(live_server.url + "/places/import/")
    page.locator("input[type=file][name=file]").set_input_files(path)
    page.locator("main form[enctype] button[type=submit]").click()

    errors = page.get_by_test_id("import-errors")
    expect(errors).to_be_visible()
    rows = errors.locator("tbody tr")
    expect(rows).to_have_count(1)
    cells = rows.first.locator("td")
    expect(cells.nth(0)).to_have_text("3")  # header is line 1, the bad row is line 3
    expect(cells.nth(1)).to_have_text("capacity")
    expect(cells.nth(2)).not_to_be_empty()
    # The valid row is previewed as it will be saved, and the problems can be downloaded.
    expect(page.get_by_test_id("import-sample").locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("import-sample")).to_contain_text("Godhuset")
    with page.expect_download() as download_info:
        page.locator("a[href*='/import/problems.csv']").click()
    report = (tmp_path / "problems.csv")
    download_info.value.save_as(report)
    lines = report.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 2 and lines[1].startswith("3;capacity;")
    assert_accessible(page)
    # Only "import the valid rows" is offered; nothing has been written.
    expect(page.locator("form[action$='/import/confirm/'] button[type=submit]:not([name])")).to_have_count(0)
    assert (Property.objects.count(), Building.objects.count(), Floor.objects.count(),
            Room.objects.count()) == counts
    assert not Building.objects.filter(name__in=["Godhuset", "Feilhuset"]).exists()


def test_switch_language_to_english_and_back(page, live_server, login, assert_accessible, admin_user, building):
    login(page, live_server, "admin")
    page.goto(live_server.url + "/places/")
    expect(page.locator("html")).to_have_attribute("lang", "nb")

    page.locator("header form button[name=language][value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/places/$"))  # stays on the same page
    expect(page.locator("header")).to_contain_text("Log out")
    expect(page.locator("h1")).to_have_text("Buildings")
    assert_accessible(page)

    page.locator("header form button[name=language][value=nb]").click()
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    expect(page.locator("header button[name=language][value=en]")).to_have_text("English")
    assert_accessible(page)


def test_building_page_on_a_phone(phone_page, live_server, login, assert_accessible, employee, building):
    page = phone_page
    login(page, live_server, "ansatt")
    assert_accessible(page)
    page.goto(live_server.url + f"/places/buildings/{building.pk}/")
    expect(page.locator("h1")).to_contain_text("Testhuset")
    assert_accessible(page)
    # The page itself never scrolls sideways (wide tables scroll inside their own wrapper).
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the 390px phone viewport"
    # The header is one line on a phone: the main menu is folded behind *Meny*, usable by keyboard.
    assert page.locator("header").bounding_box()["height"] < 100
    menu = page.locator("header button.torg-menu-toggle")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(page.locator("header nav a[href='/places/']")).to_be_hidden()
    menu.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(page.locator("header nav a[href='/places/']")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth")
    assert_accessible(page)
    page.keyboard.press("Tab")  # into the menu; Escape folds it and returns to the button
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    # The rooms are reachable (a small building shows its floors unfolded).
    room_link = page.get_by_role("link", name="1.01")
    room_link.scroll_into_view_if_needed()
    expect(room_link).to_be_visible()
    room_link.tap()
    expect(page.locator("h1")).to_contain_text("Klasserom")
    assert_accessible(page)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the 390px phone viewport"
    # The property page and the search results fit the phone as well.
    for path in (f"/places/properties/{building.property_id}/", "/places/search/?q=Test"):
        page.goto(live_server.url + path)
        assert_accessible(page)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than the 390px phone viewport"


FOUNDATION_PAGES = [
    "/accounts/profile/",
    "/accounts/admin/",
    "/accounts/admin/units/",
    "/accounts/admin/units/new/",
    "/accounts/admin/users/",
    "/accounts/admin/users/new/",
    "/accounts/admin/organisations/",
    "/accounts/admin/organisations/new/",
    "/accounts/admin/audit/",
    "/accounts/admin/audit/?type=places.building&action=update&who=admin",
    "/accounts/admin/users/{membership}/",
    "/accounts/admin/units/{unit}/",
    "/places/rooms/",
    "/places/search/?q=Test",
    "/places/properties/",
    "/places/properties/?archived=1",
    "/places/properties/{property}/",
    "/places/properties/{property}/edit/",
    "/places/properties/new/",
    "/places/floors/{floor}/edit/",
    "/places/buildings/new/",
    "/places/buildings/{building}/edit/",
    "/places/buildings/{building}/floors/new/",
    "/places/buildings/{building}/rooms/new/",
    "/places/rooms/{room}/edit/",
]


def test_every_foundation_page_passes_axe(page, live_server, login, assert_accessible, admin_user, building):
    from torg.places.models import Room

    from torg.accounts import services as account_services
    from torg.accounts.models import Membership
    from torg.places import services as places_services

    room = Room.objects.filter(floor__building=building).order_by("number").first()
    # Something in every history table: a changed building and a unit.
    places_services.building_update(actor=admin_user, building=building, use="school", gross_area=1300)
    unit = account_services.org_unit_create(actor=admin_user, tenant=building.tenant, kind="sector", name="Oppvekst")
    ids = {"building": building.pk, "room": room.pk, "property": building.property_id, "unit": unit.pk,
           "floor": room.floor_id, "membership": Membership.objects.get(user=admin_user).pk}
    login(page, live_server, "admin")
    for path in FOUNDATION_PAGES:
        url = live_server.url + path.format(**ids)
        response = page.goto(url)
        assert response.status == 200, f"{path}: HTTP {response.status}"
        expect(page.locator("h1")).to_have_count(1)
        assert_accessible(page)

    # A form with validation errors, and the not-found page.
    page.goto(live_server.url + "/places/buildings/new/")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("main [aria-invalid=true]").first).to_be_visible()
    assert_accessible(page)
    response = page.goto(live_server.url + "/places/buildings/999999/")
    assert response.status == 404
    assert_accessible(page)


PHONE_PAGES = ["/", "/places/", "/places/buildings/{building}/", "/places/rooms/", "/accounts/admin/audit/",
               "/reuse/", "/reuse/market/", "/reuse/plans/", "/reuse/impact/", "/booking/", "/booking/mine/"]


def test_key_pages_fit_a_phone(phone_page, live_server, login, assert_accessible, admin_user, building):
    """Issue 14: the employee's key pages at 390 × 844 — no sideways scrolling of the page, axe-core
    clean, the header one line with its menu folded."""
    page = phone_page
    login(page, live_server, "admin")
    wide = []
    for path in PHONE_PAGES:
        response = page.goto(live_server.url + path.format(building=building.pk))
        assert response.status == 200 and "/accounts/login/" not in page.url, path
        if page.evaluate("document.documentElement.scrollWidth") > page.evaluate("window.innerWidth"):
            wide.append(path)
        assert page.locator("header").bounding_box()["height"] < 100, path
        assert_accessible(page)
    assert wide == []
