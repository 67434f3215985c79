"""QR labels for a lot: one layout in millimetres, drawn as a PDF sheet, a PNG or an SVG.

The QR code (segno) carries the lot's GS1 Digital Link URI, or its short URL when the product
has no GTIN. Text is set in a bundled Noto Sans subset so Vietnamese prints the same everywhere.
"""

import io
from collections.abc import Iterator
from dataclasses import dataclass

import segno
from flask import render_template
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from catalog.models import Lot
from catalog.trace import links
from market import printing
from market.printing import PDF_FONTS, POINT_MM, pil_font, register_pdf_fonts, wrap
from market.text import nfc

QUIET_ZONE = 4  # modules of white around the code, as ISO/IEC 18004 asks
MAX_SHEETS = 20


@dataclass(frozen=True)
class LabelSize:
    """A label size and the A4 sheet layout of the common label stock that has it."""

    key: str
    name: str
    width: float  # mm
    height: float
    columns: int
    rows: int
    left: float  # mm from the sheet's left edge to the first label
    top: float
    pitch_x: float  # mm from one label's left edge to the next
    pitch_y: float

    @property
    def per_sheet(self) -> int:
        """How many labels one A4 sheet holds."""
        return self.columns * self.rows


SIZES = {
    size.key: size
    for size in (
        LabelSize("small", _l("Small, 38 × 21 mm"), 38.1, 21.2, 5, 13, 4.65, 10.7, 40.6, 21.2),
        LabelSize("medium", _l("Medium, 64 × 38 mm"), 63.5, 38.1, 3, 7, 7.25, 15.15, 66.04, 38.1),
        LabelSize("large", _l("Large, 99 × 68 mm"), 99.1, 67.7, 2, 4, 4.65, 13.1, 101.6, 67.7),
    )
}
DEFAULT_SIZE = "medium"


@dataclass(frozen=True)
class LabelContent:
    """What a label says, already in the user's language."""

    url: str
    product: str
    lot: str
    date_line: str
    producer: str


@dataclass(frozen=True)
class TextLine:
    """One line of text; ``x``/``baseline`` in mm from the label's top-left corner."""

    x: float
    baseline: float
    size: float  # points
    bold: bool
    text: str


@dataclass(frozen=True)
class LabelLayout:
    """A label drawn in millimetres: the QR code's place and module size, and the text lines."""

    width: float
    height: float
    qr_x: float
    qr_y: float
    module: float
    matrix: tuple[tuple[bool, ...], ...]
    lines: tuple[TextLine, ...]

    def dark_runs(self) -> Iterator[tuple[float, float, float]]:
        """Horizontal runs of dark modules as (x, y, length) in mm, for compact drawing."""
        return printing.dark_runs(self.matrix, self.qr_x, self.qr_y, self.module, QUIET_ZONE)


def label_content(lot: Lot, made_by_processing: bool = False) -> LabelContent:
    """The label text for a lot in the current language."""
    day = format_date(lot.harvest_date, "dd/MM/yyyy")
    date_line = (
        _("Produced: %(date)s", date=day)
        if made_by_processing
        else _("Harvest: %(date)s", date=day)
    )
    return LabelContent(
        url=links.label_url(lot),
        product=nfc(lot.product.name),
        lot=_("Lot: %(code)s", code=lot.code),
        date_line=date_line,
        producer=nfc(lot.product.producer.name),
    )


def layout(content: LabelContent, size: LabelSize) -> LabelLayout:
    """Place the QR code on the left at full height and the text beside it."""
    qr = segno.make_qr(content.url, error="m")
    matrix = tuple(tuple(bool(v) for v in row) for row in qr.matrix)
    pad = min(size.height * 0.06, 2.5)
    side = min(size.height - 2 * pad, size.width * 0.5)
    module = side / (len(matrix) + 2 * QUIET_ZONE)
    text_x = pad + side + pad * 0.5
    text_width = size.width - text_x - pad
    base = max(4.5, min(9.0, size.height / 5.0))  # points
    lines: list[TextLine] = []
    y = pad + _inset(side, module)
    for text, bold, scale, max_lines in (
        (content.product, True, 1.15, 3 if size.height > 30 else 2),
        (content.lot, True, 1.0, 1),
        (content.date_line, False, 0.9, 2),
        (content.producer, False, 0.85, 2),
    ):
        points = base * scale
        for part in wrap(text, bold, points, text_width, max_lines):
            y += points * POINT_MM * 1.05
            lines.append(TextLine(text_x, y, points, bold, part))
        y += points * POINT_MM * 0.35
    return LabelLayout(size.width, size.height, pad, pad, module, matrix, tuple(lines))


def sheet_pdf(content: LabelContent, size: LabelSize, sheets: int = 1) -> bytes:
    """An A4 PDF with ``sheets`` pages of identical labels on the size's standard stock."""
    register_pdf_fonts()
    label = layout(content, size)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"{content.product} — {content.lot}")
    pdf.setAuthor("Chợ Quê")
    page_height = A4[1]
    for _sheet in range(max(1, min(sheets, MAX_SHEETS))):
        for row in range(size.rows):
            for col in range(size.columns):
                left = (size.left + col * size.pitch_x) * mm
                top = page_height - (size.top + row * size.pitch_y) * mm
                _draw_pdf_label(pdf, label, left, top)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def label_png(content: LabelContent, size: LabelSize, dpi: int = 300) -> bytes:
    """One label as a PNG at ``dpi`` dots per inch."""
    label = layout(content, size)
    scale = dpi / 25.4  # pixels per mm
    image = Image.new("L", (round(label.width * scale), round(label.height * scale)), 255)
    draw = ImageDraw.Draw(image)
    for x, y, length in label.dark_runs():
        draw.rectangle(
            (
                round(x * scale),
                round(y * scale),
                round((x + length) * scale) - 1,
                round((y + label.module) * scale) - 1,
            ),
            fill=0,
        )
    for line in label.lines:
        font = pil_font(line.bold, round(line.size * dpi / 72))
        draw.text((line.x * scale, line.baseline * scale), line.text, font=font, anchor="ls")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True, dpi=(dpi, dpi))
    return buffer.getvalue()


def label_svg(content: LabelContent, size: LabelSize) -> str:
    """One label as a standalone SVG in millimetres."""
    label = layout(content, size)
    return render_template("trace/label.svg", label=label, content=content, point_mm=POINT_MM)


def _draw_pdf_label(pdf: canvas.Canvas, label: LabelLayout, left: float, top: float) -> None:
    pdf.setFillGray(0)
    path = pdf.beginPath()
    for x, y, length in label.dark_runs():
        path.rect(left + x * mm, top - (y + label.module) * mm, length * mm, label.module * mm)
    pdf.drawPath(path, stroke=0, fill=1)
    for line in label.lines:
        pdf.setFont(PDF_FONTS[line.bold], line.size)
        pdf.drawString(left + line.x * mm, top - line.baseline * mm, line.text)


def _inset(side: float, module: float) -> float:
    """Start the text level with the code's top edge rather than its quiet zone."""
    return min(QUIET_ZONE * module, side * 0.1) - 0.5
