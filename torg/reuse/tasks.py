"""Background work of the reuse inventory (django-tasks): thin wrappers over the import job steps.

The views start them with `torg.core.tasks.enqueue` (inline when `settings.TORG_TASKS_INLINE`,
default `settings.DEBUG`, so `make demo` works without a worker; otherwise queued for a worker,
`manage.py db_worker` for the database backend). Tasks call the importer and the services; neither
imports this module.
"""

from django_tasks import task

from . import importer


@task()
def validate_import(job_id: int) -> str:
    return importer.import_job_validate(job_id=job_id).status


@task()
def apply_import(job_id: int) -> str:
    return importer.import_job_apply(job_id=job_id).status
