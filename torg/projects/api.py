"""Projects API: the portfolio, projects, their decisions and checklists, project models — the same
services and rules as the UI."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Schema
from ninja import Status as Answer
from ninja.pagination import paginate

from torg.accounts.models import OrgUnit, User
from torg.core.api import ApiRouter, Id, InSchema, Omitted, Pagination, PatchSchema
from torg.core.tabular import ImportRefused
from torg.core.views import require_api_perm
from torg.places.models import Building, Property

from . import finance, queries, services
from .models import DocumentKind
from .states import DECISION_MACHINE

router = ApiRouter(tags=["projects"])
Money = Field(None, ge=0, le=99_999_999_999_999)  # whole kroner, as the columns hold


class ProjectPhaseOut(Schema):
    id: int
    position: int
    name: str
    line_owned: bool
    closes_project: bool


class ProjectOut(Schema):
    id: int
    number: str
    name: str
    description: str
    is_programme: bool
    programme_id: int | None
    model_id: int
    model_key: str
    model_version: int
    phase: ProjectPhaseOut
    status: str
    owner_id: int
    manager_id: int
    steering_group_ids: list[int]
    responsible_unit_id: int | None
    finance_number: str
    cost_frame: int | None
    steering_frame: int | None
    released: int
    starts_on: dt.date | None
    ends_on: dt.date | None
    property_ids: list[int]
    building_ids: list[int]
    process_ids: list[int]

    @staticmethod
    def resolve_process_ids(obj):
        return sorted(p.pk for p in obj.processes.all())  # ids only (prefetched by the list)

    @staticmethod
    def resolve_model_key(obj):
        return obj.model.key

    @staticmethod
    def resolve_model_version(obj):
        return obj.model.version

    @staticmethod
    def resolve_steering_group_ids(obj):
        return [u.pk for u in obj.steering_group.all()]

    @staticmethod
    def resolve_property_ids(obj):
        return [p.pk for p in obj.properties.all()]

    @staticmethod
    def resolve_building_ids(obj):
        return [b.pk for b in obj.buildings.all()]


class TransitionOut(Schema):
    to_status: str
    verb: str
    label: str
    reason_required: bool


class ChecklistItemOut(Schema):
    id: int
    kind: str
    text: str
    required: bool
    document_kind: str
    state: str
    evidence: str
    link: str
    waived_reason: str

    @staticmethod
    def resolve_kind(obj):
        return obj.gate_item.kind

    @staticmethod
    def resolve_text(obj):
        return obj.gate_item.text

    @staticmethod
    def resolve_required(obj):
        return obj.gate_item.required

    @staticmethod
    def resolve_document_kind(obj):
        return obj.gate_item.document_kind


class DecisionOut(Schema):
    id: int
    project_id: int
    code: str
    name: str
    body: str
    releases: str
    status: str
    decided_on: dt.date | None
    decided_by_id: int | None
    minutes_url: str
    released_amount: int | None
    released_mandate: str
    participation_decision_ids: list[int]
    items: list[ChecklistItemOut]
    allowed_transitions: list[TransitionOut]

    @staticmethod
    def resolve_code(obj):
        return obj.gate.code

    @staticmethod
    def resolve_name(obj):
        return obj.gate.name

    @staticmethod
    def resolve_body(obj):
        return obj.body or obj.gate.body

    @staticmethod
    def resolve_participation_decision_ids(obj):
        return sorted(obj.participation_decisions.values_list("pk", flat=True))

    @staticmethod
    def resolve_releases(obj):
        return obj.gate.releases

    @staticmethod
    def resolve_items(obj):
        return list(queries.decision_items(decision=obj))

    @staticmethod
    def resolve_allowed_transitions(obj, context):
        user = context["request"].user
        return [{"to_status": t.target, "verb": t.verb, "label": str(t.label), "reason_required": t.reason}
                for t in DECISION_MACHINE.available(obj, user)]


class DocumentOut(Schema):
    id: int
    kind: str
    version: int
    sections: dict[str, str]
    approved_by_id: int | None
    created_at: dt.datetime


class ModelGateItemOut(Schema):
    id: int
    position: int
    kind: str
    text: str
    document_kind: str
    required: bool


class ModelGateOut(Schema):
    id: int
    phase_id: int
    code: str
    name: str
    body: str
    releases: str
    items: list[ModelGateItemOut]

    @staticmethod
    def resolve_items(obj):
        return list(obj.items.all())


class ModelOut(Schema):
    id: int
    key: str
    version: int
    is_current: bool
    name: str
    kind: str
    description: str
    based_on_id: int | None
    phases: list[ProjectPhaseOut]
    gates: list[ModelGateOut]

    @staticmethod
    def resolve_phases(obj):
        return list(obj.phases.all())

    @staticmethod
    def resolve_gates(obj):
        return list(obj.gates.all())


class ProjectIn(InSchema):
    name: str
    model_id: Id
    owner_id: Id
    manager_id: Id
    description: str = ""
    is_programme: bool = False
    programme_id: Id | None = None
    steering_group_ids: list[Id] = []
    responsible_unit_id: Id | None = None
    finance_number: str = ""
    cost_frame: int | None = Money
    steering_frame: int | None = Money
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    property_ids: list[Id] = []
    building_ids: list[Id] = []
    process_ids: list[Id] = []


class ProjectPatch(PatchSchema):
    name: str = Omitted
    description: str | None = None
    is_programme: bool = Omitted
    programme_id: Id | None = None
    owner_id: Id = Omitted
    manager_id: Id = Omitted
    steering_group_ids: list[Id] | None = None
    responsible_unit_id: Id | None = None
    finance_number: str | None = None
    cost_frame: int | None = Money
    steering_frame: int | None = Money
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    property_ids: list[Id] | None = None
    building_ids: list[Id] | None = None
    process_ids: list[Id] | None = None


class ProjectDecisionIn(InSchema):
    status: str
    reason: str = ""
    decided_on: dt.date | None = None
    minutes_url: str = ""
    released_amount: int | None = Money
    released_mandate: str = ""


class MeetIn(InSchema):
    evidence: str = ""
    link: str = ""


class WaiveIn(InSchema):
    reason: str


class DocumentIn(InSchema):
    sections: dict[str, str]


def _one(request, model, pk):
    return get_object_or_404(model, tenant=request.tenant, pk=pk) if pk else None


def _member(request, pk):
    return get_object_or_404(User, pk=pk, memberships__tenant=request.tenant, memberships__is_active=True)


MANY = {"property_ids": ("properties", Property), "building_ids": ("buildings", Building)}


def _fields(request, data: dict) -> dict:
    """Payload → service fields, every id resolved within the caller's municipality (else 404)."""
    if "model_id" in data:
        data["model"] = get_object_or_404(queries.models_for_new_projects(tenant=request.tenant), pk=data.pop("model_id"))
    for key in ("owner_id", "manager_id"):
        if key in data:
            data[key[:-3]] = _member(request, data.pop(key))
    if "programme_id" in data:
        data["programme"] = _one(request, queries.programmes(tenant=request.tenant).model, data.pop("programme_id"))
    if "responsible_unit_id" in data:
        data["responsible_unit"] = _one(request, OrgUnit, data.pop("responsible_unit_id"))
    if "steering_group_ids" in data:
        data["steering_group"] = [_member(request, pk) for pk in (data.pop("steering_group_ids") or [])]
    for key, (name, model) in MANY.items():
        if key in data:
            data[name] = [_one(request, model, pk) for pk in (data.pop(key) or [])]
    if "process_ids" in data:
        data["processes"] = [queries.process_get(tenant=request.tenant, pk=pk) for pk in (data.pop("process_ids") or [])]
    return data


