"""Tea, honey, bottles and herbal products."""

import math

from market.demo.canvas import Canvas, Color, mix, shade

TEA_LEAF = (66, 120, 48)
TEAS: dict[str, tuple[Color, Color, Color]] = {
    # option → (liquor in the cup, dried leaf, tin colour)
    "green": ((206, 196, 92), (62, 74, 40), (70, 128, 72)),
    "shan": ((222, 204, 120), (150, 152, 128), (52, 96, 84)),
    "black": ((176, 84, 34), (58, 40, 30), (150, 46, 40)),
}
HONEY = (222, 146, 28)
WOOD = (164, 112, 60)
CERAMIC = (246, 244, 238)


def _cup(c: Canvas, cx: float, base: float, liquor: Color, scale: float = 1.0) -> None:
    w, h = 50 * scale, 52 * scale
    c.ellipse(cx, base + 4 * scale, w * 1.55, 13 * scale, shade(CERAMIC, -0.06))
    c.ellipse(cx, base + 1 * scale, w * 1.35, 10 * scale, CERAMIC)
    c.arc(cx + w * 0.95, base - h * 0.55, 16 * scale, 15 * scale, -90, 90, CERAMIC, 6 * scale)
    c.rect(cx - w, base - h, cx + w, base, CERAMIC, radius=22 * scale)
    c.rect(cx - w, base - h, cx + w, base - h * 0.55, CERAMIC)
    c.rect(
        cx - w * 0.8,
        base - h * 0.8,
        cx - w * 0.62,
        base - h * 0.2,
        (255, 255, 255, 160),
        radius=4 * scale,
    )
    c.ellipse(cx, base - h, w, 11 * scale, shade(CERAMIC, -0.1))
    c.ellipse(cx, base - h + 1.5 * scale, w * 0.9, 8.5 * scale, liquor)
    for i in (-1, 0, 1):
        x = cx + i * 16 * scale
        points = [
            (x + math.sin(t / 3) * 5 * scale, base - h - 12 * scale - t * 3 * scale)
            for t in range(12)
        ]
        c.line(points, (255, 255, 255, 120), 2.2 * scale)


def _tea_shoot(c: Canvas, x: float, y: float, size: float, bud: Color, angle: float = -70) -> None:
    rad = math.radians(angle)
    tip = (x + math.cos(rad) * size, y + math.sin(rad) * size)
    c.line([(x, y), tip], (96, 110, 50), 2)
    c.leaf(
        x + (tip[0] - x) * 0.35,
        y + (tip[1] - y) * 0.35,
        size * 0.8,
        angle - 55,
        TEA_LEAF,
        width=0.45,
    )
    c.leaf(
        x + (tip[0] - x) * 0.6,
        y + (tip[1] - y) * 0.6,
        size * 0.7,
        angle + 50,
        mix(TEA_LEAF, (110, 160, 70), 0.4),
        width=0.45,
    )
    c.leaf(tip[0], tip[1], size * 0.45, angle + c.jitter(10), bud, width=0.35, vein=False)


def _tea_pile(c: Canvas, cx: float, cy: float, rx: float, ry: float, color: Color, n: int) -> None:
    for _ in range(n):
        u, v = c.rng.uniform(-1, 1), c.rng.uniform(-1, 0.6)
        if u * u + v * v > 1:
            continue
        x = cx + u * rx
        y = cy + v * ry * (1.2 - abs(u) * 0.6)
        c.leaf(
            x,
            y,
            c.rng.uniform(5, 9),
            c.rng.uniform(0, 360),
            shade(color, c.rng.uniform(-0.15, 0.2)),
            width=0.45,
            vein=False,
        )


