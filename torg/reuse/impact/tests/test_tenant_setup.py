"""A tenant gets the category list and the factor library from the set-up that tenant_create runs
(torg.core.tenancy), not from a signal; `manage.py tenant_setup` gives an existing tenant the same."""

import io

from django.core.management import call_command

from torg.accounts.models import Tenant
from torg.reuse.impact.models import Factor
from torg.reuse.models import Category


def test_saving_a_tenant_row_alone_seeds_nothing(db):
    bare = Tenant.objects.create(name="Nyvik kommune", slug="nyvik")
    assert not Category.objects.filter(tenant=bare).exists()
    assert not Factor.objects.filter(tenant=bare).exists()


def test_setup_command_gives_an_existing_tenant_what_a_new_one_gets_and_is_idempotent(tenant):
    bare = Tenant.objects.create(name="Nyvik kommune", slug="nyvik")
    out = io.StringIO()
    call_command("tenant_setup", stdout=out)
    categories = Category.objects.filter(tenant=tenant).count()
    factors = Factor.objects.filter(tenant=tenant).count()
    assert Category.objects.filter(tenant=bare).count() == categories > 10
    assert Factor.objects.filter(tenant=bare).count() == factors > 15
    lines = dict(line.split(": ", 1) for line in out.getvalue().splitlines())
    assert f"reuse: {categories}, reuse_impact: {factors}" in lines["nyvik"]
    assert "reuse: 0, reuse_impact: 0" in lines["testvik"]
    call_command("tenant_setup", stdout=io.StringIO())
    assert Category.objects.filter(tenant=bare).count() == categories
    assert Factor.objects.filter(tenant=bare).count() == factors