def _project(request, pk):
    return queries.project_detail(tenant=request.tenant, pk=pk)


# --- Projects ---------------------------------------------------------------------------------
@router.get("/projects", response=list[ProjectOut])
@paginate(Pagination)
def list_projects(request, status: str = "", model: str = "", phase: str = "", search: str = ""):
    """The portfolio: every project and programme of the municipality, with the money released."""
    require_api_perm(request, "projects.view_projects")
    return queries.portfolio(tenant=request.tenant, status=status, model=model, phase=phase,
                             search=search).prefetch_related("steering_group", "properties", "buildings", "processes")


@router.get("/projects/{int:pk}", response=ProjectOut)
def get_project(request, pk: Id):
    require_api_perm(request, "projects.view_projects")
    return _project(request, pk)


@router.post("/projects", response={201: ProjectOut})
def create_project(request, payload: ProjectIn):
    require_api_perm(request, "projects.manage_portfolio")
    project = services.project_create(actor=request.user, tenant=request.tenant, **_fields(request, payload.dict()))
    return 201, _project(request, project.pk)


@router.patch("/projects/{int:pk}", response=ProjectOut)
def update_project(request, pk: Id, payload: ProjectPatch):
    project = queries.project_get(tenant=request.tenant, pk=pk)
    require_api_perm(request, "projects.manage_project", project)
    services.project_update(actor=request.user, project=project, **_fields(request, payload.changes()))
    return _project(request, pk)


