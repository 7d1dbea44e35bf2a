"""The round and complaint machines (torg.booking.allocation.states): every declared transition for
every part, one history entry each; guards hold."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from torg.booking.allocation import services
from torg.booking.allocation.models import AllocationRound, Complaint, Decision
from torg.booking.allocation.states import AUTHOR, COMPLAINT_MACHINE, ROUND_MACHINE, STAFF
from torg.core import audit

from .conftest import apply, to_status, window

PATHS = {"draft": [], "application": ["application"], "allocation": ["application", "allocation"],
         "published": ["application", "allocation", "published"],
         "complaints": ["application", "allocation", "published", "complaints"]}


def _round_in(source, rnd, admin_user, association_rep, clubs, hall):
    steps = PATHS[source]
    rnd = to_status(rnd, admin_user, *steps[:1])
    if len(steps) > 1:
        apply(rnd, association_rep, clubs["il"], [hall["a"]], [window(1, (17,), (20,))])
        rnd = to_status(rnd, admin_user, *steps[1:2])
        services.proposal(actor=admin_user, rnd=rnd, dry_run=False)
        rnd = to_status(rnd, admin_user, *steps[2:])
    return AllocationRound.objects.get(pk=rnd.pk)


@pytest.mark.parametrize("part", [STAFF, "applicant", "employee"])
@pytest.mark.parametrize("transition", ROUND_MACHINE.transitions(), ids=lambda t: f"{t.source}-{t.target}")
def test_each_round_transition_for_each_part(transition, part, rnd, admin_user, association_rep, employee, clubs,
                                             hall):
    rnd = _round_in(transition.source, rnd, admin_user, association_rep, clubs, hall)
    actor = {STAFF: admin_user, "applicant": association_rep, "employee": employee}[part]
    before = len(audit.history_for(rnd, rnd.tenant))
    if part not in transition.who:
        with pytest.raises(PermissionDenied):
            services.round_transition(actor=actor, rnd=rnd, to=transition.target)
        return
    services.round_transition(actor=actor, rnd=rnd, to=transition.target, reason="Because")
    rnd.refresh_from_db()
    assert rnd.status == transition.target
    history = audit.history_for(rnd, rnd.tenant)
    machine_codes = {ROUND_MACHINE.action(t.verb) for t in ROUND_MACHINE.transitions()}
    new = [e for e in history[: len(history) - before] if e.action in machine_codes]
    assert [(e.action, e.changes) for e in new] == [
        (ROUND_MACHINE.action(transition.verb), {"status": [transition.source, transition.target]})]


def test_round_guards(rnd, admin_user, association_rep, clubs, hall):
    rnd.resources.clear()
    with pytest.raises(ValidationError, match="resources"):
        services.round_transition(actor=admin_user, rnd=rnd, to="application")
    rnd.resources.add(hall["a"])
    rnd = to_status(rnd, admin_user, "application", "allocation")
    assert [t.target for t in ROUND_MACHINE.available(rnd, admin_user)] == ["application"]  # no decisions yet
    with pytest.raises(ValidationError, match="proposal"):
        services.round_transition(actor=admin_user, rnd=rnd, to="published")


@pytest.mark.parametrize("part", [STAFF, AUTHOR])
@pytest.mark.parametrize("transition", COMPLAINT_MACHINE.transitions(), ids=lambda t: f"{t.source}-{t.target}")
def test_each_complaint_transition_for_each_part(transition, part, rnd, admin_user, association_rep, clubs, hall):
    rnd = _round_in("complaints", rnd, admin_user, association_rep, clubs, hall)
    complaint = services.complaint_file(actor=association_rep, decision=Decision.objects.get(), text="Hvorfor?")
    actor = {STAFF: admin_user, AUTHOR: association_rep}[part]
    if part not in transition.who:
        with pytest.raises(PermissionDenied):
            services.complaint_transition(actor=actor, complaint=complaint, to=transition.target, reason="Svar")
        return
    with pytest.raises(ValidationError, match="reason"):
        services.complaint_transition(actor=actor, complaint=complaint, to=transition.target, reason="")
    services.complaint_transition(actor=actor, complaint=complaint, to=transition.target, reason="Svar")
    complaint = Complaint.objects.get()
    assert (complaint.status, complaint.response) == (transition.target, "Svar")
    assert [(e.action, e.comment) for e in audit.history_for(complaint, complaint.tenant)][0] == (
        COMPLAINT_MACHINE.action(transition.verb), "Svar")
