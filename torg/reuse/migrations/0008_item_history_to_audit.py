"""One history for items: the `ItemEvent` rows move into the audit log (core.AuditEvent), and the
table goes.

Until now every item change was written twice: an `ItemEvent` row (shown on the item page, read by
the impact report) and an audit event (`create`, `status`, `move`, `update`, `item_photo_add`,
`item_photo_remove` — the photo codes were renamed by 0007). This migration

1. renames the reuse inventory's other audit codes to `<entity>_<verb>`: on items `create` →
   `item_create`, `update` → `item_edit`, `status` → the item machine's code for the new status
   (`item_dispose`, `item_reserve`, … — see torg/reuse/states.py), `move` → `item_move` with the
   building, room and placement as fields (`{"building": [old, new], "room": …, "placement_text":
   …}`, shown by name); `reuse` → `reuse_record_create` and `confirm` → `import_job_confirm`;
2. converts each `ItemEvent` into one audit event with the new code: when the audit event written in
   the same transaction exists (same item, code and actor, within two minutes), that one is kept
   (with the ItemEvent's comment, the text the item page showed) — otherwise (e.g. the demo data's
   status history, written as ItemEvent rows only) a new audit event is written with the ItemEvent's
   time, actor, change (`{"status": [from, to]}`; a move without its audit twin keeps the two places
   in words as `{"location": [from, to]}`) and comment;
3. drops the table.

Irreversible: the audit log is the one record afterwards; splitting it back into two tables would
write every fact twice again, and the ItemEvent-only details (the edited fields' names, which the
audit event's own changes already hold) are not kept.
"""

import datetime as dt

from django.db import migrations

from torg.core.migration_ops import rename_audit_actions_in

ITEM = "reuse.item"
# The item machine's verb for each target status (torg/reuse/states.py), frozen here.
VERB = {"in_use": "put_in_use", "available": "make_available", "reserved": "reserve",
        "for_relocation": "mark_for_relocation", "for_repair": "mark_for_repair",
        "for_recycling": "mark_for_recycling", "disposed": "dispose", "listed": "list", "ordered": "order",
        "given_away": "give_away"}
RENAMES = [
    (ITEM, "create", "item_create"), (ITEM, "update", "item_edit"),
    ("reuse.reuserecord", "reuse", "reuse_record_create"), ("reuse.importjob", "confirm", "import_job_confirm"),
]
KIND_ACTION = {"create": "item_create", "move": "item_move", "edit": "item_edit", "photo": "item_photo_add",
               "photo_del": "item_photo_remove"}
SAME_TRANSACTION = dt.timedelta(minutes=2)
BATCH = 2000


def _status_action(to_status):
    return f"item_{VERB.get(to_status, 'status')}"


def _move_changes(changes):
    """{"location": [[b, r, p], [b, r, p]]} → the fields that changed, by name."""
    old, new = (changes or {}).get("location") or [None, None]
    if not (isinstance(old, list) and isinstance(new, list) and len(old) == len(new) == 3):
        return changes
    return {name: [a, b] for name, a, b in zip(("building", "room", "placement_text"), old, new, strict=True)
            if a != b}


def _rename_codes(apps, AuditEvent):
    rename_audit_actions_in(apps, RENAMES)
    by_action = {}
    for pk, changes in AuditEvent.objects.filter(object_type=ITEM, action="status").values_list("id", "changes") \
            .iterator(chunk_size=BATCH):
        pair = (changes or {}).get("status") or [None, None]
        by_action.setdefault(_status_action(pair[-1]), []).append(pk)
    for action, ids in by_action.items():
        for i in range(0, len(ids), BATCH):
            AuditEvent.objects.filter(pk__in=ids[i:i + BATCH]).update(action=action)
    moves = []
    for event in AuditEvent.objects.filter(object_type=ITEM, action="move").only("id", "changes") \
            .iterator(chunk_size=BATCH):
        event.action, event.changes = "item_move", _move_changes(event.changes)
        moves.append(event)
        if len(moves) >= BATCH:
            AuditEvent.objects.bulk_update(moves, ["action", "changes"])
            moves = []
    AuditEvent.objects.bulk_update(moves, ["action", "changes"])


def _event_action(event):
    return _status_action(event.to_value) if event.kind == "status" else KIND_ACTION.get(event.kind, "item_edit")


def _event_changes(event):
    if event.kind == "status":
        return {"status": [event.from_value or None, event.to_value]}
    if event.kind == "move":
        return {"location": [event.from_value, event.to_value]}
    return {}


def _convert_events(apps, AuditEvent, ItemEvent):
    Item = apps.get_model("reuse", "Item")
    events = ItemEvent.objects.order_by("item_id", "created_at", "id")
    item_ids = sorted(set(events.values_list("item_id", flat=True)))
    for start in range(0, len(item_ids), BATCH):
        chunk = item_ids[start:start + BATCH]
        # The audit twins of this chunk's events: (object id, action, actor) -> [(time, id, comment)].
        twins = {}
        for pk, object_id, action, actor_id, created_at, comment in AuditEvent.objects.filter(
                object_type=ITEM, object_id__in=[str(i) for i in chunk], action__startswith="item_").values_list(
                "id", "object_id", "action", "actor_id", "created_at", "comment").order_by("created_at", "id"):
            twins.setdefault((object_id, action, actor_id), []).append([created_at, pk, comment])
        names = {pk: f"{number} {category}".strip() for pk, number, category in Item.objects.filter(
            pk__in=chunk).values_list("pk", "number", "product__category__name")}
        new, comments = [], {}
        for event in events.filter(item_id__in=chunk).iterator(chunk_size=BATCH):
            action = _event_action(event)
            candidates = twins.get((str(event.item_id), action, event.actor_id), [])
            twin = next((c for c in candidates if abs(c[0] - event.created_at) <= SAME_TRANSACTION), None)
            if twin is not None:
                candidates.remove(twin)
                if event.comment and event.comment != twin[2]:
                    comments.setdefault(event.comment, []).append(twin[1])
                continue
            new.append(AuditEvent(
                tenant_id=event.tenant_id, actor_id=event.actor_id, action=action, object_type=ITEM,
                object_id=str(event.item_id), object_repr=names.get(event.item_id, "")[:255],
                changes=_event_changes(event), comment=event.comment, created_at=event.created_at))
        AuditEvent.objects.bulk_create(new, batch_size=BATCH)
        for comment, ids in comments.items():
            AuditEvent.objects.filter(pk__in=ids).update(comment=comment)


def forward(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    ItemEvent = apps.get_model("reuse", "ItemEvent")
    _rename_codes(apps, AuditEvent)
    created_at = AuditEvent._meta.get_field("created_at")
    created_at.auto_now_add = False  # keep each old entry's own time (this historical model only)
    try:
        _convert_events(apps, AuditEvent, ItemEvent)
    finally:
        created_at.auto_now_add = True
    ItemEvent.objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0002_audit_tenant_newest_index"),
        ("reuse", "0007_photo_action_codes"),
    ]

    operations = [
        migrations.RunPython(forward, elidable=False),  # irreversible: see the module docstring
        migrations.DeleteModel(name="ItemEvent"),
    ]
