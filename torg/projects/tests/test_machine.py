"""Every transition of the projects' two machines, through the module's services: it works for each
part allowed to make it (the project's manager, the deciding body, the project owner, the system),
with exactly one new history entry, and is refused to everyone else. Parametrized over
`MACHINE.transitions()`, so a new transition is covered as soon as it is declared."""

import pytest
from django.core.exceptions import ValidationError

from torg.core.testing import exercise_transition
from torg.projects import services
from torg.projects.models import Decision, DecisionItem, Project
from torg.projects.states import DECISION_MACHINE, PROJECT_MACHINE

from .conftest import bp


def _decision(project, actor):
    decision = bp(project, "BP1")
    DecisionItem.objects.filter(decision=decision).update(state="met", evidence="Vedlagt")
    return decision


CASES = {
    "project": (PROJECT_MACHINE, Project, lambda project, actor: project,
                lambda actor, obj, to, reason: services.project_set_status(actor=actor, project=obj, status=to,
                                                                           reason=reason)),
    "decision": (DECISION_MACHINE, Decision, _decision,
                 lambda actor, obj, to, reason: services.decision_transition(actor=actor, decision=obj, status=to,
                                                                             reason=reason)),
}
TRANSITIONS = [(name, t) for name, case in CASES.items() for t in case[0].transitions()]


@pytest.fixture
def in_state(project, admin_user):
    def make(name, state):
        machine, model, build, _apply = CASES[name]
        obj = build(project, admin_user)
        model.objects.filter(pk=obj.pk).update(**{machine.field: state})
        Project.objects.filter(pk=project.pk).update(status="active" if name == "decision" else state)
        return model.objects.get(pk=obj.pk)
    return make


@pytest.mark.parametrize("name,transition", TRANSITIONS, ids=[f"{n}:{t.source}->{t.target}" for n, t in TRANSITIONS])
def test_transition_for_the_parts_allowed_and_refused_to_others(name, transition, in_state, admin_user,
                                                                property_manager, citizen, employee):
    machine, _model, _build, apply = CASES[name]
    # BP1 of the building model is decided by the project owner (admin_user); the property manager
    # manages the project; the employee sits in the steering group but does not decide BP1.
    people = {"manager": property_manager, "decider": admin_user, "owner": admin_user}
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
