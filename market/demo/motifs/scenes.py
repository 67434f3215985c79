"""Tourism scenes: homestays in stilt houses, lake and village tours, tea hills."""

import itertools
import math

from market.demo.canvas import Canvas, Color, mix, shade

FAR, NEAR = (164, 192, 208), (82, 132, 88)
WATER = (120, 176, 200)
WOOD = (140, 92, 56)
ROOF = (92, 72, 60)


def _ridge(c: Canvas, base: float, height: float, color: Color, roughness: float) -> None:
    """A mountain ridge from edge to edge, by midpoint displacement."""
    points = [
        (0.0, base - c.rng.uniform(0.3, 1) * height),
        (400.0, base - c.rng.uniform(0.3, 1) * height),
    ]
    spread = height * 0.7
    for _ in range(6):
        refined = []
        for (x0, y0), (x1, y1) in itertools.pairwise(points):
            middle = (x0 + x1) / 2, (y0 + y1) / 2 + c.jitter(spread)
            refined += [(x0, y0), (middle[0], min(base - 4, middle[1]))]
        points = [*refined, points[-1]]
        spread *= roughness
    c.polygon([*points, (400, 300), (0, 300)], color)


def _mountains(c: Canvas, horizon: float, layers: int = 3) -> None:
    for i in range(layers):
        t = i / max(1, layers - 1)
        _ridge(c, horizon + i * 14, 110 - i * 25, mix(FAR, NEAR, t * 0.8), 0.55)


def _sun(c: Canvas, x: float, y: float, warm: bool) -> None:
    color = (250, 196, 120) if warm else (255, 240, 190)
    c.circle(x, y, 30, (*color, 70))
    c.circle(x, y, 20, color)


def _cloud(c: Canvas, x: float, y: float, w: float) -> None:
    for dx, dy, r in ((0, 0, 0.3), (0.25, -0.12, 0.28), (0.5, 0, 0.26), (0.25, 0.05, 0.3)):
        c.ellipse(x + dx * w, y + dy * w, r * w, r * w * 0.6, (255, 255, 255, 200))


def _tree(c: Canvas, x: float, base: float, h: float) -> None:
    c.rect(x - 3, base - h * 0.45, x + 3, base, (96, 70, 46))
    for dx, dy, r in ((0, -0.7, 0.3), (-0.18, -0.5, 0.24), (0.18, -0.5, 0.24)):
        c.ball(x + dx * h, base + dy * h, r * h, mix((58, 112, 56), (96, 150, 70), c.rng.random()))


def _banana(c: Canvas, x: float, base: float, h: float) -> None:
    c.rect(x - 4, base - h * 0.6, x + 4, base, (120, 140, 70))
    for angle in (-150, -120, -60, -30, -95):
        c.leaf(x, base - h * 0.6, h * 0.55, angle + c.jitter(8), (90, 156, 70), width=0.3)


def _stilt_house(c: Canvas, cx: float, base: float, w: float, lit: bool) -> None:
    """A Tày stilt house (nhà sàn): posts, a wooden floor, plank walls and a big hipped roof."""
    floor = base - w * 0.28
    for i in range(6):
        x = cx - w * 0.45 + i * w * 0.18
        c.rect(x - 2.5, floor, x + 2.5, base, shade(WOOD, -0.25))
    c.rect(cx - w * 0.5, floor - 5, cx + w * 0.5, floor + 3, shade(WOOD, -0.1))
    wall_top = floor - w * 0.26
    c.rect(cx - w * 0.44, wall_top, cx + w * 0.44, floor - 5, WOOD)
    for i in range(1, 12):
        x = cx - w * 0.44 + i * w * 0.08
        c.line([(x, wall_top), (x, floor - 5)], shade(WOOD, -0.12), 0.8)
    window = (250, 210, 110) if lit else (70, 50, 36)
    for i in (-1, 0, 1):
        c.rect(cx + i * w * 0.22 - 9, wall_top + 12, cx + i * w * 0.22 + 9, wall_top + 28, window)
    c.polygon(
        [
            (cx - w * 0.6, wall_top + 4),
            (cx - w * 0.3, wall_top - w * 0.3),
            (cx + w * 0.3, wall_top - w * 0.3),
            (cx + w * 0.6, wall_top + 4),
        ],
        ROOF,
    )
    for i in range(1, 8):
        y = wall_top - w * 0.3 + i * w * 0.3 / 8
        inset = w * 0.3 * (1 - i / 8)
        c.line(
            [(cx - w * 0.3 - (w * 0.3 - inset), y), (cx + w * 0.3 + (w * 0.3 - inset), y)],
            shade(ROOF, 0.15),
            0.8,
        )
    c.line([(cx + w * 0.5, floor), (cx + w * 0.68, base)], shade(WOOD, -0.2), 3)
    for i in range(1, 6):
        t = i / 6
        c.line(
            [
                (cx + w * (0.5 + 0.18 * t) - 6, floor + (base - floor) * t),
                (cx + w * (0.5 + 0.18 * t) + 6, floor + (base - floor) * t),
            ],
            shade(WOOD, -0.2),
            2,
        )
    if lit:
        for i in (-1, 1):
            c.line(
                [(cx + i * w * 0.36, wall_top), (cx + i * w * 0.36, wall_top + 10)],
                (60, 40, 30),
                0.8,
            )
            c.ellipse(cx + i * w * 0.36, wall_top + 16, 6, 7, (214, 50, 40))


