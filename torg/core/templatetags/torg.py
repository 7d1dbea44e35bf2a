"""Shared template tags: number formatting and small helpers used by every app's templates."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

from torg.core import photos
from torg.core.audit import action_label
from torg.core.audit_display import describe, local_title, object_type_label

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
@register.filter
def audit_action(event):
    """The event's action in the user's language ("update" → "Endret")."""
    return action_label(event.action)


@register.filter
def audit_object_type(event):
    """The kind of object in the user's language ("places.room" → "Rom")."""
    return object_type_label(event.object_type)


@register.filter
def audit_title(event):
    """The object's stored title with times in Norwegian format and Oslo time (old titles kept ISO)."""
    return local_title(event.object_repr)


@register.filter
def audit_changes(event):
    """The event's changes in words (see torg.core.audit_display). Views pass pages of events
    through `describe` first, which resolves related objects in one query per model."""
    if not hasattr(event, "change_rows"):
        describe([event])
    return event.change_rows


@register.filter
def photo_url(obj):
    """`{{ photo|photo_url }}`: the URL of a photo row through the checking file view (never a storage path)."""
    return photos.url_for(obj) if obj else ""
