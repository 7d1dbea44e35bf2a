"""KOSTRA functions for municipal buildings (the accounting dimension the operating costs are booked
on), as data like the NS 3451 codes: stored as text and checked by the import and the services."""

from django.utils.translation import gettext_lazy as _

FUNCTIONS = {
    "121": _("121 Management of municipal property"),
    "130": _("130 Administration buildings"),
    "221": _("221 Kindergarten buildings"),
    "222": _("222 School buildings"),
    "261": _("261 Institution buildings"),
    "265": _("265 Municipal dwellings"),
    "381": _("381 Municipal sports buildings"),
    "386": _("386 Municipal culture buildings"),
}


def is_known(code: str) -> bool:
    return code in FUNCTIONS


def label(code: str) -> str:
    return str(FUNCTIONS.get(code, code))


def choices():
    return [(code, str(text)) for code, text in FUNCTIONS.items()]
