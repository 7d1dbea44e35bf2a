import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from torg.booking import queries, services
from torg.booking.models import Booking, BookingSlot, Notification
from torg.core import audit

from .conftest import at

S = Booking.Status


def book(actor, resource, start, end, **kw):
    return services.booking_create(actor=actor, tenant=resource.tenant, resource=resource, start=start, end=end,
                                   **kw)


def test_citizen_books_a_free_slot(citizen, resource):
    b = book(citizen, resource, at(1, 10), at(1, 11))
    assert b.status == S.CONFIRMED
    assert list(b.slots.values_list("unit_id", "active")) == [(resource.pk, True)]
    [created] = audit.history_for(b, b.tenant)
    assert (created.action, created.changes["status"]) == ("booking_create", [None, S.CONFIRMED])


def test_overlap_is_a_conflict_but_touching_is_not(citizen, employee, resource):
    book(citizen, resource, at(1, 10), at(1, 11))
    with pytest.raises(ValidationError) as exc:
        book(employee, resource, at(1, 10, 30), at(1, 11, 30))
    assert "already booked" in exc.value.messages[0]
    assert book(employee, resource, at(1, 11), at(1, 12)).status == S.CONFIRMED  # half-open [start, end)


def test_buffers_extend_the_blocked_time(admin_user, citizen, employee, resource):
    services.rules_update(actor=admin_user, resource=resource, buffer_after=30)
    book(citizen, resource, at(1, 10), at(1, 11))
    with pytest.raises(ValidationError):
        book(employee, resource, at(1, 11), at(1, 12))
    assert book(employee, resource, at(1, 11, 30), at(1, 12))


def test_divisible_hall_whole_blocks_parts_and_parts_block_whole(citizen, employee, hall):
    whole, a, b = hall
    assert sorted(u.pk for u in queries.units_of(whole)) == sorted([a.pk, b.pk])
    book(citizen, a, at(2, 18), at(2, 19))
    with pytest.raises(ValidationError):
        book(employee, whole, at(2, 18, 30), at(2, 19, 30))
    assert book(employee, b, at(2, 18), at(2, 19))  # the other half is free
    whole_booking = book(employee, whole, at(2, 20), at(2, 21))
    assert whole_booking.slots.count() == 2
    with pytest.raises(ValidationError):
        book(citizen, b, at(2, 20), at(2, 20, 30))


def test_rules_window_duration_step_and_role(admin_user, citizen, employee, resource):
    with pytest.raises(ValidationError, match="ahead"):
        book(citizen, resource, at(120, 10), at(120, 11))
    with pytest.raises(ValidationError, match="between"):
        book(citizen, resource, at(1, 10), at(1, 10, 15) + dt.timedelta(minutes=0))
    with pytest.raises(ValidationError, match="steps"):
        book(citizen, resource, at(1, 10, 10), at(1, 11, 10))
    with pytest.raises(ValidationError, match="end after"):
        book(citizen, resource, at(1, 11), at(1, 10))
    services.rules_update(actor=admin_user, resource=resource, allow_citizens=False)
    with pytest.raises(ValidationError, match="cannot book"):
        book(citizen, resource, at(1, 10), at(1, 11))
    assert book(employee, resource, at(1, 10), at(1, 11))


def test_start_in_the_past_is_refused(citizen, resource):
    with pytest.raises(ValidationError, match="passed"):
        book(citizen, resource, at(-14, 10), at(-14, 11))


def test_other_tenants_member_cannot_book(other_admin, resource):
    with pytest.raises(PermissionDenied):
        book(other_admin, resource, at(1, 10), at(1, 11))


def test_opening_hours_and_closed_days(admin_user, tenant, building, citizen, resource):
    for weekday in range(5):
        services.opening_hours_add(actor=admin_user, tenant=tenant, building=building, weekday=weekday,
                                   opens=dt.time(8), closes=dt.time(16))
    with pytest.raises(ValidationError, match="closed"):
        book(citizen, resource, at(1, 15, 30), at(1, 16, 30))
    with pytest.raises(ValidationError, match="closed"):
        book(citizen, resource, at(5, 10), at(5, 11))  # Saturday
    services.opening_exception_add(actor=admin_user, tenant=tenant, building=building, date=at(2, 0).date(),
                                   note="Holiday")
    with pytest.raises(ValidationError, match="closed"):
        book(citizen, resource, at(2, 10), at(2, 11))
    assert book(citizen, resource, at(1, 8), at(1, 16))


