"""Participation API: processes and their participation plans — the same rules as the UI.

Published processes are public in the UI, so their public reads (`/public/...`) need no login;
everything else needs a token or session and the staff permissions."""

import datetime as dt

from django.shortcuts import get_object_or_404
from typing import Literal

from ninja import Field, Schema
from ninja.pagination import paginate

from torg.accounts.models import OrgUnit
from torg.core.api import ApiRouter, Id, InSchema, Omitted, Pagination, PatchSchema
from torg.core.views import require_api_perm
from torg.places.models import Building, Property, Room

from . import analysis_api, channel_api, queries, services
from .states import PROCESS_MACHINE

router = ApiRouter(tags=["participation"])
router.add_router("", analysis_api.router)  # themes, coding, responses, decisions, representation, feedback
router.add_router("", channel_api.router)  # meeting input, plans and pins, following a process
IdList = list[Id]
Retention = Literal["keep", "anonymise", "delete"]


class PhaseOut(Schema):
    id: int
    kind: str
    name: str
    starts_on: dt.date
    ends_on: dt.date


class TargetGroupOut(Schema):
    id: int
    kind: str
    name: str
    how_reached: str
    expected_reach: int | None


class ActivityOut(Schema):
    id: int
    kind: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    room_id: int | None
    location_text: str
    status: str
    target_group_ids: list[int]

    @staticmethod
    def resolve_target_group_ids(obj):
        return [g.pk for g in obj.target_groups.all()]


class ProcessOut(Schema):
    id: int
    code: str
    title: str
    purpose: str
    open_for_influence: str
    already_decided: str
    status: str
    responsible_unit_id: int | None
    contact_name: str
    contact_email: str
    property_ids: list[int]
    building_ids: list[int]
    room_ids: list[int]
    phases: list[PhaseOut]
    target_groups: list[TargetGroupOut]
    retention: str = Field(description="After closing: keep, anonymise or delete the input")
    retention_months: int | None = Field(description="Months after closing (anonymise or delete)")
    retention_done_at: dt.datetime | None

    @staticmethod
    def resolve_property_ids(obj):
        return [p.pk for p in obj.properties.all()]

    @staticmethod
    def resolve_building_ids(obj):
        return [b.pk for b in obj.buildings.all()]

    @staticmethod
    def resolve_room_ids(obj):
        return [r.pk for r in obj.rooms.all()]

    @staticmethod
    def resolve_phases(obj):
        return list(obj.phases.all())

    @staticmethod
    def resolve_target_groups(obj):
        return list(obj.target_groups.all())


class PublicProcessOut(Schema):
    code: str
    title: str
    purpose: str
    open_for_influence: str
    already_decided: str
    status: str
    contact_name: str
    contact_email: str
    phases: list[PhaseOut]

    @staticmethod
    def resolve_phases(obj):
        return list(obj.phases.all())


class PublicActivityOut(Schema):
    kind: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    status: str
    place: str

    @staticmethod
    def resolve_place(obj):
        if obj.room_id:
            return f"{obj.room.building.name}, {obj.room.number}"
        return obj.location_text


class ProcessIn(InSchema):
    title: str
    purpose: str
    open_for_influence: str = ""
    already_decided: str = ""
    responsible_unit_id: Id | None = None
    contact_name: str = ""
    contact_email: str = ""
    property_ids: IdList = []
    building_ids: IdList = []
    room_ids: IdList = []
    retention: Retention = "keep"
    retention_months: int | None = Field(None, ge=1, le=32767)


class ProcessPatch(PatchSchema):
    title: str = Omitted
    purpose: str = Omitted
    open_for_influence: str | None = None
    already_decided: str | None = None
    responsible_unit_id: Id | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    property_ids: IdList | None = None
    building_ids: IdList | None = None
    room_ids: IdList | None = None
    retention: Retention = Omitted
    retention_months: int | None = Field(None, ge=1, le=32767)


class StatusIn(InSchema):
    status: str
    reason: str = ""


class ActivityIn(InSchema):
    kind: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime | None = None
    room_id: Id | None = None
    location_text: str = ""
    description: str = ""
    target_group_ids: IdList = []


PLACE_MODELS = {"property_ids": ("properties", Property), "building_ids": ("buildings", Building),
                "room_ids": ("rooms", Room)}


