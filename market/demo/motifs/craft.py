"""Crafts and ornamental plants: thổ cẩm brocade, brocade bags, orchids, peach trees, bonsai."""

import math
import random

from PIL import Image, ImageDraw

from market.demo.canvas import Canvas, Color, mix, shade

# Tày and Dao brocade colours: indigo or black grounds with red, yellow, white, green, pink.
PALETTES: tuple[tuple[Color, ...], ...] = (
    ((28, 30, 58), (200, 40, 46), (246, 200, 64), (246, 240, 226), (60, 140, 90)),
    ((24, 22, 24), (214, 60, 120), (246, 170, 40), (90, 170, 200), (246, 240, 226)),
    ((150, 30, 40), (246, 206, 80), (28, 30, 58), (246, 240, 226), (80, 150, 80)),
)
LEAF = (70, 126, 58)


def _pattern(
    size: tuple[int, int], palette: tuple[Color, ...], rng: random.Random, unit: float
) -> Image.Image:
    """A strip of woven motifs: bands of diamonds, zigzags, checks and stripes."""
    width, height = size
    image = Image.new("RGBA", size, palette[0])
    draw = ImageDraw.Draw(image)
    y = 0.0
    band = 0
    while y < height:
        kind = ("stripe", "diamonds", "stripe", "zigzag", "stripe", "checks")[band % 6]
        color = palette[1 + (band + rng.randrange(2)) % (len(palette) - 1)]
        if kind == "stripe":
            h = 3 * unit
            draw.rectangle([0, y, width, y + h], fill=color)
        elif kind == "diamonds":
            h = 16 * unit
            for i, x in enumerate(range(0, width + int(h), max(1, int(h)))):
                fill = color if i % 2 else palette[1 + (band + 2) % (len(palette) - 1)]
                draw.polygon(
                    [(x, y + h / 2), (x + h / 2, y), (x + h, y + h / 2), (x + h / 2, y + h)],
                    fill=fill,
                )
                draw.polygon(
                    [
                        (x + h * 0.3, y + h / 2),
                        (x + h / 2, y + h * 0.3),
                        (x + h * 0.7, y + h / 2),
                        (x + h / 2, y + h * 0.7),
                    ],
                    fill=palette[0],
                )
        elif kind == "zigzag":
            h = 10 * unit
            points = [
                (x, y + (h if (x // int(h)) % 2 else 0))
                for x in range(0, width + int(h), max(1, int(h)))
            ]
            draw.line(points, fill=color, width=max(1, int(2.5 * unit)))
        else:
            h = 8 * unit
            step = max(1, int(4 * unit))
            for x in range(0, width, step * 2):
                draw.rectangle([x, y, x + step, y + step], fill=color)
                draw.rectangle([x + step, y + step, x + step * 2, y + step * 2], fill=color)
        y += h + 3 * unit
        band += 1
    return image


def _cloth(
    c: Canvas,
    x0: float,
    y0: float,
    x1: float,
    y1: float,
    palette: tuple[Color, ...],
    angle: float = 0,
    fringe: str | None = None,
) -> None:
    """A rectangle of brocade at a virtual position, optionally rotated, fringed at the
    ``sides`` (a scarf) or the ``bottom`` (a hanging)."""
    box = c.box(x0, y0, x1, y1)
    size = (max(1, round(box[2] - box[0])), max(1, round(box[3] - box[1])))
    if fringe == "bottom":
        cloth = _pattern(size, palette, c.rng, c.px(1))
    else:
        cloth = _pattern((size[1], size[0]), palette, c.rng, c.px(1)).rotate(90, expand=True)
    draw = ImageDraw.Draw(cloth)
    step, length = max(2, round(c.px(3))), c.px(8)
    width = max(1, step // 3)
    if fringe == "bottom":
        for x in range(0, size[0], step):
            draw.line([(x, size[1] - length), (x, size[1])], fill=palette[3], width=width)
    elif fringe == "sides":
        for y in range(0, size[1], step):
            draw.line([(0, y), (length, y)], fill=palette[3], width=width)
            draw.line([(size[0] - length, y), (size[0], y)], fill=palette[3], width=width)
    if angle:
        cloth = cloth.rotate(angle, expand=True, resample=Image.Resampling.BICUBIC)
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    c.image.paste(cloth, (round(cx - cloth.width / 2), round(cy - cloth.height / 2)), cloth)


def brocade(c: Canvas, option: str | None) -> None:
    """Thổ cẩm: a draped scarf, a stack of folded cloths, or a hanging piece."""
    v = c.variant % 3
    palette = PALETTES[c.rng.randrange(len(PALETTES))]
    if v == 0:
        c.shadow([(200, 250, 170, 20)])
        _cloth(c, 40, 150, 360, 240, palette, angle=8, fringe="sides")
    elif v == 1:
        c.shadow([(200, 264, 130, 12)])
        for i in range(4):
            pal = PALETTES[(i + c.variant) % len(PALETTES)]
            _cloth(c, 80 + i * 4, 228 - i * 26, 320 - i * 4, 262 - i * 26, pal)
            c.rect(80 + i * 4, 258 - i * 26, 320 - i * 4, 262 - i * 26, shade(pal[0], -0.2))
    else:
        c.line([(60, 50), (340, 50)], (150, 110, 60), 6)
        c.line([(200, 50), (200, 28)], (120, 90, 50), 1.5)
        _cloth(c, 100, 54, 300, 250, palette, fringe="bottom")


def _bag(c: Canvas, cx: float, base: float, w: float, h: float, palette: tuple[Color, ...]) -> None:
    c.arc(cx, base - h, w * 0.38, h * 0.75, 180, 360, shade(palette[0], 0.1), 5)
    _cloth(c, cx - w / 2, base - h, cx + w / 2, base, palette)
    c.rect(cx - w / 2, base - h, cx + w / 2, base - h + h * 0.3, shade(palette[0], -0.1), radius=4)
    c.rect(cx - w / 2, base - h + h * 0.26, cx + w / 2, base - h + h * 0.32, palette[1])
    for i in range(5):
        x = cx - w / 2 + (i + 0.5) * w / 5
        c.line([(x, base), (x, base + 14)], palette[1 + i % 3], 2.2)
        c.circle(x, base + 15, 2.6, palette[2])


def bags(c: Canvas, option: str | None) -> None:
    """Brocade bags: one bag, a pair, or a bag with a folded scarf."""
    v = c.variant % 3
    c.shadow([(200, 262, 140, 12)])
    if v == 0:
        _bag(c, 200, 240, 150, 130, PALETTES[0])
    elif v == 1:
        _bag(c, 140, 238, 120, 110, PALETTES[1])
        _bag(c, 270, 242, 120, 110, PALETTES[2])
    else:
        _cloth(c, 60, 226, 340, 262, PALETTES[1], fringe="sides")
        _bag(c, 210, 226, 140, 120, PALETTES[0])


def _pot(c: Canvas, cx: float, base: float, w: float, h: float, color: Color) -> None:
    c.polygon(
        [
            (cx - w / 2, base - h),
            (cx + w / 2, base - h),
            (cx + w * 0.38, base),
            (cx - w * 0.38, base),
        ],
        color,
    )
    c.rect(
        cx - w / 2 - 4, base - h - 8, cx + w / 2 + 4, base - h + 4, shade(color, -0.12), radius=3
    )
    c.polygon(
        [
            (cx - w * 0.36, base - h + 8),
            (cx - w * 0.26, base - h + 8),
            (cx - w * 0.2, base - 4),
            (cx - w * 0.3, base - 4),
        ],
        (255, 255, 255, 70),
    )


def _flower(c: Canvas, x: float, y: float, r: float, petal: Color, lip: Color) -> None:
    for i in range(5):
        c.leaf(x, y, r, -90 + i * 72 + c.jitter(5), petal, width=0.75, vein=False)
    c.leaf(x, y, r * 0.75, 90, lip, width=0.9, vein=False)
    c.circle(x, y, r * 0.18, (246, 220, 90))


def orchids(c: Canvas, option: str | None) -> None:
    """Potted orchids with arching flower spikes."""
    colors = (
        ((176, 70, 160), (120, 40, 110)),
        ((246, 244, 246), (200, 80, 140)),
        ((246, 214, 80), (190, 90, 40)),
    )
    v = c.variant % 3
    pots = ((200, 1.0),) if v != 1 else ((130, 0.85), (280, 0.85))
    c.shadow([(x, 264, 60 * s, 10) for x, s in pots])
    for n, (x, s) in enumerate(pots):
        petal, lip = colors[(n + v) % len(colors)]
        rim = 262 - 70 * s
        _pot(c, x, 262, 90 * s, 70 * s, (230, 226, 218))
        stem = [(x + 5, rim), (x + 10, rim - 60), (x + 40 * s, rim - 110), (x + 80 * s, rim - 120)]
        c.line(stem, (90, 110, 60), 2)
        for side in (-1, 1):
            c.leaf(x, rim - 2, 70 * s, 90 + side * 75, LEAF, width=0.32)
        c.leaf(x, rim - 2, 60 * s, -90 + 60, shade(LEAF, 0.1), width=0.32)
        for i in range(5):
            t = 0.35 + i * 0.16
            px = stem[1][0] + (stem[3][0] - stem[1][0]) * t
            py = stem[1][1] + (stem[3][1] - stem[1][1]) * t + math.sin(t * 3) * 6
            _flower(c, px, py + 10, 17 * s, petal, lip)


def peach_blossom(c: Canvas, option: str | None) -> None:
    """A potted peach tree (đào) in pink blossom."""
    v = c.variant % 3
    c.shadow([(200, 264, 90, 12)])
    trunk = (96, 64, 44)
    c.line([(200, 230), (186, 190), (210, 150), (196, 110)], trunk, 12)
    branches = [
        [(196, 150), (150, 120), (110, 84)],
        [(205, 140), (260, 110), (300, 70)],
        [(196, 110), (180, 70), (200, 40)],
        [(190, 180), (130, 170), (90, 150)],
        [(210, 165), (280, 160), (320, 130)],
    ]
    for branch in branches[: 3 + v]:
        c.line(branch, trunk, 5)
        for _i in range(8):
            t = c.rng.random()
            a, b = (branch[0], branch[1]) if t < 0.5 else (branch[1], branch[2])
            u = (t * 2) % 1
            x, y = a[0] + (b[0] - a[0]) * u + c.jitter(14), a[1] + (b[1] - a[1]) * u + c.jitter(14)
            for k in range(5):
                angle = k * math.tau / 5
                c.circle(x + math.cos(angle) * 4, y + math.sin(angle) * 4, 4.2, (244, 160, 190))
            c.circle(x, y, 2.4, (200, 60, 110))
    _pot(c, 200, 262, 150, 40, (60, 90, 140))


def bonsai(c: Canvas, option: str | None) -> None:
    """A bonsai: a twisting trunk carrying cloud-shaped pads of foliage."""
    v = c.variant % 3
    c.shadow([(200, 264, 100, 12)])
    trunk = (110, 80, 56)
    c.line([(200, 230), (170, 190), (220, 150), (190, 110)], trunk, 14)
    c.line([(212, 156), (280, 140)], trunk, 7)
    c.line([(176, 186), (120, 168)], trunk, 7)
    pads = [(120, 160, 46), (285, 132, 50), (190, 96, 56), (240, 80, 36), (140, 110, 34)]
    for x, y, r in pads[: 3 + v]:
        for _ in range(12):
            c.ball(
                x + c.jitter(r * 0.6),
                y + c.jitter(r * 0.2),
                r * 0.36,
                mix((60, 110, 50), (110, 160, 70), c.rng.random()),
            )
    c.rect(110, 230, 290, 262, (120, 70, 50), radius=4)
    c.rect(104, 226, 296, 236, shade((120, 70, 50), 0.1), radius=3)
