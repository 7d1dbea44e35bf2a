"""Photo audit codes named <entity>_<verb> like the rest (docs/architecture.md, "Audit"): one pair,
`<owner>_photo_add` / `<owner>_photo_remove`, on the item or product that has the photo."""

from django.db import migrations

from torg.core.migration_ops import rename_audit_actions

RENAMES = [  # (object type, old code, new code)
    ("reuse.item", "add_photo", "item_photo_add"),
    ("reuse.item", "remove_photo", "item_photo_remove"),
    ("reuse.product", "add_photo", "product_photo_add"),
    ("reuse.product", "remove_photo", "product_photo_remove"),
]


class Migration(migrations.Migration):

    dependencies = [
        ("reuse", "0006_partner_reuse_kinds"),
        ("core", "0002_audit_tenant_newest_index"),
    ]

    operations = [rename_audit_actions(RENAMES)]
