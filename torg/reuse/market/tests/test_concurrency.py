"""Concurrent orders of the same item: exactly one wins, the rest get a clear message (SQLite and
PostgreSQL, real threads against a real database)."""

import pytest
from django.core.exceptions import ValidationError

from django.utils import translation

from torg.core.testing import file_database, in_thread, race
from torg.reuse.market import services
from torg.reuse.market.models import Order, OrderLine
from torg.reuse.models import Item, Status

from .conftest import member

THREADS = 12


def _one_wins(order):
    """Race `order(i)` in THREADS threads for the only item: one order, the rest a clear refusal."""
    results = race(order, THREADS)
    state = in_thread(lambda: (Order.objects.count(), OrderLine.objects.filter(active=True).count(),
                               list(Item.objects.values_list("status", flat=True))))
    orders = [r for r in results if isinstance(r, Order)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert [r for r in results if not isinstance(r, (Order, ValidationError))] == []
    assert len(orders) == 1 and len(refused) == THREADS - 1
    assert all("someone else has just ordered" in e.messages[0] for e in refused), [e.messages for e in refused]
    assert state == (1, 1, [Status.ORDERED])


@pytest.mark.django_db(transaction=True)
def test_concurrent_orders_of_the_last_item_exactly_one_wins(tenant, people, make_items, rooms, units, tmp_path):
    listing = services.listing_create(actor=people.seller, tenant=tenant, items=make_items(count=1, owner_unit=None))
    buyers = [member(tenant, f"kjoper{i}", unit=units.health, reuse_role="buyer_seller") for i in range(THREADS)]

    with file_database(tmp_path):
        def order(i):
            with translation.override("en"):  # threads do not inherit the test's language
                return services.order_create(actor=buyers[i], tenant=tenant, listing=listing, quantity=1,
                                             delivery_room=rooms["1.01"], to_unit=units.health)

        _one_wins(order)


@pytest.mark.django_db(transaction=True)
def test_concurrent_orders_never_take_more_than_the_listing_holds(tenant, people, make_items, rooms, units, tmp_path):
    listing = services.listing_create(actor=people.seller, tenant=tenant, items=make_items(count=5, owner_unit=None))
    buyers = [member(tenant, f"k{i}", unit=units.health, reuse_role="buyer_seller") for i in range(8)]

    with file_database(tmp_path):
        results = race(lambda i: services.order_create(actor=buyers[i], tenant=tenant, listing=listing, quantity=2,
                                                       delivery_room=rooms["1.01"], to_unit=units.health), 8)
        held = in_thread(lambda: sorted(OrderLine.objects.filter(active=True).values_list("item_id", flat=True)))

    orders = [r for r in results if isinstance(r, Order)]
    assert [r for r in results if not isinstance(r, (Order, ValidationError))] == []
    assert len(orders) == 2  # 2 + 2 of 5; the third would need 2 but only 1 is left
    assert len(held) == len(set(held)) == 4


@pytest.mark.django_db(transaction=True)
def test_concurrent_orders_from_two_municipalities_exactly_one_wins(tenant, people, partner, make_items, rooms,
                                                                    units, tmp_path):
    """The last item, ordered at the same time by buyers at home and in a partner municipality."""
    listing = services.listing_create(actor=people.seller, tenant=tenant, to_partners=True,
                                      items=make_items(count=1, owner_unit=None))
    home = [member(tenant, f"heime{i}", unit=units.health, reuse_role="buyer_seller") for i in range(THREADS // 2)]
    away = [member(partner.tenant, f"borte{i}", unit=partner.unit, reuse_role="buyer_seller")
            for i in range(THREADS // 2)]

    with file_database(tmp_path):
        def order(i):
            with translation.override("en"):
                if i % 2:
                    return services.order_create(actor=away[i // 2], tenant=partner.tenant, listing=listing,
                                                 quantity=1, delivery_room=partner.rooms["1.10"], to_unit=partner.unit)
                return services.order_create(actor=home[i // 2], tenant=tenant, listing=listing, quantity=1,
                                             delivery_room=rooms["1.01"], to_unit=units.health)

        _one_wins(order)
