"""Every write of seasonal allocation. Booking series are created only through booking's services, so
the database guarantee against overlaps and the booking rules hold for published allocations too."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from torg.booking import queries as booking_queries
from torg.booking import services as booking_services
from torg.booking.models import Booking
from torg.booking.queries import OSLO
from torg.booking.services.notifications import notify
from torg.core import audit
from torg.core.services import create_object, require_same_tenant, update_object

from . import engine, queries
from .models import AllocationRound, Application, ApplicationChoice, Complaint, Decision, PriorityRung, TimeWindow
from .states import COMPLAINT_MACHINE, ROUND_MACHINE

MAX_CHOICES = 5
MAX_WINDOWS = 6
ROUND_FIELDS = ["name", "season_start", "season_end", "application_deadline", "complaint_deadline", "rules_text",
                "day_start", "day_end", "step_minutes"]


def _require_manager(actor, obj):
    if not actor.has_perm("booking_allocation.manage_rounds", obj):
        raise PermissionDenied


def default_ladder():
    """The usual Norwegian ladder (editable per round)."""
    C = PriorityRung.Criterion
    return [
        {"rank": 1, "criterion": C.UNIT, "label": _("The building's own services"),
         "description": _("Municipal units that use the building in their own service come first.")},
        {"rank": 2, "criterion": C.CHILDREN_YOUTH, "label": _("Children and youth"),
         "description": _("Organisations' activities for children and youth.")},
        {"rank": 3, "criterion": C.ASSOCIATION, "label": _("Other associations"),
         "description": _("Associations and volunteer organisations with adult activities.")},
        {"rank": 4, "criterion": C.ANY, "label": _("Others"), "description": ""},
    ]


# --- Rounds ---------------------------------------------------------------------------------
def _check_dates(rnd):
    if rnd.season_start and rnd.application_deadline and rnd.application_deadline > rnd.season_start:
        raise ValidationError({"application_deadline": _("The application deadline must be before the season.")})


@transaction.atomic
def round_create(*, actor, tenant, resources=(), ladder=None, **fields) -> AllocationRound:
    _require_manager(actor, tenant)
    rnd = AllocationRound(tenant=tenant, **{k: v for k, v in fields.items() if k in ROUND_FIELDS})
    _check_dates(rnd)
    create_object(rnd, actor=actor, tenant=tenant)
    _set_resources(rnd, tenant, resources)
    ladder_save(actor=actor, rnd=rnd, rungs=ladder or default_ladder())
    return rnd


def _set_resources(rnd, tenant, resources):
    resources = list(resources)
    require_same_tenant(tenant, *resources, field="resources")
    rnd.resources.set(resources)


@transaction.atomic
def round_update(*, actor, rnd, resources=None, **fields) -> AllocationRound:
    _require_manager(actor, rnd)
    if rnd.status not in (AllocationRound.Status.DRAFT, AllocationRound.Status.APPLICATION,
                          AllocationRound.Status.ALLOCATION):
        raise ValidationError(_("A published round can no longer be changed."))
    fields = {k: v for k, v in fields.items() if k in ROUND_FIELDS}
    for name, value in fields.items():
        setattr(rnd, name, value)
    _check_dates(rnd)
    rnd.refresh_from_db(fields=list(fields))
    update_object(rnd, actor=actor, tenant=rnd.tenant, fields=fields)
    if resources is not None:
        before = set(rnd.resources.values_list("pk", flat=True))
        _set_resources(rnd, rnd.tenant, resources)
        after = {r.pk for r in resources}
        if before != after:
            audit.record(actor=actor, tenant=rnd.tenant, obj=rnd, action=audit.code(rnd, "update"),
                         changes={"resources": [sorted(before), sorted(after)]})
    return rnd


@transaction.atomic
def ladder_save(*, actor, rnd, rungs) -> list[PriorityRung]:
    """Replace the round's priority ladder (before publishing). `rungs`: dicts with rank, label,
    criterion and description; ranks are renumbered 1, 2, … in the given order of rank."""
    _require_manager(actor, rnd)
    if rnd.status in (AllocationRound.Status.PUBLISHED, AllocationRound.Status.COMPLAINTS,
                      AllocationRound.Status.CLOSED):
        raise ValidationError(_("A published round can no longer be changed."))
    rungs = sorted(rungs, key=lambda r: r["rank"])
    if not rungs:
        raise ValidationError(_("The round needs a priority ladder."))
    Application.objects.filter(round=rnd).update(rung_override=None)
    PriorityRung.objects.filter(round=rnd).delete()
    rows = []
    for n, r in enumerate(rungs, 1):
        rung = PriorityRung(tenant=rnd.tenant, round=rnd, rank=n, label=r["label"], criterion=r["criterion"],
                            description=r.get("description", ""))
        rung.full_clean(exclude=["round"])
        rows.append(rung)
    PriorityRung.objects.bulk_create(rows)
    audit.record(actor=actor, tenant=rnd.tenant, obj=rnd, action=audit.code(rnd, "update"),
                 changes={"ladder": [None, [f"{r.rank}. {r.label} ({r.criterion})" for r in rows]]})
    return rows


def _lock(rnd) -> AllocationRound:
    return AllocationRound.objects.select_for_update().get(pk=rnd.pk)


@transaction.atomic
def round_transition(*, actor, rnd, to, reason="", now=None) -> AllocationRound:
    """The only way a round changes status (ROUND_MACHINE). Publishing creates the booking series of
    every granted decision and tells the applicants."""
    rnd = _lock(rnd)
    ROUND_MACHINE.apply(rnd, to, actor=actor, reason=reason, now=now)
    if to == AllocationRound.Status.PUBLISHED:
        rnd.published_at = now or timezone.now()
        rnd.save(update_fields=["published_at", "updated_at"])
        _publish(actor, rnd, now=now)
    return rnd


# --- Applications ---------------------------------------------------------------------------
def _check_applicant(actor, tenant, organisation, org_unit):
    staff = actor.has_perm("booking_allocation.manage_rounds", tenant)
    if (organisation is None) == (org_unit is None):
        raise ValidationError({"organisation": _("Apply either for an organisation or for a municipal unit.")})
    if organisation is not None:
        require_same_tenant(tenant, organisation, field="organisation")
        if organisation.archived or not (staff or organisation.representatives.filter(pk=actor.pk).exists()):
            raise ValidationError({"organisation": _("You can only apply for an organisation you represent.")})
    if org_unit is not None:
        require_same_tenant(tenant, org_unit, field="org_unit")
        own = actor.memberships.filter(tenant=tenant, is_active=True, org_unit=org_unit).exists()
        if not (staff or own):
            raise ValidationError({"org_unit": _("You can only apply for your own unit.")})


def _check_choices_and_windows(rnd, choices, windows, minutes):
    choices = list(choices)
    if not 1 <= len(choices) <= MAX_CHOICES:
        raise ValidationError({"choices": _("Choose between 1 and %(n)s resources.") % {"n": MAX_CHOICES}})
    if len({c.pk for c in choices}) != len(choices):
        raise ValidationError({"choices": _("Choose each resource once.")})
    in_round = set(rnd.resources.values_list("pk", flat=True))
    if any(c.pk not in in_round for c in choices):
        raise ValidationError({"choices": _("Choose among the round's resources.")})
    if not 1 <= len(windows) <= MAX_WINDOWS:
        raise ValidationError({"windows": _("Give between 1 and %(n)s time windows.") % {"n": MAX_WINDOWS}})
    if not any(w["primary"] for w in windows):
        raise ValidationError({"windows": _("Give at least one primary time window.")})
    for w in windows:
        if not 0 <= w["weekday"] <= 6 or w["ends"] <= w["starts"]:
            raise ValidationError({"windows": _("A time window must end after it starts.")})
        length = (dt.datetime.combine(dt.date.min, w["ends"]) - dt.datetime.combine(dt.date.min, w["starts"]))
        if length.total_seconds() / 60 < minutes:
            raise ValidationError({"windows": _("Each time window must be at least as long as a session.")})


@transaction.atomic
def application_submit(*, actor, tenant, rnd, activity, group_size, age_group, sessions_per_week, minutes,
                       choices, windows, organisation=None, org_unit=None, frame_time=False, now=None) -> Application:
    """Apply in an open round. `choices`: resources by rank; `windows`: dicts with weekday (0 = Monday),
    starts, ends and primary. Staff may register an application after the deadline (e.g. by letter)."""
    now = now or timezone.now()
    rnd = _lock(rnd)
    if rnd.tenant_id != tenant.pk:
        raise PermissionDenied
    staff = actor.has_perm("booking_allocation.manage_rounds", tenant)
    if rnd.status != AllocationRound.Status.APPLICATION:
        raise ValidationError(_("The round is not open for applications."))
    if not staff and timezone.localdate(now) > rnd.application_deadline:
        raise ValidationError(_("The application deadline has passed."))
    _check_applicant(actor, tenant, organisation, org_unit)
    _check_choices_and_windows(rnd, choices, windows, minutes)
    app = Application(tenant=tenant, round=rnd, applicant=actor, organisation=organisation, org_unit=org_unit,
                      activity=activity, group_size=group_size, age_group=age_group,
                      sessions_per_week=sessions_per_week, minutes=minutes, frame_time=frame_time)
    if frame_time and organisation is None:
        raise ValidationError({"frame_time": _("Frame time is for organisations that pass it on to their clubs.")})
    if sessions_per_week > len({w["weekday"] for w in windows}):
        raise ValidationError({"sessions_per_week": _(
            "Sessions of one application are on different days: give windows on at least as many weekdays.")})
    create_object(app, actor=actor, tenant=tenant)
    ApplicationChoice.objects.bulk_create(
        [ApplicationChoice(application=app, resource=r, rank=n) for n, r in enumerate(choices, 1)])
    TimeWindow.objects.bulk_create([TimeWindow(application=app, weekday=w["weekday"], starts=w["starts"],
                                               ends=w["ends"], primary=w["primary"]) for w in windows])
    return app


@transaction.atomic
def application_withdraw(*, actor, application) -> Application:
    if not (application.applicant_id == actor.pk or actor.has_perm("booking_allocation.manage_rounds", application)
            or (application.organisation_id and application.organisation.representatives.filter(pk=actor.pk).exists())):
        raise PermissionDenied
    if application.round.status != AllocationRound.Status.APPLICATION:
        raise ValidationError(_("Applications can be withdrawn only in the application period."))
    application.withdrawn = True
    application.save(update_fields=["withdrawn", "updated_at"])
    audit.record(actor=actor, tenant=application.tenant, obj=application, action="application_withdraw")
    return application


@transaction.atomic
def application_set_rung(*, actor, application, rung) -> Application:
    """Staff place an application in a priority group by hand (None: by the ladder's rules)."""
    _require_manager(actor, application)
    if rung is not None and rung.round_id != application.round_id:
        raise ValidationError({"rung": _("Choose a priority group of this round.")})
    if application.round.status not in AllocationRound.OPEN:
        raise ValidationError(_("A published round can no longer be changed."))
    update_object(application, actor=actor, tenant=application.tenant, fields={"rung_override": rung})
    return application


# --- The proposal ---------------------------------------------------------------------------
def _minutes(t) -> int:
    return t.hour * 60 + t.minute


def _time(m) -> dt.time:
    return dt.time(m // 60, m % 60)


def engine_input(rnd):
    """The round as the engine sees it: claims, resources, ladder and the applications by id."""
    ladder = queries.ladder_of(rnd)
    applications = list(queries.applications_of(rnd))
    manual = {}
    for d in Decision.objects.filter(round=rnd, manual=True, granted=True):
        manual.setdefault(d.application_id, []).append(
            engine.Fixed(d.session, d.resource_id, d.weekday, _minutes(d.starts), _minutes(d.ends)))
    claims, rungs = [], {}
    for app in applications:
        rung = queries.rung_of(app, ladder)
        rungs[app.pk] = rung.rank if rung else len(ladder) + 1
        claims.append(engine.Claim(
            id=app.pk, rung=rungs[app.pk], submitted=app.created_at, group_size=app.group_size,
            sessions=app.sessions_per_week, minutes=app.minutes,
            choices=[c.resource_id for c in app.choices.all()],
            windows=[engine.Window(w.weekday, _minutes(w.starts), _minutes(w.ends), w.primary)
                     for w in app.windows.all()],
            fixed=manual.get(app.pk, [])))
    resources = []
    for r in queries.round_resources(rnd).with_rules():
        rules = r.rules
        resources.append(engine.Resource(r.pk, r.name, tuple(u.pk for u in booking_queries.units_of(r)),
                                         r.capacity, rules.buffer_before, rules.buffer_after))
    return claims, resources, ladder, {a.pk: a for a in applications}, rungs


def proposal(*, actor, rnd, dry_run=True):
    """Run the allocation engine over the round. A dry run only returns the outcome (decisions and
    fairness figures); otherwise the decisions are saved, replacing the engine's earlier ones and
    keeping those set by staff. Returns {"outcomes", "figures", "applications"}."""
    _require_manager(actor, rnd)
    if rnd.status != AllocationRound.Status.ALLOCATION:
        raise ValidationError(_("Close the application period before allocating."))
    claims, resources, ladder, apps, rungs = engine_input(rnd)
    outcomes = engine.allocate(claims, resources, step=rnd.step_minutes, day_start=_minutes(rnd.day_start),
                               day_end=_minutes(rnd.day_end))
    rows = [{"application": o.claim_id, "rung": rungs[o.claim_id], "age_group": apps[o.claim_id].age_group,
             "granted": o.granted, "hours_asked": apps[o.claim_id].minutes / 60,
             "hours": (o.end - o.start) / 60 if o.granted else 0, "first_choice": o.granted and o.choice_rank == 1}
            for o in outcomes]
    result = {"outcomes": outcomes, "figures": queries.figures(rows, ladder), "applications": apps}
    if not dry_run:
        _save_proposal(actor, rnd, outcomes, rungs)
    return result


@transaction.atomic
def _save_proposal(actor, rnd, outcomes, rungs):
    rnd = _lock(rnd)
    Decision.objects.filter(round=rnd, manual=False).delete()
    Decision.objects.filter(round=rnd, manual=True, granted=False).delete()
    keep = set(Decision.objects.filter(round=rnd).values_list("application_id", "session"))
    rows = [Decision(tenant=rnd.tenant, round=rnd, application_id=o.claim_id, session=o.session, granted=o.granted,
                     resource_id=o.resource_id, weekday=o.weekday,
                     starts=_time(o.start) if o.granted else None, ends=_time(o.end) if o.granted else None,
                     choice_rank=o.choice_rank, primary=o.primary, rung_rank=rungs[o.claim_id], manual=False,
                     explanation=o.notes)
            for o in outcomes if (o.claim_id, o.session) not in keep]
    Decision.objects.bulk_create(rows, batch_size=500)
    granted = sum(1 for o in outcomes if o.granted)
    audit.record(actor=actor, tenant=rnd.tenant, obj=rnd, action="allocation_round_propose",
                 changes={"sessions": [None, len(outcomes)], "granted": [None, granted]})


def _overlapping_decision(decision, resource, weekday, starts, ends):
    units = {u.pk for u in booking_queries.units_of(resource)}
    others = (Decision.objects.filter(round=decision.round, granted=True, weekday=weekday, starts__lt=ends,
                                      ends__gt=starts).exclude(pk=decision.pk).select_related("resource"))
    for other in others:
        if units & {u.pk for u in booking_queries.units_of(other.resource)}:
            return other
    return None


@transaction.atomic
def decision_adjust(*, actor, decision, granted, resource=None, weekday=None, starts=None, ends=None,
                    reason="") -> Decision:
    """Staff set one session by hand: grant it a resource, weekday and time (checked against the
    round's other decisions, whole halls and their parts alike), or refuse it. Kept when the proposal
    is made again."""
    _require_manager(actor, decision)
    rnd = _lock(decision.round)
    if rnd.status != AllocationRound.Status.ALLOCATION:
        raise ValidationError(_("Decisions can be adjusted only during the allocation."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason; the applicant sees it.")})
    before = audit.snapshot(decision, ["granted", "resource", "weekday", "starts", "ends"])
    if granted:
        if resource is None or weekday is None or starts is None or ends is None:
            raise ValidationError(_("Give the resource, the weekday and the times."))
        if not rnd.resources.filter(pk=resource.pk).exists():
            raise ValidationError({"resource": _("Choose among the round's resources.")})
        if ends <= starts:
            raise ValidationError({"ends": _("The session must end after it starts.")})
        if (other := _overlapping_decision(decision, resource, weekday, starts, ends)) is not None:
            raise ValidationError(_("This time is already granted to %(other)s.") % {
                "other": other.application})
        ranks = {c.resource_id: c.rank for c in decision.application.choices.all()}
        decision.resource, decision.weekday, decision.starts, decision.ends = resource, weekday, starts, ends
        decision.choice_rank = ranks.get(resource.pk)
        decision.primary = any(w.weekday == weekday and w.starts <= starts and ends <= w.ends and w.primary
                               for w in decision.application.windows.all())
    else:
        decision.resource = decision.weekday = decision.starts = decision.ends = decision.choice_rank = None
        decision.primary = False
    decision.granted = bool(granted)
    decision.manual = True
    decision.explanation = [*decision.explanation, ["adjusted", {"reason": reason}]]
    decision.full_clean(exclude=["round", "application"])
    decision.save()
    audit.record(actor=actor, tenant=decision.tenant, obj=decision, action="decision_adjust",
                 changes=audit.diff(before, audit.snapshot(decision, ["granted", "resource", "weekday", "starts",
                                                                      "ends"])), comment=reason)
    return decision


# --- Publishing -----------------------------------------------------------------------------
def _first_date(rnd, weekday, now):
    first = max(rnd.season_start, timezone.localdate(now) + dt.timedelta(days=1))
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7)


def _publish(actor, rnd, now=None):
    """Each granted decision becomes a weekly booking series for the rest of the season, booked by the
    staff member for the applicant and the organisation through booking's services (the rules, the
    overlap guarantee, door codes in meråpent hours and the booker's receipt come with it). Dates on
    which the building is closed or the time is already booked are left out and named in the
    decision's explanation. Then every applicant is told."""
    now = now or timezone.now()
    decisions = list(queries.decisions_of(rnd).filter(granted=True)
                     .select_related("application__applicant", "resource__building"))
    calendars = {}
    for d in decisions:
        first = _first_date(rnd, d.weekday, now)
        if first > rnd.season_end:
            continue
        dtstart = dt.datetime.combine(first, d.starts, OSLO)
        minutes = _minutes(d.ends) - _minutes(d.starts)
        rrule = booking_services.build_rrule(frequency="weekly", dtstart=dtstart, until=rnd.season_end)
        starts = booking_services.occurrences(rrule, dtstart)
        building = d.resource.building
        if building.pk not in calendars:
            calendars[building.pk] = booking_queries.opening_calendar(
                building, max(rnd.season_start, timezone.localdate(now)), rnd.season_end)
        skipped = _dates_to_skip(d.resource, starts, minutes, calendars[building.pk])
        try:
            series = _series(actor, rnd, d, rrule, dtstart, minutes, skipped, now)
        except ValidationError:
            # Something the quick check above did not see (e.g. a booking made meanwhile): check each
            # date with booking's own check, then try once more.
            skipped = _dates_to_skip(d.resource, starts, minutes, calendars[building.pk], actor=actor, rnd=rnd,
                                     organisation=d.application.organisation, now=now)
            try:
                series = _series(actor, rnd, d, rrule, dtstart, minutes, skipped, now)
            except ValidationError as exc:
                skipped.append(["", " ".join(exc.messages)])
                series = None
        d.series = series
        d.skipped = skipped
        if skipped:
            d.explanation = [*d.explanation, ["skipped", {"count": len(skipped),
                                                          "dates": ", ".join(s[0] for s in skipped if s[0])}]]
        d.save(update_fields=["series", "skipped", "explanation", "updated_at"])
    _tell_applicants(rnd)


def _series(actor, rnd, d, rrule, dtstart, minutes, skipped, now):
    app = d.application
    return booking_services.series_create(
        actor=actor, tenant=rnd.tenant, resource=d.resource, rrule=rrule, dtstart=dtstart, minutes=minutes,
        organisation=app.organisation, title=app.activity, skip_dates=[s[0] for s in skipped], now=now,
        booker=app.applicant)


def _covered(intervals, start, end):
    cursor = start
    for s, e, _k in sorted(intervals):
        if s <= cursor < e:
            cursor = e
            if cursor >= end:
                return True
    return False


def _dates_to_skip(resource, starts, minutes, calendar, *, actor=None, rnd=None, organisation=None, now=None):
    """[[ISO date, reason]] of the dates the series cannot have: the building closed, or the time taken
    (the resource, its whole or its parts, buffers included). Quick: one query for the whole season;
    with `actor`, booking's own check for every date."""
    rules = resource.rules
    before, after = dt.timedelta(minutes=rules.buffer_before), dt.timedelta(minutes=rules.buffer_after)
    length = dt.timedelta(minutes=minutes)
    busy = []
    if starts and actor is None:
        busy = list(booking_queries.conflicting_slots(
            units=booking_queries.units_of(resource), start=starts[0] - before,
            end=starts[-1] + length + after).values_list("start", "end"))
    skipped = []
    for start in starts:
        end = start + length
        if not _covered(calendar.get(start.date(), []), start, end):
            skipped.append([start.date().isoformat(), pgettext("day", "closed")])
        elif actor is not None:
            try:
                booking_services.check_booking(actor=actor, tenant=rnd.tenant, resource=resource, start=start,
                                               end=end, organisation=organisation, now=now)
            except ValidationError as exc:
                skipped.append([start.date().isoformat(), " ".join(exc.messages)])
        elif any(s < end + after and e > start - before for s, e in busy):
            skipped.append([start.date().isoformat(), _("already booked")])
    return skipped


def _tell_applicants(rnd):
    counts = {}
    for d in Decision.objects.filter(round=rnd).select_related("application", "application__applicant"):
        c = counts.setdefault(d.application_id, [d.application, 0, 0])
        c[1] += 1
        c[2] += d.granted
    for app, sessions, granted in counts.values():
        text = _("The allocation of %(round)s is published: %(granted)s of %(sessions)s sessions a week granted "
                 "for %(activity)s. The page of your application explains every decision.") % {
            "round": rnd.name, "granted": granted, "sessions": sessions, "activity": app.activity}
        notify(rnd.tenant, app.applicant, None, text,
               link=reverse("booking_allocation:application_detail", args=[app.pk]),
               subject=_("Allocation: %(round)s") % {"round": rnd.name})


# --- Complaints -----------------------------------------------------------------------------
@transaction.atomic
def complaint_file(*, actor, decision, text, now=None) -> Complaint:
    """The applicant (or a representative of the organisation) complains about one decision, in the
    complaint period and up to the deadline."""
    now = now or timezone.now()
    app = decision.application
    rnd = AllocationRound.objects.get(pk=decision.round_id)
    if not (app.applicant_id == actor.pk or (app.organisation_id and
                                             app.organisation.representatives.filter(pk=actor.pk).exists())):
        raise PermissionDenied
    if rnd.status != AllocationRound.Status.COMPLAINTS or (
            rnd.complaint_deadline and timezone.localdate(now) > rnd.complaint_deadline):
        raise ValidationError(_("Complaints can be filed only in the complaint period, up to the deadline."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Say what the complaint is about.")})
    complaint = Complaint(tenant=decision.tenant, decision=decision, author=actor, text=text)
    create_object(complaint, actor=actor, tenant=decision.tenant)
    return complaint


@transaction.atomic
def complaint_transition(*, actor, complaint, to, reason="", now=None) -> Complaint:
    """Staff uphold or dismiss a complaint (COMPLAINT_MACHINE) with an answer, which the author is told.
    An upheld complaint is put right by moving the series (booking's move) or by a new booking."""
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    COMPLAINT_MACHINE.apply(complaint, to, actor=actor, reason=reason, now=now)
    complaint.response = reason.strip()
    complaint.save(update_fields=["response", "updated_at"])
    app = complaint.decision.application
    text = _("Your complaint about %(activity)s was %(outcome)s: %(answer)s") % {
        "activity": app.activity, "outcome": COMPLAINT_MACHINE.label(to).lower(), "answer": complaint.response}
    notify(complaint.tenant, complaint.author, None, text,
           link=reverse("booking_allocation:application_detail", args=[app.pk]),
           subject=_("Your complaint: %(activity)s") % {"activity": app.activity})
    return complaint


# --- Frame time (rammetid) ----------------------------------------------------------------------
PUBLISHED = (AllocationRound.Status.PUBLISHED, AllocationRound.Status.COMPLAINTS, AllocationRound.Status.CLOSED)


def may_manage_frame_time(actor, decision) -> bool:
    app = decision.application
    return bool(app.frame_time and decision.series_id and (
        app.applicant_id == actor.pk or actor.has_perm("booking_allocation.manage_rounds", decision)
        or app.organisation.representatives.filter(pk=actor.pk).exists()))


def _frame_bookings(actor, decision, first, last, now):
    if not may_manage_frame_time(actor, decision):
        raise PermissionDenied
    if AllocationRound.objects.get(pk=decision.round_id).status not in PUBLISHED:
        raise ValidationError(_("Frame time can be passed on once the allocation is published."))
    if first and last and last < first:
        raise ValidationError({"last": _("The last date must not be before the first.")})
    qs = Booking.objects.filter(series_id=decision.series_id, status__in=Booking.ACTIVE, start__gt=now)
    if first:
        qs = qs.filter(start__gte=dt.datetime.combine(first, dt.time(0), OSLO))
    if last:
        qs = qs.filter(start__lt=dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), OSLO))
    return qs.select_related("resource", "organisation").order_by("start")


@transaction.atomic
def frame_time_pass_on(*, actor, decision, club, first=None, last=None, now=None) -> int:
    """An umbrella body passes the dates [first, last] of a frame-time block on to a member club
    (booking's `bookings_hand_over`: the bookings become the club's). Returns how many dates."""
    now = now or timezone.now()
    if club is None or club.tenant_id != decision.tenant_id or club.pk == decision.application.organisation_id:
        raise ValidationError({"club": _("Choose another organisation of the municipality.")})
    bookings = list(_frame_bookings(actor, decision, first, last, now))
    count = booking_services.bookings_hand_over(actor=actor, bookings=bookings, organisation=club)
    audit.record(actor=actor, tenant=decision.tenant, obj=decision, action="decision_frame_time_pass_on",
                 changes={"club": [None, club.name], "dates": [None, count]})
    return count


@transaction.atomic
def frame_time_release(*, actor, decision, first=None, last=None, now=None) -> int:
    """Release unused frame time as drop-in time: the umbrella's dates in [first, last] that were not
    passed on are cancelled through the booking machine, so anyone allowed to book the resource may
    book them directly. Dates past the cancellation deadline stay. Returns how many were released."""
    now = now or timezone.now()
    umbrella = decision.application.organisation_id
    count = 0
    for booking in _frame_bookings(actor, decision, first, last, now).filter(organisation_id=umbrella):
        deadline = booking.start - dt.timedelta(hours=booking.resource.rules.cancel_deadline_hours)
        if now > deadline and not actor.has_perm("booking.manage_bookings", booking):
            continue
        booking_services.booking_transition(actor=actor, booking=booking, to=Booking.Status.CANCELLED,
                                            reason=_("Released as drop-in time"), now=now)
        count += 1
    audit.record(actor=actor, tenant=decision.tenant, obj=decision, action="decision_frame_time_release",
                 changes={"dates": [None, count]})
    return count

