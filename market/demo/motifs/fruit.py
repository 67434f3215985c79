"""Fruit: cam sành, bưởi, hồng không hạt, dưa lưới."""

import math

from market.demo.canvas import Canvas, Color, mix, shade

LEAF = (62, 128, 58)
CAM_SANH = (232, 138, 36)
POMELO = (198, 204, 78)
PERSIMMON = (238, 116, 30)
MELON = (196, 206, 128)
WOOD = (168, 116, 62)


def _orange(c: Canvas, cx: float, cy: float, r: float, color: Color = CAM_SANH) -> None:
    c.ball(cx, cy, r, color)
    # Cam sành keeps green patches and a rough, pitted skin.
    for _ in range(2):
        angle = c.rng.uniform(0, math.tau)
        dist = c.rng.uniform(0.15, 0.4) * r
        c.ellipse(
            cx + math.cos(angle) * dist,
            cy + math.sin(angle) * dist,
            r * 0.42,
            r * 0.36,
            (120, 150, 40, 45),
        )
    for _ in range(int(r * 1.4)):
        angle, dist = c.rng.uniform(0, math.tau), r * math.sqrt(c.rng.random()) * 0.88
        c.circle(
            cx + math.cos(angle) * dist,
            cy + math.sin(angle) * dist,
            0.55,
            (*shade(color, -0.25), 120),
        )
    c.rect(cx - 1.2, cy - r - 2, cx + 1.2, cy - r + 3, (95, 80, 40))


def _orange_half(c: Canvas, cx: float, cy: float, r: float) -> None:
    c.ellipse(cx, cy, r, r * 0.9, shade(CAM_SANH, -0.1))
    c.ellipse(cx, cy, r * 0.88, r * 0.79, (250, 176, 62))
    for i in range(10):
        angle = i * math.tau / 10
        c.line(
            [(cx, cy), (cx + math.cos(angle) * r * 0.84, cy + math.sin(angle) * r * 0.75)],
            (255, 224, 160),
            1.2,
        )
    c.ellipse(cx, cy, r * 0.12, r * 0.1, (255, 230, 180))


def _leaves(c: Canvas, x: float, y: float, size: float, angles: tuple[float, ...]) -> None:
    for angle in angles:
        c.leaf(
            x,
            y,
            size * c.rng.uniform(0.85, 1.1),
            angle + c.jitter(8),
            mix(LEAF, (90, 150, 60), c.rng.random()),
        )


def _basket(c: Canvas, cx: float, top: float, width: float, height: float) -> None:
    half, bottom = width / 2, top + height
    c.polygon(
        [(cx - half, top), (cx + half, top), (cx + half * 0.8, bottom), (cx - half * 0.8, bottom)],
        WOOD,
    )
    for i in range(1, 6):
        y = top + height * i / 6
        inset = half * 0.2 * i / 6
        c.line([(cx - half + inset, y), (cx + half - inset, y)], shade(WOOD, -0.2), 1.4)
    for i in range(-7, 8):
        x = cx + i * half / 8
        c.line([(x, top), (cx + (x - cx) * 0.8, bottom)], shade(WOOD, 0.15), 1)
    c.rect(cx - half - 4, top - 5, cx + half + 4, top + 5, shade(WOOD, -0.1), radius=5)


def _carton(c: Canvas, cx: float, base: float, w: float, h: float) -> None:
    card = (196, 150, 96)
    c.rect(cx - w / 2, base - h, cx + w / 2, base, card, radius=3)
    c.rect(cx - w / 2, base - h, cx + w / 2, base - h + 10, shade(card, -0.12))
    c.rect(cx - w * 0.3, base - h * 0.62, cx + w * 0.3, base - h * 0.2, (246, 238, 214), radius=3)
    c.leaf(cx - w * 0.18, base - h * 0.41, w * 0.16, -15, LEAF, width=0.45)
    c.circle(cx + w * 0.12, base - h * 0.41, h * 0.1, CAM_SANH)


