"""Background work of the marketplace (django-tasks): saved-search notifications (its e-mail goes
through core's send_email task).

E-mail is never sent inside a request. Saved searches are checked when a listing is published and
again, deferred with `run_after`, when the whole municipality gets to see it (backends that cannot
defer — e.g. the immediate backend — check only at publication).
"""

from django_tasks import task

from .services import saved_searches_notify


@task()
def notify_saved_searches(listing_id: int) -> int:
    return saved_searches_notify(listing_id=listing_id)

