"""The demo loader: realistic volume, fast, and consistent with the state machine's table."""

import pytest
from django.core.management import call_command

from torg.accounts.models import Tenant
from torg.reuse.models import Item, ItemEvent, Label, Status

pytestmark = pytest.mark.django_db


def test_demo_has_6500_items_in_the_six_old_offices_and_200_labels(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path
    call_command("demo", verbosity=0, stdout=open("/dev/null", "w"))
    storvik = Tenant.objects.get(slug="storvik")
    items = Item.objects.filter(tenant=storvik)
    assert items.count() == 6500
    assert items.values("building").distinct().count() == 6
    assert set(items.values_list("status", flat=True)) >= {Status.IN_USE, Status.FOR_RELOCATION, Status.AVAILABLE}
    assert items.values("product__category").distinct().count() >= 10
    assert Label.objects.filter(tenant=storvik, item__isnull=True).count() == 200
    assert ItemEvent.objects.filter(tenant=storvik, kind="create").count() == 6500
    assert len(set(items.values_list("code", flat=True))) == 6500
    assert items.order_by("number").last().number == "M-006500"
    from torg.reuse.models import ItemPhoto

    photo = ItemPhoto.objects.filter(tenant=storvik).first()
    assert 800 < ItemPhoto.objects.filter(tenant=storvik).count() < 2000
    assert (tmp_path / photo.image.name).exists()
    from torg.reuse.models import ALLOWED_TRANSITIONS

    for from_value, to_value in ItemEvent.objects.filter(tenant=storvik, kind="status").values_list(
            "from_value", "to_value").distinct():
        assert to_value in ALLOWED_TRANSITIONS[from_value]
