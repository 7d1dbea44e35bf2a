"""Organisation units: sectors and the services in them."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from torg.accounts import services
from torg.accounts.models import OrgUnit
from torg.core.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hashing", "english")]


@pytest.fixture
def sector(tenant, admin_user):
    return services.org_unit_create(actor=admin_user, tenant=tenant, kind="sector", name="Oppvekst", code="OPP")


def test_sector_and_service(tenant, admin_user, sector):
    school = services.org_unit_create(actor=admin_user, tenant=tenant, kind="service", name="Storvik skole",
                                      parent=sector)
    assert school.parent == sector and school.tenant == tenant
    event = AuditEvent.objects.get(object_type="accounts.orgunit", object_id=str(school.pk))
    assert event.action == "org_unit_create" and event.actor == admin_user and event.changes["name"] == [None, "Storvik skole"]


@pytest.mark.parametrize("kind, parent, field", [
    ("service", None, "parent"),      # a service needs a sector
    ("sector", "sector", "parent"),   # a sector has no parent
    ("service", "service", "parent"),  # a service cannot hang under a service
])
def test_parent_rules(kind, parent, field, tenant, admin_user, sector):
    service = services.org_unit_create(actor=admin_user, tenant=tenant, kind="service", name="PPT", parent=sector)
    parent_obj = {"sector": sector, "service": service, None: None}[parent]
    count = OrgUnit.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.org_unit_create(actor=admin_user, tenant=tenant, kind=kind, name="Ny", parent=parent_obj)
    assert field in exc.value.message_dict
    assert OrgUnit.objects.count() == count


def test_database_refuses_a_parentless_service_too(tenant):
    with pytest.raises(IntegrityError):
        OrgUnit.objects.create(tenant=tenant, kind="service", name="Foreldreløs")


def test_parent_must_belong_to_the_same_tenant(tenant, other_tenant, admin_user, other_admin):
    foreign = services.org_unit_create(actor=other_admin, tenant=other_tenant, kind="sector", name="Helse")
    with pytest.raises(ValidationError) as exc:
        services.org_unit_create(actor=admin_user, tenant=tenant, kind="service", name="Snik", parent=foreign)
    assert exc.value.message_dict["parent"] == ["The parent must be a sector of this municipality."]


def test_sector_with_services_cannot_become_a_service_or_its_own_child(tenant, admin_user, sector):
    services.org_unit_create(actor=admin_user, tenant=tenant, kind="service", name="PPT", parent=sector)
    other = services.org_unit_create(actor=admin_user, tenant=tenant, kind="sector", name="Helse")
    with pytest.raises(ValidationError) as exc:
        services.org_unit_update(actor=admin_user, unit=sector, kind="service", parent=other)
    assert "kind" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.org_unit_update(actor=admin_user, unit=other, kind="service", parent=OrgUnit.objects.get(pk=other.pk))
    other.refresh_from_db()
    assert other.kind == "sector" and other.parent is None


def test_cannot_archive_a_sector_with_active_services(tenant, admin_user, sector):
    ppt = services.org_unit_create(actor=admin_user, tenant=tenant, kind="service", name="PPT", parent=sector)
    with pytest.raises(ValidationError) as exc:
        services.org_unit_set_archived(actor=admin_user, unit=sector, archived=True)
    assert exc.value.messages == ["Archive the services of this sector first."]
    sector.refresh_from_db()
    assert not sector.archived
    services.org_unit_set_archived(actor=admin_user, unit=ppt, archived=True)
    services.org_unit_set_archived(actor=admin_user, unit=sector, archived=True)
    sector.refresh_from_db()
    assert sector.archived
    # A service cannot come back while its sector is archived (it would vanish from the list) ...
    with pytest.raises(ValidationError):
        services.org_unit_set_archived(actor=admin_user, unit=OrgUnit.objects.get(pk=ppt.pk), archived=False)
    # ... nor can a new service be put in an archived sector.
    with pytest.raises(ValidationError):
        services.org_unit_create(actor=admin_user, tenant=tenant, kind="service", name="Ny", parent=sector)
    services.org_unit_set_archived(actor=admin_user, unit=sector, archived=False)
    services.org_unit_set_archived(actor=admin_user, unit=OrgUnit.objects.get(pk=ppt.pk), archived=False)
    assert not OrgUnit.objects.filter(archived=True).exists()


def test_ui_create_edit_archive(tenant, admin_user, en_client, sector):
    client = en_client(admin_user)
    response = client.post(reverse("accounts:org_unit_create"), {"kind": "service", "name": "Barnehage", "code": ""})
    assert response.status_code == 422
    assert "Choose the sector this service belongs to." in response.content.decode()
    assert not OrgUnit.objects.filter(name="Barnehage").exists()

    response = client.post(reverse("accounts:org_unit_create"),
                           {"kind": "service", "parent": sector.pk, "name": "Barnehage", "code": "BHG"})
    assert response.status_code == 302
    unit = OrgUnit.objects.get(name="Barnehage")
    page = client.get(reverse("accounts:org_unit_list")).content.decode()
    assert "Oppvekst" in page and "Barnehage" in page

    response = client.post(reverse("accounts:org_unit_edit", args=[unit.pk]),
                           {"kind": "service", "parent": sector.pk, "name": "Barnehager", "code": "BHG"})
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.name == "Barnehager"
    assert AuditEvent.objects.get(object_type="accounts.orgunit", action="org_unit_update").changes == {
        "name": ["Barnehage", "Barnehager"]}

    response = client.post(reverse("accounts:org_unit_archive", args=[sector.pk]), follow=True)
    assert "Archive the services of this sector first." in response.content.decode()
    client.post(reverse("accounts:org_unit_archive", args=[unit.pk]))
    unit.refresh_from_db()
    assert unit.archived
    assert "Barnehager" not in client.get(reverse("accounts:org_unit_list")).content.decode()
    assert "Barnehager" in client.get(reverse("accounts:org_unit_list") + "?archived=1").content.decode()


def test_duplicate_name_in_the_same_sector_is_refused(tenant, admin_user, en_client, sector):
    services.org_unit_create(actor=admin_user, tenant=tenant, kind="service", name="PPT", parent=sector)
    response = en_client(admin_user).post(reverse("accounts:org_unit_create"),
                                          {"kind": "service", "parent": sector.pk, "name": "PPT"})
    assert response.status_code == 422
    assert OrgUnit.objects.filter(name="PPT").count() == 1
