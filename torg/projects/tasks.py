"""Background work for projects (django-tasks): e-mail is never sent inside a request."""

from django_tasks import task

from . import services


@task()
def send_report_reminders() -> int:
    """Remind project managers of the status report due next (daily; idempotent)."""
    return len(services.report_reminders_send())
