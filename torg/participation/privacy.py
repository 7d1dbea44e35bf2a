"""Personal data in free text: Norwegian national identity numbers (fødselsnummer and D-number,
with valid mod-11 control digits), phone numbers and e-mail addresses are found and masked before
anything is published, and the kinds found are reported so the moderator can be told.

Only numbers whose two control digits are right are masked as identity numbers: an 11-digit order
or case number is left alone. Phone numbers are Norwegian 8-digit numbers (first digit 2–9, with or
without +47/0047 and the usual spaces) — a few other 8-digit numbers may be masked too, which is the
safe side.
"""

import re

from django.utils.translation import pgettext

NATIONAL_ID = "national_id"
PHONE = "phone"
EMAIL = "email"

_W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)

# 11 digits, optionally written 6 + 5 with a space or hyphen; not part of a longer number.
_NATIONAL_ID_RE = re.compile(r"(?<![\d])(\d{6})[ \-]?(\d{5})(?![\d])")
_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
_PHONE_RE = re.compile(r"(?<![\d+])(?:(?:\+|00)47[ \-]?)?[2-9]\d(?:[ \-]?\d){6}(?![\d])")


def _control(digits, weights):
    rest = 11 - sum(int(d) * w for d, w in zip(digits, weights)) % 11
    return 0 if rest == 11 else rest  # 10 means no valid number has these first digits


def valid_national_id(number: str) -> bool:
    """True for an 11-digit number whose two control digits (mod 11) are right."""
    if len(number) != 11 or not number.isdigit():
        return False
    k1 = _control(number[:9], _W1)
    k2 = _control(number[:10], _W2)
    return k1 != 10 and k2 != 10 and k1 == int(number[9]) and k2 == int(number[10])


def with_control_digits(first_nine: str) -> str | None:
    """The full number for nine digits, or None when no control digit exists for them."""
    k1 = _control(first_nine, _W1)
    if k1 == 10:
        return None
    k2 = _control(first_nine + str(k1), _W2)
    if k2 == 10:
        return None
    return f"{first_nine}{k1}{k2}"


def mask(text: str) -> tuple[str, list[str]]:
    """(`text` with personal data replaced, the sorted kinds found)."""
    found = set()

    def national_id(match):
        if valid_national_id(match.group(1) + match.group(2)):
            found.add(NATIONAL_ID)
            return "[" + pgettext("masked", "national identity number removed") + "]"
        return match.group(0)

    def email(match):
        found.add(EMAIL)
        return "[" + pgettext("masked", "e-mail address removed") + "]"

    def phone(match):
        found.add(PHONE)
        return "[" + pgettext("masked", "phone number removed") + "]"

    text = _NATIONAL_ID_RE.sub(national_id, text or "")
    text = _EMAIL_RE.sub(email, text)
    text = _PHONE_RE.sub(phone, text)
    return text, sorted(found)
