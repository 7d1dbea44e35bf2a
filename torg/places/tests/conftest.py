"""Fixtures for the places tests: a second tenant's building and API token helpers."""

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english():
    """Messages from services are asserted in their English source form (the UI default is nb)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def other_building(other_tenant, other_admin):
    """Tenant B's building (property 7/7) with one floor and one room."""
    from torg.places import services

    prop = services.property_create(actor=other_admin, tenant=other_tenant, gnr=7, bnr=7, address="Andregata 7")
    b = services.building_create(actor=other_admin, tenant=other_tenant, property=prop, name="Andrehuset",
                                 building_number="7007")
    f = services.floor_create(actor=other_admin, tenant=other_tenant, building=b, level=0)
    services.room_create(actor=other_admin, tenant=other_tenant, floor=f, number="A.01", name="Hemmelig rom")
    return b


@pytest.fixture
def token_for():
    """token_for(user, tenant) → HTTP headers carrying a fresh personal API token."""
    from torg.accounts import services

    def make(user, tenant, **kwargs):
        _token, secret = services.api_token_create(actor=user, tenant=tenant, name="test", **kwargs)
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    return make
