"""A small location sketch for a growing area: no map tiles, just the point in the province.

The page draws it as inline SVG from these numbers (server-rendered, no script): a frame around
the province, a graticule, the provincial capital for reference, the area's point, a scale bar.
"""

import math
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l

# Tuyên Quang province (before the 2025 reorganisation), degrees, with a little margin.
FRAME = (21.45, 22.75, 104.8, 105.75)  # south, north, west, east
CAPITAL = (21.8236, 105.2141)  # Tuyên Quang city centre
WIDTH = 240.0
EARTH_KM = 6371.0
COMPASS = (
    _l("north"),
    _l("north-east"),
    _l("east"),
    _l("south-east"),
    _l("south"),
    _l("south-west"),
    _l("west"),
    _l("north-west"),
)


@dataclass(frozen=True)
class Gridline:
    """A parallel or meridian across the sketch, with its label."""

    x1: float
    y1: float
    x2: float
    y2: float
    label: str


@dataclass(frozen=True)
class Sketch:
    """Coordinates in the SVG's user units (``WIDTH`` wide) and the words that go with them."""

    width: float
    height: float
    point: tuple[float, float]
    capital: tuple[float, float]
    gridlines: tuple[Gridline, ...]
    scale_length: float
    scale_km: int
    latitude: float
    longitude: float
    distance_km: float
    direction: str

    @property
    def osm_url(self) -> str:
        """The point on OpenStreetMap, for those who want a real map."""
        lat, lon = f"{self.latitude:.5f}", f"{self.longitude:.5f}"
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=14/{lat}/{lon}"


def location_sketch(latitude: Decimal | None, longitude: Decimal | None) -> Sketch | None:
    """The sketch for a point, or None when the area has no location."""
    if latitude is None or longitude is None:
        return None
    lat, lon = float(latitude), float(longitude)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    south, north, west, east = FRAME
    south, north = min(south, lat - 0.05), max(north, lat + 0.05)
    west, east = min(west, lon - 0.05), max(east, lon + 0.05)
    squeeze = math.cos(math.radians((south + north) / 2))
    unit = WIDTH / ((east - west) * squeeze)  # SVG units per degree of latitude
    height = round((north - south) * unit, 1)

    def place(p_lat: float, p_lon: float) -> tuple[float, float]:
        return (round((p_lon - west) * squeeze * unit, 1), round((north - p_lat) * unit, 1))

    gridlines = [
        Gridline(0, place(value, west)[1], WIDTH, place(value, west)[1], f"{value:g}°N")
        for value in _steps(south, north)
    ] + [
        Gridline(place(north, value)[0], 0, place(north, value)[0], height, f"{value:g}°E")
        for value in _steps(west, east)
    ]
    km_per_unit = math.radians(1) * EARTH_KM / unit
    scale_km = 20 if 20 / km_per_unit < WIDTH / 3 else 10
    distance, bearing = _distance_and_bearing(CAPITAL, (lat, lon))
    return Sketch(
        width=WIDTH,
        height=height,
        point=place(lat, lon),
        capital=place(*CAPITAL),
        gridlines=tuple(gridlines),
        scale_length=round(scale_km / km_per_unit, 1),
        scale_km=scale_km,
        latitude=lat,
        longitude=lon,
        distance_km=round(distance),
        direction=str(COMPASS[round(bearing / 45) % 8]),
    )


def _steps(low: float, high: float) -> list[float]:
    """Every half degree strictly inside the range."""
    first = math.floor(low * 2) / 2 + 0.5
    return [first + i * 0.5 for i in range(int((high - first) / 0.5) + 1) if first + i * 0.5 < high]


def _distance_and_bearing(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    """Great-circle distance (km) and initial bearing (degrees) from ``a`` to ``b``."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    dlat, dlon = lat2 - lat1, lon2 - lon1
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    distance = 2 * EARTH_KM * math.asin(math.sqrt(h))
    y = math.sin(dlon) * math.cos(lat2)
    x = math.cos(lat1) * math.sin(lat2) - math.sin(lat1) * math.cos(lat2) * math.cos(dlon)
    return distance, (math.degrees(math.atan2(y, x)) + 360) % 360
