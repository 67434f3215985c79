"""Administrative units (districts and communes) read from ``market/data/places.json``."""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "places.json"


@dataclass(frozen=True)
class Province:
    """The province the data file describes."""

    code: str
    name: str


@dataclass(frozen=True)
class Commune:
    """A commune, ward or township inside a district."""

    code: str
    name: str
    kind: str


@dataclass(frozen=True)
class District:
    """A district or city of the province, with its communes."""

    code: str
    name: str
    short_name: str
    slug: str
    communes: tuple[Commune, ...]

    def commune(self, code: str) -> Commune | None:
        """The commune with this code, if it belongs to the district."""
        return next((c for c in self.communes if c.code == code), None)


@cache
def province() -> Province:
    """The province whose districts and communes the data file holds."""
    return Province(**json.loads(DATA_FILE.read_text(encoding="utf-8"))["province"])


@cache
def districts() -> tuple[District, ...]:
    """Every district of the province, in statistics-office code order."""
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return tuple(
        District(
            code=d["code"],
            name=d["name"],
            short_name=d["short_name"],
            slug=d["slug"],
            communes=tuple(Commune(**c) for c in d["communes"]),
        )
        for d in raw["districts"]
    )


def district(code: str | None) -> District | None:
    """The district with this code, or None."""
    return next((d for d in districts() if d.code == code), None)


def district_by_slug(slug: str | None) -> District | None:
    """The district with this URL slug, or None."""
    return next((d for d in districts() if d.slug == slug), None)


def commune_name(district_code: str, commune_code: str) -> str:
    """A commune's display name, or the raw code when it is unknown."""
    found = district(district_code)
    commune = found.commune(commune_code) if found else None
    return commune.name if commune else commune_code


def district_choices() -> list[tuple[str, str]]:
    """(code, name) pairs for a select field."""
    return [(d.code, d.name) for d in districts()]


def commune_choices() -> list[tuple[str, str]]:
    """(code, "commune — district") pairs for a select field; codes are ``district:commune``."""
    return [
        (f"{d.code}:{c.code}", f"{c.name} — {d.short_name}")
        for d in districts()
        for c in d.communes
    ]
