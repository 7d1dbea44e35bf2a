"""Every write to participation: processes, their phases, stakeholder map and participation plan.

Each service checks the actor's permission itself (the UI and the API call the same ones), validates,
writes in one transaction and records the change in the audit log. Status changes go only through
the state machines in `states.py`.
"""

import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from torg.core import audit
from torg.core.ids import normalize_public_code
from torg.core.services import create_object, require_same_tenant, update_object
from torg.core.tasks import SEND_EMAIL, enqueue_on_commit

from . import plans, privacy, subscriptions
from .queries import place_choices
from .models import (AbuseReport, Activity, Answer, Input, InviteCode, Phase, Process, Question, Response, Support,
                     Survey, TargetGroup)
from .states import ACTIVITY_MACHINE, INPUT_MACHINE, PROCESS_MACHINE, SURVEY_MACHINE

PROCESS_FIELDS = ["title", "purpose", "open_for_influence", "already_decided", "responsible_unit", "contact_name",
                  "contact_email", "identity", "moderation", "ask_background", "retention", "retention_months"]
PLACE_FIELDS = ["properties", "buildings", "rooms"]
PHASE_FIELDS = ["kind", "name", "starts_on", "ends_on", "description"]
TARGET_GROUP_FIELDS = ["kind", "name", "how_reached", "expected_reach"]
ACTIVITY_FIELDS = ["kind", "title", "starts_at", "ends_at", "room", "location_text", "description"]


def _require_manage(actor, obj):
    if not actor.has_perm("participation.manage_processes", obj):
        raise PermissionDenied


def _unknown(fields, allowed):
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")


def _set_places(process, places):
    for name in PLACE_FIELDS:
        if name in places:
            values = list(places[name] or [])
            require_same_tenant(process.tenant, *values, field=name)
            getattr(process, name).set(values)


def _check_retention(retention, months):
    if retention not in (None, Process.Retention.KEEP) and not months:
        raise ValidationError({"retention_months": _("Say how many months after closing.")})


def _place_ids(process):
    return {name: sorted(getattr(process, name).values_list("pk", flat=True)) for name in PLACE_FIELDS}


# --- Processes --------------------------------------------------------------------------------
@transaction.atomic
def process_create(*, actor, tenant, title, purpose, **fields) -> Process:
    """A new process, in draft: invisible outside the municipality's staff until published."""
    _require_manage(actor, tenant)
    _unknown(fields, PROCESS_FIELDS + PLACE_FIELDS)
    places = {k: fields.pop(k) for k in PLACE_FIELDS if k in fields}
    require_same_tenant(tenant, fields.get("responsible_unit"), field="responsible_unit")
    _check_retention(fields.get("retention"), fields.get("retention_months"))
    process = create_object(Process(tenant=tenant, title=title, purpose=purpose, created_by=actor
                                    if getattr(actor, "is_authenticated", False) else None, **fields),
                            actor=actor, tenant=tenant)
    if places:
        _set_places(process, places)
        audit.record(actor=actor, tenant=tenant, obj=process, action=audit.code(process, "update"),
                     changes={k: [[], v] for k, v in _place_ids(process).items() if v})
    return process


@transaction.atomic
def process_update(*, actor, process, **fields) -> Process:
    _require_manage(actor, process)
    _unknown(fields, PROCESS_FIELDS + PLACE_FIELDS)
    places = {k: fields.pop(k) for k in PLACE_FIELDS if k in fields}
    if "responsible_unit" in fields:
        require_same_tenant(process.tenant, fields["responsible_unit"], field="responsible_unit")
    process = Process.objects.select_for_update().get(pk=process.pk)
    _check_retention(fields.get("retention", process.retention), fields.get("retention_months", process.retention_months))
    before = _place_ids(process)
    update_object(process, actor=actor, tenant=process.tenant, fields=fields)
    if places:
        _set_places(process, places)
        after = _place_ids(process)
        changes = {k: [before[k], after[k]] for k in PLACE_FIELDS if before[k] != after[k]}
        if changes:
            audit.record(actor=actor, tenant=process.tenant, obj=process, action=audit.code(process, "update"), changes=changes)
    return process


