"""The demo's furnishing plan: the town hall furnished ~80 % from reuse, part of it delivered — own
items and used purchases — and the impact report showing both."""

import pytest
from django.core.management import call_command

from torg.accounts.models import Tenant
from torg.reuse.impact import queries as impact
from torg.reuse.models import Item, Product, ReuseRecord, Status
from torg.reuse.relocation import queries
from torg.reuse.relocation.models import Line, Need, Plan, PurchaseRequest

pytestmark = pytest.mark.django_db


def test_demo_plan_for_the_town_hall(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path
    call_command("demo", verbosity=0, stdout=open("/dev/null", "w"))
    storvik = Tenant.objects.get(slug="storvik")
    plan = Plan.objects.get(tenant=storvik)
    assert plan.building.name == "Nye Storvik rådhus" and plan.source_buildings.count() == 6
    fig = queries.figures(plan=plan)
    # the source case: ~8 000 pieces, ~5 200 own reused and 1 200 bought used, at least 80 % reuse
    assert fig["total"] == 8000 and fig["open"] == 0
    assert 5100 <= fig["own"] <= 5400 and fig["used"] == 1200
    assert 80 <= fig["reuse_share"] <= 84 and fig["meets_target"]
    # needs only where they make sense (issue 14): in rooms whose function uses the category, within
    # the room's area (a piece per m² at most), and never furniture from toilets and such in the stock
    from django.db.models import Sum

    from torg.reuse.relocation.demo import PLACES

    per_room = Need.objects.filter(plan=plan).values("room__function", "room__net_area", "category__key") \
        .annotate(n=Sum("quantity"))
    assert all(r["room__function"] in PLACES[r["category__key"]][0] for r in per_room)
    totals = Need.objects.filter(plan=plan).values("room").annotate(n=Sum("quantity"))
    room_area = {r.pk: r.net_area for r in plan.building.rooms.all()}
    assert all(t["n"] <= (room_area[t["room"]] or 1) for t in totals)
    assert not Item.objects.filter(tenant=storvik, room__function__in=["toilet", "technical", "corridor"]).exists()
    # every own line holds a distinct item that is reserved, or in use in its room once delivered
    own = Line.objects.filter(plan=plan, source="own")
    assert own.values("item").distinct().count() == own.count()
    assert set(Item.objects.filter(pk__in=own.filter(delivered_at__isnull=True).values("item"))
               .values_list("status", flat=True)) == {Status.RESERVED}
    delivered = own.filter(delivered_at__isnull=False).select_related("item", "need")
    assert delivered.count() >= 500
    assert all(ln.item.room_id == ln.need.room_id and ln.item.status == Status.IN_USE for ln in delivered[:200])
    assert ReuseRecord.objects.filter(tenant=storvik, kind="relocation").count() == delivered.count()
    # the first used purchases arrived: items of the offers' catalogue products (with their photos)
    # in the rooms they were bought for, each with its ReuseRecord
    used = Line.objects.filter(plan=plan, source="used", delivered_at__isnull=False).select_related(
        "item__product", "need", "offer")
    assert 200 <= used.count() < 1200
    assert all(ln.item.product_id == ln.offer.product_id and ln.item.room_id == ln.need.room_id
               and ln.item.status == Status.IN_USE for ln in used)
    bought = ReuseRecord.objects.filter(tenant=storvik, kind="bought_used")
    assert bought.count() == used.count() and set(bought.values_list("to_building", flat=True)) == {plan.building_id}
    assert not Product.objects.filter(items__reuse_records__in=bought, photos__isnull=True).exists()
    assert PurchaseRequest.objects.filter(tenant=storvik).count() == 2

    # the impact report shows both: relocations and used purchases, with CO2e and money avoided
    by_kind = {r["group"]: r for r in impact.breakdown(tenant=storvik, f=impact.ReportFilter(), dimension="kind")}
    assert by_kind["relocation"]["reuses"] == delivered.count() and by_kind["bought_used"]["reuses"] == used.count()
    assert by_kind["bought_used"]["co2e"] > 0 and by_kind["bought_used"]["money"] > 0
