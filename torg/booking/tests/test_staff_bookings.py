"""Staff list of every booking: filters, sorting, pagination, export, permissions, tenancy, API."""

import io

import openpyxl
import pytest
from django.urls import reverse

from torg.booking import services
from torg.booking.models import Booking

from .conftest import at

URL = reverse("booking:staff_bookings")


@pytest.fixture
def bookings(tenant, admin_user, citizen, association_rep, association, resource, hall):
    whole, a, _b = hall
    services.rules_update(actor=admin_user, resource=a, requires_approval=True)
    made = {
        "citizen": services.booking_create(actor=citizen, tenant=tenant, resource=resource, start=at(1, 10),
                                           end=at(1, 11), title="Styremøte"),
        "club": services.booking_create(actor=association_rep, tenant=tenant, resource=a, start=at(3, 18),
                                        end=at(3, 19), organisation=association),
        "late": services.booking_create(actor=citizen, tenant=tenant, resource=resource, start=at(9, 10),
                                        end=at(9, 11)),
    }
    services.booking_transition(actor=citizen, booking=made["late"], to=Booking.Status.CANCELLED)
    return made


def _ids(response):
    return [b.pk for b in response.context["page_obj"]]


def test_staff_filter_the_bookings(client_for, admin_user, bookings, hall, building, resource):
    c = client_for(admin_user)
    everything = c.get(URL)
    assert everything.status_code == 200
    assert _ids(everything) == [bookings["citizen"].pk, bookings["club"].pk, bookings["late"].pk]
    assert _ids(c.get(URL, {"first": at(2, 0).date(), "last": at(4, 0).date()})) == [bookings["club"].pk]
    assert _ids(c.get(URL, {"status": "cancelled"})) == [bookings["late"].pk]
    assert _ids(c.get(URL, {"status": "requested"})) == [bookings["club"].pk]
    assert _ids(c.get(URL, {"q": "testvik"})) == [bookings["club"].pk]  # organisation name
    assert _ids(c.get(URL, {"q": "974760673"})) == [bookings["club"].pk]  # organisation number
    assert _ids(c.get(URL, {"q": "innbygger"})) == [bookings["citizen"].pk, bookings["late"].pk]
    assert _ids(c.get(URL, {"q": "styremøte"})) == [bookings["citizen"].pk]  # purpose
    whole, _a, _b = hall
    assert _ids(c.get(URL, {"resource": whole.pk})) == [bookings["club"].pk]  # a part of the hall
    assert _ids(c.get(URL, {"building": building.pk, "sort": "-start"})) == [
        bookings["late"].pk, bookings["club"].pk, bookings["citizen"].pk]
    page = c.get(URL, {"q": "testvik"}).content.decode()
    assert reverse("booking:booking_detail", args=[bookings["club"].pk]) in page
    bad = c.get(URL, {"first": at(4, 0).date(), "last": at(2, 0).date()})
    assert bad.status_code == 422 and _ids(bad) == []


def test_the_list_is_paginated(client_for, admin_user, tenant, resource):
    for day in range(55):
        services.booking_create(actor=admin_user, tenant=tenant, resource=resource, start=at(day, 8),
                                end=at(day, 9))
    c = client_for(admin_user)
    first, second = c.get(URL), c.get(URL, {"page": 2})
    assert len(_ids(first)) == 50 and len(_ids(second)) == 5
    assert set(_ids(first)).isdisjoint(_ids(second))


def test_export_the_filtered_bookings_as_xlsx(client_for, admin_user, bookings):
    response = client_for(admin_user).get(URL, {"status": "confirmed", "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Booking", "Building", "Resource")
    assert [r[0] for r in rows[1:]] == [bookings["citizen"].pk]
    assert rows[1][2] == "Møterom" and rows[1][9] == "Styremøte"


def test_only_staff_of_the_tenant_see_the_list(client_for, employee, citizen, other_admin, admin_user, bookings):
    assert client_for(citizen).get(URL).status_code == 403
    assert client_for(employee).get(URL).status_code == 403
    other = client_for(other_admin).get(URL)
    assert other.status_code == 200 and _ids(other) == []  # Andrevik sees none of Testvik's bookings


def test_api_search_uses_the_same_filters(client_for, admin_user, citizen, other_admin, bookings, hall):
    c = client_for(admin_user)
    data = c.get("/api/v1/booking/bookings/search", {"q": "testvik"}).json()
    assert data["count"] == 1 and [b["id"] for b in data["items"]] == [bookings["club"].pk]
    data = c.get("/api/v1/booking/bookings/search", {"sort": "-start", "limit": 2}).json()
    assert data["count"] == 3 and [b["id"] for b in data["items"]] == [bookings["late"].pk, bookings["club"].pk]
    whole, _a, _b = hall
    assert [b["id"] for b in c.get("/api/v1/booking/bookings/search", {"resource_id": whole.pk}).json()[
        "items"]] == [bookings["club"].pk]
    assert c.get("/api/v1/booking/bookings/search", {"status": "nonsense"}).status_code == 422
    assert client_for(citizen).get("/api/v1/booking/bookings/search").status_code == 403
    assert client_for(other_admin).get("/api/v1/booking/bookings/search", {"resource_id": whole.pk}).status_code == 404
    # a citizen's own list takes the same date and status filters
    mine = client_for(citizen).get("/api/v1/booking/bookings", {"status": "confirmed"}).json()
    assert [b["id"] for b in mine] == [bookings["citizen"].pk]
