"""GS1 identifiers: GTIN check digits and the 14-digit form (GS1 General Specifications)."""


def gtin_check_digit(data: str) -> int:
    """The check digit for GTIN data digits: weights 3,1,3,… from the rightmost digit."""
    total = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(data[::-1]))
    return (10 - total % 10) % 10


def normalize_gtin(raw: str) -> str | None:
    """A valid GTIN-8/12/13/14 as 14 digits (left-padded with zeros), or None if invalid."""
    digits = (raw or "").strip().replace(" ", "")
    if not digits.isdigit() or len(digits) not in (8, 12, 13, 14):
        return None
    if gtin_check_digit(digits[:-1]) != int(digits[-1]):
        return None
    return digits.zfill(14)
