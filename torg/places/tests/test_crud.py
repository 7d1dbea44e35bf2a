"""Creating, editing, archiving and restoring places through the UI forms."""

import pytest
from django.urls import reverse

from torg.core.models import AuditEvent
from torg.places.models import Building, Floor, Property, Room

pytestmark = pytest.mark.django_db


def _counts():
    return (Property.objects.count(), Building.objects.count(), Floor.objects.count(), Room.objects.count(),
            AuditEvent.objects.count())


def test_create_property_building_floor_room(tenant, property_manager, en_client):
    client = en_client(property_manager)
    # A browser submits every field, empty ones as "".
    response = client.post(reverse("places:property_create"), {
        "gnr": "12", "bnr": "345", "fnr": "", "snr": "", "name": "Rådhuskvartalet", "address": "Rådhusgata 1",
        "postal_code": "9000", "postal_place": "Storvik",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    prop = Property.objects.get(tenant=tenant)
    assert (prop.gnr, prop.bnr, prop.fnr, prop.snr) == (12, 345, 0, 0)

    response = client.post(reverse("places:building_create"), {
        "property": prop.pk, "building_number": "300123456", "name": "Rådhuset", "address": "Rådhusgata 1",
        "year_built": "1978", "gross_area": "37700", "use": "office", "strategic_category": "A",
    })
    building = Building.objects.get(tenant=tenant)
    assert response.status_code == 302 and response["Location"] == reverse("places:building_detail",
                                                                           args=[building.pk])
    assert building.property == prop and building.gross_area == 37700

    response = client.post(reverse("places:floor_create", args=[building.pk]), {"level": "0", "name": "Innbyggertorg"})
    assert response.status_code == 302
    floor = Floor.objects.get(building=building)
    assert floor.tenant == tenant and floor.level == 0

    response = client.post(reverse("places:room_create", args=[building.pk]), {
        "floor": floor.pk, "number": "0.012", "name": "Møterom Fjorden", "function": "meeting",
        "net_area": "24.5", "capacity": "10",
    })
    room = Room.objects.get(floor=floor)
    assert response.status_code == 302 and response["Location"] == reverse("places:room_detail", args=[room.pk])
    assert room.building == building and room.tenant == tenant and str(room.net_area) == "24.5"

    detail = client.get(reverse("places:building_detail", args=[building.pk])).content.decode()
    for text in ("Rådhuset", "300123456", "12/345", "1978", "Møterom Fjorden", "0.012"):
        assert text in detail, text

    events = AuditEvent.objects.filter(tenant=tenant, action__endswith="_create", actor=property_manager)
    assert {(e.object_type, e.action) for e in events} >= {
        ("places.property", "property_create"), ("places.building", "building_create"), ("places.floor", "floor_create"),
        ("places.room", "room_create")}
    room_event = events.get(object_type="places.room")
    assert room_event.changes["number"] == [None, "0.012"] and room_event.object_id == str(room.pk)


def test_edit_records_the_changed_fields(building, tenant, property_manager, en_client):
    client = en_client(property_manager)
    room = Room.objects.get(number="0.01")
    response = client.post(reverse("places:room_edit", args=[room.pk]), {
        "floor": room.floor_id, "number": "0.01", "name": "Storsalen", "function": "meeting",
        "net_area": "20.0", "capacity": "40",
    })
    assert response.status_code == 302
    room.refresh_from_db()
    assert room.name == "Storsalen" and room.capacity == 40
    event = AuditEvent.objects.filter(object_type="places.room", object_id=str(room.pk), action="room_update").get()
    assert event.actor == property_manager
    assert event.changes == {"name": ["Møterom", "Storsalen"], "capacity": [8, 40]}
    # The room page shows the history.
    page = client.get(reverse("places:room_detail", args=[room.pk])).content.decode()
    assert "Storsalen" in page

    response = client.post(reverse("places:building_edit", args=[building.pk]), {
        "property": building.property_id, "building_number": "1001", "name": "Testhuset", "use": "school",
        "strategic_category": "C", "year_built": "1960", "gross_area": "1200.0", "address": "",
    })
    assert response.status_code == 302
    event = AuditEvent.objects.filter(object_type="places.building", action="building_update").get()
    assert event.changes == {"use": ["office", "school"], "strategic_category": ["A", "C"],
                             "year_built": [None, 1960]}


def test_archive_and_restore(building, tenant, admin_user, en_client):
    client = en_client(admin_user)
    first_event = AuditEvent.objects.order_by("-id").first().id
    room = Room.objects.get(number="1.01")
    floor = room.floor
    # A floor with active rooms cannot be archived: clear message, nothing changed.
    response = client.post(reverse("places:floor_archive", args=[floor.pk]), follow=True)
    assert "Archive or move the rooms on this floor first." in response.content.decode()
    floor.refresh_from_db()
    assert not floor.archived

    room_link = f'href="{reverse("places:room_detail", args=[room.pk])}"'
    assert room_link in client.get(reverse("places:room_list") + "?q=1.01").content.decode()
    client.post(reverse("places:room_archive", args=[room.pk]))
    room.refresh_from_db()
    assert room.archived
    assert room_link not in client.get(reverse("places:room_list") + "?q=1.01").content.decode()
    client.post(reverse("places:floor_archive", args=[floor.pk]))
    floor.refresh_from_db()
    assert floor.archived

    # Property with an active building cannot be archived.
    response = client.post(reverse("places:property_archive", args=[building.property_id]), follow=True)
    assert "Archive the property&#x27;s buildings first." in response.content.decode()
    client.post(reverse("places:building_archive", args=[building.pk]))
    building.refresh_from_db()
    assert building.archived
    assert building.name not in client.get(reverse("places:building_list")).content.decode()
    assert building.name in client.get(reverse("places:building_list") + "?archived=1").content.decode()

    client.post(reverse("places:building_archive", args=[building.pk]))  # toggles back
    client.post(reverse("places:floor_archive", args=[floor.pk]))
    client.post(reverse("places:room_archive", args=[room.pk]))
    building.refresh_from_db()
    room.refresh_from_db()
    assert not building.archived and not room.archived
    events = AuditEvent.objects.filter(actor=admin_user, id__gt=first_event).order_by("id")
    actions = list(events.values_list("object_type", "action"))
    assert actions == [
        ("places.room", "room_archive"), ("places.floor", "floor_archive"), ("places.building", "building_archive"),
        ("places.building", "building_restore"), ("places.floor", "floor_restore"), ("places.room", "room_restore"),
    ]
    assert AuditEvent.objects.filter(action="room_archive", object_type="places.room").get().changes == {
        "archived": [False, True]}


def test_duplicate_room_number_is_refused_with_a_clear_message(building, property_manager, en_client):
    client = en_client(property_manager)
    floor = building.floors.get(level=1)
    before = _counts()
    response = client.post(reverse("places:room_create", args=[building.pk]), {
        "floor": floor.pk, "number": "0.01", "name": "Kopi", "function": "office",
    })
    assert response.status_code == 422
    assert "A room with this number already exists in the building." in response.content.decode()
    assert _counts() == before
    # Editing another room to take the number is refused too.
    other = Room.objects.get(number="0.02")
    response = client.post(reverse("places:room_edit", args=[other.pk]), {
        "floor": other.floor_id, "number": "0.01", "function": "office",
    })
    assert response.status_code == 422
    other.refresh_from_db()
    assert other.number == "0.02" and _counts() == before


@pytest.mark.parametrize(
    "url_name, data, message",
    [
        ("places:property_create", {"gnr": "1", "bnr": "1"}, "A property with this gnr/bnr is already registered."),
        ("places:property_create", {"gnr": "0", "bnr": "1"}, "greater than or equal to 1"),
        ("places:building_create", {"name": "", "use": "office"}, "This field is required."),
        ("places:building_create", {"name": "X", "use": "office", "building_number": "1001"},
         "A building with this building number is already registered."),
        ("places:building_create", {"name": "X", "use": "office", "year_built": "850"},
         "greater than or equal to 1000"),
        ("places:building_create", {"name": "X", "use": "castle"}, "Select a valid choice."),
        ("places:floor_create", {"level": "1"}, "The building already has a floor at this level."),
        ("places:floor_create", {"level": "500"}, "less than or equal to 200"),
        ("places:room_create", {"number": "9.99", "net_area": "-3", "function": "office"},
         "greater than or equal to 0"),
    ],
)
def test_validation_errors_write_nothing(url_name, data, message, building, property_manager, en_client):
    client = en_client(property_manager)
    data = dict(data)
    if url_name == "places:building_create":
        data.setdefault("property", building.property_id)
        url = reverse(url_name)
    elif url_name in ("places:floor_create", "places:room_create"):
        data.setdefault("floor", building.floors.first().pk)
        url = reverse(url_name, args=[building.pk])
    else:
        url = reverse(url_name)
    before = _counts()
    response = client.post(url, data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert _counts() == before


def test_building_form_offers_only_own_properties(building, other_building, admin_user, en_client):
    client = en_client(admin_user)
    response = client.post(reverse("places:building_create"), {
        "property": other_building.property_id, "name": "Snik", "use": "office"})
    assert response.status_code == 422
    assert "Select a valid choice." in response.content.decode()
    assert not Building.objects.filter(name="Snik").exists()


def test_room_form_offers_only_floors_of_the_building(building, other_building, admin_user, en_client):
    client = en_client(admin_user)
    foreign_floor = other_building.floors.first()
    response = client.post(reverse("places:room_create", args=[building.pk]), {
        "floor": foreign_floor.pk, "number": "X.1", "function": "office"})
    assert response.status_code == 422
    assert not Room.objects.filter(number="X.1").exists()


def test_search_finds_buildings_rooms_and_properties(building, employee, en_client):
    client = en_client(employee)
    body = client.get(reverse("places:search") + "?q=Klasserom").content.decode()
    assert reverse("places:room_detail", args=[Room.objects.get(number="1.01").pk]) in body
    body = client.get(reverse("places:search") + "?q=1/1").content.decode()
    assert "Testgata 1" in body


def test_nothing_new_or_restored_under_an_archived_parent(building, tenant, admin_user, en_client):
    """A room on an archived floor (or a building on an archived property) would drop out of the pages."""
    from django.core.exceptions import ValidationError

    from torg.places import services

    client = en_client(admin_user)
    room = Room.objects.get(number="1.01")
    floor = room.floor
    services.room_set_archived(actor=admin_user, room=room, archived=True)
    services.floor_set_archived(actor=admin_user, floor=floor, archived=True)
    response = client.post(reverse("places:room_archive", args=[room.pk]), follow=True)  # try to restore
    assert "is archived; restore it first." in response.content.decode()
    room.refresh_from_db()
    assert room.archived
    with pytest.raises(ValidationError):
        services.room_create(actor=admin_user, tenant=tenant, floor=floor, number="1.02")
    with pytest.raises(ValidationError):
        services.room_update(actor=admin_user, room=Room.objects.get(number="0.01"), floor=floor)

    services.building_set_archived(actor=admin_user, building=building, archived=True)
    prop = building.property
    services.property_set_archived(actor=admin_user, prop=prop, archived=True)
    with pytest.raises(ValidationError):
        services.building_set_archived(actor=admin_user, building=Building.objects.get(pk=building.pk),
                                       archived=False)
    with pytest.raises(ValidationError):
        services.building_create(actor=admin_user, tenant=tenant, property=prop, name="Nytt")
    services.property_set_archived(actor=admin_user, prop=prop, archived=False)
    services.building_set_archived(actor=admin_user, building=Building.objects.get(pk=building.pk), archived=False)
    assert not Building.objects.get(pk=building.pk).archived


def test_building_page_shows_totals_and_leaves_out_archived_rooms(building, admin_user, en_client):
    from torg.places import services

    client = en_client(admin_user)
    url = reverse("places:building_detail", args=[building.pk])
    response = client.get(url)
    assert response.context["totals"]["rooms"] == 3
    assert response.context["totals"]["net_area"] == 92 and response.context["totals"]["capacity"] == 38
    body = response.content.decode()
    assert "92 m²" in body and "38 persons" in body
    ground = next(f for f in response.context["floors"] if f.level == 0)
    assert (ground.net_area_total, ground.capacity_total) == (32, 10)

    services.room_set_archived(actor=admin_user, room=Room.objects.get(number="1.01"), archived=True)
    response = client.get(url)
    assert response.context["totals"]["rooms"] == 2 and response.context["totals"]["capacity"] == 10
    assert "Klasserom" not in response.content.decode()
    assert "Klasserom" in client.get(url + "?archived=1").content.decode()
