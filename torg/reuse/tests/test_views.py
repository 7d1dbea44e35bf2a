import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from PIL import Image

from torg.reuse import services
from torg.core.models import AuditEvent
from torg.reuse.models import Item, ItemPhoto, Label, Status

pytestmark = pytest.mark.django_db


def _png():
    buf = io.BytesIO()
    Image.new("RGB", (800, 600), (10, 120, 200)).save(buf, "PNG")
    buf.seek(0)
    buf.name = "bilde.png"
    return buf


def test_overview_per_location_and_building(client_for, employee, make_items, building):
    make_items(count=3)
    c = client_for(employee)
    body = c.get(reverse("reuse:overview")).content.decode()
    assert "Testhuset" in body and 'data-testid="overview-groups"' in body
    r = c.get(reverse("reuse:overview") + f"?building={building.pk}")
    assert r.status_code == 200 and "Møterom" in r.content.decode()


def test_overview_of_other_tenants_building_is_404(client_for, employee, other_building):
    r = client_for(employee).get(reverse("reuse:overview") + f"?building={other_building.pk}")
    assert r.status_code == 404


def test_citizen_cannot_see_reuse(client_for, citizen):
    assert client_for(citizen).get(reverse("reuse:overview")).status_code == 403


def test_register_n_identical_items_over_http_with_sticky_location(client_for, admin_user, building, rooms,
                                                                   category, media):
    c = client_for(admin_user)
    data = {"building": building.pk, "room": rooms["0.02"].pk, "placement_text": "langs veggen",
            "category": category.pk, "manufacturer": "Kinnarps", "model_name": "Capella", "colour": "Grå",
            "condition": 1, "status": "in_use", "count": 6, "photo": _png()}
    r = c.post(reverse("reuse:item_register"), data)
    assert r.status_code == 302, r.content.decode()[:3000]
    items = list(Item.objects.order_by("number"))
    assert len(items) == 6 and {i.room_id for i in items} == {rooms["0.02"].pk}
    assert {i.product_id for i in items} == {items[0].product_id}
    assert ItemPhoto.objects.count() == 6
    # the next form keeps building, room and category
    form = c.get(reverse("reuse:item_register")).content.decode()
    assert f'<option value="{rooms["0.02"].pk}" selected>' in form
    assert f'<option value="{category.pk}" selected>' in form
    # same product again → no new product
    data.pop("photo")
    data["count"] = 1
    c.post(reverse("reuse:item_register"), data)
    assert Item.objects.values("product").distinct().count() == 1


def test_register_with_bad_claim_code_shows_error_and_writes_nothing(client_for, admin_user, building, category):
    r = client_for(admin_user).post(reverse("reuse:item_register"), {
        "building": building.pk, "category": category.pk, "condition": 0, "status": "in_use", "count": 1,
        "claim_code": "0000-0000-0000"})
    assert r.status_code == 422
    assert "Det finnes ingen forhåndstrykt etikett med denne koden." in r.content.decode()
    assert not Item.objects.exists()


def test_observer_cannot_register(client_for, employee):
    assert client_for(employee).get(reverse("reuse:item_register")).status_code == 403


def test_list_filters_search_placement_and_export(client_for, employee, make_items, admin_user):
    make_items(count=2, placement_text="Ved kopimaskinen")
    other = make_items(count=1, room="1.01")
    services.item_change_status(actor=admin_user, items=other, to_status=Status.FOR_REPAIR)
    c = client_for(employee)
    body = c.get(reverse("reuse:item_list") + "?q=kopimaskin").content.decode()
    assert "M-000001" in body and "M-000003" not in body
    body = c.get(reverse("reuse:item_list") + "?status=for_repair").content.decode()
    assert "M-000003" in body and "M-000001" not in body
    r = c.get(reverse("reuse:item_list") + "?export=xlsx&q=kopimaskin")
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "number" and len(rows) == 3
    r = c.get(reverse("reuse:item_list") + "?export=csv")
    assert r.content.decode("utf-8-sig").count("\n") == 4


