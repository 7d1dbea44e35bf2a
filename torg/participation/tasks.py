"""Background work for participation (django-tasks): e-mail is never sent inside a request."""

from django.core.mail import EmailMessage
from django_tasks import task

from . import analysis_services


@task()
def send_participation_email(*, to: str, subject: str, body: str) -> None:
    EmailMessage(subject, body, None, [to]).send()


@task()
def send_feedback_published(*, process_id: int) -> int:
    """One e-mail to each person who asked to hear back: the feedback of the process is published."""
    sent = 0
    for to, subject, body in analysis_services.feedback_notices(process_id=process_id):
        EmailMessage(subject, body, None, [to]).send()
        sent += 1
    return sent