@transaction.atomic
def process_set_status(*, actor, process, status, reason="") -> Process:
    """Publish, open, close, give feedback, archive… — only the changes `PROCESS_MACHINE` declares."""
    process = Process.objects.select_for_update().get(pk=process.pk)
    was_open = process.status == Process.Status.OPEN
    PROCESS_MACHINE.apply(process, status, actor=actor, reason=reason)
    if was_open or status == Process.Status.OPEN:  # retention counts from the last closing for input
        process.closed_at = timezone.now() if status == Process.Status.CLOSED else None
        Process.objects.filter(pk=process.pk).update(closed_at=process.closed_at)
    if status == Process.Status.FEEDBACK_GIVEN:
        process.feedback_published_at = timezone.now()
        process.save(update_fields=["feedback_published_at", "updated_at"])
        notify_feedback_published(process)
    return process


def notify_feedback_published(process) -> None:
    """Tell the people who asked to hear back — subscribers and participants who left an e-mail
    address — that the municipality's feedback ("you said — we did") is published. Sent by a
    background task after the commit."""
    enqueue_on_commit("torg.participation.tasks.send_feedback_published", process_id=process.pk)
    # Those who follow the process's feedback by e-mail (double opt-in, their own unsubscribe link).
    subscriptions.notify_subscribers(
        process, "feedback", subject=_("“%(process)s”: what we did with your input") % {"process": process.title},
        body=_("The municipality has published its feedback on “%(process)s”: what it heard, what it did "
               "with the input, and the decisions it fed into.") % {"process": process.title},
        link_path=reverse("participation:public_feedback", args=[process.code]))


# --- Phases -----------------------------------------------------------------------------------
def _check_phase(phase):
    if phase.starts_on and phase.ends_on and phase.ends_on < phase.starts_on:
        raise ValidationError({"ends_on": _("A phase cannot end before it starts.")})


@transaction.atomic
def phase_create(*, actor, process, **fields) -> Phase:
    _require_manage(actor, process)
    _unknown(fields, PHASE_FIELDS)
    phase = Phase(tenant=process.tenant, process=process, **fields)
    _check_phase(phase)
    return create_object(phase, actor=actor, tenant=process.tenant)


@transaction.atomic
def phase_update(*, actor, phase, **fields) -> Phase:
    _require_manage(actor, phase)
    _unknown(fields, PHASE_FIELDS)
    _check_phase(Phase(**{**{k: getattr(phase, k) for k in PHASE_FIELDS}, **fields}))
    return update_object(phase, actor=actor, tenant=phase.tenant, fields=fields)


def _delete(actor, obj, action):
    _require_manage(actor, obj)
    audit.record(actor=actor, tenant=obj.tenant, obj=obj, action=action, changes=audit.diff(audit.snapshot(obj), {}))
    obj.delete()


@transaction.atomic
def phase_delete(*, actor, phase) -> None:
    _delete(actor, phase, "phase_delete")


# --- Stakeholder map --------------------------------------------------------------------------
def _check_target_group(group):
    if group.kind == TargetGroup.Kind.OTHER and not (group.name or "").strip():
        raise ValidationError({"name": _("Name the target group.")})
    clash = TargetGroup.objects.filter(process_id=group.process_id, kind=group.kind, name=group.name)
    if group.pk:
        clash = clash.exclude(pk=group.pk)
    if clash.exists():
        raise ValidationError({"kind": _("This target group is already on the stakeholder map.")})


@transaction.atomic
def target_group_create(*, actor, process, **fields) -> TargetGroup:
    _require_manage(actor, process)
    _unknown(fields, TARGET_GROUP_FIELDS)
    group = TargetGroup(tenant=process.tenant, process=process, **fields)
    _check_target_group(group)
    return create_object(group, actor=actor, tenant=process.tenant)


@transaction.atomic
def target_group_update(*, actor, group, **fields) -> TargetGroup:
    _require_manage(actor, group)
    _unknown(fields, TARGET_GROUP_FIELDS)
    probe = TargetGroup(pk=group.pk, process_id=group.process_id, **{**{k: getattr(group, k) for k in
                                                                        TARGET_GROUP_FIELDS}, **fields})
    _check_target_group(probe)
    return update_object(group, actor=actor, tenant=group.tenant, fields=fields)


@transaction.atomic
def target_group_delete(*, actor, group) -> None:
    _delete(actor, group, "target_group_delete")


