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
