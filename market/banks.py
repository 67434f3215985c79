"""Vietnamese banks that take part in NAPAS 247 transfers, from ``market/data/banks.csv``."""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "banks.csv"


@dataclass(frozen=True)
class Bank:
    """A bank identified by its NAPAS acquirer BIN."""

    bin: str
    code: str
    short_name: str


@cache
def banks() -> tuple[Bank, ...]:
    """Every bank in the data file, in file order."""
    with DATA_FILE.open(encoding="utf-8") as handle:
        return tuple(
            Bank(bin=row["bin"], code=row["code"], short_name=row["short_name"])
            for row in csv.DictReader(handle)
        )


def bank_by_bin(bin_code: str | None) -> Bank | None:
    """The bank with this BIN, or None."""
    return next((b for b in banks() if b.bin == bin_code), None)


def bank_choices() -> list[tuple[str, str]]:
    """(BIN, name) pairs for a select field, sorted by name."""
    return sorted(((b.bin, b.short_name) for b in banks()), key=lambda pair: pair[1].lower())
