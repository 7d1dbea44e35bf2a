"""Audit action codes of accounts named <entity>_<verb>: the stored events are renamed with them,
so the audit log and histories show old and new events alike."""

from django.db import migrations

from torg.core.migration_ops import audit_action_renamers

# (object type, old code, new code)
RENAMES = [
    ("accounts.user", "set_password", "user_password_set"),
    ("accounts.user", "unlock", "user_unlock"),
    ("accounts.user", "link_identity", "user_identity_link"),
    ("accounts.apitoken", "revoke", "api_token_revoke"),
]
forwards, backwards = audit_action_renamers(RENAMES)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("core", "0002_audit_tenant_newest_index")]

    operations = [migrations.RunPython(forwards, backwards)]
