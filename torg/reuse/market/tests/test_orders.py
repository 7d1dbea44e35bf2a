"""The order state machine: who may do what in which state, approval rules, receipt (owner unit,
placement, history, reuse record), messages and notifications."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from torg.core import audit
from torg.reuse.market import services
from torg.reuse.market.models import Listing, Notification, Order, OrderLine
from torg.reuse.market.states import ORDER_MACHINE
from torg.reuse.models import Item, ReuseRecord, Status

pytestmark = pytest.mark.django_db
S = Order.Status


def _history(order):
    """(action, comment) of the order's history, oldest first: one entry per fact, in the audit log."""
    return [(e.action, e.comment) for e in reversed(audit.history_for(order, order.tenant))]


@pytest.fixture
def listing(make_listing):
    return make_listing(count=3)


@pytest.fixture
def order_for(tenant, rooms, units, listing):
    def make(buyer, quantity=1, target=None, **kwargs):
        return services.order_create(actor=buyer, tenant=tenant, listing=target or listing, quantity=quantity,
                                     delivery_room=rooms["1.01"], to_unit=units.health,
                                     now=(target or listing).municipality_at, **kwargs)
    return make


def test_terminal_states_are_final():
    for terminal in (S.RECEIVED, S.REJECTED, S.CANCELLED):
        assert ORDER_MACHINE.targets(terminal) == []


def test_order_without_approval_is_approved_at_once_and_holds_the_items(order_for, people, listing):
    order = order_for(people.buyer, quantity=2)
    assert order.status == S.APPROVED
    items = Item.objects.filter(pk__in=order.lines.values("item_id"))
    assert set(items.values_list("status", flat=True)) == {Status.ORDERED}
    assert _history(order) == [("order_create", ""), ("order_approve", "No approval needed.")]
    # the seller is told
    assert Notification.objects.filter(user=people.seller, message__contains=order.number).exists()


def test_listing_or_buyer_role_can_require_approval(make_listing, order_for, people):
    strict = make_listing(count=1, requires_approval=True)
    assert order_for(people.buyer, target=strict).status == S.REQUESTED
    relaxed = make_listing(count=1)
    # a member with the reuse role "buyer" needs approval by default
    assert order_for(people.plain_buyer, target=relaxed).status == S.REQUESTED


def test_full_flow_to_received_moves_item_changes_owner_and_records_reuse(order_for, people, listing, rooms, units):
    order = order_for(people.plain_buyer, quantity=1)
    with pytest.raises(PermissionDenied):
        services.order_transition(actor=people.plain_buyer, order=order, to_status=S.APPROVED)
    services.order_transition(actor=people.seller, order=order, to_status=S.APPROVED)
    services.order_transition(actor=people.seller, order=order, to_status=S.PROCESSING)
    with pytest.raises(ValidationError, match="pick the items up"):
        services.order_transition(actor=people.seller, order=order, to_status=S.OUT_FOR_DELIVERY)
    services.order_transition(actor=people.seller, order=order, to_status=S.READY_FOR_PICKUP)
    item = Item.objects.get(pk=order.lines.get().item_id)
    services.order_receive_by_code(actor=people.plain_buyer, order=order, code=f"https://torg.example/q/{item.code}")
    order.refresh_from_db()
    item.refresh_from_db()
    assert order.status == S.RECEIVED and order.received_at is not None
    assert item.status == Status.IN_USE
    assert item.room == rooms["1.01"] and item.owner_unit == units.health
    history = audit.history_for(item, item.tenant_id)
    assert {"item_order", "item_put_in_use", "item_move", "item_edit"} <= set(history.values_list("action", flat=True))
    assert history.filter(action="item_move", comment__contains=order.number).exists()
    record = ReuseRecord.objects.get(item=item)
    assert record.kind == "internal_order" and record.reference == order.number
    assert record.from_unit == units.north and record.to_unit == units.health
    assert not OrderLine.objects.filter(order=order, active=True).exists()
    assert [action for action, _comment in _history(order)] == [
        "order_create", "order_approve", "order_process", "order_ready", "order_receive"]
    # the buyer heard of each step
    assert Notification.objects.filter(user=people.plain_buyer).count() >= 3


def test_receiving_with_a_code_that_is_not_in_the_order_is_refused(order_for, people, make_items):
    order = order_for(people.buyer)
    for to in (S.PROCESSING, S.READY_FOR_PICKUP):
        services.order_transition(actor=people.seller, order=order, to_status=to)
    stranger = make_items(count=1)[0]
    with pytest.raises(ValidationError) as exc:
        services.order_receive_by_code(actor=people.buyer, order=order, code=stranger.code)
    assert "code" in exc.value.message_dict
    order.refresh_from_db()
    assert order.status == S.READY_FOR_PICKUP


