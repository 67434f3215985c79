"""OCOP recognitions are valid for 36 months from the decision date."""

from datetime import date

import pytest

from catalog.models import ocop_valid_until


@pytest.mark.parametrize(
    ("decided", "until"),
    [
        (date(2024, 8, 6), date(2027, 8, 6)),
        (date(2024, 2, 29), date(2027, 2, 28)),
        (date(2023, 12, 31), date(2026, 12, 31)),
    ],
)
def test_recognition_is_valid_for_36_months(decided: date, until: date) -> None:
    assert ocop_valid_until(decided) == until