# --- Participation plan -----------------------------------------------------------------------
def _check_activity(process, fields, target_groups):
    room = fields.get("room")
    require_same_tenant(process.tenant, room, field="room")
    for group in target_groups or []:
        if group.process_id != process.pk:
            raise ValidationError({"target_groups": _("Choose target groups from this process's stakeholder map.")})
    if fields.get("ends_at") and fields.get("starts_at") and fields["ends_at"] <= fields["starts_at"]:
        raise ValidationError({"ends_at": _("The activity must end after it starts.")})


@transaction.atomic
def activity_create(*, actor, process, target_groups=(), **fields) -> Activity:
    _require_manage(actor, process)
    _unknown(fields, ACTIVITY_FIELDS)
    _check_activity(process, fields, target_groups)
    activity = create_object(Activity(tenant=process.tenant, process=process, **fields), actor=actor,
                             tenant=process.tenant)
    if target_groups:
        activity.target_groups.set(target_groups)
    return activity


@transaction.atomic
def activity_update(*, actor, activity, target_groups=None, **fields) -> Activity:
    _require_manage(actor, activity)
    _unknown(fields, ACTIVITY_FIELDS)
    merged = {k: getattr(activity, k) for k in ACTIVITY_FIELDS} | fields
    _check_activity(activity.process, merged, target_groups)
    activity = update_object(activity, actor=actor, tenant=activity.tenant, fields=fields)
    if target_groups is not None:
        before = sorted(activity.target_groups.values_list("pk", flat=True))
        activity.target_groups.set(target_groups)
        after = sorted(g.pk for g in target_groups)
        if before != after:
            audit.record(actor=actor, tenant=activity.tenant, obj=activity, action=audit.code(activity, "update"),
                         changes={"target_groups": [before, after]})
    return activity


@transaction.atomic
def activity_set_status(*, actor, activity, status, reason="") -> Activity:
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    ACTIVITY_MACHINE.apply(activity, status, actor=actor, reason=reason)
    return activity


# --- Input: ideas, comments, support, reports ---------------------------------------------------
def participant_key(*, process, user=None, invite_code="", browser=""):
    """Who gives input, as a key unique within the process (never shown): the invite code, the user,
    or the anonymous browser — as the process's identity setting asks. Returns (key, invite)."""
    identity = process.identity
    if identity == Process.Identity.INVITE:
        invite = InviteCode.objects.filter(process=process, code=normalize_public_code(invite_code or "") or "",
                                           revoked=False).first()
        if invite is None:
            raise PermissionDenied(_("This process takes input by invitation. Use the link you were sent."))
        return f"i:{invite.pk}", invite
    if getattr(user, "is_authenticated", False):
        return f"u:{user.pk}", None
    if identity == Process.Identity.LOGGED_IN:
        raise PermissionDenied(_("Log in to give input to this process."))
    if not browser:
        raise PermissionDenied
    return "b:" + hashlib.sha256(browser.encode()).hexdigest()[:40], None


def _require_open(process):
    if process.status != Process.Status.OPEN:
        raise ValidationError(_("This process is not open for input."))


def _check_background(process, target_group, postal_code):
    if target_group is not None and target_group.process_id != process.pk:
        raise ValidationError({"target_group": _("Choose target groups from this process's stakeholder map.")})
    if postal_code and not (len(postal_code) == 4 and postal_code.isdigit()):
        raise ValidationError({"postal_code": _("A postal code has four digits.")})


