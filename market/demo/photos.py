"""Illustrated product photos for the demo, drawn locally with Pillow (no network).

Each photo is a motif (oranges, tea, honey jar, brocade, stilt house…) on a soft background whose
colour follows the product's OCOP group. Drawing is seeded by the product slug and photo number,
so a reload draws the same pictures.
"""

import io
import random
import zlib

from PIL import Image

from market.demo.canvas import VIRTUAL_HEIGHT, VIRTUAL_WIDTH, Canvas, Color, mix, shade
from market.demo.motifs import MOTIFS

SUPERSAMPLE = 2  # draw at twice the size, then downscale: smooth edges without anti-aliasing
DEFAULT_WIDTH = 800

# OCOP group → (wall top, wall bottom, table); tourism photos draw their own landscape.
BACKDROPS: dict[str, tuple[Color, Color, Color | None]] = {
    "I": ((255, 246, 228), (247, 230, 200), (226, 196, 150)),
    "II": ((232, 243, 251), (210, 228, 243), (176, 200, 222)),
    "III": ((236, 247, 236), (214, 236, 216), (183, 214, 186)),
    "IV": ((250, 236, 242), (240, 216, 228), (214, 180, 198)),
    "V": ((243, 248, 230), (226, 238, 204), (201, 220, 170)),
    "VI": ((198, 226, 245), (252, 236, 214), None),
}
TABLE_TOP = 0.7  # fraction of the height where the table starts
CLOSE_UP = 1.12


def motif_names() -> set[str]:
    """Every motif a product may name in the demo data (``name`` or ``name:option``)."""
    return set(MOTIFS)


def draw_photo(motif: str, group: str, seed: str, index: int, width: int = DEFAULT_WIDTH) -> bytes:
    """A 4:3 PNG of ``motif`` for photo number ``index`` of the product ``seed``.

    Each motif has three compositions; which one a product starts with depends on its seed,
    so a row of similar products (five kinds of oranges) does not show five identical covers.
    """
    name, _, option = motif.partition(":")
    rng = random.Random(f"{seed}:{index}")
    variant = zlib.crc32(seed.encode()) % 3 + index
    height = width * VIRTUAL_HEIGHT // VIRTUAL_WIDTH
    big = (width * SUPERSAMPLE, height * SUPERSAMPLE)
    backdrop = BACKDROPS.get(group, BACKDROPS["I"])
    image = _backdrop(big, backdrop, rng)
    canvas = Canvas(image, rng, variant)
    if backdrop[2] is None:  # a landscape fills the frame as drawn
        MOTIFS[name](canvas, option or None)
    else:  # a still life: bring it a little closer, resting on the table
        with canvas.zoom(CLOSE_UP, VIRTUAL_WIDTH / 2, VIRTUAL_HEIGHT * 0.87):
            MOTIFS[name](canvas, option or None)
    image = image.resize((width, height), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


def _backdrop(size: tuple[int, int], colors: tuple, rng: random.Random) -> Image.Image:
    """A vertical wash of colour with, for products, a table surface and a soft edge."""
    top, bottom, table = colors
    tint = rng.uniform(-0.03, 0.03)
    top, bottom = shade(top, tint), shade(bottom, tint)
    width, height = size
    gradient = Image.linear_gradient("L").resize(size)
    image = Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), gradient)
    if table is not None:
        edge = int(height * TABLE_TOP)
        surface = Image.linear_gradient("L").resize((width, height - edge))
        lower = Image.composite(
            Image.new("RGB", surface.size, shade(table, -0.08)),
            Image.new("RGB", surface.size, table),
            surface,
        )
        image.paste(lower, (0, edge))
        image.paste(
            mix(table, (255, 255, 255), 0.35), (0, edge, width, edge + max(2, height // 150))
        )
    return image