@router.get("/projects/{int:pk}/decisions", response=list[DecisionOut])
def list_decisions(request, pk: Id):
    """The project's decision points in order, each with its checklist and what the caller may do."""
    require_api_perm(request, "projects.view_projects")
    project = queries.project_get(tenant=request.tenant, pk=pk)
    return list(project.decisions.select_related("gate__phase", "project__phase").order_by("gate__phase__position"))


@router.get("/projects/{int:pk}/documents", response=list[DocumentOut])
def list_documents(request, pk: Id, kind: str = ""):
    """Every version of the project's mandate and plan, newest first."""
    require_api_perm(request, "projects.view_projects")
    project = queries.project_get(tenant=request.tenant, pk=pk)
    qs = project.documents.order_by("kind", "-version")
    return list(qs.filter(kind=kind) if kind else qs)


@router.post("/projects/{int:pk}/documents/{kind}", response={201: DocumentOut})
def save_document(request, pk: Id, kind: DocumentKind, payload: DocumentIn):
    """A new version of the mandate or the project plan (sections of the template)."""
    project = queries.project_get(tenant=request.tenant, pk=pk)
    require_api_perm(request, "projects.manage_project", project)
    return 201, services.document_save(actor=request.user, project=project, kind=kind, sections=payload.sections)


# --- Decisions --------------------------------------------------------------------------------
@router.get("/decisions/{int:pk}", response=DecisionOut)
def get_decision(request, pk: Id):
    require_api_perm(request, "projects.view_projects")
    return queries.decision_get(tenant=request.tenant, pk=pk)


@router.post("/decisions/{int:pk}/transitions", response=DecisionOut)
def decide(request, pk: Id, payload: ProjectDecisionIn):
    """Submit, approve, stop (null point), other measures or send back — what `allowed_transitions` lists."""
    require_api_perm(request, "projects.view_projects")
    decision = queries.decision_get(tenant=request.tenant, pk=pk)
    services.decision_transition(actor=request.user, decision=decision, **payload.dict())
    return queries.decision_get(tenant=request.tenant, pk=pk)


@router.post("/checklist/{int:pk}/met", response=ChecklistItemOut)
def meet_item(request, pk: Id, payload: MeetIn):
    require_api_perm(request, "projects.view_projects")
    item = queries.decision_item_get(tenant=request.tenant, pk=pk)
    return services.decision_item_meet(actor=request.user, item=item, **payload.dict())


@router.post("/checklist/{int:pk}/waive", response=ChecklistItemOut)
def waive_item(request, pk: Id, payload: WaiveIn):
    """The deciding body waives a checklist item, with a reason."""
    require_api_perm(request, "projects.view_projects")
    item = queries.decision_item_get(tenant=request.tenant, pk=pk)
    return services.decision_item_waive(actor=request.user, item=item, reason=payload.reason)


# --- Project models ---------------------------------------------------------------------------
@router.get("/models", response=list[ModelOut])
def list_models(request):
    require_api_perm(request, "projects.view_projects")
    return list(queries.model_list(tenant=request.tenant).prefetch_related("phases", "gates__items"))


