import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from torg.core.models import AuditEvent
from torg.reuse import importer, services
from torg.reuse.models import Category, Item
from torg.reuse.tests.test_import import _csv

pytestmark = pytest.mark.django_db


def test_admin_adds_renames_and_archives_a_category_over_http(client_for, admin_user, tenant, make_items, product):
    c = client_for(admin_user)
    r = c.get(reverse("reuse:categories"))
    assert r.status_code == 200 and 'data-testid="category-table"' in r.content.decode()
    r = c.post(reverse("reuse:category_create"), {"name": "Høydejusterbar skjerm", "default_weight_kg": "9",
                                                  "sort_order": ""})
    assert r.status_code == 302
    new = Category.objects.get(tenant=tenant, name="Høydejusterbar skjerm")
    assert new.key == "hoydejusterbar_skjerm" and new.sort_order > 200 and not new.archived
    assert AuditEvent.objects.filter(object_type="reuse.category", object_id=str(new.pk), action="category_create").exists()

    items = make_items(count=2)
    chair = product.category
    r = c.post(reverse("reuse:category_edit", args=[chair.pk]),
               {"name": "Arbeidsstol", "default_weight_kg": "12", "sort_order": "10"})
    assert r.status_code == 302
    chair.refresh_from_db()
    assert chair.name == "Arbeidsstol" and chair.key == "task_chair"

    r = c.post(reverse("reuse:category_archive", args=[chair.pk]), {"archived": "1"})
    chair.refresh_from_db()
    assert r.status_code == 302 and chair.archived
    # items and products keep their category and are still found by it
    assert {i.product.category_id for i in Item.objects.filter(pk__in=[i.pk for i in items])} == {chair.pk}
    r = c.get(reverse("reuse:item_list") + f"?category={chair.pk}")
    assert r.context["page_obj"].paginator.count == 2
    # ... but it is no longer offered for registration, nor accepted by an import
    r = c.get(reverse("reuse:item_register"))
    assert chair not in r.context["form"].fields["category"].queryset
    plan = importer.plan_import(tenant=tenant, upload=_csv("1001;;;task_chair;;;;;;1;\n"))
    assert [e.column for e in plan.errors] == ["category"]
    # the product keeps its archived category when edited
    r = c.post(reverse("reuse:product_edit", args=[product.pk]), {"category": chair.pk, "manufacturer": "HÅG"})
    assert r.status_code == 302
    r = c.post(reverse("reuse:category_archive", args=[chair.pk]), {"archived": "0"})
    chair.refresh_from_db()
    assert not chair.archived
    assert list(AuditEvent.objects.filter(object_type="reuse.category", object_id=str(chair.pk))
                .values_list("action", flat=True).order_by("pk"))[-3:] == ["category_update", "category_archive", "category_restore"]


def test_category_names_are_unique_per_tenant_and_keys_are_made_unique(admin_user, tenant, other_tenant, other_admin):
    existing = Category.objects.get(tenant=tenant, key="desk")
    with pytest.raises(ValidationError) as exc:
        services.category_create(actor=admin_user, tenant=tenant, name=existing.name.upper())
    assert "name" in exc.value.message_dict
    a = services.category_create(actor=admin_user, tenant=tenant, name="Desk")  # key "desk" is taken
    assert a.key == "desk_2"
    assert services.category_create(actor=other_admin, tenant=other_tenant, name="Benk").tenant == other_tenant
    with pytest.raises(ValidationError):
        services.category_update(actor=admin_user, category=a, name=existing.name)
    with pytest.raises(ValidationError):
        services.category_update(actor=admin_user, category=a, key="x")


def test_only_reuse_administrators_maintain_categories(client_for, tenant, property_manager, employee, other_admin):
    desk = Category.objects.get(tenant=tenant, key="desk")
    for user in (property_manager, employee):
        c = client_for(user)
        assert c.get(reverse("reuse:categories")).status_code == 403
        assert c.post(reverse("reuse:category_create"), {"name": "X"}).status_code == 403
        assert c.post(reverse("reuse:category_archive", args=[desk.pk]), {"archived": "1"}).status_code == 403
    # another municipality's administrator: 404
    c = client_for(other_admin)
    assert c.get(reverse("reuse:category_edit", args=[desk.pk])).status_code == 404
    assert c.post(reverse("reuse:category_archive", args=[desk.pk]), {"archived": "1"}).status_code == 404
    desk.refresh_from_db()
    assert not desk.archived
