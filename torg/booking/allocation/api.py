"""Seasonal allocation API (/api/v1/booking/allocation/): rounds, applications, the proposal (dry run
or saved), decisions with their explanations, staff adjustments and complaints — the same services
and rules as the pages."""

import datetime as dt
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status
from ninja.pagination import paginate

from torg.accounts.models import ExternalOrganisation, OrgUnit
from torg.booking.models import Resource
from torg.core.api import ApiRouter, ClockTime, Id, InSchema, Pagination
from torg.core.views import require_api_perm

from . import explain, queries, services
from .models import AllocationRound, Application
from .states import COMPLAINT_MACHINE, ROUND_MACHINE

router = ApiRouter(tags=["booking allocation"])
MANAGE = "booking_allocation.manage_rounds"
Weekday = Annotated[int, Field(ge=0, le=6)]


class RungIn(InSchema):
    label: Annotated[str, Field(min_length=1, max_length=200)]
    criterion: str
    description: str = ""


class RoundIn(InSchema):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    season_start: dt.date
    season_end: dt.date
    application_deadline: dt.date
    complaint_deadline: dt.date | None = None
    resource_ids: Annotated[list[Id], Field(max_length=1000)] = []
    rules_text: str = ""
    day_start: ClockTime = dt.time(8)
    day_end: ClockTime = dt.time(23)
    step_minutes: Annotated[int, Field(ge=5, le=120)] = 30
    ladder: Annotated[list[RungIn], Field(max_length=20)] | None = None


class RungOut(Schema):
    rank: int
    label: str
    criterion: str
    description: str


class RoundOut(Schema):
    id: int
    name: str
    status: str
    season_start: dt.date
    season_end: dt.date
    application_deadline: dt.date
    complaint_deadline: dt.date | None
    rules_text: str
    day_start: ClockTime
    day_end: ClockTime
    resource_ids: list[int]
    ladder: list[RungOut]
    allowed_transitions: list[str] = []


def _round_out(request, rnd):
    return RoundOut(id=rnd.pk, name=rnd.name, status=rnd.status, season_start=rnd.season_start,
                    season_end=rnd.season_end, application_deadline=rnd.application_deadline,
                    complaint_deadline=rnd.complaint_deadline, rules_text=rnd.rules_text, day_start=rnd.day_start,
                    day_end=rnd.day_end, resource_ids=sorted(rnd.resources.values_list("pk", flat=True)),
                    ladder=[RungOut(rank=r.rank, label=r.label, criterion=r.criterion, description=r.description)
                            for r in queries.ladder_of(rnd)],
                    allowed_transitions=[t.target for t in ROUND_MACHINE.available(rnd, request.user)])


def _visible_round(request, pk):
    rnd = queries.round_get(tenant=request.tenant, pk=pk)
    if rnd.status == AllocationRound.Status.DRAFT and not request.user.has_perm(MANAGE, request.tenant):
        raise Http404
    return rnd


def _resources(request, ids):
    found = list(Resource.objects.filter(tenant=request.tenant, pk__in=ids))
    if len(found) != len(set(ids)):
        raise Http404
    return found


@router.get("/rounds", response=list[RoundOut])
def list_rounds(request):
    """Staff: every round; others: the rounds that are no longer drafts."""
    require_api_perm(request, "booking_allocation.apply")
    rounds = queries.round_list(tenant=request.tenant)
    if not request.user.has_perm(MANAGE, request.tenant):
        rounds = rounds.exclude(status=AllocationRound.Status.DRAFT)
    return [_round_out(request, r) for r in rounds[:500]]


@router.post("/rounds", response={201: RoundOut})
def create_round(request, payload: RoundIn):
    require_api_perm(request, MANAGE)
    data = payload.dict(exclude={"resource_ids", "ladder"})
    ladder = [{"rank": n, **r.dict()} for n, r in enumerate(payload.ladder, 1)] if payload.ladder else None
    rnd = services.round_create(actor=request.user, tenant=request.tenant,
                                resources=_resources(request, payload.resource_ids), ladder=ladder, **data)
    return Status(201, _round_out(request, rnd))


@router.get("/rounds/{int:pk}", response=RoundOut)
def get_round(request, pk: Id):
    require_api_perm(request, "booking_allocation.apply")
    return _round_out(request, _visible_round(request, pk))


class AllocationTransitionIn(InSchema):
    to: str
    reason: str = ""


@router.post("/rounds/{int:pk}/transitions", response=RoundOut)
def round_transition(request, pk: Id, payload: AllocationTransitionIn):
    """Change the round's status (`allowed_transitions` lists what you may do now). Publishing creates
    the booking series of every granted decision and tells the applicants."""
    require_api_perm(request, MANAGE)
    rnd = queries.round_get(tenant=request.tenant, pk=pk)
    rnd = services.round_transition(actor=request.user, rnd=rnd, to=payload.to, reason=payload.reason)
    return _round_out(request, rnd)


