"""Fixtures of the marketplace: a municipality with two units, a seller and buyers with reuse roles,
chairs owned by one unit, and a second municipality."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

PASSWORD = "correct-horse-42"


def member(tenant, username, role="employee", unit=None, reuse_role=None, email=""):
    from torg.accounts import services as accounts
    from torg.reuse import services as reuse

    membership = accounts.user_create(actor=None, tenant=tenant, username=username, role=role, org_unit=unit,
                                      first_name=username.title(), last_name="Test", password=PASSWORD,
                                      email=email or f"{username}@example.org")
    if reuse_role:
        reuse.reuse_role_set(actor=None, membership=membership, role=reuse_role)
    return membership.user


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def units(tenant, admin_user):
    from torg.accounts import services as accounts

    school = accounts.org_unit_create(actor=admin_user, tenant=tenant, kind="sector", name="Oppvekst")
    north = accounts.org_unit_create(actor=admin_user, tenant=tenant, kind="service", name="Nord skole",
                                     parent=school)
    health = accounts.org_unit_create(actor=admin_user, tenant=tenant, kind="sector", name="Helse")
    return SimpleNamespace(school=school, north=north, health=health)


@pytest.fixture
def people(tenant, units, admin_user):
    return SimpleNamespace(
        admin=admin_user,
        seller=member(tenant, "selger", unit=units.north, reuse_role="buyer_seller"),
        colleague=member(tenant, "kollega", unit=units.north, reuse_role="buyer"),
        sector_member=member(tenant, "sektor", unit=units.school, reuse_role="buyer_seller"),
        buyer=member(tenant, "kjoper", unit=units.health, reuse_role="buyer_seller"),
        plain_buyer=member(tenant, "bare_kjoper", unit=units.health, reuse_role="buyer"),
        observer=member(tenant, "observator", unit=units.health, reuse_role="observer"),
        surveyor=member(tenant, "registrator", unit=units.health, reuse_role="surveyor"),
    )


@pytest.fixture
def rooms(building):
    from torg.places.models import Room

    return {r.number: r for r in Room.objects.filter(building=building)}


@pytest.fixture
def product(tenant, admin_user):
    from torg.reuse import services
    from torg.reuse.models import Category

    category = Category.objects.get(tenant=tenant, key="task_chair")
    return services.product_create(actor=admin_user, tenant=tenant, category=category, manufacturer="HÅG",
                                   model_name="Capisco", colour="Svart", new_price_nok="6500")


@pytest.fixture
def make_items(tenant, admin_user, product, rooms, units):
    from torg.reuse import services

    def make(count=1, room="0.01", owner_unit="north", prod=None, **kwargs):
        unit = getattr(units, owner_unit) if owner_unit else None
        return services.item_register(actor=admin_user, tenant=tenant, product=prod or product, count=count,
                                      room=rooms[room] if room else None, owner_unit=unit, **kwargs)

    return make


@pytest.fixture
def make_listing(tenant, people, make_items):
    from torg.reuse.market import services

    def make(count=3, actor=None, now=None, items=None, **kwargs):
        items = items if items is not None else make_items(count=count)
        return services.listing_create(actor=actor or people.seller, tenant=tenant, items=items, now=now, **kwargs)

    return make


def days(n, base=None):
    return (base or timezone.now()) + dt.timedelta(days=n)


@pytest.fixture(autouse=True)
def english():
    """Service messages are asserted in English (the source language); pages are still Norwegian
    by default, set per request by the language middleware."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def partner(tenant, other_tenant, admin_user, other_admin):
    """`other_tenant` ("Andrevik") as a mutual partner that sees listings at once, with a unit, a
    building with two rooms, and members: a buyer/seller, a buyer and an observer."""
    from torg.accounts import services as accounts
    from torg.places import services as places
    from torg.reuse.market import services

    services.settings_update(actor=admin_user, tenant=tenant, unit_days=0, partner_days=0, public_days=None,
                             approve_buyer_orders=False, partners=[other_tenant])
    services.settings_update(actor=other_admin, tenant=other_tenant, unit_days=0, partner_days=None,
                             public_days=None, approve_buyer_orders=False, partners=[tenant])
    unit = accounts.org_unit_create(actor=other_admin, tenant=other_tenant, kind="sector", name="Andrevik skole")
    prop = places.property_create(actor=other_admin, tenant=other_tenant, gnr=7, bnr=1, address="Skolevegen 1")
    school = places.building_create(actor=other_admin, tenant=other_tenant, property=prop, name="Andrevik skole",
                                    building_number="7001", gross_area=900, use="school", strategic_category="A")
    floor = places.floor_create(actor=other_admin, tenant=other_tenant, building=school, level=1)
    rooms = {n: places.room_create(actor=other_admin, tenant=other_tenant, floor=floor, number=n, name="Klasserom",
                                   net_area=50, capacity=25, function="classroom") for n in ("1.10", "1.11")}
    return SimpleNamespace(
        tenant=other_tenant, unit=unit, building=school, rooms=rooms, admin=other_admin,
        buyer=member(other_tenant, "nabokjoper", unit=unit, reuse_role="buyer_seller"),
        plain_buyer=member(other_tenant, "nabo_bare_kjoper", unit=unit, reuse_role="buyer"),
        observer=member(other_tenant, "nabo_observator", unit=unit, reuse_role="observer"),
    )


@pytest.fixture
def partner_order(partner):
    """Place a partner order: the partner's buyer orders `quantity` of `listing` for room 1.10."""
    from torg.reuse.market import services

    def make(listing, quantity=1, buyer=None, **kwargs):
        return services.order_create(actor=buyer or partner.buyer, tenant=partner.tenant, listing=listing,
                                     quantity=quantity, delivery_room=partner.rooms["1.10"], to_unit=partner.unit,
                                     **kwargs)

    return make
