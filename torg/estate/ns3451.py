"""NS 3451 building part codes (bygningsdelstabellen), level 2, as data.

A condition record names its building part by code ("23" = external walls). The code is stored as
text, so the table can grow (level 3 codes, a municipality's own) without a migration; imports and
forms accept only the codes listed here. The main group (first digit) decides the weight of a part
in a building's aggregate condition grade (`GROUP_WEIGHTS`, see docs/user-guide/estate.md).
"""

from django.utils.translation import gettext_lazy as _

GROUPS = {
    "2": _("Building"),
    "3": _("HVAC and plumbing"),
    "4": _("Electrical power"),
    "5": _("Telecom and automation"),
    "6": _("Other installations"),
    "7": _("Outdoors"),
}

CODES = {
    "21": _("Ground and foundations"),
    "22": _("Load-bearing structure"),
    "23": _("External walls"),
    "24": _("Internal walls"),
    "25": _("Floor structures"),
    "26": _("Roofs"),
    "27": _("Fixed furnishings"),
    "28": _("Stairs and balconies"),
    "29": _("Other building parts"),
    "31": _("Sanitation"),
    "32": _("Heating"),
    "33": _("Fire extinguishing"),
    "34": _("Gas and compressed air"),
    "35": _("Process cooling"),
    "36": _("Ventilation"),
    "37": _("Comfort cooling"),
    "38": _("Water treatment"),
    "39": _("Other HVAC installations"),
    "41": _("Basic electrical installations"),
    "42": _("High-voltage supply"),
    "43": _("Low-voltage power"),
    "44": _("Lighting"),
    "45": _("Electric heating"),
    "46": _("Backup power"),
    "49": _("Other electrical installations"),
    "51": _("Basic telecom and automation"),
    "52": _("Integrated communication"),
    "53": _("Telephony and paging"),
    "54": _("Alarm and signal systems"),
    "55": _("Sound and image systems"),
    "56": _("Automation"),
    "57": _("Instrumentation"),
    "59": _("Other telecom and automation"),
    "61": _("Prefabricated rooms"),
    "62": _("Lifts and goods transport"),
    "63": _("Transport of small goods"),
    "64": _("Stage equipment"),
    "65": _("Waste and vacuum cleaning"),
    "66": _("Fixed special equipment"),
    "67": _("Loose special equipment"),
    "69": _("Other technical installations"),
    "71": _("Worked terrain"),
    "72": _("Outdoor structures"),
    "73": _("Outdoor HVAC"),
    "74": _("Outdoor electrical power"),
    "75": _("Outdoor telecom and automation"),
    "76": _("Roads and open spaces"),
    "77": _("Parks and gardens"),
    "78": _("Outdoor infrastructure"),
    "79": _("Other outdoor installations"),
}

# Share of a building's value each main group stands for (typical replacement-cost shares of
# municipal buildings); the aggregate grade weighs each present group by it.
GROUP_WEIGHTS = {"2": 50, "3": 20, "4": 15, "5": 5, "6": 5, "7": 5}


def normalize(text) -> str:
    """A typed code in its stored form: "23", " 23 ", "23.0" (a spreadsheet number) → "23"."""
    text = str(text or "").strip()
    if text.endswith(".0"):
        text = text[:-2]
    return text


def is_known(code) -> bool:
    return code in CODES


def label(code) -> str:
    name = CODES.get(code)
    return f"{code} {name}" if name else code


def choices():
    return [(code, f"{code} {name}") for code, name in CODES.items()]


def group_of(code) -> str:
    return code[:1]
