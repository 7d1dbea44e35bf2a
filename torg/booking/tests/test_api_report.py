import datetime as dt
import io
import json

from django.urls import reverse
from openpyxl import load_workbook

from torg.accounts import services as account_services
from torg.booking import queries, services
from torg.booking.models import Booking

from .conftest import at


def _token(user, tenant):
    return account_services.api_token_create(actor=user, tenant=tenant, name="t")[1]


def test_api_resources_busy_book_and_cancel(client, tenant, citizen, employee, resource, hall):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {_token(citizen, tenant)}"}
    listed = client.get("/api/v1/booking/resources", **auth).json()
    assert {r["name"] for r in listed} >= {"Møterom", "Gymsal", "Gymsal A"}
    body = {"resource_id": resource.pk, "start": at(1, 10).isoformat(), "end": at(1, 11).isoformat(),
            "idempotency_key": "api-1"}
    created = client.post("/api/v1/booking/bookings", data=json.dumps(body), content_type="application/json", **auth)
    assert created.status_code == 201, created.content
    again = client.post("/api/v1/booking/bookings", data=json.dumps(body), content_type="application/json", **auth)
    assert again.json()["id"] == created.json()["id"]
    other_auth = {"HTTP_AUTHORIZATION": f"Bearer {_token(employee, tenant)}"}
    conflict = client.post("/api/v1/booking/bookings", data=json.dumps({**body, "idempotency_key": "x"}),
                           content_type="application/json", **other_auth)
    assert conflict.status_code == 422 and "already booked" in json.dumps(conflict.json())
    whole, a, _b = hall
    services.booking_create(actor=employee, tenant=tenant, resource=a, start=at(2, 18), end=at(2, 19))
    busy = client.get(f"/api/v1/booking/resources/{whole.pk}/busy",
                      {"start": at(2, 0).isoformat(), "end": at(3, 0).isoformat()}, **auth).json()
    assert [dt.datetime.fromisoformat(x["start"]) for x in busy] == [at(2, 18)]
    pk = created.json()["id"]
    assert client.post(f"/api/v1/booking/bookings/{pk}/cancel", **other_auth).status_code == 403
    assert client.post(f"/api/v1/booking/bookings/{pk}/cancel", **auth).json()["status"] == "cancelled"
    assert [b["id"] for b in client.get("/api/v1/booking/bookings", **auth).json()] == [pk]


def test_api_other_tenant_sees_nothing(client, other_admin, other_tenant, resource):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {_token(other_admin, other_tenant)}"}
    assert client.get("/api/v1/booking/resources", **auth).json() == []
    assert client.get(f"/api/v1/booking/resources/{resource.pk}/busy",
                      {"start": at(1, 0).isoformat(), "end": at(2, 0).isoformat()}, **auth).status_code == 404


def test_utilisation_counts_confirmed_hours_against_open_hours(admin_user, tenant, building, citizen, resource,
                                                               client_for):
    for weekday in range(7):
        services.opening_hours_add(actor=admin_user, tenant=tenant, building=building, weekday=weekday,
                                   opens=dt.time(8), closes=dt.time(18))
    services.booking_create(actor=citizen, tenant=tenant, resource=resource, start=at(1, 10), end=at(1, 12))
    cancelled = services.booking_create(actor=citizen, tenant=tenant, resource=resource, start=at(1, 13),
                                        end=at(1, 14))
    services.booking_transition(actor=citizen, booking=cancelled, to=Booking.Status.CANCELLED)
    day = at(1, 0).date()
    row = next(r for r in queries.utilisation(tenant=tenant, first=day, last=day) if r["resource"] == resource)
    assert (row["open_hours"], row["booked_hours"], row["percent"], row["personal_hours"]) == (10.0, 2.0, 20.0, 2.0)
    c = client_for(admin_user)
    assert "20.0" in c.get(reverse("booking:report"), {"from": day.isoformat(), "to": day.isoformat()}).content.decode()
    xlsx = c.get(reverse("booking:report"), {"from": day.isoformat(), "to": day.isoformat(), "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert values[0][:5] == ["building", "resource", "open_hours", "booked_hours", "percent"]
    assert ["Testhuset", "Møterom", 10.0, 2.0, 20.0] in [v[:5] for v in values]
    assert client_for(citizen).get(reverse("booking:report")).status_code == 403
