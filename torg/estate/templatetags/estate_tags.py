from django import template
from django.utils.html import format_html

from torg.estate import grading

register = template.Library()

COLORS = {0: "success", 1: "info", 2: "warning", 3: "danger"}


@register.filter
def tg(grade):
    """A condition grade as a coloured tag with its text (colour is never the only signal)."""
    if grade is None or grade == "":
        return "–"
    return format_html('<span class="ds-tag" data-color="{}" data-size="sm">TG{}</span>', COLORS[int(grade)],
                       int(grade))


@register.filter
def aggregate(grade):
    """An aggregate grade (2.06) with the TG it reads as."""
    if grade is None or grade == "":
        return "–"
    band = grading.band(grade)
    return format_html('<span class="ds-tag" data-color="{}" data-size="sm">{} (TG{})</span>', COLORS[band],
                       f"{grade:.2f}".replace(".", ","), band)


@register.filter
def dec1(value):
    """A figure with one decimal and a decimal comma (123,4), thousands spaced; "–" when missing."""
    if value is None or value == "":
        return "–"
    whole, _dot, frac = f"{value:,.1f}".partition(".")
    return f"{whole.replace(',', chr(0xa0))},{frac}"


@register.filter
def percent(value):
    """A change in per cent with its sign (−3,1 %); "–" when missing."""
    if value is None or value == "":
        return "–"
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return f"{sign}{dec1(abs(value))}\u00a0%"
