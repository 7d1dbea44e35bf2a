"""Demo data for seasonal allocation in Storvik: the sports halls of four schools (each divisible in
two), the sports council (Storvik idrettsråd) and the associations. A completed round for the current
season (about 200 applications, the proposal, adjustments, published booking series) and an open
round for the next season. Deterministic for a given seed and day."""

import datetime as dt
import random

from django.core.exceptions import ValidationError
from django.utils import timezone

from torg.accounts import services as account_services
from torg.accounts.demo import orgnr_sequence
from torg.accounts.models import ExternalOrganisation
from torg.booking import services as booking_services
from torg.booking.models import Resource
from torg.places.models import Room

from . import services
from .models import AllocationRound, Application, Decision

ACTIVITIES = [("Håndball", "children"), ("Håndball", "youth"), ("Fotball inne", "children"), ("Basket", "youth"),
              ("Turn", "children"), ("Innebandy", "youth"), ("Volleyball", "adults"), ("Badminton", "adults"),
              ("Trim", "seniors"), ("Dans", "mixed"), ("Bordtennis", "youth"), ("Klatring", "children")]
TEAMS = ["J10", "G10", "J12", "G12", "J14", "G14", "damer", "herrer", "nybegynnere", "viderekomne"]


def season_of(day):
    """(start, end) of the season that `day` lies in or before: week 34 to week 25 the year after."""
    year = day.year if day >= dt.date.fromisocalendar(day.year, 34, 1) else day.year - 1
    return dt.date.fromisocalendar(year, 34, 1), dt.date.fromisocalendar(year + 1, 25, 7)


def _halls(ctx, admin, tenant, count):
    """School gyms as divisible halls for the associations (the booking demo made the first)."""
    halls = []
    for room in Room.objects.filter(tenant=tenant, function="gym").select_related("building").order_by(
            "building__name")[:count]:
        name = f"Gymsal {room.building.name}"
        whole = Resource.objects.filter(tenant=tenant, building=room.building, name=name).first()
        if whole is None:
            whole = booking_services.resource_create(
                actor=admin, tenant=tenant, name=name, building=room.building, room=room, allow_citizens=False,
                requires_approval=True, max_minutes=180, window_days=180, capacity=60)
            for x in ("A", "B"):
                booking_services.resource_create(
                    actor=admin, tenant=tenant, name=f"{name} – halvdel {x}", building=room.building, parent=whole,
                    kind="part", allow_citizens=False, capacity=30, requires_approval=True, max_minutes=180,
                    window_days=180)
        halls.append([whole, *whole.parts.order_by("name")])
    return halls


def _windows(rng, sessions):
    days = rng.sample(range(5), min(5, sessions + 1))
    start = rng.choice([16, 17, 18])
    rows = [{"weekday": d, "starts": dt.time(start), "ends": dt.time(start + 3), "primary": True}
            for d in days[:sessions]]
    rows += [{"weekday": d, "starts": dt.time(18), "ends": dt.time(22), "primary": False} for d in days[sessions:]]
    if rng.random() < 0.3:
        rows.append({"weekday": 5, "starts": dt.time(16), "ends": dt.time(20), "primary": False})
    return rows


def _apply(rng, rnd, actor, org, halls, n, now=None, frame_time=False):
    activity, age = ACTIVITIES[n % len(ACTIVITIES)]
    sessions = rng.choice([1, 1, 2, 2, 3])
    size = rng.choice([12, 16, 20, 24, 28, 40])
    hall = rng.choice(halls)
    others = [h for h in halls if h is not hall]
    pool = [hall[0]] if size > 30 else [rng.choice(hall[1:])]
    extra = rng.sample(others, min(len(others), rng.choice([0, 1, 2])))
    pool += [rng.choice(h[1:]) if size <= 30 else h[0] for h in extra]
    return services.application_submit(
        actor=actor, tenant=rnd.tenant, rnd=rnd, organisation=org, activity=f"{activity} {rng.choice(TEAMS)}",
        group_size=size, age_group=age, sessions_per_week=sessions, minutes=rng.choice([60, 90, 90, 120]),
        choices=pool, windows=_windows(rng, sessions), now=now, frame_time=frame_time)


