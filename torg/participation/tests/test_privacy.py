"""Masking of personal data in free text, with property tests for the national identity number."""

from hypothesis import given
from hypothesis import strategies as st

from torg.participation.privacy import EMAIL, NATIONAL_ID, PHONE, mask, valid_national_id, with_control_digits

nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)
words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzæøå ,.", max_size=40)


def test_known_numbers():
    # A synthetic number born 1 January 1990, its control digits computed by the published algorithm.
    number = next(n for n in (with_control_digits(f"0101901{i:02d}") for i in range(100)) if n)
    assert valid_national_id(number)
    text, kinds = mask(f"Jeg heter Ola, fnr {number}, ring 912 34 567 eller skriv til ola@example.no.")
    assert number not in text and "912 34 567" not in text and "ola@example.no" not in text
    assert kinds == [EMAIL, NATIONAL_ID, PHONE]
    assert "Jeg heter Ola" in text
    plain = "Ordrenummer 12345678901 (feil kontrollsifre) og 2 000 kroner."
    assert mask(plain) == (plain, [])


@given(nine_digits, words, words)
def test_a_valid_number_is_always_masked(first_nine, before, after):
    number = with_control_digits(first_nine)
    if number is None:  # no control digit exists for these nine digits: cannot be a national id
        return
    for written in (number, f"{number[:6]} {number[6:]}"):
        text, kinds = mask(f"{before} {written} {after}")
        assert written not in text and number not in text
        assert NATIONAL_ID in kinds


@given(nine_digits, st.integers(min_value=9, max_value=10), st.integers(min_value=1, max_value=9))
def test_a_wrong_control_digit_is_not_a_national_id(first_nine, position, shift):
    number = with_control_digits(first_nine)
    if number is None:
        return
    wrong = number[:position] + str((int(number[position]) + shift) % 10) + number[position + 1:]
    assert not valid_national_id(wrong)
    text, kinds = mask(f"Saksnummer {wrong}.")
    assert NATIONAL_ID not in kinds and wrong in text


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_validity_matches_both_control_digits(number):
    assert valid_national_id(number) == (with_control_digits(number[:9]) == number)


@given(words)
def test_text_without_digits_or_at_signs_is_unchanged(text):
    assert mask(text) == (text, [])
