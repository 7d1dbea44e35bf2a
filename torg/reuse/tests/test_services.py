import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.text import capfirst
from PIL import Image

from torg.core.models import AuditEvent
from torg.reuse import queries, services
from torg.reuse.models import Category, Item, Label, Status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the source language); the default language is bokmål."""
    from django.utils import translation

    with translation.override("en"):
        yield


def _jpeg_with_exif(size=(3000, 2000)):
    img = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif)
    return SimpleUploadedFile("photo.jpg", buf.getvalue(), content_type="image/jpeg")


def test_new_tenant_gets_the_maintained_categories(tenant):
    keys = set(Category.objects.filter(tenant=tenant).values_list("key", flat=True))
    assert {"task_chair", "side_chair", "desk", "sit_stand_desk", "tabletop", "desk_frame", "meeting_table",
            "storage", "shelf", "sofa", "whiteboard", "screen"} <= keys
    assert services.category_seed_defaults(tenant=tenant) == 0  # idempotent


def test_product_gets_default_weight_but_only_its_own_co2e(product, category, admin_user, tenant):
    # The category's default CO2e lives in the impact factor library: the product's field means
    # only its own value (e.g. an EPD) and stays empty without one.
    assert product.co2e_kg is None and product.co2e_source == ""
    assert product.weight_kg == category.default_weight_kg == 12
    epd = services.product_create(actor=admin_user, tenant=tenant, category=category, manufacturer="HÅG",
                                  model_name="Capisco 8106", co2e_kg="72", co2e_source="EPD NEPD-0000-0000-EN")
    epd.refresh_from_db()
    assert epd.co2e_kg == 72 and epd.co2e_source == "EPD NEPD-0000-0000-EN"
    assert not hasattr(category, "default_co2e_kg")


def test_register_n_items_gets_codes_numbers_history_and_audit(make_items, rooms):
    items = make_items(count=4, placement_text="ved vinduet")
    assert [i.number for i in items] == ["M-000001", "M-000002", "M-000003", "M-000004"]
    assert len({i.code for i in items}) == 4 and all(len(i.code) == 12 for i in items)
    assert all(i.building_id == rooms["0.01"].building_id for i in items)
    assert AuditEvent.objects.filter(object_type="reuse.item", action="item_create").count() == 4  # one each
    assert make_items()[0].number == "M-000005"


def test_register_refuses_room_of_other_tenant(tenant, admin_user, product, other_building):
    room = other_building.rooms.first()
    with pytest.raises(ValidationError):
        services.item_register(actor=admin_user, tenant=tenant, product=product, room=room)
    assert not Item.objects.exists()


def test_claim_pre_printed_label(tenant, admin_user, make_items):
    labels = services.label_batch_create(actor=admin_user, tenant=tenant, count=3)
    typed = labels[0].code.lower()[:4] + "-" + labels[0].code.lower()[4:]
    item = make_items(claim_code=typed)[0]
    assert item.code == labels[0].code
    labels[0].refresh_from_db()
    assert labels[0].item == item and labels[0].claimed_at
    with pytest.raises(ValidationError, match="already used"):
        make_items(claim_code=labels[0].code)
    with pytest.raises(ValidationError, match="one item only"):
        make_items(count=2, claim_code=labels[1].code)
    with pytest.raises(ValidationError, match="No pre-printed label"):
        make_items(claim_code="ZZZZZZZZZZZZ")
    assert queries.unclaimed_labels(tenant=tenant).count() == 2


def test_other_tenants_label_cannot_be_claimed(other_tenant, other_admin, make_items):
    label = services.label_batch_create(actor=other_admin, tenant=other_tenant, count=1)[0]
    with pytest.raises(ValidationError, match="No pre-printed label"):
        make_items(claim_code=label.code)
    assert Label.objects.get(pk=label.pk).item is None


def test_move_selection_records_history(make_items, admin_user, rooms):
    items = make_items(count=3)
    moved = services.item_move(actor=admin_user, items=items, room=rooms["1.01"], placement_text="bak døra",
                               comment="omrokkering")
    assert len(moved) == 3
    for item in Item.objects.all():
        assert item.room == rooms["1.01"] and item.placement_text == "bak døra"
    events = AuditEvent.objects.filter(object_type="reuse.item", action="item_move")
    assert events.count() == 3 and AuditEvent.objects.filter(action="move").count() == 0  # one record
    event = events.first()
    assert event.changes == {"room": [rooms["0.01"].pk, rooms["1.01"].pk], "placement_text": ["", "bak døra"]}
    assert event.comment == "omrokkering" and event.actor == admin_user
    # shown from → to in words on the item page
    rows = {str(r["field"]): (r["old"], r["new"]) for r in queries.item_history(item=items[0])[0].change_rows}
    label = {name: str(capfirst(Item._meta.get_field(name).verbose_name)) for name in ("room", "placement_text")}
    assert rows == {label["room"]: (str(rooms["0.01"]), str(rooms["1.01"])), label["placement_text"]: ("–", "bak døra")}
    # placement is searchable
    assert queries.item_list(tenant=items[0].tenant, search="bak DØRA").count() == 3
    with pytest.raises(ValidationError, match="already there"):
        services.item_move(actor=admin_user, items=items, room=rooms["1.01"], placement_text="bak døra")


def test_move_to_building_without_room_and_refuse_disposed(make_items, admin_user, building):
    item = make_items()[0]
    services.item_move(actor=admin_user, items=[item], building=building, placement_text="lager")
    item.refresh_from_db()
    assert item.room is None and item.building == building
    Item.objects.filter(pk=item.pk).update(status=Status.DISPOSED)
    item.refresh_from_db()
    with pytest.raises(ValidationError, match="has left the inventory"):
        services.item_move(actor=admin_user, items=[item], building=building, placement_text="x")


def test_photo_is_reencoded_and_recorded_in_the_history(make_items, admin_user, media):
    """The re-encoding itself (size, EXIF, orientation) is torg/core/tests/test_photos.py's."""
    item = make_items()[0]
    photo = services.item_add_photo(actor=admin_user, item=item, upload=_jpeg_with_exif())
    with Image.open(photo.image.path) as img:
        assert img.format == "JPEG"
        assert max(img.size) == 1600
        assert 0x010F not in img.getexif()
    assert (photo.width, photo.height) == (1600, 1067)
    assert AuditEvent.objects.filter(object_type="reuse.item", object_id=str(item.pk), action="item_photo_add").exists()


