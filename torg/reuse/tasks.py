"""Background work of the reuse inventory (django-tasks). Thin wrappers over services.

`enqueue(task, ...)` runs the task at once in this process when `settings.TORG_TASKS_INLINE` is
true (default: `settings.DEBUG`, so `make demo` works without a worker); otherwise it is queued on
the configured backend and a worker runs it (`manage.py db_worker` for the database backend).
"""

from django.conf import settings
from django_tasks import task

from . import services


@task()
def validate_import(job_id: int) -> str:
    return services.import_job_validate(job_id=job_id).status


@task()
def apply_import(job_id: int) -> str:
    return services.import_job_apply(job_id=job_id).status


def run_inline() -> bool:
    return bool(getattr(settings, "TORG_TASKS_INLINE", settings.DEBUG))


def enqueue(task_, *args, **kwargs):
    if run_inline():
        return task_.call(*args, **kwargs)
    return task_.enqueue(*args, **kwargs)
