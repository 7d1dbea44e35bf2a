"""Shared pytest fixtures: tenants and users named after their roles.

App-specific fixtures live in each app's tests/conftest.py.
"""

import os

import pytest

# Playwright's sync API runs an event loop in the main thread; Django's ORM refuses to run in a
# thread with a running loop unless told that this is intended (tests only).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def tenant(db):
    from torg.accounts import services

    return services.tenant_create(name="Testvik kommune", slug="testvik")


@pytest.fixture
def other_tenant(db):
    from torg.accounts import services

    return services.tenant_create(name="Andrevik kommune", slug="andrevik")


def _member(tenant, username, role):
    from torg.accounts import services

    return services.user_create(actor=None, tenant=tenant, username=username, role=role,
                                first_name=username.title(), last_name="Test", password="correct-horse-42").user


@pytest.fixture
def make_member():
    return _member


@pytest.fixture
def admin_user(tenant):
    return _member(tenant, "admin", "admin")


@pytest.fixture
def property_manager(tenant):
    return _member(tenant, "eiendom", "property_manager")


@pytest.fixture
def employee(tenant):
    return _member(tenant, "ansatt", "employee")


@pytest.fixture
def citizen(tenant):
    return _member(tenant, "innbygger", "citizen")


@pytest.fixture
def association_rep(tenant):
    return _member(tenant, "forening", "association")


@pytest.fixture
def other_admin(other_tenant):
    return _member(other_tenant, "admin2", "admin")


@pytest.fixture
def client_for(client):
    """client_for(user) → a Django test client logged in as `user`."""

    def login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return login


@pytest.fixture
def building(tenant, admin_user):
    """A small building: property 1/1, two floors, three rooms."""
    from torg.places import services

    prop = services.property_create(actor=admin_user, tenant=tenant, gnr=1, bnr=1, address="Testgata 1")
    b = services.building_create(actor=admin_user, tenant=tenant, property=prop, name="Testhuset",
                                 building_number="1001", gross_area=1200, use="office", strategic_category="A")
    f0 = services.floor_create(actor=admin_user, tenant=tenant, building=b, level=0)
    f1 = services.floor_create(actor=admin_user, tenant=tenant, building=b, level=1)
    services.room_create(actor=admin_user, tenant=tenant, floor=f0, number="0.01", name="Møterom", net_area=20,
                         capacity=8, function="meeting")
    services.room_create(actor=admin_user, tenant=tenant, floor=f0, number="0.02", name="Kontor", net_area=12,
                         capacity=2, function="office")
    services.room_create(actor=admin_user, tenant=tenant, floor=f1, number="1.01", name="Klasserom", net_area=60,
                         capacity=28, function="classroom")
    return b
