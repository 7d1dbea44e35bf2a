"""Services start background work by dotted path, after commit, now or later."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks import default_task_backend, task

from torg.core import tasks

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
RAN = []


@task()
def remember(*, value):
    RAN.append(value)
    return value


PATH = f"{__name__}.remember"


@pytest.fixture(autouse=True)
def _clean():
    RAN.clear()


@pytest.mark.django_db(transaction=True)
def test_runs_after_commit_and_never_after_rollback(settings):
    settings.TASKS = IMMEDIATE
    settings.TORG_TASKS_INLINE = False
    with transaction.atomic():
        tasks.enqueue_on_commit(PATH, value=1)
        assert RAN == []
    assert RAN == [1]
    with pytest.raises(RuntimeError), transaction.atomic():
        tasks.enqueue_on_commit(PATH, value=2)
        raise RuntimeError
    assert RAN == [1]


def test_inline_runs_in_this_process_without_the_queue(settings):
    settings.TASKS = DUMMY
    settings.TORG_TASKS_INLINE = True
    assert tasks.enqueue(PATH, value="now") == "now"
    assert RAN == ["now"]
    assert default_task_backend.results == []


def test_queued_on_the_backend(settings):
    settings.TASKS = DUMMY
    settings.TORG_TASKS_INLINE = False
    result = tasks.enqueue(remember, value=3)
    assert RAN == []
    assert [r.id for r in default_task_backend.results] == [result.id]
    assert result.args == [] and result.kwargs == {"value": 3}


def test_deferred_when_the_backend_can_defer_else_nothing(settings):
    when = timezone.now() + dt.timedelta(hours=1)
    settings.TASKS = DUMMY
    settings.TORG_TASKS_INLINE = True  # a deferred task is never run inline
    result = tasks.enqueue(PATH, run_after=when, value=4)
    assert RAN == [] and result.task.run_after == when
    settings.TASKS = IMMEDIATE  # cannot defer
    assert tasks.enqueue(PATH, run_after=when, value=5) is None
    assert RAN == []
