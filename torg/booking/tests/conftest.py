import datetime as dt
import json

import pytest
from django.utils import timezone

from torg.booking import services
from torg.booking.queries import OSLO


def at(day_offset, hour, minute=0):
    """An aware datetime `day_offset` days after next Monday, at local Oslo time."""
    today = timezone.localdate()
    monday = today + dt.timedelta(days=7 - today.weekday())
    return dt.datetime.combine(monday + dt.timedelta(days=day_offset), dt.time(hour, minute), OSLO)


def open_hours(admin_user, tenant, building, staffed=(8, 16), meraapent=(16, 22)):
    """Every day staffed hours and (when given) meråpent hours after them."""
    for weekday in range(7):
        services.opening_hours_add(actor=admin_user, tenant=tenant, building=building, weekday=weekday,
                                   opens=dt.time(staffed[0]), closes=dt.time(staffed[1]))
        if meraapent:
            services.opening_hours_add(actor=admin_user, tenant=tenant, building=building, weekday=weekday,
                                       opens=dt.time(meraapent[0]), closes=dt.time(meraapent[1]), kind="meraapent")


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


# --- Meråpent (shared by test_meraapent and test_code_delivery) ------------------------------
class FakeDoorController:
    """Plays the lock controller: calls the door API over HTTP with its bearer token."""

    def __init__(self, client, token, door):
        self.client, self.token, self.door = client, token, door

    def verify(self, code, when):
        response = self.client.post(
            "/api/v1/booking/doors/verify", data=json.dumps({"door": self.door, "code": code, "at": when.isoformat()}),
            content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {self.token}")
        assert response.status_code == 200, response.content
        return response.json()

    def report(self, kind, when):
        return self.client.post(
            "/api/v1/booking/doors/events", data=json.dumps({"door": self.door, "kind": kind, "at": when.isoformat()}),
            content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {self.token}")


@pytest.fixture
def library(tenant, admin_user, building, resource):
    """Staffed 08–16 every day, meråpent 16–22; front door and back door; a door controller."""
    for weekday in range(7):
        services.opening_hours_add(actor=admin_user, tenant=tenant, building=building, weekday=weekday,
                                   opens=dt.time(8), closes=dt.time(16))
        services.opening_hours_add(actor=admin_user, tenant=tenant, building=building, weekday=weekday,
                                   opens=dt.time(16), closes=dt.time(22), kind="meraapent")
    services.door_add(actor=admin_user, tenant=tenant, building=building, name="Main door", identifier="main")
    controller, token = services.door_controller_create(actor=admin_user, tenant=tenant, building=building,
                                                        name="Lock 1")
    return controller, token


@pytest.fixture
def meraapent_booking(tenant, building, citizen, resource, library):
    services.meraapent_agreement_sign(actor=citizen, tenant=tenant, building=building,
                                      birth_date=dt.date(1990, 5, 1), accept_terms=True)
    return services.booking_create(actor=citizen, tenant=tenant, resource=resource, start=at(1, 18),
                                   end=at(1, 20))
