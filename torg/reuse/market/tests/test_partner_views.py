"""Partner orders over HTTP: who may open the order form, the order through the pages (CSRF-protected
POSTs), and what each municipality sees of it."""

import re

import pytest
from django.test import Client

from torg.accounts import services as accounts
from torg.reuse.market import services
from torg.reuse.market.models import Order, OrderLine
from torg.reuse.models import Status

from .conftest import member

pytestmark = pytest.mark.django_db
S = Order.Status


def _client(user):
    client = Client(enforce_csrf_checks=False)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def listing(make_listing, partner):
    return make_listing(count=2, to_partners=True, title="To Capisco-stoler")


@pytest.mark.parametrize("who,status", [("buyer", 200), ("plain_buyer", 200), ("observer", 403)])
def test_order_form_needs_the_order_permission_in_the_own_municipality(listing, partner, who, status):
    client = _client(getattr(partner, who))
    detail = client.get(f"/reuse/market/partners/{listing.code}/").content.decode()
    assert (f"/reuse/market/partners/{listing.code}/order/" in detail) == (status == 200)
    assert client.get(f"/reuse/market/partners/{listing.code}/order/").status_code == status


def test_non_partners_and_listings_kept_at_home_are_404(make_listing, listing, partner, tenant):
    far = accounts.tenant_create(name="Fjernvik kommune", slug="fjernvik")
    far_admin = member(far, "fjern_admin", role="admin")
    assert _client(far_admin).get(f"/reuse/market/partners/{listing.code}/order/").status_code == 404
    home_only = make_listing(count=1, to_partners=False)
    assert _client(partner.buyer).get(f"/reuse/market/partners/{home_only.code}/order/").status_code == 404
    # The partner's own listing page of the seller stays closed: only the partner page by code.
    assert _client(partner.buyer).get(f"/reuse/market/listings/{listing.pk}/").status_code == 404
    assert _client(partner.buyer).get(f"/reuse/market/listings/{listing.pk}/order/").status_code == 404


def test_partner_order_through_the_pages_and_what_each_side_sees(listing, partner, people, tenant, rooms):
    buyer = _client(partner.buyer)
    form = buyer.get(f"/reuse/market/partners/{listing.code}/order/").content.decode()
    # The buyer's own buildings only.
    buildings = re.search(r'<select name="building".*?</select>', form, re.S).group(0)
    assert f'<option value="{partner.building.pk}"' in buildings
    assert f'<option value="{rooms["1.01"].building_id}"' not in buildings
    # A room of the seller's municipality is refused.
    bad = buyer.post(f"/reuse/market/partners/{listing.code}/order/", {
        "quantity": "1", "delivery_method": "pickup", "building": rooms["1.01"].building_id,
        "room": rooms["1.01"].pk, "to_unit": partner.unit.pk})
    assert bad.status_code == 422 and not Order.objects.exists()
    sent = buyer.post(f"/reuse/market/partners/{listing.code}/order/", {
        "quantity": "1", "delivery_method": "pickup", "building": partner.building.pk,
        "room": partner.rooms["1.10"].pk, "to_unit": partner.unit.pk, "note": "Til klasserommet"})
    order = Order.objects.get()
    assert sent.status_code == 302 and sent.url == f"/reuse/market/orders/{order.pk}/"
    assert order.status == S.REQUESTED and order.buyer_tenant == partner.tenant

    page = buyer.get(f"/reuse/market/orders/{order.pk}/").content.decode()
    seller_item = OrderLine.objects.get(order=order).item
    assert "Testvik kommune" in page and "Forespurt" in page
    assert seller_item.number not in page  # not the seller's inventory
    assert "Godkjenn" not in page  # approval is the seller's
    assert order.number in buyer.get("/reuse/market/orders/").content.decode()
    assert order.number not in buyer.get("/reuse/market/orders/?side=selling").content.decode()
    # The buyer cannot approve by a forged POST.
    buyer.post(f"/reuse/market/orders/{order.pk}/status/", {"to_status": "approved"})
    order.refresh_from_db()
    assert order.status == S.REQUESTED

    seller = _client(people.seller)
    selling = seller.get("/reuse/market/orders/?side=selling").content.decode()
    assert order.number in selling and "Andrevik kommune" in selling
    seller_page = seller.get(f"/reuse/market/orders/{order.pk}/").content.decode()
    assert "Andrevik kommune" in seller_page and "Nabokjoper" in seller_page and seller_item.number in seller_page
    for to in ("approved", "processing", "ready_for_pickup"):
        assert seller.post(f"/reuse/market/orders/{order.pk}/status/", {"to_status": to}).status_code == 302
    # The seller cannot receive a partner order: the buyer does.
    assert seller.get(f"/reuse/market/orders/{order.pk}/receive/").status_code == 302
    buyer.post(f"/reuse/market/orders/{order.pk}/messages/", {"body": "Takk, vi henter i morgen."})
    assert "Takk, vi henter" in seller.get(f"/reuse/market/orders/{order.pk}/").content.decode()
    done = buyer.post(f"/reuse/market/orders/{order.pk}/receive/", {"code": seller_item.code})
    assert done.status_code == 302
    order.refresh_from_db()
    new = OrderLine.objects.get(order=order).received_item
    assert order.status == S.RECEIVED and new.tenant == partner.tenant and new.status == Status.IN_USE
    page = buyer.get(f"/reuse/market/orders/{order.pk}/").content.decode()
    assert f"/reuse/items/{new.pk}/" in page and f"/reuse/items/{seller_item.pk}/" not in page
    assert _client(partner.buyer).get(f"/reuse/items/{new.pk}/").status_code == 200
    assert _client(partner.buyer).get(f"/reuse/items/{seller_item.pk}/").status_code == 404


def test_others_in_either_municipality_do_not_see_the_order(listing, partner, partner_order, people):
    order = partner_order(listing)
    far = accounts.tenant_create(name="Fjernvik kommune", slug="fjernvik")
    assert _client(member(far, "fjern_admin", role="admin")).get(f"/reuse/market/orders/{order.pk}/") \
        .status_code == 404
    # The partner's administrator and the seller's colleague are not parties to it.
    assert _client(partner.admin).get(f"/reuse/market/orders/{order.pk}/").status_code == 403
    assert _client(people.sector_member).get(f"/reuse/market/orders/{order.pk}/").status_code == 403
    assert _client(people.sector_member).post(f"/reuse/market/orders/{order.pk}/messages/",
                                              {"body": "Hei"}).status_code == 403
    assert order.number not in _client(partner.admin).get("/reuse/market/orders/?side=selling").content.decode()


def test_order_forms_need_csrf(listing, partner, partner_order):
    order = partner_order(listing)
    client = Client(enforce_csrf_checks=True)
    client.force_login(partner.buyer, backend="django.contrib.auth.backends.ModelBackend")
    assert client.post(f"/reuse/market/partners/{listing.code}/order/", {"quantity": "1"}).status_code == 403
    assert client.post(f"/reuse/market/orders/{order.pk}/status/", {"to_status": "cancelled"}).status_code == 403
    services.order_transition(actor=partner.buyer, order=order, to_status=S.CANCELLED)
