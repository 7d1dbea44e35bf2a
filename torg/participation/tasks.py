"""Background work for participation (django-tasks): e-mail is never sent inside a request."""

from django.core.mail import EmailMessage
from django_tasks import task


@task()
def send_participation_email(*, to: str, subject: str, body: str) -> None:
    EmailMessage(subject, body, None, [to]).send()
