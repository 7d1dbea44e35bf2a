"""Delivering many pieces at once: own items of several rooms, and used purchases — registered as
items of the offer's catalogue product when it has one — each with its ReuseRecord."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from torg.core.models import AuditEvent
from torg.reuse import services as inventory
from torg.reuse.models import Item, ReuseRecord, Status
from torg.reuse.relocation import services
from torg.reuse.relocation.models import Line, UsedOffer

pytestmark = pytest.mark.django_db


def _jpeg():
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(buf, "JPEG")
    return SimpleUploadedFile("stol.jpg", buf.getvalue(), content_type="image/jpeg")


def test_used_offer_of_a_catalogue_product_delivers_items_of_that_product(admin_user, plan, troom, cats, products,
                                                                           supplier, media):
    chair = products["chair"]
    inventory.product_add_photo(actor=admin_user, product=chair, upload=_jpeg())
    offer = services.offer_create(actor=admin_user, plan=plan, supplier=supplier, category=cats["task_chair"],
                                  description="HÅG Capisco, rehabilitert", product=chair, quantity=5,
                                  unit_price_nok="2500")
    assert offer.colour == "Svart"  # what the offer leaves out comes from the product
    services.need_create(actor=admin_user, plan=plan, room=troom["1.01"], category=cats["task_chair"], quantity=3)
    # a need for this very product takes the offer too (offers of another model would not fit)
    services.need_create(actor=admin_user, plan=plan, room=troom["2.01"], category=cats["task_chair"], quantity=2,
                         product=chair)
    counts = services.plan_match(actor=admin_user, plan=plan)
    assert counts["used"] == 5 and counts["new"] == 0
    lines = list(Line.objects.filter(plan=plan, source="used"))
    delivered = services.deliver_used_lines(actor=admin_user, plan=plan, lines=lines)
    assert len(delivered) == 5
    items = Item.objects.filter(pk__in=[ln.item_id for ln in delivered])
    assert items.count() == 5 and set(items.values_list("product", flat=True)) == {chair.pk}
    assert set(items.values_list("status", flat=True)) == {Status.IN_USE}
    assert sorted(items.values_list("room__number", flat=True)) == ["1.01", "1.01", "1.01", "2.01", "2.01"]
    assert all(item.product.photos.exists() for item in items)  # the catalogue photo shows for each
    records = ReuseRecord.objects.filter(item__in=items)
    assert records.count() == 5 and set(records.values_list("kind", flat=True)) == {"bought_used"}
    assert set(records.values_list("to_building", flat=True)) == {plan.building_id}
    assert all(r.reference.startswith(plan.number) and supplier.name in r.reference for r in records)
    assert AuditEvent.objects.filter(object_type="reuse.item", object_id__in=[str(i.pk) for i in items],
                                     action="item_create", comment__contains=supplier.name).count() == 5
    assert not Line.objects.filter(plan=plan, source="used", delivered_at__isnull=True).exists()
    # again: refused, nothing written twice
    with pytest.raises(ValidationError):
        services.deliver_used_lines(actor=admin_user, plan=plan, lines=lines[:1])
    assert ReuseRecord.objects.count() == 5


def test_used_offer_without_a_product_registers_one_from_its_description(admin_user, plan, troom, cats, supplier):
    services.offer_create(actor=admin_user, plan=plan, supplier=supplier, category=cats["desk"],
                          description="Skrivebord 160, rehabilitert", quantity=2, unit_price_nok="900", width_cm=160)
    services.need_create(actor=admin_user, plan=plan, room=troom["1.02"], category=cats["desk"], quantity=2)
    services.plan_match(actor=admin_user, plan=plan)
    lines = services.deliver_used_lines(actor=admin_user, plan=plan, lines=Line.objects.filter(plan=plan))
    products = {ln.item.product for ln in lines}
    assert len(products) == 1
    product = products.pop()
    assert product.model_name == "Skrivebord 160, rehabilitert" and product.width_cm == 160


def test_offer_product_must_be_of_the_offer_category(client_for, admin_user, plan, cats, products, supplier,
                                                    other_tenant, other_admin):
    with pytest.raises(ValidationError) as exc:
        services.offer_create(actor=admin_user, plan=plan, supplier=supplier, category=cats["task_chair"],
                              product=products["desk160"], quantity=1, unit_price_nok="100")
    assert "product" in exc.value.message_dict
    r = client_for(admin_user).post(reverse("relocation:offer_list", args=[plan.pk]), {
        "supplier": supplier.pk, "category": cats["task_chair"].pk, "product": products["desk160"].pk,
        "quantity": 1, "unit_price_nok": "100", "condition": 1})
    assert r.status_code == 422 and not UsedOffer.objects.exists()
    r = client_for(admin_user).post(reverse("relocation:offer_list", args=[plan.pk]), {
        "supplier": supplier.pk, "category": cats["desk"].pk, "product": products["desk160"].pk,
        "quantity": 4, "unit_price_nok": "1500", "condition": 1})
    assert r.status_code == 302
    offer = UsedOffer.objects.get()
    assert offer.product == products["desk160"] and offer.width_cm == 160 and offer.depth_cm == 80
    page = client_for(admin_user).get(reverse("relocation:offer_list", args=[plan.pk])).content.decode()
    assert "E 160" in page


def test_deliver_used_lines_refuses_what_is_not_a_used_purchase_of_the_plan(admin_user, plan, troom, cats,
                                                                           products, stock, supplier):
    stock(products["chair"], 1)
    services.offer_create(actor=admin_user, plan=plan, supplier=supplier, category=cats["task_chair"],
                          product=products["chair"], quantity=2, unit_price_nok="2500")
    services.need_create(actor=admin_user, plan=plan, room=troom["1.01"], category=cats["task_chair"], quantity=3)
    services.plan_match(actor=admin_user, plan=plan)
    own = Line.objects.get(plan=plan, source="own")
    used = list(Line.objects.filter(plan=plan, source="used"))
    with pytest.raises(ValidationError):
        services.deliver_used_lines(actor=admin_user, plan=plan, lines=[own, *used])
    with pytest.raises(ValidationError):  # a pre-printed label is for one piece
        services.deliver_used_lines(actor=admin_user, plan=plan, lines=used, claim_code="ABCDEFGHJKMN")
    assert not ReuseRecord.objects.exists() and not Line.objects.filter(delivered_at__isnull=False).exists()


def test_deliver_lines_moves_a_floor_at_once_and_records_each_relocation(admin_user, plan, troom, cats, products,
                                                                        stock, old_sites):
    chairs = stock(products["chair"], 3, room="A1")
    desks = stock(products["desk160"], 2, room="A2", status="in_use")
    services.need_create(actor=admin_user, plan=plan, room=troom["1.01"], category=cats["task_chair"], quantity=3)
    services.need_create(actor=admin_user, plan=plan, room=troom["1.02"], category=cats["desk"], quantity=2)
    services.plan_match(actor=admin_user, plan=plan)
    first = services.deliver_lines(actor=admin_user, plan=plan, lines=Line.objects.filter(plan=plan)[:1])
    lines = services.deliver_lines(actor=admin_user, plan=plan, lines=Line.objects.filter(plan=plan))
    assert len(first) == 1 and len(lines) == 4  # the one delivered before is left out
    for item in Item.objects.filter(pk__in=[i.pk for i in chairs + desks]).select_related("room"):
        assert item.status == Status.IN_USE and item.room.number in ("1.01", "1.02")
    records = ReuseRecord.objects.filter(kind="relocation")
    assert records.count() == 5
    assert set(records.values_list("from_building", flat=True)) == {old_sites["A"].pk}
    assert set(records.values_list("to_building", flat=True)) == {plan.building_id}


def test_reuse_records_in_bulk_check_kind_and_tenant(admin_user, products, stock, other_building):
    item = stock(products["chair"], 1)[0]
    with pytest.raises(ValidationError):
        inventory.reuse_record_many(actor=admin_user, kind="stolen", rows=[{"item": item}])
    with pytest.raises(ValidationError):
        inventory.reuse_record_many(actor=admin_user, kind="relocation",
                                    rows=[{"item": item, "to_building": other_building}])
    assert not ReuseRecord.objects.exists()
    [record] = inventory.reuse_record_many(actor=admin_user, kind="relocation", rows=[{"item": item}])
    assert record.pk and record.actor == admin_user and record.tenant_id == item.tenant_id


def test_a_used_purchase_can_go_on_a_pre_printed_label(admin_user, tenant, plan, troom, cats, products, supplier):
    label = inventory.label_batch_create(actor=admin_user, tenant=tenant, count=2)[0]
    services.offer_create(actor=admin_user, plan=plan, supplier=supplier, category=cats["task_chair"],
                          product=products["chair"], quantity=2, unit_price_nok="2500")
    services.need_create(actor=admin_user, plan=plan, room=troom["1.01"], category=cats["task_chair"], quantity=2)
    services.plan_match(actor=admin_user, plan=plan)
    first, second = Line.objects.filter(plan=plan).order_by("pk")
    line = services.deliver_used(actor=admin_user, line=first, claim_code=label.code.lower())
    assert line.item.code == label.code and line.item.product == products["chair"]
    with pytest.raises(ValidationError) as exc:  # the label is taken now
        services.deliver_used(actor=admin_user, line=second, claim_code=label.code)
    assert line.item.number in " ".join(exc.value.messages)
