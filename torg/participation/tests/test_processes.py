"""Processes, their phases, stakeholder map and participation plan: services, pages and permissions."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from torg.core import audit
from torg.participation import services
from torg.participation.models import Activity, Process
from torg.places.models import Room

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")


def test_status_machine_one_history_entry_per_change(process, admin_user):
    for status in ("published", "open", "closed"):
        services.process_set_status(actor=admin_user, process=process, status=status)
    with pytest.raises(ValidationError):
        services.process_set_status(actor=admin_user, process=process, status="draft")
    with pytest.raises(ValidationError):  # reopening needs a reason
        services.process_set_status(actor=admin_user, process=process, status="open")
    services.process_set_status(actor=admin_user, process=process, status="open", reason="Få svar fra ungdom")
    actions = [e.action for e in audit.history_for(process, process.tenant)]
    assert actions[:4] == ["process_reopen", "process_close", "process_open", "process_publish"]
    assert audit.history_for(process, process.tenant)[0].comment == "Få svar fra ungdom"


def test_only_managers_write(process, employee, citizen, tenant):
    with pytest.raises(PermissionDenied):
        services.process_create(actor=employee, tenant=tenant, title="X", purpose="Y")
    with pytest.raises(PermissionDenied):
        services.process_set_status(actor=citizen, process=process, status="published")
    with pytest.raises(PermissionDenied):
        services.phase_create(actor=employee, process=process, name="X", starts_on=dt.date(2027, 1, 1),
                              ends_on=dt.date(2027, 1, 2))


def test_places_and_plan_stay_in_the_municipality(process, admin_user, other_tenant, other_admin):
    from torg.places import services as places

    prop = places.property_create(actor=other_admin, tenant=other_tenant, gnr=9, bnr=9)
    foreign = places.building_create(actor=other_admin, tenant=other_tenant, property=prop, name="Fremmed")
    with pytest.raises(ValidationError):
        services.process_update(actor=admin_user, process=process, buildings=[foreign])
    from torg.accounts import services as accounts

    unit = accounts.org_unit_create(actor=other_admin, tenant=other_tenant, kind="sector", name="Fremmed sektor")
    with pytest.raises(ValidationError):
        services.process_update(actor=admin_user, process=process, responsible_unit=unit)
    floor = places.floor_create(actor=other_admin, tenant=other_tenant, building=foreign, level=0)
    room = places.room_create(actor=other_admin, tenant=other_tenant, floor=floor, number="1")
    with pytest.raises(ValidationError):
        services.activity_create(actor=admin_user, process=process, kind="workshop", title="X",
                                 starts_at=dt.datetime(2027, 2, 3, 18, tzinfo=OSLO), room=room)


def test_stakeholder_map_rules(process, admin_user):
    with pytest.raises(ValidationError) as exc:
        services.target_group_create(actor=admin_user, process=process, kind="employees")
    assert "kind" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.target_group_create(actor=admin_user, process=process, kind="other")
    assert "name" in exc.value.message_dict
    services.target_group_create(actor=admin_user, process=process, kind="other", name="Pensjonistforeningen")
    assert process.target_groups.count() == 3


def test_activity_plan_with_room_target_groups_and_status(process, admin_user, building):
    room = Room.objects.filter(building=building).first()
    groups = list(process.target_groups.all())
    activity = services.activity_create(actor=admin_user, process=process, kind="workshop", title="Verksted",
                                        starts_at=dt.datetime(2027, 2, 3, 18, tzinfo=OSLO),
                                        ends_at=dt.datetime(2027, 2, 3, 20, tzinfo=OSLO), room=room,
                                        target_groups=groups[:1])
    assert list(activity.target_groups.all()) == groups[:1]
    with pytest.raises(ValidationError):
        services.activity_set_status(actor=admin_user, activity=activity, status="cancelled")
    services.activity_set_status(actor=admin_user, activity=activity, status="cancelled", reason="Sykdom")
    assert Activity.objects.get(pk=activity.pk).status == "cancelled"
    with pytest.raises(ValidationError):
        services.activity_create(actor=admin_user, process=process, kind="workshop", title="Baklengs",
                                 starts_at=dt.datetime(2027, 2, 3, 18, tzinfo=OSLO),
                                 ends_at=dt.datetime(2027, 2, 3, 17, tzinfo=OSLO))


# --- Pages ------------------------------------------------------------------------------------
def test_staff_create_and_manage_through_the_pages(client_for, admin_user, tenant, building):
    c = client_for(admin_user)
    response = c.post(reverse("participation:process_create"), {
        "title": "Innbyggertorgets åpningstider", "purpose": "Når skal torget være åpent?",
        "identity": "anonymous", "moderation": "pre", "buildings": [building.pk]})
    process = Process.objects.get(title="Innbyggertorgets åpningstider")
    assert response.status_code == 302 and process.status == "draft" and list(process.buildings.all()) == [building]
    detail = reverse("participation:process_detail", args=[process.pk])
    c.post(reverse("participation:phase_create", args=[process.pk]),
           {"kind": "input", "name": "Innspill", "starts_on": "2027-03-01", "ends_on": "2027-03-31"})
    c.post(reverse("participation:target_group_create", args=[process.pk]),
           {"kind": "children_youth", "how_reached": "Ungdomsrådet", "expected_reach": "50"})
    group = process.target_groups.get()
    room = Room.objects.filter(building=building).first()
    response = c.post(reverse("participation:activity_create", args=[process.pk]), {
        "kind": "open_meeting", "title": "Folkemøte", "starts_at": "2027-03-10T18:00", "ends_at": "2027-03-10T20:00",
        "room": room.pk, "target_groups": [group.pk]})
    assert response.status_code == 302
    activity = process.activities.get()
    assert activity.starts_at == dt.datetime(2027, 3, 10, 18, tzinfo=OSLO) and activity.room == room
    c.post(reverse("participation:process_status", args=[process.pk]), {"status": "published"})
    process.refresh_from_db()
    assert process.status == "published"
    html = c.get(detail).content.decode()
    assert "Folkemøte" in html and "Ungdomsrådet" in html and "10. mars 2027 18:00" in html
    assert reverse("booking:building_week", args=[building.pk]) in html  # offered to book the room


def test_bad_phase_dates_are_shown_on_the_form(client_for, admin_user, process):
    response = client_for(admin_user).post(reverse("participation:phase_create", args=[process.pk]),
                                           {"kind": "input", "name": "X", "starts_on": "2027-03-31",
                                            "ends_on": "2027-03-01"})
    assert response.status_code == 422 and process.phases.count() == 2


def test_staff_pages_refuse_other_roles_and_tenants(client_for, process, employee, citizen, other_admin):
    detail = reverse("participation:process_detail", args=[process.pk])
    assert client_for(employee).get(detail).status_code == 200
    assert client_for(employee).get(reverse("participation:process_edit", args=[process.pk])).status_code == 403
    assert client_for(citizen).get(reverse("participation:process_list")).status_code == 403
    assert client_for(other_admin).get(detail).status_code == 404
    assert client_for(other_admin).post(reverse("participation:process_status", args=[process.pk]),
                                        {"status": "published"}).status_code == 404


def test_drafts_never_leak_on_public_pages(process, client_for, citizen, other_admin, employee, tenant):
    public = reverse("participation:public_detail", args=[process.code])
    listing = reverse("participation:public_list", args=[tenant.slug])
    assert Client().get(public).status_code == 404
    assert client_for(citizen).get(public).status_code == 404
    assert client_for(other_admin).get(public).status_code == 404
    assert process.title not in Client().get(listing).content.decode()
    assert client_for(employee).get(public).status_code == 200  # staff preview


def test_published_process_is_readable_without_login(published, tenant):
    anonymous = Client()
    html = anonymous.get(reverse("participation:public_detail", args=[published.code.lower()])).content.decode()
    assert "Nye Flytårnet skole" in html and "Hva du kan påvirke" in html and "4. januar 2027" in html
    assert published.title in anonymous.get(reverse("participation:public_list", args=[tenant.slug])).content.decode()
    assert anonymous.get(reverse("participation:public_detail", args=["ZZZZZZZZZZZZ"])).status_code == 404


def test_navigation_entry_for_staff_only(client_for, admin_user, citizen, tenant):
    assert 'href="/participation/"' in client_for(admin_user).get("/").content.decode()
    assert 'href="/participation/"' not in client_for(citizen).get("/").content.decode()


def test_a_buildings_page_lists_the_processes_that_concerned_it(published, process, admin_user, employee,
                                                                 client_for, building, tenant):
    from torg.participation import services as participation

    draft = participation.process_create(actor=admin_user, tenant=tenant, title="Intern skisse", purpose="X",
                                         properties=[building.property])
    url = reverse("places:building_detail", args=[building.pk])
    html = client_for(employee).get(url).content.decode()
    assert "Medvirkningsprosesser som har gjeldt dette bygget" in html
    assert published.title in html and draft.title in html  # staff see drafts too, linked to the staff page
    assert reverse("participation:process_detail", args=[draft.pk]) in html