def test_last_items_received_close_the_listing(order_for, people, make_listing):
    one = make_listing(count=1)
    order = order_for(people.buyer, target=one)
    for to in (S.PROCESSING, S.READY_FOR_PICKUP, S.RECEIVED):
        services.order_transition(actor=people.seller, order=order, to_status=to)
    one.refresh_from_db()
    assert one.status == Listing.Status.CLOSED


@pytest.mark.parametrize("state,buyer_may_cancel", [(S.REQUESTED, True), (S.APPROVED, True),
                                                     (S.PROCESSING, False), (S.READY_FOR_PICKUP, False)])
def test_buyer_may_cancel_only_while_requested_or_approved(order_for, people, make_listing, state, buyer_may_cancel):
    order = order_for(people.buyer, target=make_listing(count=1, requires_approval=True))
    path = {S.REQUESTED: [], S.APPROVED: [S.APPROVED], S.PROCESSING: [S.APPROVED, S.PROCESSING],
            S.READY_FOR_PICKUP: [S.APPROVED, S.PROCESSING, S.READY_FOR_PICKUP]}[state]
    for to in path:
        services.order_transition(actor=people.seller, order=order, to_status=to)
    if buyer_may_cancel:
        services.order_transition(actor=people.buyer, order=order, to_status=S.CANCELLED)
        order.refresh_from_db()
        assert order.status == S.CANCELLED
        item = Item.objects.get(pk=order.lines.get().item_id)
        assert item.status == Status.LISTED  # back in the listing
    else:
        with pytest.raises(PermissionDenied):
            services.order_transition(actor=people.buyer, order=order, to_status=S.CANCELLED)


def test_seller_rejects_with_a_reason_only(order_for, people, make_listing):
    order = order_for(people.buyer, target=make_listing(count=1, requires_approval=True))
    with pytest.raises(ValidationError) as exc:
        services.order_transition(actor=people.seller, order=order, to_status=S.REJECTED)
    assert "reason" in exc.value.message_dict
    services.order_transition(actor=people.seller, order=order, to_status=S.REJECTED,
                              reason="Lovet bort til Nord skole")
    order.refresh_from_db()
    assert order.status == S.REJECTED and order.reason == "Lovet bort til Nord skole"
    assert Notification.objects.filter(user=people.buyer, message__contains="Lovet bort").exists()
    # the item can be ordered again
    assert order_for(people.plain_buyer, target=order.listing).lines.count() == 1


def test_no_transition_out_of_a_final_state(order_for, people):
    order = order_for(people.buyer)
    services.order_transition(actor=people.buyer, order=order, to_status=S.CANCELLED)
    with pytest.raises(ValidationError, match="cannot become"):
        services.order_transition(actor=people.seller, order=order, to_status=S.PROCESSING)


def test_quantity_beyond_what_is_available_is_refused(order_for, people):
    with pytest.raises(ValidationError, match="Only 3 of these items"):
        order_for(people.buyer, quantity=4)
    assert not Order.objects.exists()


def test_withdrawn_listing_takes_no_orders(order_for, people, make_listing):
    listing = make_listing(count=1)
    services.listing_withdraw(actor=people.seller, listing=listing)
    with pytest.raises(ValidationError, match="no longer open"):
        order_for(people.buyer, target=listing)


def test_expired_listing_takes_no_orders(tenant, rooms, units, people, make_listing):
    import datetime as dt

    from django.utils import timezone

    listing = make_listing(count=1, available_until=timezone.localdate() + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="no longer open"):
        services.order_create(actor=people.buyer, tenant=tenant, listing=listing, quantity=1,
                              delivery_room=rooms["1.01"], to_unit=units.health, now=listing.ends_at())


def test_messages_notify_the_other_party(order_for, people):
    order = order_for(people.buyer)
    services.order_message_add(actor=people.buyer, order=order, body="Kan jeg hente fredag?")
    services.order_message_add(actor=people.seller, order=order, body="Ja, etter kl. 12.")
    assert Notification.objects.filter(user=people.seller, message__contains="fredag").exists()
    assert Notification.objects.filter(user=people.buyer, message__contains="kl. 12").exists()
    with pytest.raises(ValidationError):
        services.order_message_add(actor=people.buyer, order=order, body="   ")


def test_order_needs_a_room_and_unit_of_the_same_municipality(tenant, other_tenant, listing, people, rooms):
    from torg.accounts import services as accounts

    foreign_unit = accounts.org_unit_create(actor=None, tenant=other_tenant, kind="sector", name="Fremmed")
    with pytest.raises(ValidationError):
        services.order_create(actor=people.buyer, tenant=tenant, listing=listing, quantity=1,
                              delivery_room=rooms["1.01"], to_unit=foreign_unit, now=listing.municipality_at)
