"""Shared template tags: number formatting and small helpers used by every app's templates."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.text import capfirst

register = template.Library()


@register.filter
def area(value):
    """Square metres with a space-separated thousands group: 37 700 m²."""
    if value in (None, ""):
        return "–"
    return f"{number_format(Decimal(value), decimal_pos=0, use_l10n=True, force_grouping=True)} m²"


@register.filter
def intspace(value):
    if value in (None, ""):
        return "–"
    return number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)


@register.simple_tag(takes_context=True)
def querystring_with(context, **kwargs):
    """The current query string with some parameters replaced (for pagination and sorting links)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


# --- Audit history ------------------------------------------------------------------------------
def _audit_model(object_type):
    from django.apps import apps

    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _audit_value(field, value):
    from django.utils.translation import gettext as _

    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field is None:
        return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    if field.is_relation and field.related_model is not None:
        pks = value if isinstance(value, list) else [value]
        found = {str(o.pk): str(o) for o in field.related_model._default_manager.filter(pk__in=pks)}
        return ", ".join(found.get(str(pk), f"#{pk}") for pk in pks)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


@register.filter
def audit_action(event):
    """The event's action in the user's language ("update" → "Endret")."""
    from torg.core.audit import action_label

    return action_label(event.action)


@register.filter
def audit_object_type(event):
    """The kind of object in the user's language ("places.room" → "Rom")."""
    model = _audit_model(event.object_type)
    return capfirst(model._meta.verbose_name) if model else event.object_type


@register.filter
def audit_changes(event):
    """The event's changes as [{"field", "old", "new"}], with field names, choices, yes/no and
    related objects in words rather than as stored."""
    from django.core.exceptions import FieldDoesNotExist

    model = _audit_model(event.object_type)
    rows = []
    for name, change in (event.changes or {}).items():
        old, new = change if isinstance(change, list) and len(change) == 2 else (None, change)
        field = None
        if model is not None:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                pass
        label = capfirst(field.verbose_name) if field is not None and hasattr(field, "verbose_name") else name
        rows.append({"field": label, "old": _audit_value(field, old), "new": _audit_value(field, new)})
    return rows