def _tin(c: Canvas, cx: float, base: float, color: Color, w: float = 50, h: float = 120) -> None:
    c.rect(cx - w, base - h, cx + w, base, color, radius=6)
    c.rect(cx - w, base - h, cx - w + 12, base, shade(color, -0.15), radius=6)
    c.rect(cx + w - 18, base - h, cx + w, base, shade(color, 0.12), radius=6)
    c.ellipse(cx, base - h, w, 10, shade(color, -0.2))
    c.rect(cx - w, base - h * 0.7, cx + w, base - h * 0.3, (246, 236, 208))
    c.leaf(cx - 16, base - h * 0.5, 34, -20, TEA_LEAF, width=0.45)
    for i in range(3):
        c.circle(cx + 20 + i * 8, base - h * 0.5, 2.2, (200, 150, 40))


def tea(c: Canvas, option: str | None) -> None:
    """Tea: a steaming cup with a fresh shoot, a tray of dried leaf, or a tin."""
    liquor, dried, tin = TEAS.get(option or "green", TEAS["green"])
    bud = (206, 216, 196) if option == "shan" else (148, 190, 88)
    v = c.variant % 3
    if v == 0:
        c.shadow([(170, 262, 85, 12), (300, 258, 40, 6)])
        _cup(c, 170, 252, liquor)
        _tea_shoot(c, 300, 258, 90, bud, -80)
        _tea_pile(c, 300, 252, 40, 10, dried, 60)
    elif v == 1:
        c.shadow([(200, 262, 160, 20)])
        c.ellipse(200, 238, 160, 40, (196, 160, 100))
        for r in range(150, 10, -14):
            c.ellipse(200, 238, r, r / 4, shade((196, 160, 100), -0.08 if r % 28 else 0.05))
        _tea_pile(c, 200, 232, 110, 32, dried, 700)
        _tea_shoot(c, 60, 200, 70, bud, -60)
        _tea_shoot(c, 345, 206, 66, bud, -110)
    else:
        c.shadow([(170, 262, 70, 10), (300, 262, 60, 9)])
        _tin(c, 160, 258, tin)
        c.ellipse(300, 248, 55, 14, shade(CERAMIC, -0.1))
        c.ellipse(300, 246, 50, 12, CERAMIC)
        _tea_pile(c, 300, 240, 40, 14, dried, 140)


def _jar(c: Canvas, cx: float, base: float, color: Color, w: float = 42, h: float = 110) -> None:
    c.rect(cx - w, base - h, cx + w, base, shade(color, -0.18), radius=w * 0.5)
    c.rect(cx - w + 5, base - h + 6, cx + w - 5, base - 4, color, radius=w * 0.45)
    c.rect(cx - w * 0.65, base - h + 14, cx - w * 0.45, base - 18, (255, 255, 255, 110), radius=4)
    c.rect(cx - w * 0.85, base - h - 18, cx + w * 0.85, base - h + 6, (128, 80, 42), radius=5)
    c.rect(cx - w * 0.85, base - h - 4, cx + w * 0.85, base - h + 1, (96, 60, 32))
    c.rect(cx - w + 5, base - h * 0.62, cx + w - 5, base - h * 0.28, (250, 238, 206))
    c.rect(cx - w + 5, base - h * 0.62, cx + w - 5, base - h * 0.56, (176, 52, 40))
    _hexagon(c, cx, base - h * 0.42, 7, shade(color, -0.1))


def _hexagon(c: Canvas, cx: float, cy: float, r: float, color: Color) -> None:
    c.polygon(
        [
            (
                cx + r * math.cos(math.radians(60 * i + 30)),
                cy + r * math.sin(math.radians(60 * i + 30)),
            )
            for i in range(6)
        ],
        color,
    )


def _comb(c: Canvas, x0: float, y0: float, cols: int, rows: int, r: float, color: Color) -> None:
    for row in range(rows):
        for col in range(cols):
            x = x0 + col * r * 1.75 + (r * 0.87 if row % 2 else 0)
            y = y0 + row * r * 1.5
            _hexagon(c, x, y, r, color)
            _hexagon(c, x, y, r * 0.78, shade(color[:3], 0.15) + color[3:])