def _candied(c: Canvas, cx: float, base: float) -> None:
    c.rect(cx - 55, base - 130, cx + 55, base, (236, 240, 236, 210), radius=14)
    for i in range(26):
        x = cx - 44 + (i % 13) * 7
        y = base - 14 - (i // 13) * 50
        c.line([(x, y), (x + c.jitter(6), y - 48)], (236, 150, 40), 3.2)
    c.rect(cx - 60, base - 146, cx + 60, base - 124, (200, 120, 40), radius=5)


def oranges(c: Canvas, option: str | None) -> None:
    """Cam sành Hàm Yên: a pyramid, a cut fruit, or a basket full; ``box`` shows a gift carton,
    ``candied`` a jar of candied peel."""
    v = c.variant % 3
    if option == "box":
        c.shadow([(200, 266, 130, 12)])
        spots = ((140, 150), (200, 144), (260, 150), (170, 160), (230, 160))
        for x, y in spots[: 3 + v]:
            _orange(c, x + c.jitter(3), y + c.jitter(3), 34)
        _leaves(c, 120, 140, 45, (-160, -110))
        _carton(c, 200, 262, 240, 100)
    elif option == "candied":
        c.shadow([(200, 266, 120, 12)])
        _candied(c, 180, 258)
        _orange_half(c, 290, 236, 40)
        if v:
            _orange(c, 90, 222, 40)
    elif v == 0:
        c.shadow([(150, 262, 60, 10), (250, 262, 60, 10)])
        _orange(c, 150, 215, 50)
        _orange(c, 250, 217, 50)
        _leaves(c, 200, 128, 55, (-160, -120, -30))
        _orange(c, 200, 160, 48)
    elif v == 1:
        c.shadow([(165, 258, 70, 11), (270, 256, 48, 9)])
        _orange(c, 160, 200, 60)
        _leaves(c, 158, 140, 48, (-150, -50))
        _orange_half(c, 268, 228, 44)
    else:
        c.shadow([(200, 268, 110, 12)])
        for x, y in ((140, 150), (195, 140), (250, 150), (168, 168), (228, 168)):
            _orange(c, x + c.jitter(3), y + c.jitter(3), 34)
        _leaves(c, 260, 132, 45, (-70, -20))
        _basket(c, 200, 178, 200, 85)


def _pomelo(c: Canvas, cx: float, cy: float, r: float) -> None:
    c.ellipse(cx, cy - r * 0.78, r * 0.42, r * 0.32, shade(POMELO, -0.12))
    c.ball(cx, cy, r, POMELO, ry=r * 1.02)
    for _ in range(int(r * 1.2)):
        angle, dist = c.rng.uniform(0, math.tau), r * math.sqrt(c.rng.random()) * 0.9
        c.circle(cx + math.cos(angle) * dist, cy + math.sin(angle) * dist, 0.5, (140, 150, 50, 90))
    c.rect(cx - 1.5, cy - r * 1.08, cx + 1.5, cy - r * 0.95, (100, 90, 50))


def pomelos(c: Canvas, option: str | None) -> None:
    """Bưởi Soi Hà, bưởi Xuân Vân: whole fruit, peeled segments, or on the branch."""
    v = c.variant % 3
    if v == 0:
        c.shadow([(140, 268, 62, 10), (262, 268, 66, 11)])
        _pomelo(c, 262, 205, 64)
        _leaves(c, 150, 140, 60, (-150, -100))
        _pomelo(c, 140, 212, 58)
    elif v == 1:
        c.shadow([(230, 262, 110, 14), (110, 256, 50, 8)])
        c.ellipse(230, 250, 110, 22, (245, 245, 240))
        c.ellipse(230, 248, 95, 17, (232, 232, 226))
        for i in range(7):
            angle = -170 + i * 26
            c.leaf(230, 250, 85, angle, (250, 232, 168), width=0.42, vein=False)
            c.leaf(230, 250, 70, angle, (252, 240, 196), width=0.25, vein=False)
        _pomelo(c, 100, 205, 50)
    else:
        c.line([(20, 40), (120, 70), (240, 60), (390, 90)], (110, 80, 45), 5)
        _leaves(c, 120, 70, 60, (-60, 200, -20))
        _leaves(c, 300, 76, 58, (-100, 10, 150))
        for x, y, r in ((150, 170, 52), (268, 185, 56)):
            c.line([(x, 68), (x, y - r)], (110, 90, 50), 2)
            _pomelo(c, x, y, r)


def _persimmon(c: Canvas, cx: float, cy: float, r: float) -> None:
    c.ball(cx, cy, r, PERSIMMON, ry=r * 0.82)
    top = cy - r * 0.74
    for angle in (195, 240, 300, 345):
        c.leaf(cx, top, r * 0.5, angle, (78, 104, 46), width=0.6, vein=False)
    c.rect(cx - 2, top - 8, cx + 2, top + 1, (88, 70, 40), radius=1)


def persimmons(c: Canvas, option: str | None) -> None:
    """Hồng không hạt: a row of fruit, a plate with a cut one, or a laden branch."""
    v = c.variant % 3
    if v == 0:
        c.shadow([(120, 262, 50, 8), (205, 264, 52, 8), (290, 262, 50, 8)])
        for x in (120, 290, 205):
            _persimmon(c, x, 225, 46)
    elif v == 1:
        c.shadow([(200, 260, 130, 14)])
        c.ellipse(200, 248, 130, 24, (246, 246, 242))
        _persimmon(c, 150, 212, 46)
        c.ellipse(255, 236, 42, 22, shade(PERSIMMON, -0.05))
        c.ellipse(255, 234, 36, 17, (250, 160, 70))
        for i in range(8):
            angle = i * math.tau / 8
            c.line(
                [(255, 234), (255 + math.cos(angle) * 18, 234 + math.sin(angle) * 9)],
                (255, 196, 120),
                1.2,
            )
    else:
        c.line([(0, 60), (150, 90), (400, 70)], (95, 70, 45), 6)
        _leaves(c, 150, 90, 58, (-40, -140, 20))
        for x, y in ((110, 150), (210, 160), (320, 140)):
            c.line([(x, 80), (x, y - 40)], (95, 70, 45), 2)
            _persimmon(c, x, y, 40)


def _melon(c: Canvas, cx: float, cy: float, r: float) -> None:
    c.ball(cx, cy, r, MELON, ry=r * 0.96)

    def net(inner: Canvas) -> None:
        step = r / 4
        points = {}
        for i in range(-5, 6):
            for j in range(-5, 6):
                points[i, j] = (
                    cx + i * step + inner.jitter(step * 0.35),
                    cy + j * step + inner.jitter(step * 0.35),
                )
        for (i, j), point in points.items():
            for neighbour in ((i + 1, j), (i, j + 1)):
                if neighbour in points:
                    inner.line([point, points[neighbour]], (240, 242, 214), 1.1)

    c.clipped(cx, cy, r * 0.96, r * 0.92, net, opacity=185)
    c.rect(cx - 2, cy - r - 9, cx + 2, cy - r + 3, (120, 130, 60))
    c.rect(cx - 10, cy - r - 11, cx + 10, cy - r - 7, (120, 130, 60), radius=2)


def _melon_slice(c: Canvas, cx: float, cy: float, r: float) -> None:
    c.draw.pieslice(c.box(cx - r, cy - r, cx + r, cy + r), 0, 180, fill=(120, 150, 70))
    c.draw.pieslice(
        c.box(cx - r * 0.9, cy - r * 0.9, cx + r * 0.9, cy + r * 0.9), 0, 180, fill=(246, 160, 78)
    )
    c.draw.pieslice(
        c.box(cx - r * 0.42, cy - r * 0.42, cx + r * 0.42, cy + r * 0.42),
        0,
        180,
        fill=(250, 205, 140),
    )
    for i in range(9):
        angle = math.radians(15 + i * 17)
        c.ellipse(
            cx + math.cos(angle) * r * 0.3,
            cy + math.sin(angle) * r * 0.3,
            2.4,
            1.6,
            (245, 235, 205),
        )


def melons(c: Canvas, option: str | None) -> None:
    """Dưa lưới: netted melons, a cut slice, or a gift box of two."""
    v = c.variant % 3
    if v == 0:
        c.shadow([(150, 264, 62, 10), (262, 266, 66, 10)])
        _melon(c, 262, 205, 62)
        _melon(c, 145, 212, 56)
    elif v == 1:
        c.shadow([(160, 262, 66, 10), (280, 258, 70, 8)])
        _melon(c, 160, 205, 60)
        _melon_slice(c, 280, 222, 62)
    else:
        c.shadow([(200, 270, 140, 12)])
        c.rect(70, 190, 330, 262, (196, 48, 52), radius=6)
        _melon(c, 150, 175, 54)
        _melon(c, 252, 175, 54)
        c.rect(70, 205, 330, 262, (210, 58, 60), radius=6)
        c.rect(190, 205, 210, 262, (246, 206, 92))
        c.rect(70, 226, 330, 238, (246, 206, 92))
