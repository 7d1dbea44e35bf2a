"""Every write to projects: project models, projects, their documents and decisions.

Each service checks the actor's permission itself (the UI and the API call the same ones), validates,
writes in one transaction and records the change in the audit log. Status changes go only through
the state machines in `states.py`; a project changes phase only when a decision is approved
(`decision_transition`).
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from torg.core import audit
from torg.core.sequences import next_label
from torg.core.tasks import SEND_EMAIL, enqueue_on_commit
from torg.core.services import create_object, require_same_tenant, update_object

from . import methods, queries
from .models import (Benefit, Decision, DecisionItem, Dependency, Document, DocumentKind, Gate, GateItem,
                     ItemKind, Measurement, Milestone, Phase, Project, ProjectModel, ReportReminder, Risk,
                     StatusReport)
from .states import DECISION_MACHINE, PROJECT_MACHINE, is_decider

PROJECT_FIELDS = ["name", "description", "is_programme", "programme", "owner", "manager", "responsible_unit",
                  "finance_number", "cost_frame", "steering_frame", "starts_on", "ends_on"]
RELATION_FIELDS = ["steering_group", "properties", "buildings", "processes"]
REPORT_FIELDS = ["overall", "schedule", "cost", "scope", "risk", "benefits", "comment", "milestones", "forecast", "spent"]
RISK_FIELDS = ["title", "description", "probability", "consequence", "owner", "measures", "residual_probability",
               "residual_consequence", "review_on", "closed"]
MILESTONE_FIELDS = ["title", "due_on", "reached_on", "comment"]
BENEFIT_FIELDS = ["title", "indicator", "unit", "baseline", "target", "owner", "owner_unit", "next_measurement_on",
                  "target_on"]


def _require(actor, perm, obj):
    if not actor.has_perm(perm, obj):
        raise PermissionDenied


def _unknown(fields, allowed):
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")


# --- Project models ---------------------------------------------------------------------------
MODEL_CLASSES = {"ProjectModel": ProjectModel, "Phase": Phase, "Gate": Gate, "GateItem": GateItem}


def _build_model(tenant, spec, *, key, version=1, name=None, based_on=None) -> ProjectModel:
    """A model from a spec (see methods.py)."""
    return methods.build_model(MODEL_CLASSES, tenant, spec, key=key, version=version, name=name, based_on=based_on)


@transaction.atomic
def model_seed_defaults(*, tenant) -> int:
    """Prosjektveiviseren and the building project model for a municipality that lacks them (the
    tenant set-up `projects`; migration 0007 ran the same for the municipalities that existed)."""
    return methods.seed_defaults(MODEL_CLASSES, tenant)


def _spec_of(model) -> dict:
    """A model as a spec, to copy it."""
    phases = []
    for phase in model.phases.order_by("position"):
        gate = getattr(phase, "gate", None)
        phases.append((phase.name, phase.description, phase.line_owned, phase.closes_project, gate and (
            gate.code, gate.name, gate.body, gate.releases,
            [(i.kind, i.text, i.document_kind, i.required) for i in gate.items.order_by("position", "id")])))
    return {"name": model.name, "kind": model.kind, "description": model.description, "phases": phases}


@transaction.atomic
def model_copy(*, actor, model, name) -> ProjectModel:
    """The municipality's own model, a copy of `model` to adapt."""
    _require(actor, "projects.manage_portfolio", model)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the copy a name.")})
    base = slugify(name.replace("æ", "ae").replace("ø", "o").replace("å", "aa"))[:50] or "model"
    taken = set(ProjectModel.objects.filter(tenant=model.tenant, key__startswith=base).values_list("key", flat=True))
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    copy = _build_model(model.tenant, _spec_of(model), key=key, name=name, based_on=model)
    audit.record(actor=actor, tenant=model.tenant, obj=copy, action="project_model_copy",
                 changes={"based_on": [None, str(model)]})
    return copy