def test_non_image_upload_refused(make_items, admin_user, media):
    item = make_items()[0]
    with pytest.raises(ValidationError):
        services.item_add_photo(actor=admin_user, item=item, upload=SimpleUploadedFile("x.jpg", b"<?php echo 1;"))


def test_edit_records_event(make_items, admin_user):
    item = make_items()[0]
    services.item_update(actor=admin_user, item=item, condition=3, damage_description="Knekt armlene")
    event = AuditEvent.objects.get(object_type="reuse.item", object_id=str(item.pk), action="item_edit")
    assert event.changes == {"condition": [1, 3], "damage_description": ["", "Knekt armlene"]}


def test_component_parent(make_items, admin_user):
    desk, top = make_items(count=2)
    services.item_update(actor=admin_user, item=top, parent=desk)
    assert list(desk.components.all()) == [top]
    with pytest.raises(ValidationError):
        services.item_update(actor=admin_user, item=desk, parent=desk)


def test_item_by_code_is_tenant_scoped(make_items, other_tenant, tenant):
    from django.http import Http404

    item = make_items()[0]
    assert queries.item_by_code(tenant=tenant, code=item.code.lower()) == item
    with pytest.raises(Http404):
        queries.item_by_code(tenant=other_tenant, code=item.code)
    with pytest.raises(Http404):
        queries.item_by_code(tenant=tenant, code="not a code!")


def test_overview_counts(make_items, admin_user, tenant, building, rooms):
    make_items(count=3)
    chairs = make_items(count=2, room="1.01")
    services.item_change_status(actor=admin_user, items=chairs, to_status=Status.AVAILABLE)
    data = queries.overview(tenant=tenant)
    assert data["total"] == 5
    assert dict((v, n) for v, _l, n in data["by_status"])["available"] == 2
    buildings = data["groups"][0]["rows"]
    assert buildings[0]["label"] == "Testhuset" and buildings[0]["total"] == 5
    per_floor = queries.overview(tenant=tenant, building_id=building.pk)
    assert [g["total"] for g in per_floor["groups"]] == [3, 2]
    assert [[r["total"] for r in g["rows"]] for g in per_floor["groups"]] == [[3], [2]]
