"""The places API: OpenAPI document, token and session auth, CRUD, 422 details, pagination."""

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from torg.accounts.models import ApiToken
from torg.core.models import AuditEvent
from torg.places.models import Building, Floor, Property, Room

pytestmark = pytest.mark.django_db
API = "/api/v1/places"


def send(client, method, url, payload=None, **headers):
    return getattr(client, method)(url, json.dumps(payload or {}), content_type="application/json", **headers)


def test_openapi_document_lists_the_places_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    paths = doc["paths"]
    for path in ("properties", "buildings", "floors", "rooms"):
        assert set(paths[f"{API}/{path}"]) == {"get", "post"}, path
        assert set(paths[f"{API}/{path}/{{pk}}"]) == {"get", "patch"}, path
    schemes = doc["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}


def test_api_docs_page_loads_its_swagger_ui_from_our_own_static_files(client):
    """No CDN at run time: the CSP would block it and the page would stay blank."""
    import re

    from django.contrib.staticfiles import finders

    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', response.content.decode())
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets), assets
    for asset in assets:
        assert asset.startswith(settings.STATIC_URL), asset
        assert finders.find(asset.removeprefix(settings.STATIC_URL)), asset


# --- Token auth -----------------------------------------------------------------------------
def test_token_created_on_profile_page_works_until_revoked(tenant, building, employee, client_for):
    browser = client_for(employee)
    response = browser.post(reverse("accounts:api_token_create"), {"name": "Rapport", "expires_at": ""})
    assert response.status_code == 302
    secret = browser.session["torg_new_token"]
    page = browser.get(reverse("accounts:profile")).content.decode()
    assert secret in page  # shown once ...
    assert secret not in browser.get(reverse("accounts:profile")).content.decode()  # ... and only once
    token = ApiToken.objects.get(user=employee)
    assert token.key_hash == ApiToken.hash_key(secret) and secret not in token.key_hash

    api = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    response = api.get(f"{API}/buildings", **headers)
    assert response.status_code == 200 and response.json()["count"] == 1
    token.refresh_from_db()
    assert token.last_used_at is not None

    response = browser.post(reverse("accounts:api_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert api.get(f"{API}/buildings", **headers).status_code == 401
    assert AuditEvent.objects.filter(object_type="accounts.apitoken", action="api_token_revoke", actor=employee).exists()


def test_token_with_expiry_date_from_profile_page(tenant, employee, client_for):
    browser = client_for(employee)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    browser.post(reverse("accounts:api_token_create"), {"name": "Kort", "expires_at": tomorrow})
    token = ApiToken.objects.get(user=employee)
    assert timezone.localtime(token.expires_at).date().isoformat() == tomorrow


def test_expired_token_is_401(tenant, building, employee, token_for, client):
    headers = token_for(employee, tenant, expires_at=timezone.now() + timedelta(days=1))
    assert client.get(f"{API}/buildings", **headers).status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(f"{API}/buildings", **headers).status_code == 401


@pytest.mark.parametrize("header", ["Bearer torg_wrong", "Bearer ", "Token abc", "Bearer not-a-torg-token"])
def test_bad_tokens_are_401(header, building, client):
    assert client.get(f"{API}/buildings", HTTP_AUTHORIZATION=header).status_code == 401


def test_token_stops_working_when_membership_or_user_is_deactivated(tenant, building, employee, token_for, client):
    headers = token_for(employee, tenant)
    assert client.get(f"{API}/buildings", **headers).status_code == 200
    employee.memberships.update(is_active=False)
    assert client.get(f"{API}/buildings", **headers).status_code == 401
    employee.memberships.update(is_active=True)
    employee.is_active = False
    employee.save()
    assert client.get(f"{API}/buildings", **headers).status_code == 401


def test_revoking_another_users_token_is_404(tenant, employee, admin_user, token_for, client_for):
    token_for(employee, tenant)
    token = ApiToken.objects.get(user=employee)
    response = client_for(admin_user).post(reverse("accounts:api_token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


# --- Session auth and CSRF ------------------------------------------------------------------
def test_session_auth_requires_csrf_on_unsafe_methods(tenant, building, admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(f"{API}/buildings").status_code == 200
    payload = {"gnr": 50, "bnr": 1}
    assert send(client, "post", f"{API}/properties", payload).status_code == 403
    assert send(client, "patch", f"{API}/buildings/{building.pk}", {"name": "Uten CSRF"}).status_code == 403
    assert not Property.objects.filter(gnr=50).exists()
    building.refresh_from_db()
    assert building.name == "Testhuset"

    client.get(reverse("places:building_list"))  # sets the CSRF cookie, as a page load does
    csrf = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = send(client, "post", f"{API}/properties", payload, HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 201
    response = send(client, "patch", f"{API}/buildings/{building.pk}", {"name": "Med CSRF"}, HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 200 and response.json()["name"] == "Med CSRF"


def test_token_auth_needs_no_csrf(tenant, admin_user, token_for):
    client = Client(enforce_csrf_checks=True)
    response = send(client, "post", f"{API}/properties", {"gnr": 51, "bnr": 1}, **token_for(admin_user, tenant))
    assert response.status_code == 201


def test_session_without_membership_is_401(tenant, building, db):
    from torg.accounts.models import User

    lonely = User.objects.create_user("lonely", password="x" * 12)
    client = Client()
    client.force_login(lonely, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(f"{API}/buildings").status_code == 401


# --- CRUD -----------------------------------------------------------------------------------
@pytest.fixture
def api(tenant, property_manager, token_for):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    headers = token_for(property_manager, tenant)

    def call(method, url, payload=None):
        if method == "get":
            return client.get(url, **headers)
        return send(client, method, url, payload, **headers)

    return call


def test_create_get_update_the_whole_hierarchy(api, tenant, property_manager):
    r = api("post", f"{API}/properties", {"gnr": 12, "bnr": 345, "address": "Rådhusgata 1"})
    assert r.status_code == 201
    prop = r.json()
    assert prop["cadastre"] == "12/345" and prop["fnr"] == 0

    r = api("post", f"{API}/buildings", {"property_id": prop["id"], "name": "Rådhuset", "building_number": "300123456",
                                         "gross_area": "37700.0", "use": "office", "strategic_category": "A"})
    assert r.status_code == 201
    building = r.json()
    assert building["property_id"] == prop["id"] and float(building["gross_area"]) == 37700

    r = api("post", f"{API}/floors", {"building_id": building["id"], "level": 0, "name": "Innbyggertorg"})
    assert r.status_code == 201
    floor = r.json()

    r = api("post", f"{API}/rooms", {"floor_id": floor["id"], "number": "0.012", "name": "Fjorden",
                                     "net_area": 24.5, "capacity": 10, "function": "meeting"})
    assert r.status_code == 201
    room = r.json()
    assert room["building_id"] == building["id"] and room["floor_id"] == floor["id"]

    for path, obj in (("properties", prop), ("buildings", building), ("floors", floor), ("rooms", room)):
        r = api("get", f"{API}/{path}/{obj['id']}")
        assert r.status_code == 200 and r.json()["id"] == obj["id"]

    r = api("patch", f"{API}/rooms/{room['id']}", {"capacity": 12, "name": "Fjorden stor"})
    assert r.status_code == 200 and r.json()["capacity"] == 12
    assert Room.objects.get(pk=room["id"]).name == "Fjorden stor"
    event = AuditEvent.objects.filter(object_type="places.room", action="room_update").get()
    assert event.actor == property_manager
    assert event.changes == {"capacity": [10, 12], "name": ["Fjorden", "Fjorden stor"]}

    r = api("patch", f"{API}/floors/{floor['id']}", {"name": "Torget"})
    assert r.status_code == 200 and r.json()["name"] == "Torget"
    r = api("patch", f"{API}/properties/{prop['id']}", {"postal_code": "9000"})
    assert r.status_code == 200 and r.json()["postal_code"] == "9000"
    r = api("patch", f"{API}/buildings/{building['id']}", {"archived": True})
    assert r.status_code == 200 and r.json()["archived"] is True
    assert AuditEvent.objects.filter(object_type="places.building", action="building_archive").exists()


def test_patch_with_an_unchanged_decimal_records_no_change(api, building):
    room = Room.objects.get(number="0.01")  # net area 20.0
    r = api("patch", f"{API}/rooms/{room.pk}", {"net_area": 20})
    assert r.status_code == 200
    assert not AuditEvent.objects.filter(object_type="places.room", object_id=str(room.pk), action="room_update").exists()


def test_null_fnr_snr_never_reach_the_database_as_null(api, building):
    r = api("post", f"{API}/properties", {"gnr": 60, "bnr": 1, "fnr": None})
    assert r.status_code == 422  # refused by the schema, not a server error
    r = api("patch", f"{API}/properties/{building.property_id}", {"fnr": None})
    assert r.status_code == 200 and r.json()["fnr"] == 0


def test_moving_a_room_to_another_floor_of_the_building(api, building):
    room = Room.objects.get(number="0.02")
    upper = building.floors.get(level=1)
    r = api("patch", f"{API}/rooms/{room.pk}", {"floor_id": upper.pk})
    assert r.status_code == 200 and r.json()["floor_id"] == upper.pk
    room.refresh_from_db()
    assert room.floor == upper and room.building == building


@pytest.mark.parametrize("method, path, payload, field", [
    ("post", "buildings", {"name": "X", "year_built": 850}, "year_built"),
    ("post", "buildings", {"name": "X", "strategic_category": "Z"}, "strategic_category"),
    ("post", "buildings", {"name": "X", "building_number": "1001"}, "__all__"),
    ("post", "floors", {"level": 1}, "__all__"),
    ("post", "floors", {"level": 999}, "level"),
    ("post", "rooms", {"number": "0.01"}, "__all__"),
    ("post", "rooms", {"number": "", "net_area": -1}, "number"),
    ("post", "properties", {"gnr": 1, "bnr": 1}, "__all__"),
    ("post", "properties", {"gnr": 0, "bnr": 1}, "gnr"),
    ("patch", "rooms", {"number": "0.02"}, "__all__"),
    ("patch", "buildings", {"year_built": 3000}, "year_built"),
])
def test_invalid_data_is_422_with_field_details(method, path, payload, field, api, building):
    payload = dict(payload)
    room = Room.objects.get(number="0.01")
    if method == "post":
        payload.setdefault({"buildings": "property_id", "floors": "building_id", "rooms": "floor_id"}.get(path, "_"),
                           {"buildings": building.property_id, "floors": building.pk,
                            "rooms": room.floor_id}.get(path))
        payload.pop("_", None)
        url = f"{API}/{path}"
    else:
        url = f"{API}/{path}/{room.pk if path == 'rooms' else building.pk}"
    before = (Property.objects.count(), Building.objects.count(), Floor.objects.count(), Room.objects.count(),
              list(Room.objects.values()), list(Building.objects.values()))
    r = api(method, url, payload)
    assert r.status_code == 422, r.content
    detail = r.json()["detail"]
    assert field in detail and detail[field], detail
    assert before == (Property.objects.count(), Building.objects.count(), Floor.objects.count(),
                      Room.objects.count(), list(Room.objects.values()), list(Building.objects.values()))


def test_wrong_types_are_422(api, building):
    r = api("post", f"{API}/floors", {"building_id": building.pk, "level": "ground"})
    assert r.status_code == 422
    r = api("post", f"{API}/rooms", {"floor_id": building.floors.first().pk, "number": "9", "function": "sofa"})
    assert r.status_code == 422


def test_unknown_object_is_404(api, building):
    assert api("get", f"{API}/buildings/999999").status_code == 404
    assert api("patch", f"{API}/rooms/999999", {"name": "x"}).status_code == 404
    assert api("post", f"{API}/floors", {"building_id": 999999, "level": 3}).status_code == 404


def test_pagination_with_limit_offset_and_count(api, tenant, admin_user, building):
    from torg.places import services

    floor = building.floors.get(level=1)
    for i in range(12):
        services.room_create(actor=admin_user, tenant=tenant, floor=floor, number=f"2.{i:02d}")
    r = api("get", f"{API}/rooms?limit=5&offset=0")
    data = r.json()
    assert data["count"] == 15 and len(data["items"]) == 5
    seen = [i["id"] for i in data["items"]]
    for offset in (5, 10):
        seen += [i["id"] for i in api("get", f"{API}/rooms?limit=5&offset={offset}").json()["items"]]
    assert len(seen) == len(set(seen)) == 15
    assert api("get", f"{API}/rooms?limit=5&offset=15").json()["items"] == []
    r = api("get", f"{API}/rooms?q=2.0&limit=100")
    assert r.json()["count"] == 10
    r = api("get", f"{API}/rooms?building_id={building.pk}&min_capacity=20")
    assert [i["number"] for i in r.json()["items"]] == ["1.01"]


def test_list_filters(api, building):
    assert api("get", f"{API}/buildings?use=office").json()["count"] == 1
    assert api("get", f"{API}/buildings?use=school").json()["count"] == 0
    assert api("get", f"{API}/buildings?category=A").json()["count"] == 1
    assert api("get", f"{API}/properties?q=1/1").json()["count"] == 1
    assert api("get", f"{API}/floors?building_id={building.pk}").json()["count"] == 2


def test_patch_is_all_or_nothing(api, building):
    """A PATCH that changes fields and archives in one go writes nothing when archiving is refused."""
    prop_id = building.property_id
    events = AuditEvent.objects.count()
    r = api("patch", f"{API}/properties/{prop_id}", {"name": "Nytt navn", "archived": True})
    assert r.status_code == 422
    assert "Archive the property's buildings first." in r.json()["detail"]["__all__"]
    assert Property.objects.get(pk=prop_id).name == "" and AuditEvent.objects.count() == events
    floor = building.floors.get(level=0)
    r = api("patch", f"{API}/floors/{floor.pk}", {"name": "Kjeller", "archived": True})
    assert r.status_code == 422
    floor.refresh_from_db()
    assert floor.name == "" and not floor.archived and AuditEvent.objects.count() == events


@pytest.mark.parametrize("data, message", [
    ({"name": ""}, "This field is required."),
    ({"name": "Gammel", "expires_at": "2001-01-01"}, "The expiry date has passed"),
])
def test_token_form_errors_are_shown_and_nothing_created(data, message, tenant, employee, client_for):
    browser = client_for(employee)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = browser.post(reverse("accounts:api_token_create"), data, follow=True)
    assert message in response.content.decode()
    assert not ApiToken.objects.exists()
