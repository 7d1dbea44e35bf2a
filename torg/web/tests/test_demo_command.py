"""`manage.py demo` loads the modules' demo data without e-mailing anyone: the loaders make
bookings, orders and allocations whose notices would go to the console by the thousand, or to an
SMTP server when the demo is loaded into a production database."""

import io

from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from torg.accounts.models import Tenant
from torg.core.tasks import SEND_EMAIL, enqueue_on_commit
from torg.web.management.commands import demo


def _loader_that_notifies(ctx):
    Tenant.objects.create(name="Demovik kommune", slug="demovik")
    enqueue_on_commit(SEND_EMAIL, to="kari@example.no", subject="Booking", body="Confirmed.")


def test_the_demo_sends_and_queues_no_email(transactional_db, settings, monkeypatch):
    # As in production: tasks are queued in the database for a worker. A transactional test, so the
    # command's transaction commits and its on-commit work really runs.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TORG_TASKS_INLINE = False
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(demo, "LOADERS", [_loader_that_notifies])
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert Tenant.objects.filter(slug="demovik").exists()
    assert mail.outbox == []
    assert not DBTaskResult.objects.exists()
    assert "Demo data loaded." in out.getvalue()


def test_outside_the_demo_the_same_notice_is_sent(db, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TORG_TASKS_INLINE = True
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(SEND_EMAIL, to="kari@example.no", subject="Booking", body="Confirmed.")
    assert [(m.to, m.subject) for m in mail.outbox] == [(["kari@example.no"], "Booking")]
