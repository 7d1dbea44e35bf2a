"""Participation API for the input channels (mounted into the app's router by `api.py`): staff record
meeting input and upload flipchart photos and plans (multipart); plans with their areas and pins;
participants pin a comment on a plan; following a process by e-mail. Same rules as the pages
(`channel_views.py`)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Schema
from ninja.files import UploadedFile
from ninja.errors import HttpError
from ninja.utils import check_csrf

from torg.core import photos
from torg.core.api import ApiRouter, Id, InSchema, PhotoOut, photo_out
from torg.core.views import require_api_perm

from . import identity, intake, plans, queries, services, subscriptions
from .models import Input, Process

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


class PinIn(InSchema):
    """A comment pinned on a plan: a point (x, y from the top left corner, 0–1) or an area of the plan
    chosen from its list (the pin goes to the area's centre) — as on the public plan page."""
    body: str = Field(max_length=5000)
    x: float | None = Field(None, ge=0, le=1)
    y: float | None = Field(None, ge=0, le=1)
    area_id: Id | None = None
    invite_code: str = Field("", max_length=64, description="For processes that take input by invitation")
    target_group_id: Id | None = None
    age_band: str = Field("", max_length=8)
    postal_code: str = Field("", max_length=4)
    notify_email: str = Field("", max_length=254)


class PinSubmittedOut(Schema):
    code: str
    status: str
    place: str
    masked: list[str]


class ActivityPhotoOut(Schema):
    id: int
    alt: str
    photo: PhotoOut

    @staticmethod
    def resolve_photo(obj):
        return photo_out(obj)


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


@router.post("/processes/{int:pk}/plans", response={201: FloorPlanOut})
def upload_plan(request, pk: Id, image: File[UploadedFile],
                title: str = Form(..., max_length=200), description: str = Form(..., max_length=500),
                activity_id: Id | None = Form(None)):
    """Upload a floor or site plan (multipart: JPEG or PNG, re-encoded; EXIF dropped) with its title and
    a description for people who cannot see it; optionally of one activity."""
    require_api_perm(request, "participation.manage_processes")
    process = queries.process_get(tenant=request.tenant, pk=pk)
    activity = get_object_or_404(process.activities.all(), pk=activity_id) if activity_id else None
    plan = plans.plan_create(actor=request.user, process=process, title=title, description=description,
                             upload=image, activity=activity)
    return 201, queries.plan_list(process=process).prefetch_related("areas").get(pk=plan.pk)


@router.get("/activities/{int:pk}/photos", response=list[ActivityPhotoOut])
def list_activity_photos(request, pk: Id):
    """Flipchart and post-it photos of an activity (staff only, like the photos themselves)."""
    require_api_perm(request, "participation.manage_processes")
    activity = queries.activity_get(tenant=request.tenant, pk=pk)
    return list(queries.activity_photos(activity=activity))


@router.post("/activities/{int:pk}/photos", response={201: ActivityPhotoOut})
def upload_activity_photo(request, pk: Id, photo: File[UploadedFile], alt: str = Form(..., max_length=200)):
    """Add a flipchart or post-it photo to an activity (multipart: JPEG or PNG, shrunk, location data
    removed) with what it shows."""
    require_api_perm(request, "participation.manage_processes")
    activity = queries.activity_get(tenant=request.tenant, pk=pk)
    return 201, intake.activity_photo_add(actor=request.user, activity=activity, upload=photo, alt=alt)


@router.get("/public/processes/{code}/plans", response=list[PlanWithPinsOut], auth=None)
def public_plans(request, code: str):
    """A published process's plans with their named areas and published pins, each with its place in
    words (no login, no participant data)."""
    process = queries.process_by_code(code=code, user=request.user)
    return list(queries.plan_list(process=process).prefetch_related("areas"))


def _anyone_but_csrf_checked(request):
    """Auth of the public writes that act for the session: anyone may call, but a caller known by its
    session cookie (logged in, or the anonymous key of the pages) is checked for CSRF like the
    pages — before the body is read; a caller without a session cookie is a new anonymous participant."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES and check_csrf(request) is not None:
        raise HttpError(403, _("CSRF verification failed. Reload the page and try again."))
    return True


def _participant(request, process, invite_code):
    """Who pins, as on the public pages: the logged-in user, the invite code (in the payload or
    remembered from an invite link) or this session's anonymous key — as the process's identity
    setting asks (403 when it does not let this caller take part)."""
    if process.status != Process.Status.OPEN:
        raise ValidationError(_("This process is not open for input."))
    return identity.participant(request, process, create=True, invite_code=invite_code)


@router.post("/public/processes/{code}/plans/{int:plan_pk}/pins", response={201: PinSubmittedOut},
             auth=_anyone_but_csrf_checked)
def submit_pin(request, code: str, plan_pk: Id, payload: PinIn):
    """Pin a comment on a plan of an open process (a point or an area from the plan's list); then as
    any input: personal data masked, pre-moderated when the process says so."""
    process = queries.process_by_code(code=code, user=request.user)
    plan = queries.public_plan(process=process, pk=plan_pk)
    participant, invite = _participant(request, process, payload.invite_code)
    area = get_object_or_404(plan.areas.all(), pk=payload.area_id) if payload.area_id else None
    group = get_object_or_404(process.target_groups.all(), pk=payload.target_group_id) \
        if payload.target_group_id else None
    item = services.pin_submit(plan=plan, participant=participant, invite=invite, user=request.user,
                               body=payload.body, x=payload.x, y=payload.y, area=area, target_group=group,
                               age_band=payload.age_band, postal_code=payload.postal_code,
                               notify_email=payload.notify_email)
    return 201, {"code": item.code, "status": item.status, "masked": item.masked,
                 "place": plans.pin_words(item.pin_x, item.pin_y, item.area)}


@router.post("/public/processes/{code}/subscriptions", response={202: None}, auth=None)
def subscribe(request, code: str, payload: SubscribeIn):
    """Ask to follow a process by e-mail; a confirmation link is sent (double opt-in). The answer is
    the same whether or not the address already follows it."""
    process = queries.process_by_code(code=code, user=request.user)
    subscriptions.subscribe(process=process, email=payload.email, news=payload.news, feedback=payload.feedback,
                            base_url=request.build_absolute_uri("/"))
    return 202, None
