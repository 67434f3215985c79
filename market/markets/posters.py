"""Stall posters: the stall's static VietQR, who it pays, a check code and the stall's link.

One layout in millimetres is drawn as an A4 or A5 PDF (reportlab, invariant mode, so the same
stall prints byte for byte the same) or as a PNG. Posters are always in Vietnamese, whoever
prints them: they hang at a Vietnamese market. The text says whose account the QR pays so a
buyer can compare it with the name their banking app shows: a QR pasted over the real one
shows another holder.
"""

import io
from dataclasses import dataclass

import segno
from flask_babel import force_locale
from flask_babel import gettext as _
from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from market import banks, printing
from market.markets.models import Stall
from market.markets.stalls import check_code, public_url, static_payload
from market.printing import PDF_FONTS, POINT_MM, pil_font, register_pdf_fonts, wrap
from market.text import nfc
from payments.qr import BORDER, ERROR_LEVEL

PNG_DPI = 200
GREEN = (0x1F, 0x6B, 0x3A)


@dataclass(frozen=True)
class PageSize:
    """A paper size in millimetres and its reportlab size in points."""

    key: str
    width: float
    height: float
    points: tuple[float, float]


SIZES = {
    "a4": PageSize("a4", 210.0, 297.0, A4),
    "a5": PageSize("a5", 148.0, 210.0, A5),
}


@dataclass(frozen=True)
class Line:
    """A centred line of text; ``baseline`` in mm from the top edge."""

    baseline: float
    size: float  # points
    bold: bool
    text: str
    green: bool = False


@dataclass(frozen=True)
class Poster:
    """The poster drawn in millimetres: the QR code's place and module size, and the text."""

    width: float
    height: float
    qr_x: float
    qr_y: float
    module: float
    matrix: tuple[tuple[bool, ...], ...]
    lines: tuple[Line, ...]
    title: str
    frame: float  # mm from the edge to the printed border

    @property
    def qr_side(self) -> float:
        """The QR code's side with its quiet zone, in mm."""
        return (len(self.matrix) + 2 * BORDER) * self.module


def group_digits(account: str) -> str:
    """An account number in groups of four, easier to compare by eye."""
    return " ".join(account[i : i + 4] for i in range(0, len(account), 4))


def layout(stall: Stall, size: PageSize) -> Poster:
    """Place the text and the QR code for a stall on a page of ``size``."""
    scale = size.width / 210.0
    margin = 14 * scale
    text_width = size.width - 2 * margin
    matrix = tuple(
        tuple(bool(cell) for cell in row)
        for row in segno.make(
            static_payload(stall), error=ERROR_LEVEL, micro=False, boost_error=False
        ).matrix
    )
    bank = banks.bank_by_bin(stall.bank_bin)
    bank_name = bank.short_name if bank else stall.bank_bin
    with force_locale("vi"):
        heading = _("Pay by bank transfer · VietQR")
        stall_line = _("Stall %(number)s", number=stall.number)
        holder_label = _("Account holder")
        warning = _(
            "Before you pay, check that your banking app shows the holder %(holder)s. "
            "Another name means the code was tampered with: do not pay, tell the market board.",
            holder=stall.bank_holder,
        )
        check = _("Check code: %(code)s", code=check_code(stall))
        verify = _("Confirm this stall's account at %(url)s", url=public_url(stall))
        footer = _("Chợ Quê · cashless market (chợ 4.0) · Tuyên Quang")
    lines: list[Line] = []
    y = margin + 4 * scale

    def add(text: str, points: float, bold: bool, before: float, most: int = 2, **kw: bool) -> None:
        """Lines of text, ``before`` mm below the previous baseline plus the text's height."""
        nonlocal y
        y += before * scale
        for index, part in enumerate(wrap(nfc(text), bold, points * scale, text_width, most)):
            y += points * scale * POINT_MM * (1.0 if index == 0 else 1.3)
            lines.append(Line(y, points * scale, bold, part, **kw))

    add(heading, 18, True, 6, green=True)
    add(stall.market.name, 15, False, 3)
    add(stall_line, 40, True, 7)
    add(stall.name, 18, True, 3)
    side = min(128 * scale, size.height * 0.44)
    module = side / (len(matrix) + 2 * BORDER)
    qr_x, qr_y = (size.width - side) / 2, y + 3 * scale
    y = qr_y + side
    add(holder_label, 12, False, 3)
    add(stall.bank_holder, 24, True, 3)
    add(f"{bank_name} · {group_digits(stall.bank_account)}", 14, False, 3)
    add(warning, 11, False, 4, most=4)
    add(check, 18, True, 7, green=True)
    add(verify, 11, False, 3)
    lines.append(Line(size.height - margin - 2 * scale, 9 * scale, False, footer))
    title = f"{stall_line} — {stall.market.name}"
    frame = 7 * scale
    return Poster(size.width, size.height, qr_x, qr_y, module, matrix, tuple(lines), title, frame)


