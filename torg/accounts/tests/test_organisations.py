"""External organisations: orgnr validation through the form, uniqueness per tenant."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from torg.accounts import services
from torg.accounts.models import ExternalOrganisation
from torg.core.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hashing", "english")]


def _form(**data):
    return {"orgnr": "974760673", "name": "Storvik IL", "kind": "association", "email": "", "phone": "",
            "address": "", **data}


def test_create_with_valid_orgnr(tenant, property_manager, association_rep, en_client):
    client = en_client(property_manager)
    response = client.post(reverse("accounts:organisation_create"),
                           _form(orgnr="974 760 673", representatives=[association_rep.pk]))
    assert response.status_code == 302
    org = ExternalOrganisation.objects.get(tenant=tenant)
    assert org.orgnr == "974760673" and list(org.representatives.all()) == [association_rep]
    event = AuditEvent.objects.get(object_type="accounts.externalorganisation")
    assert event.actor == property_manager and event.changes["orgnr"] == [None, "974760673"]
    assert "Storvik IL" in client.get(reverse("accounts:organisation_list") + "?q=9747").content.decode()


@pytest.mark.parametrize("orgnr, message", [
    ("97476067", "An organisation number has exactly 9 digits"),
    ("97476067X", "An organisation number has exactly 9 digits"),
    ("174760673", "An organisation number starts with 8 or 9"),
    ("974760674", "is not a valid organisation number: the check digit (mod 11) does not match."),
])
def test_bad_orgnr_shows_the_message_and_writes_nothing(orgnr, message, tenant, admin_user, en_client):
    events = AuditEvent.objects.count()
    response = en_client(admin_user).post(reverse("accounts:organisation_create"), _form(orgnr=orgnr))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not ExternalOrganisation.objects.exists() and AuditEvent.objects.count() == events


def test_bad_orgnr_message_in_norwegian_by_default(tenant, admin_user, client_for):
    response = client_for(admin_user).post(reverse("accounts:organisation_create"), _form(orgnr="974760674"))
    assert response.status_code == 422
    assert "kontrollsifferet (modulus 11) stemmer ikke" in response.content.decode()


def test_duplicate_orgnr_in_tenant_is_refused_but_allowed_in_another(tenant, other_tenant, admin_user,
                                                                      other_admin, en_client):
    services.external_organisation_create(actor=admin_user, tenant=tenant, orgnr="974760673", name="Storvik IL")
    response = en_client(admin_user).post(reverse("accounts:organisation_create"),
                                          _form(orgnr="974760673", name="Kopi"))
    assert response.status_code == 422
    assert "An organisation with this organisation number is already registered." in response.content.decode()
    assert ExternalOrganisation.objects.filter(tenant=tenant).count() == 1
    other = services.external_organisation_create(actor=other_admin, tenant=other_tenant, orgnr="974760673",
                                                  name="Storvik IL avd. Andrevik")
    assert other.tenant == other_tenant


def test_changing_orgnr_to_one_in_use_is_refused(tenant, admin_user, en_client):
    services.external_organisation_create(actor=admin_user, tenant=tenant, orgnr="974760673", name="A")
    b = services.external_organisation_create(actor=admin_user, tenant=tenant, orgnr="923609016", name="B")
    response = en_client(admin_user).post(reverse("accounts:organisation_edit", args=[b.pk]),
                                          _form(orgnr="974760673", name="B"))
    assert response.status_code == 422
    b.refresh_from_db()
    assert b.orgnr == "923609016"
    with pytest.raises(ValidationError):
        services.external_organisation_update(actor=admin_user, organisation=b, orgnr="974 760 673")


def test_service_validates_orgnr_too(tenant, admin_user):
    with pytest.raises(ValidationError) as exc:
        services.external_organisation_create(actor=admin_user, tenant=tenant, orgnr="974760674", name="X")
    assert "orgnr" in exc.value.message_dict
    assert not ExternalOrganisation.objects.exists()


def test_representatives_are_limited_to_the_tenants_association_members(tenant, other_tenant, admin_user,
                                                                         make_member, en_client):
    foreign_rep = make_member(other_tenant, "fremmed", "association")
    response = en_client(admin_user).post(reverse("accounts:organisation_create"),
                                          _form(representatives=[foreign_rep.pk]))
    assert response.status_code == 422
    assert not ExternalOrganisation.objects.exists()


def test_edit_and_archive(tenant, admin_user, en_client):
    org = services.external_organisation_create(actor=admin_user, tenant=tenant, orgnr="974760673", name="A")
    client = en_client(admin_user)
    response = client.post(reverse("accounts:organisation_edit", args=[org.pk]),
                           _form(name="A-laget", kind="volunteer"))
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.name == "A-laget" and org.kind == "volunteer"
    update = AuditEvent.objects.get(object_type="accounts.externalorganisation", action="external_organisation_update")
    assert update.changes == {"name": ["A", "A-laget"], "kind": ["association", "volunteer"]}
    client.post(reverse("accounts:organisation_archive", args=[org.pk]))
    org.refresh_from_db()
    assert org.archived
    assert "A-laget" not in client.get(reverse("accounts:organisation_list")).content.decode()
