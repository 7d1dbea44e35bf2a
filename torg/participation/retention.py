"""Services for keeping input no longer than needed, and for participants' own input.

Each process says what happens to its input after it has closed (`Process.retention`: keep,
anonymise or delete) and after how many months (`retention_months`, counted from `closed_at`, the
last time it was closed for input). `retention_run` carries it out for every process that is due —
run daily by the task `torg.participation.tasks.run_retention` or the command
`manage.py participation_retention` (cron: `15 3 * * * .venv/bin/python manage.py participation_retention`).

- **Anonymise**: the link from the input to a person is cut — the participant key (user, invite
  code or browser), the author, the invite code, the e-mail for notices, the postal code and the
  private receipt — on ideas, comments, pins, support, abuse reports and survey responses. The
  text (already masked for personal data), the target group and the age band stay for the analysis.
- **Delete**: ideas, comments, pins, meeting notes and survey responses are deleted.
Either way the process's subscriptions are deleted, and one audit event says what was done.
"""

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from torg.core import audit

from .models import AbuseReport, Input, Process, Response, Subscription, Support


def _anon_key():
    return Concat(Value("x:"), Cast("id", CharField()))


def due_processes(*, now=None):
    """The processes whose retention time has come and that were not handled yet."""
    now = now or timezone.now()
    candidates = (Process.objects.exclude(retention=Process.Retention.KEEP)
                  .filter(retention_months__isnull=False, closed_at__isnull=False, retention_done_at__isnull=True)
                  .exclude(status=Process.Status.OPEN))
    return [p for p in candidates if p.closed_at + relativedelta(months=p.retention_months) <= now]


@transaction.atomic
def retention_apply(*, process, now=None) -> dict:
    """Anonymise or delete the input of one process now (the system does this; see the module doc)."""
    now = now or timezone.now()
    process = Process.objects.select_for_update().get(pk=process.pk)
    if process.retention_done_at is not None or process.retention == Process.Retention.KEEP:
        return {}
    inputs = Input.objects.filter(process=process)
    responses = Response.objects.filter(survey__process=process)
    if process.retention == Process.Retention.DELETE:
        counts = {"inputs": inputs.count(), "responses": responses.count()}
        responses.delete()
        inputs.delete()
    else:
        counts = {"inputs": inputs.filter(anonymised=False).count(), "responses": responses.count()}
        inputs.update(participant=_anon_key(), author=None, invite=None, notify_email="", postal_code="",
                      receipt="", anonymised=True)
        Support.objects.filter(input__process=process).update(participant=_anon_key())
        AbuseReport.objects.filter(input__process=process).update(participant=_anon_key())
        responses.update(participant=_anon_key())
    counts["subscriptions"] = Subscription.objects.filter(process=process).delete()[0]
    Process.objects.filter(pk=process.pk).update(retention_done_at=now)
    audit.record(actor=None, tenant=process.tenant_id, obj=process, action=f"process_retention_{process.retention}",
                 changes={k: [v, 0] for k, v in counts.items()})
    return counts


def retention_run(*, now=None) -> dict:
    """Carry out every due process's retention; returns {process id: counts}."""
    return {p.pk: retention_apply(process=p, now=now) for p in due_processes(now=now)}


# --- A participant's own input ----------------------------------------------------------------
def by_receipt(token):
    """The input a private receipt link points to (None when unknown or anonymised)."""
    token = (token or "").strip()
    if len(token) < 40:
        return None
    return Input.objects.select_related("process__tenant", "plan", "area").filter(receipt=token).first()


@transaction.atomic
def delete_by_receipt(*, token) -> Process:
    """The author deletes their input through its private receipt link (no login)."""
    item = by_receipt(token)
    if item is None:
        raise PermissionDenied
    audit.record(actor=None, tenant=item.tenant_id, obj=item, action="input_delete_by_author",
                 changes={"kind": [item.kind, None]})
    item.delete()
    return item.process
