"""Bokmål formats: Django's, with the Norwegian thousands separator — a narrow no-break space
(U+202F, «12 345»), which keeps a number on one line. Every number filter (`intspace`, `area`, the
impact report's `num`, `floatformat:"0g"`) follows it."""

from django.conf.locale.nb.formats import *  # noqa: F403 – everything else as Django has it

THOUSAND_SEPARATOR = "\u202f"