class ModelCopyIn(InSchema):
    name: str = Field(..., max_length=200)


class PhasePatch(PatchSchema):
    name: str = Omitted
    description: str | None = None
    line_owned: bool = Omitted


class GatePatch(PatchSchema):
    name: str = Omitted
    body: Literal["project_owner", "steering_group", "municipal_council"] = Omitted
    releases: str | None = None


class GateItemIn(InSchema):
    kind: Literal["document", "approval", "evidence", "participation"]
    text: str = Field(..., max_length=300)
    document_kind: Literal["", "mandate", "plan"] = ""
    required: bool = True


def _model_out(request, pk):
    return queries.model_detail(tenant=request.tenant, pk=pk)


@router.get("/models/{int:pk}", response=ModelOut)
def get_model(request, pk: Id):
    """One version of a project model: its phases and decision points with their checklists."""
    require_api_perm(request, "projects.view_projects")
    return _model_out(request, pk)


@router.post("/models/{int:pk}/copy", response={201: ModelOut})
def copy_model(request, pk: Id, payload: ModelCopyIn):
    """The municipality's own model, a copy to adapt."""
    require_api_perm(request, "projects.manage_portfolio")
    copy = services.model_copy(actor=request.user, model=_model_out(request, pk), name=payload.name)
    return Answer(201, _model_out(request, copy.pk))


@router.patch("/phases/{int:pk}", response=ModelOut)
def update_phase(request, pk: Id, payload: PhasePatch):
    """Change a phase; answers the model version it is now in (a new one when projects used the old)."""
    require_api_perm(request, "projects.manage_portfolio")
    phase = services.phase_update(actor=request.user, phase=queries.phase_get(tenant=request.tenant, pk=pk),
                                  **payload.changes())
    return _model_out(request, phase.model_id)


@router.patch("/decision-points/{int:pk}", response=ModelOut)
def update_gate(request, pk: Id, payload: GatePatch):
    """Change a decision point's name, deciding body or what it releases (a new model version when
    projects used the old)."""
    require_api_perm(request, "projects.manage_portfolio")
    gate = services.gate_update(actor=request.user, gate=queries.gate_get(tenant=request.tenant, pk=pk),
                                **payload.changes())
    return _model_out(request, gate.model_id)


@router.post("/decision-points/{int:pk}/items", response={201: ModelOut})
def add_gate_item(request, pk: Id, payload: GateItemIn):
    require_api_perm(request, "projects.manage_portfolio")
    item = services.gate_item_add(actor=request.user, gate=queries.gate_get(tenant=request.tenant, pk=pk),
                                  **payload.dict())
    return Answer(201, _model_out(request, item.gate.model_id))


@router.delete("/model-items/{int:pk}", response=ModelOut)
def remove_gate_item(request, pk: Id):
    """Remove a checklist item; answers the model version it is now in."""
    require_api_perm(request, "projects.manage_portfolio")
    model = services.gate_item_remove(actor=request.user, item=queries.gate_item_get(tenant=request.tenant, pk=pk))
    return _model_out(request, model.pk)



# --- Follow-up: status reports, risks, dependencies, benefits ----------------------------------
Light = Literal["green", "yellow", "red"]
Scale = Annotated[int, Field(ge=1, le=5)]


class StatusReportOut(Schema):
    id: int
    project_id: int
    period: dt.date
    overall: str
    schedule: str
    cost: str
    scope: str
    risk: str
    benefits: str
    comment: str
    milestones: str
    spent: int | None
    forecast: int | None
    due_on: dt.date
    submitted_on: dt.date
    is_late: bool


class StatusReportIn(InSchema):
    period: dt.date
    overall: Light
    schedule: Light
    cost: Light
    scope: Light
    risk: Light
    benefits: Light
    comment: str = ""
    milestones: str = ""
    spent: int | None = Money
    forecast: int | None = Money


class RiskOut(Schema):
    id: int
    project_id: int
    title: str
    description: str
    probability: int
    consequence: int
    score: int
    owner_id: int | None
    measures: str
    residual_probability: int | None
    residual_consequence: int | None
    review_on: dt.date | None
    closed: bool


