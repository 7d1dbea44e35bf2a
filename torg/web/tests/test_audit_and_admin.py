"""The audit log and object histories as users see them; the administration page per role; lifting
a login lockout."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from torg.accounts import services
from torg.accounts.models import Membership, OrgUnit
from torg.core.models import AuditEvent
from torg.places import services as places_services

pytestmark = pytest.mark.django_db


def _edit_building(admin_user, building):
    places_services.building_update(actor=admin_user, building=building, gross_area=1500, use="school",
                                    strategic_category="C")
    places_services.building_set_archived(actor=admin_user, building=building, archived=True)


def test_history_shows_field_names_choices_and_actions_in_words(admin_user, building, en_client):
    _edit_building(admin_user, building)
    page = en_client(admin_user).get(reverse("places:building_detail", args=[building.pk])).content.decode()
    # Field names as the form labels them, choice values by their label, the action by its name.
    assert "Gross area (BTA) m²:</span> 1200.0 → 1500.0" in page
    assert "Use:</span> Office → School" in page
    assert "Strategic category:</span> A – keep → C – transform or dispose" in page
    assert ">Archived<" in page and ">Changed<" in page and ">Created<" in page
    assert "gross_area" not in page and "strategic_category:" not in page


def test_history_is_norwegian_by_default(admin_user, building, client_for):
    _edit_building(admin_user, building)
    page = client_for(admin_user).get(reverse("places:building_detail", args=[building.pk])).content.decode()
    assert "Bruk:</span> Kontor → Skole" in page
    assert ">Arkivert<" in page and ">Endret<" in page


def test_related_objects_in_history_are_named_not_numbered(admin_user, tenant, building, en_client):
    other = places_services.property_create(actor=admin_user, tenant=tenant, gnr=7, bnr=8, name="Skoletomta")
    places_services.building_update(actor=admin_user, building=building, property=other)
    page = en_client(admin_user).get(reverse("places:building_detail", args=[building.pk])).content.decode()
    assert "Property:</span> 1/1 Testgata 1 → 7/8 Skoletomta" in page


def test_audit_log_filters(admin_user, employee, tenant, building, en_client):
    _edit_building(admin_user, building)
    unit = services.org_unit_create(actor=admin_user, tenant=tenant, kind=OrgUnit.Kind.SECTOR, name="Oppvekst")
    client = en_client(admin_user)
    url = reverse("accounts:audit_log")

    everything = client.get(url)
    assert everything.status_code == 200
    total = AuditEvent.objects.filter(tenant=tenant).count()
    assert f"{total} changes" in everything.content.decode()

    by_type = client.get(url, {"type": "accounts.orgunit"}).content.decode()
    assert "Oppvekst" in by_type and "Testhuset" not in by_type
    assert "1 change<" in by_type

    archived = client.get(url, {"action": "archive"}).content.decode()
    assert "Building: Testhuset" in archived and "Oppvekst" not in archived

    by_object = client.get(url, {"type": "places.building", "id": building.pk}).content.decode()
    building_events = AuditEvent.objects.filter(object_type="places.building", object_id=str(building.pk)).count()
    assert f"{building_events} changes" in by_object

    assert "Oppvekst" not in client.get(url, {"who": "nobody-of-that-name"}).content.decode()
    assert "Oppvekst" in client.get(url, {"who": "admin"}).content.decode()
    assert "Oppvekst" in client.get(url, {"q": "oppv"}).content.decode()

    today = timezone.localdate()
    assert "Oppvekst" not in client.get(url, {"date_from": today + dt.timedelta(days=1)}).content.decode()
    assert "Oppvekst" in client.get(url, {"date_from": today, "date_to": today}).content.decode()
    bad = client.get(url, {"date_from": today, "date_to": today - dt.timedelta(days=1)})
    assert bad.status_code == 422 and "The end date is before the start date." in bad.content.decode()

    assert unit.pk  # the unit's own page shows its history too
    unit_page = client.get(reverse("accounts:org_unit_edit", args=[unit.pk])).content.decode()
    assert ">Created<" in unit_page and "All changes in the audit log" in unit_page


def test_only_administrators_get_the_link_to_the_audit_log(admin_user, property_manager, building, en_client):
    url = reverse("places:building_detail", args=[building.pk])
    assert "All changes in the audit log" in en_client(admin_user).get(url).content.decode()
    manager_page = en_client(property_manager).get(url).content.decode()
    assert "History" in manager_page and "All changes in the audit log" not in manager_page
    assert en_client(property_manager).get(reverse("accounts:audit_log")).status_code == 403


def test_audit_log_never_shows_another_tenants_events(admin_user, other_admin, building, en_client):
    page = en_client(other_admin).get(reverse("accounts:audit_log"), {"q": "Testhuset"}).content.decode()
    assert "Building: Testhuset" not in page and "0 changes" in page


def test_administration_page_offers_only_what_the_role_may_open(admin_user, property_manager, en_client):
    url = reverse("accounts:settings")
    admin_page = en_client(admin_user).get(url).content.decode()
    for target in ("org_unit_list", "user_list", "organisation_list", "audit_log"):
        assert reverse(f"accounts:{target}") in admin_page

    manager = en_client(property_manager)
    manager_page = manager.get(url).content.decode()
    assert reverse("accounts:org_unit_list") in manager_page
    assert reverse("accounts:organisation_list") in manager_page
    assert reverse("accounts:user_list") not in manager_page
    assert reverse("accounts:audit_log") not in manager_page
    # Every card on the page opens for this role.
    for target in ("org_unit_list", "organisation_list"):
        assert manager.get(reverse(f"accounts:{target}")).status_code == 200


def test_user_page_shows_history_of_membership_and_account(admin_user, employee, tenant, en_client):
    membership = Membership.objects.get(tenant=tenant, user=employee)
    services.membership_update(actor=admin_user, membership=membership, role="property_manager")
    services.user_set_password(actor=admin_user, membership=membership, password="another-horse-43")
    page = en_client(admin_user).get(reverse("accounts:user_edit", args=[membership.pk])).content.decode()
    assert "Role:</span> Employee → Property manager" in page
    assert "Password set" in page
    assert "another-horse-43" not in page


def _fail_logins(username, times=5):
    client = Client()
    for _ in range(times):
        client.post(reverse("accounts:login"), {"username": username, "password": "wrong-password"})
    return client


def test_administrator_sees_and_lifts_a_lockout(admin_user, employee, tenant, en_client):
    membership = Membership.objects.get(tenant=tenant, user=employee)
    locked = _fail_logins("ansatt")
    assert locked.post(reverse("accounts:login"), {"username": "ansatt", "password": "correct-horse-42"}
                       ).status_code == 429

    admin = en_client(admin_user)
    edit_url = reverse("accounts:user_edit", args=[membership.pk])
    assert "This user is locked out" in admin.get(edit_url).content.decode()

    response = admin.post(reverse("accounts:user_unlock", args=[membership.pk]))
    assert response.status_code == 302 and response["Location"] == edit_url
    assert "This user is locked out" not in admin.get(edit_url).content.decode()
    assert AuditEvent.objects.filter(tenant=tenant, object_type="accounts.user", object_id=str(employee.pk),
                                     action="user_unlock", actor=admin_user).exists()

    again = Client().post(reverse("accounts:login"), {"username": "ansatt", "password": "correct-horse-42"})
    assert again.status_code == 302


def test_a_few_failures_are_not_a_lockout(admin_user, employee, tenant, en_client):
    membership = Membership.objects.get(tenant=tenant, user=employee)
    _fail_logins("ansatt", times=2)
    page = en_client(admin_user).get(reverse("accounts:user_edit", args=[membership.pk])).content.decode()
    assert "This user is locked out" not in page


def test_only_administrators_of_the_users_tenant_may_unlock(admin_user, property_manager, employee, other_admin,
                                                            tenant, en_client):
    membership = Membership.objects.get(tenant=tenant, user=employee)
    url = reverse("accounts:user_unlock", args=[membership.pk])
    assert en_client(property_manager).post(url).status_code == 403
    assert en_client(other_admin).post(url).status_code == 404
    assert en_client(admin_user).get(url).status_code == 405  # a change, so POST only


def test_audit_log_and_history_cost_the_same_number_of_queries_for_many_events(admin_user, tenant, building,
                                                                              en_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = en_client(admin_user)
    floor = building.floors.get(level=0)

    def queries_for(url):
        client.get(url)  # warm: session, permissions
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    log, history = reverse("accounts:audit_log"), reverse("places:building_detail", args=[building.pk])
    few = queries_for(log), queries_for(history)
    for i in range(30):  # each create event names its floor, and the updates name the property
        places_services.room_create(actor=admin_user, tenant=tenant, floor=floor, number=f"X{i}", name="Rom")
        prop = places_services.property_create(actor=admin_user, tenant=tenant, gnr=100 + i, bnr=1)
        places_services.building_update(actor=admin_user, building=building, property=prop)
    many = queries_for(log), queries_for(history)
    # One query per kind of related object on the page, never one per event.
    assert many[0] <= few[0] and many[1] <= few[1], (few, many)
    assert "Floor 0" in client.get(log).content.decode()  # the floor by name, not by id


def test_history_never_names_another_tenants_object(admin_user, other_admin, tenant, other_tenant, building):
    """Even a forged event naming another municipality's row by id shows only the id."""
    from torg.core import audit
    from torg.core.audit_display import describe

    theirs = places_services.property_create(actor=other_admin, tenant=other_tenant, gnr=9, bnr=9, name="Hemmelig")
    event = audit.record(actor=admin_user, tenant=tenant, obj=building, action="building_update",
                         changes={"property": [building.property_id, theirs.pk]})
    [row] = describe([event])[0].change_rows
    assert row["old"] == "1/1 Testgata 1" and row["new"] == f"#{theirs.pk}"
