import datetime as dt

import pytest
from django.utils import timezone

from torg.booking import services
from torg.booking.queries import OSLO


def at(day_offset, hour, minute=0):
    """An aware datetime `day_offset` days after next Monday, at local Oslo time."""
    today = timezone.localdate()
    monday = today + dt.timedelta(days=7 - today.weekday())
    return dt.datetime.combine(monday + dt.timedelta(days=day_offset), dt.time(hour, minute), OSLO)


@pytest.fixture
def rooms(building):
    from torg.places.models import Room

    return {r.number: r for r in Room.objects.filter(building=building)}


@pytest.fixture
def resource(tenant, admin_user, building, rooms):
    return services.resource_create(actor=admin_user, tenant=tenant, name="Møterom", building=building,
                                    room=rooms["0.01"], min_minutes=30, max_minutes=480, step_minutes=30)


@pytest.fixture
def hall(tenant, admin_user, building, rooms):
    """A divisible hall with two halves."""
    whole = services.resource_create(actor=admin_user, tenant=tenant, name="Gymsal", building=building,
                                     room=rooms["1.01"], max_minutes=480)
    a = services.resource_create(actor=admin_user, tenant=tenant, name="Gymsal A", building=building,
                                 parent=whole, kind="part", max_minutes=480)
    b = services.resource_create(actor=admin_user, tenant=tenant, name="Gymsal B", building=building,
                                 parent=whole, kind="part", max_minutes=480)
    return whole, a, b


@pytest.fixture
def association(tenant, admin_user, association_rep):
    from torg.accounts import services as account_services

    org = account_services.external_organisation_create(actor=admin_user, tenant=tenant, orgnr="974760673",
                                                        name="Testvik IL")
    org.representatives.add(association_rep)
    return org


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def english(settings):
    """Assertions below match the English source strings; test_translations checks the Norwegian."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
