"""Photo audit codes named <entity>_<verb> like the rest (docs/architecture.md, "Audit"): one pair,
`<owner>_photo_add` / `<owner>_photo_remove`, on the item or product that has the photo."""

from django.db import migrations

RENAMES = [  # (object type, old code, new code)
    ("reuse.item", "add_photo", "item_photo_add"),
    ("reuse.item", "remove_photo", "item_photo_remove"),
    ("reuse.product", "add_photo", "product_photo_add"),
    ("reuse.product", "remove_photo", "product_photo_remove"),
]


def _rename(apps, pairs):
    AuditEvent = apps.get_model("core", "AuditEvent")
    for object_type, old, new in pairs:
        AuditEvent.objects.filter(object_type=object_type, action=old).update(action=new)


def forward(apps, schema_editor):
    _rename(apps, RENAMES)


def backward(apps, schema_editor):
    _rename(apps, [(object_type, new, old) for object_type, old, new in RENAMES])


class Migration(migrations.Migration):

    dependencies = [
        ("reuse", "0006_partner_reuse_kinds"),
        ("core", "0002_audit_tenant_newest_index"),
    ]

    operations = [migrations.RunPython(forward, backward)]
