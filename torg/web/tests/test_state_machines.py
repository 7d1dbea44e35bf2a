"""Every state machine declared with torg.core.states follows the one recipe (docs/architecture.md →
State machines and history): action codes `<entity>_<verb>`, every action and state named in
Norwegian, every state reachable, and a test module in its app that runs every transition
(`tests/test_machine.py`, parametrized over `MACHINE.transitions()`).
"""

import re
import sys
from pathlib import Path

import pytest
from django.utils import translation

import torg.urls  # noqa: F401  (every app's views and services load, so every machine is declared)
from torg.core import audit, states

CODE = re.compile(r"^[a-z]+(_[a-z]+)*$")


def _machines():
    return sorted(((entity, m) for entity, m in states.MACHINES.items() if not entity.startswith("test")),
                  key=lambda pair: pair[0])


def test_the_modules_declare_their_machines():
    assert {entity for entity, _m in _machines()} >= {"item", "order", "plan", "booking"}


@pytest.mark.parametrize("entity,machine", _machines(), ids=[e for e, _m in _machines()])
def test_actions_are_named_and_translated(entity, machine):
    for transition in machine.transitions():
        action = machine.action(transition.verb)
        assert CODE.match(action) and action.startswith(entity + "_"), action
        with translation.override("en"):
            english = audit.action_label(action)
        with translation.override("nb"):
            norwegian = audit.action_label(action)
        assert english != action, f"{action} has no label"
        assert norwegian != english, f"{action}: “{english}” has no bokmål translation"
    with translation.override("nb"):
        for value, label in machine.states.choices:
            assert str(label) != value, f"{entity}: state {value} is shown as its code"


@pytest.mark.parametrize("entity,machine", _machines(), ids=[e for e, _m in _machines()])
def test_every_state_is_reachable_or_a_start(entity, machine):
    targets = {t.target for t in machine.transitions()}
    sources = {t.source for t in machine.transitions()}
    # A state that is never a target must be where objects start (a source of some transition) —
    # else it is a dead declaration.
    for value in machine.states.values:
        assert value in targets or value in sources, f"{entity}: state {value} is unreachable and unused"


@pytest.mark.parametrize("entity,machine", _machines(), ids=[e for e, _m in _machines()])
def test_each_machine_has_its_exhaustive_test(entity, machine):
    declared_in = Path(sys.modules[machine.roles.__module__].__file__).resolve()
    app_dir = next(p for p in declared_in.parents if (p / "apps.py").exists())
    test_file = app_dir / "tests" / "test_machine.py"
    assert test_file.exists(), f"{entity}: {test_file} is missing"
    assert ".transitions()" in test_file.read_text(encoding="utf-8"), (
        f"{test_file} must parametrize over the machine's transitions")