class RiskIn(InSchema):
    title: str
    description: str = ""
    probability: Scale
    consequence: Scale
    owner_id: Id | None = None
    measures: str = ""
    residual_probability: Scale | None = None
    residual_consequence: Scale | None = None
    review_on: dt.date | None = None
    closed: bool = False


class RiskPatch(PatchSchema):
    title: str = Omitted
    description: str | None = None
    probability: Scale = Omitted
    consequence: Scale = Omitted
    owner_id: Id | None = None
    measures: str | None = None
    residual_probability: Scale | None = None
    residual_consequence: Scale | None = None
    review_on: dt.date | None = None
    closed: bool = Omitted


class DependencyOut(Schema):
    id: int
    project_id: int
    depends_on_id: int
    description: str


class DependencyIn(InSchema):
    depends_on_id: Id
    description: str = ""


class MeasurementOut(Schema):
    id: int
    measured_on: dt.date
    value: float
    comment: str


class BenefitOut(Schema):
    id: int
    project_id: int
    title: str
    indicator: str
    unit: str
    baseline: float
    target: float
    owner_id: int
    owner_unit_id: int | None
    next_measurement_on: dt.date | None
    target_on: dt.date | None
    measurements: list[MeasurementOut]

    @staticmethod
    def resolve_measurements(obj):
        return list(obj.measurements.all())


Amount = Annotated[float, Field(ge=-1e12, le=1e12)]


class BenefitIn(InSchema):
    title: str
    indicator: str
    unit: str = ""
    baseline: Amount
    target: Amount
    owner_id: Id
    owner_unit_id: Id | None = None
    next_measurement_on: dt.date | None = None
    target_on: dt.date | None = None


class MeasurementIn(InSchema):
    measured_on: dt.date
    value: Amount
    comment: str = ""


def _owner_fields(request, data):
    if "owner_id" in data:
        pk = data.pop("owner_id")
        data["owner"] = _member(request, pk) if pk else None
    if "owner_unit_id" in data:
        data["owner_unit"] = _one(request, OrgUnit, data.pop("owner_unit_id"))
    for key in ("baseline", "target", "value"):
        if key in data:
            data[key] = Decimal(str(round(data[key], 2)))
    return data


@router.get("/projects/{int:pk}/status-reports", response=list[StatusReportOut])
def list_status_reports(request, pk: Id):
    """The project's monthly status reports, newest first; `is_late` when submitted after `due_on`."""
    require_api_perm(request, "projects.view_projects")
    return list(queries.status_reports(project=queries.project_get(tenant=request.tenant, pk=pk)))


@router.post("/projects/{int:pk}/status-reports", response={201: StatusReportOut})
def submit_status_report(request, pk: Id, payload: StatusReportIn):
    project = queries.project_get(tenant=request.tenant, pk=pk)
    require_api_perm(request, "projects.manage_project", project)
    return 201, services.status_report_submit(actor=request.user, project=project, **payload.dict())


class ReportReminderOut(Schema):
    id: int
    project_id: int
    period: dt.date
    due_on: dt.date
    sent_to: str
    created_at: dt.datetime


@router.get("/projects/{int:pk}/report-reminders", response=list[ReportReminderOut])
def list_report_reminders(request, pk: Id):
    """The reminders of a status report sent to the project's manager (one per month at most)."""
    require_api_perm(request, "projects.view_projects")
    return list(queries.project_get(tenant=request.tenant, pk=pk).report_reminders.order_by("-period"))


@router.get("/projects/{int:pk}/risks", response=list[RiskOut])
def list_risks(request, pk: Id):
    require_api_perm(request, "projects.view_projects")
    return list(queries.risks(project=queries.project_get(tenant=request.tenant, pk=pk)))


@router.post("/projects/{int:pk}/risks", response={201: RiskOut})
def create_risk(request, pk: Id, payload: RiskIn):
    project = queries.project_get(tenant=request.tenant, pk=pk)
    require_api_perm(request, "projects.manage_project", project)
    return 201, services.risk_create(actor=request.user, project=project, **_owner_fields(request, payload.dict()))