def poster_pdf(stall: Stall, size_key: str) -> bytes:
    """The stall's poster as a one-page PDF (``a4`` or ``a5``), the same bytes every time."""
    size = SIZES[size_key]
    poster = layout(stall, size)
    register_pdf_fonts()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=size.points, pageCompression=1, invariant=1)
    pdf.setTitle(poster.title)
    pdf.setAuthor("Chợ Quê")
    pdf.setCreator("Chợ Quê")
    pdf.setSubject(public_url(stall))
    top = size.points[1]
    pdf.setStrokeColorRGB(*(c / 255 for c in GREEN))
    pdf.setLineWidth(2.2)
    inset = poster.frame * mm
    pdf.roundRect(
        inset, inset, size.points[0] - 2 * inset, top - 2 * inset, 4 * mm, stroke=1, fill=0
    )
    pdf.setFillGray(0)
    path = pdf.beginPath()
    for x, y, length in printing.dark_runs(
        poster.matrix, poster.qr_x, poster.qr_y, poster.module, BORDER
    ):
        path.rect(x * mm, top - (y + poster.module) * mm, length * mm, poster.module * mm)
    pdf.drawPath(path, stroke=0, fill=1)
    for line in poster.lines:
        if line.green:
            pdf.setFillColorRGB(*(c / 255 for c in GREEN))
        else:
            pdf.setFillGray(0)
        pdf.setFont(PDF_FONTS[line.bold], line.size)
        pdf.drawCentredString(size.points[0] / 2, top - line.baseline * mm, line.text)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def poster_png(stall: Stall, size_key: str = "a5", dpi: int = PNG_DPI) -> bytes:
    """The stall's poster as a PNG at ``dpi``; QR modules are whole pixels so it scans crisply."""
    poster = layout(stall, SIZES[size_key])
    scale = dpi / 25.4  # pixels per mm
    width, height = round(poster.width * scale), round(poster.height * scale)
    image = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    inset = round(poster.frame * scale)
    draw.rounded_rectangle(
        (inset, inset, width - inset, height - inset),
        radius=round(4 * scale),
        outline=GREEN,
        width=max(2, round(0.78 * scale)),
    )
    modules = len(poster.matrix) + 2 * BORDER
    pixel = max(1, int(poster.qr_side * scale) // modules)
    left = round(poster.qr_x * scale + (poster.qr_side * scale - pixel * modules) / 2)
    top = round(poster.qr_y * scale + (poster.qr_side * scale - pixel * modules) / 2)
    for row, cells in enumerate(poster.matrix):
        for col, dark in enumerate(cells):
            if dark:
                x, y = left + (col + BORDER) * pixel, top + (row + BORDER) * pixel
                draw.rectangle((x, y, x + pixel - 1, y + pixel - 1), fill=(0, 0, 0))
    for line in poster.lines:
        font = pil_font(line.bold, round(line.size * dpi / 72))
        draw.text(
            (width / 2, line.baseline * scale),
            line.text,
            font=font,
            anchor="ms",
            fill=GREEN if line.green else (0, 0, 0),
        )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True, dpi=(dpi, dpi))
    return buffer.getvalue()
