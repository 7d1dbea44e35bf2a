"""Meråpent: agreement, door codes (hashed, time-limited, revoked on cancel) and the door API,
with a local test double playing the door controller."""

import datetime as dt
import json
import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from torg.booking import services
from torg.booking.models import AccessCode, AccessEvent, Booking

from .conftest import FakeDoorController, at

S = Booking.Status


def test_meraapent_needs_an_agreement(tenant, building, citizen, resource, library):
    with pytest.raises(ValidationError, match="agreement"):
        services.booking_create(actor=citizen, tenant=tenant, resource=resource, start=at(1, 18), end=at(1, 19))
    staffed = services.booking_create(actor=citizen, tenant=tenant, resource=resource, start=at(1, 10),
                                      end=at(1, 11))
    assert not staffed.meraapent
    with pytest.raises(ValidationError):
        services.meraapent_agreement_sign(actor=citizen, tenant=tenant, building=building,
                                          birth_date=dt.date(1990, 1, 1), accept_terms=False)
    with pytest.raises(ValidationError, match="18"):
        services.meraapent_agreement_sign(actor=citizen, tenant=tenant, building=building,
                                          birth_date=dt.date.today() - dt.timedelta(days=365 * 15),
                                          accept_terms=True, age_limit=18)


def test_agreement_through_the_form(client_for, citizen, building):
    c = client_for(citizen)
    url = reverse("booking:meraapent_agreement", args=[building.pk])
    assert c.post(url, {"birth_date": "1990-05-01"}).status_code == 422  # terms not accepted
    assert c.post(url, {"birth_date": "1990-05-01", "accept_terms": "on"}).status_code == 302


def test_code_is_hashed_and_works_only_in_its_window_at_its_building(client, meraapent_booking, library, caplog,
                                                                      citizen):
    assert meraapent_booking.meraapent and meraapent_booking.status == S.CONFIRMED
    controller, token = library
    with caplog.at_level(logging.DEBUG):
        code = services.access_code_issue(actor=citizen, booking=meraapent_booking)
    assert len(code) == 8 and code.isdigit()
    assert code not in caplog.text
    stored = AccessCode.objects.get()
    assert code not in stored.code_hash and len(stored.code_hash) == 64
    door = FakeDoorController(client, token, "main")
    start, end = meraapent_booking.start, meraapent_booking.end
    assert door.verify(code, start - dt.timedelta(minutes=16))["allow"] is False  # before the window
    assert door.verify(code, start - dt.timedelta(minutes=15))["allow"] is True  # margin before start
    assert door.verify(code, end - dt.timedelta(seconds=1))["allow"] is True
    assert door.verify(code, end)["allow"] is False  # after the window
    assert AccessEvent.objects.filter(kind="allowed", booking=meraapent_booking).count() == 2


def test_code_refused_at_another_buildings_door(client, tenant, admin_user, meraapent_booking, citizen):
    from torg.places import services as places

    prop = meraapent_booking.resource.building.property
    other = places.building_create(actor=admin_user, tenant=tenant, property=prop,
                                   name="Annet hus", building_number="1002")
    services.door_add(actor=admin_user, tenant=tenant, building=other, name="Other door", identifier="other")
    _c, other_token = services.door_controller_create(actor=admin_user, tenant=tenant, building=other, name="Lock 2")
    code = services.access_code_issue(actor=citizen, booking=meraapent_booking)
    assert FakeDoorController(client, other_token, "other").verify(code, meraapent_booking.start)["allow"] is False


def test_code_revoked_by_cancellation_and_by_a_new_code(client, meraapent_booking, library, citizen):
    _c, token = library
    door = FakeDoorController(client, token, "main")
    first = services.access_code_issue(actor=citizen, booking=meraapent_booking)
    second = services.access_code_issue(actor=citizen, booking=meraapent_booking)
    assert door.verify(first, meraapent_booking.start)["allow"] is False
    assert door.verify(second, meraapent_booking.start)["allow"] is True
    services.booking_transition(actor=citizen, booking=meraapent_booking, to=S.CANCELLED)
    assert door.verify(second, meraapent_booking.start)["allow"] is False


def test_only_the_booker_gets_a_code_for_a_confirmed_meraapent_booking(employee, citizen, resource, tenant,
                                                                        meraapent_booking):
    with pytest.raises(PermissionDenied):
        services.access_code_issue(actor=employee, booking=meraapent_booking)
    staffed = services.booking_create(actor=citizen, tenant=tenant, resource=resource, start=at(2, 10),
                                      end=at(2, 11))
    with pytest.raises(ValidationError):
        services.access_code_issue(actor=citizen, booking=staffed)


