"""Pantry foods: noodles, rice, cakes, dried meat, fish, bamboo shoots, sauces, mushrooms."""

import math

from market.demo.canvas import Canvas, Color, shade

CERAMIC = (246, 244, 238)
LEAF = (70, 130, 60)
BANANA_LEAF = (92, 146, 64)
CHILI = (206, 40, 32)
WOOD = (170, 120, 70)
MIEN = (196, 170, 132)
RAINBOW = ((214, 64, 60), (244, 196, 64), (96, 160, 72), (128, 72, 150), (246, 240, 226))


def _bundle(c: Canvas, cx: float, cy: float, w: float, h: float, color: Color) -> None:
    c.rect(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, shade(color, -0.12), radius=h / 2)
    for _ in range(int(w * 0.9)):
        y0 = cy + c.rng.uniform(-h / 2.4, h / 2.4)
        phase, amp = c.rng.uniform(0, math.tau), c.rng.uniform(0.5, 2)
        points = [(cx - w / 2 + i * w / 16, y0 + math.sin(phase + i) * amp) for i in range(17)]
        c.line(points, (*shade(color, c.rng.uniform(-0.1, 0.25)), 200), 0.7)
    for t in (-0.22, 0.22):
        c.rect(
            cx + t * w - 3, cy - h / 2 - 1, cx + t * w + 3, cy + h / 2 + 1, (200, 44, 40), radius=2
        )


def _bowl(c: Canvas, cx: float, rim: float, r: float, band: Color = (60, 90, 160)) -> None:
    c.draw.chord(c.box(cx - r, rim - r * 0.75, cx + r, rim + r * 0.75), 0, 180, fill=CERAMIC)
    c.draw.chord(
        c.box(cx - r * 0.96, rim - r * 0.6, cx + r * 0.96, rim + r * 0.62),
        20,
        160,
        fill=shade(CERAMIC, -0.05),
    )
    c.arc(cx, rim + 2, r * 0.9, r * 0.55, 30, 150, band, 2.5)
    c.ellipse(cx, rim, r, r * 0.2, shade(CERAMIC, -0.12))


def noodles(c: Canvas, option: str | None) -> None:
    """Miến dong and bún ngũ sắc: tied bundles, a bowl, or a pack."""
    colors = RAINBOW if option == "rainbow" else (MIEN, shade(MIEN, 0.1), shade(MIEN, -0.05))
    v = c.variant % 3
    if v == 0:
        c.shadow([(200, 264, 160, 12)])
        for i, (x, y) in enumerate(((130, 236), (270, 236), (200, 196), (200, 244))):
            _bundle(c, x, y, 160, 44, colors[i % len(colors)])
    elif v == 1:
        c.shadow([(200, 266, 110, 12)])
        _bowl(c, 200, 200, 100)
        for _ in range(70):
            x, y = 200 + c.jitter(80), 200 + c.jitter(14)
            c.arc(
                x,
                y,
                c.rng.uniform(8, 20),
                c.rng.uniform(3, 8),
                c.rng.uniform(0, 180),
                c.rng.uniform(200, 360),
                c.rng.choice(colors),
                1.1,
            )
        for _ in range(7):
            c.leaf(200 + c.jitter(70), 194 + c.jitter(8), 16, c.rng.uniform(0, 360), LEAF)
        c.leaf(300, 250, 60, -30, (206, 40, 32), width=0.2, vein=False)
    else:
        c.shadow([(200, 266, 120, 12)])
        c.rect(90, 110, 310, 262, (236, 240, 236, 170), radius=12)
        for i, y in enumerate((140, 180, 220)):
            _bundle(c, 200, y, 180, 30, colors[i % len(colors)])
        c.rect(90, 236, 310, 262, (196, 56, 48), radius=6)
        c.leaf(120, 249, 30, -10, (246, 206, 92), width=0.4, vein=False)


