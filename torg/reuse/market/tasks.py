"""Background work of the marketplace (django-tasks): e-mail and saved-search notifications.

E-mail is never sent inside a request. Saved searches are checked when a listing is published and
again, deferred with `run_after`, when the whole municipality gets to see it (backends that cannot
defer — e.g. the immediate backend — check only at publication).
"""

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import default_task_backend, task


@task()
def send_market_email(*, to: str, subject: str, body: str) -> None:
    send_mail(subject, body, None, [to])


@task()
def notify_saved_searches(listing_id: int) -> int:
    from .services import saved_searches_notify

    return saved_searches_notify(listing_id=listing_id)


def run_inline() -> bool:
    return bool(getattr(settings, "TORG_TASKS_INLINE", settings.DEBUG))


def schedule(task_, *args, run_after=None):
    """Run now (inline or queued), or queue for later when the backend can defer."""
    if run_after is None:
        if run_inline():
            return task_.call(*args)
        return task_.enqueue(*args)
    if getattr(default_task_backend, "supports_defer", False):
        return task_.using(run_after=run_after).enqueue(*args)
    return None
