"""The migration that moves item history into the audit log (0008_item_history_to_audit): each old
ItemEvent becomes one audit event with its `item_<verb>` code, the audit twin written in the same
transaction is kept instead of a second entry, and the old audit codes are renamed.

The ItemEvent table no longer exists, so the test creates it from the migration's historical models,
fills it as the old services did and runs the migration's forward step on it."""

import datetime as dt
import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.text import capfirst

from torg.core.models import AuditEvent
from torg.reuse.models import Item
from torg.reuse.queries import item_history

migration = importlib.import_module("torg.reuse.migrations.0008_item_history_to_audit")


@pytest.fixture
def old_apps(transactional_db):
    apps = MigrationLoader(connection).project_state(
        [("reuse", "0007_photo_action_codes"), ("core", "0002_audit_tenant_newest_index")]).apps
    ItemEvent = apps.get_model("reuse", "ItemEvent")
    with connection.schema_editor() as editor:
        editor.create_model(ItemEvent)
    yield apps
    with connection.schema_editor() as editor:
        editor.delete_model(ItemEvent)


def _audit(item, action, changes, actor, when, comment=""):
    event = AuditEvent.objects.create(tenant_id=item.tenant_id, actor=actor, action=action, object_type="reuse.item",
                                      object_id=str(item.pk), object_repr=str(item), changes=changes, comment=comment)
    AuditEvent.objects.filter(pk=event.pk).update(created_at=when)


def test_item_events_become_one_audit_event_each(old_apps, make_items, admin_user, rooms):
    ItemEvent = old_apps.get_model("reuse", "ItemEvent")
    item, other = make_items(count=2)
    AuditEvent.objects.filter(object_type="reuse.item").update(action="create")  # as the old services wrote it
    t0 = timezone.now() - dt.timedelta(days=30)

    def old_event(kind, when, **fields):
        event = ItemEvent.objects.create(tenant_id=item.tenant_id, item_id=item.pk, kind=kind,
                                         actor_id=admin_user.pk, **fields)
        ItemEvent.objects.filter(pk=event.pk).update(created_at=when)

    created = AuditEvent.objects.get(object_type="reuse.item", object_id=str(item.pk))
    old_event("create", created.created_at, to_value="In use", comment="Registrert i kartleggingen")
    # a status change written twice (ItemEvent + audit "status"), and one written as an ItemEvent only
    old_event("status", t0, from_value="in_use", to_value="for_recycling", comment="Kassering")
    _audit(item, "status", {"status": ["in_use", "for_recycling"]}, admin_user, t0 + dt.timedelta(milliseconds=3),
           "Kassering")
    old_event("status", t0 + dt.timedelta(days=1), from_value="for_recycling", to_value="disposed")
    # a move written twice: the audit twin has the ids, the ItemEvent the words
    old_event("move", t0 - dt.timedelta(days=1), from_value="Rådhuset, 0.01", to_value="Rådhuset, 1.01")
    _audit(item, "move", {"location": [[rooms["0.01"].building_id, rooms["0.01"].pk, ""],
                                       [rooms["1.01"].building_id, rooms["1.01"].pk, ""]]}, admin_user,
           t0 - dt.timedelta(days=1))
    old_event("photo", t0 - dt.timedelta(hours=5))
    _audit(item, "item_photo_add", {}, admin_user, t0 - dt.timedelta(hours=5))  # renamed by 0007
    old_event("edit", t0 - dt.timedelta(hours=4), to_value="condition", comment="sjekket")
    _audit(item, "update", {"condition": [1, 2]}, admin_user, t0 - dt.timedelta(hours=4), "sjekket")

    migration.forward(old_apps, None)

    assert ItemEvent.objects.count() == 0
    history = list(AuditEvent.objects.filter(object_type="reuse.item", object_id=str(item.pk))
                   .order_by("created_at", "pk").values_list("action", "changes", "comment"))
    assert history == [
        ("item_move", {"room": [rooms["0.01"].pk, rooms["1.01"].pk]}, ""),
        ("item_photo_add", {}, ""),
        ("item_edit", {"condition": [1, 2]}, "sjekket"),
        ("item_mark_for_recycling", {"status": ["in_use", "for_recycling"]}, "Kassering"),
        ("item_dispose", {"status": ["for_recycling", "disposed"]}, ""),
        ("item_create", created.changes, "Registrert i kartleggingen"),
    ]
    disposal = AuditEvent.objects.get(action="item_dispose")
    assert (disposal.actor, disposal.tenant_id, disposal.created_at) == (admin_user, item.tenant_id,
                                                                         t0 + dt.timedelta(days=1))
    # the other item had no ItemEvent: only its code is renamed
    assert list(AuditEvent.objects.filter(object_type="reuse.item", object_id=str(other.pk))
                .values_list("action", flat=True)) == [
        "item_create"]
    # the item page shows every entry in words, the move from → to by room
    entries = item_history(item=item)
    assert [str(e.action) for e in entries][:2] == ["item_create", "item_dispose"]
    assert [(str(r["field"]), r["old"], r["new"]) for r in entries[-1].change_rows] == [
        (capfirst(Item._meta.get_field("room").verbose_name), str(rooms["0.01"]), str(rooms["1.01"]))]
