"""The two default project models (Prosjektveiviseren, the building project with early phase) for
every municipality that existed before the projects app: new ones get them from the tenant set-up
(`services.model_seed_defaults`). Idempotent — a municipality that has a model by its key keeps it."""

from django.db import migrations


def seed(apps, schema_editor):
    from torg.projects import methods

    classes = {name: apps.get_model("projects", name) for name in ("ProjectModel", "Phase", "Gate", "GateItem")}
    for tenant in apps.get_model("accounts", "Tenant").objects.all():
        methods.seed_defaults(classes, tenant)


class Migration(migrations.Migration):
    dependencies = [("projects", "0006_actuals_participation_links"), ("accounts", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