def test_item_detail_history_and_other_tenant_404(client_for, employee, other_admin, make_items):
    item = make_items()[0]
    c = client_for(employee)
    r = c.get(reverse("reuse:item_detail", args=[item.pk]))
    assert r.status_code == 200 and item.number in r.content.decode()
    c2 = client_for(other_admin)
    assert c2.get(reverse("reuse:item_detail", args=[item.pk])).status_code == 404
    assert c2.get(reverse("reuse:item_edit", args=[item.pk])).status_code == 404


def test_edit_from_phone_changes_condition_place_status_and_photo(client_for, admin_user, make_items, building,
                                                                 rooms, media):
    item = make_items()[0]
    r = client_for(admin_user).post(reverse("reuse:item_edit", args=[item.pk]), {
        "condition": 3, "damage_description": "Ødelagt hjul", "status": "for_repair", "building": building.pk,
        "room": rooms["1.01"].pk, "placement_text": "hjørnet", "comment": "sjekket", "photo": _png()})
    assert r.status_code == 302, r.content.decode()[:2000]
    item.refresh_from_db()
    assert (item.condition, item.status, item.room_id, item.placement_text) == (3, "for_repair", rooms["1.01"].pk,
                                                                               "hjørnet")
    actions = set(AuditEvent.objects.filter(object_type="reuse.item", object_id=str(item.pk)).values_list("action", flat=True))
    assert actions == {"item_create", "item_edit", "item_move", "item_mark_for_repair", "item_photo_add"}


def test_bulk_status_and_move(client_for, admin_user, make_items, building, rooms):
    items = make_items(count=3)
    c = client_for(admin_user)
    ids = [i.pk for i in items]
    r = c.post(reverse("reuse:bulk"), {"item": ids, "action": "status"})
    assert r.status_code == 200 and "M-000002" in r.content.decode()
    r = c.post(reverse("reuse:bulk"), {"item": ids, "action": "status", "confirm": "1",
                                       "to_status": "for_relocation", "comment": "Til nytt rådhus"})
    assert r.status_code == 302
    assert Item.objects.filter(status="for_relocation").count() == 3
    r = c.post(reverse("reuse:bulk"), {"item": ids, "action": "status", "confirm": "1", "to_status": "disposed"})
    assert r.status_code == 422 and "M-000001" in r.content.decode()
    assert Item.objects.filter(status="for_relocation").count() == 3
    # "ordered" is the marketplace's: not offered, refused when forged
    assert 'value="ordered"' not in c.post(reverse("reuse:bulk"), {"item": ids, "action": "status"}).content.decode()
    r = c.post(reverse("reuse:bulk"), {"item": ids, "action": "status", "confirm": "1", "to_status": "ordered"})
    assert r.status_code == 422 and Item.objects.filter(status="ordered").count() == 0
    r = c.post(reverse("reuse:bulk"), {"item": ids, "action": "move", "confirm": "1", "building": building.pk,
                                       "room": rooms["1.01"].pk, "placement_text": "", "comment": ""})
    assert r.status_code == 302
    assert Item.objects.filter(room=rooms["1.01"]).count() == 3


def test_bulk_ignores_other_tenants_items(client_for, other_admin, make_items):
    items = make_items(count=2)
    r = client_for(other_admin).post(reverse("reuse:bulk"), {"item": [i.pk for i in items], "action": "status",
                                                             "confirm": "1", "to_status": "available"})
    assert r.status_code == 302
    assert not Item.objects.filter(status="available").exists()


def test_observer_cannot_bulk_change(client_for, employee, make_items):
    items = make_items(count=1)
    r = client_for(employee).post(reverse("reuse:bulk"), {"item": [items[0].pk], "action": "status",
                                                          "confirm": "1", "to_status": "available"})
    assert r.status_code == 403


