from django.db import migrations


def seed(apps, schema_editor):
    from torg.reuse.impact.library import seed_factors

    Tenant = apps.get_model("accounts", "Tenant")
    Category = apps.get_model("reuse", "Category")
    Factor = apps.get_model("reuse_impact", "Factor")
    for tenant in Tenant.objects.all():
        seed_factors(tenant, Category, Factor)


class Migration(migrations.Migration):
    dependencies = [("reuse_impact", "0001_initial"), ("reuse", "0002_seed_categories")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