def _grains(c: Canvas, cx: float, cy: float, rx: float, ry: float, color: Color, n: int) -> None:
    for _ in range(n):
        u, v = c.rng.uniform(-1, 1), c.rng.uniform(-1, 1)
        if u * u + v * v <= 1:
            c.leaf(
                cx + u * rx,
                cy + v * ry,
                5,
                c.rng.uniform(0, 360),
                shade(color, c.rng.uniform(-0.08, 0.06)),
                width=0.5,
                vein=False,
            )


def _rice_ear(c: Canvas, x: float, y: float, angle: float) -> None:
    rad = math.radians(angle)
    tip = (x + math.cos(rad) * 120, y + math.sin(rad) * 120)
    c.line([(x, y), tip], (196, 160, 80), 1.6)
    for i in range(12):
        t = 0.45 + i * 0.045
        px, py = x + (tip[0] - x) * t, y + (tip[1] - y) * t
        for side in (-1, 1):
            c.leaf(px, py, 9, angle + side * 30, (222, 180, 70), width=0.55, vein=False)


def _sack(c: Canvas, cx: float, base: float, grain: Color) -> None:
    burlap = (206, 176, 122)
    c.polygon(
        [
            (cx - 70, base - 120),
            (cx + 70, base - 120),
            (cx + 84, base - 10),
            (cx + 70, base),
            (cx - 70, base),
            (cx - 84, base - 10),
        ],
        burlap,
    )
    for i in range(1, 12):
        y = base - i * 10
        c.line([(cx - 80, y), (cx + 80, y)], shade(burlap, -0.08), 0.8)
    c.ellipse(cx, base - 120, 70, 16, shade(burlap, -0.2))
    c.ellipse(cx, base - 124, 60, 12, grain)
    _grains(c, cx, base - 124, 56, 10, grain, 120)
    c.rect(cx - 40, base - 80, cx + 40, base - 40, (246, 238, 214), radius=4)
    c.leaf(cx - 20, base - 60, 40, -12, (210, 170, 60), width=0.3, vein=False)


def rice(c: Canvas, option: str | None) -> None:
    """Rice: a sack with ears of rice, a bowl of grain, or a plate of xôi (sticky rice)."""
    grain = {"sticky": (250, 244, 224), "purple": (110, 60, 96)}.get(option or "", (246, 242, 230))
    v = c.variant % 3
    if v == 0:
        c.shadow([(170, 262, 90, 12), (300, 262, 50, 8)])
        _rice_ear(c, 290, 250, -110)
        _sack(c, 170, 258, grain)
        c.ellipse(300, 250, 50, 11, grain)
        _grains(c, 300, 246, 44, 8, grain, 120)
    elif v == 1:
        c.shadow([(200, 266, 110, 12)])
        _rice_ear(c, 300, 240, -125)
        _rice_ear(c, 110, 240, -60)
        _bowl(c, 200, 205, 95, (150, 110, 60))
        c.ellipse(200, 203, 88, 16, grain)
        _grains(c, 200, 198, 80, 14, grain, 300)
    else:
        c.shadow([(200, 266, 140, 14)])
        c.ellipse(200, 250, 140, 26, CERAMIC)
        c.ellipse(200, 250, 126, 22, BANANA_LEAF)
        yellow = (246, 204, 90) if option == "sticky" else grain
        for i in range(10):
            c.ellipse(200, 236 - i * 5, 90 - i * 8, 18 - i * 1.1, shade(yellow, -0.08 + i * 0.015))
        _grains(c, 200, 222, 70, 20, yellow, 260)


def _wrapped_cake(c: Canvas, x: float, y: float, size: float) -> None:
    """A cake wrapped in dried banana leaf, tied with two strips of bamboo."""
    wrap = (190, 168, 104)
    c.rect(x, y, x + size, y + size, shade(wrap, -0.22), radius=5)
    c.rect(x + 2, y + 2, x + size - 3, y + size - 3, wrap, radius=5)
    c.polygon(
        [(x + 2, y + 2), (x + size * 0.55, y + 2), (x + 2, y + size * 0.55)], shade(wrap, 0.1)
    )
    for i in range(1, 8):
        c.line(
            [(x + i * size / 8, y + 3), (x + i * size / 8 - 5, y + size - 4)],
            shade(wrap, -0.14),
            0.7,
        )
    for t in (0.3, 0.7):
        c.line([(x + size * t, y - 1), (x + size * t, y + size + 1)], (226, 206, 150), 2.4)
        c.line([(x - 1, y + size * t), (x + size + 1, y + size * t)], (226, 206, 150), 2.4)


