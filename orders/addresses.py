"""Delivery addresses anywhere in Vietnam: a province, then one of its communes or wards (official
codes from ``market.places``), then the street and house number as typed."""

from dataclasses import dataclass

from market import places


@dataclass(frozen=True)
class Address:
    """Where a home delivery goes, with the names as they were when it was chosen."""

    province_code: str
    province_name: str
    commune_code: str
    commune_name: str
    street: str


def address_at(commune_code: str | None, street: str) -> Address | None:
    """The address at an official commune code; None when the code is unknown."""
    commune = places.commune(commune_code)
    if commune is None:
        return None
    return Address(
        province_code=commune.province_code,
        province_name=commune.province.name,
        commune_code=commune.code,
        commune_name=commune.name,
        street=street,
    )


def in_province(province_code: str | None, commune_code: str | None, street: str) -> Address | None:
    """The address if the commune belongs to the province chosen; None otherwise."""
    address = address_at(commune_code, street)
    if address is None or address.province_code != province_code:
        return None
    return address
