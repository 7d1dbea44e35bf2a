"""Users and memberships: create with a role, last-admin protection, deactivation."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from torg.accounts import services
from torg.accounts.models import Membership, User
from torg.core.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hashing", "english")]


def test_admin_creates_a_user_with_a_role_through_the_form(tenant, admin_user, en_client):
    unit = services.org_unit_create(actor=admin_user, tenant=tenant, kind="sector", name="Helse")
    client = en_client(admin_user)
    response = client.post(reverse("accounts:user_create"), {
        "username": "kari", "first_name": "Kari", "last_name": "Nordmann", "email": "kari@example.no",
        "role": "property_manager", "org_unit": unit.pk, "password": "",
    })
    assert response.status_code == 302
    user = User.objects.get(username="kari")
    membership = user.memberships.get()
    assert (membership.tenant, membership.role, membership.org_unit, membership.is_active) == (
        tenant, "property_manager", unit, True)
    assert not user.has_usable_password()  # signs in with OIDC
    assert user.has_perm("places.manage_places", tenant)
    assert not user.has_perm("accounts.manage_users", tenant)
    event = AuditEvent.objects.get(object_type="accounts.membership", object_id=str(membership.pk))
    assert event.action == "membership_create" and event.actor == admin_user and event.changes["role"] == [None,
                                                                                                "property_manager"]
    assert "Nordmann" in client.get(reverse("accounts:user_list") + "?q=nord").content.decode()


@pytest.mark.parametrize("data, field, message", [
    ({"username": "ADMIN"}, "username", "This username is already in use."),
    ({"username": "ola nordmann"}, "username", "Enter a valid username."),
    ({"role": "superuser"}, "role", "Select a valid choice."),
    ({"password": "123"}, "password", "This password is too short."),
    ({"email": "ikke-epost"}, "email", "Enter a valid email address."),
])
def test_bad_user_data_writes_nothing(data, field, message, tenant, admin_user, en_client):
    payload = {"username": "ola", "first_name": "Ola", "last_name": "N", "role": "employee", **data}
    users, memberships = User.objects.count(), Membership.objects.count()
    response = en_client(admin_user).post(reverse("accounts:user_create"), payload)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert (User.objects.count(), Membership.objects.count()) == (users, memberships)


def test_unit_of_another_tenant_is_refused(tenant, other_tenant, admin_user, other_admin):
    foreign = services.org_unit_create(actor=other_admin, tenant=other_tenant, kind="sector", name="Fremmed")
    with pytest.raises(ValidationError) as exc:
        services.user_create(actor=admin_user, tenant=tenant, username="x1", role="employee", org_unit=foreign)
    assert "org_unit" in exc.value.message_dict
    assert not User.objects.filter(username="x1").exists()
    membership = Membership.objects.get(user=admin_user)
    with pytest.raises(ValidationError):
        services.membership_update(actor=admin_user, membership=membership, org_unit=foreign)


def test_last_active_admin_cannot_be_demoted_or_deactivated(tenant, admin_user, en_client):
    membership = Membership.objects.get(user=admin_user)
    for change in ({"role": "employee"}, {"is_active": False}):
        with pytest.raises(ValidationError) as exc:
            services.membership_update(actor=admin_user, membership=membership, **change)
        assert exc.value.messages == ["The municipality must keep at least one active administrator."]
    membership.refresh_from_db()
    assert membership.role == "admin" and membership.is_active

    response = en_client(admin_user).post(reverse("accounts:user_edit", args=[membership.pk]), {
        "first_name": "A", "last_name": "B", "role": "employee", "is_active": "on"})
    assert response.status_code == 422
    assert "The municipality must keep at least one active administrator." in response.content.decode()
    membership.refresh_from_db()
    admin_user.refresh_from_db()
    assert membership.role == "admin" and admin_user.first_name == "Admin"  # nothing half-written


def test_an_admin_can_step_down_when_another_admin_remains(tenant, admin_user, make_member):
    make_member(tenant, "admin_b", "admin")
    membership = Membership.objects.get(user=admin_user)
    services.membership_update(actor=admin_user, membership=membership, role="employee")
    membership.refresh_from_db()
    assert membership.role == "employee"


def test_an_inactive_admin_does_not_count_as_the_remaining_admin(tenant, admin_user, make_member):
    other = make_member(tenant, "admin_b", "admin")
    Membership.objects.filter(user=other).update(is_active=False)
    with pytest.raises(ValidationError):
        services.membership_update(actor=admin_user, membership=Membership.objects.get(user=admin_user),
                                   is_active=False)


def test_another_tenants_admin_does_not_count(tenant, admin_user, other_admin):
    with pytest.raises(ValidationError):
        services.membership_update(actor=admin_user, membership=Membership.objects.get(user=admin_user),
                                   role="employee")


def test_deactivated_membership_cannot_use_the_tenant(tenant, building, admin_user, employee, en_client, client):
    membership = Membership.objects.get(user=employee)
    response = en_client(admin_user).post(reverse("accounts:user_edit", args=[membership.pk]), {
        "first_name": "Ansatt", "last_name": "Test", "email": "", "role": "employee"})  # is_active unchecked
    assert response.status_code == 302
    membership.refresh_from_db()
    assert not membership.is_active
    event = AuditEvent.objects.get(object_type="accounts.membership", object_id=str(membership.pk), action="membership_update")
    assert event.changes == {"is_active": [True, False]} and event.actor == admin_user

    client.force_login(employee, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("places:building_list")).status_code == 404  # no tenant at all
    assert client.get(reverse("places:building_detail", args=[building.pk])).status_code == 404
    assert client.get("/api/v1/places/buildings").status_code == 401
    assert not employee.has_perm("places.view_places", tenant)
    assert client.post(reverse("accounts:switch_tenant"), {"tenant": tenant.pk}).status_code == 404


def test_deactivation_also_ends_an_open_session(tenant, building, employee, client_for):
    client = client_for(employee)
    assert client.get(reverse("places:building_list")).status_code == 200
    Membership.objects.filter(user=employee).update(is_active=False)
    assert client.get(reverse("places:building_list")).status_code == 404


def test_role_change_takes_effect(tenant, admin_user, employee, client_for):
    client = client_for(employee)
    assert client.get(reverse("places:building_create")).status_code == 403
    services.membership_update(actor=admin_user, membership=Membership.objects.get(user=employee),
                               role="property_manager")
    assert client.get(reverse("places:building_create")).status_code == 200


def test_admin_sets_a_password(tenant, admin_user, employee, en_client):
    membership = Membership.objects.get(user=employee)
    client = en_client(admin_user)
    response = client.post(reverse("accounts:user_set_password", args=[membership.pk]), {"password": "kort"})
    assert response.status_code == 422
    response = client.post(reverse("accounts:user_set_password", args=[membership.pk]),
                           {"password": "Langt-og-trygt-2026"})
    assert response.status_code == 302
    employee.refresh_from_db()
    assert employee.check_password("Langt-og-trygt-2026")
    event = AuditEvent.objects.get(action="user_password_set")
    assert event.actor == admin_user and "Langt" not in str(event.changes)


def test_admin_cannot_take_over_an_account_that_opens_another_tenant(tenant, other_tenant, admin_user, employee,
                                                                     en_client):
    """A person in two municipalities: A's administrator must not be able to set their password."""
    Membership.objects.create(tenant=other_tenant, user=employee, role="admin")
    old_hash = User.objects.get(pk=employee.pk).password
    membership = Membership.objects.get(user=employee, tenant=tenant)
    response = en_client(admin_user).post(reverse("accounts:user_set_password", args=[membership.pk]),
                                          {"password": "Langt-og-trygt-2026"})
    assert response.status_code == 422
    assert "only they can change their password" in response.content.decode()
    assert User.objects.get(pk=employee.pk).password == old_hash