def _cut_cake(c: Canvas, x: float, y: float, size: float) -> None:
    c.rect(x, y, x + size, y + size, (40, 34, 32), radius=6)
    c.ellipse(x + size / 2, y + size / 2, size * 0.27, size * 0.22, (238, 200, 80))
    for _ in range(8):
        c.circle(
            x + size / 2 + c.jitter(size * 0.18),
            y + size / 2 + c.jitter(size * 0.12),
            1.4,
            (250, 244, 228),
        )


def gai_cakes(c: Canvas, option: str | None) -> None:
    """Bánh gai: a stack of leaf-wrapped cakes, cut cakes on a plate, or a gift box."""
    v = c.variant % 3
    if v == 0:
        c.shadow([(165, 264, 110, 12), (310, 262, 44, 8)])
        for x, y in ((80, 192), (150, 192), (115, 124)):
            _wrapped_cake(c, x + c.jitter(2), y, 68)
        _cut_cake(c, 262, 196, 64)
    elif v == 1:
        c.shadow([(200, 264, 140, 14)])
        c.ellipse(200, 248, 140, 26, CERAMIC)
        c.ellipse(200, 246, 120, 20, BANANA_LEAF)
        for x in (110, 170, 230):
            _cut_cake(c, x, 196, 56)
    else:
        c.shadow([(200, 268, 140, 12)])
        c.rect(64, 170, 336, 262, (176, 40, 40), radius=6)
        c.rect(74, 178, 326, 254, (234, 210, 160), radius=4)
        for x in (82, 144, 206, 268):
            _wrapped_cake(c, x, 188, 56)
        c.rect(64, 236, 336, 262, (196, 48, 46), radius=6)
        c.rect(188, 236, 212, 262, (246, 206, 92))


def _khao(c: Canvas, x: float, y: float, w: float) -> None:
    c.rect(x, y, x + w, y + w * 0.45, (238, 228, 206), radius=3)
    c.rect(x + 3, y + 3, x + w - 3, y + 6, (250, 244, 232), radius=1)
    c.circle(x + w / 2, y + w * 0.25, w * 0.1, (226, 212, 186))


def khao_cakes(c: Canvas, option: str | None) -> None:
    """Bánh khảo: paper-wrapped blocks, a plate with tea, or a box."""
    v = c.variant % 3
    if v == 0:
        c.shadow([(190, 264, 130, 12)])
        for i, x in enumerate((70, 150, 230)):
            c.rect(x, 160, x + 70, 258, (200, 44, 44) if i != 1 else (40, 120, 80), radius=4)
            c.rect(x, 196, x + 70, 222, (246, 206, 92))
        for j in range(3):
            _khao(c, 310, 240 - j * 18, 60)
    elif v == 1:
        c.shadow([(190, 266, 140, 14)])
        c.ellipse(190, 248, 140, 26, CERAMIC)
        for j in range(4):
            for i in range(3):
                _khao(c, 110 + i * 58 + (j % 2) * 12, 232 - j * 14, 52)
        c.leaf(320, 250, 50, -120, LEAF, width=0.45)
    else:
        c.shadow([(200, 266, 130, 12)])
        c.rect(80, 170, 320, 262, (232, 196, 120), radius=8)
        c.rect(96, 184, 304, 248, (250, 236, 206), radius=6)
        for j in range(3):
            for i in range(3):
                _khao(c, 108 + i * 66, 192 + j * 18, 58)


def _strip(c: Canvas, x: float, y: float, length: float, angle: float) -> None:
    meat = (112, 44, 28)
    c.leaf(x, y, length, angle, shade(meat, c.rng.uniform(-0.2, 0.05)), width=0.2, vein=False)
    rad = math.radians(angle)
    c.line(
        [
            (x + math.cos(rad) * 8, y + math.sin(rad) * 8),
            (x + math.cos(rad) * length * 0.8, y + math.sin(rad) * length * 0.8),
        ],
        (160, 74, 50, 150),
        1,
    )