def _fields(c: Canvas, top: float, color: Color) -> None:
    c.rect(0, top, 400, 300, color)
    for i in range(8):
        y = top + 6 + i * (300 - top) / 8
        c.line([(0, y), (140, y + 6), (400, y - 4)], shade(color, 0.12), 1)


def homestay(c: Canvas, option: str | None) -> None:
    """A homestay: a stilt house under the mountains, by the lake, or lit up at dusk."""
    v = c.variant % 3
    dusk = v == 2
    if dusk:
        c.rect(0, 0, 400, 300, (250, 170, 110, 90))
    _sun(c, 320, 60, dusk)
    _cloud(c, 70, 50, 70)
    _mountains(c, 170)
    if v == 1:
        _fields(c, 206, (110, 160, 80))
        c.rect(0, 240, 400, 300, WATER)
        c.rect(0, 240, 400, 243, shade(WATER, -0.15))
        for i in range(8):
            c.line(
                [(40 + i * 45, 254 + (i % 3) * 14), (70 + i * 45, 254 + (i % 3) * 14)],
                (200, 226, 236),
                1,
            )
        _stilt_house(c, 210, 236, 170, lit=False)
    else:
        _fields(c, 228, (122, 170, 84))
        _stilt_house(c, 200, 262, 190, lit=dusk)
    _banana(c, 50, 266, 90)
    _tree(c, 355, 270, 110)


def _boat(c: Canvas, x: float, y: float, w: float) -> None:
    c.polygon(
        [(x - w / 2, y - 6), (x + w / 2, y - 8), (x + w * 0.4, y), (x - w * 0.42, y)], (110, 70, 40)
    )
    c.circle(x + w * 0.15, y - 16, 4, (60, 40, 30))
    c.rect(x + w * 0.12, y - 12, x + w * 0.18, y - 6, (40, 90, 150))
    c.line([(x + w * 0.2, y - 12), (x + w * 0.4, y + 8)], (90, 60, 40), 1)
    c.polygon(
        [
            (x - w * 0.2, y - 6),
            (x - w * 0.18, y - 18),
            (x + w * 0.05, y - 18),
            (x + w * 0.07, y - 6),
        ],
        (220, 200, 150),
    )


def _terraces(c: Canvas, top: float) -> None:
    colors = ((170, 190, 80), (150, 180, 70), (196, 196, 90), (130, 170, 70))
    for i in range(9):
        y = top + i * 12
        color = colors[i % len(colors)]
        points = [(x, y + math.sin(x / 60 + i) * 8) for x in range(0, 401, 20)]
        c.polygon([*points, (400, 300), (0, 300)], color)
        c.line(points, shade(color, 0.25), 1.2)


def _tea_rows(c: Canvas, top: float) -> None:
    c.rect(0, top, 400, 300, (120, 92, 60))
    for i in range(7):
        y = top + 8 + i * 15 + i * i
        green = (70 + i * 5, 124 + i * 4, 58)
        for x in range(-20, 420, 18):
            c.ellipse(x + (i % 2) * 9, y, 14 + i * 1.5, 7 + i, shade(green, -0.1))
            c.ellipse(x + (i % 2) * 9 - 2, y - 2, 11 + i * 1.2, 5 + i * 0.8, green)


def tour(c: Canvas, option: str | None) -> None:
    """A community tour: ``lake`` (boat on the reservoir), ``village`` (terraces), ``tea``."""
    v = c.variant % 3
    scene = option or "lake"
    _sun(c, 80 + v * 110, 60, v == 2)
    _cloud(c, 250 - v * 60, 40, 80)
    if scene == "lake":
        _mountains(c, 190, 2 + (v > 0))
        c.rect(0, 200, 400, 300, WATER)
        for i in range(12):
            x, y = (i * 67) % 380 + 10, 214 + (i * 23) % 80
            c.line([(x, y), (x + 26, y)], (200, 226, 236), 1)
        _boat(c, 130 + v * 60, 250 - v * 10, 110)
        if v == 2:
            _boat(c, 300, 226, 60)
    elif scene == "tea":
        _mountains(c, 150, 2)
        _tea_rows(c, 168)
        for x in (150, 250)[: 1 + v % 2]:
            c.rect(x - 7, 200, x + 7, 236, (40, 90, 150), radius=4)
            c.circle(x, 194, 7, (230, 190, 150))
            c.polygon([(x - 16, 192), (x, 176), (x + 16, 192)], (230, 214, 160))
            c.ellipse(x + 12, 230, 12, 8, (176, 130, 70))
    else:
        _mountains(c, 160, 3)
        _terraces(c, 186)
        _stilt_house(c, 290 - v * 60, 236, 110, lit=v == 2)
        _tree(c, 60, 280, 100)
