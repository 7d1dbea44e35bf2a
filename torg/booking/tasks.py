"""Background work for booking (django-tasks): e-mail is never sent inside a request.

Tasks call the services; the services start tasks by dotted path (torg.core.tasks.enqueue_on_commit)
and never import this module, so the import runs one way."""

from django.core.mail import EmailMessage
from django_tasks import task

from . import ical, services
from .models import Booking


@task()
def send_booking_email(*, to: str, subject: str, body: str, ics_booking_ids: list[int] | None = None) -> None:
    """Send one booking e-mail; `ics_booking_ids` are attached as one calendar file (booking.ics)."""
    message = EmailMessage(subject, body, None, [to])
    if ics_booking_ids:
        bookings = list(Booking.objects.filter(pk__in=ics_booking_ids).select_related("resource", "resource__building")
                        .order_by("start"))
        if bookings:
            message.attach("booking.ics", ical.calendar_for(bookings, name=bookings[0].resource.name),
                           "text/calendar")
    message.send()


@task()
def deliver_access_code(*, booking_id: int) -> None:
    """Create a door code for a confirmed meråpent booking and e-mail it. Only the booking id is
    queued; the code exists in clear only in this worker's memory and in the e-mail itself."""
    services.access_code_deliver(booking_id=booking_id)


@task()
def release_no_show(*, booking_id: int) -> None:
    """Queued with run_after = the booking's check-in deadline: release it if nobody checked in."""
    services.release_no_show(booking_id=booking_id)