# --- Applications ---------------------------------------------------------------------------
class WindowIn(InSchema):
    weekday: Weekday
    starts: ClockTime
    ends: ClockTime
    primary: bool = True


class ApplicationIn(InSchema):
    organisation_id: Id | None = None
    org_unit_id: Id | None = None
    activity: Annotated[str, Field(min_length=1, max_length=200)]
    group_size: Annotated[int, Field(ge=1, le=10000)]
    age_group: str
    sessions_per_week: Annotated[int, Field(ge=1, le=7)]
    minutes: Annotated[int, Field(ge=30, le=480)]
    resource_ids: Annotated[list[Id], Field(min_length=1, max_length=services.MAX_CHOICES)]
    windows: Annotated[list[WindowIn], Field(min_length=1, max_length=services.MAX_WINDOWS)]
    frame_time: bool = False  # an umbrella body's frame time (rammetid), passed on to its clubs


class WindowOut(Schema):
    weekday: int
    starts: ClockTime
    ends: ClockTime
    primary: bool


class AllocationDecisionOut(Schema):
    id: int
    application_id: int
    session: int
    granted: bool
    resource_id: int | None
    weekday: int | None
    starts: ClockTime | None
    ends: ClockTime | None
    choice_rank: int | None
    primary: bool
    manual: bool
    series_id: int | None
    explanation: list[str]
    skipped_dates: list[str]


def _decision_out(d):
    return AllocationDecisionOut(id=d.pk, application_id=d.application_id, session=d.session, granted=d.granted,
                       resource_id=d.resource_id, weekday=d.weekday, starts=d.starts, ends=d.ends,
                       choice_rank=d.choice_rank, primary=d.primary, manual=d.manual, series_id=d.series_id,
                       explanation=explain.describe(d.explanation), skipped_dates=[s[0] for s in d.skipped if s[0]])


class NoShowFlagOut(Schema):
    round_id: int
    decision_id: int
    series_id: int
    resource_id: int
    no_shows: int


class ApplicationOut(Schema):
    id: int
    round_id: int
    organisation_id: int | None
    org_unit_id: int | None
    activity: str
    group_size: int
    age_group: str
    sessions_per_week: int
    minutes: int
    withdrawn: bool
    frame_time: bool
    resource_ids: list[int]
    windows: list[WindowOut]
    decisions: list[AllocationDecisionOut]  # once the round is published (staff: always)
    no_show_flags: list[NoShowFlagOut] = []  # staff: earlier seasons' series with repeated no-shows


def _application_out(request, app, flags=None):
    """`flags`: the round's no-show flags (queries.no_show_flags), read once for a list; staff only."""
    staff = request.user.has_perm(MANAGE, request.tenant)
    visible = app.round.status in (AllocationRound.Status.PUBLISHED, AllocationRound.Status.COMPLAINTS,
                                   AllocationRound.Status.CLOSED) or staff
    if staff and flags is None:
        flags = queries.no_show_flags(app.round)
    found = (flags or {}).get(app.pk, []) if staff else []
    return ApplicationOut(
        id=app.pk, round_id=app.round_id, organisation_id=app.organisation_id, org_unit_id=app.org_unit_id,
        activity=app.activity, group_size=app.group_size, age_group=app.age_group,
        sessions_per_week=app.sessions_per_week, minutes=app.minutes, withdrawn=app.withdrawn,
        frame_time=app.frame_time,
        resource_ids=[c.resource_id for c in app.choices.all()],
        windows=[WindowOut(weekday=w.weekday, starts=w.starts, ends=w.ends, primary=w.primary)
                 for w in app.windows.all()],
        decisions=[_decision_out(d) for d in app.decisions.all()] if visible else [],
        no_show_flags=[NoShowFlagOut(round_id=f["decision"].round_id, decision_id=f["decision"].pk,
                                     series_id=f["decision"].series_id, resource_id=f["decision"].resource_id,
                                     no_shows=f["count"]) for f in found])


