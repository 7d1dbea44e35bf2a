"""Scheduling background work (django-tasks) — the one way services start a task.

A service never imports its app's `tasks.py` (the tasks call the services, so the import would
run both ways). It names the task by dotted path instead, and the task is looked up when it is
started, after the transaction has committed:

    enqueue_on_commit("torg.booking.tasks.send_booking_email", to=..., subject=..., body=...)
    enqueue_on_commit("torg.booking.tasks.release_no_show", run_after=due, booking_id=booking.pk)

Without `run_after` the task runs at once in this process when `settings.TORG_TASKS_INLINE` is
true (default: `settings.DEBUG`, so `make demo` works without a worker), otherwise it is queued on
its backend and a worker runs it (`manage.py db_worker` for the database backend). With
`run_after` it is queued to run then when the backend supports deferred tasks (the database
backend does); with one that cannot defer nothing is queued and `None` is returned — the caller
needs a periodic sweep for that case (e.g. `booking_release_no_shows`).
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils.module_loading import import_string
from django_tasks import task

SEND_EMAIL = "torg.core.tasks.send_email"


def run_inline() -> bool:
    return bool(getattr(settings, "TORG_TASKS_INLINE", settings.DEBUG))


def enqueue(task, *args, run_after=None, **kwargs):
    """Start `task` (a django-tasks task, or its dotted path) now: inline or queued, see above.
    Returns the task's result when run inline, its `TaskResult` when queued, `None` when a
    deferred task cannot be queued."""
    if isinstance(task, str):
        task = import_string(task)
    if run_after is None:
        if run_inline():
            return task.call(*args, **kwargs)
        return task.enqueue(*args, **kwargs)
    if task.get_backend().supports_defer:
        return task.using(run_after=run_after).enqueue(*args, **kwargs)
    return None


def enqueue_on_commit(task, *args, run_after=None, **kwargs) -> None:
    """`enqueue` once the current transaction commits (at once outside a transaction); nothing
    happens when it rolls back. Arguments are taken now: pass ids and plain values, not rows."""
    transaction.on_commit(lambda: enqueue(task, *args, run_after=run_after, **kwargs))


@task()
def send_email(*, to: str, subject: str, body: str) -> None:
    """One plain-text e-mail to one address: every module's notices go through this task, so e-mail
    is never sent inside a request (`enqueue_on_commit(SEND_EMAIL, to=…, subject=…, body=…)`).
    Booking's own task adds the calendar file to its e-mails."""
    EmailMessage(subject, body, None, [to]).send()