def test_on_behalf_of_an_organisation_needs_representation(association_rep, citizen, resource, association):
    b = book(association_rep, resource, at(1, 10), at(1, 11), organisation=association)
    assert b.organisation == association
    with pytest.raises(ValidationError, match="represent"):
        book(citizen, resource, at(1, 12), at(1, 13), organisation=association)


def test_idempotency_key_returns_the_first_booking(citizen, resource):
    first = book(citizen, resource, at(1, 10), at(1, 11), idempotency_key="k-1")
    again = book(citizen, resource, at(1, 10), at(1, 11), idempotency_key="k-1")
    assert again.pk == first.pk
    assert Booking.objects.count() == 1


def test_approval_flow_with_history_notifications_and_email(admin_user, citizen, resource, mailoutbox, settings,
                                                           django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    citizen.email = "innbygger@example.org"
    citizen.save()
    services.rules_update(actor=admin_user, resource=resource, requires_approval=True)
    b = book(citizen, resource, at(1, 10), at(1, 11))
    assert b.status == S.REQUESTED
    assert b.slots.get().active  # a request holds the time until decided
    with pytest.raises(PermissionDenied):
        services.booking_transition(actor=citizen, booking=b, to=S.CONFIRMED)
    with pytest.raises(ValidationError):
        services.booking_transition(actor=admin_user, booking=b, to=S.REJECTED)  # reason required
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_transition(actor=admin_user, booking=b, to=S.REJECTED, reason="Reserved for the election")
    b.refresh_from_db()
    assert b.status == S.REJECTED
    assert not b.slots.get().active
    assert [(e.action, e.changes["status"][1], e.comment) for e in audit.history_for(b, b.tenant)] == [
        ("booking_reject", S.REJECTED, "Reserved for the election"), ("booking_create", S.REQUESTED, "")]
    assert Notification.objects.filter(user=citizen, message__contains="Reserved for the election").exists()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["innbygger@example.org"]
    assert "Reserved for the election" in mailoutbox[0].body
    with pytest.raises(ValidationError, match="cannot become"):
        services.booking_transition(actor=admin_user, booking=b, to=S.CONFIRMED)
    # the time is free again
    assert book(admin_user, resource, at(1, 10), at(1, 11)).status == S.CONFIRMED


def test_cancel_deadline_for_booker_but_not_for_staff(admin_user, citizen, resource):
    b = book(citizen, resource, at(1, 10), at(1, 11))
    late = b.start - dt.timedelta(hours=2)
    with pytest.raises(ValidationError, match="deadline"):
        services.booking_transition(actor=citizen, booking=b, to=S.CANCELLED, now=late)
    with pytest.raises(ValidationError):
        services.booking_transition(actor=admin_user, booking=b, to=S.CANCELLED)  # staff must give a reason
    services.booking_transition(actor=admin_user, booking=b, to=S.CANCELLED, reason="Water damage")
    b.refresh_from_db()
    assert b.status == S.CANCELLED
    assert not BookingSlot.objects.filter(booking=b, active=True).exists()


def test_booker_cancels_in_time(citizen, employee, resource):
    b = book(citizen, resource, at(3, 10), at(3, 11))
    with pytest.raises(PermissionDenied):
        services.booking_transition(actor=employee, booking=b, to=S.CANCELLED, reason="x")
    services.booking_transition(actor=citizen, booking=b, to=S.CANCELLED)
    assert Booking.objects.get(pk=b.pk).status == S.CANCELLED


def test_reschedule_checks_conflicts_and_keeps_the_booking(citizen, employee, resource):
    b1 = book(citizen, resource, at(1, 10), at(1, 11))
    book(employee, resource, at(1, 12), at(1, 13))
    with pytest.raises(ValidationError):
        services.booking_reschedule(actor=citizen, booking=b1, start=at(1, 12, 30), end=at(1, 13, 30))
    b1.refresh_from_db()
    assert (b1.start, b1.end) == (at(1, 10), at(1, 11))
    assert b1.slots.get().start == at(1, 10)
    services.booking_reschedule(actor=citizen, booking=b1, start=at(1, 10, 30), end=at(1, 12))
    assert b1.slots.get().end == at(1, 12)


def test_age_limit(admin_user, citizen, resource):
    services.rules_update(actor=admin_user, resource=resource, age_limit=18)
    with pytest.raises(ValidationError, match="18"):
        book(citizen, resource, at(1, 10), at(1, 11))
    citizen.birth_date = dt.date(2000, 1, 1)
    citizen.save()
    assert book(citizen, resource, at(1, 10), at(1, 11))