@router.post("/rounds/{int:pk}/applications", response={201: ApplicationOut})
def apply(request, pk: Id, payload: ApplicationIn):
    require_api_perm(request, "booking_allocation.apply")
    rnd = _visible_round(request, pk)
    organisation = org_unit = None
    if payload.organisation_id:
        organisation = ExternalOrganisation.objects.filter(tenant=request.tenant, pk=payload.organisation_id).first()
        if organisation is None:
            raise Http404
    if payload.org_unit_id:
        org_unit = OrgUnit.objects.filter(tenant=request.tenant, pk=payload.org_unit_id).first()
        if org_unit is None:
            raise Http404
    resources = {r.pk: r for r in _resources(request, payload.resource_ids)}
    if payload.age_group not in Application.AgeGroup.values:
        raise ValidationError({"age_group": _("Unknown age group.")})
    app = services.application_submit(
        actor=request.user, tenant=request.tenant, rnd=rnd, organisation=organisation, org_unit=org_unit,
        activity=payload.activity, group_size=payload.group_size, age_group=payload.age_group,
        sessions_per_week=payload.sessions_per_week, minutes=payload.minutes,
        choices=[resources[i] for i in payload.resource_ids], windows=[w.dict() for w in payload.windows],
        frame_time=payload.frame_time)
    return Status(201, _application_out(request, queries.application_get(tenant=request.tenant, pk=app.pk)))


@router.get("/rounds/{int:pk}/applications", response=list[ApplicationOut])
@paginate(Pagination)
def round_applications(request, pk: Id):
    """Staff: the round's applications (withdrawn ones left out), each with `no_show_flags`: the
    holder's series of earlier seasons with repeated no-shows, for review."""
    require_api_perm(request, MANAGE)
    rnd = queries.round_get(tenant=request.tenant, pk=pk)
    flags = queries.no_show_flags(rnd)
    return [_application_out(request, a, flags) for a in queries.applications_of(rnd).prefetch_related("decisions")]


@router.get("/applications", response=list[ApplicationOut])
def my_applications(request):
    """Your applications and those of the organisations you represent (at most 500)."""
    require_api_perm(request, "booking_allocation.apply")
    apps = queries.my_applications(tenant=request.tenant, user=request.user).prefetch_related(
        "choices", "windows", "decisions")[:500]
    flags = {}  # per round, read once
    if request.user.has_perm(MANAGE, request.tenant):
        for a in apps:
            if a.round_id not in flags:
                flags[a.round_id] = queries.no_show_flags(a.round)
    return [_application_out(request, a, flags.get(a.round_id, {})) for a in apps]


def _application(request, pk):
    app = queries.application_get(tenant=request.tenant, pk=pk)
    if not queries.may_see_application(request.user, app):
        raise Http404
    return app


@router.get("/applications/{int:pk}", response=ApplicationOut)
def get_application(request, pk: Id):
    require_api_perm(request, "booking_allocation.apply")
    return _application_out(request, _application(request, pk))


@router.post("/applications/{int:pk}/withdraw", response=ApplicationOut)
def withdraw_application(request, pk: Id):
    require_api_perm(request, "booking_allocation.apply")
    app = services.application_withdraw(actor=request.user, application=_application(request, pk))
    return _application_out(request, app)


# --- Proposal, decisions ----------------------------------------------------------------------
class ProposalIn(InSchema):
    dry_run: bool = True


class FigureOut(Schema):
    group: str
    applications: int
    sessions: int
    granted: int
    hours_asked: float
    hours: float
    first_choice_share: int


class OutcomeOut(Schema):
    application_id: int
    session: int
    granted: bool
    resource_id: int | None
    weekday: int | None
    starts: str | None
    ends: str | None
    choice_rank: int | None
    explanation: list[str]


class ProposalOut(Schema):
    dry_run: bool
    sessions: int
    granted: int
    first_choice_share: int
    by_rung: list[FigureOut]
    by_age: list[FigureOut]
    outcomes: list[OutcomeOut]


@router.post("/rounds/{int:pk}/proposal", response=ProposalOut)
def proposal(request, pk: Id, payload: ProposalIn):
    """Run the allocation engine. `dry_run` (default) returns the outcome and the fairness figures and
    saves nothing; otherwise the decisions are saved (staff's own adjustments are kept)."""
    require_api_perm(request, MANAGE)
    rnd = queries.round_get(tenant=request.tenant, pk=pk)
    result = services.proposal(actor=request.user, rnd=rnd, dry_run=payload.dry_run)
    hhmm = services.engine.hhmm
    return ProposalOut(dry_run=payload.dry_run, **{k: result["figures"][k] for k in (
        "sessions", "granted", "first_choice_share", "by_rung", "by_age")}, outcomes=[
        OutcomeOut(application_id=o.claim_id, session=o.session, granted=o.granted, resource_id=o.resource_id,
                   weekday=o.weekday, starts=hhmm(o.start) if o.granted else None,
                   ends=hhmm(o.end) if o.granted else None, choice_rank=o.choice_rank,
                   explanation=explain.describe(o.notes)) for o in result["outcomes"]])


@router.get("/rounds/{int:pk}/decisions", response=list[AllocationDecisionOut])
@paginate(Pagination)
def round_decisions(request, pk: Id):
    require_api_perm(request, MANAGE)
    rnd = queries.round_get(tenant=request.tenant, pk=pk)
    return [_decision_out(d) for d in queries.decisions_of(rnd)]


