"""Every municipality has the default project models: new ones from the tenant set-up, those that
existed before the app from migration 0007 (or `manage.py tenant_setup`) — idempotent, and a
municipality's own copy or a model projects use is never touched."""

import importlib

from django.apps import apps
from django.core.management import call_command

from torg.projects.models import ProjectModel

seed_migration = importlib.import_module("torg.projects.migrations.0007_seed_project_models")


def test_the_migration_seeds_municipalities_that_lack_the_models(tenant, other_tenant, project):
    ProjectModel.objects.filter(tenant=other_tenant).delete()  # as before the app existed
    seed_migration.seed(apps, None)
    for t in (tenant, other_tenant):
        assert sorted(ProjectModel.objects.filter(tenant=t).values_list("key", flat=True)) == [
            "byggeprosjekt", "prosjektveiviseren"]
    model = ProjectModel.objects.get(tenant=other_tenant, key="byggeprosjekt")
    assert model.name == "Byggeprosjekt med tidligfase" and model.phases.count() == 5
    assert model.gates.get(code="BP1").items.count() == 4
    seed_migration.seed(apps, None)  # again: nothing doubled
    assert ProjectModel.objects.filter(tenant=tenant).count() == 2


def test_the_tenant_setup_command_does_the_same(other_tenant):
    ProjectModel.objects.filter(tenant=other_tenant).delete()
    call_command("tenant_setup")
    assert ProjectModel.objects.filter(tenant=other_tenant, is_current=True).count() == 2
