"""The booking machine (torg.booking.states): every declared transition for every part, one history
entry each; the guards hold through the service, the views and the API; old history moves to audit."""

import json
import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from torg.booking import services
from torg.booking.models import Booking
from torg.booking.states import BOOKER, MACHINE, STAFF
from torg.core import audit, states
from torg.core.models import AuditEvent

from .conftest import at

PARTS = [STAFF, BOOKER, states.SYSTEM, "stranger"]


def _booking(source, *, citizen, admin_user, resource, start=None, target=None):
    """A citizen's booking in `source` state (requested when the resource needs approval). A cancelled
    one was `target` (what undoing the cancellation restores) and the citizen cancelled it just now."""
    was = target if source == Booking.Status.CANCELLED else source
    services.rules_update(actor=admin_user, resource=resource, requires_approval=was == Booking.Status.REQUESTED)
    start = start or at(7, 10)
    booking = services.booking_create(actor=citizen, tenant=resource.tenant, resource=resource, start=start,
                                      end=start.replace(hour=start.hour + 1))
    if source == Booking.Status.CANCELLED:
        services.booking_transition(actor=citizen, booking=booking, to=Booking.Status.CANCELLED)
        booking.refresh_from_db()
    return booking


def _history(booking):
    return list(audit.history_for(booking, booking.tenant))


@pytest.mark.parametrize("part", PARTS)
@pytest.mark.parametrize("transition", MACHINE.transitions(), ids=lambda t: f"{t.source}-{t.target}")
def test_each_transition_for_each_part(transition, part, citizen, employee, admin_user, resource):
    booking = _booking(transition.source, citizen=citizen, admin_user=admin_user, resource=resource,
                       target=transition.target)
    actor = {STAFF: admin_user, BOOKER: citizen, states.SYSTEM: None, "stranger": employee}[part]
    before = len(_history(booking))
    if part not in transition.who:
        with pytest.raises(PermissionDenied):
            services.booking_transition(actor=actor, booking=booking, to=transition.target, reason="Because",
                                        system=part == states.SYSTEM)
        booking.refresh_from_db()
        assert booking.status == transition.source and len(_history(booking)) == before
        return
    services.booking_transition(actor=actor, booking=booking, to=transition.target, reason="Because",
                                system=part == states.SYSTEM)
    booking.refresh_from_db()
    assert booking.status == transition.target
    new = _history(booking)[: len(_history(booking)) - before]
    assert [(e.action, e.changes, e.actor, e.tenant_id, e.comment) for e in new] == [
        (MACHINE.action(transition.verb), {"status": [transition.source, transition.target]}, actor,
         booking.tenant_id, "Because")]


def test_the_parts(citizen, employee, admin_user, property_manager, resource):
    booking = _booking(Booking.Status.CONFIRMED, citizen=citizen, admin_user=admin_user, resource=resource)
    assert MACHINE.parts(booking, citizen) == {BOOKER}
    assert MACHINE.parts(booking, admin_user) == MACHINE.parts(booking, property_manager) == {STAFF}
    assert MACHINE.parts(booking, employee) == frozenset()
    assert MACHINE.parts(booking, None, system=True) == {states.SYSTEM}


def test_reasons_and_the_cancel_deadline_are_rules_of_the_machine(citizen, admin_user, resource):
    requested = _booking(Booking.Status.REQUESTED, citizen=citizen, admin_user=admin_user, resource=resource)
    with pytest.raises(ValidationError, match="reason for the rejection"):
        services.booking_transition(actor=admin_user, booking=requested, to=Booking.Status.REJECTED)
    with pytest.raises(ValidationError, match="reason for the cancellation"):
        services.booking_transition(actor=admin_user, booking=requested, to=Booking.Status.CANCELLED)
    soon = _booking(Booking.Status.CONFIRMED, citizen=citizen, admin_user=admin_user, resource=resource,
                    start=at(7, 12))
    late = soon.start  # the 24-hour deadline has passed at the start
    assert Booking.Status.CANCELLED not in {t.target for t in MACHINE.available(soon, citizen, now=late)}
    with pytest.raises(ValidationError, match="deadline"):
        services.booking_transition(actor=citizen, booking=soon, to=Booking.Status.CANCELLED, now=late)
    # the booker needs no reason before the deadline; staff and the system are not bound by it
    assert MACHINE.may(soon, admin_user, Booking.Status.CANCELLED, now=late)
    services.booking_transition(actor=None, booking=soon, to=Booking.Status.CANCELLED, system=True, now=late)
    assert [e.action for e in _history(soon)][:1] == ["booking_cancel"]


