from django.db import migrations


def seed(apps, schema_editor):
    from torg.reuse.taxonomy import seed_categories

    Tenant = apps.get_model("accounts", "Tenant")
    Category = apps.get_model("reuse", "Category")
    for tenant in Tenant.objects.all():
        seed_categories(tenant, Category)


class Migration(migrations.Migration):
    dependencies = [("reuse", "0001_initial"), ("accounts", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