def _dipper(c: Canvas, x: float, y: float) -> None:
    c.line([(x, y), (x + 90, y - 80)], WOOD, 5)
    for i in range(5):
        c.ellipse(
            x + 4 - i * 3,
            y + 4 + i * 3,
            11 - abs(i - 2) * 2,
            11 - abs(i - 2) * 2,
            shade(WOOD, -0.1 * (i % 2)),
        )
    c.ellipse(x - 4, y + 22, 5, 7, HONEY)


def honey(c: Canvas, option: str | None) -> None:
    """Honey: a jar with a dipper, a comb with a jar, or two bottles; ``mint`` is lighter."""
    color = (236, 178, 58) if option == "mint" else HONEY
    v = c.variant % 3
    _comb(c, 280, 30, 5, 3, 14, (*shade(color, 0.3), 90))
    if v == 0:
        c.shadow([(190, 262, 60, 10)])
        _jar(c, 190, 258, color)
        _dipper(c, 265, 228)
        if option == "mint":
            _mint_flowers(c, 80, 258)
    elif v == 1:
        c.shadow([(150, 264, 100, 10), (300, 262, 45, 8)])
        c.polygon([(60, 250), (70, 170), (240, 160), (250, 252)], shade(color, -0.2))
        _comb(c, 85, 180, 8, 5, 10, shade(color, 0.05))
        _jar(c, 300, 258, color, 36, 92)
    else:
        with c.zoom(1.1, 200, 262):
            c.shadow([(150, 262, 40, 8), (250, 262, 40, 8)])
            for x in (150, 250):
                _bottle(c, x, 258, 150, 56, color, (250, 238, 206))


def _mint_flowers(c: Canvas, x: float, base: float) -> None:
    for i in range(3):
        stem_x = x + i * 18
        c.line([(stem_x, base), (stem_x + c.jitter(6), base - 70 - i * 10)], (90, 120, 60), 2)
        for j in range(8):
            c.circle(stem_x + c.jitter(4), base - 40 - i * 10 - j * 4, 3.2, (170, 120, 190))


def _bottle(
    c: Canvas,
    cx: float,
    base: float,
    h: float,
    w: float,
    liquid: Color,
    label: Color,
    fill: float = 0.85,
) -> None:
    glass = (236, 240, 236, 200)
    body_top = base - h * 0.62
    c.rect(cx - w / 2, body_top, cx + w / 2, base, glass, radius=w * 0.22)
    c.polygon(
        [
            (cx - w / 2, body_top + 8),
            (cx - w * 0.16, base - h * 0.84),
            (cx + w * 0.16, base - h * 0.84),
            (cx + w / 2, body_top + 8),
        ],
        glass,
    )
    c.rect(cx - w * 0.16, base - h, cx + w * 0.16, base - h * 0.8, glass)
    level = base - h * 0.62 * fill
    c.rect(cx - w / 2 + 3, level, cx + w / 2 - 3, base - 3, liquid, radius=w * 0.18)
    c.rect(cx - w * 0.18, base - h - 10, cx + w * 0.18, base - h + 6, (150, 40, 36), radius=3)
    c.rect(cx - w / 2 + 4, base - h * 0.45, cx + w / 2 - 4, base - h * 0.14, label, radius=3)
    c.rect(cx - w / 2 + 4, base - h * 0.45, cx + w / 2 - 4, base - h * 0.39, (180, 44, 40))
    c.circle(cx, base - h * 0.27, w * 0.12, (180, 44, 40))
    c.rect(cx - w * 0.36, body_top + 6, cx - w * 0.24, base - 8, (255, 255, 255, 120), radius=3)


def _small_cup(c: Canvas, cx: float, base: float, liquid: Color) -> None:
    c.polygon(
        [(cx - 18, base - 26), (cx + 18, base - 26), (cx + 12, base), (cx - 12, base)], CERAMIC
    )
    c.ellipse(cx, base - 26, 18, 5, shade(CERAMIC, -0.1))
    c.ellipse(cx, base - 25, 15, 3.5, liquid)


