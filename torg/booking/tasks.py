"""Background work for booking (django-tasks): e-mail is never sent inside a request."""

from django.core.mail import EmailMessage
from django_tasks import task


@task()
def send_booking_email(*, to: str, subject: str, body: str, ics_booking_ids: list[int] | None = None) -> None:
    """Send one booking e-mail; `ics_booking_ids` are attached as one calendar file (booking.ics)."""
    message = EmailMessage(subject, body, None, [to])
    if ics_booking_ids:
        from . import ical
        from .models import Booking

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
    from .services import access_code_deliver

    access_code_deliver(booking_id=booking_id)


@task()
def release_no_show(*, booking_id: int) -> None:
    """Queued with run_after = the booking's check-in deadline: release it if nobody checked in."""
    from .services import release_no_show as release

    release(booking_id=booking_id)
