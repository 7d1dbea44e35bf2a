"""Marketplace API: listings, orders and their transitions, saved searches — the permissions of the
pages per role, and another municipality's ids are 404."""

import pytest

from torg.reuse.market.models import Listing, Order, SavedSearch
from torg.reuse.models import Status

pytestmark = pytest.mark.django_db

API = "/api/v1/reuse/market"


@pytest.fixture(autouse=True)
def whole_municipality_at_once(tenant, admin_user):
    """Listings are seen by the whole municipality from publication (no days for the owner unit)."""
    from torg.reuse.market import services

    services.settings_update(actor=admin_user, tenant=tenant, unit_days=0, partner_days=None, public_days=None,
                             approve_buyer_orders=False, partners=[])


@pytest.fixture
def as_(api_as, tenant):
    return lambda user, t=None: api_as(user, t or tenant)


def steps(order):
    return sorted(t["to_status"] for t in order["allowed_transitions"])


def _order_payload(rooms, units, **extra):
    return {"quantity": 1, "delivery_room_id": rooms["0.02"].pk, "to_unit_id": units.health.pk, **extra}


def test_search_shows_what_a_buyer_can_order_and_needs_a_reuse_role(as_, people, make_listing, citizen):
    listing = make_listing(count=3, title="Kontorstoler")
    r = as_(people.buyer)("get", f"{API}/listings?q=Kontor")
    assert r.status_code == 200
    assert [(i["id"], i["available_count"], i["stage"]) for i in r.json()["items"]] == [
        (listing.pk, 3, "municipality")]
    assert as_(people.observer)("get", f"{API}/listings").json()["count"] == 1
    assert as_(people.buyer)("get", f"{API}/listings?q=Sofa").json()["count"] == 0
    assert as_(citizen)("get", f"{API}/listings").status_code == 403
    assert as_(people.buyer)("get", f"{API}/listings/{listing.pk}").json()["title"] == "Kontorstoler"


def test_another_municipality_never_sees_a_listing_by_id(as_, people, make_listing, other_admin, other_tenant):
    listing = make_listing(count=1)
    assert as_(other_admin, other_tenant)("get", f"{API}/listings/{listing.pk}").status_code == 404
    assert as_(other_admin, other_tenant)("get", f"{API}/listings").json()["count"] == 0


def test_a_seller_lists_items_and_a_buyer_without_the_right_cannot(as_, people, make_items, other_admin,
                                                                   other_tenant):
    items = make_items(count=2)
    body = {"item_ids": [i.pk for i in items], "title": "To stoler", "to_partners": False}
    assert as_(people.plain_buyer)("post", f"{API}/listings", body).status_code == 403
    assert as_(other_admin, other_tenant)("post", f"{API}/listings", body).status_code == 404  # not their items
    r = as_(people.seller)("post", f"{API}/listings", body)
    assert r.status_code == 201, r.content
    assert r.json()["available_count"] == 2 and r.json()["title"] == "To stoler"
    assert {i.status for i in type(items[0]).objects.filter(pk__in=[i.pk for i in items])} == {Status.LISTED}
    mine = as_(people.seller)("get", f"{API}/listings/mine").json()
    assert [i["id"] for i in mine["items"]] == [r.json()["id"]]
    r = as_(people.seller)("post", f"{API}/listings", body)  # the same items again
    assert r.status_code == 422


def test_withdraw_is_for_who_manages_the_listing(as_, people, make_listing):
    listing = make_listing(count=1)
    assert as_(people.buyer)("post", f"{API}/listings/{listing.pk}/withdraw", {}).status_code == 403
    r = as_(people.seller)("post", f"{API}/listings/{listing.pk}/withdraw", {"comment": "Trengs likevel"})
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"


def test_an_order_through_its_transitions_each_side_sees_what_it_may_do(as_, people, make_listing, rooms, units):
    listing = make_listing(count=2, requires_approval=True)
    buyer, seller = as_(people.buyer), as_(people.seller)
    r = buyer("post", f"{API}/listings/{listing.pk}/orders", _order_payload(rooms, units, note="Til møterommet"))
    assert r.status_code == 201, r.content
    order = r.json()
    assert (order["status"], order["sides"], steps(order)) == ("requested", ["buyer"], ["cancelled"])
    assert order["allowed_transitions"][0]["verb"] == "cancel"
    pk = order["id"]
    detail = seller("get", f"{API}/orders/{pk}").json()
    assert detail["sides"] == ["seller"] and steps(detail) == ["approved", "rejected"]
    assert [t["reason_required"] for t in detail["allowed_transitions"] if t["to_status"] == "rejected"] == [True]
    # the buyer cannot approve (not their step); rejecting needs a reason
    assert buyer("post", f"{API}/orders/{pk}/transitions", {"to_status": "approved"}).status_code == 403
    r = seller("post", f"{API}/orders/{pk}/transitions", {"to_status": "rejected"})
    assert r.status_code == 422 and "reason" in r.json()["detail"]
    r = seller("post", f"{API}/orders/{pk}/transitions", {"to_status": "approved"})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    for to in ("processing", "ready_for_pickup"):
        assert seller("post", f"{API}/orders/{pk}/transitions", {"to_status": to}).json()["status"] == to
    assert "received" in steps(buyer("get", f"{API}/orders/{pk}").json())
    # a step the order cannot take now is a 422
    assert seller("post", f"{API}/orders/{pk}/transitions", {"to_status": "approved"}).status_code == 422
    r = buyer("post", f"{API}/orders/{pk}/transitions", {"to_status": "received"})
    assert r.status_code == 422  # receiving is by an item's code
    assert buyer("post", f"{API}/orders/{pk}/receive", {"code": "NOPE"}).status_code == 422
    code = Order.objects.get(pk=pk).lines.first().item.code
    r = buyer("post", f"{API}/orders/{pk}/receive", {"code": code})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "received" and steps(r.json()) == []
    assert [e["to_status"] for e in r.json()["history"]] == ["requested", "approved", "processing",
                                                          "ready_for_pickup", "received"]
    assert [o["id"] for o in buyer("get", f"{API}/orders?open_only=false").json()["items"]] == [pk]
    assert [o["id"] for o in seller("get", f"{API}/orders?side=selling&open_only=false").json()["items"]] == [pk]
    assert seller("get", f"{API}/orders?side=buying").json()["count"] == 0


