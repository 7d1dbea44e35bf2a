"""Projects API: the portfolio, projects, their decisions and checklists, project models — the same
services and rules as the UI."""

import datetime as dt
from django.shortcuts import get_object_or_404
from ninja import Field, Schema
from ninja.pagination import paginate

from torg.accounts.models import OrgUnit, User
from torg.core.api import ApiRouter, Id, InSchema, Omitted, Pagination, PatchSchema
from torg.core.views import require_api_perm
from torg.places.models import Building, Property

from . import queries, services
from .models import DocumentKind
from .states import DECISION_MACHINE

router = ApiRouter(tags=["projects"])
Money = Field(None, ge=0, le=99_999_999_999_999)  # whole kroner, as the columns hold


class PhaseOut(Schema):
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
    phase: PhaseOut
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


class ItemOut(Schema):
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
    items: list[ItemOut]
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


class ModelOut(Schema):
    id: int
    key: str
    version: int
    is_current: bool
    name: str
    kind: str
    phases: list[PhaseOut]

    @staticmethod
    def resolve_phases(obj):
        return list(obj.phases.all())


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


class DecisionIn(InSchema):
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
                             search=search).prefetch_related("steering_group", "properties", "buildings")


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
def decide(request, pk: Id, payload: DecisionIn):
    """Submit, approve, stop (null point), other measures or send back — what `allowed_transitions` lists."""
    require_api_perm(request, "projects.view_projects")
    decision = queries.decision_get(tenant=request.tenant, pk=pk)
    services.decision_transition(actor=request.user, decision=decision, **payload.dict())
    return queries.decision_get(tenant=request.tenant, pk=pk)


@router.post("/checklist/{int:pk}/met", response=ItemOut)
def meet_item(request, pk: Id, payload: MeetIn):
    require_api_perm(request, "projects.view_projects")
    item = queries.decision_item_get(tenant=request.tenant, pk=pk)
    return services.decision_item_meet(actor=request.user, item=item, **payload.dict())


@router.post("/checklist/{int:pk}/waive", response=ItemOut)
def waive_item(request, pk: Id, payload: WaiveIn):
    """The deciding body waives a checklist item, with a reason."""
    require_api_perm(request, "projects.view_projects")
    item = queries.decision_item_get(tenant=request.tenant, pk=pk)
    return services.decision_item_waive(actor=request.user, item=item, reason=payload.reason)


# --- Project models ---------------------------------------------------------------------------
@router.get("/models", response=list[ModelOut])
def list_models(request):
    require_api_perm(request, "projects.view_projects")
    return list(queries.model_list(tenant=request.tenant).prefetch_related("phases"))

