"""The one audit mechanism: every service that changes domain data calls `record`.

Action codes are `<entity>_<verb>`: the entity is what was acted on, named from its model
(`code(room, "create")` → "room_create", `code(BookingSeries, "move")` → "booking_series_move"),
the verb what happened. State machines name theirs the same way (`torg.core.states`). A code is
labelled for people once: the generic verbs below for every entity ("room_create" → "Created"), an
app's own codes with `register_action_labels` in its AppConfig.ready.
"""

import re
from decimal import Decimal, InvalidOperation

from django.db import models
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent

# The verbs every entity shares (the generic write helpers of torg/core/services.py, imports, demo
# data): "<entity>_create" is "Created" whatever the entity.
GENERIC_VERBS = {
    "create": _("Created"),
    "update": _("Changed"),
    "delete": _("Deleted"),
    "archive": _("Archived"),
    "restore": _("Restored"),
    "import_create": _("Created by import"),
    "import_update": _("Changed by import"),
    "demo_create": _("Demo data"),
}
# The registry of the other codes and what they mean, for the history tables. Apps add their codes
# with `register_action_labels` (in AppConfig.ready); an unknown code is shown as stored.
ACTION_LABELS: dict = {}

CODE = re.compile(r"^[a-z]+(_[a-z]+)+$")  # <entity>_<verb>, each of one or more lower-case words


def register_action_labels(labels: dict) -> None:
    """Let an app name its own audit actions: {"user_password_set": _("Password set"), ...}."""
    ACTION_LABELS.update(labels)


def entity(model_or_obj) -> str:
    """The entity part of an action code: the model's class name in snake case (ConditionSurvey →
    "condition_survey")."""
    model = model_or_obj if isinstance(model_or_obj, type) else type(model_or_obj)
    return re.sub(r"(?<!^)(?=[A-Z])", "_", model._meta.concrete_model.__name__).lower()


def code(model_or_obj, verb: str) -> str:
    """The action code `<entity>_<verb>` of a model or object: code(room, "create") → "room_create"."""
    return f"{entity(model_or_obj)}_{verb}"


def generic_verb(action: str) -> str | None:
    """The shared verb an action code ends with ("room_import_create" → "import_create"), or None."""
    for verb in sorted(GENERIC_VERBS, key=len, reverse=True):
        if action.endswith(f"_{verb}"):
            return verb
    return None


def action_label(action: str) -> str:
    """The translated name of an action code ("room_create" → "Opprettet"); unknown codes as stored."""
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    if action in GENERIC_VERBS:  # events stored before the codes were <entity>_<verb>
        return str(GENERIC_VERBS[action])
    verb = generic_verb(action)
    return str(GENERIC_VERBS[verb]) if verb else action


def action_choices() -> list:
    """What the audit log can be filtered by: each shared verb (every entity's "Created", …) and each
    registered code, as (value, label) sorted by label."""
    choices = [*GENERIC_VERBS.items(), *((c, label) for c, label in ACTION_LABELS.items() if c not in GENERIC_VERBS)]
    return sorted(((value, str(label)) for value, label in choices), key=lambda c: c[1])


def action_q(action: str) -> models.Q:
    """The events of one choice of `action_choices`: a shared verb matches it for every entity
    ("create" → room_create, item_create, …, not room_import_create), a code itself."""
    if action not in GENERIC_VERBS:
        return models.Q(action=action)
    q = models.Q(action=action) | models.Q(action__endswith=f"_{action}")
    for longer in GENERIC_VERBS:
        if longer != action and longer.endswith(f"_{action}"):
            q &= ~models.Q(action__endswith=f"_{longer}")
    return q


def check_code(action: str) -> str:
    """Refuse an action code that is not `<entity>_<verb>` (a bare "create" says nothing of what)."""
    if not CODE.match(action or "") or action in GENERIC_VERBS:
        raise ValueError(f"audit action {action!r} is not <entity>_<verb>: use audit.code(obj, verb)")
    return action


def _jsonable(value):
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _fixed_point(value, places):
    """A decimal as text with the field's decimal places, so 20, 20.0 and "20.00" compare equal."""
    try:
        return str(Decimal(str(value)).quantize(Decimal(1).scaleb(-places)))
    except (InvalidOperation, ValueError):
        return str(value)


def snapshot(obj, fields=None) -> dict:
    """A JSON-able dict of the object's concrete field values (for diffing before/after)."""
    data = model_to_dict(obj, fields=fields)
    places = {f.name: f.decimal_places for f in obj._meta.concrete_fields if isinstance(f, models.DecimalField)}
    return {
        k: _fixed_point(v, places[k]) if k in places and v is not None else _jsonable(v) for k, v in data.items()
    }


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields that changed."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def actor_or_none(actor):
    """The user to store as who did something (`AuditEvent.actor`, `created_by`, …): the actor when
    it is a logged-in user, None for the system (`actor=None`) and anonymous users."""
    return actor if getattr(actor, "is_authenticated", False) else None


def record(*, actor, tenant, obj, action: str, changes: dict | None = None, comment: str = "") -> AuditEvent:
    """Record who did what to which object. Call inside the service's transaction."""
    return AuditEvent.objects.create(
        tenant_id=getattr(tenant, "pk", tenant),
        actor=actor_or_none(actor),
        action=check_code(action),
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        changes=changes or {},
        comment=comment,
    )


def record_many(*, actor, tenant, objs, action, comment: str = "", changes=None) -> None:
    """Bulk variant for services that write many rows at once (imports, bulk status changes).
    `action` and `changes` may be functions of the object (a list of rooms and buildings:
    `action=lambda o: audit.code(o, "import_create")`)."""
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                tenant_id=getattr(tenant, "pk", tenant),
                actor=actor_or_none(actor),
                action=check_code(action(o) if callable(action) else action),
                object_type=o._meta.label_lower,
                object_id=str(o.pk),
                object_repr=str(o)[:255],
                changes=changes(o) if callable(changes) else (changes or {}),
                comment=comment,
            )
            for o in objs
        ],
        batch_size=1000,
    )


def history_for(obj, tenant):
    """Audit events for one object, newest first."""
    return AuditEvent.objects.filter(
        tenant=tenant, object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).select_related("actor")
