"""Writes of the analysis and feedback half of participation: themes and coding, responses to
themes and to single inputs, and decision records. (Publishing the feedback is the process's
`give_feedback` transition, `services.process_set_status`.)

Every service checks `participation.manage_processes` on the process itself, validates, writes in
one transaction and records the change in the audit log, like `services.py`.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from torg.core import audit
from torg.core.services import create_object, update_object

from . import analysis_queries
from .models import Decision, FeedbackResponse, Input, Process, Theme

THEME_FIELDS = ["name", "description"]
DECISION_FIELDS = ["title", "decided_on", "body", "case_number", "document_url", "summary"]


def _require_manage(actor, obj):
    if not actor.has_perm("participation.manage_processes", obj):
        raise PermissionDenied


def _unknown(fields, allowed):
    if set(fields) - set(allowed):
        raise TypeError(f"unknown fields: {sorted(set(fields) - set(allowed))}")


# --- Themes and coding --------------------------------------------------------------------------
def _check_theme(theme):
    theme.name = (theme.name or "").strip()
    if not theme.name:
        raise ValidationError({"name": _("Name the theme.")})
    clash = Theme.objects.filter(process_id=theme.process_id, name__iexact=theme.name)
    if theme.pk:
        clash = clash.exclude(pk=theme.pk)
    if clash.exists():
        raise ValidationError({"name": _("The process already has this theme.")})


@transaction.atomic
def theme_create(*, actor, process, name, description="") -> Theme:
    _require_manage(actor, process)
    theme = Theme(tenant=process.tenant, process=process, name=name, description=description)
    _check_theme(theme)
    return create_object(theme, actor=actor, tenant=process.tenant)


@transaction.atomic
def theme_update(*, actor, theme, **fields) -> Theme:
    _require_manage(actor, theme)
    _unknown(fields, THEME_FIELDS)
    probe = Theme(pk=theme.pk, process_id=theme.process_id, name=fields.get("name", theme.name))
    _check_theme(probe)
    if "name" in fields:
        fields["name"] = probe.name
    return update_object(theme, actor=actor, tenant=theme.tenant, fields=fields)


def _remove(actor, obj, action, changes=None):
    _require_manage(actor, obj)
    audit.record(actor=actor, tenant=obj.tenant, obj=obj, action=action,
                 changes=changes or audit.diff(audit.snapshot(obj), {}))
    obj.delete()


@transaction.atomic
def theme_delete(*, actor, theme) -> None:
    """Remove a theme, its coding and its response (the inputs stay)."""
    _remove(actor, theme, "theme_delete", {"name": [theme.name, None], "inputs": [theme.inputs.count(), None]})


@transaction.atomic
def theme_code(*, actor, theme, inputs, remove=False) -> int:
    """Code a selection of the process's inputs into a theme (or take them out of it). Returns how
    many inputs changed; inputs already coded (or not coded, when removing) are left alone."""
    _require_manage(actor, theme)
    ids = {i.pk if isinstance(i, Input) else int(i) for i in inputs}
    if not ids:
        raise ValidationError({"inputs": _("Choose at least one input.")})
    found = set(Input.objects.filter(process_id=theme.process_id, pk__in=ids).values_list("pk", flat=True))
    if found != ids:
        raise ValidationError({"inputs": _("Choose inputs of this process.")})
    through = Theme.inputs.through
    coded = set(through.objects.filter(theme=theme, input_id__in=ids).values_list("input_id", flat=True))
    if remove:
        changed = sorted(coded)
        through.objects.filter(theme=theme, input_id__in=changed).delete()
    else:
        changed = sorted(ids - coded)
        through.objects.bulk_create([through(theme_id=theme.pk, input_id=pk) for pk in changed])
    if changed:
        audit.record(actor=actor, tenant=theme.tenant, obj=theme, action="theme_uncode" if remove else "theme_code",
                     changes={"inputs": [len(coded), len(coded) - len(changed) if remove else len(coded) + len(changed)]},
                     comment=", ".join(str(pk) for pk in changed[:200]))
    return len(changed)


# --- Decisions ----------------------------------------------------------------------------------
@transaction.atomic
def decision_create(*, actor, process, **fields) -> Decision:
    _require_manage(actor, process)
    _unknown(fields, DECISION_FIELDS)
    return create_object(Decision(tenant=process.tenant, process=process, **fields), actor=actor,
                         tenant=process.tenant)


@transaction.atomic
def decision_update(*, actor, decision, **fields) -> Decision:
    _require_manage(actor, decision)
    _unknown(fields, DECISION_FIELDS)
    return update_object(decision, actor=actor, tenant=decision.tenant, fields=fields)


@transaction.atomic
def decision_delete(*, actor, decision) -> None:
    """Remove a decision record; responses that pointed to it keep their answer without the link."""
    _remove(actor, decision, "decision_delete")


# --- Responses ----------------------------------------------------------------------------------
def _check_response(process, outcome, text, decision):
    if outcome not in FeedbackResponse.Outcome.values:
        raise ValidationError({"outcome": _("Choose what happened to it.")})
    if outcome == FeedbackResponse.Outcome.NOT_TAKEN and not text:
        raise ValidationError({"text": _("Say why it was not taken into the decision.")})
    if decision is not None and decision.process_id != process.pk:
        raise ValidationError({"decision": _("Choose a decision of this process.")})


@transaction.atomic
def response_set(*, actor, theme=None, input=None, outcome, text="", decision=None) -> FeedbackResponse:
    """Answer a theme or one input (create the response, or change it): the outcome, what was done
    and why, and the decision it fed into."""
    subject = theme if theme is not None else input
    if subject is None or (theme is not None and input is not None):
        raise ValidationError(_("A response answers either a theme or one input."))
    _require_manage(actor, subject)
    process = subject.process
    text = (text or "").strip()
    _check_response(process, outcome, text, decision)
    lookup = {"theme": theme} if theme is not None else {"input": input}
    existing = FeedbackResponse.objects.select_for_update().filter(**lookup).first()
    fields = {"outcome": outcome, "text": text, "decision": decision}
    if existing is None:
        return create_object(FeedbackResponse(tenant=process.tenant, process=process, **lookup, **fields),
                             actor=actor, tenant=process.tenant)
    return update_object(existing, actor=actor, tenant=process.tenant, fields=fields)


@transaction.atomic
def response_delete(*, actor, response) -> None:
    _remove(actor, response, "response_delete")


# --- Telling participants -------------------------------------------------------------------------
def feedback_notices(*, process_id) -> list:
    """[(to, subject, body)]: one notice per person who asked to hear back, when the feedback of a
    process is published — with the link to its "you said — we did" page when
    TORG_PUBLIC_BASE_URL is set. Nothing when the feedback is not (or no longer) published."""
    process = Process.objects.filter(pk=process_id).first()
    if process is None or not analysis_queries.feedback_visible(process):
        return []
    subject = _("“%(process)s”: what we did with your input") % {"process": process.title}
    body = _("The municipality has published its feedback on “%(process)s”: what it heard, what it did "
             "with the input, and the decisions it fed into.") % {"process": process.title}
    base = getattr(settings, "TORG_PUBLIC_BASE_URL", "").rstrip("/")
    if base:
        body += "\n\n" + base + reverse("participation:public_feedback", args=[process.code])
    return [(to, subject, body) for to in analysis_queries.feedback_recipients(process=process)]
