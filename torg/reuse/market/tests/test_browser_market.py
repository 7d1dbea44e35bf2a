"""The marketplace through a real browser (Chromium + axe-core on every page): list an item, find it
as another user on a phone, order it, approve, process, mark ready, receive it by its QR code; the
same for a buyer of a partner municipality."""

import re

import pytest
from playwright.sync_api import expect

from torg.reuse.market.models import Order
from torg.reuse.models import Item, Status

pytestmark = pytest.mark.browser


def test_list_find_order_approve_and_receive(page, phone_page, live_server, login, assert_accessible, people,
                                             make_items, rooms, units):
    item = make_items(count=1, owner_unit=None, room="0.01")[0]
    seller, buyer = page, phone_page

    # The seller lists the chair.
    login(seller, live_server, "selger")
    seller.goto(live_server.url + "/reuse/market/")
    assert_accessible(seller)
    seller.goto(live_server.url + "/reuse/market/sell/")
    assert_accessible(seller)
    seller.locator("[data-testid=sell-table] a[href*='sell/new']").first.click()
    expect(seller.locator("h1")).to_contain_text("Capisco")
    assert_accessible(seller)
    seller.fill("input[name=title]", "Kontorstol Capisco")
    seller.fill("textarea[name=description]", "Nyrengjort, justerbar.")
    seller.get_by_role("button", name="Publiser annonsen").click()
    expect(seller.locator("[data-testid=listing-status]")).to_have_text("Åpen")
    expect(seller.locator("[data-testid=stage]")).to_contain_text("Alle i kommunen")
    assert_accessible(seller)
    item.refresh_from_db()
    assert item.status == Status.LISTED

    # A surveyor may not order: the listing says why and whom to ask.
    login(buyer, live_server, "registrator")
    buyer.goto(seller.url)
    expect(buyer.locator("[data-testid=order-denied]")).to_contain_text("Kjøper/selger")
    expect(buyer.get_by_role("link", name="Bestill", exact=True)).to_have_count(0)
    assert_accessible(buyer)
    buyer.context.clear_cookies()

    # A buyer (reuse role "buyer": orders need approval) finds it on a phone and orders it.
    login(buyer, live_server, "bare_kjoper")
    buyer.goto(live_server.url + "/reuse/market/")
    buyer.fill("#q", "capisco")
    expect(buyer.locator("[data-testid=listing-card]")).to_have_count(1)
    assert_accessible(buyer)
    buyer.get_by_role("link", name="Kontorstol Capisco").click()
    expect(buyer.locator("h1")).to_contain_text("Kontorstol Capisco")
    assert_accessible(buyer)
    buyer.get_by_role("link", name="Bestill", exact=True).click()
    assert_accessible(buyer)
    buyer.select_option("select[name=building]", str(rooms["1.01"].building_id))
    expect(buyer.locator("select[name=room] option", has_text="1.01")).to_have_count(1)  # rooms follow (HTMX)
    buyer.select_option("select[name=room]", str(rooms["1.01"].pk))
    expect(buyer.locator("select[name=to_unit]")).to_have_value(str(units.health.pk))
    buyer.get_by_role("button", name="Send bestillingen").click()
    expect(buyer.locator("[data-testid=order-status]")).to_have_text("Forespurt")
    expect(buyer.locator("main h1")).to_contain_text("Bestilling B-")
    expect(buyer.locator("[data-testid=order-next]")).to_contain_text("Selgeren godkjenner eller avviser")
    expect(buyer.locator("[data-testid=order-pickup]")).to_contain_text("0.01")
    assert_accessible(buyer)
    assert buyer.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    order = Order.objects.get()

    # The seller approves, processes and marks it ready for pickup.
    seller.goto(live_server.url + "/reuse/market/orders/?side=selling")
    assert_accessible(seller)
    seller.get_by_role("link", name=order.number).click()
    assert_accessible(seller)
    for button, status in (("Godkjenn", "Godkjent"), ("Start behandlingen", "Under behandling"),
                           ("Merk som klar til henting", "Klar til henting")):
        seller.get_by_role("button", name=button).click()
        expect(seller.locator("[data-testid=order-status]")).to_have_text(status)
    assert_accessible(seller)

    # The buyer receives it by scanning the label (the scanner fills in the code field).
    buyer.goto(live_server.url + f"/reuse/market/orders/{order.pk}/")
    buyer.locator("[data-testid=receive]").click()
    expect(buyer).to_have_url(re.compile(r"/receive/$"))
    assert_accessible(buyer)
    buyer.fill("#code", "NOT-A-CODE")
    buyer.locator("main form button[type=submit]").click()
    expect(buyer.locator(".ds-validation-message")).to_be_visible()
    assert_accessible(buyer)
    buyer.fill("#code", f"{live_server.url}/q/{item.code}")
    buyer.locator("main form button[type=submit]").click()
    expect(buyer.locator("[data-testid=order-status]")).to_have_text("Mottatt")
    assert_accessible(buyer)
    item = Item.objects.get(pk=item.pk)
    assert item.status == Status.IN_USE and item.room_id == rooms["1.01"].pk and item.owner_unit == units.health
    history = buyer.locator("[data-testid=order-history]")
    expect(history).to_contain_text("Mottatt")