def _corn(c: Canvas, x: float, y: float, angle: float) -> None:
    rad = math.radians(angle)
    dx, dy = math.cos(rad), math.sin(rad)
    for i in range(14):
        for j in (-1, 0, 1):
            px = x + dx * i * 7 - dy * j * 7
            py = y + dy * i * 7 + dx * j * 7
            c.circle(
                px, py, 4.2 - abs(i - 7) * 0.12, shade((240, 196, 64), c.rng.uniform(-0.1, 0.1))
            )
    c.leaf(x, y, 90, angle + 10, (214, 204, 150), width=0.3, vein=False)
    c.leaf(x, y, 80, angle - 14, (190, 186, 120), width=0.3, vein=False)


def _clay_jar(c: Canvas, cx: float, base: float) -> None:
    clay = (150, 86, 48)
    c.ball(cx, base - 55, 58, clay, ry=55)
    c.rect(cx - 22, base - 122, cx + 22, base - 100, shade(clay, -0.1), radius=4)
    c.ellipse(cx, base - 124, 26, 12, (112, 150, 70))
    c.line([(cx - 24, base - 116), (cx + 24, base - 116)], (210, 190, 140), 2)


BOTTLE_LIQUIDS: dict[str, Color] = {
    "liquor": (246, 242, 220, 200),
    "juice": (246, 152, 40),
    "wine": (196, 112, 40),
    "herbal": (150, 92, 40),
}


def bottles(c: Canvas, option: str | None) -> None:
    """Bottled drinks: a bottle with cups, a clay jar with corn, or two bottles."""
    liquid = BOTTLE_LIQUIDS.get(option or "liquor", BOTTLE_LIQUIDS["liquor"])
    label = (250, 240, 214)
    v = c.variant % 3
    if v == 0:
        with c.zoom(1.05, 200, 262):
            c.shadow([(190, 262, 42, 8), (270, 262, 22, 5), (318, 262, 22, 5)])
            _bottle(c, 190, 258, 180, 62, liquid, label)
            _small_cup(c, 270, 258, liquid)
            _small_cup(c, 318, 258, liquid)
            if option == "juice":
                c.ellipse(110, 244, 34, 30, (232, 138, 36))
                c.ellipse(110, 244, 29, 25, (250, 176, 62))
    elif v == 1:
        c.shadow([(190, 262, 70, 11)])
        if option in (None, "liquor"):
            _corn(c, 250, 250, -25)
            _clay_jar(c, 170, 258)
        else:
            _bottle(c, 150, 258, 170, 60, liquid, label)
            _small_cup(c, 230, 258, liquid)
            _small_cup(c, 275, 258, liquid)
    else:
        with c.zoom(1.1, 200, 262):
            c.shadow([(150, 262, 38, 7), (250, 262, 38, 7)])
            _bottle(c, 150, 258, 165, 58, liquid, label)
            _bottle(c, 250, 258, 165, 58, liquid, (232, 222, 190))


HERB_GREEN = (84, 126, 60)
DRIED = (128, 102, 62)


def _herb_bundle(c: Canvas, x: float, y: float, color: Color) -> None:
    for i in range(9):
        angle = -100 + i * 9 + c.jitter(4)
        rad = math.radians(angle)
        end = (x + math.cos(rad) * 120, y + math.sin(rad) * 120)
        c.line([(x, y), end], shade(DRIED, -0.2), 2)
        for t in (0.45, 0.65, 0.85):
            c.leaf(
                x + (end[0] - x) * t,
                y + (end[1] - y) * t,
                24,
                angle + c.rng.choice((-50, 50)),
                shade(color, c.rng.uniform(-0.15, 0.1)),
                width=0.45,
            )
    c.rect(x - 10, y - 18, x + 10, y - 8, (190, 60, 50), radius=2)