def dried_meat(c: Canvas, option: str | None) -> None:
    """Thịt trâu gác bếp: strips hung over the kitchen fire, a board, or a sealed pack."""
    v = c.variant % 3
    if v == 0:
        c.rect(0, 40, 400, 52, (120, 90, 50), radius=6)
        for i in range(7):
            x = 60 + i * 46 + c.jitter(6)
            c.line([(x, 46), (x, 62)], (180, 150, 100), 1)
            _strip(c, x, 58, c.rng.uniform(120, 170), 90 + c.jitter(4))
        c.shadow([(200, 262, 120, 8)], strength=50)
    elif v == 1:
        c.shadow([(200, 266, 150, 12)])
        c.rect(60, 210, 340, 258, WOOD, radius=10)
        c.rect(60, 210, 340, 222, shade(WOOD, 0.12), radius=10)
        for i in range(9):
            _strip(c, 90 + i * 22, 236 + c.jitter(6), 90, -10 + c.jitter(10))
        for i in range(3):
            c.leaf(250 + i * 20, 206, 40, -80 + i * 30, CHILI, width=0.22, vein=False)
        c.leaf(110, 204, 34, -60, LEAF, width=0.5)
    else:
        c.shadow([(200, 266, 120, 12)])
        c.rect(90, 120, 310, 262, (240, 236, 226, 200), radius=16)
        for i in range(6):
            _strip(c, 110 + i * 32, 140 + (i % 2) * 10, 110, 80 + c.jitter(6))
        c.rect(90, 226, 310, 262, (60, 40, 30), radius=8)
        c.leaf(116, 244, 28, -10, (246, 206, 92), width=0.4, vein=False)


def _fish(c: Canvas, cx: float, cy: float, length: float, color: Color, facing: int = 1) -> None:
    half = length / 2
    tail = cx - facing * half
    c.polygon(
        [
            (tail + facing * 8, cy),
            (tail - facing * 26, cy - 22),
            (tail - facing * 20, cy),
            (tail - facing * 26, cy + 22),
        ],
        shade(color, -0.15),
    )
    c.polygon(
        [
            (cx - facing * 10, cy - half * 0.28),
            (cx + facing * 14, cy - half * 0.42),
            (cx + facing * 24, cy - half * 0.26),
        ],
        shade(color, -0.2),
    )
    c.ellipse(cx, cy, half, half * 0.3, color)
    c.ellipse(cx, cy - half * 0.1, half * 0.92, half * 0.17, shade(color, -0.18))
    c.ellipse(
        cx + facing * half * 0.1, cy + half * 0.08, half * 0.8, half * 0.14, shade(color, 0.2)
    )
    head = cx + facing * half * 0.72
    c.circle(head, cy - half * 0.06, 4.5, (250, 250, 250))
    c.circle(head, cy - half * 0.06, 2.4, (30, 30, 30))
    c.arc(
        head - facing * 14,
        cy,
        8,
        half * 0.22,
        300 if facing > 0 else 120,
        60 if facing > 0 else 240,
        shade(color, -0.3),
        1.2,
    )


def _patty(c: Canvas, cx: float, cy: float, r: float) -> None:
    c.ellipse(cx, cy + 3, r, r * 0.45, (176, 110, 44))
    c.ellipse(cx, cy, r, r * 0.42, (226, 164, 70))
    c.ellipse(cx - r * 0.2, cy - r * 0.1, r * 0.5, r * 0.18, (240, 196, 110))


