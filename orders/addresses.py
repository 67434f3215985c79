"""Delivery addresses: Tuyên Quang down to the commune from the data files, elsewhere by province.

``market/data/places.json`` holds only Tuyên Quang's districts and communes, so an address in the
home province is chosen from lists (and keeps the codes), while an address in another province is
a province from ``orders/data/provinces.csv`` plus district and commune typed as text. Both use the
units from before the 2025 reorganisation, like the data files.
"""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from market import places

PROVINCES_FILE = Path(__file__).parent / "data" / "provinces.csv"


@dataclass(frozen=True)
class Address:
    """Where a home delivery goes; codes are set for the home province only."""

    province_code: str
    province_name: str
    district_name: str
    commune_name: str
    street: str
    district_code: str | None = None
    commune_code: str | None = None


@cache
def provinces() -> dict[str, str]:
    """Province code → name, in statistics-office code order."""
    with PROVINCES_FILE.open(encoding="utf-8") as handle:
        return {row["code"]: row["name"] for row in csv.DictReader(handle)}


def home_province_code() -> str:
    """The province whose communes the site knows (Tuyên Quang)."""
    return places.province().code


def province_choices() -> list[tuple[str, str]]:
    """(code, name) pairs for a select field, the home province first."""
    home = home_province_code()
    names = provinces()
    return [(home, names[home])] + [(code, name) for code, name in names.items() if code != home]


def commune_choices() -> dict[str, list[tuple[str, str]]]:
    """Home-province communes grouped by district, values ``district:commune``."""
    return {
        d.name: [(f"{d.code}:{c.code}", c.name) for c in d.communes] for d in places.districts()
    }


def home_address(commune_value: str, street: str) -> Address | None:
    """An address in the home province from a ``district:commune`` choice, or None if unknown."""
    district_code, _, commune_code = commune_value.partition(":")
    district = places.district(district_code)
    commune = district.commune(commune_code) if district else None
    if district is None or commune is None:
        return None
    return Address(
        province_code=home_province_code(),
        province_name=places.province().name,
        district_name=district.name,
        commune_name=commune.name,
        street=street,
        district_code=district.code,
        commune_code=commune.code,
    )


def other_address(province_code: str, district: str, commune: str, street: str) -> Address | None:
    """An address in another province, district and commune as typed; None if unknown province."""
    name = provinces().get(province_code)
    if name is None or province_code == home_province_code():
        return None
    return Address(
        province_code=province_code,
        province_name=name,
        district_name=district,
        commune_name=commune,
        street=street,
    )
