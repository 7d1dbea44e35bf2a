"""Marketplace pages over HTTP: permissions per reuse role, tenant isolation, and the order flow
through the forms (CSRF-protected POSTs, HTMX partials, Norwegian by default)."""

import pytest
from django.test import Client
from django.utils import timezone

from torg.reuse.market import services
from torg.reuse.market.models import Listing, Order
from torg.reuse.models import Item, Status

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def open_listing(make_items, people, tenant):
    return services.listing_create(actor=people.seller, tenant=tenant, items=make_items(count=4, owner_unit=None))


@pytest.mark.parametrize("who,home,sell,order", [
    ("observer", 200, 403, 403),
    ("surveyor", 200, 403, 403),
    ("plain_buyer", 200, 403, 200),
    ("buyer", 200, 200, 200),
    ("admin", 200, 200, 200),
])
def test_permissions_per_reuse_role(people, open_listing, who, home, sell, order):
    client = _client(getattr(people, who))
    assert client.get("/reuse/market/").status_code == home
    assert client.get("/reuse/market/sell/").status_code == sell
    assert client.get(f"/reuse/market/listings/{open_listing.pk}/order/").status_code == order


def test_citizens_and_other_tenants_are_kept_out(citizen, other_admin, open_listing, people, tenant, rooms, units):
    order = services.order_create(actor=people.buyer, tenant=tenant, listing=open_listing, quantity=1,
                                  delivery_room=rooms["1.01"], to_unit=units.health)
    assert _client(citizen).get("/reuse/market/").status_code == 403
    foreign = _client(other_admin)
    for url in (f"/reuse/market/listings/{open_listing.pk}/", f"/reuse/market/orders/{order.pk}/",
                f"/reuse/market/listings/{open_listing.pk}/edit/"):
        assert foreign.get(url).status_code == 404, url
    assert open_listing.title not in foreign.get("/reuse/market/").content.decode()


def test_only_the_seller_side_manages_a_listing_and_only_parties_see_an_order(people, open_listing, tenant, rooms,
                                                                             units):
    order = services.order_create(actor=people.buyer, tenant=tenant, listing=open_listing, quantity=1,
                                  delivery_room=rooms["1.01"], to_unit=units.health)
    other_seller = _client(people.sector_member)
    assert other_seller.get(f"/reuse/market/listings/{open_listing.pk}/edit/").status_code == 403
    assert other_seller.post(f"/reuse/market/listings/{open_listing.pk}/withdraw/").status_code == 403
    assert other_seller.get(f"/reuse/market/orders/{order.pk}/").status_code == 403
    assert other_seller.post(f"/reuse/market/orders/{order.pk}/status/",
                             {"to_status": "processing"}).status_code == 403
    assert _client(people.seller).get(f"/reuse/market/orders/{order.pk}/").status_code == 200
    assert _client(people.admin).get(f"/reuse/market/orders/{order.pk}/").status_code == 200
    # the buyer may not push the order forward as the seller would
    buyer = _client(people.buyer)
    buyer.post(f"/reuse/market/orders/{order.pk}/status/", {"to_status": "processing"})
    order.refresh_from_db()
    assert order.status == Order.Status.APPROVED


def test_settings_page_is_for_reuse_administrators(people, client_for, other_tenant):
    assert _client(people.buyer).get("/reuse/market/settings/").status_code == 403
    client = client_for(people.admin)
    assert client.get("/reuse/market/settings/").status_code == 200
    bad = client.post("/reuse/market/settings/", {"unit_days": "5", "partner_days": "2", "public_days": ""})
    assert bad.status_code == 422
    assert "partnerkommuner" in bad.content.decode().lower()  # the message, in Norwegian
    ok = client.post("/reuse/market/settings/", {"unit_days": "2", "partner_days": "5", "public_days": "10",
                                                 "approve_buyer_orders": "on", "partners": [other_tenant.pk]})
    assert ok.status_code == 302
    page = client.get("/reuse/market/settings/").content.decode()
    assert "Andrevik kommune" in page  # waiting for the partner to choose back


def test_list_order_and_receive_through_the_pages(people, make_items, rooms, units, tenant):
    items = make_items(count=3, owner_unit=None)
    seller = _client(people.seller)
    sell = seller.get("/reuse/market/sell/?q=capisco")
    assert sell.status_code == 200 and "Capisco" in sell.content.decode()
    query = f"?product={items[0].product_id}&building={items[0].building_id}&unit=&condition={items[0].condition}"
    too_many = seller.post("/reuse/market/sell/new/" + query, {"quantity": "4", "title": "Stoler",
                                                               "available_from": "2099-01-01", "pickup": "on"})
    assert too_many.status_code == 422
    created = seller.post("/reuse/market/sell/new/" + query, {
        "quantity": "2", "title": "To Capisco-stoler", "available_from": str(timezone.localdate()),
        "pickup": "on", "delivery": "on"})
    assert created.status_code == 302
    listing = Listing.objects.get()
    assert listing.lines.count() == 2

    buyer = _client(people.buyer)
    found = buyer.get("/reuse/market/?q=capisco", headers={"HX-Request": "true"})
    assert "To Capisco-stoler" in found.content.decode() and "<html" not in found.content.decode()
    ordered = buyer.post(f"/reuse/market/listings/{listing.pk}/order/", {
        "quantity": "1", "delivery_method": "delivery", "building": rooms["1.01"].building_id,
        "room": rooms["1.01"].pk, "to_unit": units.health.pk, "note": "Til kontoret"})
    assert ordered.status_code == 302
    order = Order.objects.get()
    message = buyer.post(f"/reuse/market/orders/{order.pk}/messages/", {"body": "Når kommer de?"},
                         headers={"HX-Request": "true"})
    assert message.status_code == 200 and "Når kommer de?" in message.content.decode()
    for to in ("processing", "out_for_delivery"):
        assert seller.post(f"/reuse/market/orders/{order.pk}/status/", {"to_status": to}).status_code == 302
    item = order.lines.get().item
    wrong = buyer.post(f"/reuse/market/orders/{order.pk}/receive/", {"code": "ZZZZZZZZZZZZ"})
    assert wrong.status_code == 422
    done = buyer.post(f"/reuse/market/orders/{order.pk}/receive/", {"code": item.code})
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.status == Status.IN_USE and item.room == rooms["1.01"] and item.owner_unit == units.health
    page = buyer.get(f"/reuse/market/orders/{order.pk}/").content.decode()
    assert "Mottatt" in page  # Norwegian by default


