import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from torg.reuse import importer, services
from torg.reuse.models import Item, Label, Product

pytestmark = pytest.mark.django_db

HEADER = "building;room_number;placement;category;manufacturer;model;colour;condition;status;quantity;code\n"


def _csv(body):
    return SimpleUploadedFile("inventar.csv", (HEADER + body).encode("utf-8"))


def test_plan_reports_bad_rows_and_writes_nothing(tenant, building):
    plan = importer.plan_import(tenant=tenant, upload=_csv(
        "1001;0.01;vindu;task_chair;HÅG;Capisco;Svart;1;in_use;3;\n"
        "Testhuset;9.99;;task_chair;;;;;;1;\n"
        "1001;;;flying_carpet;;;;7;stolen;0;\n"))
    assert plan.counts["valid_rows"] == 1 and plan.counts["items"] == 3
    by_line = {}
    for e in plan.errors:
        by_line.setdefault(e.line, set()).add(e.column)
    assert by_line == {3: {"room_number"}, 4: {"category", "condition", "status", "quantity"}}
    assert not Item.objects.exists() and not Product.objects.exists()


def test_apply_refuses_file_with_errors_then_imports_valid_rows_only(tenant, admin_user, building):
    data = ("1001;0.01;vindu;task_chair;HÅG;Capisco;Svart;1;in_use;3;\n"
            "Testhuset;9.99;;task_chair;;;;;;1;\n")
    with pytest.raises(importer.ImportRefused):
        importer.apply_import(actor=admin_user, tenant=tenant, upload=_csv(data))
    assert not Item.objects.exists()
    importer.apply_import(actor=admin_user, tenant=tenant, upload=_csv(data), valid_rows_only=True)
    assert Item.objects.filter(placement_text="vindu", room__number="0.01").count() == 3


def test_import_claims_pre_printed_code(tenant, admin_user, building):
    label = services.label_batch_create(actor=admin_user, tenant=tenant, count=1)[0]
    importer.apply_import(actor=admin_user, tenant=tenant, upload=_csv(
        f"1001;;;desk;;;;0;available;1;{label.code.lower()}\n"))
    item = Item.objects.get()
    assert item.code == label.code and Label.objects.get().item == item


def test_import_over_http_preview_then_confirm(client_for, admin_user, building):
    c = client_for(admin_user)
    assert c.get(reverse("reuse:import_template")).status_code == 200
    bad = _csv("1001;0.01;;task_chair;;;;1;;2;\n1001;;;nope;;;;;;1;\n")
    r = c.post(reverse("reuse:import"), {"file": bad})
    body = r.content.decode()
    assert r.status_code == 200 and 'data-testid="import-errors"' in body and "nope" in body
    assert not Item.objects.exists()
    token = r.context["token"]
    r = c.post(reverse("reuse:import_confirm"), {"token": token})
    assert r.status_code == 422 and not Item.objects.exists()
    r = c.post(reverse("reuse:import_confirm"), {"token": token, "valid_rows_only": "1"})
    assert r.status_code == 302 and Item.objects.count() == 2


def test_location_manager_cannot_import_into_other_buildings(client_for, tenant, make_member, admin_user, building):
    from torg.accounts.models import Membership
    from torg.places import services as places

    prop = places.property_create(actor=admin_user, tenant=tenant, gnr=7, bnr=7)
    mine = places.building_create(actor=admin_user, tenant=tenant, property=prop, name="Mitt bygg")
    user = make_member(tenant, "lm", "employee")
    services.reuse_role_set(actor=admin_user, membership=Membership.objects.get(user=user), role="location_manager",
                            buildings=[mine])
    r = client_for(user).post(reverse("reuse:import"), {"file": _csv("1001;;;desk;;;;;;1;\nMitt bygg;;;desk;;;;;;1;\n")})
    errors = r.context["plan"].errors
    assert [(e.line, e.column) for e in errors] == [(2, "building")]
