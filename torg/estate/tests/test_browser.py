"""A surveyor on a phone: starts a survey, grades three building parts with photos, approves it; the
building page then shows the condition and the backlog the survey's TG3 measure makes. axe-core on every
page visited, no sideways scrolling."""

import io
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _no_sideways_scroll(page):
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), page.url


def _photo(tmp_path, name):
    from PIL import Image

    path = tmp_path / name
    buf = io.BytesIO()
    Image.new("RGB", (800, 600), (30, 90, 160)).save(buf, "JPEG")
    path.write_bytes(buf.getvalue())
    return str(path)


def test_a_surveyor_grades_three_parts_on_a_phone(phone_page, page, live_server, login, assert_accessible, admin_user,
                                                   building, tmp_path, settings):
    from django.utils import timezone

    settings.MEDIA_ROOT = tmp_path / "media"
    this_year = timezone.localdate().year
    phone = phone_page
    login(phone, live_server, "admin")
    phone.goto(live_server.url + f"/estate/buildings/{building.pk}/")
    assert_accessible(phone)
    _no_sideways_scroll(phone)
    phone.get_by_role("link", name="Ny tilstandsanalyse").click()
    phone.locator("#id_surveyed_on").fill("2026-05-14")
    phone.locator("#id_surveyor").fill("Kari Takst")
    assert_accessible(phone)
    phone.locator("main form button[type=submit]").click()
    expect(phone.locator("main h1")).to_contain_text("Utkast")
    for code, grade, text in (("23", "2", "Råte i kledning mot sør"), ("26", "3", "Lekkasje ved taksluk"),
                              ("43", "1", "Eldre sikringsskap")):
        phone.get_by_role("link", name="Vurder en bygningsdel").first.click()
        phone.locator("#id_ns_code").select_option(code)
        phone.get_by_label(re.compile(f"^TG{grade} ")).check()
        phone.locator("#id_description").fill(text)
        if grade == "3":
            phone.locator("#id_measure").fill("Nytt tekke og sluk")
            phone.locator("#id_measure_cost").fill("1200000")
            phone.locator("#id_measure_year").fill(str(this_year))  # due this year: in the backlog
        phone.locator("#id_photo").set_input_files(_photo(tmp_path, f"{code}.jpg"))
        _no_sideways_scroll(phone)
        phone.locator("main form button[type=submit]").click()
        expect(phone.get_by_test_id("parts")).to_contain_text(text)
    assert_accessible(phone)
    _no_sideways_scroll(phone)
    expect(phone.get_by_test_id("parts").locator("img")).to_have_count(3)
    assert phone.get_by_test_id("parts").locator("img").first.evaluate("img => img.naturalWidth") > 0
    phone.get_by_role("button", name="Godkjenn").click()
    expect(phone.locator("main h1")).to_contain_text("Godkjent")
    assert_accessible(phone)

    login(page, live_server, "admin")
    page.goto(live_server.url + f"/places/buildings/{building.pk}/")
    expect(page.get_by_test_id("estate-panel")).to_contain_text("TG0: 0, TG1: 1, TG2: 1, TG3: 1")
    # The approved survey proposed the TG3 part's measure, due this year: the backlog is its cost.
    expect(page.get_by_test_id("panel-backlog")).to_have_text(re.compile(r"^1\W200\W000 kr$"))
    assert_accessible(page)
    page.goto(live_server.url + "/estate/")
    expect(page.get_by_test_id("worst-parts")).to_contain_text("Nytt tekke og sluk")
    assert_accessible(page)


def test_energy_pages_are_accessible_with_chart_and_table(page, phone_page, live_server, login, assert_accessible,
                                                          admin_user, tenant, building):
    import datetime as dt
    from decimal import Decimal

    from torg.estate import services
    from torg.estate.models import MeterReading

    meter = services.meter_create(actor=admin_user, tenant=tenant, building=building, number="EL-1",
                                  carrier="electricity")
    MeterReading.objects.bulk_create([MeterReading(tenant=tenant, meter=meter, month=dt.date(y, m, 1),
                                                   kwh=Decimal(10000 - 500 * (y - 2023)))
                                      for y in (2023, 2024, 2025) for m in range(1, 13)])
    services.target_set(actor=admin_user, tenant=tenant, base_year=2023, reduction_percent=Decimal(3))
    login(page, live_server, "admin")
    page.goto(live_server.url + f"/estate/buildings/{building.pk}/energy/")
    expect(page.get_by_test_id("energy-years")).to_contain_text("100,0")  # 2023: 120 000 kWh / 1 200 m²
    expect(page.locator(".estate-chart rect")).to_have_count(3)
    assert_accessible(page)
    page.goto(live_server.url + "/estate/energy/?year=2025")
    expect(page.get_by_test_id("energy-ranking")).to_contain_text("Testhuset")
    expect(page.get_by_test_id("energy-progress")).to_contain_text("Målet er nådd")  # 90,0 against 94,1
    assert_accessible(page)
    login(phone_page, live_server, "admin")
    phone_page.goto(live_server.url + f"/estate/meters/{meter.pk}/")
    phone_page.locator("#id_month").fill("2026-01")
    phone_page.locator("#id_kwh").fill("8000")
    phone_page.locator("main form button[type=submit]").click()
    expect(phone_page.get_by_test_id("readings")).to_contain_text("01.2026")
    _no_sideways_scroll(phone_page)
    assert_accessible(phone_page)
