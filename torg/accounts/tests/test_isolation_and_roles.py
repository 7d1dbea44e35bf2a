"""Tenant isolation and per-role access for the administration pages (org units, users, organisations)."""

import pytest
from django.urls import reverse

from torg.accounts import services
from torg.accounts.models import ApiToken, ExternalOrganisation, Membership, OrgUnit, User
from torg.core.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hashing")]

ROLES = ["admin", "property_manager", "employee", "association", "citizen"]
STAFF = {"admin", "property_manager", "employee"}
MANAGERS = {"admin", "property_manager"}


@pytest.fixture
def a_data(tenant, admin_user, employee):
    """Tenant A's sector, service, organisation, employee membership and API token."""
    sector = services.org_unit_create(actor=admin_user, tenant=tenant, kind="sector", name="Hemmelig sektor")
    service = services.org_unit_create(actor=admin_user, tenant=tenant, kind="service", name="Hemmelig tjeneste",
                                       parent=sector)
    org = services.external_organisation_create(actor=admin_user, tenant=tenant, orgnr="974760673",
                                                name="Hemmelig forening")
    token, _secret = services.api_token_create(actor=employee, tenant=tenant, name="Hemmelig token")
    return {"sector": sector, "service": service, "org": org, "membership": Membership.objects.get(user=employee),
            "token": token}


def _state():
    return [list(m.objects.order_by("pk").values()) for m in (OrgUnit, ExternalOrganisation, Membership, ApiToken)] + [
        list(User.objects.order_by("pk").values("pk", "first_name", "password", "is_active")),
        AuditEvent.objects.count()]


def test_other_tenants_admin_gets_404_for_every_object_url(a_data, other_admin, client_for):
    client = client_for(other_admin)
    urls = [
        ("get", reverse("accounts:org_unit_edit", args=[a_data["service"].pk])),
        ("post", reverse("accounts:org_unit_edit", args=[a_data["service"].pk])),
        ("post", reverse("accounts:org_unit_archive", args=[a_data["service"].pk])),
        ("get", reverse("accounts:user_edit", args=[a_data["membership"].pk])),
        ("post", reverse("accounts:user_edit", args=[a_data["membership"].pk])),
        ("get", reverse("accounts:user_set_password", args=[a_data["membership"].pk])),
        ("post", reverse("accounts:user_set_password", args=[a_data["membership"].pk])),
        ("get", reverse("accounts:organisation_edit", args=[a_data["org"].pk])),
        ("post", reverse("accounts:organisation_edit", args=[a_data["org"].pk])),
        ("post", reverse("accounts:organisation_archive", args=[a_data["org"].pk])),
        ("post", reverse("accounts:api_token_revoke", args=[a_data["token"].pk])),
    ]
    before = _state()
    for method, url in urls:
        data = {"name": "Hacked", "first_name": "Hacked", "password": "Hacked-password-2026", "orgnr": "923609016",
                "kind": "service", "role": "admin", "is_active": "on"} if method == "post" else None
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (method, url, response.status_code)
    assert _state() == before


def test_other_tenants_lists_never_show_my_rows(a_data, other_admin, client_for):
    client = client_for(other_admin)
    for url in (reverse("accounts:org_unit_list") + "?archived=1", reverse("accounts:user_list"),
                reverse("accounts:user_list") + "?q=ansatt", reverse("accounts:organisation_list") + "?archived=1",
                reverse("accounts:organisation_list") + "?q=974760", reverse("accounts:audit_log"),
                reverse("accounts:profile")):
        body = client.get(url).content.decode()
        for secret in ("Hemmelig", "Ansatt Test", "974760673", "Testvik"):
            assert secret not in body, (url, secret)


def test_forms_offer_only_my_tenants_units_and_people(a_data, other_tenant, other_admin, client_for):
    foreign_unit = a_data["service"]
    client = client_for(other_admin)
    response = client.post(reverse("accounts:user_create"), {
        "username": "nyb", "first_name": "N", "last_name": "B", "role": "employee", "org_unit": foreign_unit.pk})
    assert response.status_code == 422 and not User.objects.filter(username="nyb").exists()
    response = client.post(reverse("accounts:org_unit_create"), {
        "kind": "service", "parent": a_data["sector"].pk, "name": "Snik"})
    assert response.status_code == 422 and not OrgUnit.objects.filter(name="Snik").exists()
    assert "Hemmelig" not in client.get(reverse("accounts:user_create")).content.decode()
    assert "Hemmelig" not in client.get(reverse("accounts:org_unit_create")).content.decode()


def test_switching_to_a_tenant_without_membership_is_404(tenant, other_admin, client_for):
    client = client_for(other_admin)
    assert client.post(reverse("accounts:switch_tenant"), {"tenant": tenant.pk}).status_code == 404
    assert client.session.get("torg_tenant_id") is None


@pytest.fixture
def member(tenant, make_member, request):
    return make_member(tenant, f"u_{request.param}", request.param)


@pytest.mark.parametrize("member", ROLES, indirect=True)
def test_administration_pages_per_role(member, a_data, client_for):
    """Admins manage everything; property managers organisations (not users or org units)."""
    client = client_for(member)
    role = member.memberships.get().role
    expected = {
        reverse("accounts:user_list"): role == "admin",
        reverse("accounts:user_create"): role == "admin",
        reverse("accounts:user_edit", args=[a_data["membership"].pk]): role == "admin",
        reverse("accounts:user_set_password", args=[a_data["membership"].pk]): role == "admin",
        reverse("accounts:org_unit_create"): role == "admin",
        reverse("accounts:org_unit_edit", args=[a_data["service"].pk]): role == "admin",
        reverse("accounts:audit_log"): role == "admin",
        reverse("accounts:org_unit_list"): role in STAFF,
        reverse("accounts:organisation_list"): role in STAFF,
        reverse("accounts:organisation_create"): role in MANAGERS,
        reverse("accounts:organisation_edit", args=[a_data["org"].pk]): role in MANAGERS,
        reverse("accounts:settings"): role in MANAGERS,
        reverse("accounts:profile"): True,
    }
    for url, allowed in expected.items():
        assert client.get(url).status_code == (200 if allowed else 403), (role, url)


@pytest.mark.parametrize("member", [r for r in ROLES if r != "admin"], indirect=True)
def test_non_admins_cannot_write_users_or_units(member, a_data, client_for):
    client = client_for(member)
    before = _state()
    posts = [
        (reverse("accounts:user_create"), {"username": "ny", "first_name": "N", "last_name": "Y", "role": "admin"}),
        (reverse("accounts:user_edit", args=[a_data["membership"].pk]),
         {"first_name": "X", "last_name": "Y", "role": "admin", "is_active": "on"}),
        (reverse("accounts:org_unit_create"), {"kind": "sector", "name": "Ny"}),
        (reverse("accounts:org_unit_archive", args=[a_data["service"].pk]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert _state() == before


@pytest.mark.parametrize("member", ["citizen", "association"], indirect=True)
def test_every_member_may_hold_an_api_token(member, tenant, client_for):
    client = client_for(member)
    client.post(reverse("accounts:api_token_create"), {"name": "Mitt"})
    assert ApiToken.objects.filter(user=member, tenant=tenant).exists()