def test_guessing_is_throttled(client, meraapent_booking, library, citizen):
    _c, token = library
    door = FakeDoorController(client, token, "main")
    code = services.access_code_issue(actor=citizen, booking=meraapent_booking)
    wrong = "0" * 8 if code != "0" * 8 else "1" * 8
    for _ in range(services.DOOR_FAILURE_LIMIT):
        assert door.verify(wrong, meraapent_booking.start)["reason"] == "denied"
    result = door.verify(code, meraapent_booking.start)  # even the right code is refused now
    assert result == {"allow": False, "reason": "throttled", "valid_to": None}
    assert AccessEvent.objects.filter(kind="throttled").count() == 1


def test_door_api_needs_a_controller_token(client, citizen, client_for, library):
    body = json.dumps({"door": "main", "code": "12345678"})
    assert client.post("/api/v1/booking/doors/verify", data=body, content_type="application/json",
                       HTTP_AUTHORIZATION="Bearer door_wrong").status_code == 401
    # a user session is not a door controller
    assert client_for(citizen).post("/api/v1/booking/doors/verify", data=body,
                                    content_type="application/json").status_code == 401


def test_door_events_and_access_log_for_staff(client, client_for, admin_user, citizen, building, library):
    _c, token = library
    door = FakeDoorController(client, token, "main")
    assert door.report("opened", at(1, 18)).status_code == 201
    assert door.report("exploded", at(1, 18)).status_code == 422
    url = reverse("booking:access_log", args=[building.pk])
    assert client_for(citizen).get(url).status_code == 403
    assert "Door opened" in client_for(admin_user).get(url).content.decode()


def test_code_page_shows_the_code_once(client_for, citizen, meraapent_booking):
    c = client_for(citizen)
    detail = c.get(reverse("booking:booking_detail", args=[meraapent_booking.pk])).content.decode()
    assert reverse("booking:access_code", args=[meraapent_booking.pk]) in detail
    response = c.post(reverse("booking:access_code", args=[meraapent_booking.pk]))
    assert response["Cache-Control"] == "no-store"
    code = response.content.decode().split('class="torg-booking-code"')[1].split(">")[1].split("<")[0]
    assert len(code) == 8 and code.isdigit()
    assert code not in c.get(reverse("booking:booking_detail", args=[meraapent_booking.pk])).content.decode()


def test_throttle_is_kept_in_the_database_not_in_one_process(client, meraapent_booking, library, citizen):
    """Several app servers share the count: clearing the (per-process) cache does not reset it."""
    from django.core.cache import cache

    _c, token = library
    door = FakeDoorController(client, token, "main")
    code = services.access_code_issue(actor=citizen, booking=meraapent_booking)
    wrong = "0" * 8 if code != "0" * 8 else "1" * 8
    for _ in range(services.DOOR_FAILURE_LIMIT):
        door.verify(wrong, meraapent_booking.start)
        cache.clear()
    assert door.verify(code, meraapent_booking.start)["reason"] == "throttled"


def test_denied_events_reported_by_the_door_are_logged_but_do_not_lock_it(client, client_for, admin_user,
                                                                          meraapent_booking, library, citizen,
                                                                          building):
    _c, token = library
    door = FakeDoorController(client, token, "main")
    for _ in range(services.DOOR_FAILURE_LIMIT + 1):
        assert door.report("denied", meraapent_booking.start).status_code == 201
    code = services.access_code_issue(actor=citizen, booking=meraapent_booking)
    assert door.verify(code, meraapent_booking.start)["allow"] is True
    assert AccessEvent.objects.filter(kind="denied", reported=True).count() == services.DOOR_FAILURE_LIMIT + 1
    page = client_for(admin_user).get(reverse("booking:access_log", args=[building.pk])).content.decode()
    assert "Code refused" in page and "Code accepted" in page


def test_door_api_is_rate_limited_per_controller(client, monkeypatch, meraapent_booking, library, citizen):
    _c, token = library
    monkeypatch.setattr(services.access, "DOOR_REQUEST_LIMIT", 3)
    door = FakeDoorController(client, token, "main")
    for _ in range(3):
        door.report("opened", meraapent_booking.start)
    body = json.dumps({"door": "main", "code": "12345678"})
    response = client.post("/api/v1/booking/doors/verify", data=body, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert door.report("opened", meraapent_booking.start).status_code == 429
    assert AccessEvent.objects.count() == 3  # refused requests write nothing