@router.patch("/risks/{int:pk}", response=RiskOut)
def update_risk(request, pk: Id, payload: RiskPatch):
    risk = queries.risk_get(tenant=request.tenant, pk=pk)
    require_api_perm(request, "projects.manage_project", risk.project)
    return services.risk_update(actor=request.user, risk=risk, **_owner_fields(request, payload.changes()))


@router.get("/projects/{int:pk}/dependencies", response=list[DependencyOut])
def list_dependencies(request, pk: Id):
    """What the project depends on."""
    require_api_perm(request, "projects.view_projects")
    depends_on, _dependents = queries.dependencies(project=queries.project_get(tenant=request.tenant, pk=pk))
    return list(depends_on)


@router.post("/projects/{int:pk}/dependencies", response={201: DependencyOut})
def add_dependency(request, pk: Id, payload: DependencyIn):
    project = queries.project_get(tenant=request.tenant, pk=pk)
    require_api_perm(request, "projects.manage_project", project)
    other = queries.project_get(tenant=request.tenant, pk=payload.depends_on_id)
    return 201, services.dependency_add(actor=request.user, project=project, depends_on=other,
                                        description=payload.description)


@router.get("/projects/{int:pk}/benefits", response=list[BenefitOut])
def list_benefits(request, pk: Id):
    """The project's effect goals with every measurement, also after the project has closed."""
    require_api_perm(request, "projects.view_projects")
    return list(queries.benefits(project=queries.project_get(tenant=request.tenant, pk=pk)))


@router.post("/projects/{int:pk}/benefits", response={201: BenefitOut})
def create_benefit(request, pk: Id, payload: BenefitIn):
    project = queries.project_get(tenant=request.tenant, pk=pk)
    require_api_perm(request, "projects.manage_project", project)
    benefit = services.benefit_create(actor=request.user, project=project, **_owner_fields(request, payload.dict()))
    return 201, queries.benefits(project=project).get(pk=benefit.pk)


@router.post("/benefits/{int:pk}/measurements", response={201: MeasurementOut})
def record_measurement(request, pk: Id, payload: MeasurementIn):
    """A measurement, by the project or the benefit's owner in the line organisation."""
    require_api_perm(request, "projects.view_projects")
    benefit = queries.benefit_get(tenant=request.tenant, pk=pk)
    return 201, services.measurement_record(actor=request.user, benefit=benefit, **_owner_fields(request, payload.dict()))


# --- Milestones -------------------------------------------------------------------------------
class MilestoneOut(Schema):
    id: int
    project_id: int
    title: str
    due_on: dt.date
    reached_on: dt.date | None
    comment: str
    overdue: bool

    @staticmethod
    def resolve_overdue(obj):
        return obj.is_overdue(timezone.localdate())


class MilestoneIn(InSchema):
    title: str
    due_on: dt.date
    reached_on: dt.date | None = None
    comment: str = ""


class MilestonePatch(PatchSchema):
    title: str = Omitted
    due_on: dt.date = Omitted
    reached_on: dt.date | None = None
    comment: str | None = None


@router.get("/milestones", response=list[MilestoneOut])
@paginate(Pagination)
def list_milestones(request, overdue: bool | None = None, due_from: dt.date | None = None,
                    due_to: dt.date | None = None):
    """Milestones across the portfolio by date; `overdue=true`: planned before today and not reached."""
    require_api_perm(request, "projects.view_projects")
    return queries.milestone_list(tenant=request.tenant, overdue=overdue, due_from=due_from, due_to=due_to)


@router.get("/projects/{int:pk}/milestones", response=list[MilestoneOut])
def list_project_milestones(request, pk: Id):
    require_api_perm(request, "projects.view_projects")
    return list(queries.milestones(project=queries.project_get(tenant=request.tenant, pk=pk)))


@router.post("/projects/{int:pk}/milestones", response={201: MilestoneOut})
def create_milestone(request, pk: Id, payload: MilestoneIn):
    project = queries.project_get(tenant=request.tenant, pk=pk)
    require_api_perm(request, "projects.manage_project", project)
    return Answer(201, services.milestone_create(actor=request.user, project=project, **payload.dict()))