def test_admin_cannot_set_a_site_administrators_password(tenant, admin_user, employee):
    User.objects.filter(pk=employee.pk).update(is_superuser=True)
    with pytest.raises(ValidationError):
        services.user_set_password(actor=admin_user, membership=Membership.objects.get(user=employee),
                                   password="Langt-og-trygt-2026")


def test_shared_users_personal_details_are_theirs_but_role_is_mine(tenant, other_tenant, admin_user, employee,
                                                                    en_client):
    Membership.objects.create(tenant=other_tenant, user=employee, role="admin")
    membership = Membership.objects.get(user=employee, tenant=tenant)
    client = en_client(admin_user)
    response = client.post(reverse("accounts:user_edit", args=[membership.pk]), {
        "first_name": "Ansatt", "last_name": "Test", "email": "meg@angriper.no", "role": "employee",
        "is_active": "on"})
    assert response.status_code == 422
    assert "only they can change their name and e-mail" in response.content.decode()
    assert User.objects.get(pk=employee.pk).email == ""
    # Unchanged details: the role can still be changed.
    response = client.post(reverse("accounts:user_edit", args=[membership.pk]), {
        "first_name": "Ansatt", "last_name": "Test", "email": "", "role": "property_manager", "is_active": "on"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == "property_manager"
