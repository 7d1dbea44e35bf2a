"""Number formatting of the impact pages: grouped digits in the active language (12 345,5)."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def num(value, places=0):
    if value in (None, ""):
        return "–"
    return number_format(Decimal(value), decimal_pos=int(places), use_l10n=True, force_grouping=True)


@register.filter
def tonnes(value):
    """kg → tonnes with one decimal (12 345 kg → 12,3)."""
    if value in (None, ""):
        return "–"
    return number_format(Decimal(value) / 1000, decimal_pos=1, use_l10n=True, force_grouping=True)


@register.filter
def get_label(mapping, key):
    return mapping.get(key, "")


@register.simple_tag(takes_context=True)
def querystring_with_format(context, fmt="xlsx"):
    """The current query string with format=<fmt> and without page (export links)."""
    params = context["request"].GET.copy()
    params.pop("page", None)
    params["format"] = fmt
    return "?" + params.urlencode()
