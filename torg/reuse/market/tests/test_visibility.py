"""Staged publication: own unit → whole municipality → partner municipalities → public, computed
from dates (tests use a fixed "now"), and isolation between municipalities."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from torg.reuse.market import queries, services
from torg.reuse.market.models import Stage

from .conftest import member

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2026, 3, 2, 10, 0), timezone.get_default_timezone())


@pytest.fixture
def staged(tenant, admin_user):
    """Settings: 3 days own unit, partners after 7, public after 14."""
    return services.settings_update(actor=admin_user, tenant=tenant, unit_days=3, partner_days=7, public_days=14,
                                    approve_buyer_orders=True)


@pytest.fixture
def partner(tenant, other_tenant, admin_user, other_admin, staged):
    services.settings_update(actor=admin_user, tenant=tenant, unit_days=3, partner_days=7, public_days=14,
                             approve_buyer_orders=True, partners=[other_tenant])
    services.settings_update(actor=other_admin, tenant=other_tenant, unit_days=0, partner_days=None,
                             public_days=None, approve_buyer_orders=True, partners=[tenant])
    return other_tenant


def _listing(make_listing, **kwargs):
    return make_listing(count=2, now=NOW, available_from=NOW.date(), to_partners=True, to_public=True, **kwargs)


def _sees(user, listing, now):
    return queries.listing_search(tenant=listing.tenant, user=user, now=now).filter(pk=listing.pk).exists()


def test_stages_follow_the_dates(make_listing, staged):
    listing = _listing(make_listing)
    assert listing.stage(NOW) == Stage.UNIT
    assert listing.stage(NOW + dt.timedelta(days=3)) == Stage.MUNICIPALITY
    assert listing.stage(NOW + dt.timedelta(days=7)) == Stage.PARTNERS
    assert listing.stage(NOW + dt.timedelta(days=14)) == Stage.PUBLIC
    assert listing.next_stage(NOW) == (Stage.MUNICIPALITY, NOW + dt.timedelta(days=3))
    assert listing.next_stage(NOW + dt.timedelta(days=15)) is None


def test_own_unit_first_then_the_whole_municipality(make_listing, staged, people):
    listing = _listing(make_listing)
    early, later = NOW + dt.timedelta(hours=1), NOW + dt.timedelta(days=3, minutes=1)
    assert _sees(people.colleague, listing, early)  # same service as the owner unit
    assert _sees(people.sector_member, listing, early)  # member of the sector above it
    assert not _sees(people.buyer, listing, early)  # another sector
    assert _sees(people.admin, listing, early)  # administrators see everything
    assert _sees(people.buyer, listing, later)


def test_listing_without_owner_unit_goes_to_the_municipality_at_once(make_listing, make_items, staged, people):
    listing = make_listing(items=make_items(count=1, owner_unit=None), now=NOW, available_from=NOW.date())
    assert listing.stage(NOW) == Stage.MUNICIPALITY
    assert _sees(people.buyer, listing, NOW)


def test_future_available_from_publishes_later(make_listing, staged, people):
    listing = make_listing(count=1, now=NOW, available_from=NOW.date() + dt.timedelta(days=5))
    assert listing.stage(NOW) == Stage.SELLER
    assert not _sees(people.colleague, listing, NOW)
    assert _sees(people.seller, listing, NOW)  # the seller sees their own listing
    assert _sees(people.colleague, listing, listing.published_at)


def test_partner_sees_only_listings_in_the_partner_stage(make_listing, partner, people, other_admin):
    listing = _listing(make_listing)
    assert not queries.partner_listings(tenant=partner, now=NOW + dt.timedelta(days=6)).exists()
    found = queries.partner_listings(tenant=partner, now=NOW + dt.timedelta(days=7))
    assert list(found) == [listing]
    # the seller can opt out of the partner stage
    private = make_listing(count=1, now=NOW, available_from=NOW.date(),
                                                                  to_partners=False)
    assert private not in queries.partner_listings(tenant=partner, now=NOW + dt.timedelta(days=30))


def test_partnership_must_be_mutual(make_listing, staged, tenant, other_tenant, admin_user):
    services.settings_update(actor=admin_user, tenant=tenant, unit_days=3, partner_days=7, public_days=14,
                             approve_buyer_orders=True, partners=[other_tenant])
    listing = _listing(make_listing)
    assert not queries.partner_listings(tenant=other_tenant, now=NOW + dt.timedelta(days=8)).exists()
    assert list(queries.partners_waiting(tenant=tenant)) == [other_tenant]
    assert listing.pk


def test_public_page_shows_only_public_stage_and_no_personal_data(make_listing, staged, tenant, people):
    listing = _listing(make_listing, description="Pent brukt")
    assert not queries.public_listings(tenant=tenant, now=NOW + dt.timedelta(days=13)).exists()
    assert list(queries.public_listings(tenant=tenant, now=NOW + dt.timedelta(days=14))) == [listing]


def test_public_pages_over_http(client, make_listing, staged, tenant, people, settings):
    listing = make_listing(count=2, to_public=True, description="Pent brukt")
    # published now: not yet public
    assert client.get(f"/reuse/market/public/{tenant.slug}/{listing.code}/").status_code == 404
    from torg.reuse.market.models import Listing

    Listing.objects.filter(pk=listing.pk).update(public_at=timezone.now() - dt.timedelta(minutes=1))
    page = client.get(f"/reuse/market/public/{tenant.slug}/")
    assert page.status_code == 200
    assert listing.title in page.content.decode()
    detail = client.get(f"/reuse/market/public/{tenant.slug}/{listing.code}/")
    text = detail.content.decode()
    assert detail.status_code == 200 and "Pent brukt" in text
    for personal in (people.seller.username, people.seller.email, people.seller.first_name, "Nord skole"):
        assert personal not in text
    # a municipality without a public stage has no public page
    services.settings_update(actor=people.admin, tenant=tenant, unit_days=3, partner_days=7, public_days=None,
                             approve_buyer_orders=True)
    assert client.get(f"/reuse/market/public/{tenant.slug}/").status_code == 404


def test_partner_user_gets_404_for_everything_else(make_listing, partner, people, tenant, other_tenant):
    from torg.reuse.market.models import Listing

    listing = make_listing(count=2, to_partners=True)  # published now (real time): partners in 7 days
    partner_user = member(other_tenant, "nabo", reuse_role="buyer")
    client = Client()
    client.force_login(partner_user, backend="django.contrib.auth.backends.ModelBackend")
    # not yet in the partner stage
    assert client.get(f"/reuse/market/partners/{listing.code}/").status_code == 404
    Listing.objects.filter(pk=listing.pk).update(partners_at=timezone.now() - dt.timedelta(minutes=1),
                                                 municipality_at=timezone.now() - dt.timedelta(days=1),
                                                 published_at=timezone.now() - dt.timedelta(days=2))
    page = client.get(f"/reuse/market/partners/{listing.code}/")
    assert page.status_code == 200 and listing.title in page.content.decode()
    assert listing.title in client.get("/reuse/market/partners/").content.decode()
    # the rest of tenant A stays invisible
    item_pk = listing.lines.first().item_id
    for url in (f"/reuse/market/listings/{listing.pk}/", f"/reuse/market/listings/{listing.pk}/order/",
                f"/reuse/items/{item_pk}/"):
        assert client.get(url).status_code == 404, url
    assert listing.title not in client.get("/reuse/market/").content.decode()


def test_listing_page_says_who_can_see_it(client_for, make_listing, staged, people):
    listing = make_listing(count=1)
    page = client_for(people.seller).get(f"/reuse/market/listings/{listing.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Nord skole" in text  # the owning unit sees it now
    assert 'data-testid="stage"' in text
    other = Client()
    other.force_login(people.buyer, backend="django.contrib.auth.backends.ModelBackend")
    assert other.get(f"/reuse/market/listings/{listing.pk}/").status_code == 404  # not yet their stage


def test_settings_validate_the_order_of_stages(tenant, admin_user):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.settings_update(actor=admin_user, tenant=tenant, unit_days=5, partner_days=2, public_days=None,
                                 approve_buyer_orders=True)
    assert "partner_days" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.settings_update(actor=admin_user, tenant=tenant, unit_days=1, partner_days=10, public_days=5,
                                 approve_buyer_orders=True)
    with pytest.raises(ValidationError):
        services.settings_update(actor=admin_user, tenant=tenant, unit_days=1, partner_days=None, public_days=None,
                                 approve_buyer_orders=True, partners=[tenant])
