"""Participation API for the input channels (mounted into the app's router by `api.py`): staff record
meeting input; plans with their areas and pins; following a process by e-mail. Same rules as the
pages (`channel_views.py`)."""

from django.shortcuts import get_object_or_404
from ninja import Field, Schema

from torg.core import photos
from torg.core.api import ApiRouter, Id, InSchema
from torg.core.views import require_api_perm

from . import intake, plans, queries, subscriptions
from .models import Input

router = ApiRouter(tags=["participation"])


class MeetingRowIn(InSchema):
    text: str = Field(max_length=5000)
    title: str = Field("", max_length=200)
    target_group_id: Id | None = None
    age_band: str = Field("", max_length=8)
    postal_code: str = Field("", max_length=4)


class MeetingInputIn(InSchema):
    activity_id: Id
    channel: str = Field(Input.Channel.MEETING, max_length=8)
    rows: list[MeetingRowIn] = Field(min_length=1, max_length=intake.MAX_ROWS)


class RecordedOut(Schema):
    ids: list[int]


class AreaOut(Schema):
    id: int
    name: str
    x: float
    y: float
    w: float
    h: float


class PinOut(Schema):
    id: int
    code: str
    body: str
    x: float = Field(alias="pin_x")
    y: float = Field(alias="pin_y")
    area_id: int | None
    place: str
    created_at: str

    @staticmethod
    def resolve_place(obj):
        return plans.pin_words(obj.pin_x, obj.pin_y, obj.area)

    @staticmethod
    def resolve_created_at(obj):
        return obj.created_at.isoformat()


class FloorPlanOut(Schema):
    id: int
    title: str
    description: str
    activity_id: int | None
    width: int
    height: int
    open_for_pins: bool
    image_url: str
    areas: list[AreaOut]

    @staticmethod
    def resolve_image_url(obj):
        return photos.url_for(obj)

    @staticmethod
    def resolve_areas(obj):
        return list(obj.areas.all())


class PlanWithPinsOut(FloorPlanOut):
    pins: list[PinOut]

    @staticmethod
    def resolve_pins(obj):
        return list(queries.plan_pins(plan=obj))


class SubscribeIn(InSchema):
    email: str = Field(max_length=254)
    news: bool = True
    feedback: bool = True


@router.post("/processes/{int:pk}/meeting-inputs", response={201: RecordedOut})
def record_meeting_inputs(request, pk: Id, payload: MeetingInputIn):
    """Record what was said at an activity: every row checked, all written or nothing (422 naming
    each bad row)."""
    require_api_perm(request, "participation.manage_processes")
    process = queries.process_get(tenant=request.tenant, pk=pk)
    activity = get_object_or_404(process.activities.all(), pk=payload.activity_id)
    rows = [intake.MeetingRow(line=n, text=r.text, title=r.title, target_group=str(r.target_group_id or ""),
                              age_band=r.age_band, postal_code=r.postal_code)
            for n, r in enumerate(payload.rows, start=1)]
    created = intake.meeting_inputs_record(actor=request.user, process=process, activity=activity, rows=rows,
                                           channel=payload.channel)
    return 201, {"ids": [i.pk for i in created]}


@router.get("/processes/{int:pk}/plans", response=list[FloorPlanOut])
def list_plans(request, pk: Id):
    require_api_perm(request, "participation.view_processes")
    process = queries.process_get(tenant=request.tenant, pk=pk)
    return list(queries.plan_list(process=process).prefetch_related("areas"))


@router.get("/public/processes/{code}/plans", response=list[PlanWithPinsOut], auth=None)
def public_plans(request, code: str):
    """A published process's plans with their named areas and published pins, each with its place in
    words (no login, no participant data)."""
    process = queries.process_by_code(code=code, user=request.user)
    return list(queries.plan_list(process=process).prefetch_related("areas"))


@router.post("/public/processes/{code}/subscriptions", response={202: None}, auth=None)
def subscribe(request, code: str, payload: SubscribeIn):
    """Ask to follow a process by e-mail; a confirmation link is sent (double opt-in). The answer is
    the same whether or not the address already follows it."""
    process = queries.process_by_code(code=code, user=request.user)
    subscriptions.subscribe(process=process, email=payload.email, news=payload.news, feedback=payload.feedback,
                            base_url=request.build_absolute_uri("/"))
    return 202, None
