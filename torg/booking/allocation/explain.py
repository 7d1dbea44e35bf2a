"""Decisions' explanations in words. The engine stores codes with their values ([code, params]), so
an applicant reads them in their own language; this module turns them into sentences."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import WEEKDAYS

MESSAGES = {
    "order": gettext_lazy("Priority group %(rung)s; handled as number %(position)s of %(of)s in turn %(turn)s "
                          "(every application gets its first session before any gets its second)."),
    "granted": gettext_lazy("Granted: %(resource)s (choice %(rank)s) on %(weekday)s %(start)s–%(end)s, "
                            "in your %(window)s window."),
    "busy": gettext_lazy("Choice %(rank)s, %(resource)s: not free in any of your time windows — taken by "
                         "applications with the same or a higher priority."),
    "same_day": gettext_lazy("Choice %(rank)s, %(resource)s: free only on a day you already have a session."),
    "too_small": gettext_lazy("Choice %(rank)s, %(resource)s: holds %(capacity)s people, fewer than your group."),
    "not_in_round": gettext_lazy("Choice %(rank)s is not part of this round."),
    "denied": gettext_lazy("Not granted: none of your choices was free in your time windows."),
    "manual": gettext_lazy("Set by the staff."),
    "adjusted": gettext_lazy("Adjusted by the staff: %(reason)s"),
    "skipped": gettext_lazy("%(count)s dates left out of the series: %(dates)s."),
}


def _values(params):
    values = dict(params)
    if "weekday" in values and isinstance(values["weekday"], int):
        values["weekday"] = str(WEEKDAYS[values["weekday"]]).lower()
    if "primary" in values:
        values["window"] = _("primary") if values["primary"] else _("secondary")
    return values


def describe(notes) -> list[str]:
    """The sentences of one decision's explanation."""
    lines = []
    for code, params in notes:
        template = MESSAGES.get(code)
        if template is None:
            continue
        try:
            lines.append(str(template) % _values(params))
        except (KeyError, TypeError, ValueError):
            lines.append(str(template))
    return lines
