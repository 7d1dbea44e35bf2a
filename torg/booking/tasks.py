"""Background work for booking (django-tasks): e-mail is never sent inside a request."""

from django.core.mail import send_mail
from django_tasks import task


@task()
def send_booking_email(*, to: str, subject: str, body: str) -> None:
    send_mail(subject, body, None, [to])


@task()
def deliver_access_code(*, booking_id: int) -> None:
    """Create a door code for a confirmed meråpent booking and e-mail it. Only the booking id is
    queued; the code exists in clear only in this worker's memory and in the e-mail itself."""
    from .services import access_code_deliver

    access_code_deliver(booking_id=booking_id)
