"""One history for orders and listings: the audit log.

- Each `OrderEvent` of a status change becomes one audit event `order_<verb>` (same order, actor,
  time, tenant = the order's, `{"status": [from, to]}`, the reason as comment), and the audit events
  `status` that duplicated it (written in the same transaction, in the seller's municipality and for
  a partner order in the buyer's too) are deleted. The event of an order's creation duplicated its
  audit event `create`, which stays. Then the `OrderEvent` table goes.
- The marketplace's other codes get their `<entity>_<verb>` names: `withdraw` → `listing_withdraw`,
  a listing's `status` (open → closed) → `listing_close`, an order's `message` → `order_message`,
  `partner_order` → `order_partner_create`.
- An order's creation names its items by number (as new orders do), not by database id.

Reversible: going back recreates the `OrderEvent` rows (and the creation rows) from the audit log
and the old codes (the items of an order's creation stay named by number).
"""

from django.db import migrations

ORDER = "reuse_market.order"
LISTING = "reuse_market.listing"
# (from, to) -> verb of the order state machine (torg.reuse.market.states), frozen here.
VERBS = {
    ("requested", "approved"): "approve",
    ("requested", "rejected"): "reject",
    ("requested", "cancelled"): "cancel",
    ("approved", "processing"): "process",
    ("approved", "cancelled"): "cancel",
    ("processing", "ready_for_pickup"): "ready",
    ("processing", "out_for_delivery"): "dispatch",
    ("processing", "cancelled"): "cancel",
    ("ready_for_pickup", "cancelled"): "cancel",
    ("out_for_delivery", "cancelled"): "cancel",
    ("ready_for_pickup", "received"): "receive",
    ("out_for_delivery", "received"): "receive",
}
RENAMED = [  # (object type, old action, new action)
    (LISTING, "withdraw", "listing_withdraw"),
    (ORDER, "message", "order_message"),
    (ORDER, "partner_order", "order_partner_create"),
]


def _status_change(event):
    change = (event.changes or {}).get("status")
    return tuple(change) if isinstance(change, list) and len(change) == 2 else None


def forwards(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    OrderEvent = apps.get_model("reuse_market", "OrderEvent")
    for old_type, old, new in RENAMED:
        AuditEvent.objects.filter(object_type=old_type, action=old).update(action=new)
    for event in AuditEvent.objects.filter(object_type=LISTING, action="status"):
        if _status_change(event) == ("open", "closed"):
            AuditEvent.objects.filter(pk=event.pk).update(action="listing_close")

    Item = apps.get_model("reuse", "Item")
    for event in AuditEvent.objects.filter(object_type=ORDER, action="create", changes__has_key="items"):
        ids = (event.changes["items"] or [None, []])[1] or []
        if ids and all(isinstance(i, int) for i in ids):
            numbers = dict(Item.objects.filter(pk__in=ids).values_list("pk", "number"))
            changes = {**event.changes, "items": [None, [numbers.get(i, i) for i in ids]]}
            AuditEvent.objects.filter(pk=event.pk).update(changes=changes)

    audit = {}  # order id -> its audit events that record a status change
    for event in AuditEvent.objects.filter(object_type=ORDER, changes__has_key="status").exclude(action="create"):
        audit.setdefault(event.object_id, []).append(event)
    duplicates = []
    for row in OrderEvent.objects.select_related("order").order_by("created_at", "pk").iterator():
        if not row.from_status:
            continue  # the order's creation: its audit event "create" says it
        key = (row.from_status, row.to_status)
        verb = VERBS.get(key, "status")
        action = f"order_{verb}"
        known = audit.get(str(row.order_id), [])
        duplicates += [e.pk for e in known if e.action == "status" and _status_change(e) == key]
        if any(e.action == action and _status_change(e) == key for e in known):
            continue  # already written by the state machine
        new = AuditEvent.objects.create(
            tenant_id=row.tenant_id, actor_id=row.actor_id, action=action, object_type=ORDER,
            object_id=str(row.order_id), object_repr=row.order.number[:255],
            changes={"status": [row.from_status, row.to_status]}, comment=row.comment)
        AuditEvent.objects.filter(pk=new.pk).update(created_at=row.created_at)  # auto_now_add set it to now
    AuditEvent.objects.filter(pk__in=duplicates).delete()


def backwards(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    Order = apps.get_model("reuse_market", "Order")
    OrderEvent = apps.get_model("reuse_market", "OrderEvent")
    for old_type, old, new in RENAMED:
        AuditEvent.objects.filter(object_type=old_type, action=new).update(action=old)
    AuditEvent.objects.filter(object_type=LISTING, action="listing_close").update(action="status")
    orders = Order.objects.in_bulk()
    for event in AuditEvent.objects.filter(object_type=ORDER).order_by("created_at", "pk"):
        order = orders.get(int(event.object_id)) if event.object_id.isdigit() else None
        if order is None:
            continue
        if event.action == "create":
            row = OrderEvent.objects.create(tenant_id=order.tenant_id, order=order, actor_id=event.actor_id,
                                            from_status="", to_status="requested")
        elif event.action.startswith("order_") and _status_change(event):
            old, new = _status_change(event)
            row = OrderEvent.objects.create(tenant_id=order.tenant_id, order=order, actor_id=event.actor_id,
                                            from_status=old, to_status=new, comment=event.comment)
            if event.actor_id is not None:  # the system's approval had no audit event of its own
                AuditEvent.objects.filter(pk=event.pk).update(action="status")
                if order.buyer_tenant_id != order.tenant_id:
                    copy = AuditEvent.objects.create(
                        tenant_id=order.buyer_tenant_id, actor_id=event.actor_id, action="status",
                        object_type=ORDER, object_id=event.object_id, object_repr=event.object_repr,
                        changes=event.changes, comment=event.comment)
                    AuditEvent.objects.filter(pk=copy.pk).update(created_at=event.created_at)
            else:
                AuditEvent.objects.filter(pk=event.pk).delete()
        else:
            continue
        OrderEvent.objects.filter(pk=row.pk).update(created_at=event.created_at, updated_at=event.created_at)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0002_audit_tenant_newest_index"),
        ("reuse", "0006_partner_reuse_kinds"),
        ("reuse_market", "0002_partner_orders"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="OrderEvent"),
    ]
