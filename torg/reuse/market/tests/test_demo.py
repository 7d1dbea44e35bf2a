"""The marketplace demo: listings in every stage, orders in every state, a saved search, a give-away."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from torg.accounts.models import Tenant
from torg.reuse.market import queries
from torg.reuse.market.models import GiveAway, Listing, Order, OrderMessage, SavedSearch, Stage
from torg.reuse.models import ReuseRecord

pytestmark = pytest.mark.django_db


def test_demo_has_listings_in_every_stage_and_orders_in_every_state(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path
    settings.TORG_TASKS_INLINE = True
    call_command("demo", verbosity=0, stdout=open("/dev/null", "w"))
    storvik, lillevik = Tenant.objects.get(slug="storvik"), Tenant.objects.get(slug="lillevik")
    now = timezone.now()
    stages = {listing.stage(now) for listing in Listing.objects.filter(tenant=storvik, status="open")}
    assert stages >= {Stage.SELLER, Stage.UNIT, Stage.MUNICIPALITY, Stage.PARTNERS, Stage.PUBLIC}
    assert set(Order.objects.filter(tenant=storvik).values_list("status", flat=True)) == set(Order.Status.values)
    assert OrderMessage.objects.filter(tenant=storvik).count() >= 2
    assert SavedSearch.objects.filter(tenant=storvik).exists()
    assert GiveAway.objects.filter(tenant=storvik).exists()
    assert ReuseRecord.objects.filter(tenant=storvik, kind="internal_order").exists()
    assert ReuseRecord.objects.filter(tenant=storvik, kind="given_away").exists()
    assert queries.partner_listings(tenant=lillevik).exists()
    # Orders from the partner municipality: one received (in Lillevik's inventory), one waiting.
    from_lillevik = Order.objects.filter(tenant=storvik, buyer_tenant=lillevik)
    assert set(from_lillevik.values_list("status", flat=True)) == {"received", "requested"}
    assert ReuseRecord.objects.filter(tenant=storvik, kind="to_partner").count() == 1
    assert ReuseRecord.objects.filter(tenant=lillevik, kind="from_partner").count() == 1
    assert ReuseRecord.objects.get(tenant=lillevik).item.tenant == lillevik
    assert queries.public_listings(tenant=storvik).exists()
