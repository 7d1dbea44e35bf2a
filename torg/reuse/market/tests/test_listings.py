"""Listing items: status, quantity, the "listed once" rules (service and database), withdrawal."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from torg.core import audit
from torg.reuse import services as inventory
from torg.reuse.market import services
from torg.reuse.market.models import Listing, ListingItem
from torg.reuse.models import Item, Status

pytestmark = pytest.mark.django_db


def test_listing_a_quantity_sets_the_items_listed_with_history(make_listing, people):
    listing = make_listing(count=12, title="12 Capisco")
    items = Item.objects.filter(pk__in=listing.lines.values("item_id"))
    assert items.count() == 12
    assert set(items.values_list("status", flat=True)) == {Status.LISTED}
    event = audit.history_for(items[0], items[0].tenant_id).filter(action="item_list").get()
    assert event.changes == {"status": [Status.IN_USE, Status.LISTED]} and listing.number in event.comment
    assert listing.number.startswith("A-") and len(listing.code) == 12
    assert listing.owner_unit.name == "Nord skole"


def test_a_listed_item_cannot_be_listed_twice_or_moved(make_listing, people, tenant, rooms):
    listing = make_listing(count=2)
    item = Item.objects.get(pk=listing.lines.first().item_id)
    with pytest.raises(ValidationError, match="cannot be listed"):
        services.listing_create(actor=people.seller, tenant=tenant, items=[item])
    with pytest.raises(ValidationError, match="marketplace"):
        inventory.item_move(actor=people.admin, items=[item], room=rooms["1.01"])


def test_the_database_refuses_a_second_active_listing_line(make_listing, tenant):
    listing = make_listing(count=1)
    line = listing.lines.get()
    other = Listing.objects.get(pk=listing.pk)
    other.pk, other.code, other.number = None, "ZZZZZZZZZZZZ", "A-999999"
    other.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        ListingItem.objects.create(tenant=tenant, listing=other, item=line.item, previous_status="in_use")


def test_items_of_different_products_or_units_cannot_share_a_listing(make_items, people, tenant, units):
    a = make_items(count=1)
    b = make_items(count=1, owner_unit="health")
    with pytest.raises(ValidationError, match="same product"):
        services.listing_create(actor=people.seller, tenant=tenant, items=a + b)
    assert not Listing.objects.exists()
    assert Item.objects.filter(status=Status.LISTED).count() == 0


def test_only_in_use_or_available_items_can_be_listed(make_items, people, tenant):
    items = make_items(count=1)
    inventory.item_change_status(actor=people.admin, items=items, to_status=Status.FOR_REPAIR)
    with pytest.raises(ValidationError, match="Only items in use or available"):
        services.listing_create(actor=people.seller, tenant=tenant, items=items)


def test_dates_are_checked(make_items, people, tenant):
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        services.listing_create(actor=people.seller, tenant=tenant, items=make_items(), available_from=today,
                                available_until=today - dt.timedelta(days=1))
    assert "available_until" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.listing_create(actor=people.seller, tenant=tenant, items=make_items(), pickup=False,
                                delivery=False)


def test_withdraw_gives_the_items_their_previous_status(make_items, people, tenant):
    in_use = make_items(count=2)
    listing = services.listing_create(actor=people.seller, tenant=tenant, items=in_use)
    services.listing_withdraw(actor=people.seller, listing=listing)
    listing.refresh_from_db()
    assert listing.status == Listing.Status.WITHDRAWN
    assert set(Item.objects.filter(pk__in=[i.pk for i in in_use]).values_list("status", flat=True)) == {"in_use"}
    assert not ListingItem.objects.filter(active=True).exists()
    # ...and can be listed again
    again = services.listing_create(actor=people.seller, tenant=tenant, items=in_use)
    assert again.lines.filter(active=True).count() == 2


def test_withdraw_is_refused_while_an_order_is_open(make_listing, people, tenant, rooms, units):
    listing = make_listing(count=2)
    order = services.order_create(actor=people.buyer, tenant=tenant, listing=listing, quantity=1,
                                  delivery_room=rooms["1.01"], to_unit=units.health, now=listing.municipality_at)
    with pytest.raises(ValidationError, match=order.number):
        services.listing_withdraw(actor=people.seller, listing=listing)
