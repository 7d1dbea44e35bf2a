"""The furnishing plans' audit codes get their `<entity>_<verb>` names: a plan's `status` becomes the
transition of the plan state machine (`plan_activate`, `plan_deactivate`, `plan_complete`,
`plan_reopen`), `match` → `plan_match`, a line's `override` → `line_override` and `deliver` →
`line_deliver`. Reversible (the codes go back)."""

from django.db import migrations

from torg.core.migration_ops import rename_audit_actions_in

PLAN, LINE = "reuse_relocation.plan", "reuse_relocation.line"
# (from, to) -> verb of the plan state machine (torg.reuse.relocation.states), frozen here.
VERBS = {("draft", "active"): "activate", ("active", "draft"): "deactivate", ("active", "completed"): "complete",
         ("completed", "active"): "reopen"}
RENAMED = [(PLAN, "match", "plan_match"), (LINE, "override", "line_override"), (LINE, "deliver", "line_deliver")]


def forwards(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    rename_audit_actions_in(apps, RENAMED)
    for event in AuditEvent.objects.filter(object_type=PLAN, action="status"):
        change = (event.changes or {}).get("status")
        verb = VERBS.get(tuple(change)) if isinstance(change, list) and len(change) == 2 else None
        if verb:
            AuditEvent.objects.filter(pk=event.pk).update(action=f"plan_{verb}")


def backwards(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    rename_audit_actions_in(apps, [(object_type, new, old) for object_type, old, new in RENAMED])
    AuditEvent.objects.filter(object_type=PLAN, action__in=[f"plan_{v}" for v in VERBS.values()]) \
        .update(action="status")


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0002_audit_tenant_newest_index"),
        ("reuse_relocation", "0002_usedoffer_product"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
