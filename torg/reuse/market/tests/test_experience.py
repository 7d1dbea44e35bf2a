"""Issue 14, an employee's working day in the marketplace: why there is no Order button and whom to
ask; the order page names the order (a noun), says what happens next, where the items are and who
the seller is, and links the items. Pages are Norwegian by default."""

import pytest
from django.test import Client

from torg.reuse.market import services
from torg.reuse.market.models import Order

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_a_role_that_may_not_order_says_why_and_whom_to_ask(people, make_items, tenant):
    listing = services.listing_create(actor=people.seller, tenant=tenant, items=make_items(count=2, owner_unit=None))
    url = f"/reuse/market/listings/{listing.pk}/"
    page = _client(people.surveyor).get(url).content.decode()
    assert f'href="/reuse/market/listings/{listing.pk}/order/"' not in page
    assert 'data-testid="order-denied"' in page and "Registrerer" in page and "Kjøper/selger" in page
    assert "mailto:admin@" in page or people.admin.get_full_name() in page  # the reuse administrator
    buyer = _client(people.plain_buyer).get(url).content.decode()
    assert f'href="/reuse/market/listings/{listing.pk}/order/"' in buyer and 'data-testid="order-denied"' not in buyer


def test_order_page_says_what_happens_next_where_and_who(people, make_items, rooms, units, tenant):
    items = make_items(count=2, owner_unit=None)
    listing = services.listing_create(actor=people.seller, tenant=tenant, items=items)
    order = services.order_create(actor=people.buyer, tenant=tenant, listing=listing, quantity=1,
                                  delivery_method="pickup", delivery_room=rooms["1.01"], to_unit=units.health)
    page = _client(people.buyer).get(f"/reuse/market/orders/{order.pk}/").content.decode()
    assert f"Bestilling {order.number}" in page and f"Bestill {order.number}" not in page
    assert 'data-testid="order-next"' in page
    assert "rom 0.01" in page  # where the chairs are
    assert "selger@example.org" in page  # whom to contact
    line = order.lines.get()
    assert f'href="/reuse/items/{line.item_id}/"' in page  # the item numbers are links
    if order.status == Order.Status.REQUESTED:
        assert "Selgeren godkjenner eller avviser" in page