def _editable(actor, model) -> ProjectModel:
    """The model itself while no project uses it; else a new version (the projects keep theirs)."""
    _require(actor, "projects.manage_portfolio", model)
    model = ProjectModel.objects.select_for_update().get(pk=model.pk)
    if not model.is_current:
        raise ValidationError(_("Only the current version of a model can be changed."))
    if not model.projects.exists():
        return model
    newer = _build_model(model.tenant, _spec_of(model), key=model.key, version=model.version + 1, name=model.name,
                         based_on=model)
    model.is_current = False
    model.save(update_fields=["is_current", "updated_at"])
    audit.record(actor=actor, tenant=model.tenant, obj=newer, action="project_model_version",
                 changes={"version": [model.version, newer.version]})
    return newer


def _same_gate(model, gate) -> Gate:
    return gate if gate.model_id == model.pk else model.gates.get(code=gate.code, phase__position=gate.phase.position)


@transaction.atomic
def gate_item_add(*, actor, gate, kind, text, document_kind="", required=True) -> GateItem:
    """A checklist item for a decision point (on a new version of the model when projects use it)."""
    model = _editable(actor, gate.model)
    gate = _same_gate(model, gate)
    last = gate.items.order_by("-position").values_list("position", flat=True).first() or 0
    item = GateItem(tenant=gate.tenant, gate=gate, position=last + 1, kind=kind, text=(text or "").strip(),
                    document_kind=document_kind, required=required)
    return create_object(item, actor=actor, tenant=gate.tenant)


PHASE_FIELDS = ["name", "description", "line_owned"]
GATE_FIELDS = ["name", "body", "releases"]


@transaction.atomic
def phase_update(*, actor, phase, **fields) -> Phase:
    """Rename or describe a phase of a model, or say the line organisation runs it (on a new version of
    the model when projects use it: they keep theirs)."""
    _unknown(fields, PHASE_FIELDS)
    model = _editable(actor, phase.model)
    phase = model.phases.get(position=phase.position)
    if "name" in fields and not (fields["name"] or "").strip():
        raise ValidationError({"name": _("Name the phase.")})
    return update_object(phase, actor=actor, tenant=phase.tenant, fields=fields)


@transaction.atomic
def gate_update(*, actor, gate, **fields) -> Gate:
    """Rename a decision point, change who decides it or what it releases (on a new version of the
    model when projects use it)."""
    _unknown(fields, GATE_FIELDS)
    model = _editable(actor, gate.model)
    gate = _same_gate(model, gate)
    if "name" in fields and not (fields["name"] or "").strip():
        raise ValidationError({"name": _("Name the decision point.")})
    return update_object(gate, actor=actor, tenant=gate.tenant, fields=fields)


@transaction.atomic
def gate_item_remove(*, actor, item) -> ProjectModel:
    model = _editable(actor, item.gate.model)
    if item.gate.model_id != model.pk:
        item = _same_gate(model, item.gate).items.get(position=item.position, text=item.text)
    audit.record(actor=actor, tenant=item.tenant, obj=model, action="gate_item_remove",
                 changes={"text": [item.text, None]}, comment=f"{item.gate.code}")
    item.delete()
    return model


# --- Projects ---------------------------------------------------------------------------------
def _members(tenant, *users, field):
    for user in users:
        if user is not None and not user.memberships.filter(tenant=tenant, is_active=True).exists():
            raise ValidationError({field: _("Choose a member of the municipality.")})


