"""Finding a slot: week view per building, equipment filter, photos, free-slot API; staff manage
doors and lock controllers."""

import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from PIL import Image

from torg.booking import queries, services
from torg.booking.models import Door, DoorController, ResourcePhoto

from .conftest import at
from .test_api_report import _token


def _monday():
    return at(0, 0).date()


def test_building_week_shows_every_resource_with_booked_times_and_free_hours(
        client_for, tenant, admin_user, building, citizen, resource, hall):
    for weekday in range(7):
        services.opening_hours_add(actor=admin_user, tenant=tenant, building=building, weekday=weekday,
                                   opens=dt.time(8), closes=dt.time(16))
    whole, half_a, _b = hall
    services.booking_create(actor=citizen, tenant=tenant, resource=resource, start=at(1, 10), end=at(1, 12))
    services.booking_create(actor=admin_user, tenant=tenant, resource=half_a, start=at(2, 9), end=at(2, 10))
    days, rows = queries.building_week(tenant=tenant, building=building, monday=_monday())
    by_name = {r["resource"].name: r["cells"] for r in rows}
    assert set(by_name) == {"Møterom", "Gymsal", "Gymsal A", "Gymsal B"}
    assert by_name["Møterom"][1]["free_hours"] == 6.0 and by_name["Møterom"][0]["free_hours"] == 8.0
    assert by_name["Gymsal"][2]["free_hours"] == 7.0  # a half is booked: the whole is too
    assert by_name["Gymsal B"][2]["free_hours"] == 8.0
    page = client_for(citizen).get(reverse("booking:building_week", args=[building.pk]),
                                   {"week": _monday().isoformat()})
    html = page.content.decode()
    assert page.status_code == 200 and "Booked: 10:00–12:00" in html and "6.0 h free" in html


def test_equipment_is_listed_and_filters(client_for, tenant, admin_user, citizen, resource, hall, building):
    c = client_for(admin_user)
    data = {f: getattr(resource.rules, f) for f in ["window_days", "min_minutes", "max_minutes", "step_minutes",
                                                  "buffer_before", "buffer_after", "cancel_deadline_hours"]}
    data.update(allow_citizens="on", equipment="Projector,  whiteboard, projector", source="own")
    assert c.post(reverse("booking:rules_edit", args=[resource.pk]), data).status_code == 302
    resource.refresh_from_db()
    assert resource.equipment == ["projector", "whiteboard"]
    assert 'value="projector, whiteboard"' in c.get(reverse("booking:rules_edit", args=[resource.pk])).content.decode()
    assert queries.equipment_choices(tenant=tenant) == ["projector", "whiteboard"]
    assert [r.name for r in queries.resource_list(tenant=tenant, equipment="projector")] == ["Møterom"]
    home = client_for(citizen).get(reverse("booking:home"), {"equipment": "whiteboard"}).content.decode()
    assert "Møterom" in home and "Gymsal A" not in home
    week = client_for(citizen).get(reverse("booking:building_week", args=[building.pk]),
                                   {"equipment": "projector"}).content.decode()
    assert "Møterom" in week and "Gymsal" not in week


def _png(size=(40, 30)):
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    out.seek(0)
    out.name = "room.png"
    return out