def _fields(request, data: dict) -> dict:
    """Payload → service fields, every id resolved within the caller's municipality (else 404)."""
    tenant = request.tenant
    if "responsible_unit_id" in data:
        pk = data.pop("responsible_unit_id")
        data["responsible_unit"] = get_object_or_404(OrgUnit, tenant=tenant, pk=pk) if pk else None
    for key, (name, model) in PLACE_MODELS.items():
        if key in data:
            ids = data.pop(key) or []
            objs = list(model.objects.filter(tenant=tenant, pk__in=ids))
            if len(objs) != len(set(ids)):
                get_object_or_404(model, tenant=tenant, pk=next(i for i in ids if i not in {o.pk for o in objs}))
            data[name] = objs
    return data


def _detail(request, pk):
    return queries.process_detail(tenant=request.tenant, pk=pk)


# --- Staff ------------------------------------------------------------------------------------
@router.get("/processes", response=list[ProcessOut])
@paginate(Pagination)
def list_processes(request, status: str = ""):
    """Every process of the municipality, drafts included (staff)."""
    require_api_perm(request, "participation.view_processes")
    return queries.process_list(tenant=request.tenant, status=status).prefetch_related(
        "phases", "target_groups", "properties", "buildings", "rooms")


@router.get("/processes/{int:pk}", response=ProcessOut)
def get_process(request, pk: Id):
    require_api_perm(request, "participation.view_processes")
    return _detail(request, pk)


@router.post("/processes", response={201: ProcessOut})
def create_process(request, payload: ProcessIn):
    require_api_perm(request, "participation.manage_processes")
    process = services.process_create(actor=request.user, tenant=request.tenant,
                                      **_fields(request, payload.dict()))
    return 201, _detail(request, process.pk)


@router.patch("/processes/{int:pk}", response=ProcessOut)
def update_process(request, pk: Id, payload: ProcessPatch):
    require_api_perm(request, "participation.manage_processes")
    process = queries.process_get(tenant=request.tenant, pk=pk)
    services.process_update(actor=request.user, process=process,
                            **_fields(request, payload.changes()))
    return _detail(request, pk)


@router.get("/processes/{int:pk}/transitions", response=list[str])
def process_transitions(request, pk: Id):
    """The statuses this caller may move the process to now."""
    require_api_perm(request, "participation.view_processes")
    process = queries.process_get(tenant=request.tenant, pk=pk)
    return [t.target for t in PROCESS_MACHINE.available(process, request.user)]


@router.post("/processes/{int:pk}/status", response=ProcessOut)
def set_process_status(request, pk: Id, payload: StatusIn):
    require_api_perm(request, "participation.manage_processes")
    process = queries.process_get(tenant=request.tenant, pk=pk)
    services.process_set_status(actor=request.user, process=process, status=payload.status, reason=payload.reason)
    return _detail(request, pk)


@router.get("/processes/{int:pk}/activities", response=list[ActivityOut])
def list_activities(request, pk: Id):
    require_api_perm(request, "participation.view_processes")
    process = queries.process_get(tenant=request.tenant, pk=pk)
    return list(queries.activity_list(process=process))


@router.post("/processes/{int:pk}/activities", response={201: ActivityOut})
def create_activity(request, pk: Id, payload: ActivityIn):
    require_api_perm(request, "participation.manage_processes")
    process = queries.process_get(tenant=request.tenant, pk=pk)
    data = payload.dict()
    room_id = data.pop("room_id")
    group_ids = data.pop("target_group_ids")
    data["room"] = get_object_or_404(Room, tenant=request.tenant, pk=room_id) if room_id else None
    groups = list(process.target_groups.filter(pk__in=group_ids))
    if len(groups) != len(set(group_ids)):
        get_object_or_404(process.target_groups.all(), pk=next(i for i in group_ids if i not in {g.pk for g in groups}))
    activity = services.activity_create(actor=request.user, process=process, target_groups=groups, **data)
    return 201, queries.activity_list(process=process).get(pk=activity.pk)


# --- Public reads (no login), as the public pages -----------------------------------------------
@router.get("/public/{slug}/processes", response=list[PublicProcessOut], auth=None)
def public_processes(request, slug: str):
    """The municipality's published processes (no login)."""
    return list(queries.public_processes(tenant=queries.public_tenant(slug=slug)))


@router.get("/public/processes/{code}", response=PublicProcessOut, auth=None)
def public_process(request, code: str):
    """One published process by its public code (no login); a draft is 404."""
    return queries.process_by_code(code=code, user=request.user)


