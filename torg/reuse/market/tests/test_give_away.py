"""Giving items away to an external organisation: they leave the inventory with history kept and a
reuse is recorded with the recipient."""

import pytest
from django.core.exceptions import ValidationError

from torg.core import audit
from torg.reuse import queries as inventory_queries
from torg.reuse.market import services
from torg.reuse.market.models import GiveAway, Listing
from torg.reuse.models import Item, ReuseRecord, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def club(tenant, admin_user):
    from torg.accounts import services as accounts

    return accounts.external_organisation_create(actor=admin_user, tenant=tenant, orgnr="974760673",
                                                 name="Testvik IL")


def test_give_away_from_a_listing(tenant, people, make_listing, club, units):
    listing = make_listing(count=3)
    items = [line.item for line in listing.lines.all()[:2]]
    gift = services.give_away(actor=people.seller, tenant=tenant, items=items, recipient=club, listing=listing,
                              comment="Til klubbhuset")
    assert gift.number.startswith("G-")
    for item in items:
        item.refresh_from_db()
        assert item.status == Status.GIVEN_AWAY
        record = ReuseRecord.objects.get(item=item)
        assert record.kind == "given_away" and record.recipient == club and record.reference == gift.number
        assert record.from_unit == units.north
        assert audit.history_for(item, tenant).filter(action="item_give_away",
                                                      comment__contains="Testvik IL").exists()  # history kept
    # gone from the inventory lists, still found when asked for
    assert not inventory_queries.item_list(tenant=tenant).filter(pk=items[0].pk).exists()
    assert inventory_queries.item_list(tenant=tenant, include_disposed=True).filter(pk=items[0].pk).exists()
    listing.refresh_from_db()
    assert listing.status == Listing.Status.OPEN  # one item left
    services.give_away(actor=people.seller, tenant=tenant, items=[listing.lines.get(active=True).item],
                       recipient=club, listing=listing)
    listing.refresh_from_db()
    assert listing.status == Listing.Status.CLOSED


def test_give_away_items_outside_the_market(tenant, people, make_items, club):
    from torg.reuse import services as inventory

    items = make_items(count=2)
    inventory.item_change_status(actor=people.admin, items=items, to_status=Status.AVAILABLE)
    services.give_away(actor=people.admin, tenant=tenant, items=items, recipient=club)
    assert set(Item.objects.values_list("status", flat=True)) == {Status.GIVEN_AWAY}


def test_ordered_or_gone_items_cannot_be_given_away(tenant, people, make_listing, club, rooms, units):
    listing = make_listing(count=1)
    order = services.order_create(actor=people.buyer, tenant=tenant, listing=listing, quantity=1,
                                  delivery_room=rooms["1.01"], to_unit=units.health, now=listing.municipality_at)
    item = order.lines.get().item
    with pytest.raises(ValidationError, match="open order"):
        services.give_away(actor=people.seller, tenant=tenant, items=[item], recipient=club)
    services.order_transition(actor=people.buyer, order=order, to_status="cancelled")
    services.give_away(actor=people.seller, tenant=tenant, items=[item], recipient=club, listing=listing)
    with pytest.raises(ValidationError, match="already left"):
        services.give_away(actor=people.seller, tenant=tenant, items=[item], recipient=club)
    assert GiveAway.objects.count() == 1


def test_recipient_of_another_municipality_is_refused(tenant, other_tenant, people, make_items, other_admin):
    from torg.accounts import services as accounts

    foreign = accounts.external_organisation_create(actor=other_admin, tenant=other_tenant, orgnr="974760673",
                                                    name="Andrevik IL")
    with pytest.raises(ValidationError):
        services.give_away(actor=people.admin, tenant=tenant, items=make_items(count=1), recipient=foreign)
    assert not GiveAway.objects.exists()


def test_give_away_page_by_item_numbers(client_for, people, make_items, club):
    from torg.reuse import services as inventory

    items = make_items(count=2)
    inventory.item_change_status(actor=people.admin, items=items, to_status=Status.AVAILABLE)
    client = client_for(people.admin)
    bad = client.post("/reuse/market/give-away/", {"items": "M-999999", "recipient": club.pk})
    assert bad.status_code == 422 and "M-999999" in bad.content.decode()
    ok = client.post("/reuse/market/give-away/", {"items": f"{items[0].number}\n{items[1].code.lower()}",
                                                  "recipient": club.pk})
    assert ok.status_code == 302
    assert set(Item.objects.values_list("status", flat=True)) == {Status.GIVEN_AWAY}
    assert "974760673" in client.get("/reuse/market/given-away/").content.decode()
