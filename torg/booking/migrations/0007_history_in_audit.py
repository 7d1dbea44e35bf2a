"""One history for bookings: the audit log.

Before: every status change was written twice, as a BookingTransition row (without tenant) and as an
audit event "status:<to>"; a new booking also got a transition row "" → status beside its audit
event "create". After: one audit event per change, "booking_<verb>" (booking_confirm, booking_reject,
booking_cancel — the verbs of the booking machine in torg/booking/states.py).

Forward: each transition row becomes one "booking_<verb>" event. Where its audit twin exists (same
booking, same change, written in the same transaction) the twin is that event — renamed, keeping its
time, actor, tenant and reason — so nothing is written twice; a transition without a twin becomes a
new event at the transition's time. Creation rows ("" → status) duplicate the "create" event, which
holds the status, and are dropped. Then the table goes.

Reverse: the table comes back, filled from the audit log (the "create" events and the
"booking_<verb>" events), and the events get their old codes "status:<to>" again.
"""

from collections import defaultdict

from django.conf import settings
from django.db import migrations

BOOKING = "booking.booking"
VERBS = {"confirmed": "confirm", "rejected": "reject", "cancelled": "cancel"}  # by the new status
NEW_CODES = sorted({f"booking_{verb}" for verb in VERBS.values()})


def _change(event):
    pair = (event.changes or {}).get("status")
    return tuple(pair) if isinstance(pair, list) and len(pair) == 2 else None


def forward(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    Booking = apps.get_model("booking", "Booking")
    Transition = apps.get_model("booking", "BookingTransition")
    twins = defaultdict(list)  # (booking id, from, to) -> old audit events, oldest first
    for event in AuditEvent.objects.filter(object_type=BOOKING, action__startswith="status:").order_by("created_at", "id"):
        change = _change(event) or ("", event.action.removeprefix("status:"))
        twins[(event.object_id, *change)].append(event)
    renamed, missing = [], []
    for t in Transition.objects.exclude(from_status="").order_by("at", "id").iterator():
        verb = VERBS.get(t.to_status, t.to_status)
        queue = twins.get((str(t.booking_id), t.from_status, t.to_status))
        if queue:
            event = queue.pop(0)
            event.action = f"booking_{verb}"
            event.changes = {"status": [t.from_status, t.to_status]}
            event.comment = event.comment or t.reason
            renamed.append(event)
        else:
            missing.append((t, verb))
    for leftovers in twins.values():  # an audit event without its transition row is history too
        for event in leftovers:
            to = event.action.removeprefix("status:")
            event.action = f"booking_{VERBS.get(to, to)}"
            renamed.append(event)
    AuditEvent.objects.bulk_update(renamed, ["action", "changes", "comment"], batch_size=500)
    bookings = Booking.objects.in_bulk([t.booking_id for t, _verb in missing])
    for t, verb in missing:
        b = bookings[t.booking_id]
        event = AuditEvent.objects.create(
            tenant_id=b.tenant_id, actor_id=t.actor_id, action=f"booking_{verb}", object_type=BOOKING,
            object_id=str(b.pk), object_repr=f"{b.resource_id} {b.start:%Y-%m-%d %H:%M}",
            changes={"status": [t.from_status, t.to_status]}, comment=t.reason)
        AuditEvent.objects.filter(pk=event.pk).update(created_at=t.at)  # auto_now_add ignores a given time


def backward(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    Transition = apps.get_model("booking", "BookingTransition")
    rows, events = [], []
    for event in AuditEvent.objects.filter(object_type=BOOKING, action__in=["create", *NEW_CODES]).order_by("created_at", "id"):
        change = _change(event)
        if change is None:
            continue
        if event.action != "create":
            event.action = f"status:{change[1]}"
            events.append(event)
        rows.append((Transition(booking_id=int(event.object_id), from_status=change[0] or "", to_status=change[1],
                                actor_id=event.actor_id, reason=event.comment), event.created_at))
    AuditEvent.objects.bulk_update(events, ["action"], batch_size=500)
    existing = set(apps.get_model("booking", "Booking").objects.values_list("pk", flat=True))
    created = Transition.objects.bulk_create([t for t, _at in rows if t.booking_id in existing], batch_size=500)
    for t, at in zip(created, [at for t, at in rows if t.booking_id in existing]):
        t.at = at
    Transition.objects.bulk_update(created, ["at"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("booking", "0006_rules_per_building"),
        ("core", "0002_audit_tenant_newest_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="BookingTransition"),
    ]
