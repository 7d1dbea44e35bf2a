"""Every transition of the condition survey machine and the measure machine, through the module's service: it works for each
part allowed to make it (the manager, the system), with exactly one new history entry, and is refused
to everyone else. Parametrized over `MACHINE.transitions()`, so a new transition is covered at once."""

import pytest
from django.core.exceptions import ValidationError

from torg.core import states
from torg.core.testing import exercise_transition
from torg.estate import services
from torg.estate.models import ConditionSurvey, Measure
from torg.estate.states import CONDITION_SURVEY_MACHINE as MACHINE
from torg.estate.states import MEASURE_MACHINE

TRANSITIONS = MACHINE.transitions()


def _in_state(survey, state):
    ConditionSurvey.objects.filter(pk=survey.pk).update(status=state)
    return ConditionSurvey.objects.get(pk=survey.pk)


def _apply(actor, obj, to, reason):
    return services.survey_set_status(actor=actor, survey=obj, status=to, reason=reason)


@pytest.mark.parametrize("transition", TRANSITIONS, ids=[f"{t.source}->{t.target}" for t in TRANSITIONS])
def test_transition_for_the_parts_allowed_and_refused_to_others(transition, survey, admin_user, property_manager,
                                                                employee, citizen):
    outsiders = (employee, citizen) + (() if "manager" in transition.who else (admin_user, property_manager))
    for manager in (admin_user, property_manager):
        exercise_transition(MACHINE, transition, make=lambda state: _in_state(survey, state), apply=_apply,
                            people={"manager": manager}, outsiders=outsiders)
        if states.SYSTEM in transition.who:
            break


@pytest.mark.parametrize("transition", [t for t in TRANSITIONS if t.reason], ids=lambda t: t.verb)
def test_a_required_reason_cannot_be_left_out(transition, survey, admin_user):
    obj = _in_state(survey, transition.source)
    with pytest.raises(ValidationError):
        _apply(admin_user, obj, transition.target, " ")
    obj.refresh_from_db()
    assert obj.status == transition.source


def test_the_guard_holds_through_the_view_and_the_api(admin_user, tenant, building, client_for, api_as):
    """A survey without parts cannot be approved from the page nor the API."""
    import datetime as dt

    empty = services.survey_create(actor=admin_user, tenant=tenant, building=building,
                                   surveyed_on=dt.date(2026, 2, 1), surveyor="Takst AS")
    assert not MACHINE.available(empty, admin_user) or all(t.target != "approved"
                                                           for t in MACHINE.available(empty, admin_user))
    client_for(admin_user).post(f"/estate/surveys/{empty.pk}/status/", {"status": "approved"})
    response = api_as(admin_user, tenant)("post", f"/api/v1/estate/surveys/{empty.pk}/status", {"status": "approved"})
    assert response.status_code == 422
    empty.refresh_from_db()
    assert empty.status == "draft"


MEASURE_TRANSITIONS = MEASURE_MACHINE.transitions()


@pytest.mark.parametrize("transition", MEASURE_TRANSITIONS, ids=[f"{t.source}->{t.target}" for t in MEASURE_TRANSITIONS])
def test_measure_transition_for_the_manager_and_refused_to_others(transition, admin_user, employee, citizen, tenant,
                                                                  building):
    measure = services.measure_create(actor=admin_user, tenant=tenant, building=building, description="Nytt tak",
                                      cost=100000, condition_grade=3, due_year=2027, planned_year=2027)

    def make(state):
        Measure.objects.filter(pk=measure.pk).update(status=state)
        return Measure.objects.get(pk=measure.pk)

    def apply(actor, obj, to, reason):
        return services.measure_set_status(actor=actor, measure=obj, status=to, reason=reason)

    exercise_transition(MEASURE_MACHINE, transition, make=make, apply=apply, people={"manager": admin_user},
                        outsiders=(employee, citizen))
