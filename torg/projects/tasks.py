"""Background work for projects (django-tasks): e-mail is never sent inside a request."""

from django.core.mail import EmailMessage
from django_tasks import task

from . import services


@task()
def send_project_email(*, to: str, subject: str, body: str) -> None:
    EmailMessage(subject, body, None, [to]).send()


@task()
def send_report_reminders() -> int:
    """Remind project managers of the status report due next (daily; idempotent)."""
    return len(services.report_reminders_send())