def _dropper(c: Canvas, cx: float, base: float) -> None:
    c.rect(cx - 20, base - 60, cx + 20, base, (160, 90, 30, 230), radius=8)
    c.rect(cx - 9, base - 76, cx + 9, base - 58, (40, 40, 40), radius=3)
    c.ellipse(cx, base - 80, 7, 8, (40, 40, 40))
    c.rect(cx - 16, base - 40, cx + 16, base - 16, (246, 240, 222), radius=2)
    c.rect(cx - 13, base - 54, cx - 8, base - 6, (255, 255, 255, 100), radius=2)


def _tea_bag_box(c: Canvas, cx: float, base: float) -> None:
    c.rect(cx - 60, base - 110, cx + 60, base, (110, 150, 84), radius=4)
    c.rect(cx - 60, base - 80, cx + 60, base - 40, (246, 240, 222))
    c.leaf(cx - 20, base - 60, 36, -15, HERB_GREEN, width=0.45)
    c.rect(cx + 70, base - 46, cx + 112, base - 6, (232, 222, 196), radius=3)
    c.line([(cx + 91, base - 46), (cx + 100, base - 90)], (220, 220, 220), 1)
    c.rect(cx + 92, base - 100, cx + 112, base - 86, (200, 60, 50), radius=1)


def _soap(c: Canvas, cx: float, base: float, color: Color) -> None:
    c.rect(cx - 36, base - 28, cx + 36, base, shade(color, -0.12), radius=9)
    c.rect(cx - 36, base - 32, cx + 36, base - 6, color, radius=9)
    c.leaf(cx - 18, base - 19, 36, -8, shade(color, -0.2), width=0.4, vein=False)


def _herb_product(c: Canvas, option: str | None) -> None:
    if option == "oil":
        for i in range(7):
            c.leaf(
                290 + i * 8,
                258,
                150,
                -95 + i * 6,
                mix(HERB_GREEN, (150, 180, 80), i / 7),
                width=0.08,
                vein=False,
            )
        _dropper(c, 160, 258)
        _dropper(c, 215, 258)
    elif option == "teabag":
        _herb_bundle(c, 320, 250, HERB_GREEN)
        _tea_bag_box(c, 160, 258)
    elif option == "soap":
        _herb_bundle(c, 330, 248, HERB_GREEN)
        for i, color in enumerate(((222, 236, 200), (236, 214, 176), (206, 224, 212))):
            _soap(c, 110 + i * 80, 258 - (i % 2) * 6, color)
    elif option == "paste":
        _herb_bundle(c, 320, 250, shade(HERB_GREEN, -0.15))
        for i, x in enumerate((140, 230)):
            _jar(c, x, 258, (62, 40, 30), 38, 86 - i * 12)
    else:
        _herb_bundle(c, 140, 250, HERB_GREEN)
        c.ellipse(270, 246, 80, 18, (196, 160, 100))
        _tea_pile(c, 270, 238, 62, 16, DRIED, 260)


def herbs(c: Canvas, option: str | None) -> None:
    """Herbal products: ``oil`` (essential oil), ``teabag``, ``soap``, ``paste``, dried herbs."""
    v = c.variant % 3
    if v == 0:
        c.shadow([(200, 262, 150, 12)])
        _herb_product(c, option)
    elif v == 1:
        with c.zoom(1.35, 200, 262):
            c.shadow([(200, 262, 150, 12)])
            _herb_product(c, option)
    else:
        c.shadow([(200, 266, 170, 14)])
        c.ellipse(200, 252, 170, 34, (200, 166, 106))
        for r in range(160, 10, -16):
            c.ellipse(200, 252, r, r / 5, shade((200, 166, 106), -0.07 if r % 32 else 0.04))
        _tea_pile(c, 200, 246, 120, 24, DRIED, 500)
        for i in range(5):
            c.leaf(
                60 + i * 70,
                250 - (i % 2) * 14,
                40,
                -60 - i * 25,
                mix(HERB_GREEN, (130, 170, 80), i / 5),
                width=0.45,
            )