def test_settings_saved_searches_and_public_page(page, live_server, login, assert_accessible, people, make_items,
                                                 other_tenant, client):
    login(page, live_server, "admin")
    page.goto(live_server.url + "/reuse/market/settings/")
    assert_accessible(page)
    page.fill("input[name=public_days]", "0")
    page.fill("input[name=partner_days]", "")
    page.fill("input[name=unit_days]", "0")
    page.get_by_label("Andrevik kommune").check()
    page.get_by_role("button", name="Lagre").click()
    expect(page.locator("[data-testid=partners-waiting]")).to_contain_text("Andrevik kommune")
    assert_accessible(page)
    from torg.reuse.market import services

    services.listing_create(actor=people.seller, tenant=people.seller.memberships.get().tenant,
                            items=make_items(count=2, owner_unit=None), title="Stoler til låns", to_public=True)
    page.goto(live_server.url + "/reuse/market/?q=stoler")
    page.fill("input[name=name]", "Stoler")
    page.get_by_role("button", name="Lagre dette søket").click()
    expect(page.locator("[data-testid=saved-searches]")).to_contain_text("Stoler")
    assert_accessible(page)
    # The public page, without login.
    anonymous = page.context.browser.new_context(locale="nb-NO").new_page()
    anonymous.goto(live_server.url + "/reuse/market/public/testvik/")
    expect(anonymous.locator("[data-testid=public-listings]")).to_contain_text("Stoler til låns")
    assert_accessible(anonymous)
    anonymous.get_by_role("link", name="Stoler til låns").click()
    expect(anonymous.locator("h1")).to_have_text("Stoler til låns")
    assert_accessible(anonymous)
    anonymous.context.close()


def test_a_partner_municipality_orders_the_seller_approves_and_the_buyer_receives(
        page, phone_page, live_server, login, assert_accessible, people, partner, make_items):
    from torg.reuse.market import services
    from torg.reuse.market.models import OrderLine

    item = make_items(count=1, owner_unit=None, room="0.01")[0]
    services.listing_create(actor=people.seller, tenant=people.admin.memberships.get().tenant, items=[item],
                            title="Kontorstol til naboen", to_partners=True)
    seller, buyer = page, phone_page

    # A buyer in the partner municipality finds it among the partners' listings and orders it.
    login(buyer, live_server, "nabokjoper")
    buyer.goto(live_server.url + "/reuse/market/partners/")
    assert_accessible(buyer)
    buyer.get_by_role("link", name="Kontorstol til naboen").click()
    expect(buyer.locator("h1")).to_have_text("Kontorstol til naboen")
    assert_accessible(buyer)
    buyer.locator("[data-testid=partner-order]").click()
    expect(buyer.locator("main")).to_contain_text("Testvik kommune")
    assert_accessible(buyer)
    buyer.select_option("select[name=building]", str(partner.building.pk))
    expect(buyer.locator("select[name=room] option", has_text="1.10")).to_have_count(1)
    buyer.select_option("select[name=room]", str(partner.rooms["1.10"].pk))
    expect(buyer.locator("select[name=to_unit]")).to_have_value(str(partner.unit.pk))
    buyer.get_by_role("button", name="Send bestillingen").click()
    expect(buyer.locator("[data-testid=order-status]")).to_have_text("Forespurt")
    expect(buyer.locator("[data-testid=order-seller-tenant]")).to_have_text("Testvik kommune")
    assert_accessible(buyer)
    assert buyer.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    order = Order.objects.get()
    buyer.fill("textarea[name=body]", "Vi henter den på torsdag.")
    buyer.get_by_role("button", name="Send melding").click()
    expect(buyer.locator("#messages")).to_contain_text("Vi henter den på torsdag.")

    # The seller sees who ordered, from which municipality, and approves.
    login(seller, live_server, "selger")
    seller.goto(live_server.url + "/reuse/market/orders/?side=selling")
    expect(seller.locator("[data-testid=order-table]")).to_contain_text("Andrevik kommune")
    assert_accessible(seller)
    seller.get_by_role("link", name=order.number).click()
    expect(seller.locator("[data-testid=order-buyer-tenant]")).to_have_text("Andrevik kommune")
    expect(seller.locator("#messages")).to_contain_text("Vi henter den på torsdag.")
    assert_accessible(seller)
    for button, status in (("Godkjenn", "Godkjent"), ("Start behandlingen", "Under behandling"),
                           ("Merk som klar til henting", "Klar til henting")):
        seller.get_by_role("button", name=button).click()
        expect(seller.locator("[data-testid=order-status]")).to_have_text(status)
    expect(seller.locator("[data-testid=receive]")).to_have_count(0)  # the buyer receives a partner order
    assert_accessible(seller)

    # The buyer receives it by its label: it is registered in the partner's inventory.
    buyer.goto(live_server.url + f"/reuse/market/orders/{order.pk}/")
    buyer.locator("[data-testid=receive]").click()
    assert_accessible(buyer)
    buyer.fill("#code", f"{live_server.url}/q/{item.code}")
    buyer.locator("main form button[type=submit]").click()
    expect(buyer.locator("[data-testid=order-status]")).to_have_text("Mottatt")
    assert_accessible(buyer)
    new = OrderLine.objects.get(order=order).received_item
    assert new.tenant == partner.tenant and new.room == partner.rooms["1.10"]
    assert Item.objects.get(pk=item.pk).status == Status.GIVEN_AWAY
    buyer.locator("[data-testid=order-items] a").click()
    expect(buyer.locator("[data-testid=item-history]")).to_contain_text("Testvik kommune")  # where it came from
    assert_accessible(buyer)
