import datetime as dt
import io
import json

from django.urls import reverse
from openpyxl import load_workbook

from torg.accounts import services as account_services
from torg.booking import queries, services
from torg.booking.models import Booking
from torg.core import audit

from .conftest import at, open_hours


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
    assert values[0][:7] == ["Building", "Resource", "Open hours", "Staffed open hours", "Meråpent open hours",
                             "Booked hours", "Utilisation (%)"]
    assert ["Testhuset", "Møterom", 10.0, 10.0, 0.0, 2.0, 20.0] in [v[:7] for v in values]
    assert client_for(citizen).get(reverse("booking:report")).status_code == 403


def test_utilisation_by_actor_type_staffed_vs_meraapent_and_no_shows(admin_user, tenant, building, citizen,
                                                                    employee, association_rep, association,
                                                                    resource, client_for):
    """Staffed 8–16, meråpent 16–22: a booking 15–17 is one staffed and one meråpent hour."""
    open_hours(admin_user, tenant, building)
    services.meraapent_agreement_sign(actor=citizen, tenant=tenant, building=building,
                                      birth_date=dt.date(1990, 1, 1), accept_terms=True)
    services.booking_create(actor=citizen, tenant=tenant, resource=resource, start=at(1, 15), end=at(1, 17))
    services.booking_create(actor=association_rep, tenant=tenant, resource=resource, start=at(1, 9),
                            end=at(1, 12), organisation=association)
    services.booking_create(actor=employee, tenant=tenant, resource=resource, start=at(1, 12), end=at(1, 13))
    services.booking_create(actor=admin_user, tenant=tenant, resource=resource, start=at(1, 13), end=at(1, 14),
                            org_unit=_unit(tenant, admin_user))
    released = services.booking_create(actor=employee, tenant=tenant, resource=resource, start=at(1, 8),
                                       end=at(1, 9))
    Booking.objects.filter(pk=released.pk).update(no_show=True, status=Booking.Status.CANCELLED)
    day = at(1, 0).date()
    rows = queries.utilisation(tenant=tenant, first=day, last=day)
    row = next(r for r in rows if r["resource"] == resource)
    assert (row["open_hours"], row["open_staffed_hours"], row["open_meraapent_hours"]) == (14.0, 8.0, 6.0)
    assert (row["booked_hours"], row["staffed_hours"], row["meraapent_hours"]) == (7.0, 6.0, 1.0)
    assert (row["citizen_hours"], row["association_hours"], row["employee_hours"], row["unit_hours"]) == (
        2.0, 3.0, 1.0, 1.0)
    assert row["percent"] == 50.0 and row["no_shows"] == 1
    building_row = next(b for b in queries.utilisation_by_building(rows) if b["building"] == building)
    assert building_row["booked_hours"] == 7.0 and building_row["association_hours"] == 3.0
    page = client_for(admin_user).get(reverse("booking:report"), {"from": day.isoformat(), "to": day.isoformat()})
    html = page.content.decode()
    assert '<svg role="img" aria-labelledby="chart-title"' in html
    assert 'class="torg-booking-bar-association"' in html and "Municipal units" in html
    assert "<th scope=\"col\" class=\"torg-num\">Associations</th>" in html


def _unit(tenant, user):
    from torg.accounts.models import Membership, OrgUnit

    unit = OrgUnit.objects.create(tenant=tenant, name="Oppvekst", kind=OrgUnit.Kind.SECTOR)
    Membership.objects.filter(tenant=tenant, user=user).update(org_unit=unit)
    return unit


def test_api_get_approve_reject_and_resource_filters(client, tenant, citizen, employee, admin_user, resource,
                                                     make_member):
    services.rules_update(actor=admin_user, resource=resource, requires_approval=True,
                          equipment=["projector"])
    citizen_auth = {"HTTP_AUTHORIZATION": f"Bearer {_token(citizen, tenant)}"}
    staff_auth = {"HTTP_AUTHORIZATION": f"Bearer {_token(admin_user, tenant)}"}
    other = make_member(tenant, "nabo", "citizen")
    other_auth = {"HTTP_AUTHORIZATION": f"Bearer {_token(other, tenant)}"}
    listed = client.get("/api/v1/booking/resources", {"equipment": "Projector"}, **citizen_auth).json()
    assert [(r["name"], r["equipment"], r["step_minutes"]) for r in listed] == [("Møterom", ["projector"], 30)]
    assert client.get("/api/v1/booking/resources", {"equipment": "kitchen"}, **citizen_auth).json() == []
    first = services.booking_create(actor=citizen, tenant=tenant, resource=resource, start=at(1, 10), end=at(1, 11))
    second = services.booking_create(actor=citizen, tenant=tenant, resource=resource, start=at(2, 10),
                                     end=at(2, 11))
    assert client.get(f"/api/v1/booking/bookings/{first.pk}", **citizen_auth).json()["status"] == "requested"
    assert client.get(f"/api/v1/booking/bookings/{first.pk}", **other_auth).status_code == 404
    assert client.post(f"/api/v1/booking/bookings/{first.pk}/approve", **citizen_auth).status_code == 403
    approved = client.post(f"/api/v1/booking/bookings/{first.pk}/approve", **staff_auth)
    assert approved.status_code == 200 and approved.json()["status"] == "confirmed"
    no_reason = client.post(f"/api/v1/booking/bookings/{second.pk}/reject", data=json.dumps({}),
                            content_type="application/json", **staff_auth)
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["detail"]
    rejected = client.post(f"/api/v1/booking/bookings/{second.pk}/reject", data=json.dumps({"reason": "Full"}),
                           content_type="application/json", **staff_auth)
    assert rejected.json()["status"] == "rejected"
    assert audit.history_for(second, second.tenant).first().comment == "Full"
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/booking/bookings/{pk}/approve", "/api/v1/booking/bookings/{pk}/reject",
            "/api/v1/booking/doors/verify"} <= set(schema["paths"])