def test_reject_needs_a_reason_in_the_page(people, make_items, tenant, rooms, units):
    listing = services.listing_create(actor=people.seller, tenant=tenant, items=make_items(count=1, owner_unit=None),
                                      requires_approval=True)
    order = services.order_create(actor=people.buyer, tenant=tenant, listing=listing, quantity=1,
                                  delivery_room=rooms["1.01"], to_unit=units.health)
    seller = _client(people.seller)
    response = seller.post(f"/reuse/market/orders/{order.pk}/status/", {"to_status": "rejected"}, follow=True)
    assert "begrunnelse" in response.content.decode().lower()
    order.refresh_from_db()
    assert order.status == Order.Status.REQUESTED
    assert Item.objects.get().status == Status.ORDERED


def test_pages_render_for_the_administrator(people, open_listing, client_for):
    client = client_for(people.admin)
    for url in ("/reuse/market/", "/reuse/market/mine/", "/reuse/market/orders/", "/reuse/market/orders/?side=selling",
                "/reuse/market/searches/", "/reuse/market/given-away/", "/reuse/market/give-away/",
                "/reuse/market/partners/", f"/reuse/market/listings/{open_listing.pk}/",
                f"/reuse/market/listings/{open_listing.pk}/give-away/"):
        assert client.get(url).status_code == 200, url


def test_buyer_sellers_list_only_their_own_units_items(people, make_items, tenant, building):
    north = make_items(count=2)  # owned by Nord skole
    free = make_items(count=1, owner_unit=None)
    other = _client(people.buyer)  # buyer/seller in Helse
    page = other.get("/reuse/market/sell/").content.decode()
    assert "Nord skole" not in page
    assert other.get(f"/reuse/market/sell/new/?item={north[0].pk}").status_code == 404
    assert other.get(f"/reuse/market/sell/new/?item={free[0].pk}").status_code == 200
    group = f"?product={north[0].product_id}&building={building.pk}&unit={north[0].owner_unit_id}&condition=1"
    assert other.get("/reuse/market/sell/new/" + group).status_code == 302  # nothing of theirs to list
    assert _client(people.seller).get("/reuse/market/sell/new/" + group).status_code == 200
    assert _client(people.sector_member).get("/reuse/market/sell/new/" + group).status_code == 200  # the sector


def test_location_manager_lists_only_in_their_buildings(people, make_items, tenant, building, other_building_here):
    from torg.accounts.models import Membership
    from torg.reuse import services as inventory

    membership = Membership.objects.get(user=people.observer, tenant=tenant)
    inventory.reuse_role_set(actor=None, membership=membership, role="location_manager",
                             buildings=[other_building_here])
    items = make_items(count=1)
    client = _client(people.observer)
    assert client.get(f"/reuse/market/sell/new/?item={items[0].pk}").status_code == 404
    inventory.reuse_role_set(actor=None, membership=membership, role="location_manager", buildings=[building])
    assert _client(people.observer).get(f"/reuse/market/sell/new/?item={items[0].pk}").status_code == 200


@pytest.fixture
def other_building_here(tenant, admin_user):
    from torg.places import services as places

    prop = places.property_create(actor=admin_user, tenant=tenant, gnr=9, bnr=9)
    return places.building_create(actor=admin_user, tenant=tenant, property=prop, name="Annet bygg")


def test_notifications_are_shown_and_marked_read(people, make_items, tenant):
    from torg.reuse.market.models import Notification

    Notification.objects.create(tenant=tenant, user=people.buyer, message="Nytt for deg: stoler",
                                url="/reuse/market/")
    client = _client(people.buyer)
    assert "Nytt for deg: stoler" in client.get("/reuse/market/").content.decode()
    assert client.post("/reuse/market/notifications/read/").status_code == 302
    assert 'data-testid="notifications"' not in client.get("/reuse/market/").content.decode()
    assert Notification.objects.get().read_at is not None


def test_editing_a_listing_moves_its_stages(people, make_listing, client_for):
    import datetime as dt

    listing = make_listing(count=1)
    later = timezone.localdate() + dt.timedelta(days=10)
    response = _client(people.seller).post(f"/reuse/market/listings/{listing.pk}/edit/", {
        "title": "Ny tittel", "available_from": str(later), "pickup": "on"})
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.title == "Ny tittel" and timezone.localdate(listing.published_at) == later
    assert listing.municipality_at == listing.published_at + dt.timedelta(days=3)