def fish(c: Canvas, option: str | None) -> None:
    """River fish on a banana leaf, on a plate with herbs, or golden fish cakes (``cake``)."""
    silver = {"dark": (110, 120, 118), "gold": (196, 170, 110)}.get(option or "", (168, 178, 180))
    v = c.variant % 3
    if option == "cake":
        c.shadow([(200, 266, 140, 14)])
        c.ellipse(200, 250, 140, 26, CERAMIC)
        c.ellipse(200, 248, 124, 20, BANANA_LEAF)
        spots = ((140, 240), (200, 246), (260, 240), (170, 226), (230, 226))
        for x, y in spots[: 3 + v]:
            _patty(c, x, y, 34)
        c.leaf(320, 232, 36, -150, LEAF)
        c.leaf(90, 236, 30, -40, CHILI, width=0.2, vein=False)
    elif v == 0:
        c.shadow([(200, 262, 160, 12)])
        c.leaf(40, 246, 330, -3, BANANA_LEAF, width=0.28)
        _fish(c, 200, 234, 220, silver)
    elif v == 1:
        c.shadow([(200, 266, 160, 14)])
        c.ellipse(200, 250, 160, 28, CERAMIC)
        _fish(c, 190, 236, 200, silver, facing=-1)
        for i in range(4):
            c.leaf(320 + c.jitter(6), 240, 30, -90 - i * 40, LEAF)
        c.ellipse(80, 238, 16, 12, (240, 226, 100))
    else:
        c.shadow([(200, 264, 160, 14)])
        c.leaf(30, 250, 340, -2, BANANA_LEAF, width=0.3)
        _fish(c, 170, 222, 170, silver)
        _fish(c, 240, 244, 170, shade(silver, -0.08), facing=-1)


def _shoot(c: Canvas, cx: float, base: float, h: float, w: float, lean: float = 0) -> None:
    """An unpeeled bamboo shoot: a curved cone wrapped in speckled sheaths, green at the tip."""
    sheath = (146, 104, 70)

    def edge(t: float, side: int) -> tuple[float, float]:
        half = w * (1 - t) ** 0.8
        return cx + lean * h * t * t + side * half, base - h * t

    steps = [i / 20 for i in range(21)]
    c.polygon([edge(t, -1) for t in steps] + [edge(t, 1) for t in reversed(steps)], sheath)
    c.polygon(
        [edge(t, 1) for t in steps[:18]] + [edge(t, 0.35) for t in reversed(steps[:18])],
        shade(sheath, -0.12),
    )
    for i in range(1, 6):
        t = i / 6.5
        x0, y0 = edge(t, -1)
        x1, y1 = edge(min(1, t + 0.12), 1)
        c.line([(x0, y0), ((x0 + x1) / 2, (y0 + y1) / 2 + 4), (x1, y1)], shade(sheath, -0.3), 1.2)
    for _ in range(int(w * 1.5)):
        t = c.rng.uniform(0.05, 0.8)
        x0, y = edge(t, -1)
        x1, _ = edge(t, 1)
        c.circle(c.rng.uniform(x0 + 2, x1 - 2), y, 0.9, (70, 46, 30, 170))
    tip = edge(0.86, 0)
    c.leaf(tip[0], tip[1], h * 0.2, -90 + lean * 40 - 15, (150, 160, 70), width=0.4, vein=False)
    c.leaf(tip[0], tip[1], h * 0.16, -90 + lean * 40 + 20, (128, 146, 64), width=0.4, vein=False)


def _peeled_shoot(c: Canvas, x: float, y: float, length: float, r: float) -> None:
    """A peeled shoot lying on its side: a pale cone with growth rings."""
    flesh = (240, 226, 168)
    c.polygon([(x, y - r), (x + length, y - 2), (x + length, y + 2), (x, y + r)], flesh)
    c.ellipse(x, y, r * 0.35, r, shade(flesh, -0.08))
    for i in range(1, 7):
        px = x + length * i / 7
        half = r * (1 - i / 7) + 2
        c.line([(px, y - half), (px + 3, y + half)], shade(flesh, -0.15), 1)


