"""The reuse API: OpenAPI paths, list/get/create/update, status change, move, permissions, isolation."""

import json

import pytest

from torg.core.models import AuditEvent
from torg.reuse.models import Item

pytestmark = pytest.mark.django_db
API = "/api/v1/reuse"


def send(client, method, url, payload=None):
    return getattr(client, method)(url, json.dumps(payload or {}), content_type="application/json")


def test_openapi_lists_reuse_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert set(paths[f"{API}/items"]) == {"get", "post"}
    assert set(paths[f"{API}/items/{{pk}}"]) == {"get", "patch"}
    assert set(paths[f"{API}/products"]) == {"get", "post"}
    assert f"{API}/items/status" in paths and f"{API}/items/move" in paths


def test_product_and_items_crud_status_and_move(client_for, admin_user, category, rooms, building):
    c = client_for(admin_user)
    r = send(c, "post", f"{API}/products", {"category_id": category.pk, "manufacturer": "Savo", "model_name": "Ikon",
                                            "colour": "Blå", "new_price_nok": "4200"})
    assert r.status_code == 201, r.content
    product_id = r.json()["id"]
    # only the product's own CO2e (none given); the category's default factor is in the impact library
    assert r.json()["co2e_kg"] is None and r.json()["weight_kg"] == "12.00"
    r = send(c, "post", f"{API}/items", {"product_id": product_id, "room_id": rooms["0.01"].pk, "count": 3,
                                         "placement_text": "rad 2"})
    assert r.status_code == 201, r.content
    ids = [i["id"] for i in r.json()]
    assert len(ids) == 3 and r.json()[0]["building_id"] == building.pk
    r = c.get(f"{API}/items?q=rad 2&building_id={building.pk}")
    assert r.json()["count"] == 3
    r = send(c, "patch", f"{API}/items/{ids[0]}", {"condition": 3, "damage_description": "Revet trekk"})
    assert r.status_code == 200 and r.json()["condition"] == 3
    r = send(c, "post", f"{API}/items/status", {"item_ids": ids, "to_status": "for_repair", "comment": "API"})
    assert r.status_code == 200 and len(r.json()["changed"]) == 3
    r = send(c, "post", f"{API}/items/status", {"item_ids": ids, "to_status": "disposed"})
    assert r.status_code == 422 and "M-000001" in r.json()["detail"]["status"][0]
    r = send(c, "post", f"{API}/items/status", {"item_ids": ids, "to_status": "listed"})  # the marketplace's
    assert r.status_code == 422 and not Item.objects.filter(status="listed").exists()  # see test_machine.py
    r = send(c, "post", f"{API}/items/move", {"item_ids": ids[:2], "room_id": rooms["1.01"].pk, "comment": "flytt"})
    assert r.status_code == 200 and {i["room_id"] for i in r.json()["changed"]} == {rooms["1.01"].pk}
    assert AuditEvent.objects.filter(object_type="reuse.item", action="item_move", comment="flytt").count() == 2
    item = Item.objects.get(pk=ids[0])
    assert c.get(f"{API}/codes/{item.code.lower()}").json()["id"] == item.pk


def test_observer_may_read_but_not_write(client_for, employee, make_items, product):
    item = make_items()[0]
    c = client_for(employee)
    assert c.get(f"{API}/items").json()["count"] == 1
    assert c.get(f"{API}/items/{item.pk}").status_code == 200
    assert send(c, "post", f"{API}/items", {"product_id": product.pk}).status_code == 403
    assert send(c, "patch", f"{API}/items/{item.pk}", {"condition": 0}).status_code == 403
    assert send(c, "post", f"{API}/items/status", {"item_ids": [item.pk], "to_status": "available"}).status_code == 403


def test_other_tenant_objects_are_404(client_for, other_admin, make_items, product, rooms):
    item = make_items()[0]
    c = client_for(other_admin)
    assert c.get(f"{API}/items/{item.pk}").status_code == 404
    assert c.get(f"{API}/codes/{item.code}").status_code == 404
    assert c.get(f"{API}/items").json()["count"] == 0
    assert send(c, "patch", f"{API}/items/{item.pk}", {"condition": 0}).status_code == 404
    assert send(c, "post", f"{API}/items/status", {"item_ids": [item.pk], "to_status": "available"}).status_code \
        == 404
    assert send(c, "post", f"{API}/items", {"product_id": product.pk}).status_code == 404
    item.refresh_from_db()
    assert item.status == "in_use" and item.condition == 1