def _check_project(tenant, fields, relations):
    require_same_tenant(tenant, fields.get("responsible_unit"), field="responsible_unit")
    require_same_tenant(tenant, fields.get("programme"), field="programme")
    for name in ("properties", "buildings", "processes"):
        require_same_tenant(tenant, *(relations.get(name) or []), field=name)
    for name in ("owner", "manager"):
        if name in fields:
            _members(tenant, fields[name], field=name)
    _members(tenant, *(relations.get("steering_group") or []), field="steering_group")
    programme = fields.get("programme")
    if programme is not None and not programme.is_programme:
        raise ValidationError({"programme": _("Choose a programme.")})
    if fields.get("is_programme") and programme is not None:
        raise ValidationError({"programme": _("A programme cannot be part of another programme.")})
    starts, ends = fields.get("starts_on"), fields.get("ends_on")
    if starts and ends and ends < starts:
        raise ValidationError({"ends_on": _("The project cannot end before it starts.")})
    cost, steering = fields.get("cost_frame"), fields.get("steering_frame")
    if cost is not None and steering is not None and steering > cost:
        raise ValidationError({"steering_frame": _("The steering frame (P50) cannot exceed the cost frame (P85).")})


def _relation_ids(project):
    return {name: sorted(getattr(project, name).values_list("pk", flat=True)) for name in RELATION_FIELDS}


def _set_relations(project, relations):
    for name, values in relations.items():
        getattr(project, name).set(list(values or []))


@transaction.atomic
def project_create(*, actor, tenant, name, model, owner, manager, **fields) -> Project:
    """A new project in the first phase of the current version of `model`, with one decision per
    decision point of the model, each with the model's checklist."""
    _require(actor, "projects.manage_portfolio", tenant)
    _unknown(fields, PROJECT_FIELDS + RELATION_FIELDS)
    relations = {k: fields.pop(k) for k in RELATION_FIELDS if k in fields}
    require_same_tenant(tenant, model, field="model")
    if not model.is_current or model.archived:
        raise ValidationError({"model": _("Choose the current version of a model.")})
    _check_project(tenant, {**fields, "owner": owner, "manager": manager}, relations)
    first = model.phases.order_by("position").first()
    project = Project(tenant=tenant, number=next_label(tenant, "P"), name=name, model=model, phase=first, owner=owner,
                      manager=manager, **fields)
    create_object(project, actor=actor, tenant=tenant)
    if relations:
        _set_relations(project, relations)
        audit.record(actor=actor, tenant=tenant, obj=project, action=audit.code(project, "update"),
                     changes={k: [[], v] for k, v in _relation_ids(project).items() if v})
    for gate in model.gates.prefetch_related("items"):
        decision = Decision.objects.create(tenant=tenant, project=project, gate=gate)
        DecisionItem.objects.bulk_create([DecisionItem(tenant=tenant, decision=decision, gate_item=item)
                                          for item in gate.items.all()])
    return project


@transaction.atomic
def project_update(*, actor, project, **fields) -> Project:
    _require(actor, "projects.manage_project", project)
    _unknown(fields, PROJECT_FIELDS + RELATION_FIELDS)
    relations = {k: fields.pop(k) for k in RELATION_FIELDS if k in fields}
    project = Project.objects.select_for_update().get(pk=project.pk)
    merged = {k: getattr(project, k) for k in PROJECT_FIELDS} | fields
    if not merged["is_programme"] and project.is_programme and project.sub_projects.exists():
        raise ValidationError({"is_programme": _("The programme still has sub-projects.")})
    if merged.get("programme") is not None and merged["programme"].pk == project.pk:
        raise ValidationError({"programme": _("A project cannot be its own programme.")})
    _check_project(project.tenant, {k: v for k, v in merged.items()
                                    if k in fields or k in ("cost_frame", "steering_frame", "starts_on", "ends_on")},
                   relations)
    before = _relation_ids(project)
    update_object(project, actor=actor, tenant=project.tenant, fields=fields)
    if relations:
        _set_relations(project, relations)
        after = _relation_ids(project)
        changes = {k: [before[k], after[k]] for k in RELATION_FIELDS if before[k] != after[k]}
        if changes:
            audit.record(actor=actor, tenant=project.tenant, obj=project, action=audit.code(project, "update"), changes=changes)
    return project


