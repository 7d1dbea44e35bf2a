"""Audit events in words, for history tables: field names as the forms label them, choice values by
their label, yes/no, and related objects by name instead of id.

`describe(events)` annotates a page of events with `change_rows` and resolves every related object
they mention with one query per related model, so a history table costs a constant number of
queries however many events it shows. Models are found by their label through the app registry,
never imported, so `core` stays below every app.
"""

import re

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

# An ISO 8601 time with its offset, as changes and old titles store it ("2026-12-05T09:00:00+00:00").
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})")


def local_moment(value: str) -> str:
    """An ISO time with an offset in the reader's format and the site's time zone (Oslo):
    "2026-12-05T09:00:00+00:00" → "05.12.2026 10:00"; anything else unchanged."""
    moment = parse_datetime(value.replace(" ", "T", 1)) if isinstance(value, str) else None
    if moment is None or timezone.is_naive(moment):
        return value
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def local_title(text: str) -> str:
    """An object's stored title with every ISO time in it shown as `local_moment` does."""
    return ISO_MOMENT.sub(lambda m: local_moment(m.group(0)), text or "")


def _model(object_type):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field(model, name):
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if hasattr(field, "verbose_name") else None  # not a reverse relation


def _pairs(event):
    for name, change in (event.changes or {}).items():
        old, new = change if isinstance(change, list) and len(change) == 2 else (None, change)
        yield name, old, new


def _ids(value):
    return value if isinstance(value, list) else [value]


def _keys(value):
    """The ids a related field's change names, as text; anything that is not an id (a name an old event
    stored instead) is shown as it is, never looked up."""
    return [str(pk) for pk in _ids(value) if str(pk).isdigit()]


def _scope(field, event, also_tenants):
    """Where to look up a related object: its model, and for tenant-owned rows the tenants whose
    rows may be named — the event's, and those the caller names for an object shared between
    municipalities (a partner order's buyer unit and delivery room are the buyer's). Defence in
    depth: services never link across tenants unless the object is shared, and a history never
    reads a third municipality."""
    related = field.related_model
    owned = any(f.name == "tenant" for f in related._meta.concrete_fields)
    return related, (tuple(sorted({event.tenant_id, *also_tenants})) if owned else None)


def _text(field, value, names, scope=None):
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field is None:
        return ", ".join(map(str, value)) if isinstance(value, list) else local_title(str(value))
    if field.is_relation and field.related_model is not None:
        known = names.get(scope, {})
        return ", ".join(known.get(str(pk), f"#{pk}") if str(pk).isdigit() else str(pk) for pk in _ids(value))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        return local_moment(value)
    if isinstance(field, models.DateField) and isinstance(value, str) and (day := parse_date(value)):
        return date_format(day, "SHORT_DATE_FORMAT")
    return local_title(str(value))


def describe(events, also_tenants=()):
    """Set `event.change_rows` = [{"field", "old", "new"}] on each event; returns the events.
    `also_tenants`: ids of other municipalities whose rows the events may name (see `_scope`)."""
    also_tenants = [t for t in also_tenants if t is not None]
    events = list(events)
    wanted = {}  # (related model, tenant id or None) -> ids mentioned
    for event in events:
        model = _model(event.object_type)
        for name, old, new in _pairs(event):
            field = _field(model, name)
            if field is not None and field.is_relation and field.related_model is not None:
                for value in (old, new):
                    if value not in (None, "", []):
                        wanted.setdefault(_scope(field, event, also_tenants), set()).update(_keys(value))
    names = {}
    for (related, tenant_ids), ids in wanted.items():
        rows = related._default_manager.filter(pk__in=list(ids))
        if tenant_ids is not None:
            rows = rows.filter(tenant_id__in=tenant_ids)
        names[(related, tenant_ids)] = {str(obj.pk): str(obj) for obj in rows}
    for event in events:
        model = _model(event.object_type)
        rows = []
        for name, old, new in _pairs(event):
            field = _field(model, name)
            label = capfirst(field.verbose_name) if field is not None else name
            related = field is not None and field.is_relation and field.related_model
            scope = _scope(field, event, also_tenants) if related else None
            rows.append({"field": label, "old": _text(field, old, names, scope),
                         "new": _text(field, new, names, scope)})
        event.change_rows = rows
    return events


def object_type_label(object_type) -> str:
    """"places.room" → "Rom" (the model's verbose name), or the code when the model is unknown."""
    model = _model(object_type)
    return capfirst(model._meta.verbose_name) if model else object_type
