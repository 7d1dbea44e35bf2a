"""The demo's furnishing plan: the town hall furnished ~80 % from reuse, part of it delivered."""

import pytest
from django.core.management import call_command

from torg.accounts.models import Tenant
from torg.reuse.models import Item, ReuseRecord, Status
from torg.reuse.relocation import queries
from torg.reuse.relocation.models import Line, Plan, PurchaseRequest

pytestmark = pytest.mark.django_db


def test_demo_plan_for_the_town_hall(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path
    call_command("demo", verbosity=0, stdout=open("/dev/null", "w"))
    storvik = Tenant.objects.get(slug="storvik")
    plan = Plan.objects.get(tenant=storvik)
    assert plan.building.name == "Nye Storvik rådhus" and plan.source_buildings.count() == 6
    fig = queries.figures(plan=plan)
    assert 7800 <= fig["total"] <= 8200
    assert 4900 <= fig["own"] <= 5400 and fig["used"] == 1200 and fig["open"] == 0
    assert 76 <= fig["reuse_share"] <= 84
    # every own line holds a distinct item that is reserved, or in use in its room once delivered
    own = Line.objects.filter(plan=plan, source="own")
    assert own.values("item").distinct().count() == own.count()
    assert set(Item.objects.filter(pk__in=own.filter(delivered_at__isnull=True).values("item"))
               .values_list("status", flat=True)) == {Status.RESERVED}
    delivered = own.filter(delivered_at__isnull=False).select_related("item", "need")
    assert delivered.count() >= 500
    assert all(ln.item.room_id == ln.need.room_id and ln.item.status == Status.IN_USE for ln in delivered[:200])
    assert ReuseRecord.objects.filter(tenant=storvik, kind="relocation").count() == delivered.count()
    assert not Line.objects.filter(plan=plan, source="used", delivered_at__isnull=False).exists()
    assert PurchaseRequest.objects.filter(tenant=storvik).count() == 2
