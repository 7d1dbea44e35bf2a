"""Accounts' audit codes are named <entity>_<verb>; migration 0002 renames the stored events."""

import importlib

from django.apps import apps

from torg.core.audit import ACTION_LABELS
from torg.core.models import AuditEvent

migration = importlib.import_module("torg.accounts.migrations.0002_audit_action_names")


def _event(tenant, object_type, action):
    return AuditEvent.objects.create(tenant=tenant, action=action, object_type=object_type, object_id="1",
                                     object_repr="x")


def test_stored_events_get_the_new_codes_and_only_accounts_rows_change(tenant):
    old = {code: _event(tenant, object_type, code) for object_type, code, _new in migration.RENAMES}
    door = _event(tenant, "booking.doorcontroller", "revoke")  # booking's own code, not ours
    migration.forwards(apps, None)
    assert {code: AuditEvent.objects.get(pk=e.pk).action for code, e in old.items()} == {
        "set_password": "user_password_set", "unlock": "user_unlock", "link_identity": "user_identity_link",
        "revoke": "api_token_revoke"}
    assert AuditEvent.objects.get(pk=door.pk).action == "revoke"
    migration.backwards(apps, None)
    assert {AuditEvent.objects.get(pk=e.pk).action for e in old.values()} == set(old)


def test_every_new_code_has_a_label():
    assert {new for _type, _old, new in migration.RENAMES} <= set(ACTION_LABELS)
