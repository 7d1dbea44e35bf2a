"""Issue 14: a summary before confirming a booking (UI and API), and undoing a cancellation (UI and
API): only the booker, only their own cancellation, within UNDO_MINUTES, and only if the time is free."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from torg.accounts import services as account_services
from torg.booking import services
from torg.booking.models import Booking, BookingSlot
from torg.booking.states import MACHINE, UNDO_MINUTES
from torg.core import audit

from .conftest import at


def _form(**extra):
    return {"date": at(1, 10).date().isoformat(), "start_time": "10:00", "end_time": "11:00",
            "title": "Styremøte", "idempotency_key": "sum-1", **extra}


def test_the_form_shows_a_summary_and_only_the_confirmed_summary_books(client_for, citizen, resource):
    c = client_for(citizen)
    url = reverse("booking:booking_create", args=[resource.pk])
    summary = c.post(url, _form())
    html = summary.content.decode()
    assert summary.status_code == 200 and not Booking.objects.exists()
    assert 'data-testid="booking-summary"' in html
    for text in ("Møterom", "Styremøte", "Testgata 1", "Free of charge", "Cancel up to 24 hours before.",
                 "The booking is confirmed at once.", 'name="confirm"', 'value="sum-1"'):
        assert text in html, text
    back = c.post(url, _form(edit="1"))  # Change: the form again, filled in
    assert back.status_code == 200 and 'value="Styremøte"' in back.content.decode() and not Booking.objects.exists()
    done = c.post(url, _form(confirm="1"))
    assert done.status_code == 302
    assert Booking.objects.get().start == at(1, 10)


def test_a_taken_time_is_said_at_the_summary(client_for, citizen, employee, resource):
    services.booking_create(actor=employee, tenant=resource.tenant, resource=resource, start=at(1, 10), end=at(1, 11))
    response = client_for(citizen).post(reverse("booking:booking_create", args=[resource.pk]), _form())
    assert response.status_code == 422 and "already booked" in response.content.decode()
    assert Booking.objects.count() == 1


def test_the_summary_says_when_staff_must_approve(client_for, citizen, admin_user, resource):
    services.rules_update(actor=admin_user, resource=resource, requires_approval=True)
    html = client_for(citizen).post(reverse("booking:booking_create", args=[resource.pk]), _form()).content.decode()
    assert "Staff approve the booking" in html and "Confirm and send the request" in html


def _cancelled(citizen, resource, start=None):
    start = start or at(2, 10)
    booking = services.booking_create(actor=citizen, tenant=resource.tenant, resource=resource, start=start,
                                      end=start + dt.timedelta(hours=1))
    services.booking_transition(actor=citizen, booking=booking, to=Booking.Status.CANCELLED)
    booking.refresh_from_db()
    return booking


def test_the_booker_undoes_a_cancellation_through_the_page(client_for, citizen, resource):
    booking = _cancelled(citizen, resource)
    c = client_for(citizen)
    detail = c.get(reverse("booking:booking_detail", args=[booking.pk])).content.decode()
    assert reverse("booking:booking_restore", args=[booking.pk]) in detail
    response = c.post(reverse("booking:booking_restore", args=[booking.pk]))
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert BookingSlot.objects.filter(booking=booking, active=True).count() == 1
    assert audit.history_for(booking, booking.tenant).order_by("-pk").first().action == "booking_restore"
    # the time is occupied again: nobody else gets it
    with pytest.raises(ValidationError, match="already booked"):
        services.booking_create(actor=citizen, tenant=resource.tenant, resource=resource, start=booking.start,
                                end=booking.end)


def test_a_requested_booking_comes_back_as_requested(citizen, admin_user, resource):
    services.rules_update(actor=admin_user, resource=resource, requires_approval=True)
    booking = _cancelled(citizen, resource)
    services.booking_transition(actor=citizen, booking=booking, to=Booking.Status.REQUESTED)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.REQUESTED
    assert [t.target for t in MACHINE.available(booking, citizen)] == [Booking.Status.CANCELLED]


def test_no_undo_when_the_time_was_taken_after_the_window_or_for_staff_cancellations(
        client_for, citizen, employee, admin_user, resource):
    taken = _cancelled(citizen, resource)
    services.booking_create(actor=employee, tenant=resource.tenant, resource=resource, start=taken.start,
                            end=taken.end)
    page = client_for(citizen).post(reverse("booking:booking_restore", args=[taken.pk]), follow=True)
    assert "already booked" in page.content.decode()
    taken.refresh_from_db()
    assert taken.status == Booking.Status.CANCELLED

    late = _cancelled(citizen, resource, start=at(3, 10))
    after = late.updated_at + dt.timedelta(minutes=UNDO_MINUTES + 1)
    assert not MACHINE.available(late, citizen, now=after)
    with pytest.raises(ValidationError, match="within"):
        services.booking_transition(actor=citizen, booking=late, to=Booking.Status.CONFIRMED, now=after)

    by_staff = services.booking_create(actor=citizen, tenant=resource.tenant, resource=resource, start=at(4, 10),
                                       end=at(4, 11))
    services.booking_transition(actor=admin_user, booking=by_staff, to=Booking.Status.CANCELLED, reason="Stengt")
    by_staff.refresh_from_db()
    assert not MACHINE.available(by_staff, citizen)  # staff's cancellation is not the booker's to undo
    with pytest.raises(PermissionDenied):
        services.booking_transition(actor=admin_user, booking=by_staff, to=Booking.Status.CONFIRMED)


def test_api_summary_and_undo(client, citizen, employee, admin_user, resource):
    _token, key = account_services.api_token_create(actor=citizen, tenant=resource.tenant, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    body = {"resource_id": resource.pk, "start": at(1, 10).isoformat(), "end": at(1, 11).isoformat()}
    summary = client.post("/api/v1/booking/bookings/summary", json.dumps(body), content_type="application/json",
                          **auth)
    assert summary.status_code == 200, summary.content
    data = summary.json()
    assert (data["status"], data["price_nok"], data["late_fee_nok"], data["cancel_deadline_hours"],
            data["undo_minutes"]) == ("confirmed", 0, 0, 24, UNDO_MINUTES)  # no price rules: free
    assert data["address"] == "Testgata 1" and data["resource_name"] == "Møterom"
    assert not Booking.objects.exists()
    created = client.post("/api/v1/booking/bookings", json.dumps(body), content_type="application/json", **auth)
    pk = created.json()["id"]
    client.post(f"/api/v1/booking/bookings/{pk}/cancel", **auth)
    restored = client.post(f"/api/v1/booking/bookings/{pk}/restore", **auth)
    assert restored.status_code == 200 and restored.json()["status"] == "confirmed"
    _token, other = account_services.api_token_create(actor=employee, tenant=resource.tenant, name="t")
    assert client.post(f"/api/v1/booking/bookings/{pk}/restore",
                       HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 404  # not yours: not found
    taken = client.post("/api/v1/booking/bookings/summary", json.dumps(body), content_type="application/json",
                        **auth)
    assert taken.status_code == 422 and "already booked" in json.dumps(taken.json())
    # with a price rule for private persons: the summary says what it costs and the late-cancellation fee
    services.price_rule_create(actor=admin_user, tenant=resource.tenant, building=resource.building,
                               category="citizen", amount=Decimal("300"))
    later = {**body, "start": at(3, 10).isoformat(), "end": at(3, 12).isoformat()}
    priced = client.post("/api/v1/booking/bookings/summary", json.dumps(later), content_type="application/json",
                         **auth).json()
    assert (priced["price_nok"], priced["late_fee_nok"], priced["price_category"]) == (600, 600, "citizen")
