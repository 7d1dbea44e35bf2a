"""Quick booking of desks and meeting rooms (activity-based offices), with check-in at once."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from torg.booking import queries, services
from torg.booking.models import Booking
from torg.booking.queries import OSLO

from .conftest import at


@pytest.fixture
def desks(tenant, admin_user, building):
    return [services.resource_create(actor=admin_user, tenant=tenant, name=f"Pult {n}", building=building,
                                     allow_citizens=False, checkin_minutes=15, step_minutes=30,
                                     min_minutes=30, max_minutes=480) for n in (1, 2)]


def test_the_running_slot_can_be_booked_but_not_an_older_one(employee, desks, tenant):
    desk = desks[0]
    now = at(1, 10, 7)
    b = services.booking_quick(actor=employee, tenant=tenant, resource=desk, start=at(1, 10), end=at(1, 11),
                               now=now)
    assert (b.status, b.checked_in_at) == ("confirmed", now)  # there already: checked in at once
    with pytest.raises(ValidationError, match="The start time has passed"):
        services.booking_create(actor=employee, tenant=tenant, resource=desks[1], start=at(1, 9, 30),
                                end=at(1, 11), now=now)


def test_a_later_quick_booking_waits_for_check_in_and_is_released(employee, desks, tenant):
    b = services.booking_quick(actor=employee, tenant=tenant, resource=desks[0], start=at(1, 13), end=at(1, 14),
                               now=at(1, 10))
    assert b.checked_in_at is None
    assert services.release_no_shows(now=at(1, 13, 15)) == 1
    b.refresh_from_db()
    assert (b.status, b.no_show) == ("cancelled", True)


def test_quick_booking_is_only_for_resources_with_check_in(employee, resource, tenant):
    with pytest.raises(ValidationError, match="Quick booking is for desks"):
        services.booking_quick(actor=employee, tenant=tenant, resource=resource, start=at(1, 10), end=at(1, 11),
                               now=at(1, 9))


def test_options_show_free_busy_and_wrong_length(employee, admin_user, desks, tenant, resource):
    services.booking_create(actor=admin_user, tenant=tenant, resource=desks[1], start=at(1, 10), end=at(1, 12))
    rows = {r["resource"].name: r for r in queries.quick_options(tenant=tenant, role="employee",
                                                                 start=at(1, 10, 20), minutes=60)}
    assert set(rows) == {"Pult 1", "Pult 2"}  # the meeting room without check-in is not offered
    assert (rows["Pult 1"]["problem"], rows["Pult 1"]["start"], rows["Pult 1"]["end"]) == (None, at(1, 10),
                                                                                           at(1, 11))
    assert rows["Pult 2"]["problem"] == "busy"
    long = queries.quick_options(tenant=tenant, role="employee", start=at(1, 10), minutes=600)
    assert {r["problem"] for r in long} == {"length"}
    assert queries.quick_options(tenant=tenant, role="citizen", start=at(1, 10), minutes=60) == []


def test_quick_page_books_with_one_button_and_twice_is_once(client_for, employee, desks, tenant):
    client = client_for(employee)
    query = {"date": at(1, 0).date().isoformat(), "start_time": "10:10", "minutes": 60}
    page = client.get(reverse("booking:quick"), query)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Pult 1" in html and "Pult 2" in html and "10:00–11:00" in html  # rounded down to the time step
    data = {"resource": desks[0].pk, "start": at(1, 10).isoformat(), "minutes": 60, "idempotency_key": "k-1"}
    url = reverse("booking:quick") + "?" + "&".join(f"{k}={v}" for k, v in query.items())
    first = client.post(url, data)
    assert first.status_code == 302 and first["Location"] == url
    assert client.post(url, data).status_code == 302  # submitted twice: one booking
    booking = Booking.objects.get(resource=desks[0])
    assert (booking.booker, booking.start, booking.end, booking.checked_in_at) == (employee, at(1, 10), at(1, 11),
                                                                                   None)
    html = client.get(url).content.decode()
    assert f'name="resource" value="{desks[0].pk}"' not in html  # no longer offered as free
    assert f'name="resource" value="{desks[1].pk}"' in html


def test_todays_bookings_with_check_in(employee, desks, tenant):
    b = services.booking_quick(actor=employee, tenant=tenant, resource=desks[0], start=at(1, 13), end=at(1, 14),
                               now=at(1, 10))
    assert list(queries.my_bookings_today(tenant=tenant, user=employee, now=at(1, 10))) == [b]
    assert list(queries.my_bookings_today(tenant=tenant, user=employee, now=at(1, 14))) == []  # ended
    assert list(queries.my_bookings_today(tenant=tenant, user=employee, now=at(0, 10))) == []  # tomorrow


def test_quick_page_conflict_message_and_htmx_partial(client_for, employee, admin_user, desks, tenant,
                                                       make_member):
    colleague = make_member(tenant, "kollega", "employee")
    services.booking_create(actor=admin_user, tenant=tenant, resource=desks[0], start=at(1, 10), end=at(1, 11))
    response = client_for(colleague).post(reverse("booking:quick"), {
        "resource": desks[0].pk, "start": at(1, 10).isoformat(), "minutes": 60, "idempotency_key": "k-2"})
    assert response.status_code == 422
    assert "already booked" in response.content.decode()
    assert Booking.objects.filter(booker=colleague).count() == 0
    partial = client_for(colleague).get(reverse("booking:quick"), {"minutes": 30}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert "<html" not in partial.content.decode() and "free place" in partial.content.decode()


def test_quick_booking_is_for_staff_not_citizens(client_for, citizen, association_rep, desks):
    assert client_for(citizen).get(reverse("booking:quick")).status_code == 403
    assert client_for(association_rep).get(reverse("booking:quick")).status_code == 403
    assert reverse("booking:quick") not in client_for(citizen).get(reverse("booking:home")).content.decode()


def test_another_tenants_desk_is_404(client_for, other_admin, desks):
    response = client_for(other_admin).post(reverse("booking:quick"), {
        "resource": desks[0].pk, "start": at(1, 10).isoformat(), "minutes": 60, "idempotency_key": "k-3"})
    assert response.status_code == 404
    assert not Booking.objects.exists()