def load(ctx, applications=200, halls=3):
    """`applications` in the completed round over `halls` gyms (the tests use fewer: every granted
    session becomes a booking series for the rest of the season, made through booking's services)."""
    rng = random.Random(ctx.seed + 80)
    tenant, admin, rep = ctx.main, ctx.users["admin"], ctx.users["forening"]
    today = timezone.localdate()
    halls = _halls(ctx, admin, tenant, halls)
    if not halls:
        return
    resources = [r for hall in halls for r in hall]
    council = account_services.external_organisation_create(
        actor=None, tenant=tenant, orgnr=next(orgnr_sequence(random.Random(ctx.seed + 81))), name="Storvik idrettsråd",
        kind=ExternalOrganisation.Kind.ASSOCIATION, email="post@storvik-idrettsrad.example.no")
    council.representatives.add(rep)
    clubs = [o for o in ctx.organisations if o.kind in (ExternalOrganisation.Kind.ASSOCIATION,
                                                        ExternalOrganisation.Kind.VOLUNTEER)]
    rules = ("Søknader behandles etter prioriteringslisten. Idrettsrådet får rammetid i helgene og fordeler den "
             "videre til klubbene. Ubrukt tid frigis som drop-in.")

    # The current season: applied for in the spring, allocated, published and closed.
    start, end = season_of(today)
    spring = dt.datetime.combine(dt.date(start.year, 3, 1), dt.time(12), timezone.get_current_timezone())
    rnd = services.round_create(actor=admin, tenant=tenant, name=f"Idrettshaller {start.year}/{end.year % 100:02d}",
                                season_start=start, season_end=end, application_deadline=dt.date(start.year, 4, 15),
                                complaint_deadline=dt.date(start.year, 6, 15), resources=resources,
                                day_start=dt.time(16), day_end=dt.time(22), rules_text=rules)
    rnd = services.round_transition(actor=admin, rnd=rnd, to=AllocationRound.Status.APPLICATION, now=spring)
    n = 0
    for org in [council] + clubs:
        for _team in range(1 if org is council else rng.randint(4, 8)):
            _apply(rng, rnd, rep if rep in org.representatives.all() else admin, org, halls, n, now=spring,
                   frame_time=org is council)
            n += 1
            if n >= applications:
                break
        if n >= applications:
            break
    Application.objects.filter(round=rnd).update(created_at=spring)
    rnd = services.round_transition(actor=admin, rnd=rnd, to=AllocationRound.Status.ALLOCATION, now=spring)
    services.proposal(actor=admin, rnd=rnd, dry_run=False)
    denied = Decision.objects.filter(round=rnd, granted=False).order_by("pk").first()
    if denied is not None:  # a staff adjustment: a denied session placed on Sunday in a free hall
        for hall in resources:
            try:
                services.decision_adjust(actor=admin, decision=denied, granted=True, resource=hall, weekday=6,
                                         starts=dt.time(16), ends=dt.time(17, 30),
                                         reason="Søndag ettermiddag er ledig og passer for laget.")
                break
            except ValidationError:  # taken: try the next hall
                continue
    rnd = services.round_transition(actor=admin, rnd=rnd, to=AllocationRound.Status.PUBLISHED)
    services.round_transition(actor=admin, rnd=rnd, to=AllocationRound.Status.CLOSED)
    # The sports council passes the next eight weeks of its frame time on to a club and releases the
    # last two weeks of the season as drop-in time.
    for d in Decision.objects.filter(round=rnd, granted=True, application__frame_time=True, series__isnull=False):
        services.frame_time_pass_on(actor=rep, decision=d, club=clubs[1], last=today + dt.timedelta(weeks=8))
        services.frame_time_release(actor=rep, decision=d, first=end - dt.timedelta(days=13))

    # The next season: open for applications, a few already in.
    start2, end2 = season_of(end + dt.timedelta(days=60))
    nxt = services.round_create(actor=admin, tenant=tenant, name=f"Idrettshaller {start2.year}/{end2.year % 100:02d}",
                                season_start=start2, season_end=end2,
                                application_deadline=max(dt.date(start2.year, 4, 15), today + dt.timedelta(days=30)),
                                complaint_deadline=dt.date(start2.year, 6, 15), resources=resources,
                                day_start=dt.time(8), day_end=dt.time(22), rules_text=rules)
    nxt = services.round_transition(actor=admin, rnd=nxt, to=AllocationRound.Status.APPLICATION)
    for k, org in enumerate([clubs[0], council] + clubs[1:4]):
        _apply(rng, nxt, rep if rep in org.representatives.all() else admin, org, halls, k)
