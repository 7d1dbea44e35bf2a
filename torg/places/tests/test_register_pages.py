"""Browsing the register: property pages for everyone on the staff, finding archived properties
again, and search results that say how many there are."""

import pytest
from django.urls import reverse

from torg.places import services

pytestmark = pytest.mark.django_db


def test_employee_sees_a_property_with_its_buildings_but_cannot_change_it(building, employee, en_client):
    client = en_client(employee)
    prop = building.property
    listing = client.get(reverse("places:property_list")).content.decode()
    assert reverse("places:property_detail", args=[prop.pk]) in listing

    page = client.get(reverse("places:property_detail", args=[prop.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Testhuset" in body and "1,200 m²" in body  # its building and the property's total BTA
    assert reverse("places:property_edit", args=[prop.pk]) not in body
    assert client.get(reverse("places:property_edit", args=[prop.pk])).status_code == 403


def test_building_page_links_to_its_property(building, employee, en_client):
    body = en_client(employee).get(reverse("places:building_detail", args=[building.pk])).content.decode()
    assert reverse("places:property_detail", args=[building.property_id]) in body


def test_archived_property_can_be_found_and_restored(tenant, admin_user, en_client):
    prop = services.property_create(actor=admin_user, tenant=tenant, gnr=40, bnr=2, name="Gamle tomta")
    client = en_client(admin_user)
    response = client.post(reverse("places:property_archive", args=[prop.pk]))
    assert response["Location"] == reverse("places:property_detail", args=[prop.pk])

    assert "Gamle tomta" not in client.get(reverse("places:property_list")).content.decode()
    with_archived = client.get(reverse("places:property_list"), {"archived": "1"}).content.decode()
    assert "Gamle tomta" in with_archived and "Archived" in with_archived

    detail = client.get(reverse("places:property_detail", args=[prop.pk])).content.decode()
    assert "Restore" in detail
    client.post(reverse("places:property_archive", args=[prop.pk]))
    prop.refresh_from_db()
    assert not prop.archived


def test_property_list_filters_by_gnr_bnr_and_answers_htmx_with_the_table(tenant, admin_user, en_client):
    services.property_create(actor=admin_user, tenant=tenant, gnr=12, bnr=345, name="Rådhuskvartalet")
    services.property_create(actor=admin_user, tenant=tenant, gnr=12, bnr=346, name="Skoletomta")
    client = en_client(admin_user)
    body = client.get(reverse("places:property_list"), {"q": "12/346"}).content.decode()
    assert "Skoletomta" in body and "Rådhuskvartalet" not in body
    partial = client.get(reverse("places:property_list"), {"q": "Rådhus"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Rådhuskvartalet" in partial and "<html" not in partial


def test_property_edit_and_create_return_to_the_property(tenant, admin_user, en_client):
    client = en_client(admin_user)
    response = client.post(reverse("places:property_create"), {"gnr": "3", "bnr": "4", "name": "Ny tomt"})
    from torg.places.models import Property

    prop = Property.objects.get(tenant=tenant, gnr=3, bnr=4)
    assert response["Location"] == reverse("places:property_detail", args=[prop.pk])
    response = client.post(reverse("places:property_edit", args=[prop.pk]), {"gnr": "3", "bnr": "4", "name": "Tomta"})
    assert response["Location"] == reverse("places:property_detail", args=[prop.pk])
    assert ">Changed<" in client.get(response["Location"]).content.decode()


def test_buildings_are_found_by_the_gnr_bnr_of_their_property(building, employee, en_client):
    body = en_client(employee).get(reverse("places:building_list"), {"q": "1/1"}).content.decode()
    assert "Testhuset" in body


def test_search_says_when_there_are_more_and_links_to_all(tenant, admin_user, building, en_client):
    floor = building.floors.get(level=1)
    for i in range(25):
        services.room_create(actor=admin_user, tenant=tenant, floor=floor, number=f"K{i:02}", name="Kontorplass")
    body = en_client(admin_user).get(reverse("places:search"), {"q": "Kontorplass"}).content.decode()
    assert "Rooms (20+)" in body
    assert body.count("Kontorplass</a>") == 20
    assert f'{reverse("places:room_list")}?q=Kontorplass' in body and "Show all rooms" in body
    full = en_client(admin_user).get(reverse("places:room_list"), {"q": "Kontorplass"})
    assert full.context["page_obj"].paginator.count == 25
    small = en_client(admin_user).get(reverse("places:search"), {"q": "Møterom"}).content.decode()
    assert "Rooms (1)" in small and "Show all" not in small


def test_a_large_building_folds_its_floors_and_finds_a_room(building, admin_user, employee, en_client):
    """Issue 14: a building with hundreds of rooms summarises each floor (rooms, area) folded; the search
    by number, name or function opens only the floors with matches."""
    floor = building.floors.get(level=1)
    for i in range(45):
        services.room_create(actor=admin_user, tenant=building.tenant, floor=floor, number=f"1.{i + 10:02d}",
                             name=f"Kontor {i}", net_area=10, function="office")
    services.room_create(actor=admin_user, tenant=building.tenant, floor=floor, number="1.99", name="Garderobe",
                         function="toilet")
    client = en_client(employee)
    url = reverse("places:building_detail", args=[building.pk])
    html = client.get(url).content.decode()
    assert html.count('data-testid="floor"') == 2 and 'data-testid="floor" open' not in html  # folded
    assert "47 rooms, 510 m²" in html  # floor 1: 45 offices, 1.01 and the toilet
    found = client.get(url, {"q": "toilet"}).content.decode()  # a function, in the UI's language
    assert found.count('data-testid="floor" open') == 1 and "1.99" in found and "1.10" not in found
    assert "1 room matches" in found
    by_number = client.get(url, {"q": "0.02"}).content.decode()
    assert "Kontor" in by_number and "1.99" not in by_number and by_number.count('data-testid="floor"') == 1
    assert "No room matches the search." in client.get(url, {"q": "zzz"}).content.decode()
