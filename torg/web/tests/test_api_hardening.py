"""The API holds up to hostile input: bounded integers, null in PATCH, unknown fields, NUL
characters, unknown paths and unexpected errors all get a declared JSON answer, never a 500 with a
traceback. (Schemathesis checks the same over every operation: test_api_conformance.py.)"""

import datetime as dt

import pytest
from django.test import RequestFactory
from django.utils import timezone

from torg.api import api
from torg.places.models import Property, Room

pytestmark = pytest.mark.django_db

HUGE = 2**64 + 1


@pytest.fixture
def admin_api(api_as, admin_user, tenant):
    return api_as(admin_user, tenant)


@pytest.mark.parametrize("url", [
    f"/api/v1/places/floors?limit={HUGE}",
    f"/api/v1/places/floors?offset={HUGE}",
    "/api/v1/places/rooms?limit=0",
    "/api/v1/places/rooms?limit=501",
    f"/api/v1/places/rooms?building_id={HUGE}",
    f"/api/v1/places/rooms/{HUGE}",
    f"/api/v1/reuse/items?condition={HUGE}",
    f"/api/v1/booking/bookings/search?offset={HUGE}",
    "/api/v1/booking/resources/1/free?start=9999-12-31T00:00:00%2B01:00&end=9999-12-31T10:00:00%2B01:00",
])
def test_out_of_range_numbers_in_the_query_or_path_are_422(admin_api, building, url):
    r = admin_api("get", url)
    assert r.status_code == 422, r.content
    assert r["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("payload", [
    {"gnr": 10**12, "bnr": 1},
    {"gnr": 100_000, "bnr": 1},  # the matrikkel's gnr has at most five digits
    {"gnr": 1, "bnr": HUGE},
    {"gnr": 1, "bnr": 1, "snr": -1},
])
def test_cadastre_numbers_beyond_the_matrikkel_are_422(admin_api, payload):
    r = admin_api("post", "/api/v1/places/properties", payload)
    assert r.status_code == 422, r.content
    assert not Property.objects.exists()


def test_id_lists_are_bounded(admin_api, building):
    for ids in ([HUGE], [], list(range(1, 1002))):
        r = admin_api("post", "/api/v1/reuse/items/status", {"item_ids": ids, "to_status": "available"})
        assert r.status_code == 422, (ids[:3], r.content)


def test_null_clears_optional_text_and_is_refused_where_a_field_cannot_be_empty(admin_api, building):
    prop = building.property
    r = admin_api("patch", f"/api/v1/places/properties/{prop.pk}", {"address": None, "fnr": None})
    assert r.status_code == 200, r.content
    prop.refresh_from_db()
    assert (prop.address, prop.fnr) == ("", 0)
    for payload in ({"gnr": None}, {"archived": None}):
        assert admin_api("patch", f"/api/v1/places/properties/{prop.pk}", payload).status_code == 422
    room = Room.objects.filter(building=building).first()
    for payload in ({"number": None}, {"function": None}, {"floor_id": None}):
        r = admin_api("patch", f"/api/v1/places/rooms/{room.pk}", payload)
        assert r.status_code == 422, (payload, r.content)
    r = admin_api("patch", f"/api/v1/places/rooms/{room.pk}", {"name": None, "capacity": None})
    assert r.status_code == 200 and r.json()["name"] == "" and r.json()["capacity"] is None


def test_unknown_fields_are_refused(admin_api, building):
    room = Room.objects.filter(building=building).first()
    r = admin_api("patch", f"/api/v1/places/rooms/{room.pk}", {"name": "Nytt navn", "placement_text": "x"})
    assert r.status_code == 422
    assert r.json()["detail"][0]["type"] == "extra_forbidden"
    room.refresh_from_db()
    assert room.name != "Nytt navn"
    doc = api.get_openapi_schema()
    body = doc["components"]["schemas"]["RoomPatch"]
    assert body["additionalProperties"] is False


def test_nul_characters_are_refused(admin_api, building):
    assert admin_api("get", "/api/v1/places/rooms?q=a%00b").status_code == 422
    r = admin_api("post", "/api/v1/places/properties", {"gnr": 99, "bnr": 1, "name": "a\x00b"})
    assert r.status_code == 422
    assert not Property.objects.filter(gnr=99).exists()


def test_an_unknown_path_under_the_api_is_a_json_404(admin_api):
    for url in ("/api/v1/places/rooms/null,null", "/api/v1/nothing-here", "/api/v1/projects/projects/a%0Ab"):
        r = admin_api("get", url)
        assert r.status_code == 404 and r.json() == {"detail": "Not found."}


def test_an_unexpected_error_is_a_plain_500_without_traceback(settings):
    settings.DEBUG = True  # the profile where django-ninja would send the traceback
    request = RequestFactory().get("/api/v1/places/rooms")
    try:
        raise ZeroDivisionError("secret detail")
    except ZeroDivisionError as exc:
        response = api.on_exception(request, exc)
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert b"Traceback" not in response.content and b"secret" not in response.content


def test_every_operation_declares_every_status_code_it_can_answer():
    doc = api.get_openapi_schema()
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            codes = {str(code) for code in operation["responses"]}
            assert {"400", "401", "403", "404", "422"} <= codes, (method, path, codes)
            assert codes & {"200", "201", "202", "204"}, (method, path, codes)


def test_staff_cannot_book_a_start_in_the_past_through_the_api_or_the_ui(admin_api, admin_user, client_for, tenant,
                                                                         building):
    from torg.booking import services
    from torg.booking.models import Booking

    room = Room.objects.filter(building=building).first()
    resource = services.resource_create(actor=admin_user, tenant=tenant, name="Møterom", building=building,
                                        room=room)
    start = (timezone.now() - dt.timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    r = admin_api("post", "/api/v1/booking/bookings", {"resource_id": resource.pk, "start": start.isoformat(),
                                                       "end": (start + dt.timedelta(hours=1)).isoformat()})
    assert r.status_code == 422 and "passed" in str(r.json()["detail"])
    local = timezone.localtime(start)
    page = client_for(admin_user).post(f"/booking/resources/{resource.pk}/book/", {
        "date": local.date().isoformat(), "start_time": local.strftime("%H:%M"),
        "end_time": (local + dt.timedelta(hours=1)).strftime("%H:%M"), "idempotency_key": "k1"})
    assert page.status_code == 422
    assert not Booking.objects.exists()