def test_photos_are_reencoded_described_and_removable(client_for, admin_user, citizen, resource, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    url = reverse("booking:resource_photos", args=[resource.pk])
    assert client_for(citizen).get(url).status_code == 403
    c = client_for(admin_user)
    assert c.post(url, {"photo": _png()}).status_code == 422  # a description is required
    bad = io.BytesIO(b"not an image at all")
    bad.name = "x.jpg"
    assert c.post(url, {"photo": bad, "alt": "Room"}).status_code == 422
    assert c.post(url, {"photo": _png(), "alt": "The room seen from the door"}).status_code == 302
    photo = ResourcePhoto.objects.get()
    assert photo.image.name.endswith(".jpg") and (photo.width, photo.height) == (40, 30)
    with Image.open(photo.image.path) as img:
        assert img.format == "JPEG"
    week = c.get(reverse("booking:resource_week", args=[resource.pk])).content.decode()
    assert 'alt="The room seen from the door"' in week
    assert c.post(url, {"delete": photo.pk}).status_code == 302
    assert not ResourcePhoto.objects.exists()


def test_free_slots_api(client, tenant, admin_user, building, citizen, resource, hall):
    for weekday in range(7):
        services.opening_hours_add(actor=admin_user, tenant=tenant, building=building, weekday=weekday,
                                   opens=dt.time(8), closes=dt.time(16))
        services.opening_hours_add(actor=admin_user, tenant=tenant, building=building, weekday=weekday,
                                   opens=dt.time(16), closes=dt.time(20), kind="meraapent")
    whole, half_a, _b = hall
    services.rules_update(actor=admin_user, resource=whole, buffer_after=30)
    services.booking_create(actor=admin_user, tenant=tenant, resource=half_a, start=at(1, 10), end=at(1, 12))
    auth = {"HTTP_AUTHORIZATION": f"Bearer {_token(citizen, tenant)}"}
    url = f"/api/v1/booking/resources/{whole.pk}/free"
    response = client.get(url, {"start": at(1, 0).isoformat(), "end": at(2, 0).isoformat()}, **auth)
    assert response.status_code == 200, response.content
    slots = [(dt.datetime.fromisoformat(s["start"]), dt.datetime.fromisoformat(s["end"]), s["kind"])
             for s in response.json()]
    # the whole's own buffer after a new booking must not reach the half's booking at 10:00
    assert slots == [(at(1, 8), at(1, 9, 30), "staffed"), (at(1, 12), at(1, 16), "staffed"),
                     (at(1, 16), at(1, 20), "meraapent")]
    long_only = client.get(url, {"start": at(1, 0).isoformat(), "end": at(2, 0).isoformat(), "minutes": 180},
                           **auth).json()
    assert len(long_only) == 2
    # every free slot can really be booked
    free = queries.free_slots(resource=half_a, start=at(1, 0), end=at(2, 0))
    for s, e, kind in free:
        if kind == "staffed":
            services.booking_create(actor=admin_user, tenant=tenant, resource=half_a, start=s, end=e)
    assert queries.free_slots(resource=half_a, start=at(1, 0), end=at(1, 16)) == []
    assert client.get(url, {"start": "2030-01-01T00:00", "end": "2030-01-02T00:00"}, **auth).status_code == 422


def test_staff_manage_doors_and_controllers(client, client_for, tenant, admin_user, citizen, building,
                                            resource):
    url = reverse("booking:doors", args=[building.pk])
    assert client_for(citizen).get(url).status_code == 403
    c = client_for(admin_user)
    assert c.post(url, {"add_door": "", "d-name": "Main door", "d-identifier": "main"}).status_code == 302
    assert c.post(url, {"add_door": "", "d-name": "Bad", "d-identifier": "not a slug"}).status_code == 422
    door = Door.objects.get()
    response = c.post(url, {"add_controller": "", "c-name": "Lock 1"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    token = response.content.decode().split('torg-booking-token">')[1].split("<")[0]
    assert token.startswith("door_")
    controller = DoorController.objects.get()
    assert token not in controller.token_hash
    assert token not in c.get(url).content.decode()  # shown once
    body = json.dumps({"door": "main", "code": "12345678"})
    verify = {"data": body, "content_type": "application/json", "HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.post("/api/v1/booking/doors/verify", **verify).status_code == 200
    assert c.post(url, {"revoke": controller.pk}).status_code == 302
    assert client.post("/api/v1/booking/doors/verify", **verify).status_code == 401
    assert c.post(url, {"delete_door": door.pk}).status_code == 302
    assert not Door.objects.exists()


def test_employee_books_for_their_unit(client_for, tenant, employee, resource):
    from torg.accounts.models import Membership, OrgUnit

    unit = OrgUnit.objects.create(tenant=tenant, name="Helse", kind=OrgUnit.Kind.SECTOR)
    Membership.objects.filter(tenant=tenant, user=employee).update(org_unit=unit)
    c = client_for(employee)
    url = reverse("booking:booking_create", args=[resource.pk])
    assert "Book for my unit (Helse)" in c.get(url).content.decode()
    day = at(1, 10).date().isoformat()
    assert c.post(url, {"date": day, "start_time": "10:00", "end_time": "11:00", "for_unit": "on", "confirm": "1",
                        "idempotency_key": "u-1"}).status_code == 302
    booking = resource.bookings.get()
    assert booking.org_unit == unit and booking.actor_type == "unit"


@pytest.mark.parametrize("name", ["building_week", "doors"])
def test_other_tenants_buildings_are_not_found(client_for, other_admin, building, name):
    assert client_for(other_admin).get(reverse(f"booking:{name}", args=[building.pk])).status_code == 404
