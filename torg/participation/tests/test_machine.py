"""Every transition of participation's four machines, through the module's services: it works for
each part allowed to make it (staff, moderator, the system), with exactly one new history entry, and
is refused to everyone else. Parametrized over `MACHINE.transitions()`, so a new transition is
covered as soon as it is declared."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from torg.core.testing import exercise_transition
from torg.participation import analysis_services, services
from torg.participation.models import Activity, Input, Process, Survey
from torg.participation.states import ACTIVITY_MACHINE, INPUT_MACHINE, PROCESS_MACHINE, SURVEY_MACHINE

OSLO = dt.timezone(dt.timedelta(hours=1))


def _activity(process, actor):
    return services.activity_create(actor=actor, process=process, kind="workshop", title="Verksted",
                                    starts_at=dt.datetime(2027, 2, 3, 18, tzinfo=OSLO))


def _input(process, actor):
    process.refresh_from_db()
    if process.status != Process.Status.OPEN:
        services.process_set_status(actor=actor, process=process, status="open")
        process.refresh_from_db()
    return services.input_submit(process=process, participant="b:someone", title="Mer grøntareal",
                                 body="Skolegården trenger trær.")


def _survey(process, actor):
    survey = services.survey_create(actor=actor, process=process, title="Skolegården")
    services.question_add(actor=actor, survey=survey, kind="text", text="Hva ønsker du deg?")
    return survey


def _answered(process, actor):
    """A process whose feedback can be given (the guard of `give_feedback`): one theme, answered."""
    if not process.themes.exists():
        theme = analysis_services.theme_create(actor=actor, process=process, name="Grøntareal")
        analysis_services.response_set(actor=actor, theme=theme, outcome="taken", text="Trær i skolegården.")
    return process


CASES = {
    # machine: (model, make the object from a draft process, the service that applies a change)
    "process": (PROCESS_MACHINE, Process, _answered,
                lambda actor, obj, to, reason: services.process_set_status(actor=actor, process=obj, status=to,
                                                                           reason=reason)),
    "activity": (ACTIVITY_MACHINE, Activity, _activity,
                 lambda actor, obj, to, reason: services.activity_set_status(actor=actor, activity=obj, status=to,
                                                                             reason=reason)),
    "input": (INPUT_MACHINE, Input, _input,
              lambda actor, obj, to, reason: services.input_set_status(actor=actor, item=obj, status=to,
                                                                       reason=reason)),
    "survey": (SURVEY_MACHINE, Survey, _survey,
               lambda actor, obj, to, reason: services.survey_set_status(actor=actor, survey=obj, status=to,
                                                                         reason=reason)),
}
TRANSITIONS = [(name, t) for name, case in CASES.items() for t in case[0].transitions()]


@pytest.fixture
def in_state(process, admin_user):
    def make(name, state):
        machine, model, build, _apply = CASES[name]
        obj = build(process, admin_user)
        model.objects.filter(pk=obj.pk).update(**{machine.field: state})
        return model.objects.get(pk=obj.pk)
    return make


@pytest.mark.parametrize("name,transition", TRANSITIONS, ids=[f"{n}:{t.source}->{t.target}" for n, t in TRANSITIONS])
def test_transition_for_the_parts_allowed_and_refused_to_others(name, transition, in_state, admin_user, citizen,
                                                                employee):
    machine, _model, _build, apply = CASES[name]
    people = {"staff": admin_user, "moderator": admin_user}
    exercise_transition(machine, transition, make=lambda state: in_state(name, state), apply=apply, people=people,
                        outsiders=(citizen, employee))


@pytest.mark.parametrize("name,transition", [(n, t) for n, t in TRANSITIONS if t.reason],
                         ids=[f"{n}:{t.verb}" for n, t in TRANSITIONS if t.reason])
def test_a_required_reason_cannot_be_left_out(name, transition, in_state, admin_user):
    machine, _model, _build, apply = CASES[name]
    obj = in_state(name, transition.source)
    with pytest.raises(ValidationError):
        apply(admin_user, obj, transition.target, "  ")
    obj.refresh_from_db()
    assert getattr(obj, machine.field) == transition.source
