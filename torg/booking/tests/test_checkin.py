import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from torg.booking import queries, services
from torg.booking.models import Booking
from torg.core import audit

from .conftest import at


@pytest.fixture
def desk(tenant, admin_user, building):
    return services.resource_create(actor=admin_user, tenant=tenant, name="Pult 1", building=building,
                                    allow_citizens=False, checkin_minutes=15)


def test_check_in_window_and_only_the_booker(employee, citizen, desk):
    b = services.booking_create(actor=employee, tenant=desk.tenant, resource=desk, start=at(1, 9), end=at(1, 11))
    with pytest.raises(ValidationError, match="Check in between"):
        services.booking_check_in(actor=employee, booking=b, now=at(1, 8, 30))
    with pytest.raises(PermissionDenied):
        services.booking_check_in(actor=citizen, booking=b, now=at(1, 9))
    services.booking_check_in(actor=employee, booking=b, now=at(1, 8, 50))
    b.refresh_from_db()
    assert b.checked_in_at == at(1, 8, 50)
    assert services.release_no_shows(now=at(1, 9, 30)) == 0  # checked in: kept


def test_unchecked_booking_is_released_and_counted(employee, admin_user, desk, tenant):
    b = services.booking_create(actor=employee, tenant=tenant, resource=desk, start=at(1, 9), end=at(1, 11))
    assert services.release_no_shows(now=at(1, 9, 14)) == 0  # still within the 15 minutes
    assert services.release_no_shows(now=at(1, 9, 15)) == 1
    b.refresh_from_db()
    assert (b.status, b.no_show) == ("cancelled", True)
    release = audit.history_for(b, tenant).first()
    assert (release.action, release.actor) == ("booking_cancel", None)
    # the desk is free again for the rest of the time
    assert services.booking_create(actor=admin_user, tenant=tenant, resource=desk, start=at(1, 9, 30),
                                   end=at(1, 11)).status == "confirmed"
    day = at(1, 0).date()
    row = next(r for r in queries.utilisation(tenant=tenant, first=day, last=day) if r["resource"] == desk)
    assert row["no_shows"] == 1


def test_check_in_button_and_command(client_for, employee, desk, tenant):
    b = services.booking_create(actor=employee, tenant=tenant, resource=desk, start=at(1, 9), end=at(1, 11))
    page = client_for(employee).get(reverse("booking:booking_detail", args=[b.pk])).content.decode()
    assert reverse("booking:booking_check_in", args=[b.pk]) in page
    response = client_for(employee).post(reverse("booking:booking_check_in", args=[b.pk]))
    assert response.status_code == 302  # too early: a message, nothing checked in
    assert Booking.objects.get(pk=b.pk).checked_in_at is None
    out = io.StringIO()
    call_command("booking_release_no_shows", stdout=out)
    assert out.getvalue().strip() == "released 0 booking(s)"
    assert Booking.objects.get(pk=b.pk).status == "confirmed"  # it has not started yet


def test_staff_mark_a_no_show(client_for, admin_user, citizen, resource, tenant):
    """Staff record that nobody came: only once the booking has started, not after a check-in, page
    and API, audited; the booker cannot."""
    b = services.booking_create(actor=citizen, tenant=tenant, resource=resource, start=at(1, 10), end=at(1, 11))
    with pytest.raises(ValidationError, match="has started"):
        services.booking_mark_no_show(actor=admin_user, booking=b)
    with pytest.raises(PermissionDenied):
        services.booking_mark_no_show(actor=citizen, booking=b, now=b.start + dt.timedelta(minutes=30))
    services.booking_mark_no_show(actor=admin_user, booking=b, now=b.start + dt.timedelta(minutes=30))
    b.refresh_from_db()
    assert b.no_show and b.status == Booking.Status.CONFIRMED
    assert audit.history_for(b, tenant)[0].action == "booking_no_show"
    # Page and API: a booking that has started (staff booked it in the past through the service's clock).
    past = Booking.objects.filter(pk=services.booking_create(actor=citizen, tenant=tenant, resource=resource,
                                                             start=at(2, 10), end=at(2, 11)).pk)
    past.update(start=timezone.now() - dt.timedelta(hours=2), end=timezone.now() - dt.timedelta(hours=1))
    staff = client_for(admin_user)
    page = staff.get(reverse("booking:booking_detail", args=[past.get().pk])).content.decode()
    assert "Mark as no-show" in page
    staff.post(reverse("booking:booking_no_show", args=[past.get().pk]))
    assert past.get().no_show
    answer = staff.post(f"/api/v1/booking/bookings/{past.get().pk}/no-show", content_type="application/json")
    assert answer.status_code == 200 and answer.json()["no_show"] is True
    assert client_for(citizen).post(f"/api/v1/booking/bookings/{b.pk}/no-show").status_code == 403
