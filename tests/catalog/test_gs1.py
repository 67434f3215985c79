"""GTIN check digits, with the worked example from the GS1 specification."""

import pytest

from catalog.gs1 import gtin_check_digit, normalize_gtin


def test_check_digit_of_the_worked_example() -> None:
    assert gtin_check_digit("893123456789") == 7


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("8931234567897", "08931234567897"),
        ("08931234567897", "08931234567897"),
        (" 8931234567897 ", "08931234567897"),
        ("96385074", "00000096385074"),
    ],
)
def test_valid_gtins_are_padded_to_14_digits(raw: str, expected: str) -> None:
    assert normalize_gtin(raw) == expected


@pytest.mark.parametrize("raw", ["8931234567890", "893123456789", "89312345678970", "abc", ""])
def test_invalid_gtins_are_refused(raw: str) -> None:
    assert normalize_gtin(raw) is None