@transaction.atomic
def input_submit(*, process, participant, body, title="", kind=Input.Kind.IDEA, parent=None, user=None,
                 invite=None, target_group=None, age_band="", postal_code="", notify_email="",
                 channel=Input.Channel.DIGITAL, plan=None, pin=None, area=None) -> Input:
    """An idea, a comment, or a comment pinned on a plan (`plan`, `pin` = (x, y), `area`; see
    `pin_submit`) from a participant. Personal data in the text is masked before anything is stored
    and flagged for the moderator; pre-moderated input waits, post-moderated is published. The input
    gets a private receipt token: its link lets the author see and delete it without logging in."""
    _require_open(process)
    if kind not in (Input.Kind.IDEA, Input.Kind.COMMENT, Input.Kind.PIN):
        raise ValidationError(_("Choose what kind of input this is."))
    if kind == Input.Kind.PIN and (plan is None or plan.process_id != process.pk or pin is None):
        raise ValidationError(_("Place the pin on a plan of this process."))
    if kind == Input.Kind.COMMENT and (parent is None or parent.process_id != process.pk
                                       or parent.status != Input.Status.PUBLISHED):
        raise ValidationError(_("Comment on a published idea of this process."))
    body, found_body = privacy.mask((body or "").strip())
    title, found_title = privacy.mask((title or "").strip())
    if not body:
        raise ValidationError({"body": _("Write your input.")})
    if kind == Input.Kind.IDEA and not title:
        raise ValidationError({"title": _("Give your idea a short title.")})
    _check_background(process, target_group, postal_code)
    masked = sorted(set(found_body) | set(found_title))
    post = process.moderation == Process.Moderation.POST
    item = Input(tenant=process.tenant, process=process, kind=kind, parent=parent, title=title, body=body,
                 masked=masked, needs_review=bool(masked), participant=participant,
                 status=Input.Status.PUBLISHED if post else Input.Status.PENDING,
                 author=user if getattr(user, "is_authenticated", False) else None, invite=invite,
                 target_group=target_group or (invite.target_group if invite else None), age_band=age_band,
                 postal_code=postal_code, notify_email=notify_email, channel=channel,
                 plan=plan if kind == Input.Kind.PIN else None, area=area if kind == Input.Kind.PIN else None,
                 pin_x=pin[0] if kind == Input.Kind.PIN else None, pin_y=pin[1] if kind == Input.Kind.PIN else None,
                 receipt=secrets.token_urlsafe(32))
    item.full_clean()
    item.save()
    # No personal data in the history: what kind of input, its state and what was masked.
    audit.record(actor=user, tenant=process.tenant, obj=item, action=audit.code(item, "create"),
                 changes={"kind": [None, kind], "status": [None, item.status], "masked": [None, masked]})
    return item


def _notify_author(item, subject, body):
    to = item.notify_email or (item.author.email if item.author_id else "")
    if to:
        enqueue_on_commit(SEND_EMAIL, to=to, subject=subject, body=body)


@transaction.atomic
def input_set_status(*, actor, item, status, reason="") -> Input:
    """Approve, hide (with a reason; the input is kept and its author told) or publish again."""
    item = Input.objects.select_for_update(of=("self",)).select_related("process", "author").get(pk=item.pk)
    INPUT_MACHINE.apply(item, status, actor=actor, reason=reason)
    item.moderation_reason = reason.strip() if status == Input.Status.HIDDEN else ""
    item.needs_review = False
    item.save(update_fields=["moderation_reason", "needs_review", "updated_at"])
    AbuseReport.objects.filter(input=item).update(handled=True)
    if status == Input.Status.HIDDEN:
        _notify_author(item, _("Your input to “%(process)s” was hidden") % {"process": item.process.title},
                       _("Your input “%(input)s” was hidden by the moderator.\n\nReason: %(reason)s\n\n"
                         "The input is kept and the municipality can still read it.")
                       % {"input": str(item), "reason": item.moderation_reason})
    return item


def pin_submit(*, plan, participant, body, x=None, y=None, area=None, **fields) -> Input:
    """A comment pinned on a plan: a point (relative x, y) or an area chosen from the list (the
    keyboard alternative), checked by `plans.place_pin`; then as any input (masked, moderated)."""
    if not plan.open_for_pins:
        raise ValidationError(_("This plan does not take comments."))
    x, y, area = plans.place_pin(plan=plan, x=x, y=y, area=area)
    return input_submit(process=plan.process, participant=participant, body=body, kind=Input.Kind.PIN,
                        plan=plan, pin=(x, y), area=area, **fields)


@transaction.atomic
def input_mark_reviewed(*, actor, item) -> Input:
    """The moderator has looked at flagged or reported input and leaves it as it is."""
    if not actor.has_perm("participation.moderate", item):
        raise PermissionDenied
    Input.objects.filter(pk=item.pk).update(needs_review=False)
    AbuseReport.objects.filter(input=item).update(handled=True)
    audit.record(actor=actor, tenant=item.tenant, obj=item, action="input_reviewed")
    item.needs_review = False
    return item


