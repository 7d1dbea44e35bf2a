from django.db import migrations, models


class Migration(migrations.Migration):
    """Events of one kind in a period (the impact report's disposals: `item_dispose` in the report's
    dates) are found by an index instead of a scan of the tenant's whole audit log."""

    dependencies = [
        ("core", "0003_upload_stash"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["tenant", "action", "created_at"], name="core_audit_tenant_action_time"),
        ),
    ]