def test_qr_url_resolves_after_login(client, client_for, employee, make_items):
    item = make_items()[0]
    url = reverse("qr_resolve", args=[item.code])
    assert url == f"/q/{item.code}"
    r = client.get(url)
    assert r.status_code == 302 and "/accounts/login/" in r["Location"] and "next=/q/" in r["Location"]
    c = client_for(employee)
    r = c.get(f"/q/{item.code.lower()}")
    assert r.status_code == 302 and r["Location"] == reverse("reuse:item_detail", args=[item.pk])


def test_qr_unknown_and_other_tenant_codes_are_404(client_for, other_admin, employee, make_items, other_item):
    item = make_items()[0]
    assert client_for(other_admin).get(f"/q/{item.code}").status_code == 404
    c = client_for(employee)
    assert c.get(f"/q/{other_item.code}").status_code == 404
    assert c.get("/q/ZZZZZZZZZZZZ").status_code == 404
    assert c.get("/q/not-a-code!").status_code == 404


def test_qr_of_unclaimed_label_opens_registration(client_for, admin_user, tenant):
    label = services.label_batch_create(actor=admin_user, tenant=tenant, count=1)[0]
    r = client_for(admin_user).get(f"/q/{label.code}")
    assert r.status_code == 302 and r["Location"].endswith(f"?claim={label.code}")


def test_scan_page_typed_code(client_for, employee, make_items):
    item = make_items()[0]
    c = client_for(employee)
    r = c.get(reverse("reuse:scan"))
    assert r.status_code == 200 and "qr-scanner.umd.min.js" in r.content.decode()
    code = item.code[:4].lower() + "-" + item.code[4:]
    r = c.get(reverse("reuse:scan") + f"?code={code}")
    assert r.status_code == 302 and r["Location"] == reverse("reuse:resolve", args=[item.code])
    r = c.get(reverse("reuse:scan") + f"?code=https://x.example/q/{item.code}")
    assert r["Location"] == reverse("reuse:resolve", args=[item.code])
    r = c.get(reverse("reuse:scan") + "?code=!!!")
    assert r.status_code == 200 and 'aria-invalid="true"' in r.content.decode()


def test_room_options_only_for_own_tenant(client_for, employee, building, other_building):
    c = client_for(employee)
    assert "0.01" in c.get(reverse("reuse:room_options") + f"?building={building.pk}").content.decode()
    assert "9.99" not in c.get(reverse("reuse:room_options") + f"?building={other_building.pk}").content.decode()


def test_label_batch_page(client_for, admin_user, tenant):
    c = client_for(admin_user)
    assert c.get(reverse("reuse:labels")).status_code == 200
    r = c.post(reverse("reuse:labels"), {"count": 5, "layout": "2x7"})
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert Label.objects.filter(tenant=tenant, item__isnull=True).count() == 5


def test_admin_assigns_location_manager_role(client_for, admin_user, employee, building, tenant):
    from torg.accounts.models import Membership

    c = client_for(admin_user)
    r = c.get(reverse("reuse:roles"))
    assert r.status_code == 200 and "Ansatt Test" in r.content.decode()
    membership = Membership.objects.get(user=employee)
    r = c.post(reverse("reuse:role_edit", args=[membership.pk]), {"role": "location_manager"})
    assert r.status_code == 422  # needs buildings
    r = c.post(reverse("reuse:role_edit", args=[membership.pk]),
               {"role": "location_manager", "buildings": [building.pk]})
    assert r.status_code == 302
    from torg.accounts.models import User

    fresh = User.objects.get(pk=employee.pk)
    assert fresh.has_perm("reuse.move_items", building)


def test_only_admin_manages_roles(client_for, property_manager, other_admin, employee):
    from torg.accounts.models import Membership

    assert client_for(property_manager).get(reverse("reuse:roles")).status_code == 403
    membership = Membership.objects.get(user=employee)
    assert client_for(other_admin).get(reverse("reuse:role_edit", args=[membership.pk])).status_code == 404


