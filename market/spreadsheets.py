"""Text bound for a spreadsheet: what a spreadsheet would run as a formula, and how to guard it."""

from typing import Any

# A cell starting with one of these is a formula to Excel and LibreOffice (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@")


def spreadsheet_safe(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
