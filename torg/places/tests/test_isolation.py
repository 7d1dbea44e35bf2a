"""Tenant isolation: a user of one municipality never sees, changes or learns of another's places.

Every object URL of tenant A answers 404 (not 403) to an administrator of tenant B, in the UI and
the API, and no list contains A's rows.
"""

import json

import pytest
from django.urls import reverse

from torg.core.models import AuditEvent
from torg.places.models import Building, Floor, Property, Room

pytestmark = pytest.mark.django_db


def _a_objects(building):
    floor = building.floors.get(level=0)
    room = floor.rooms.first()
    return building.property, building, floor, room


def _ui_urls(building):
    prop, b, floor, room = _a_objects(building)
    return [
        ("get", reverse("places:building_detail", args=[b.pk])),
        ("get", reverse("places:building_edit", args=[b.pk])),
        ("post", reverse("places:building_edit", args=[b.pk])),
        ("post", reverse("places:building_archive", args=[b.pk])),
        ("get", reverse("places:floor_create", args=[b.pk])),
        ("post", reverse("places:floor_create", args=[b.pk])),
        ("get", reverse("places:room_create", args=[b.pk])),
        ("post", reverse("places:room_create", args=[b.pk])),
        ("get", reverse("places:floor_edit", args=[floor.pk])),
        ("post", reverse("places:floor_edit", args=[floor.pk])),
        ("post", reverse("places:floor_archive", args=[floor.pk])),
        ("get", reverse("places:room_detail", args=[room.pk])),
        ("get", reverse("places:room_edit", args=[room.pk])),
        ("post", reverse("places:room_edit", args=[room.pk])),
        ("post", reverse("places:room_archive", args=[room.pk])),
        ("get", reverse("places:property_edit", args=[prop.pk])),
        ("post", reverse("places:property_edit", args=[prop.pk])),
        ("post", reverse("places:property_archive", args=[prop.pk])),
    ]


def _snapshot():
    return [list(m.objects.order_by("pk").values()) for m in (Property, Building, Floor, Room)]


@pytest.mark.parametrize("role", ["admin", "property_manager", "employee"])
def test_every_object_url_of_another_tenant_is_404(role, building, other_tenant, make_member, client_for):
    user = make_member(other_tenant, f"b_{role}", role)
    client = client_for(user)
    before, events = _snapshot(), AuditEvent.objects.count()
    prop, b, floor, room = _a_objects(building)
    readable_urls = {reverse("places:building_detail", args=[b.pk]), reverse("places:room_detail", args=[room.pk])}
    for method, url in _ui_urls(building):
        data = {"name": "Hacked", "number": "X", "level": "9", "gnr": "1", "bnr": "1"} if method == "post" else None
        response = getattr(client, method)(url, data)
        readable = method == "get" and url in readable_urls
        if role == "employee" and not readable:
            # An employee may not manage places at all: 403 before any object is looked up, so the
            # answer is the same whether or not the object exists.
            assert response.status_code == 403, (method, url)
        else:
            assert response.status_code == 404, (method, url, response.status_code)
    assert _snapshot() == before and AuditEvent.objects.count() == events


def test_employee_of_other_tenant_gets_404_on_readable_urls(building, other_tenant, make_member, client_for):
    client = client_for(make_member(other_tenant, "b_emp", "employee"))
    prop, b, floor, room = _a_objects(building)
    for url in (reverse("places:building_detail", args=[b.pk]), reverse("places:room_detail", args=[room.pk])):
        assert client.get(url).status_code == 404


def test_lists_and_search_never_show_another_tenants_rows(building, other_building, other_admin, client_for):
    client = client_for(other_admin)
    pages = [
        reverse("places:building_list"),
        reverse("places:building_list") + "?archived=1",
        reverse("places:room_list"),
        reverse("places:room_list") + f"?building={building.pk}",
        reverse("places:property_list"),
        reverse("places:search") + "?q=Test",
        reverse("places:search") + "?q=rom",
        reverse("web:dashboard"),
    ]
    links = [reverse("places:room_detail", args=[r.pk]) for r in building.rooms.all()]
    links.append(reverse("places:building_detail", args=[building.pk]))
    secrets = ["Testhuset", "Testgata"] + [f'href="{link}"' for link in links]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for secret in secrets:
            assert secret not in body, (url, secret)
    own = client.get(reverse("places:building_list")).content.decode()
    assert "Andrehuset" in own  # the check above would notice a link: B's own link is there
    assert f'href="{reverse("places:building_detail", args=[other_building.pk])}"' in own


