"""The impact report through a real browser (Chromium + axe-core): report, HTMX breakdown, drill-down to
the reuses behind a figure, the fix link to the product, data quality, the factor library and a factor
edit; and the report on a 390 px phone."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from torg.reuse.impact.models import Factor

pytestmark = pytest.mark.browser


@pytest.fixture
def data(tenant, make_product, reuse, building):
    chair = make_product("task_chair", new_price_nok="5000", manufacturer="HÅG", model_name="Capisco")
    sofa = make_product("sofa", new_price_nok="12000")
    other = make_product("other", manufacturer="Ukjent", no_weight=True)
    reuse(chair, count=4, when=dt.date(2026, 2, 3), to_building=building)
    reuse(sofa, count=2, kind="given_away", when=dt.date(2026, 3, 3), from_building=building)
    reuse(other, when=dt.date(2026, 3, 20), to_building=building)
    return {"chair": chair, "other": other}


def test_report_drilldown_and_fix(page, live_server, login, assert_accessible, admin_user, data, cat):
    login(page, live_server, "admin")
    page.goto(live_server.url + "/reuse/impact/")
    summary = page.locator("[data-testid=impact-summary]")
    expect(summary).to_contain_text("250 kg")  # 4 × 35 + 2 × 55
    expect(page.locator("[data-testid=impact-gaps]")).to_be_visible()
    expect(page.locator("svg[role=img] title")).to_have_count(1)
    assert_accessible(page)

    # break down by kind of reuse: the table is replaced through HTMX and the URL follows
    page.select_option("select[name=by]", "kind")
    page.locator("[data-testid=impact-filters] button[type=submit]").click()
    table = page.locator("[data-testid=impact-breakdown]")
    expect(table).to_contain_text("Gitt bort")
    expect(page).to_have_url(re.compile(r"by=kind"))
    assert_accessible(page)

    # a group's figure leads to the reuses behind it, with the factor and source of each
    table.get_by_role("link", name="Gitt bort").click()
    expect(page.locator("h1")).to_contain_text("Ombruket bak tallene")
    expect(page.locator("[data-testid=drill-row]")).to_have_count(2)
    expect(page.locator("[data-testid=drill-totals]")).to_contain_text("110,00 kg")
    expect(page.locator("[data-testid=drill-table]")).to_contain_text("WRAP")
    assert_accessible(page)

    # the gaps: only the reuse without factor, weight or price, with a link to fix its product
    page.goto(live_server.url + "/reuse/impact/reuses/?flag=any")
    expect(page.locator("[data-testid=drill-row]")).to_have_count(1)
    expect(page.locator("[data-testid=drill-table]")).to_contain_text("ingen CO2e-faktor")
    assert_accessible(page)
    page.get_by_role("link", name="Rett produktet").click()
    expect(page).to_have_url(re.compile(rf"/reuse/products/{data['other'].pk}/"))

    page.goto(live_server.url + "/reuse/impact/quality/")
    expect(page.locator("[data-testid=quality-row]")).to_have_count(1)
    assert_accessible(page)

    # the library, and an administrator's edit of a factor
    page.goto(live_server.url + "/reuse/impact/factors/")
    expect(page.locator("[data-testid=factor-table]")).to_contain_text("NEPD-467-327-EN")
    assert_accessible(page)
    page.get_by_role("link", name=cat["task_chair"].name, exact=True).click()
    assert_accessible(page)
    page.fill("input[name=co2e_kg]", "40")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator(".torg-messages")).to_contain_text("Faktoren ble lagret.")
    assert Factor.objects.get(category=cat["task_chair"]).co2e_kg == 40
    page.goto(live_server.url + "/reuse/impact/")
    expect(page.locator("[data-testid=impact-summary]")).to_contain_text("270 kg")


def test_report_on_a_phone(phone_page, live_server, login, assert_accessible, admin_user, data):
    page = phone_page
    login(page, live_server, "admin")
    page.goto(live_server.url + "/reuse/impact/?by=month")
    expect(page.locator("[data-testid=impact-breakdown]")).to_contain_text("mars 2026")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    page.goto(live_server.url + "/reuse/impact/reuses/")
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