def support_add(*, item, participant) -> bool:
    """Support an idea once per person. The database's unique constraint decides under concurrency:
    returns False when this person already supports it."""
    if item.kind != Input.Kind.IDEA or item.status != Input.Status.PUBLISHED:
        raise ValidationError(_("Only published ideas can be supported."))
    _require_open(item.process)
    try:
        with transaction.atomic():
            Support.objects.create(tenant_id=item.tenant_id, input=item, participant=participant)
    except IntegrityError:
        return False
    return True


def report_abuse(*, item, participant, reason="") -> bool:
    """Report input to the moderators (once per person); it is flagged for review."""
    if item.status != Input.Status.PUBLISHED:
        raise ValidationError(_("Only published input can be reported."))
    try:
        with transaction.atomic():
            AbuseReport.objects.create(tenant_id=item.tenant_id, input=item, participant=participant,
                                       reason=(reason or "").strip()[:1000])
            Input.objects.filter(pk=item.pk).update(needs_review=True)
            audit.record(actor=None, tenant=item.tenant_id, obj=item, action="input_report",
                         comment=(reason or "").strip()[:1000])
    except IntegrityError:
        return False
    return True


@transaction.atomic
def input_delete_own(*, item, participant) -> None:
    """A participant deletes their own input (and the comments and support it has)."""
    if item.participant != participant:
        raise PermissionDenied
    audit.record(actor=None, tenant=item.tenant_id, obj=item, action="input_delete_by_author",
                 changes={"kind": [item.kind, None]})
    item.delete()


@transaction.atomic
def invites_create(*, actor, process, count, label="", target_group=None) -> list:
    """`count` personal invite codes (e.g. one per employee of a unit)."""
    _require_manage(actor, process)
    if not 1 <= count <= 2000:
        raise ValidationError({"count": _("Create between 1 and 2000 codes at a time.")})
    _check_background(process, target_group, "")
    invites = InviteCode.objects.bulk_create([InviteCode(tenant=process.tenant, process=process, label=label,
                                                         target_group=target_group) for _i in range(count)])
    audit.record(actor=actor, tenant=process.tenant, obj=process, action="process_invites_create",
                 changes={"invites": [None, count]}, comment=label)
    return invites


# --- Surveys ------------------------------------------------------------------------------------
@transaction.atomic
def survey_create(*, actor, process, title, intro="") -> Survey:
    _require_manage(actor, process)
    return create_object(Survey(tenant=process.tenant, process=process, title=title, intro=intro), actor=actor,
                         tenant=process.tenant)


@transaction.atomic
def survey_set_status(*, actor, survey, status, reason="") -> Survey:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    SURVEY_MACHINE.apply(survey, status, actor=actor, reason=reason)
    return survey


def _clean_options(kind, options):
    options = [o.strip() for o in options or [] if o and o.strip()]
    if kind in Question.WITH_OPTIONS and len(options) < 2:
        raise ValidationError({"options": _("Give at least two options, one per line.")})
    if len(set(options)) != len(options):
        raise ValidationError({"options": _("Each option must be different.")})
    return options if kind in Question.WITH_OPTIONS else []


@transaction.atomic
def question_add(*, actor, survey, kind, text, help_text="", required=False, options=(), scale_min=1,
                 scale_max=5, plan=None) -> Question:
    """Add a question at the end. Allowed while the survey is a draft or open (add-only): what was
    asked before never changes."""
    _require_manage(actor, survey)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status == Survey.Status.CLOSED:
        raise ValidationError(_("The survey is closed."))
    if kind == Question.Kind.SCALE and not (scale_min < scale_max <= scale_min + 10):
        raise ValidationError({"scale_max": _("A scale goes up by 1 to 10 steps.")})
    if survey.status == Survey.Status.OPEN and required:
        raise ValidationError({"required": _("A question added to an open survey cannot be required: people "
                                            "who already answered could not have answered it.")})
    if plan is not None and (kind != Question.Kind.PLACE or plan.process_id != survey.process_id):
        raise ValidationError({"plan": _("A plan goes with a place question, and must be one of this process's.")})
    last = survey.questions.order_by("-position").values_list("position", flat=True).first() or 0
    return create_object(Question(tenant=survey.tenant, survey=survey, position=last + 1, kind=kind, text=text,
                                  help_text=help_text, required=required, options=_clean_options(kind, options),
                                  scale_min=scale_min, scale_max=scale_max, plan=plan), actor=actor,
                         tenant=survey.tenant)


