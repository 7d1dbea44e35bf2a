"""Background work for participation (django-tasks): e-mail is never sent inside a request."""

from django.core.mail import EmailMessage
from django_tasks import task

from . import analysis_services, retention, subscriptions


@task()
def send_feedback_published(*, process_id: int) -> int:
    """One e-mail to each person who asked to hear back: the feedback of the process is published."""
    sent = 0
    for to, subject, body in analysis_services.feedback_notices(process_id=process_id):
        EmailMessage(subject, body, None, [to]).send()
        sent += 1
    return sent


@task()
def send_subscriber_notices(*, process_id: int, kind: str, subject: str, body: str, link: str = "",
                            base_url: str = "") -> int:
    """One notice to every confirmed subscriber of `kind` (see subscriptions.notify_subscribers)."""
    return subscriptions.send_notices(process_id=process_id, kind=kind, subject=subject, body=body, link=link,
                                      base_url=base_url)


@task()
def run_retention() -> int:
    """Anonymise or delete input of every process whose retention time has come (daily)."""
    return len(retention.retention_run())