def test_register_component_of_an_item(client_for, admin_user, building, make_items):
    from torg.reuse.models import Category

    desk = make_items()[0]
    frame = Category.objects.get(tenant=desk.tenant, key="desk_frame")
    c = client_for(admin_user)
    base = {"building": building.pk, "category": frame.pk, "condition": 1, "status": "in_use", "count": 1}
    r = c.post(reverse("reuse:item_register"), {**base, "parent": "M-999999"})
    assert r.status_code == 422
    r = c.post(reverse("reuse:item_register"), {**base, "parent": "1"})
    assert r.status_code == 302
    assert list(desk.components.values_list("product__category__key", flat=True)) == ["desk_frame"]


def test_product_list_and_edit(client_for, admin_user, employee, product, make_items):
    make_items(count=2)
    c = client_for(employee)
    r = c.get(reverse("reuse:product_list"))
    assert r.status_code == 200 and "Capisco" in r.content.decode()
    assert c.get(reverse("reuse:product_edit", args=[product.pk])).status_code == 403
    r = client_for(admin_user).post(reverse("reuse:product_edit", args=[product.pk]), {
        "category": product.category_id, "manufacturer": "HÅG", "model_name": "Capisco 8106", "colour": "Black",
        "co2e_kg": "100", "co2e_source": "EPD NEPD-467-327-EN"})
    assert r.status_code == 302
    product.refresh_from_db()
    assert product.co2e_kg == 100 and product.model_name == "Capisco 8106"
    body = client_for(admin_user).get(reverse("reuse:item_list") + f"?product={product.pk}").content.decode()
    assert "M-000002" in body


def test_product_of_other_tenant_is_404(client_for, other_admin, product):
    assert client_for(other_admin).get(reverse("reuse:product_edit", args=[product.pk])).status_code == 404


def test_overview_filters_by_category_and_status(client_for, employee, make_items, admin_user, tenant):
    from torg.reuse.models import Category

    chairs = make_items(count=3)
    services.item_change_status(actor=admin_user, items=chairs[:1], to_status=Status.AVAILABLE)
    c = client_for(employee)
    r = c.get(reverse("reuse:overview") + "?status=available")
    assert r.context["data"]["total"] == 1
    desk = Category.objects.get(tenant=tenant, key="desk")
    r = c.get(reverse("reuse:overview") + f"?category={desk.pk}")
    assert r.context["data"]["total"] == 0


def test_location_manager_cannot_edit_or_move_outside_own_buildings(client_for, tenant, make_member, admin_user,
                                                                     building, make_items):
    from torg.accounts.models import Membership
    from torg.places import services as places

    prop = places.property_create(actor=admin_user, tenant=tenant, gnr=8, bnr=8)
    mine = places.building_create(actor=admin_user, tenant=tenant, property=prop, name="Mitt")
    user = make_member(tenant, "lm2", "employee")
    services.reuse_role_set(actor=admin_user, membership=Membership.objects.get(user=user), role="location_manager",
                            buildings=[mine])
    item = make_items()[0]
    c = client_for(user)
    assert c.get(reverse("reuse:item_edit", args=[item.pk])).status_code == 403
    r = c.post(reverse("reuse:bulk"), {"item": [item.pk], "action": "move", "confirm": "1", "building": mine.pk})
    assert r.status_code == 403
    item.refresh_from_db()
    assert item.building_id == building.pk