@router.patch("/milestones/{int:pk}", response=MilestoneOut)
def update_milestone(request, pk: Id, payload: MilestonePatch):
    """Move or rename a milestone, or record that it was reached (`reached_on`; null: not yet)."""
    milestone = queries.milestone_get(tenant=request.tenant, pk=pk)
    require_api_perm(request, "projects.manage_project", milestone.project)
    return services.milestone_update(actor=request.user, milestone=milestone, **payload.changes())


@router.delete("/milestones/{int:pk}", response={204: None})
def delete_milestone(request, pk: Id):
    milestone = queries.milestone_get(tenant=request.tenant, pk=pk)
    require_api_perm(request, "projects.manage_project", milestone.project)
    services.milestone_delete(actor=request.user, milestone=milestone)
    return Answer(204, None)



# --- Finance: actual costs --------------------------------------------------------------------
class ActualOut(Schema):
    period: dt.date
    amount: float
    running_total: float


class ActualRowIn(InSchema):
    project_number: str = Field(..., max_length=40)
    period: str = Field(..., max_length=20)
    amount: str = Field(..., max_length=40)
    text: str = Field("", max_length=300)


class ActualsImportIn(InSchema):
    rows: list[ActualRowIn] = Field(..., max_length=50_000)
    valid_rows_only: bool = False


class ActualsImportOut(Schema):
    rows: int
    valid_rows: int
    projects: int
    months: int
    replaced: int
    written: int
    total: float


@router.get("/projects/{int:pk}/actuals", response=list[ActualOut])
def list_actuals(request, pk: Id):
    """The project's actual costs by month (imported from the finance system), with the running total."""
    require_api_perm(request, "projects.view_projects")
    return queries.actuals(project=queries.project_get(tenant=request.tenant, pk=pk))


@router.post("/actuals/import", response=ActualsImportOut)
def import_actuals(request, payload: ActualsImportIn):
    """Actual costs per project (its number in the finance system or in Torg) and month, validated
    and written as the file import does: rows of the same project and month are added up, a month
    imported before is replaced. With any row error nothing is written (422, `rows[i].column`)
    unless `valid_rows_only`."""
    require_api_perm(request, "projects.manage_portfolio")
    rows = [(i + 1, row.dict()) for i, row in enumerate(payload.rows)]
    plan = finance.plan_rows(tenant=request.tenant, columns=finance.COLUMN_NAMES, rows=rows)
    try:
        plan = finance.apply_plan(actor=request.user, tenant=request.tenant, plan=plan,
                                  valid_rows_only=payload.valid_rows_only)
    except ImportRefused as exc:
        errors = {}
        for e in exc.plan.errors:
            errors.setdefault(f"rows[{e.line - 1}].{e.column}", []).append(e.message)
        raise ValidationError(errors) from None
    return {**plan.counts, "total": float(plan.counts["total"])}



# --- Participation decisions at a decision point -------------------------------------------------
class ParticipationLinkIn(InSchema):
    participation_decision_id: Id


@router.post("/decisions/{int:pk}/participation-decisions", response=DecisionOut)
def link_participation_decision(request, pk: Id, payload: ParticipationLinkIn):
    """Link a decision record of a participation process linked to the project to this decision point."""
    decision = queries.decision_get(tenant=request.tenant, pk=pk)
    require_api_perm(request, "projects.manage_project", decision.project)
    other = queries.participation_decision_get(tenant=request.tenant, pk=payload.participation_decision_id)
    services.decision_link_participation(actor=request.user, decision=decision, participation_decision=other)
    return queries.decision_get(tenant=request.tenant, pk=pk)


@router.delete("/decisions/{int:pk}/participation-decisions/{int:other}", response={204: None})
def unlink_participation_decision(request, pk: Id, other: Id):
    decision = queries.decision_get(tenant=request.tenant, pk=pk)
    require_api_perm(request, "projects.manage_project", decision.project)
    record = queries.participation_decision_get(tenant=request.tenant, pk=other)
    services.decision_unlink_participation(actor=request.user, decision=decision, participation_decision=record)
    return Answer(204, None)