@transaction.atomic
def question_delete(*, actor, question) -> None:
    """Remove a question — only while the survey is a draft (no answers can exist yet)."""
    _require_manage(actor, question)
    if Survey.objects.select_for_update().get(pk=question.survey_id).status != Survey.Status.DRAFT:
        raise ValidationError(_("Once a survey is open, questions can only be added, not changed or removed."))
    _delete(actor, question, "question_delete")


def _answer_value(question, raw, places):
    """Validate one answer; returns the value to store, or None for an unanswered optional question."""
    kind, n = question.kind, len(question.options)
    K = Question.Kind
    empty = raw in (None, "", [], {}) or (isinstance(raw, dict) and not any(v not in (None, "") for v in raw.values()))
    if empty:
        if question.required:
            raise ValidationError(_("Answer this question."))
        return None
    try:
        if kind == K.SINGLE:
            value = int(raw)
            ok = 0 <= value < n
        elif kind == K.MULTIPLE:
            value = sorted({int(v) for v in raw})
            ok = all(0 <= v < n for v in value)
        elif kind == K.SCALE:
            value = int(raw)
            ok = question.scale_min <= value <= question.scale_max
        elif kind == K.TEXT:
            value, _found = privacy.mask(str(raw).strip()[:5000])
            ok = bool(value)
        elif kind == K.RANKING:  # {option index: rank} → option indices, best first
            ranks = {int(k): int(v) for k, v in raw.items()}
            ok = sorted(ranks) == list(range(n)) and sorted(ranks.values()) == list(range(1, n + 1))
            value = sorted(ranks, key=ranks.get)
            if not ok:
                raise ValidationError(_("Give every option its own place, from 1 to %(n)d.") % {"n": n})
        elif kind == K.POINTS:
            points = {int(k): int(v or 0) for k, v in raw.items()}
            ok = set(points) <= set(range(n)) and all(v >= 0 for v in points.values())
            if ok and sum(points.values()) != 100:
                raise ValidationError(_("The points must add up to 100 (now %(sum)d).") % {"sum": sum(points.values())})
            value = [points.get(i, 0) for i in range(n)]
        elif kind == K.PLACE and question.plan_id:  # a pin on the plan, or an area chosen from the list
            areas = {str(a.pk): a for a in question.plan.areas.all()}
            area = areas.get(str(raw.get("area") or ""))
            if raw.get("area") and area is None:
                raise ValidationError(_("Choose an area of this plan."))
            x, y, area = plans.place_pin(plan=question.plan, x=raw.get("x"), y=raw.get("y"), area=area)
            value = {"x": x, "y": y, "area": area.pk if area else None}
            ok = True
        elif kind == K.PLACE:
            value = str(raw)
            ok = value in places
        else:
            ok = False
    except (TypeError, ValueError, AttributeError):
        ok = False
    if not ok:
        raise ValidationError(_("Choose one of the answers offered."))
    return value


def survey_submit(*, survey, participant, answers: dict) -> Response:
    """One person's answers (`{question id: raw value}`), all checked before anything is written;
    a second response from the same person is refused by the database's unique constraint."""
    if survey.status != Survey.Status.OPEN or survey.process.status != Process.Status.OPEN:
        raise ValidationError(_("This survey is not open."))
    questions = list(survey.questions.select_related("plan"))
    places = dict(place_choices(survey.process)) if any(q.kind == Question.Kind.PLACE for q in questions) else {}
    values, errors = {}, {}
    for q in questions:
        try:
            value = _answer_value(q, answers.get(q.pk), places)
        except ValidationError as exc:
            errors[f"q{q.pk}"] = exc.messages
            continue
        if value is not None:
            values[q.pk] = value
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            response = Response.objects.create(tenant_id=survey.tenant_id, survey=survey, participant=participant)
            Answer.objects.bulk_create([Answer(tenant_id=survey.tenant_id, response=response, question_id=pk,
                                               value=value) for pk, value in values.items()])
    except IntegrityError:
        raise ValidationError(_("You have already answered this survey.")) from None
    return response
