import pytest

from torg.accounts.models import Membership
from torg.reuse import services

pytestmark = pytest.mark.django_db

PERMS = ["view_items", "register_items", "edit_item", "change_status", "move_items", "print_labels",
         "import_items", "manage_reuse"]

# What each reuse role may do against the tenant (location managers: in their buildings).
EXPECTED = {
    "administrator": set(PERMS),
    "location_manager": set(PERMS) - {"manage_reuse"},
    "surveyor": {"view_items", "register_items", "edit_item", "change_status", "move_items", "print_labels"},
    "buyer_seller": {"view_items", "change_status"},
    "buyer": {"view_items"},
    "observer": {"view_items"},
}


def _user_with_reuse_role(tenant, make_member, role, buildings=()):
    user = make_member(tenant, f"r_{role}", "employee")
    services.reuse_role_set(actor=None, membership=Membership.objects.get(user=user, tenant=tenant), role=role,
                            buildings=buildings)
    return user


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_reuse_role(tenant, make_member, building, make_items, role):
    buildings = [building] if role == "location_manager" else []
    user = _user_with_reuse_role(tenant, make_member, role, buildings)
    item = make_items()[0]
    for perm in PERMS:
        expected = perm in EXPECTED[role]
        assert user.has_perm(f"reuse.{perm}", tenant) is expected, (role, perm)
        if perm != "manage_reuse":
            assert user.has_perm(f"reuse.{perm}", item) is expected, (role, perm, "item")


def test_location_manager_limited_to_chosen_buildings(tenant, make_member, building, admin_user, make_items):
    from torg.places import services as places

    prop = places.property_create(actor=admin_user, tenant=tenant, gnr=5, bnr=5)
    elsewhere = places.building_create(actor=admin_user, tenant=tenant, property=prop, name="Annet bygg")
    user = _user_with_reuse_role(tenant, make_member, "location_manager", [elsewhere])
    item = make_items()[0]  # in `building`
    assert user.has_perm("reuse.view_items", item)
    for perm in ("edit_item", "change_status", "move_items", "register_items"):
        assert not user.has_perm(f"reuse.{perm}", item), perm
        assert not user.has_perm(f"reuse.{perm}", building), perm
        assert user.has_perm(f"reuse.{perm}", elsewhere), perm


def test_tenant_roles_imply_reuse_roles(tenant, admin_user, property_manager, employee, citizen, association_rep,
                                        make_items):
    item = make_items()[0]
    assert admin_user.has_perm("reuse.manage_reuse", tenant)
    assert property_manager.has_perm("reuse.import_items", item)
    assert not property_manager.has_perm("reuse.manage_reuse", tenant)
    assert employee.has_perm("reuse.view_items", tenant)
    assert not employee.has_perm("reuse.register_items", tenant)
    for outsider in (citizen, association_rep):
        assert not outsider.has_perm("reuse.view_items", tenant)


def test_other_tenant_admin_has_no_reuse_rights_here(tenant, other_admin, make_items):
    item = make_items()[0]
    assert not other_admin.has_perm("reuse.view_items", tenant)
    assert not other_admin.has_perm("reuse.edit_item", item)


def test_inactive_membership_loses_reuse_role(tenant, make_member):
    user = _user_with_reuse_role(tenant, make_member, "surveyor")
    Membership.objects.filter(user=user).update(is_active=False)
    from torg.accounts.models import User

    fresh = User.objects.get(pk=user.pk)
    assert not fresh.has_perm("reuse.view_items", tenant)


def test_location_manager_needs_buildings(tenant, make_member):
    from django.core.exceptions import ValidationError

    user = make_member(tenant, "lm", "employee")
    with pytest.raises(ValidationError):
        services.reuse_role_set(actor=None, membership=Membership.objects.get(user=user), role="location_manager")


# What each reuse role may do over HTTP (pages, selection actions and the API), not only the predicates.
HTTP_ALLOWED = {
    "administrator": {"overview", "items", "register", "edit", "status", "move", "labels", "import", "categories",
                      "roles", "api_create", "api_status"},
    "location_manager": {"overview", "items", "register", "edit", "status", "move", "labels", "import",
                         "api_create", "api_status"},
    "surveyor": {"overview", "items", "register", "edit", "status", "move", "labels", "api_create", "api_status"},
    "buyer_seller": {"overview", "items", "status", "api_status"},
    "buyer": {"overview", "items"},
    "observer": {"overview", "items"},
}


@pytest.mark.parametrize("role", list(HTTP_ALLOWED))
def test_each_reuse_role_over_http(client_for, tenant, make_member, building, rooms, make_items, product, role):
    import json

    from django.urls import reverse

    from torg.reuse.models import Item

    buildings = [building] if role == "location_manager" else []
    user = _user_with_reuse_role(tenant, make_member, role, buildings)
    item = make_items()[0]
    c = client_for(user)
    api = "/api/v1/reuse"
    answers = {
        "overview": c.get(reverse("reuse:overview")),
        "items": c.get(reverse("reuse:item_list")),
        "register": c.get(reverse("reuse:item_register")),
        "edit": c.get(reverse("reuse:item_edit", args=[item.pk])),
        "status": c.post(reverse("reuse:bulk"), {"item": [item.pk], "action": "status", "confirm": "1",
                                                 "to_status": "available"}),
        "move": c.post(reverse("reuse:bulk"), {"item": [item.pk], "action": "move", "confirm": "1",
                                               "building": building.pk, "room": rooms["1.01"].pk}),
        "labels": c.get(reverse("reuse:labels")),
        "import": c.get(reverse("reuse:import")),
        "categories": c.get(reverse("reuse:categories")),
        "roles": c.get(reverse("reuse:roles")),
        "api_create": c.post(f"{api}/items", json.dumps({"product_id": product.pk, "room_id": rooms["0.01"].pk}),
                             content_type="application/json"),
        "api_status": c.post(f"{api}/items/status", json.dumps({"item_ids": [item.pk], "to_status": "in_use"}),
                             content_type="application/json"),
    }
    for name, response in answers.items():
        if name in HTTP_ALLOWED[role]:
            assert response.status_code in (200, 201, 302), (role, name, response.status_code)
        else:
            assert response.status_code == 403, (role, name, response.status_code)
    item.refresh_from_db()
    moved = "move" in HTTP_ALLOWED[role]
    assert (item.room_id == rooms["1.01"].pk) is moved
    assert Item.objects.count() == (2 if "api_create" in HTTP_ALLOWED[role] else 1)