def test_views_offer_only_and_cannot_bypass(client_for, citizen, admin_user, resource):
    booking = _booking(Booking.Status.REQUESTED, citizen=citizen, admin_user=admin_user, resource=resource)
    as_booker = client_for(citizen)  # one test client: log in as the booker, then as staff
    page = as_booker.get(reverse("booking:booking_detail", args=[booking.pk])).content.decode()
    assert reverse("booking:booking_approve", args=[booking.pk]) not in page
    assert reverse("booking:booking_cancel", args=[booking.pk]) in page
    assert as_booker.post(reverse("booking:booking_approve", args=[booking.pk])).status_code == 403
    as_staff = client_for(admin_user)
    staff_page = as_staff.get(reverse("booking:booking_detail", args=[booking.pk])).content.decode()
    assert reverse("booking:booking_approve", args=[booking.pk]) in staff_page
    as_staff.post(reverse("booking:booking_reject", args=[booking.pk]), {"reason": ""})  # no reason: refused
    booking.refresh_from_db()
    assert booking.status == Booking.Status.REQUESTED
    as_staff.post(reverse("booking:booking_reject", args=[booking.pk]), {"reason": "Full"})
    booking.refresh_from_db()
    assert booking.status == Booking.Status.REJECTED
    detail = as_staff.get(reverse("booking:booking_detail", args=[booking.pk])).content.decode()
    assert "Booking rejected" in detail and "Full" in detail  # the history, in words


def test_api_cannot_bypass_and_lists_allowed_transitions(client, citizen, admin_user, resource):
    from torg.accounts import services as account_services

    booking = _booking(Booking.Status.REQUESTED, citizen=citizen, admin_user=admin_user, resource=resource)
    _token, staff_key = account_services.api_token_create(actor=admin_user, tenant=resource.tenant, name="t")
    _token, booker_key = account_services.api_token_create(actor=citizen, tenant=resource.tenant, name="t")
    staff, booker = ({"HTTP_AUTHORIZATION": f"Bearer {key}"} for key in (staff_key, booker_key))
    url = f"/api/v1/booking/bookings/{booking.pk}"
    assert client.get(url, **booker).json()["allowed_transitions"] == [Booking.Status.CANCELLED]
    assert set(client.get(url, **staff).json()["allowed_transitions"]) == {
        Booking.Status.CONFIRMED, Booking.Status.REJECTED, Booking.Status.CANCELLED}
    refused = client.post(f"{url}/cancel", **staff)  # staff cancelling someone's booking give a reason
    assert refused.status_code == 422 and "reason" in json.dumps(refused.json())
    booking.refresh_from_db()
    assert booking.status == Booking.Status.REQUESTED


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_transition_history_into_audit(tenant, building, citizen, admin_user):
    """0007: each old transition row is one booking_<verb> audit event; its status:<to> twin is not kept twice."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("booking", "0006_rules_per_building")], [("booking", "0007_history_in_audit")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    OldResource, OldBooking = old.get_model("booking", "Resource"), old.get_model("booking", "Booking")
    OldTransition, OldEvent = old.get_model("booking", "BookingTransition"), AuditEvent  # its table is unchanged
    room = OldResource.objects.create(tenant_id=tenant.pk, building_id=building.pk, name="Salen", kind="room")
    b = OldBooking.objects.create(tenant_id=tenant.pk, resource=room, booker_id=citizen.pk, start=at(1, 10),
                                  end=at(1, 11), status="cancelled", uid="x@torg")
    common = {"tenant_id": tenant.pk, "object_type": "booking.booking", "object_id": str(b.pk), "object_repr": "b"}
    OldEvent.objects.create(action="create", actor_id=citizen.pk, changes={"status": [None, "requested"]}, **common)
    OldEvent.objects.create(action="status:confirmed", actor_id=admin_user.pk,
                            changes={"status": ["requested", "confirmed"]}, **common)  # the twin of row 2
    OldTransition.objects.create(booking=b, from_status="", to_status="requested", actor_id=citizen.pk)
    OldTransition.objects.create(booking=b, from_status="requested", to_status="confirmed", actor_id=admin_user.pk)
    OldTransition.objects.create(booking=b, from_status="confirmed", to_status="cancelled", reason="Storm")
    # the cancellation (row 3) lost its twin: it becomes an event at its own time
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    executor.loader.build_graph()
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
    events = AuditEvent.objects.filter(object_type="booking.booking", object_id=str(b.pk)).order_by("created_at", "id")
    assert [(e.action, e.actor_id, e.changes, e.comment, e.tenant_id) for e in events] == [
        ("booking_create", citizen.pk, {"status": [None, "requested"]}, "", tenant.pk),  # core 0005
        ("booking_confirm", admin_user.pk, {"status": ["requested", "confirmed"]}, "", tenant.pk),
        ("booking_cancel", None, {"status": ["confirmed", "cancelled"]}, "Storm", tenant.pk),
    ]


def test_every_action_code_booking_writes_is_entity_verb_and_labelled():
    """Codes written by booking's services: <entity>_<verb> with a label (the generic verbs through
    audit.code, which torg/core/tests/test_audit_codes.py checks for every app)."""
    source = "".join(p.read_text() for p in (Path(services.__file__).parent).glob("*.py"))
    codes = set(re.findall(r'action="([a-z_]+)"', source)) | {MACHINE.action(t.verb) for t in MACHINE.transitions()}
    entities = ("booking_", "resource_", "meraapent_agreement_", "door_controller_", "calendar_feed_")
    assert codes and all(c.startswith(entities) for c in codes), codes
    assert all(audit.action_label(c) != c for c in codes), [c for c in codes if audit.action_label(c) == c]
