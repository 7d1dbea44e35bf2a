"""The marketplace's state machines over every declared transition: each succeeds for every part
allowed to make it, with exactly one new history entry, and is refused (PermissionDenied) for the
others; and the rules hold through the order page and the service, whoever calls them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from torg.core.models import AuditEvent
from torg.core.states import SYSTEM
from torg.reuse.market import services
from torg.reuse.market.models import DeliveryMethod, Listing, Order
from torg.reuse.market.states import BUYER, LISTING_MACHINE, ORDER_MACHINE, SELLER

pytestmark = pytest.mark.django_db
PARTS = (BUYER, SELLER, SYSTEM)
# The seller's steps from a new order (waiting for approval) to each state.
PATH = {
    "requested": [], "approved": ["approved"], "processing": ["approved", "processing"],
    "ready_for_pickup": ["approved", "processing", "ready_for_pickup"],
    "out_for_delivery": ["approved", "processing", "out_for_delivery"],
}


def _history(obj):
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


@pytest.fixture
def order_in(tenant, people, make_listing, rooms, units):
    """A new order of the buyer, brought by the seller into `state`."""
    def make(state, method=DeliveryMethod.PICKUP):
        listing = make_listing(count=1, requires_approval=True, delivery=True)
        order = services.order_create(actor=people.buyer, tenant=tenant, listing=listing, quantity=1,
                                      delivery_room=rooms["1.01"], to_unit=units.health, delivery_method=method,
                                      now=listing.municipality_at)
        for step in PATH[state]:
            order = services.order_transition(actor=people.seller, order=order, to_status=step)
        return Order.objects.get(pk=order.pk)

    return make


def _apply(machine, obj, target, part, people, reason="Fordi"):
    if part == SYSTEM:
        return machine.apply(obj, target, actor=None, system=True, reason=reason)
    return machine.apply(obj, target, actor=people.buyer if part == BUYER else people.seller, reason=reason)


@pytest.mark.parametrize("transition", ORDER_MACHINE.transitions(), ids=lambda t: f"{t.source}-{t.target}")
def test_each_order_transition_for_its_parts_only(transition, order_in, people):
    method = DeliveryMethod.DELIVERY if "out_for_delivery" in (transition.source, transition.target) \
        else DeliveryMethod.PICKUP
    refused = [p for p in PARTS if p not in transition.who]
    order = order_in(transition.source, method)
    before = _history(order).count()
    for part in refused:
        with pytest.raises(PermissionDenied):
            _apply(ORDER_MACHINE, order, transition.target, part, people)
    with pytest.raises(PermissionDenied):  # a member who is neither buyer nor seller
        ORDER_MACHINE.apply(order, transition.target, actor=people.observer, reason="x")
    assert Order.objects.get(pk=order.pk).status == transition.source and _history(order).count() == before
    for part in transition.who:
        order = order_in(transition.source, method)
        before = _history(order).count()
        _apply(ORDER_MACHINE, order, transition.target, part, people)
        assert Order.objects.get(pk=order.pk).status == transition.target
        new = _history(order).order_by("-pk").first()
        assert _history(order).count() == before + 1
        assert (new.action, new.changes) == (ORDER_MACHINE.action(transition.verb),
                                              {"status": [transition.source, transition.target]})


@pytest.mark.parametrize("transition", LISTING_MACHINE.transitions(), ids=lambda t: t.verb)
def test_each_listing_transition_for_its_parts_only(transition, make_listing, people):
    listing = make_listing(count=1)
    for part in [p for p in (SELLER, SYSTEM) if p not in transition.who]:
        with pytest.raises(PermissionDenied):
            _apply(LISTING_MACHINE, listing, transition.target, part, people)
    for part in transition.who:
        listing = make_listing(count=1)
        before = _history(listing).count()
        _apply(LISTING_MACHINE, listing, transition.target, part, people)
        assert Listing.objects.get(pk=listing.pk).status == transition.target
        assert _history(listing).count() == before + 1
        assert _history(listing).order_by("-pk").first().action == LISTING_MACHINE.action(transition.verb)


def test_the_service_cannot_be_told_who_the_actor_is(order_in, people):
    """No caller-supplied side: the buyer cannot approve, reject or skip steps through the service."""
    order = order_in("requested")
    for target in ("approved", "rejected", "processing"):
        with pytest.raises((PermissionDenied, ValidationError)):
            services.order_transition(actor=people.buyer, order=order, to_status=target, reason="x")
    assert Order.objects.get(pk=order.pk).status == "requested"
    with pytest.raises(ValidationError) as error:  # the seller's reason is required
        services.order_transition(actor=people.seller, order=order, to_status="rejected", reason="  ")
    assert "reason" in error.value.message_dict


def test_the_order_page_offers_every_step_and_refuses_the_others(order_in, people):
    order = order_in("requested")
    seller, buyer = Client(), Client()
    seller.force_login(people.seller, backend="django.contrib.auth.backends.ModelBackend")
    buyer.force_login(people.buyer, backend="django.contrib.auth.backends.ModelBackend")
    page = seller.get(f"/reuse/market/orders/{order.pk}/").content.decode()
    assert 'name="to_status" value="approved"' in page and 'name="to_status" value="rejected"' in page
    assert 'id="reason-rejected" name="reason" rows="2" required' in page
    page = buyer.get(f"/reuse/market/orders/{order.pk}/").content.decode()
    assert 'value="cancelled"' in page and 'value="approved"' not in page
    # A forged step is refused and changes nothing.
    assert buyer.post(f"/reuse/market/orders/{order.pk}/status/", {"to_status": "approved"}).status_code == 403
    assert Order.objects.get(pk=order.pk).status == "requested"
    seller.post(f"/reuse/market/orders/{order.pk}/status/", {"to_status": "rejected", "reason": ""})
    assert Order.objects.get(pk=order.pk).status == "requested"  # no reason, no rejection
    seller.post(f"/reuse/market/orders/{order.pk}/status/", {"to_status": "approved"})
    assert Order.objects.get(pk=order.pk).status == "approved"
    page = seller.get(f"/reuse/market/orders/{order.pk}/").content.decode()
    assert 'value="processing"' in page and 'value="cancelled"' in page


def test_a_pickup_order_is_never_offered_delivery(order_in, people):
    order = order_in("processing")
    assert [t.target for t in ORDER_MACHINE.available(order, people.seller)] == ["ready_for_pickup", "cancelled"]
    with pytest.raises(ValidationError, match="pick the items up"):
        services.order_transition(actor=people.seller, order=order, to_status="out_for_delivery")