@transaction.atomic
def project_set_status(*, actor, project, status, reason="") -> Project:
    """Resume a stopped project (its owner, with a reason): the decision that stopped it opens again."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    PROJECT_MACHINE.apply(project, status, actor=actor, reason=reason)
    if status == Project.Status.ACTIVE:
        for decision in project.decisions.filter(gate__phase=project.phase_id,
                                                 status__in=[Decision.Status.STOPPED, Decision.Status.REDIRECTED]):
            DECISION_MACHINE.apply(decision, Decision.Status.DRAFT, actor=actor, system=True, reason=reason)
    return project


# --- Documents --------------------------------------------------------------------------------
@transaction.atomic
def document_save(*, actor, project, kind, sections) -> Document:
    """A new version of the project's mandate or plan. The open checklist items that ask for this
    document are met by it (in the project's decisions not yet taken)."""
    _require(actor, "projects.manage_project", project)
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("Unknown document.")})
    sections = {k: (v or "").strip() for k, v in (sections or {}).items()}
    if not any(sections.values()):
        raise ValidationError({"__all__": _("Write at least one section.")})
    project = Project.objects.select_for_update().get(pk=project.pk)
    last = project.documents.filter(kind=kind).order_by("-version").values_list("version", flat=True).first() or 0
    document = Document.objects.create(tenant=project.tenant, project=project, kind=kind, version=last + 1,
                                       sections=sections, written_by=actor if actor.is_authenticated else None)
    audit.record(actor=actor, tenant=project.tenant, obj=project, action="document_version",
                 changes={document.get_kind_display(): [last or None, document.version]})
    items = DecisionItem.objects.filter(decision__project=project, state=DecisionItem.State.OPEN,
                                        gate_item__document_kind=kind,
                                        decision__status__in=[Decision.Status.DRAFT, Decision.Status.RETURNED,
                                                              Decision.Status.SUBMITTED])
    for item in items:
        _item_change(actor, item, DecisionItem.State.MET, "decision_item_meet",
                     evidence=_("%(document)s, version %(version)s") % {"document": document.get_kind_display(),
                                                                      "version": document.version})
    return document


# --- Decisions --------------------------------------------------------------------------------
def _item_change(actor, item, state, action, *, evidence="", link="", reason=""):
    before = {"state": item.state, "evidence": item.evidence, "link": item.link, "waived_reason": item.waived_reason}
    item.state, item.evidence, item.link, item.waived_reason = state, evidence, link, reason
    item.full_clean()
    item.save()
    after = {"state": item.state, "evidence": item.evidence, "link": item.link, "waived_reason": item.waived_reason}
    audit.record(actor=actor, tenant=item.tenant, obj=item.decision, action=action,
                 changes={item.gate_item.text: [before["state"], after["state"]]}, comment=reason or evidence)
    return item


def _lock_item(item):
    item = DecisionItem.objects.select_for_update().select_related("decision__project", "gate_item").get(pk=item.pk)
    if item.decision.status not in (Decision.Status.DRAFT, Decision.Status.RETURNED, Decision.Status.SUBMITTED):
        raise ValidationError(_("The decision has been taken; its checklist is closed."))
    return item


@transaction.atomic
def decision_item_meet(*, actor, item, evidence, link="") -> DecisionItem:
    """The project (its manager, owner or a portfolio manager) documents that an item is met."""
    _require(actor, "projects.manage_project", item.decision.project)
    item = _lock_item(item)
    if not (evidence or "").strip() and not (link or "").strip():
        raise ValidationError({"evidence": _("Say how the item is met, or give a link.")})
    return _item_change(actor, item, DecisionItem.State.MET, "decision_item_meet",
                        evidence=(evidence or "").strip(), link=(link or "").strip())


@transaction.atomic
def decision_item_reopen(*, actor, item) -> DecisionItem:
    _require(actor, "projects.manage_project", item.decision.project)
    item = _lock_item(item)
    return _item_change(actor, item, DecisionItem.State.OPEN, "decision_item_reopen")