@router.get("/public/processes/{code}/activities", response=list[PublicActivityOut], auth=None)
def public_activities(request, code: str):
    """A published process's participation plan (no login)."""
    process = queries.process_by_code(code=code, user=request.user)
    return list(process.activities.all())


# --- Input ------------------------------------------------------------------------------------
class InputOut(Schema):
    id: int
    code: str
    kind: str
    parent_id: int | None
    title: str
    body: str
    status: str
    masked: list[str]
    needs_review: bool
    moderation_reason: str
    channel: str
    target_group_id: int | None
    age_band: str
    postal_code: str
    support_count: int
    created_at: dt.datetime


class PublicIdeaOut(Schema):
    code: str
    title: str
    body: str
    support_count: int
    comment_count: int
    created_at: dt.datetime


@router.get("/processes/{int:pk}/inputs", response=list[InputOut])
@paginate(Pagination)
def list_inputs(request, pk: Id, status: str = ""):
    """Every input of a process, hidden and pending included (moderators)."""
    require_api_perm(request, "participation.moderate")
    process = queries.process_get(tenant=request.tenant, pk=pk)
    return queries.input_list(process=process, status=status)


@router.post("/inputs/{int:pk}/status", response=InputOut)
def set_input_status(request, pk: Id, payload: StatusIn):
    """Approve, hide (a reason is required; the author is told) or publish again."""
    require_api_perm(request, "participation.moderate")
    item = queries.input_get(tenant=request.tenant, pk=pk)
    services.input_set_status(actor=request.user, item=item, status=payload.status, reason=payload.reason)
    return queries.input_list(process=item.process).get(pk=pk)


@router.get("/public/processes/{code}/ideas", response=list[PublicIdeaOut], auth=None)
@paginate(Pagination)
def public_ideas(request, code: str):
    """The published ideas of a published process with support and comment counts (no login)."""
    process = queries.process_by_code(code=code, user=request.user)
    return queries.public_ideas(process=process)


# --- Surveys ------------------------------------------------------------------------------------
class QuestionOut(Schema):
    id: int
    position: int
    kind: str
    text: str
    help_text: str
    required: bool
    options: list[str]
    scale_min: int
    scale_max: int


class SurveyOut(Schema):
    id: int
    code: str
    title: str
    intro: str
    status: str
    questions: list[QuestionOut]

    @staticmethod
    def resolve_questions(obj):
        return list(obj.questions.all())


class PublicSurveyOut(Schema):
    code: str
    title: str
    intro: str
    questions: list[QuestionOut]

    @staticmethod
    def resolve_questions(obj):
        return list(obj.questions.all())


class ResultBarOut(Schema):
    label: str
    count: float
    percent: int
    text: float | None = None


class QuestionResultOut(Schema):
    question_id: int
    kind: str
    text: str
    answered: int
    average: float | None
    bars: list[ResultBarOut]
    texts: list[str]


class SurveyResultsOut(Schema):
    responses: int
    questions: list[QuestionResultOut]


@router.get("/processes/{int:pk}/surveys", response=list[SurveyOut])
def list_surveys(request, pk: Id):
    require_api_perm(request, "participation.view_processes")
    process = queries.process_get(tenant=request.tenant, pk=pk)
    return list(queries.survey_list(process=process).prefetch_related("questions"))


@router.get("/surveys/{int:pk}/results", response=SurveyResultsOut)
def survey_results(request, pk: Id):
    """What the answers add up to, per question (counts, percentages, averages, free texts)."""
    require_api_perm(request, "participation.view_processes")
    survey = queries.survey_get(tenant=request.tenant, pk=pk)
    responses, results = queries.survey_results(survey=survey)
    return {"responses": responses, "questions": [
        {"question_id": r["question"].pk, "kind": r["question"].kind, "text": r["question"].text,
         "answered": r["answered"], "average": r["average"], "bars": r["bars"], "texts": r["texts"]}
        for r in results]}


@router.get("/public/processes/{code}/surveys", response=list[PublicSurveyOut], auth=None)
def public_surveys(request, code: str):
    """The open surveys of a published, open process with their questions (no login)."""
    process = queries.process_by_code(code=code, user=request.user)
    if process.status != "open":
        return []
    return list(queries.open_surveys(process=process).prefetch_related("questions"))
