"""The audit trail: who changed what, with a {field: [old, new]} diff.

Core may not import the apps above it, so these tests audit a Tenant (from the shared fixtures).
"""

from torg.core import audit
from torg.core.models import AuditEvent
from torg.core.services import create_object, update_object


def test_diff_lists_only_changed_and_new_fields():
    before = {"a": 1, "b": "x", "c": None}
    after = {"a": 1, "b": "y", "c": None, "d": 4}
    assert audit.diff(before, after) == {"b": ["x", "y"], "d": [None, 4]}
    assert audit.diff(after, after) == {}


def test_snapshot_is_json_ready(tenant):
    snap = audit.snapshot(tenant)
    assert snap["name"] == "Testvik kommune" and snap["slug"] == "testvik"
    assert all(isinstance(v, (str, int, float, bool, list, type(None))) for v in snap.values())


def test_update_records_who_and_what_changed(tenant, admin_user):
    update_object(tenant, actor=admin_user, tenant=tenant, fields={"inhabitants": 125000, "name": "Storvik"},
                  comment="Nytt navn")
    event = AuditEvent.objects.filter(tenant=tenant, action="tenant_update").get()
    assert event.actor == admin_user
    assert event.object_type == "accounts.tenant" and event.object_id == str(tenant.pk)
    assert event.object_repr == "Storvik"
    assert event.changes == {"inhabitants": [None, 125000], "name": ["Testvik kommune", "Storvik"]}
    assert event.comment == "Nytt navn"
    assert list(audit.history_for(tenant, tenant))[0] == event


def test_update_without_change_records_nothing(tenant, admin_user):
    count = AuditEvent.objects.count()
    update_object(tenant, actor=admin_user, tenant=tenant, fields={"name": tenant.name})
    assert AuditEvent.objects.count() == count


def test_anonymous_actor_is_stored_as_none(tenant):
    from django.contrib.auth.models import AnonymousUser

    event = audit.record(actor=AnonymousUser(), tenant=tenant, obj=tenant, action="tenant_touch")
    assert event.actor is None


def test_history_is_per_tenant_and_object(tenant, other_tenant, admin_user):
    audit.record(actor=admin_user, tenant=tenant, obj=tenant, action="tenant_a")
    audit.record(actor=admin_user, tenant=other_tenant, obj=other_tenant, action="tenant_b")
    assert {e.action for e in audit.history_for(tenant, tenant)} == {"tenant_create", "tenant_a"}
    assert {e.action for e in audit.history_for(tenant, other_tenant)} == set()


def test_record_many_writes_one_event_per_object(tenant, other_tenant, admin_user):
    audit.record_many(actor=admin_user, tenant=tenant, objs=[tenant, other_tenant], action="tenant_bulk",
                      changes=lambda o: {"slug": [None, o.slug]})
    events = AuditEvent.objects.filter(action="tenant_bulk").order_by("object_id")
    assert [e.changes["slug"][1] for e in events] == ["testvik", "andrevik"]
    assert all(e.tenant == tenant and e.actor == admin_user for e in events)


def test_create_object_validates_before_writing(tenant, admin_user):
    import pytest
    from django.core.exceptions import ValidationError

    bad = type(tenant)(name="", slug="not a slug")
    with pytest.raises(ValidationError) as exc:
        create_object(bad, actor=admin_user, tenant=tenant)
    assert {"name", "slug"} <= set(exc.value.message_dict)
    assert bad.pk is None