def test_who_may_not_order_or_read_an_order(as_, people, make_listing, rooms, units, citizen, other_admin,
                                            other_tenant):
    listing = make_listing(count=2)
    payload = _order_payload(rooms, units)
    assert as_(people.observer)("post", f"{API}/listings/{listing.pk}/orders", payload).status_code == 403
    assert as_(citizen)("post", f"{API}/listings/{listing.pk}/orders", payload).status_code == 403
    r = as_(people.seller)("post", f"{API}/listings/{listing.pk}/orders", payload)
    assert r.status_code == 422  # not from your own listing
    r = as_(people.buyer)("post", f"{API}/listings/{listing.pk}/orders", payload)
    pk = r.json()["id"]
    assert as_(people.plain_buyer)("get", f"{API}/orders/{pk}").status_code == 403  # not theirs
    assert as_(people.observer)("post", f"{API}/orders/{pk}/transitions",
                                {"to_status": "cancelled"}).status_code == 403
    assert as_(other_admin, other_tenant)("get", f"{API}/orders/{pk}").status_code == 404
    assert Order.objects.get(pk=pk).status == "approved"


def test_an_order_refers_only_to_rooms_and_units_of_the_municipality(as_, people, make_listing, rooms, units,
                                                                     partner):
    listing = make_listing(count=1)
    for payload in (_order_payload(rooms, units, delivery_room_id=partner.rooms["1.10"].pk),
                    _order_payload(rooms, units, to_unit_id=partner.unit.pk)):
        assert as_(people.buyer)("post", f"{API}/listings/{listing.pk}/orders", payload).status_code == 404
    assert not Order.objects.exists()


def test_a_partner_order_is_read_by_both_municipalities_each_on_its_side(as_, people, make_listing, partner,
                                                                         partner_order):
    listing = make_listing(count=1)
    order = partner_order(listing)
    buyer = as_(partner.buyer, partner.tenant)
    detail = buyer("get", f"{API}/orders/{order.pk}").json()
    assert (detail["partner"], detail["sides"], steps(detail)) == (True, ["buyer"], ["cancelled"])
    assert detail["buyer_municipality"] == partner.tenant.name
    assert as_(partner.observer, partner.tenant)("get", f"{API}/orders/{order.pk}").status_code == 403
    seller = as_(people.seller)("get", f"{API}/orders/{order.pk}").json()
    assert seller["sides"] == ["seller"] and steps(seller) == ["approved", "rejected"]


def test_saved_searches_are_personal(as_, people, product):
    buyer = as_(people.buyer)
    r = buyer("post", f"{API}/saved-searches", {"name": "Stoler", "query": "stol",
                                                "category_id": product.category_id, "condition": 1})
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert [s["name"] for s in buyer("get", f"{API}/saved-searches").json()] == ["Stoler"]
    assert as_(people.seller)("get", f"{API}/saved-searches").json() == []
    assert as_(people.seller)("delete", f"{API}/saved-searches/{pk}").status_code == 404
    assert as_(people.observer)("post", f"{API}/saved-searches", {"query": "bord"}).status_code == 403
    assert buyer("post", f"{API}/saved-searches", {"name": "Tomt"}).status_code == 422  # nothing to search for
    assert buyer("post", f"{API}/saved-searches", {"query": "x", "condition": 7}).status_code == 422
    assert buyer("delete", f"{API}/saved-searches/{pk}").status_code == 204
    assert not SavedSearch.objects.exists()


def test_listing_status_filter_is_checked(as_, people):
    assert as_(people.seller)("get", f"{API}/listings/mine?status=nonsense").status_code == 422
    assert as_(people.seller)("get", f"{API}/listings/mine?status={Listing.Status.OPEN}").status_code == 200
