"""The one audit mechanism: every service that changes domain data calls `record`."""

from decimal import Decimal, InvalidOperation

from django.db import models
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent

# What an action code means, for the history tables. Apps add their own codes with
# `register_action_labels` (in AppConfig.ready); an unknown code is shown as stored.
ACTION_LABELS = {
    "create": _("Created"),
    "update": _("Changed"),
    "delete": _("Deleted"),
    "archive": _("Archived"),
    "restore": _("Restored"),
    "status": _("Status changed"),
    "move": _("Moved"),
    "bulk": _("Bulk change"),
    "import_create": _("Created by import"),
    "import_update": _("Changed by import"),
    "demo_create": _("Demo data"),
}


def register_action_labels(labels: dict) -> None:
    """Let an app name its own audit actions: {"user_password_set": _("Password set"), ...}."""
    ACTION_LABELS.update(labels)


def action_label(action: str) -> str:
    """The translated name of an action; "status:in_use" becomes "Status changed: in_use"."""
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    head, sep, tail = action.partition(":")
    if sep and head in ACTION_LABELS:
        return f"{ACTION_LABELS[head]}: {tail}"
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
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        changes=changes or {},
        comment=comment,
    )


def record_many(*, actor, tenant, objs, action: str, comment: str = "", changes=None) -> None:
    """Bulk variant for services that write many rows at once (imports, bulk status changes)."""
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                tenant_id=getattr(tenant, "pk", tenant),
                actor=actor_or_none(actor),
                action=action,
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
