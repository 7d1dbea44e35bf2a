"""Staff are told about new requests, bookers get a receipt, no-shows are released at their deadline."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from torg.booking import services
from torg.booking.models import Booking, Notification

# (mail.outbox is read at assertion time: the database fixtures replace the list pytest-django's
# mailoutbox fixture returned when they are set up after it)

from .conftest import at

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
S = Booking.Status


@pytest.fixture
def people(admin_user, property_manager, employee, citizen, other_admin):
    for user, email in [(admin_user, "admin@example.org"), (property_manager, "eiendom@example.org"),
                        (employee, "ansatt@example.org"), (citizen, "innbygger@example.org"),
                        (other_admin, "admin2@example.org")]:
        user.email = email
        user.save()


@pytest.fixture
def approval_room(admin_user, resource):
    services.rules_update(actor=admin_user, resource=resource, requires_approval=True)
    return resource


def _weekly(actor, resource, count, **kwargs):
    rrule = services.build_rrule(frequency="weekly", dtstart=at(1, 18), count=count)
    return services.series_create(actor=actor, tenant=resource.tenant, resource=resource, rrule=rrule,
                                  dtstart=at(1, 18), minutes=60, **kwargs)


def _uids(message):
    [(name, content, mimetype)] = message.attachments
    assert (name, mimetype) == ("booking.ics", "text/calendar")
    return sorted(str(e["uid"]) for e in Calendar.from_ical(content).walk("VEVENT"))


def test_a_request_notifies_the_tenant_s_approvers_in_the_app_and_by_email(
        settings, django_capture_on_commit_callbacks, people, tenant, admin_user, property_manager,
        employee, citizen, other_admin, approval_room):
    settings.TASKS = IMMEDIATE
    settings.TORG_PUBLIC_BASE_URL = "https://torg.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_create(actor=citizen, tenant=tenant, resource=approval_room, start=at(1, 10),
                                          end=at(1, 11))
    assert booking.status == S.REQUESTED
    staff = Notification.objects.filter(message__startswith="New booking request")
    assert sorted(n.user.username for n in staff) == ["admin", "eiendom"]  # not the employee, not Andrevik
    assert all(n.tenant == tenant and n.booking == booking and "Møterom" in n.message for n in staff)
    assert sorted(m.to[0] for m in mail.outbox) == ["admin@example.org", "eiendom@example.org"]
    assert all(m.subject == "Booking request: Møterom" for m in mail.outbox)
    assert "https://torg.example.org/booking/approvals/" in mail.outbox[0].body
    assert Notification.objects.filter(user=citizen, message__contains="waiting for approval").count() == 1
    assert not Notification.objects.filter(user__in=[employee, other_admin]).exists()


def test_a_requested_series_gives_one_notice_per_person_not_one_per_date(
        settings, django_capture_on_commit_callbacks, people, tenant, citizen, approval_room):
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True):
        series = _weekly(citizen, approval_room, 4)
    assert series.bookings.filter(status=S.REQUESTED).count() == 4
    assert Notification.objects.filter(user__username="admin").count() == 1
    notice = Notification.objects.get(user__username="admin")
    assert "recurring booking" in notice.message and "4 dates" in notice.message
    assert Notification.objects.filter(user=citizen).count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["admin@example.org", "eiendom@example.org"]


def test_a_booking_confirmed_at_once_sends_the_booker_a_receipt_with_ics(
        settings, django_capture_on_commit_callbacks, people, tenant, citizen, resource):
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_create(actor=citizen, tenant=tenant, resource=resource, start=at(1, 10),
                                          end=at(1, 11))
    assert booking.status == S.CONFIRMED
    [receipt] = mail.outbox
    assert receipt.to == ["innbygger@example.org"] and "is confirmed" in receipt.body
    assert _uids(receipt) == [booking.uid]
    assert Notification.objects.filter(user=citizen, booking=booking, message__contains="is confirmed").count() == 1
    assert not Notification.objects.filter(message__startswith="New booking request").exists()


def test_a_confirmed_series_sends_one_receipt_with_every_date(
        settings, django_capture_on_commit_callbacks, people, tenant, citizen, resource):
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True):
        series = _weekly(citizen, resource, 3)
    [receipt] = mail.outbox
    assert "3 dates" in receipt.body
    assert _uids(receipt) == sorted(series.bookings.values_list("uid", flat=True))
    assert Notification.objects.filter(user=citizen).count() == 1


def test_staff_booking_a_room_that_needs_approval_is_confirmed_with_a_receipt_and_no_request_notice(
        settings, django_capture_on_commit_callbacks, people, tenant, admin_user, approval_room):
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_create(actor=admin_user, tenant=tenant, resource=approval_room,
                                          start=at(1, 10), end=at(1, 11))
    assert booking.status == S.CONFIRMED
    assert [m.to for m in mail.outbox] == [["admin@example.org"]]
    assert not Notification.objects.filter(message__startswith="New booking request").exists()


# --- No-shows released at the check-in deadline ------------------------------------------
@pytest.fixture
def desk(tenant, admin_user, building):
    return services.resource_create(actor=admin_user, tenant=tenant, name="Pult 1", building=building,
                                    allow_citizens=False, checkin_minutes=15)


def _release_tasks():
    from django_tasks_db.models import DBTaskResult

    return list(DBTaskResult.objects.filter(task_path="torg.booking.tasks.release_no_show").order_by("enqueued_at"))


def test_a_booking_with_check_in_queues_its_release_for_the_deadline(
        settings, django_capture_on_commit_callbacks, tenant, employee, desk, resource):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_create(actor=employee, tenant=tenant, resource=desk, start=at(1, 9),
                                          end=at(1, 11))
        services.booking_create(actor=employee, tenant=tenant, resource=resource, start=at(1, 9), end=at(1, 10))
    [task] = _release_tasks()  # only the desk has check-in
    assert task.args_kwargs["kwargs"] == {"booking_id": booking.pk}
    assert task.run_after == at(1, 9, 15)
    # the task, when it runs, releases the booking only once the deadline has passed
    assert services.release_no_show(booking_id=booking.pk, now=at(1, 9, 14)) is False
    assert services.release_no_show(booking_id=booking.pk, now=at(1, 9, 15)) is True
    booking.refresh_from_db()
    assert (booking.status, booking.no_show) == (S.CANCELLED, True)
    assert services.release_no_show(booking_id=booking.pk, now=at(1, 9, 16)) is False  # once


def test_a_moved_booking_queues_a_new_release_and_the_old_one_does_nothing(
        settings, django_capture_on_commit_callbacks, tenant, employee, desk):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_create(actor=employee, tenant=tenant, resource=desk, start=at(1, 9),
                                          end=at(1, 11))
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_reschedule(actor=employee, booking=booking, start=at(1, 13), end=at(1, 14))
    assert [t.run_after for t in _release_tasks()] == [at(1, 9, 15), at(1, 13, 15)]
    assert services.release_no_show(booking_id=booking.pk, now=at(1, 9, 15)) is False  # the old deadline
    services.booking_check_in(actor=employee, booking=booking, now=at(1, 13, 5))
    assert services.release_no_show(booking_id=booking.pk, now=at(1, 13, 15)) is False  # checked in
    assert Booking.objects.get(pk=booking.pk).status == S.CONFIRMED


def test_without_a_deferring_task_backend_nothing_is_queued_and_the_sweep_still_releases(
        settings, django_capture_on_commit_callbacks, tenant, employee, desk):
    settings.TASKS = IMMEDIATE  # cannot run tasks later: the periodic command is the fallback
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_create(actor=employee, tenant=tenant, resource=desk, start=at(1, 9),
                                          end=at(1, 11))
    assert Booking.objects.get(pk=booking.pk).status == S.CONFIRMED
    assert services.release_no_shows(now=at(1, 9, 20)) == 1


def test_the_queued_task_releases_a_running_no_show(settings, django_capture_on_commit_callbacks, tenant,
                                                    employee, desk):
    """The task itself (as the worker runs it, with the real clock) on a booking that started 20 minutes ago."""
    from torg.booking import tasks

    now = timezone.now()
    start = now.replace(second=0, microsecond=0) - dt.timedelta(minutes=now.minute % 30)
    booking = Booking.objects.create(tenant=tenant, resource=desk, booker=employee, start=start - dt.timedelta(
        minutes=30), end=start + dt.timedelta(hours=2), status=S.CONFIRMED, uid="no-show-test@torg")
    tasks.release_no_show.call(booking_id=booking.pk)
    booking.refresh_from_db()
    assert (booking.status, booking.no_show) == (S.CANCELLED, True)
