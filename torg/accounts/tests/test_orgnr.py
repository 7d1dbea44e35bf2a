"""Norwegian organisation numbers: 9 digits, mod-11 check digit; clear messages."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from torg.accounts.validators import ORGNR_WEIGHTS, orgnr_check_digit, validate_orgnr

pytestmark = pytest.mark.usefixtures("english")


def _reference_digit(first_eight: str) -> int:
    """The mod-11 rule as Brønnøysundregistrene state it: 11 - (sum mod 11); 11 → 0; 10 → impossible."""
    digit = 11 - sum(int(d) * w for d, w in zip(first_eight, ORGNR_WEIGHTS)) % 11
    return 0 if digit == 11 else digit


@pytest.mark.parametrize("orgnr", ["974760673", "923609016", "971524960", "  974 760 673 ", "889640782"])
def test_valid_numbers(orgnr):
    validate_orgnr(orgnr)


@pytest.mark.parametrize("orgnr, code", [
    ("97476067", "orgnr_format"),        # 8 digits
    ("9747606731", "orgnr_format"),      # 10 digits
    ("97476067A", "orgnr_format"),       # not a digit
    ("974-760-673", "orgnr_format"),     # hyphens are not part of the number
    ("", "orgnr_format"),
    ("٩٧٤٧٦٠٦٧٣", "orgnr_format"),      # Arabic-Indic digits are digits to str.isdigit() ...
    ("9٧٤٧٦٠٦٧٣", "orgnr_format"),      # ... and int(), so this one passed the checksum before
    ("174760673", "orgnr_prefix"),       # must start with 8 or 9
    ("974760674", "orgnr_checksum"),     # wrong check digit
    ("923609010", "orgnr_checksum"),
])
def test_invalid_numbers_are_refused_with_a_reason(orgnr, code):
    with pytest.raises(ValidationError) as exc:
        validate_orgnr(orgnr)
    assert exc.value.code == code


def test_messages_are_clear_in_english_and_norwegian():
    with pytest.raises(ValidationError) as exc:
        validate_orgnr("974760674")
    assert exc.value.messages == [
        "“974760674” is not a valid organisation number: the check digit (mod 11) does not match."]
    with translation.override("nb"):
        with pytest.raises(ValidationError) as exc:
            validate_orgnr("974760674")
        assert exc.value.messages == [
            "«974760674» er ikke et gyldig organisasjonsnummer: kontrollsifferet (modulus 11) stemmer ikke."]
    with pytest.raises(ValidationError) as exc:
        validate_orgnr("12345")
    assert "exactly 9 digits" in exc.value.messages[0]


@settings(deadline=None)  # no timing assertions: a loaded CI machine must not fail this
@given(st.text(alphabet="89", min_size=1, max_size=1), st.text(alphabet="0123456789", min_size=7, max_size=7),
       st.integers(min_value=0, max_value=9))
def test_checksum_property(first, rest, last):
    """For any 8 leading digits, a 9th digit is valid iff it equals the mod-11 digit (never 10)."""
    eight = first + rest
    reference = _reference_digit(eight)
    assert orgnr_check_digit(eight) == (None if reference == 10 else reference)
    is_valid = True
    try:
        validate_orgnr(eight + str(last))
    except ValidationError:
        is_valid = False
    assert is_valid == (reference != 10 and last == reference)


def test_check_digit_ten_makes_the_prefix_impossible():
    # 9000000 + x: find a prefix whose digit would be 10; no ninth digit makes it valid.
    eight = next(f"9{n:07d}" for n in range(10_000_000) if _reference_digit(f"9{n:07d}") == 10)
    assert orgnr_check_digit(eight) is None
    for last in "0123456789":
        with pytest.raises(ValidationError):
            validate_orgnr(eight + last)
