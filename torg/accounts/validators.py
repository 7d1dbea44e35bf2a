"""Norwegian identifiers."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ORGNR_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


def orgnr_check_digit(first_eight: str) -> int | None:
    """The mod-11 check digit for the first eight digits, or None when no valid digit exists."""
    total = sum(int(d) * w for d, w in zip(first_eight, ORGNR_WEIGHTS))
    remainder = total % 11
    if remainder == 0:
        return 0
    digit = 11 - remainder
    return None if digit == 10 else digit


def normalize_orgnr(value: str) -> str:
    return "".join(ch for ch in str(value or "") if not ch.isspace())


def validate_orgnr(value: str) -> None:
    """Raise ValidationError unless `value` is a valid Norwegian organisation number."""
    number = normalize_orgnr(value)
    if not (number.isascii() and number.isdigit()) or len(number) != 9:  # "٩" is a digit to isdigit()
        raise ValidationError(
            _("An organisation number has exactly 9 digits (you entered “%(value)s”)."),
            code="orgnr_format",
            params={"value": value},
        )
    if number[0] not in "89":
        raise ValidationError(
            _("An organisation number starts with 8 or 9 (you entered “%(value)s”)."),
            code="orgnr_prefix",
            params={"value": value},
        )
    if orgnr_check_digit(number[:8]) != int(number[8]):
        raise ValidationError(
            _("“%(value)s” is not a valid organisation number: the check digit (mod 11) does not match."),
            code="orgnr_checksum",
            params={"value": value},
        )
