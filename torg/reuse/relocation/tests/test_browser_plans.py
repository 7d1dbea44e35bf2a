"""Furnishing plans through a real browser (Chromium + axe-core on every page): build a small plan,
run the matching, override a match, download the move lists, deliver an item on a phone."""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from torg.reuse.models import Item, ReuseRecord, Status
from torg.reuse.relocation.models import Line, Plan

pytestmark = pytest.mark.browser


def test_plan_match_override_move_list_and_delivery(page, phone_page, live_server, login, assert_accessible,
                                                      admin_user, target, troom, old_sites, cats, products, stock):
    chairs = stock(products["chair"], 3, room="A1")
    login(page, live_server, "admin")
    page.goto(live_server.url + "/reuse/plans/")
    assert_accessible(page)
    page.get_by_role("link", name="Ny plan").click()
    assert_accessible(page)
    page.fill("input[name=name]", "Nytt rådhus")
    page.select_option("select[name=building]", str(target.pk))
    page.select_option("select[name=source_buildings]", [str(old_sites["A"].pk)])
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("FP-000001")
    assert_accessible(page)
    plan = Plan.objects.get()

    # needs for room 1.01: 4 task chairs
    page.get_by_role("link", name="1.01", exact=True).click()
    expect(page.locator("h1")).to_contain_text("1.01")
    assert_accessible(page)
    form = page.locator("[data-testid=need-form]")
    form.locator("select[name=category]").select_option(str(cats["task_chair"].pk))
    form.locator("input[name=quantity]").fill("4")
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-testid=need]")).to_have_count(1)
    expect(page.locator("[data-testid=need-lines] tbody tr")).to_have_count(4)
    assert_accessible(page)

    # matching from the plan page: the figures update in place (HTMX)
    page.goto(live_server.url + f"/reuse/plans/{plan.pk}/")
    expect(page.locator("[data-testid=fig-total]")).to_have_text("4")
    page.locator("[data-testid=run-matching]").click()
    expect(page.locator("[data-testid=fig-own]")).to_have_text("3")
    expect(page.locator("[data-testid=fig-new]")).to_have_text("1")
    expect(page.locator("[data-testid=fig-reuse]")).to_contain_text("75")
    assert_accessible(page)
    assert set(Item.objects.filter(pk__in=[c.pk for c in chairs]).values_list("status", flat=True)) == {"reserved"}

    # a chair turns up at B after the matching: override the bought-new line with it
    spare = stock(products["chair"], 1, room="B1", condition=0)[0]
    page.goto(live_server.url + f"/reuse/plans/{plan.pk}/rooms/{troom['1.01'].pk}/")
    new_row = page.locator("[data-testid=need-lines] tbody tr", has_text="Kjøp nytt")
    new_row.get_by_role("link", name="Endre").click()
    assert_accessible(page)
    expect(page.locator("[data-testid=candidates]")).to_contain_text(spare.number)
    page.locator("[data-testid=candidates] tr", has_text=spare.number).get_by_role("button").click()
    expect(page.locator("[data-testid=need-lines]")).to_contain_text(spare.number)
    expect(page.locator("[data-testid=need-lines]")).to_contain_text("Satt av planleggeren")
    assert_accessible(page)
    page.goto(live_server.url + f"/reuse/plans/{plan.pk}/")
    page.locator("[data-testid=run-matching]").click()
    expect(page.locator("[data-testid=fig-own]")).to_have_text("4")
    assert Line.objects.get(item=spare).locked

    # move lists: the PDF and XLSX for the destination room
    page.get_by_role("link", name="Flyttelister").click()
    assert_accessible(page)
    with page.expect_download() as dl:
        page.locator("[data-testid=room-lists] tr", has_text="1.01").get_by_role("link", name="Excel").click()
    rows = list(load_workbook(io.BytesIO(open(dl.value.path(), "rb").read())).active.iter_rows(values_only=True))
    assert {r[0] for r in rows[1:]} == {c.number for c in chairs} | {spare.number}
    with page.expect_download() as dl:
        page.locator("[data-testid=source-lists] tr", has_text="Gamle B").get_by_role("link", name="PDF").click()
    pdf = open(dl.value.path(), "rb").read()
    assert pdf.startswith(b"%PDF")
    import pypdfium2 as pdfium
    from pyzbar.pyzbar import decode

    doc = pdfium.PdfDocument(pdf)
    try:
        found = [d.data.decode() for d in decode(doc[0].render(scale=3).to_pil())]
        text = doc[0].get_textpage().get_text_range()
    finally:
        doc.close()
    assert [f.rsplit("/q/", 1)[1] for f in found] == [spare.code] and spare.number in text

    # activate and deliver on a phone by typing the code
    page.goto(live_server.url + f"/reuse/plans/{plan.pk}/")
    page.get_by_role("button", name="Sett til «Aktiv»").click()
    expect(page.locator("[data-testid=plan-status]")).to_have_text("Aktiv")
    login(phone_page, live_server, "admin")
    phone_page.goto(live_server.url + f"/reuse/plans/{plan.pk}/delivery/")
    assert_accessible(phone_page)
    phone_page.fill("input#code", chairs[0].code.lower())
    phone_page.get_by_role("button", name="Lever").click()
    expect(phone_page.locator("[data-testid=delivery-result]")).to_contain_text(chairs[0].number)
    expect(phone_page.locator("[data-testid=delivery-progress]")).to_contain_text("1 av 4")
    assert_accessible(phone_page)
    phone_page.fill("input#code", chairs[0].code)
    phone_page.get_by_role("button", name="Lever").click()
    expect(phone_page.locator("[data-testid=delivery-error]")).to_contain_text("allerede levert")
    assert_accessible(phone_page)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    item = Item.objects.get(pk=chairs[0].pk)
    assert item.room_id == troom["1.01"].pk and item.status == Status.IN_USE
    assert ReuseRecord.objects.filter(item=item, kind="relocation").count() == 1


def test_purchase_request_gate(page, live_server, login, assert_accessible, admin_user, tenant, cats, products, stock):
    from torg.accounts import services as accounts

    unit = accounts.org_unit_create(actor=admin_user, tenant=tenant, kind="sector", name="Oppvekst")
    stock(products["chair"], 2)
    login(page, live_server, "admin")
    page.goto(live_server.url + "/reuse/plans/purchases/new/")
    assert_accessible(page)
    page.select_option("select[name=unit]", str(unit.pk))
    page.select_option("select[name=category]", str(cats["task_chair"].pk))
    page.fill("input[name=quantity]", "5")
    page.fill("textarea[name=reason]", "Nye arbeidsplasser")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("[data-testid=stock-check]")).to_contain_text("2")
    assert_accessible(page)
    page.get_by_label("Kjøp likevel").check()
    page.get_by_role("button", name="Registrer beslutningen").click()
    expect(page.locator(".ds-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Kjøp likevel").check()
    page.fill("textarea[name=decision_reason]", "Trenger høye stoler")
    page.get_by_role("button", name="Registrer beslutningen").click()
    expect(page.locator("[data-testid=purchase-table]")).to_contain_text("Trenger høye stoler")
    assert_accessible(page)
