"""Audit action codes of accounts named <entity>_<verb>: the stored events are renamed with them,
so the audit log and histories show old and new events alike."""

from django.db import migrations

# (object type, old code, new code)
RENAMES = [
    ("accounts.user", "set_password", "user_password_set"),
    ("accounts.user", "unlock", "user_unlock"),
    ("accounts.user", "link_identity", "user_identity_link"),
    ("accounts.apitoken", "revoke", "api_token_revoke"),
]


def forwards(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    for object_type, old, new in RENAMES:
        AuditEvent.objects.filter(object_type=object_type, action=old).update(action=new)


def backwards(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    for object_type, old, new in RENAMES:
        AuditEvent.objects.filter(object_type=object_type, action=new).update(action=old)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("core", "0002_audit_tenant_newest_index")]

    operations = [migrations.RunPython(forwards, backwards)]
