"""Audit action codes are `<entity>_<verb>` everywhere (docs/architecture.md → Audit).

The guard: every module of torg that records an audit event (`audit.record`, `audit.record_many`,
`update_object(action=…)`) names a code of that form — a literal starting with an entity (a model's,
as `audit.entity` names it, or a state machine's) and labelled for people, or one built by
`audit.code(obj, <shared verb>)` or a machine. `audit.record` itself refuses a bare verb, so a code
passed through a variable is caught by the tests that run it. Migration core/0005 renames the
stored events.
"""

import ast
import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import translation

import torg.urls  # noqa: F401  (every app's services and machines load, so every code is registered)
from torg.core import audit, states
from torg.core.models import AuditEvent

migration = importlib.import_module("torg.core.migrations.0005_audit_codes_entity_verb")
ROOT = Path(__file__).resolve().parents[2]  # the torg package
RECORDERS = {"record", "record_many", "update_object"}


def _entities():
    models = {audit.entity(m) for m in apps.get_models() if m.__module__.startswith("torg.")}
    return models | set(states.MACHINES)


def _problems(node, entities, where):
    """What is wrong with the code expression `node` (an `action=` argument)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        code = node.value
        if not audit.CODE.match(code) or code in audit.GENERIC_VERBS:
            return [f"{where}: {code!r} is not <entity>_<verb> (use audit.code(obj, verb))"]
        if not any(code.startswith(f"{e}_") for e in entities):
            return [f"{where}: {code!r} does not start with an entity (a model's or a machine's)"]
        if audit.action_label(code) == code:
            return [f"{where}: {code!r} has no label (audit.register_action_labels in the app's ready())"]
        return []
    if isinstance(node, ast.JoinedStr):
        head = node.values[0].value if node.values and isinstance(node.values[0], ast.Constant) else ""
        ok = any(head.startswith(f"{e}_") for e in entities)
        return [] if ok else [f"{where}: {ast.unparse(node)} does not start with an entity"]
    if isinstance(node, ast.IfExp):
        return _problems(node.body, entities, where) + _problems(node.orelse, entities, where)
    if isinstance(node, ast.Lambda):
        return _problems(node.body, entities, where)
    if isinstance(node, ast.Call) and ast.unparse(node.func).split(".")[-1] == "code":
        verb = node.args[1] if len(node.args) > 1 else None
        verbs = [verb.body, verb.orelse] if isinstance(verb, ast.IfExp) else [verb]
        if all(isinstance(v, ast.Constant) and v.value in audit.GENERIC_VERBS for v in verbs):
            return []
        return [f"{where}: {ast.unparse(node)}: audit.code takes a shared verb ({', '.join(audit.GENERIC_VERBS)}); "
                "an app's own action is a registered literal code"]
    return []  # a machine's action(), or a variable: checked at run time by audit.record


def test_every_module_records_entity_verb_codes():
    entities = _entities()
    problems, seen = [], 0
    for path in sorted(ROOT.rglob("*.py")):
        if {"tests", "migrations"} & set(path.relative_to(ROOT).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and ast.unparse(node.func).split(".")[-1] in RECORDERS:
                for kw in node.keywords:
                    if kw.arg == "action":
                        seen += 1
                        problems += _problems(kw.value, entities, f"{path.relative_to(ROOT.parent)}:{node.lineno}")
    assert seen > 100  # the scan sees the code base
    assert problems == []


def test_a_bare_verb_is_refused_and_code_names_the_entity(tenant, admin_user):
    with pytest.raises(ValueError, match="<entity>_<verb>"):
        audit.record(actor=admin_user, tenant=tenant, obj=tenant, action="create")
    with pytest.raises(ValueError):
        audit.record_many(actor=admin_user, tenant=tenant, objs=[tenant], action="update")
    series = apps.get_model("booking", "BookingSeries")
    assert audit.code(series, "move") == "booking_series_move"
    assert audit.code(tenant, "create") == "tenant_create"


def test_every_code_is_shown_in_words_in_bokmal():
    with translation.override("nb"):
        assert audit.action_label("room_create") == audit.action_label("booking_series_create") == "Opprettet"
        assert audit.action_label("room_import_create") != audit.action_label("room_create")
        for code, label in audit.action_choices():
            assert label != code or code in audit.GENERIC_VERBS, code
        with translation.override("en"):
            english = dict(audit.action_choices())
        untranslated = [c for c, label in audit.action_choices() if label == english[c] and not c.startswith("test")]
        assert untranslated == []


def test_the_filter_by_a_shared_verb_finds_it_for_every_entity(tenant):
    for code in ("room_create", "item_create", "room_import_create", "room_update", "create"):
        AuditEvent.objects.create(tenant=tenant, action=code, object_type="places.room", object_id="1", object_repr="x")
    rooms = AuditEvent.objects.filter(object_type="places.room")
    found = set(rooms.filter(audit.action_q("create")).values_list("action", flat=True))
    assert found == {"room_create", "item_create", "create"}
    assert set(rooms.filter(audit.action_q("room_update")).values_list("action", flat=True)) == {"room_update"}


def test_the_frozen_entities_of_the_migration_are_the_models():
    for object_type, entity in migration.ENTITY.items():
        assert audit.entity(apps.get_model(object_type)) == entity, object_type


def test_the_migration_renames_stored_codes_and_back(tenant):
    def event(object_type, action):
        return AuditEvent.objects.create(tenant=tenant, action=action, object_type=object_type, object_id="1",
                                         object_repr="x")

    old = {
        ("places.room", "create"): "room_create",
        ("booking.bookingseries", "update"): "booking_series_update",
        ("places.building", "import_update"): "building_import_update",
        ("estate.maintenancebudget", "demo_create"): "maintenance_budget_demo_create",
        ("accounts.orgunit", "archive"): "org_unit_archive",
        ("booking_allocation.allocationround", "round_open"): "allocation_round_open",
        ("booking_allocation.allocationround", "allocation_propose"): "allocation_round_propose",
        ("booking_allocation.decision", "frame_time_pass_on"): "decision_frame_time_pass_on",
        ("participation.process", "retention_anonymise"): "process_retention_anonymise",
        ("participation.process", "invites_create"): "process_invites_create",
        ("reuse.item", "item_create"): "item_create",  # already its code: unchanged both ways
        ("booking.booking", "booking_confirm"): "booking_confirm",
    }
    events = {key: event(*key) for key in old}
    migration.forwards(apps, None)
    assert {key: AuditEvent.objects.get(pk=e.pk).action for key, e in events.items()} == old
    migration.backwards(apps, None)
    assert {key: AuditEvent.objects.get(pk=e.pk).action for key, e in events.items()} == {k: k[1] for k in old}
