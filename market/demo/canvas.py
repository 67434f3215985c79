"""A small drawing surface for the demo's illustrated product photos.

Motifs draw in a virtual 400 × 300 space; the canvas scales to its real (supersampled) pixel size,
so the same drawing code serves a tiny test photo and a full-size one. Colours are RGB tuples;
translucent fills take a fourth alpha value.
"""

import math
import random
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from PIL import Image, ImageDraw, ImageFilter

VIRTUAL_WIDTH = 400
VIRTUAL_HEIGHT = 300

Color = tuple[int, ...]
Point = tuple[float, float]


def mix(a: Color, b: Color, t: float) -> Color:
    """The colour ``t`` of the way from ``a`` to ``b``."""
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=False))


def shade(color: Color, amount: float) -> Color:
    """Darker (amount < 0) or lighter (amount > 0) by mixing with black or white."""
    target = (0, 0, 0) if amount < 0 else (255, 255, 255)
    return mix(color[:3], target, abs(amount)) + tuple(color[3:])


def alpha(color: Color, value: int) -> Color:
    """The colour with an alpha channel."""
    return (*color[:3], value)


class Canvas:
    """An RGB image plus helpers that take virtual coordinates."""

    def __init__(self, image: Image.Image, rng: random.Random, variant: int) -> None:
        self.image = image
        self.rng = rng
        self.variant = variant
        self.k = image.width / VIRTUAL_WIDTH
        self.draw = ImageDraw.Draw(image, "RGBA")
        self._zooms: list[tuple[float, float, float]] = []

    # Coordinates -----------------------------------------------------------------------------
    @contextmanager
    def zoom(self, scale: float, cx: float, cy: float) -> Iterator[None]:
        """Draw enlarged around (cx, cy): a close-up of the same arrangement."""
        self._zooms.append((scale, cx, cy))
        try:
            yield
        finally:
            self._zooms.pop()

    def xy(self, x: float, y: float) -> tuple[float, float]:
        """A virtual point in pixels."""
        for scale, cx, cy in reversed(self._zooms):
            x, y = cx + (x - cx) * scale, cy + (y - cy) * scale
        return x * self.k, y * self.k

    def px(self, value: float) -> float:
        """A virtual length in pixels."""
        return value * self.k * math.prod(scale for scale, _, _ in self._zooms)

    def box(self, x0: float, y0: float, x1: float, y1: float) -> list[float]:
        """A virtual bounding box in pixels."""
        return [*self.xy(x0, y0), *self.xy(x1, y1)]

    def pts(self, points: Iterable[Point]) -> list[tuple[float, float]]:
        """Virtual points in pixels."""
        return [self.xy(x, y) for x, y in points]

    def jitter(self, spread: float) -> float:
        """A small random offset, so repeated items do not look stamped."""
        return self.rng.uniform(-spread, spread)

    # Primitives ------------------------------------------------------------------------------
    def ellipse(self, cx: float, cy: float, rx: float, ry: float, fill: Color, **kw) -> None:
        """An ellipse centred on (cx, cy)."""
        self.draw.ellipse(self.box(cx - rx, cy - ry, cx + rx, cy + ry), fill=fill, **kw)

    def circle(self, cx: float, cy: float, r: float, fill: Color, **kw) -> None:
        """A circle centred on (cx, cy)."""
        self.ellipse(cx, cy, r, r, fill, **kw)

    def rect(
        self, x0: float, y0: float, x1: float, y1: float, fill: Color, radius: float = 0, **kw
    ) -> None:
        """A rectangle, rounded when ``radius`` is set."""
        self.draw.rounded_rectangle(
            self.box(x0, y0, x1, y1), radius=self.px(radius), fill=fill, **kw
        )

    def polygon(self, points: Sequence[Point], fill: Color, **kw) -> None:
        """A filled polygon."""
        self.draw.polygon(self.pts(points), fill=fill, **kw)

    def line(self, points: Sequence[Point], color: Color, width: float = 1.0) -> None:
        """A polyline ``width`` virtual units wide, with round joints."""
        self.draw.line(
            self.pts(points), fill=color, width=max(1, round(self.px(width))), joint="curve"
        )

    def arc(
        self,
        cx: float,
        cy: float,
        rx: float,
        ry: float,
        start: float,
        end: float,
        color: Color,
        width: float = 1.0,
    ) -> None:
        """An elliptical arc from ``start`` to ``end`` degrees."""
        self.draw.arc(
            self.box(cx - rx, cy - ry, cx + rx, cy + ry),
            start,
            end,
            fill=color,
            width=max(1, round(self.px(width))),
        )

    # Shapes that read as objects -------------------------------------------------------------
    def ball(self, cx: float, cy: float, r: float, color: Color, ry: float | None = None) -> None:
        """A shaded sphere (or spheroid): dark rim, light towards the upper left, a highlight."""
        ry = r if ry is None else ry
        steps = 18
        for i in range(steps):
            t = i / (steps - 1)
            shrink = 1 - t * 0.82
            self.ellipse(
                cx - r * 0.3 * t,
                cy - ry * 0.32 * t,
                r * shrink,
                ry * shrink,
                shade(color, -0.3 + 0.5 * t),
            )
        self.ellipse(cx - r * 0.35, cy - ry * 0.42, r * 0.18, ry * 0.11, (255, 255, 255, 110))

    def leaf(
        self,
        x: float,
        y: float,
        length: float,
        angle: float,
        color: Color,
        width: float = 0.38,
        vein: bool = True,
    ) -> None:
        """A pointed leaf growing from (x, y) towards ``angle`` degrees (0 = right, 90 = down)."""
        half = []
        for i in range(13):
            t = i / 12
            half.append((t * length, math.sin(math.pi * t) ** 0.9 * length * width / 2))
        outline = half + [(px, -py) for px, py in reversed(half)]
        rad = math.radians(angle)
        cos, sin = math.cos(rad), math.sin(rad)
        pts = [(x + px * cos - py * sin, y + px * sin + py * cos) for px, py in outline]
        self.polygon(pts, color)
        lower = [(x + px * cos - py * sin, y + px * sin + py * cos) for px, py in half]
        self.polygon([*lower, (x, y)], shade(color, -0.12))
        if vein:
            self.line(
                [(x, y), (x + length * 0.92 * cos, y + length * 0.92 * sin)], shade(color, 0.3), 0.8
            )

    def shadow(
        self, shapes: Iterable[tuple[float, float, float, float]], strength: int = 90
    ) -> None:
        """Soft contact shadows under objects: ellipses (cx, cy, rx, ry), blurred cheaply."""
        small = max(1, round(8 * self.image.width / 800))
        mask = Image.new("L", (self.image.width // small, self.image.height // small), 0)
        draw = ImageDraw.Draw(mask)
        for cx, cy, rx, ry in shapes:
            draw.ellipse(
                [v / small for v in self.box(cx - rx, cy - ry, cx + rx, cy + ry)], fill=strength
            )
        mask = mask.filter(ImageFilter.GaussianBlur(3)).resize(
            self.image.size, Image.Resampling.BILINEAR
        )
        dark = Image.new("RGB", self.image.size, (60, 45, 30))
        self.image.paste(dark, (0, 0), mask)

    def clipped(
        self, cx: float, cy: float, rx: float, ry: float, draw_inside, opacity: int = 255
    ) -> None:
        """Draw ``draw_inside(canvas)`` on a copy, then paste it back inside an ellipse."""
        layer = self.image.copy()
        inner = Canvas(layer, self.rng, self.variant)
        inner._zooms = list(self._zooms)
        draw_inside(inner)
        mask = Image.new("L", self.image.size, 0)
        ImageDraw.Draw(mask).ellipse(self.box(cx - rx, cy - ry, cx + rx, cy + ry), fill=opacity)
        self.image.paste(layer, (0, 0), mask)