class AdjustIn(InSchema):
    granted: bool
    resource_id: Id | None = None
    weekday: Weekday | None = None
    starts: ClockTime | None = None
    ends: ClockTime | None = None
    reason: Annotated[str, Field(max_length=500)]


@router.post("/decisions/{int:pk}/adjust", response=AllocationDecisionOut)
def adjust_decision(request, pk: Id, payload: AdjustIn):
    """Staff set one session by hand (kept when the proposal is made again); the reason is shown to the
    applicant."""
    require_api_perm(request, MANAGE)
    decision = queries.decision_get(tenant=request.tenant, pk=pk)
    resource = _resources(request, [payload.resource_id])[0] if payload.resource_id else None
    decision = services.decision_adjust(actor=request.user, decision=decision, granted=payload.granted,
                                        resource=resource, weekday=payload.weekday, starts=payload.starts,
                                        ends=payload.ends, reason=payload.reason)
    return _decision_out(decision)


# --- Complaints -----------------------------------------------------------------------------
class ComplaintIn(InSchema):
    text: Annotated[str, Field(min_length=1, max_length=4000)]


class ComplaintOut(Schema):
    id: int
    decision_id: int
    text: str
    status: str
    response: str
    allowed_transitions: list[str] = []


def _complaint_out(request, c):
    return ComplaintOut(id=c.pk, decision_id=c.decision_id, text=c.text, status=c.status, response=c.response,
                        allowed_transitions=[t.target for t in COMPLAINT_MACHINE.available(c, request.user)])


@router.post("/decisions/{int:pk}/complaints", response={201: ComplaintOut})
def file_complaint(request, pk: Id, payload: ComplaintIn):
    """The applicant complains about one decision, in the complaint period and up to its deadline."""
    require_api_perm(request, "booking_allocation.apply")
    decision = queries.decision_get(tenant=request.tenant, pk=pk)
    if not queries.may_see_application(request.user, decision.application):
        raise Http404
    return Status(201, _complaint_out(request, services.complaint_file(actor=request.user, decision=decision,
                                                                       text=payload.text)))


@router.get("/rounds/{int:pk}/complaints", response=list[ComplaintOut])
def round_complaints(request, pk: Id):
    require_api_perm(request, MANAGE)
    rnd = queries.round_get(tenant=request.tenant, pk=pk)
    return [_complaint_out(request, c) for c in queries.complaints_of(rnd)]


@router.post("/complaints/{int:pk}/transitions", response=ComplaintOut)
def complaint_transition(request, pk: Id, payload: AllocationTransitionIn):
    """Staff uphold or dismiss a complaint; `reason` is the answer the applicant reads."""
    require_api_perm(request, MANAGE)
    complaint = queries.complaint_get(tenant=request.tenant, pk=pk)
    if not request.user.has_perm(MANAGE, complaint):
        raise PermissionDenied
    complaint = services.complaint_transition(actor=request.user, complaint=complaint, to=payload.to,
                                              reason=payload.reason)
    return _complaint_out(request, complaint)


# --- Frame time (rammetid) ----------------------------------------------------------------------
class PassOnIn(InSchema):
    club_id: Id
    first: dt.date | None = None
    last: dt.date | None = None


class ReleaseIn(InSchema):
    first: dt.date | None = None
    last: dt.date | None = None


class CountOut(Schema):
    count: int


def _frame_decision(request, pk):
    decision = queries.decision_get(tenant=request.tenant, pk=pk)
    if not queries.may_see_application(request.user, decision.application):
        raise Http404
    return decision


@router.post("/decisions/{int:pk}/pass-on", response=CountOut)
def pass_on(request, pk: Id, payload: PassOnIn):
    """An umbrella body passes the dates [first, last] of a frame-time block on to a club (the bookings
    become the club's)."""
    require_api_perm(request, "booking_allocation.apply")
    decision = _frame_decision(request, pk)
    club = ExternalOrganisation.objects.filter(tenant=request.tenant, pk=payload.club_id).first()
    if club is None:
        raise Http404
    return CountOut(count=services.frame_time_pass_on(actor=request.user, decision=decision, club=club,
                                                      first=payload.first, last=payload.last))


@router.post("/decisions/{int:pk}/release", response=CountOut)
def release(request, pk: Id, payload: ReleaseIn):
    """Release the umbrella's unused dates in [first, last] as drop-in time (cancelled, bookable by anyone
    allowed to book the resource)."""
    require_api_perm(request, "booking_allocation.apply")
    decision = _frame_decision(request, pk)
    return CountOut(count=services.frame_time_release(actor=request.user, decision=decision, first=payload.first,
                                                      last=payload.last))

