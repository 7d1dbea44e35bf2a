"""Product photos, photo removal, product choices that follow the category, components from the item
page, bulk changes of every item matching a filter, label batches printed again, the statuses the
marketplace manages, the product's own CO2e, and the migration that clears copied default factors."""

import importlib
import io

import pypdfium2 as pdfium
import pytest
from django.apps import apps as django_apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pyzbar.pyzbar import decode

from torg.core.models import AuditEvent
from torg.core.photos import url_for
from torg.reuse import services
from torg.core.models import AuditEvent
from torg.reuse.models import Category, Item, ItemPhoto, Label, Product, ProductPhoto, Status

pytestmark = pytest.mark.django_db


def _jpeg(name="p.jpg", size=(64, 48)):
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 20, 20)).save(buf, "JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def _product_post(product, **extra):
    return {"category": product.category_id, "manufacturer": product.manufacturer, "model_name": product.model_name,
            "colour": product.colour, **extra}


def test_product_photo_added_on_edit_shown_on_item_and_removed(client_for, admin_user, product, make_items, media,
                                                               django_capture_on_commit_callbacks):
    item = make_items()[0]
    c = client_for(admin_user)
    r = c.post(reverse("reuse:product_edit", args=[product.pk]), _product_post(product, photo=_jpeg()))
    assert r.status_code == 302, r.content.decode()[:2000]
    photo = ProductPhoto.objects.get(product=product)
    assert photo.width == 64 and (media / photo.image.name).exists()
    assert AuditEvent.objects.filter(object_type="reuse.product", object_id=str(product.pk),
                                     action="product_photo_add").exists()
    body = c.get(reverse("reuse:item_detail", args=[item.pk])).content.decode()
    assert url_for(photo) in body and 'data-testid="item-photos"' in body
    page = c.get(reverse("reuse:product_edit", args=[product.pk])).content.decode()
    assert 'enctype="multipart/form-data"' in page and url_for(photo) in page
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once the removal is committed
        r = c.post(reverse("reuse:product_photo_remove", args=[product.pk, photo.pk]))
    assert r.status_code == 302 and not ProductPhoto.objects.exists()
    assert not (media / photo.image.name).exists()


def test_product_photo_must_be_an_image(client_for, admin_user, product, media):
    r = client_for(admin_user).post(reverse("reuse:product_edit", args=[product.pk]), _product_post(
        product, photo=SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")))
    assert r.status_code == 422 and "photo" in r.content.decode().lower()
    assert not ProductPhoto.objects.exists()


def test_item_photo_removed_with_history_and_permissions(client_for, admin_user, employee, other_admin, make_items,
                                                         media, django_capture_on_commit_callbacks):
    item = make_items()[0]
    photo = services.item_add_photo(actor=admin_user, item=item, upload=_jpeg())
    url = reverse("reuse:item_photo_remove", args=[item.pk, photo.pk])
    assert client_for(employee).post(url).status_code == 403
    assert client_for(other_admin).post(url).status_code == 404
    assert client_for(admin_user).get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(admin_user).post(url).status_code == 302
    assert not ItemPhoto.objects.exists() and not (media / photo.image.name).exists()
    assert AuditEvent.objects.filter(object_type="reuse.item", object_id=str(item.pk), action="item_photo_remove").count() == 1


def test_shared_demo_file_is_kept_while_another_photo_uses_it(admin_user, make_items, media,
                                                               django_capture_on_commit_callbacks):
    a, b = make_items(count=2)
    first = services.item_add_photo(actor=admin_user, item=a, upload=_jpeg())
    ItemPhoto.objects.create(tenant=b.tenant, item=b, image=first.image.name, width=1, height=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.photo_remove(actor=admin_user, photo=first)
    assert (media / first.image.name).exists() and ItemPhoto.objects.count() == 1


def test_product_choices_follow_the_category(client_for, admin_user, employee, other_admin, tenant, product):
    desk = Category.objects.get(tenant=tenant, key="desk")
    desk_product = services.product_create(actor=admin_user, tenant=tenant, category=desk, manufacturer="EFG")
    c = client_for(employee)
    body = c.get(reverse("reuse:product_options"), {"category": product.category_id}).content.decode()
    assert f'value="{product.pk}"' in body and f'value="{desk_product.pk}"' not in body
    assert f'value="{desk_product.pk}"' in c.get(reverse("reuse:product_options"), {"category": desk.pk}).content.decode()
    # another municipality sees none of them
    assert "Capisco" not in client_for(other_admin).get(reverse("reuse:product_options"),
                                                        {"category": product.category_id}).content.decode()
    # the registration form offers only the category's products once a category is chosen
    r = client_for(admin_user).post(reverse("reuse:item_register"), {"category": desk.pk, "product": product.pk})
    assert r.status_code == 422
    assert Item.objects.count() == 0


def test_register_a_component_from_the_item_page(client_for, admin_user, make_items, rooms, tenant):
    whole = make_items(room="1.01", placement_text="ved vinduet")[0]
    c = client_for(admin_user)
    detail = c.get(reverse("reuse:item_detail", args=[whole.pk])).content.decode()
    link = reverse("reuse:item_register") + f"?parent={whole.number}"
    assert link in detail
    form = c.get(link).content.decode()
    assert f'value="{whole.number}"' in form and "ved vinduet" in form
    assert f'<option value="{rooms["1.01"].pk}" selected' in form
    frame = Category.objects.get(tenant=tenant, key="desk_frame")
    r = c.post(link, {"building": whole.building_id, "room": rooms["1.01"].pk, "category": frame.pk,
                      "condition": 1, "status": "in_use", "count": 1, "parent": whole.number})
    assert r.status_code == 302
    assert whole.components.get().product.category == frame


def test_bulk_change_of_every_item_matching_the_filter(client_for, admin_user, make_items, tenant):
    items = make_items(count=60, room="0.01", placement_text="lager")
    make_items(count=3, room="1.01")
    c = client_for(admin_user)
    listing = c.get(reverse("reuse:item_list"), {"q": "lager"}).content.decode()
    assert 'name="all_matching"' in listing and "60" in listing
    data = {"all_matching": "1", "match": "q=lager", "action": "status"}
    r = c.post(reverse("reuse:bulk"), data)
    assert r.status_code == 200 and 'name="all_matching"' in r.content.decode()
    r = c.post(reverse("reuse:bulk"), {**data, "confirm": "1", "to_status": "for_relocation", "comment": "Flytting"})
    assert r.status_code == 302
    assert Item.objects.filter(status=Status.FOR_RELOCATION).count() == 60
    assert AuditEvent.objects.filter(object_type="reuse.item", action="item_mark_for_relocation", comment="Flytting").count() == 60
    assert set(Item.objects.filter(room__number="1.01").values_list("status", flat=True)) == {Status.IN_USE}
    del items


def test_bulk_all_matching_is_capped_and_respects_location_scope(client_for, admin_user, make_items, settings,
                                                                 monkeypatch):
    from torg.reuse import views

    make_items(count=5)
    monkeypatch.setattr(views, "MAX_BULK_ITEMS", 3)
    r = client_for(admin_user).post(reverse("reuse:bulk"), {"all_matching": "1", "match": "", "action": "status",
                                                            "confirm": "1", "to_status": "available"},
                                    follow=True)
    assert "5" in r.content.decode() and not Item.objects.filter(status="available").exists()


def test_label_batches_listed_and_unused_codes_printed_again(client_for, admin_user, employee, make_items, tenant):
    batch = services.label_batch_create(actor=admin_user, tenant=tenant, count=5)
    used = batch[0]
    services.item_register(actor=admin_user, tenant=tenant, product=make_items()[0].product,
                           building=make_items()[0].building, claim_code=used.code)
    c = client_for(admin_user)
    page = c.get(reverse("reuse:labels")).content.decode()
    assert 'data-testid="label-batches"' in page and "Skriv ut de 4 ubrukte kodene" in page
    r = c.post(reverse("reuse:labels"), {"reprint": str(used.batch), "layout": "2x7"})
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    doc = pdfium.PdfDocument(r.content)
    try:
        found = {d.data.decode().rsplit("/q/", 1)[1] for d in decode(doc[0].render(scale=4).to_pil())}
    finally:
        doc.close()
    assert found == {lb.code for lb in batch[1:]}
    assert c.post(reverse("reuse:labels"), {"reprint": "999"}).status_code == 404
    assert client_for(employee).post(reverse("reuse:labels"), {"reprint": str(used.batch)}).status_code == 403
    assert Label.objects.filter(tenant=tenant).count() == 5  # nothing new was created


def test_item_page_shows_own_co2e_only_when_set_and_the_qr(client_for, admin_user, tenant, make_items, product):
    item = make_items()[0]
    c = client_for(admin_user)
    body = c.get(reverse("reuse:item_detail", args=[item.pk])).content.decode()
    assert 'data-testid="item-co2e"' not in body
    assert '<svg role="img"' in body and f"QR-kode for {item.number}" in body
    services.product_update(actor=admin_user, product=product, co2e_kg=72, co2e_source="EPD NEPD-1234")
    body = c.get(reverse("reuse:item_detail", args=[item.pk])).content.decode()
    assert 'data-testid="item-co2e"' in body and "72 kg" in body and "EPD NEPD-1234" in body


def test_migration_clears_copied_default_factors_and_keeps_epd_values(admin_user, tenant, category):
    migration = importlib.import_module("torg.reuse.migrations.0005_product_photos_own_co2e")
    copied = [
        Product.objects.create(tenant=tenant, category=category, co2e_kg=35,
                               co2e_source="Standardfaktor for Kontorstol: WRAP"),
        Product.objects.create(tenant=tenant, category=category, co2e_kg=35,
                               co2e_source="Default factor for Task chair: WRAP"),
        Product.objects.create(tenant=tenant, category=category, co2e_kg=35, co2e_source="Standardfaktor: WRAP"),
    ]
    epd = Product.objects.create(tenant=tenant, category=category, co2e_kg=100, co2e_source="EPD NEPD-467-327-EN")
    migration.clear_copied_defaults(django_apps, None)
    for product in copied:
        product.refresh_from_db()
        assert product.co2e_kg is None and product.co2e_source == ""
    epd.refresh_from_db()
    assert epd.co2e_kg == 100 and epd.co2e_source == "EPD NEPD-467-327-EN"


def test_export_uses_the_import_column_names_and_the_room_filter(client_for, employee, make_items, rooms, building):
    import csv

    from openpyxl import load_workbook

    make_items(count=2, room="1.01", placement_text="ved tavla")
    make_items(count=1, room="0.01")
    c = client_for(employee)
    r = c.get(reverse("reuse:item_list"), {"export": "csv", "building": building.pk, "room": rooms["1.01"].pk})
    lines = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
    header = lines[0]
    assert {"building", "room_number", "placement", "category", "floor", "co2e_kg"} <= set(header)
    assert len(lines) == 3
    assert {row[header.index("room_number")] for row in lines[1:]} == {"1.01"}
    assert {row[header.index("placement")] for row in lines[1:]} == {"ved tavla"}
    ws = load_workbook(io.BytesIO(c.get(reverse("reuse:item_list"), {"export": "xlsx"}).content)).active
    assert len(list(ws.iter_rows(values_only=True))) == 4
    # the room select lists the chosen building's rooms; a room of another building is ignored
    page = c.get(reverse("reuse:item_list"), {"building": building.pk}).content.decode()
    assert f'<option value="{rooms["1.01"].pk}"' in page
    body = c.get(reverse("reuse:item_list"), {"building": building.pk, "room": 999999}).content.decode()
    assert "M-000003" in body and "M-000001" in body
    # an HTMX filter request also refreshes the room select (out of band)
    partial = c.get(reverse("reuse:item_list"), {"building": building.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-swap-oob="true"' in partial and f'value="{rooms["0.01"].pk}"' in partial


def test_api_lists_by_floor_components_and_items_that_left(client_for, admin_user, make_items, rooms):
    import json

    whole = make_items(room="1.01")[0]
    part = make_items(room="1.01", parent=whole)[0]
    gone = make_items(room="0.01")[0]
    for to in (Status.FOR_RECYCLING, Status.DISPOSED):
        services.item_change_status(actor=admin_user, items=[gone], to_status=to)
    c = client_for(admin_user)
    api = "/api/v1/reuse/items"
    floor = rooms["1.01"].floor_id
    assert {i["id"] for i in c.get(api, {"floor_id": floor}).json()["items"]} == {whole.pk, part.pk}
    assert [i["id"] for i in c.get(api, {"parent_id": whole.pk}).json()["items"]] == [part.pk]
    assert gone.pk not in {i["id"] for i in c.get(api).json()["items"]}
    assert gone.pk in {i["id"] for i in c.get(api, {"include_gone": "true"}).json()["items"]}
    assert json.loads(c.get(f"{api}/{part.pk}").content)["parent_id"] == whole.pk


def test_import_takes_the_products_own_co2e_and_the_template_documents_the_columns(client_for, admin_user, tenant,
                                                                                   building):
    from openpyxl import load_workbook

    from torg.reuse import importer

    text = ("building;category;manufacturer;co2e_kg;co2e_source\n"
            "1001;task_chair;Savo;68,5;EPD NEPD-9999\n"
            "1001;desk;EFG;;\n"
            "1001;desk;Kinnarps;;EPD uten verdi\n")
    upload = SimpleUploadedFile("i.csv", text.encode(), content_type="text/csv")
    plan = importer.plan_import(tenant=tenant, upload=upload)
    assert [(e.line, e.column) for e in plan.errors] == [(4, "co2e_kg")]
    upload.seek(0)
    importer.apply_import(actor=admin_user, tenant=tenant, upload=upload, valid_rows_only=True)
    savo = Product.objects.get(tenant=tenant, manufacturer="Savo")
    assert str(savo.co2e_kg) == "68.50" and savo.co2e_source == "EPD NEPD-9999"
    assert Product.objects.get(tenant=tenant, manufacturer="EFG").co2e_kg is None
    wb = load_workbook(io.BytesIO(client_for(admin_user).get(reverse("reuse:import_template")).content))
    assert wb.sheetnames[0] == "Inventar" and len(wb.sheetnames) == 2
    documented = [row[0] for row in wb.worksheets[1].iter_rows(min_row=2, values_only=True)]
    assert documented == [importer.NB_COLUMNS[c] for c in importer.COLUMN_NAMES]  # the UI is Norwegian
    # the template itself imports cleanly (its sample buildings aside)
    header = [c.value for c in wb.worksheets[0][1]]
    assert header == [importer.NB_COLUMNS[c] for c in importer.COLUMN_NAMES]


def test_products_created_together_are_validated_defaulted_and_audited(admin_user, tenant, category, other_tenant):
    desk = Category.objects.get(tenant=tenant, key="desk")
    made = services.product_create_many(actor=admin_user, tenant=tenant, rows=[
        {"category": category, "manufacturer": "A", "model_name": "", "colour": "", "co2e_kg": None},
        {"category": desk, "manufacturer": "B", "weight_kg": 40},
    ])
    assert [p.weight_kg for p in made] == [category.default_weight_kg, 40] and all(p.pk for p in made)
    assert AuditEvent.objects.filter(object_type="reuse.product", action="product_create").count() == 2
    with pytest.raises(services.RowValidationError) as info:
        services.product_create_many(actor=admin_user, tenant=tenant, rows=[
            {"category": category, "manufacturer": "C"}, {"category": desk, "width_cm": 20000}])
    assert info.value.index == 1
    foreign = Category.objects.get(tenant=other_tenant, key="desk")
    with pytest.raises(Exception, match="kommune"):
        services.product_create_many(actor=admin_user, tenant=tenant, rows=[{"category": foreign}])
    assert Product.objects.filter(tenant=tenant).count() == 2