# --- API ----------------------------------------------------------------------------------------
def _api_urls(building):
    prop, b, floor, room = _a_objects(building)
    return {
        f"/api/v1/places/properties/{prop.pk}": {"name": "Hacked"},
        f"/api/v1/places/buildings/{b.pk}": {"name": "Hacked"},
        f"/api/v1/places/floors/{floor.pk}": {"name": "Hacked"},
        f"/api/v1/places/rooms/{room.pk}": {"name": "Hacked"},
    }


def test_api_token_of_another_tenant_cannot_read_or_change(building, other_building, other_admin, other_tenant,
                                                           token_for, client):
    headers = token_for(other_admin, other_tenant)
    before = _snapshot()
    for url, patch in _api_urls(building).items():
        assert client.get(url, **headers).status_code == 404, url
        response = client.patch(url, json.dumps(patch), content_type="application/json", **headers)
        assert response.status_code == 404, url
    assert _snapshot() == before


def test_api_lists_never_include_another_tenants_rows(building, other_building, other_admin, other_tenant,
                                                      token_for, client):
    headers = token_for(other_admin, other_tenant)
    for path, names in [("properties", {"address"}), ("buildings", {"name"}), ("floors", {"id"}),
                        ("rooms", {"name"})]:
        data = client.get(f"/api/v1/places/{path}?include_archived=true", **headers).json()
        ids = {item["id"] for item in data["items"]}
        model = {"properties": Property, "buildings": Building, "floors": Floor, "rooms": Room}[path]
        assert ids == set(model.objects.filter(tenant=other_tenant).values_list("pk", flat=True)), path
        assert data["count"] == len(ids)
    # Filters naming tenant A's building return nothing rather than A's rows.
    assert client.get(f"/api/v1/places/rooms?building_id={building.pk}", **headers).json()["count"] == 0
    assert client.get(f"/api/v1/places/floors?building_id={building.pk}", **headers).json()["count"] == 0


def test_api_cannot_attach_to_another_tenants_parent(building, other_building, other_admin, other_tenant,
                                                     token_for, client):
    """Creating a building on A's property, a floor in A's building or a room on A's floor is 404."""
    headers = token_for(other_admin, other_tenant)
    prop, b, floor, room = _a_objects(building)
    own_room = Room.objects.get(tenant=other_tenant)
    cases = [
        ("post", "/api/v1/places/buildings", {"property_id": prop.pk, "name": "Snik"}),
        ("post", "/api/v1/places/floors", {"building_id": b.pk, "level": 5}),
        ("post", "/api/v1/places/rooms", {"floor_id": floor.pk, "number": "S.01"}),
        ("patch", f"/api/v1/places/rooms/{own_room.pk}", {"floor_id": floor.pk}),
        ("patch", f"/api/v1/places/buildings/{other_building.pk}", {"property_id": prop.pk}),
    ]
    before = _snapshot()
    for method, url, payload in cases:
        response = getattr(client, method)(url, json.dumps(payload), content_type="application/json", **headers)
        assert response.status_code == 404, (method, url, response.status_code)
    assert _snapshot() == before


def test_session_of_member_of_two_tenants_sees_only_the_active_one(building, other_building, other_tenant,
                                                                   admin_user, client_for):
    """A person in two municipalities works in one at a time; the API follows the active tenant."""
    from torg.accounts.models import Membership

    Membership.objects.create(tenant=other_tenant, user=admin_user, role="employee")
    client = client_for(admin_user)
    names = {b["name"] for b in client.get("/api/v1/places/buildings").json()["items"]}
    assert names == {"Testhuset"}
    client.post(reverse("accounts:switch_tenant"), {"tenant": other_tenant.pk})
    names = {b["name"] for b in client.get("/api/v1/places/buildings").json()["items"]}
    assert names == {"Andrehuset"}
    assert client.get(reverse("places:building_detail", args=[building.pk])).status_code == 404
    # The employee role in B does not inherit the admin role of A.
    assert client.get(reverse("places:building_create")).status_code == 403
