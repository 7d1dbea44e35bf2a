"""Operations that apps' data migrations share."""

from django.db import migrations


def rename_audit_actions_in(apps, renames):
    """Give stored audit events new action codes: `renames` = [(object type, old code, new code)]."""
    AuditEvent = apps.get_model("core", "AuditEvent")
    for object_type, old, new in renames:
        AuditEvent.objects.filter(object_type=object_type, action=old).update(action=new)


def audit_action_renamers(renames):
    """The forwards and backwards functions of a migration renaming audit action codes."""
    backwards = [(object_type, new, old) for object_type, old, new in renames]
    return (lambda apps, schema_editor: rename_audit_actions_in(apps, renames),
            lambda apps, schema_editor: rename_audit_actions_in(apps, backwards))


def rename_audit_actions(renames):
    """A reversible migration operation renaming audit action codes (and back)."""
    return migrations.RunPython(*audit_action_renamers(renames))
