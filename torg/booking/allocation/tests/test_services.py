"""Seasonal allocation through its services: applications, the proposal and its dry run, staff
adjustments, publishing into booking series (booking's rules and overlap guarantee), the closure of
direct booking while a round is open, and complaints."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from torg.booking import services as booking_services
from torg.booking.allocation import services
from torg.booking.allocation.models import Application, Complaint, Decision
from torg.booking.models import Booking, BookingSeries, Notification
from torg.booking.queries import OSLO
from torg.core.models import AuditEvent

from .conftest import apply, to_status, window


def test_a_new_round_has_the_usual_ladder(rnd):
    assert [(r.rank, r.criterion) for r in rnd.ladder.all()] == [
        (1, "unit"), (2, "children_youth"), (3, "association"), (4, "any")]


def test_applications_are_checked(rnd, admin_user, association_rep, citizen, clubs, hall):
    with pytest.raises(ValidationError, match="not open for applications"):
        apply(rnd, association_rep, clubs["il"], [hall["a"]], [window(1, (17,), (20,))])
    rnd = to_status(rnd, admin_user, "application")
    with pytest.raises(ValidationError, match="organisation you represent"):
        apply(rnd, citizen, clubs["il"], [hall["a"]], [window(1, (17,), (20,))])
    with pytest.raises(ValidationError, match="primary time window"):
        apply(rnd, association_rep, clubs["il"], [hall["a"]], [window(1, (17,), (20,), primary=False)])
    with pytest.raises(ValidationError, match="at least as long as a session"):
        apply(rnd, association_rep, clubs["il"], [hall["a"]], [window(1, (17,), (18,))])
    with pytest.raises(ValidationError, match="different days"):
        apply(rnd, association_rep, clubs["il"], [hall["a"]], [window(1, (17,), (20,))], sessions=2)
    app = apply(rnd, association_rep, clubs["il"], [hall["a"], hall["b"]], [window(1, (17,), (20,))])
    assert [c.resource for c in app.choices.all()] == [hall["a"], hall["b"]]


def _two_clubs_want_the_same_half(rnd, admin_user, association_rep, clubs, hall):
    rnd = to_status(rnd, admin_user, "application")
    adults = apply(rnd, association_rep, clubs["chess"], [hall["a"]], [window(1, (18,), (20,))], age="adults")
    kids = apply(rnd, association_rep, clubs["il"], [hall["a"], hall["b"]], [window(1, (18,), (20,))])
    return to_status(rnd, admin_user, "allocation"), kids, adults


def test_the_ladder_decides_and_a_dry_run_changes_nothing(rnd, admin_user, association_rep, clubs, hall):
    rnd, kids, adults = _two_clubs_want_the_same_half(rnd, admin_user, association_rep, clubs, hall)
    events = AuditEvent.objects.count()
    result = services.proposal(actor=admin_user, rnd=rnd, dry_run=True)
    assert Decision.objects.count() == 0 and AuditEvent.objects.count() == events
    outcome = {o.claim_id: o for o in result["outcomes"]}
    assert outcome[kids.pk].resource_id == hall["a"].pk  # children first, although they applied later
    assert outcome[adults.pk].granted is False
    figures = result["figures"]
    assert (figures["sessions"], figures["granted"], figures["first_choice_share"]) == (2, 1, 50)
    assert [(g["group"], g["granted"]) for g in figures["by_rung"]] == [
        ("2. Children and youth", 1), ("3. Other associations", 0)]
    # saved: the same outcome, with an explanation for every decision
    services.proposal(actor=admin_user, rnd=rnd, dry_run=False)
    decisions = {d.application_id: d for d in Decision.objects.all()}
    assert decisions[kids.pk].granted and decisions[kids.pk].starts == dt.time(18)
    assert [c for c, _p in decisions[adults.pk].explanation] == ["order", "busy", "denied"]
    assert AuditEvent.objects.filter(action="allocation_round_propose").count() == 1


def test_staff_adjust_a_decision_and_it_survives_a_new_proposal(rnd, admin_user, association_rep, clubs, hall):
    rnd, kids, adults = _two_clubs_want_the_same_half(rnd, admin_user, association_rep, clubs, hall)
    services.proposal(actor=admin_user, rnd=rnd, dry_run=False)
    denied = Decision.objects.get(application=adults)
    with pytest.raises(ValidationError, match="already granted"):
        services.decision_adjust(actor=admin_user, decision=denied, granted=True, resource=hall["whole"], weekday=1,
                                 starts=dt.time(18), ends=dt.time(19), reason="Bytte")
    with pytest.raises(ValidationError, match="reason"):
        services.decision_adjust(actor=admin_user, decision=denied, granted=True, resource=hall["b"], weekday=1,
                                 starts=dt.time(18), ends=dt.time(20), reason="")
    with pytest.raises(PermissionDenied):
        services.decision_adjust(actor=association_rep, decision=denied, granted=True, resource=hall["b"],
                                 weekday=1, starts=dt.time(18), ends=dt.time(20), reason="x")
    services.decision_adjust(actor=admin_user, decision=denied, granted=True, resource=hall["b"], weekday=1,
                             starts=dt.time(18), ends=dt.time(20), reason="Hall B is free")
    services.proposal(actor=admin_user, rnd=rnd, dry_run=False)
    kept = Decision.objects.get(application=adults)
    assert (kept.granted, kept.manual, kept.resource, kept.choice_rank) == (True, True, hall["b"], None)
    assert kept.explanation[-1] == ["adjusted", {"reason": "Hall B is free"}]
    assert Decision.objects.get(application=kids).resource == hall["a"]


def test_direct_booking_is_closed_while_the_round_is_open(rnd, admin_user, citizen, hall, tenant):
    from .conftest import season

    start = dt.datetime.combine(season()[0] + dt.timedelta(days=1), dt.time(10), OSLO)
    booking_services.rules_update(actor=admin_user, resource=hall["room"], window_days=200)
    booking_services.rules_update(actor=admin_user, resource=hall["a"], window_days=200)
    booking_services.booking_create(actor=citizen, tenant=tenant, resource=hall["room"], start=start,
                                    end=start + dt.timedelta(hours=1))  # a draft round closes nothing
    rnd = to_status(rnd, admin_user, "application")
    later = start + dt.timedelta(hours=2)
    with pytest.raises(ValidationError, match="being allocated for the season"):
        booking_services.booking_create(actor=citizen, tenant=tenant, resource=hall["a"], start=later,
                                        end=later + dt.timedelta(hours=1))
    # staff may still book (e.g. a municipal event), and time outside the season is open
    booking_services.booking_create(actor=admin_user, tenant=tenant, resource=hall["a"], start=later,
                                    end=later + dt.timedelta(hours=1))
    after = later + dt.timedelta(weeks=9)
    booking_services.booking_create(actor=citizen, tenant=tenant, resource=hall["a"], start=after,
                                    end=after + dt.timedelta(hours=1))


def test_publishing_creates_series_through_booking(rnd, admin_user, association_rep, clubs, hall, tenant):
    rnd, kids, adults = _two_clubs_want_the_same_half(rnd, admin_user, association_rep, clubs, hall)
    # Somebody already has the hall on the second Tuesday of the season: that date is left out.
    second_tuesday = rnd.season_start + dt.timedelta(days=(1 - rnd.season_start.weekday()) % 7 + 7)
    taken = dt.datetime.combine(second_tuesday, dt.time(18, 30), OSLO)
    booking_services.booking_create(actor=admin_user, tenant=tenant, resource=hall["whole"], start=taken,
                                    end=taken + dt.timedelta(hours=1))
    services.proposal(actor=admin_user, rnd=rnd, dry_run=False)
    to_status(rnd, admin_user, "published")
    decision = Decision.objects.get(application=kids)
    series = decision.series
    assert (series.booker, series.organisation, series.resource) == (association_rep, clubs["il"], hall["a"])
    dates = list(Booking.objects.filter(series=series).values_list("start", "status", "meraapent", "booker"))
    assert len(dates) == 7 and all(s == "confirmed" and m and b == association_rep.pk for _d, s, m, b in dates)
    assert decision.skipped[0][0] == second_tuesday.isoformat() and decision.skipped[0][1] == "already booked"
    assert decision.explanation[-1][0] == "skipped"
    assert Decision.objects.get(application=adults).series is None
    assert BookingSeries.objects.count() == 1
    # every applicant is told, with the link to the explanations
    assert Notification.objects.filter(user=association_rep, message__contains="is published").count() == 2


def test_complaints_in_the_complaint_period(rnd, admin_user, association_rep, citizen, clubs, hall):
    rnd, kids, adults = _two_clubs_want_the_same_half(rnd, admin_user, association_rep, clubs, hall)
    services.proposal(actor=admin_user, rnd=rnd, dry_run=False)
    rnd = to_status(rnd, admin_user, "published")
    denied = Decision.objects.get(application=adults)
    with pytest.raises(ValidationError, match="complaint period"):
        services.complaint_file(actor=association_rep, decision=denied, text="Urettferdig")
    rnd = to_status(rnd, admin_user, "complaints")
    with pytest.raises(PermissionDenied):
        services.complaint_file(actor=citizen, decision=denied, text="Urettferdig")
    late = timezone.now() + dt.timedelta(days=10)
    with pytest.raises(ValidationError, match="up to the deadline"):
        services.complaint_file(actor=association_rep, decision=denied, text="For sent", now=late)
    complaint = services.complaint_file(actor=association_rep, decision=denied, text="Vi trenger tirsdag.")
    with pytest.raises(ValidationError, match="Answer every complaint"):
        to_status(rnd, admin_user, "closed")
    services.complaint_transition(actor=admin_user, complaint=complaint, to=Complaint.Status.DISMISSED,
                                  reason="Barn og unge går først.")
    assert Notification.objects.filter(user=association_rep, message__contains="Barn og unge går først").exists()
    assert to_status(rnd, admin_user, "closed").status == "closed"


def test_withdrawn_applications_are_left_out(rnd, admin_user, association_rep, clubs, hall):
    rnd, kids, adults = _two_clubs_want_the_same_half(rnd, admin_user, association_rep, clubs, hall)
    rnd = to_status(rnd, admin_user, "application")
    services.application_withdraw(actor=association_rep, application=Application.objects.get(pk=kids.pk))
    rnd = to_status(rnd, admin_user, "allocation")
    outcomes = services.proposal(actor=admin_user, rnd=rnd)["outcomes"]
    assert [(o.claim_id, o.granted) for o in outcomes] == [(adults.pk, True)]


def test_a_unit_comes_first_and_staff_can_move_an_application_between_groups(rnd, admin_user, association_rep,
                                                                            clubs, hall, tenant):
    from torg.accounts import services as account_services

    unit = account_services.org_unit_create(actor=admin_user, tenant=tenant, kind="sector", name="Testvik skole")
    rnd = to_status(rnd, admin_user, "application")
    kids = apply(rnd, association_rep, clubs["il"], [hall["a"]], [window(1, (18,), (20,))])
    school = apply(rnd, admin_user, None, [hall["a"]], [window(1, (18,), (20,))], org_unit=unit, age="youth")
    rnd = to_status(rnd, admin_user, "allocation")
    granted = {o.claim_id for o in services.proposal(actor=admin_user, rnd=rnd)["outcomes"] if o.granted}
    assert granted == {school.pk}
    services.application_set_rung(actor=admin_user, application=school, rung=rnd.ladder.get(rank=4))
    granted = {o.claim_id for o in services.proposal(actor=admin_user, rnd=rnd)["outcomes"] if o.granted}
    assert granted == {kids.pk}