def test_overview_building_has_floor_subtotals_and_category_columns(client_for, employee, make_items, admin_user,
                                                                    building, rooms, tenant):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from torg.reuse import queries
    from torg.reuse.models import Category

    make_items(count=3, room="0.01")
    make_items(count=2, room="0.02")
    upstairs = make_items(count=4, room="1.01")
    make_items(count=1, room=None)  # nowhere: not in the building's overview
    services.item_move(actor=admin_user, items=make_items(count=2, room=None), building=building)  # no room
    services.item_change_status(actor=admin_user, items=upstairs[:1], to_status=Status.AVAILABLE)
    desk = Category.objects.get(tenant=tenant, key="desk")
    desk_product = services.product_create(actor=admin_user, tenant=tenant, category=desk)
    services.item_register(actor=admin_user, tenant=tenant, product=desk_product, count=2, room=rooms["1.01"])

    with CaptureQueriesContext(connection) as ctx:
        data = queries.overview(tenant=tenant, building_id=building.pk, dimension="category")
    assert len(ctx.captured_queries) == 5  # a fixed number of aggregates and lookups, however many rooms
    floors = {g.get("floor_id"): g for g in data["groups"]}
    ground, first = rooms["0.01"].floor, rooms["1.01"].floor
    assert list(floors) == [ground.pk, first.pk, None]  # by level; items without a room last
    assert floors[ground.pk]["total"] == 5 and floors[first.pk]["total"] == 6
    assert [r["total"] for r in floors[ground.pk]["rows"]] == [3, 2]
    columns = [label for _v, label in data["columns"]]
    chair_col, desk_col = columns.index(Category.objects.get(tenant=tenant, key="task_chair").name), \
        columns.index(desk.name)
    assert floors[first.pk]["counts"][desk_col] == 2 and floors[first.pk]["counts"][chair_col] == 4
    assert floors[None]["total"] == 2 and floors[None]["rows"][0]["room_id"] is None
    assert data["total"] == 13 and sum(data["column_totals"]) == 13

    by_status = queries.overview(tenant=tenant, building_id=building.pk, dimension="status")
    first_floor = next(g for g in by_status["groups"] if g.get("floor_id") == first.pk)
    status_col = [v for v, _l in by_status["columns"]].index(Status.AVAILABLE)
    assert first_floor["counts"][status_col] == 1

    c = client_for(employee)
    r = c.get(reverse("reuse:overview") + f"?building={building.pk}&by=category&status=in_use")
    body = r.content.decode()
    assert r.status_code == 200 and 'data-testid="overview-floor"' in body and 'scope="rowgroup"' in body
    assert r.context["data"]["total"] == 12 and desk.name in body
    assert 'data-testid="overview-totals"' in body
    r = c.get(reverse("reuse:overview") + "?by=condition")
    assert r.context["data"]["dimension"] == "condition" and r.context["data"]["groups"][0]["rows"][0]["total"] == 13


def test_overview_pages_through_many_locations_with_municipality_totals(client_for, admin_user, tenant, product,
                                                                        settings):
    from torg.places import services as places
    from torg.reuse import views

    prop = places.property_create(actor=admin_user, tenant=tenant, gnr=9, bnr=9)
    for i in range(3):
        b = places.building_create(actor=admin_user, tenant=tenant, property=prop, name=f"Bygg {i}")
        services.item_register(actor=admin_user, tenant=tenant, product=product, building=b, count=i + 1)
    old, views.OVERVIEW_LOCATIONS_PER_PAGE = views.OVERVIEW_LOCATIONS_PER_PAGE, 2
    try:
        c = client_for(admin_user)
        r = c.get(reverse("reuse:overview"))
        assert [row["label"] for row in r.context["data"]["groups"][0]["rows"]] == ["Bygg 0", "Bygg 1"]
        assert r.context["data"]["total"] == 6 and 'class="ds-pagination"' in r.content.decode()
        r = c.get(reverse("reuse:overview") + "?page=2")
        assert [row["label"] for row in r.context["data"]["groups"][0]["rows"]] == ["Bygg 2"]
        # the split by the dimension is computed for the rows shown, also for items without a location
        services.item_register(actor=admin_user, tenant=tenant, product=product, count=2)
        data = c.get(reverse("reuse:overview") + "?page=2&by=category").context["data"]
        column = [value for value, _label in data["columns"]].index(product.category_id)
        rows = data["groups"][0]["rows"]
        assert [(row["label"], row["total"], row["counts"][column]) for row in rows] == [("Bygg 2", 3, 3), ("", 2, 2)]
        assert data["column_totals"][column] == 8
    finally:
        views.OVERVIEW_LOCATIONS_PER_PAGE = old
