"""What printed labels and posters share: the bundled Noto Sans fonts and line wrapping.

PDFs are drawn with ReportLab and PNGs with Pillow from the same font files, so a line that fits
in the PDF fits in the PNG. Noto Sans covers every Vietnamese letter and tone mark.
"""

from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path

from PIL import ImageFont
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONTS = Path(__file__).parent / "fonts"
FONT_FILES = {False: FONTS / "NotoSans-Regular.ttf", True: FONTS / "NotoSans-Bold.ttf"}
PDF_FONTS = {False: "ChoQueSans", True: "ChoQueSans-Bold"}
POINT_MM = 25.4 / 72


@cache
def register_pdf_fonts() -> None:
    """Make the bundled fonts known to ReportLab (once per process)."""
    for bold, name in PDF_FONTS.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_FILES[bold])))


@cache
def pil_font(bold: bool, pixels: int) -> ImageFont.FreeTypeFont:
    """The bundled font at ``pixels`` for drawing on a Pillow image."""
    return ImageFont.truetype(str(FONT_FILES[bold]), pixels)


def wrap(text: str, bold: bool, points: float, width_mm: float, max_lines: int) -> list[str]:
    """Break text into at most ``max_lines`` lines no wider than ``width_mm``; … if cut."""
    register_pdf_fonts()
    font = PDF_FONTS[bold]

    def fits(candidate: str) -> bool:
        return pdfmetrics.stringWidth(candidate, font, points) * POINT_MM <= width_mm

    lines: list[str] = []
    words = text.split()
    while words and len(lines) < max_lines:
        line = words.pop(0)
        if not fits(line):  # one word wider than the line (a long URL): cut where it stops
            cut = len(line) - 1
            while cut > 1 and not fits(line[:cut]):
                cut -= 1
            words.insert(0, line[cut:])
            line = line[:cut]
        while words and fits(f"{line} {words[0]}"):
            line = f"{line} {words.pop(0)}"
        lines.append(line)
    if words and lines:
        last = lines[-1]
        while last and not fits(f"{last}…"):
            last = last[:-1].rstrip()
        lines[-1] = f"{last}…"
    return lines


def dark_runs(
    matrix: Sequence[Sequence[bool]], left: float, top: float, module: float, quiet_zone: int
) -> Iterator[tuple[float, float, float]]:
    """A QR code's horizontal runs of dark modules as (x, y, length) in mm, row by row.

    ``left``/``top`` place the code's outer corner (its quiet zone included) and ``module`` is
    one module's side: fewer, larger rectangles than one per module, so output stays small.
    """
    for row, cells in enumerate(matrix):
        col = 0
        while col < len(cells):
            if not cells[col]:
                col += 1
                continue
            start = col
            while col < len(cells) and cells[col]:
                col += 1
            yield (
                left + (start + quiet_zone) * module,
                top + (row + quiet_zone) * module,
                (col - start) * module,
            )
