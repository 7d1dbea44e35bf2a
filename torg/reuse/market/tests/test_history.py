"""One history for orders: the audit log. The order page shows it in words (also to a partner
buyer, read in the seller's municipality), and migration 0003 moves the old `OrderEvent` rows into
it without keeping a fact twice, and back."""

import re
from pathlib import Path

import pytest
from django.test import Client

from torg.core import audit
from torg.core.models import AuditEvent
from torg.reuse.market import services
from torg.reuse.market.states import LISTING_MACHINE, ORDER_MACHINE

ORDER = "reuse_market.order"


def _events(order):
    return [(e.action, e.tenant_id, e.actor_id, e.changes.get("status"), e.comment)
            for e in AuditEvent.objects.filter(object_type=ORDER, object_id=str(order.pk)).order_by("created_at", "id")]


@pytest.mark.django_db
def test_a_partner_buyer_sees_the_order_history_in_words(listing_for_partner, partner, partner_order, people):
    order = partner_order(listing_for_partner)
    services.order_transition(actor=people.seller, order=order, to_status="approved")
    services.order_transition(actor=people.seller, order=order, to_status="processing")
    services.order_transition(actor=people.seller, order=order, to_status="cancelled", reason="Ødelagt i transporten")
    # One entry per fact, kept in the seller's municipality (the buyer's says only that it ordered).
    assert [(a, t) for a, t, *_rest in _events(order)] == [
        ("order_create", order.tenant_id), ("order_partner_create", order.buyer_tenant_id),
        ("order_approve", order.tenant_id), ("order_process", order.tenant_id), ("order_cancel", order.tenant_id)]
    client = Client()
    client.force_login(partner.buyer, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(f"/reuse/market/orders/{order.pk}/")
    history = page.content.decode().split('data-testid="order-history"')[1]
    for words in ("Godkjent", "Behandling startet", "Avbestilt", "Ødelagt i transporten", "Under behandling"):
        assert words in history, words
    assert "order_" not in history


@pytest.mark.django_db
def test_both_sides_see_a_partner_orders_buyer_unit_and_room_by_name(listing_for_partner, partner, partner_order,
                                                                    people):
    """The order's history is kept in the seller's municipality, but its buyer unit and delivery room
    are the buyer's: both pages name them (they showed "#<id>" when looked up in the seller's only)."""
    order = partner_order(listing_for_partner)
    room, unit = partner.rooms["1.10"], partner.unit
    for user in (partner.buyer, people.seller):
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        history = client.get(f"/reuse/market/orders/{order.pk}/").content.decode() \
            .split('data-testid="order-history"')[1]
        assert str(room) in history and str(unit) in history, user
        assert f"#{room.pk}" not in history and f"#{unit.pk}" not in history, user


def test_every_action_code_the_marketplace_writes_is_entity_verb_and_labelled():
    source = "".join(p.read_text() for p in Path(services.__file__).parent.glob("*.py"))
    codes = set(re.findall(r'action="([a-z_]+)"', source))
    codes |= {m.action(t.verb) for m in (ORDER_MACHINE, LISTING_MACHINE) for t in m.transitions()}
    assert all(c.startswith(("order_", "listing_")) for c in codes), codes
    assert all(audit.action_label(c) != c for c in codes), [c for c in codes if audit.action_label(c) == c]


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_order_events_into_the_audit_log_and_back(listing_for_partner, partner, partner_order,
                                                                      people):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    order = partner_order(listing_for_partner)
    services.order_transition(actor=people.seller, order=order, to_status="approved")
    services.order_transition(actor=partner.buyer, order=order, to_status="cancelled")
    services.listing_withdraw(actor=people.seller, listing=listing_for_partner, comment="Tatt i bruk")
    now = _events(order)

    before, after = [("reuse_market", "0002_partner_orders")], [("reuse_market", "0003_order_history_to_audit")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("reuse_market", "OrderEvent")
    # Back: the old table and its twins in the audit log (in both municipalities for a partner order).
    assert [(e.from_status, e.to_status) for e in old.objects.filter(order_id=order.pk).order_by("created_at", "pk")] \
        == [("", "requested"), ("requested", "approved"), ("approved", "cancelled")]
    assert sorted(t for a, t, *_rest in _events(order) if a == "status") == sorted(
        [order.tenant_id, order.buyer_tenant_id] * 2)
    assert AuditEvent.objects.filter(object_id=str(listing_for_partner.pk), action="withdraw").exists()

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    executor.loader.build_graph()
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
    # Forward again: the same history as it was written, one entry per fact.
    assert _events(order) == now
    assert AuditEvent.objects.filter(object_id=str(listing_for_partner.pk), action="listing_withdraw").exists()


@pytest.fixture
def listing_for_partner(make_listing, partner):
    return make_listing(count=3, to_partners=True)