@transaction.atomic
def decision_item_waive(*, actor, item, reason) -> DecisionItem:
    """The deciding body waives an item it does not require this time, with a reason."""
    item = _lock_item(item)
    if not is_decider(actor, item.decision):
        raise PermissionDenied
    if item.decision.status != Decision.Status.SUBMITTED:
        raise ValidationError(_("Items are waived when the decision has been submitted."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give a reason.")})
    return _item_change(actor, item, DecisionItem.State.WAIVED, "decision_item_waive", reason=reason.strip())


def _next_phase(project):
    return project.model.phases.filter(position__gt=project.phase.position).order_by("position").first()


TAKEN = (Decision.Status.APPROVED, Decision.Status.STOPPED, Decision.Status.REDIRECTED)


@transaction.atomic
def decision_transition(*, actor, decision, status, reason="", decided_on=None, minutes_url="",
                        released_amount=None, released_mandate="") -> Decision:
    """Submit, approve (go), stop (null point), other measures, send back — only what
    `DECISION_MACHINE` allows. A decision taken records its date, body, minutes and the money and
    mandate it releases. Approving moves the project into the next phase (closing it when that
    phase closes projects) and marks the documents it asked for as approved; stop and other
    measures stop the project. The decision's row is locked, so two bodies approving at once
    record one decision."""
    project = Project.objects.select_for_update().get(pk=decision.project_id)
    decision = Decision.objects.select_for_update().select_related("gate__phase", "project").get(pk=decision.pk)
    decision.project = project
    if status in (Decision.Status.SUBMITTED, Decision.Status.APPROVED) and decision.status != status:
        _meet_participation(actor, decision)
    if status in TAKEN:
        if released_amount is not None and released_amount < 0:
            raise ValidationError({"released_amount": _("The amount cannot be negative.")})
        if status != Decision.Status.APPROVED and released_amount:
            raise ValidationError({"released_amount": _("Only a decision to go on releases money.")})
        today = timezone.localdate()
        decided_on = decided_on or today
        if decided_on > today:
            raise ValidationError({"decided_on": _("The decision date cannot be in the future.")})
        DECISION_MACHINE.check(decision, status, actor=actor, reason=reason)
        decision.decided_on, decision.body = decided_on, decision.gate.body
        decision.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        decision.minutes_url = (minutes_url or "").strip()
        decision.released_amount = released_amount if status == Decision.Status.APPROVED else None
        decision.released_mandate = (released_mandate or "").strip()
        decision.full_clean()
        decision.save(update_fields=["decided_on", "body", "decided_by", "minutes_url", "released_amount",
                                     "released_mandate", "updated_at"])
    DECISION_MACHINE.apply(decision, status, actor=actor, reason=reason)
    if status == Decision.Status.APPROVED:
        _enter_next_phase(actor, project, decision)
    elif status in (Decision.Status.STOPPED, Decision.Status.REDIRECTED):
        PROJECT_MACHINE.apply(project, Project.Status.STOPPED, actor=actor, system=True,
                              reason=f"{decision.gate.code}: {reason}".strip())
    return decision


def _meet_participation(actor, decision):
    """Participation items are met by a process linked to the project that has given feedback."""
    items = list(decision.items.filter(state=DecisionItem.State.OPEN, gate_item__kind=ItemKind.PARTICIPATION)
                 .select_related("gate_item"))
    if not items:
        return
    done = [p.title for p in queries.linked_processes(project=decision.project, ideas=0) if p.feedback_given]
    if done:
        for item in items:
            _item_change(actor, item, DecisionItem.State.MET, "decision_item_meet",
                         evidence=_("Feedback given: %(processes)s") % {"processes": "; ".join(done)})


def _enter_next_phase(actor, project, decision):
    kinds = set(decision.items.exclude(gate_item__document_kind="").values_list("gate_item__document_kind", flat=True))
    for kind in kinds:
        latest = project.documents.filter(kind=kind).order_by("-version").first()
        if latest is not None and latest.approved_by_id is None:
            latest.approved_by = decision
            latest.save(update_fields=["approved_by", "updated_at"])
    old, new = project.phase, _next_phase(project)
    changes = {"released_amount": [None, str(decision.released_amount)]} if decision.released_amount else {}
    if new is not None:
        project.phase = new
        project.save(update_fields=["phase", "updated_at"])
        changes["phase"] = [old.pk, new.pk]
    audit.record(actor=actor, tenant=project.tenant, obj=project, action="project_phase_enter", changes=changes,
                 comment=decision.gate.code)
    if new is None or new.closes_project:
        PROJECT_MACHINE.apply(project, Project.Status.CLOSED, actor=actor, system=True, reason=decision.gate.code)


# --- Monthly status, risks, dependencies, benefits --------------------------------------------
month_start, report_due_on = queries.month_start, queries.report_due_on


@transaction.atomic
def status_report_submit(*, actor, project, period, **fields) -> StatusReport:
    """The project's status report for the month of `period` (one per month). Submitted after its due
    date it is marked late."""
    _require(actor, "projects.manage_project", project)
    _unknown(fields, REPORT_FIELDS)
    today = timezone.localdate()
    period = month_start(period)
    if period > month_start(today):
        raise ValidationError({"period": _("Report on this month or an earlier one.")})
    if project.status != Project.Status.ACTIVE:
        raise ValidationError({"period": _("The project is not active.")})
    if project.status_reports.filter(period=period).exists():
        raise ValidationError({"period": _("This month has a status report already.")})
    report = StatusReport(tenant=project.tenant, project=project, period=period, due_on=report_due_on(period),
                          submitted_on=today, submitted_by=actor if actor.is_authenticated else None, **fields)
    return create_object(report, actor=actor, tenant=project.tenant)


def _check_risk(risk):
    if (risk.residual_probability is None) != (risk.residual_consequence is None):
        raise ValidationError({"residual_consequence": _("Give both probability and consequence after measures.")})
    if risk.owner_id:
        _members(risk.tenant, risk.owner, field="owner")


@transaction.atomic
def risk_create(*, actor, project, **fields) -> Risk:
    _require(actor, "projects.manage_project", project)
    _unknown(fields, RISK_FIELDS)
    risk = Risk(tenant=project.tenant, project=project, **fields)
    _check_risk(risk)
    return create_object(risk, actor=actor, tenant=project.tenant)


@transaction.atomic
def risk_update(*, actor, risk, **fields) -> Risk:
    _require(actor, "projects.manage_project", risk.project)
    _unknown(fields, RISK_FIELDS)
    probe = Risk(tenant=risk.tenant, project=risk.project, **({k: getattr(risk, k) for k in RISK_FIELDS} | fields))
    _check_risk(probe)
    return update_object(risk, actor=actor, tenant=risk.tenant, fields=fields)


def _depends(start, target) -> bool:
    """Whether `start` depends, directly or through others, on `target`."""
    seen, todo = set(), [start.pk]
    while todo:
        pk = todo.pop()
        if pk == target.pk:
            return True
        if pk in seen:
            continue
        seen.add(pk)
        todo.extend(Dependency.objects.filter(project_id=pk).values_list("depends_on_id", flat=True))
    return False


@transaction.atomic
def dependency_add(*, actor, project, depends_on, description="") -> Dependency:
    """`project` needs something from `depends_on`. Circles are refused."""
    _require(actor, "projects.manage_project", project)
    require_same_tenant(project.tenant, depends_on, field="depends_on")
    if depends_on.pk == project.pk:
        raise ValidationError({"depends_on": _("A project cannot depend on itself.")})
    if _depends(depends_on, project):
        raise ValidationError({"depends_on": _("%(other)s already depends on this project.") % {"other": depends_on}})
    if project.dependencies.filter(depends_on=depends_on).exists():
        raise ValidationError({"depends_on": _("This dependency is registered already.")})
    return create_object(Dependency(tenant=project.tenant, project=project, depends_on=depends_on,
                                    description=(description or "").strip()), actor=actor, tenant=project.tenant)


@transaction.atomic
def dependency_remove(*, actor, dependency) -> None:
    _require(actor, "projects.manage_project", dependency.project)
    audit.record(actor=actor, tenant=dependency.tenant, obj=dependency.project, action="dependency_remove",
                 changes={"depends_on": [dependency.depends_on.number, None]})
    dependency.delete()


@transaction.atomic
def benefit_create(*, actor, project, **fields) -> Benefit:
    """An effect goal with its indicator, baseline and target, owned by someone in the line organisation."""
    _require(actor, "projects.manage_project", project)
    _unknown(fields, BENEFIT_FIELDS)
    benefit = Benefit(tenant=project.tenant, project=project, **fields)
    require_same_tenant(project.tenant, fields.get("owner_unit"), field="owner_unit")
    if benefit.owner_id:
        _members(project.tenant, benefit.owner, field="owner")
    return create_object(benefit, actor=actor, tenant=project.tenant)


@transaction.atomic
def measurement_record(*, actor, benefit, measured_on, value, comment="") -> Measurement:
    """A measurement of a benefit — also years after the project closed — by the project or the
    benefit's owner in the line organisation."""
    if not (actor.has_perm("projects.manage_project", benefit.project)
            or (actor.pk == benefit.owner_id and actor.has_perm("projects.view_projects", benefit))):
        raise PermissionDenied
    if measured_on > timezone.localdate():
        raise ValidationError({"measured_on": _("The date cannot be in the future.")})
    measurement = Measurement(tenant=benefit.tenant, benefit=benefit, measured_on=measured_on, value=value,
                              comment=(comment or "").strip(),
                              recorded_by=actor if actor.is_authenticated else None)
    create_object(measurement, actor=actor, tenant=benefit.tenant)
    return measurement


# --- Milestones -------------------------------------------------------------------------------
def _check_milestone(milestone):
    milestone.title = (milestone.title or "").strip()
    milestone.comment = (milestone.comment or "").strip()
    if not milestone.title:
        raise ValidationError({"title": _("Name the milestone.")})
    if milestone.reached_on and milestone.reached_on > timezone.localdate():
        raise ValidationError({"reached_on": _("A milestone cannot be reached in the future.")})


@transaction.atomic
def milestone_create(*, actor, project, title, due_on, reached_on=None, comment="") -> Milestone:
    """A milestone of the project: what is to be reached, by when (shown on the timelines)."""
    _require(actor, "projects.manage_project", project)
    milestone = Milestone(tenant=project.tenant, project=project, title=title, due_on=due_on, reached_on=reached_on,
                          comment=comment)
    _check_milestone(milestone)
    return create_object(milestone, actor=actor, tenant=project.tenant)


@transaction.atomic
def milestone_update(*, actor, milestone, **fields) -> Milestone:
    """Move a milestone, rename it, or record that it was reached (`reached_on`; None: not yet)."""
    _require(actor, "projects.manage_project", milestone.project)
    _unknown(fields, MILESTONE_FIELDS)
    probe = Milestone(tenant=milestone.tenant, project=milestone.project,
                      **({k: getattr(milestone, k) for k in MILESTONE_FIELDS} | fields))
    _check_milestone(probe)
    return update_object(milestone, actor=actor, tenant=milestone.tenant,
                         fields={k: getattr(probe, k) for k in fields})


@transaction.atomic
def milestone_delete(*, actor, milestone) -> None:
    _require(actor, "projects.manage_project", milestone.project)
    audit.record(actor=actor, tenant=milestone.tenant, obj=milestone.project, action="milestone_remove",
                 changes={"title": [milestone.title, None], "due_on": [str(milestone.due_on), None]})
    milestone.delete()


# --- Status report reminders ------------------------------------------------------------------
def _reminder_text(project, period, due):
    with translation.override("nb"):
        month = period.strftime("%m.%Y")
        subject = _("Status report for %(month)s: %(project)s") % {"month": month, "project": project}
        link = f"{settings.TORG_PUBLIC_BASE_URL.rstrip('/')}{reverse('projects:status_report_create', args=[project.pk])}"
        body = _("The status report of %(project)s for %(month)s is due on %(due)s.\n\nSubmit it here: %(link)s\n\n"
                 "You get this e-mail because you are the project's manager.") % {
            "project": project, "month": month, "due": due.strftime("%d.%m.%Y"), "link": link}
    return subject, body


def report_reminders_send(*, today=None) -> list[ReportReminder]:
    """Remind the manager of every active project whose report for the month due next is not in yet
    — once per project and month, however often it runs (daily from `manage.py
    projects_report_reminders` or the `send_report_reminders` task). Each reminder is recorded in its
    own transaction and its e-mail is queued after that commits; two runs at once record (and send)
    one, since the second insert hits the unique constraint."""
    today = today or timezone.localdate()
    period, due, in_window = queries.reminder_period(today)
    if not in_window:
        return []
    candidates = (Project.objects.filter(status=Project.Status.ACTIVE)
                  .filter(Q(starts_on__isnull=True) | Q(starts_on__lt=report_due_on(period).replace(day=1)))
                  .exclude(status_reports__period=period).exclude(report_reminders__period=period)
                  .select_related("manager").order_by("tenant_id", "number"))
    sent = []
    for project in candidates:
        try:
            with transaction.atomic():
                reminder = ReportReminder.objects.create(tenant_id=project.tenant_id, project=project, period=period,
                                                         due_on=due, sent_to=project.manager.email or "")
                if reminder.sent_to:
                    subject, body = _reminder_text(project, period, due)
                    enqueue_on_commit(SEND_EMAIL, to=reminder.sent_to, subject=subject,
                                      body=body)
        except IntegrityError:  # another run reminded this project of this month a moment ago
            continue
        sent.append(reminder)
    return sent


# --- Participation decision records at a decision point ---------------------------------------
def _participation_decision_of_project(decision, participation_decision):
    require_same_tenant(decision.tenant, participation_decision, field="participation_decision")
    linked = Project.processes.through.objects.filter(project_id=decision.project_id,
                                                      process_id=participation_decision.process_id).exists()
    if not linked:
        raise ValidationError({"participation_decision": _(
            "The decision belongs to a participation process that is not linked to the project.")})


@transaction.atomic
def decision_link_participation(*, actor, decision, participation_decision) -> Decision:
    """Record that a decision of a participation process linked to the project (its "vedtak", with the
    case number) is the one this decision point took — so the process shows what it fed, and the
    decision point what people said."""
    _require(actor, "projects.manage_project", decision.project)
    _participation_decision_of_project(decision, participation_decision)
    if decision.participation_decisions.filter(pk=participation_decision.pk).exists():
        return decision
    decision.participation_decisions.add(participation_decision)
    audit.record(actor=actor, tenant=decision.tenant, obj=decision, action="decision_participation_link",
                 changes={"participation_decision": [None, str(participation_decision)]})
    return decision


@transaction.atomic
def decision_unlink_participation(*, actor, decision, participation_decision) -> Decision:
    _require(actor, "projects.manage_project", decision.project)
    if decision.participation_decisions.filter(pk=participation_decision.pk).exists():
        decision.participation_decisions.remove(participation_decision)
        audit.record(actor=actor, tenant=decision.tenant, obj=decision, action="decision_participation_unlink",
                     changes={"participation_decision": [str(participation_decision), None]})
    return decision