def bamboo_shoots(c: Canvas, option: str | None) -> None:
    """Măng rừng: fresh shoots, a bundle of dried shoots (``dried``) or a jar (``pickled``)."""
    v = c.variant % 3
    c.shadow([(200, 264, 150, 12)])
    if option == "dried":
        c.ellipse(200, 248, 150, 26, (196, 160, 100))
        for i in range(14):
            x = 110 + i * 13 + c.jitter(4)
            c.leaf(
                x, 250, 140, -95 + c.jitter(10) + (i - 7) * 2, (140, 96, 52), width=0.14, vein=False
            )
        c.rect(170, 178, 240, 188, (200, 44, 40), radius=2)
        if v:
            c.leaf(330, 250, 50, -120, LEAF)
    elif option == "pickled":
        c.rect(130, 110, 270, 258, (236, 240, 236, 210), radius=16)
        for i in range(24):
            c.line([(146 + i * 5, 250), (150 + i * 5 + c.jitter(3), 140)], (230, 210, 120), 3)
        c.rect(124, 96, 276, 118, (200, 44, 40), radius=6)
        for i in range(3 + v):
            c.leaf(160 + i * 24, 200 + i * 10, 34, -60, CHILI, width=0.22, vein=False)
        c.leaf(300, 252, 40, -30, CHILI, width=0.22, vein=False)
    elif v == 1:
        _peeled_shoot(c, 90, 236, 190, 26)
        _peeled_shoot(c, 130, 256, 170, 22)
        _shoot(c, 320, 258, 120, 30, 0.1)
    else:
        _shoot(c, 150, 258, 150, 36, -0.12)
        _shoot(c, 230, 258, 170, 40, 0.08)
        _shoot(c, 305, 258, 120, 30, 0.2)
        c.leaf(90, 256, 50, -20, LEAF)


def sauce(c: Canvas, option: str | None) -> None:
    """Tương (fermented soybean sauce) in jars, with soybeans and chillies."""
    c.shadow([(200, 264, 140, 12)])
    with c.zoom(1.15 if c.variant % 3 == 1 else 1.0, 200, 262):
        for x, h in ((150, 130), (240, 110)):
            c.rect(x - 40, 258 - h, x + 40, 258, (236, 240, 236, 210), radius=10)
            c.rect(x - 36, 258 - h + 20, x + 36, 254, (138, 82, 36), radius=8)
            c.rect(x - 42, 258 - h - 14, x + 42, 258 - h + 4, (200, 44, 40), radius=5)
            c.rect(x - 36, 258 - h * 0.55, x + 36, 258 - h * 0.25, (246, 236, 208))
        for _ in range(26):
            c.circle(320 + c.jitter(30), 252 + c.jitter(6), 4, (230, 204, 140))
        for i in range(2 + c.variant % 2):
            c.leaf(80 - i * 10, 254, 44, -20 - i * 25, CHILI, width=0.22, vein=False)


def _mushroom(c: Canvas, x: float, y: float, r: float) -> None:
    c.rect(x - r * 0.22, y - r * 0.2, x + r * 0.22, y + r * 0.7, (232, 220, 196), radius=r * 0.15)
    c.draw.chord(c.box(x - r, y - r * 0.8, x + r, y + r * 0.45), 180, 360, fill=(116, 72, 44))
    c.draw.chord(
        c.box(x - r * 0.9, y - r * 0.72, x + r * 0.8, y + r * 0.3), 190, 300, fill=(140, 92, 58)
    )
    c.ellipse(x, y - r * 0.17, r, r * 0.12, (206, 186, 150))
    for _ in range(7):
        a = c.rng.uniform(math.pi * 1.1, math.pi * 1.9)
        c.line(
            [
                (x + math.cos(a) * r * 0.3, y - r * 0.18 + math.sin(a) * r * 0.2),
                (x + math.cos(a) * r * 0.85, y - r * 0.18 + math.sin(a) * r * 0.55),
            ],
            (222, 200, 170),
            1,
        )


def mushrooms(c: Canvas, option: str | None) -> None:
    """Forest mushrooms (nấm hương): caps with pale cracks, loose or in a basket."""
    v = c.variant % 3
    c.shadow([(200, 264, 150, 12)])
    if v == 2:
        c.ellipse(200, 248, 160, 28, (196, 160, 100))
    spots = [
        (160, 214, 38),
        (250, 208, 42),
        (110, 238, 34),
        (205, 246, 40),
        (295, 240, 36),
        (340, 250, 26),
        (70, 252, 24),
    ]
    for x, y, r in spots[: 4 + v]:
        _mushroom(c, x, y, r)
