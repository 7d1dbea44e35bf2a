"""Permission denial per role, in the UI and the API (same rules in both)."""

import json

import pytest
from django.urls import reverse

from torg.places.models import Building

pytestmark = pytest.mark.django_db

ROLES = ["admin", "property_manager", "employee", "association", "citizen"]
CAN_VIEW = {"admin", "property_manager", "employee"}
CAN_MANAGE = {"admin", "property_manager"}


@pytest.fixture
def member(tenant, make_member, request):
    return make_member(tenant, f"u_{request.param}", request.param)


def _view_urls(building):
    room = building.rooms.first()
    return [
        reverse("places:building_list"),
        reverse("places:building_detail", args=[building.pk]),
        reverse("places:room_list"),
        reverse("places:room_detail", args=[room.pk]),
        reverse("places:property_list"),
        reverse("places:search") + "?q=Test",
    ]


def _manage_urls(building):
    floor = building.floors.first()
    room = building.rooms.first()
    return [
        reverse("places:building_create"),
        reverse("places:building_edit", args=[building.pk]),
        reverse("places:floor_create", args=[building.pk]),
        reverse("places:floor_edit", args=[floor.pk]),
        reverse("places:room_create", args=[building.pk]),
        reverse("places:room_edit", args=[room.pk]),
        reverse("places:property_create"),
        reverse("places:property_edit", args=[building.property_id]),
        reverse("places:import"),
        reverse("places:import_template"),
    ]


@pytest.mark.parametrize("member", ROLES, indirect=True)
def test_ui_pages_per_role(member, building, client_for):
    client = client_for(member)
    role = member.memberships.get().role
    for url in _view_urls(building):
        assert client.get(url).status_code == (200 if role in CAN_VIEW else 403), url
    for url in _manage_urls(building):
        assert client.get(url).status_code == (200 if role in CAN_MANAGE else 403), url


@pytest.mark.parametrize("member", [r for r in ROLES if r not in CAN_MANAGE], indirect=True)
def test_ui_writes_refused_without_manage_permission(member, building, client_for):
    client = client_for(member)
    floor = building.floors.first()
    room = building.rooms.first()
    posts = [
        (reverse("places:building_create"), {"property": building.property_id, "name": "Nytt", "use": "office"}),
        (reverse("places:building_edit", args=[building.pk]), {"property": building.property_id, "name": "X",
                                                                "use": "office"}),
        (reverse("places:building_archive", args=[building.pk]), {}),
        (reverse("places:floor_create", args=[building.pk]), {"level": 5}),
        (reverse("places:floor_archive", args=[floor.pk]), {}),
        (reverse("places:room_create", args=[building.pk]), {"floor": floor.pk, "number": "9", "function": "other"}),
        (reverse("places:room_archive", args=[room.pk]), {}),
        (reverse("places:property_create"), {"gnr": 5, "bnr": 5}),
        (reverse("places:import_confirm"), {"token": "x"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    building.refresh_from_db()
    assert building.name == "Testhuset" and not building.archived
    assert Building.objects.count() == 1


def test_anonymous_is_sent_to_login(building, client):
    response = client.get(reverse("places:building_list"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert client.get("/api/v1/places/buildings").status_code == 401


@pytest.mark.parametrize("member", ROLES, indirect=True)
def test_api_per_role(member, tenant, building, token_for, client):
    headers = token_for(member, tenant)
    role = member.memberships.get().role
    view = 200 if role in CAN_VIEW else 403
    manage_ok = role in CAN_MANAGE
    for path in ("properties", "buildings", "floors", "rooms"):
        assert client.get(f"/api/v1/places/{path}", **headers).status_code == view, path
    assert client.get(f"/api/v1/places/buildings/{building.pk}", **headers).status_code == view
    response = client.post("/api/v1/places/properties", json.dumps({"gnr": 40, "bnr": 2}),
                           content_type="application/json", **headers)
    assert response.status_code == (201 if manage_ok else 403)
    response = client.patch(f"/api/v1/places/buildings/{building.pk}", json.dumps({"name": "Omdøpt"}),
                            content_type="application/json", **headers)
    assert response.status_code == (200 if manage_ok else 403)
    building.refresh_from_db()
    assert building.name == ("Omdøpt" if manage_ok else "Testhuset")
