"""The demo loader: realistic volume, fast, and consistent with the state machine's table."""

import pytest
from django.db.models import Count
from django.core.management import call_command

from torg.accounts.models import Tenant
from torg.core.models import AuditEvent
from torg.reuse.models import Item, Label, Status

pytestmark = pytest.mark.django_db


def test_demo_has_6500_items_in_the_six_old_offices_and_200_labels(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path
    call_command("demo", verbosity=0, stdout=open("/dev/null", "w"))
    storvik = Tenant.objects.get(slug="storvik")
    # The inventory's survey: the first 6 500 numbers (the marketplace demo adds items bought used).
    items = Item.objects.filter(tenant=storvik, number__lte="M-006500")
    assert items.count() == 6500
    # the six old locations (the marketplace and relocation demos then move some items elsewhere)
    per_building = sorted(items.values("building").annotate(n=Count("id")).order_by().values_list("n", flat=True))
    assert len(per_building) >= 6 and sum(per_building) == 6500 and sum(per_building[-6:]) >= 5000
    assert set(items.values_list("status", flat=True)) >= {Status.IN_USE, Status.FOR_RELOCATION, Status.AVAILABLE}
    assert items.values("product__category").distinct().count() >= 10
    assert Label.objects.filter(tenant=storvik, item__isnull=True).count() >= 150  # a batch of unused labels
    history = AuditEvent.objects.filter(tenant=storvik, object_type="reuse.item")
    ids = {str(pk) for pk in items.values_list("pk", flat=True)}
    assert {i for i in history.filter(action="item_create").values_list("object_id", flat=True)} >= ids
    assert len(set(items.values_list("code", flat=True))) == 6500
    from torg.reuse.models import ItemPhoto

    photo = ItemPhoto.objects.filter(tenant=storvik).first()
    assert 800 < ItemPhoto.objects.filter(tenant=storvik).count() < 2000
    assert (tmp_path / photo.image.name).exists()
    from torg.reuse.models import Product, ProductPhoto
    from torg.reuse.states import ITEM_MACHINE

    # catalogue photos per product; components (tabletops, frames) linked to sit-stand desks
    products = Product.objects.filter(tenant=storvik, items__in=items).distinct()  # the survey's products
    assert not products.filter(photos__isnull=True).exists() and ProductPhoto.objects.filter(tenant=storvik).exists()
    parts = items.filter(parent__isnull=False)
    assert parts.count() > 50
    assert set(parts.values_list("product__category__key", flat=True)) == {"tabletop", "desk_frame"}
    assert set(parts.values_list("parent__product__category__key", flat=True)) == {"sit_stand_desk"}
    # only a product's own CO2e (a few with an EPD); the defaults are in the impact factor library
    with_co2e = products.exclude(co2e_kg=None)
    assert 0 < with_co2e.count() < products.count()
    assert all(source.startswith("EPD") for source in with_co2e.values_list("co2e_source", flat=True))

    status_changes = history.filter(changes__has_key="status").exclude(action="item_create")
    assert status_changes.exists()
    for action, changes in status_changes.values_list("action", "changes"):
        transition = ITEM_MACHINE.get(*changes["status"])  # declared, under its own code
        assert transition is not None and action == ITEM_MACHINE.action(transition.verb)
