"""Vietnam's administrative units since 1 July 2025: provinces and communes/wards, plus areas.

Two levels only (province, commune/ward), with official codes, from the pinned
``vietnam-provinces`` library: 34 provinces, 3,321 communes and wards. Codes are strings as the
statistics office writes them: provinces two digits ("08"), communes five ("02269").

An *area of origin* is a former district of Tuyên Quang or Hà Giang (merged into Tuyên Quang):
not an address level any more, but the name products and people still use ("Cam sành Hàm Yên").
``market/data/areas.json`` lists the areas and, for each commune of today's Tuyên Quang, the
former districts and former communes it was formed from.
"""

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from vietnam_provinces import Province as _LibProvince
from vietnam_provinces import VietNamDivisionType, Ward

from market.text import fold, nfc

AREAS_FILE = Path(__file__).parent / "data" / "areas.json"
HOME_PROVINCE = "08"  # Tuyên Quang, which took in Hà Giang in 2025

_KIND_PREFIX = re.compile(r"^(Thành phố|Tỉnh|Xã|Phường|Đặc khu|Thị trấn)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Province:
    """A province or centrally run city."""

    code: str
    name: str
    short_name: str


@dataclass(frozen=True)
class Commune:
    """A commune, ward or special zone with its official code."""

    code: str
    name: str
    short_name: str
    kind: str
    province_code: str

    @property
    def province(self) -> Province:
        """The province the commune belongs to."""
        found = province(self.province_code)
        assert found is not None  # every library commune names a library province
        return found


@dataclass(frozen=True)
class Area:
    """An area of origin: a former district of Tuyên Quang or Hà Giang."""

    slug: str
    name: str
    short_name: str
    former_province: str


def _short(name: str) -> str:
    return _KIND_PREFIX.sub("", name, count=1)


@cache
def provinces() -> tuple[Province, ...]:
    """The 34 provinces, in official code order."""
    found = (
        Province(f"{int(p.code):02d}", nfc(p.name), nfc(_short(p.name)))
        for p in _LibProvince.iter_all()
    )
    return tuple(sorted(found, key=lambda p: p.code))


@cache
def _provinces_by_code() -> dict[str, Province]:
    return {p.code: p for p in provinces()}


def province(code: str | None) -> Province | None:
    """The province with this code ("08" or "8"), or None."""
    return _provinces_by_code().get(_padded(code, 2)) if code else None


def home_province() -> Province:
    """The province the market serves (Tuyên Quang)."""
    found = province(HOME_PROVINCE)
    assert found is not None
    return found


@cache
def _communes_by_code() -> dict[str, Commune]:
    kinds = {
        VietNamDivisionType.XA: "xã",
        VietNamDivisionType.PHUONG: "phường",
        VietNamDivisionType.DAC_KHU: "đặc khu",
    }
    return {
        f"{int(w.code):05d}": Commune(
            code=f"{int(w.code):05d}",
            name=nfc(w.name),
            short_name=nfc(_short(w.name)),
            kind=kinds.get(w.division_type, str(w.division_type.value)),
            province_code=f"{int(w.province_code):02d}",
        )
        for w in Ward.iter_all()
    }


@cache
def communes(province_code: str) -> tuple[Commune, ...]:
    """The communes and wards of a province, by name (folded, so "Đ" sorts with "D")."""
    code = _padded(province_code, 2)
    found = [c for c in _communes_by_code().values() if c.province_code == code]
    return tuple(sorted(found, key=lambda c: (fold(c.short_name), c.kind, c.code)))


def commune(code: str | None) -> Commune | None:
    """The commune or ward with this official code ("02269" or "2269"), or None."""
    return _communes_by_code().get(_padded(code, 5)) if code else None


def display(commune_code: str | None, *, short: bool = False) -> str:
    """ "Xã Phù Lưu, Tuyên Quang": the commune and its province, or "" for an unknown code."""
    found = commune(commune_code)
    if found is None:
        return ""
    name = found.short_name if short else found.name
    return f"{name}, {found.province.short_name}"


def search_communes(query: str, province_code: str | None = None) -> list[Commune]:
    """Communes whose name, or a former commune's name, contains the query (folded)."""
    needle = " ".join(fold(nfc(query)).split())
    if not needle:
        return []
    pool = communes(province_code) if province_code else tuple(_communes_by_code().values())
    return [
        c
        for c in pool
        if needle in fold(c.name) or any(needle in fold(n) for n in former_names(c.code))
    ]


def commune_choices(province_code: str) -> list[tuple[str, str]]:
    """(code, name) pairs for a select field of one province's communes."""
    return [(c.code, c.name) for c in communes(province_code)]


def province_choices() -> list[tuple[str, str]]:
    """(code, name) pairs for a select field, the home province first."""
    home = home_province()
    return [(home.code, home.name)] + [(p.code, p.name) for p in provinces() if p != home]


@cache
def _areas_data() -> dict:
    return json.loads(AREAS_FILE.read_text(encoding="utf-8"))


@cache
def areas() -> tuple[Area, ...]:
    """The areas of origin: former districts of Tuyên Quang, then of Hà Giang."""
    return tuple(Area(**raw) for raw in _areas_data()["areas"])


def area(slug: str | None) -> Area | None:
    """The area with this slug ("ham-yen"), or None."""
    return next((a for a in areas() if a.slug == slug), None) if slug else None


def areas_of(commune_code: str | None) -> tuple[Area, ...]:
    """The former districts a commune was formed from, the main one first."""
    entry = _areas_data()["communes"].get(_padded(commune_code, 5) if commune_code else "")
    return tuple(a for slug in entry["areas"] if (a := area(slug))) if entry else ()


def default_area(commune_code: str | None) -> Area | None:
    """The area a place in this commune is from unless its owner says otherwise."""
    found = areas_of(commune_code)
    return found[0] if found else None


def former_names(commune_code: str | None) -> tuple[str, ...]:
    """Names of the former communes a commune of Tuyên Quang was formed from (for search)."""
    entry = _areas_data()["communes"].get(_padded(commune_code, 5) if commune_code else "")
    return tuple(entry["former_names"]) if entry else ()


def area_choices() -> list[tuple[str, str]]:
    """(slug, name) pairs for a select field, with the former province in the label."""
    return [(a.slug, f"{a.short_name} ({a.former_province})") for a in areas()]


def place_words(commune_code: str | None, area_slug: str | None) -> str:
    """Every name a place is known by, new and old, as one text (for search documents)."""
    found = commune(commune_code)
    parts = [found.name, found.province.name] if found else []
    parts += former_names(commune_code)
    found_area = area(area_slug)
    if found_area:
        parts += [found_area.short_name, found_area.former_province]
    return " ".join(dict.fromkeys(parts))


def _padded(code: str | None, width: int) -> str:
    text = (code or "").strip()
    return text.zfill(width) if text.isdigit() and len(text) <= width else text


def home_place(commune_code: str | None, area_slug: str | None) -> tuple[str, str | None] | None:
    """A place in the home province as stored: (commune code, area slug), the area defaulting
    to the commune's main former district; None when the commune or the area is unknown."""
    found = commune(commune_code)
    if found is None or found.province_code != HOME_PROVINCE:
        return None
    if area_slug:
        chosen = area(area_slug)
        return (found.code, chosen.slug) if chosen else None
    fallback = default_area(found.code)
    return found.code, fallback.slug if fallback else None
