"""A payout statement drawn as a PDF and an XLSX from plain data, with no database or request.

``StatementDocument`` carries everything a statement shows, its words already in the reader's
language, so the drawing runs anywhere: in the request that downloads one statement, or in
worker processes producing a whole run's statements (``payments.statements``).
"""

import io
from dataclasses import dataclass
from datetime import datetime, timedelta

from openpyxl import Workbook
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas

from market.i18n import vnd_formatter
from market.printing import PDF_FONTS, register_pdf_fonts
from market.spreadsheets import spreadsheet_safe
from payments.models import PaymentMethod

VIETNAM = timedelta(hours=7)


@dataclass(frozen=True)
class StatementRow:
    """One part on a statement."""

    part_ref: str
    paid_on: datetime
    method: PaymentMethod
    gross: int
    refunds: int
    rate_bp: int
    fee: int

    @property
    def net(self) -> int:
        """What the part earned after refunds and the marketplace fee."""
        return self.gross - self.refunds - self.fee


@dataclass(frozen=True)
class StatementDocument:
    """One statement: its heading lines, column titles, parts and totals, in one language."""

    sheet_title: str
    heading: tuple[str, ...]
    columns: tuple[str, ...]
    methods: dict[PaymentMethod, str]
    rows: tuple[StatementRow, ...]
    totals: tuple[tuple[str, int], ...]
    locale: str


def local_day(moment: datetime) -> str:
    """A stored UTC time as the day it was in Vietnam (dd/mm/yyyy)."""
    return (moment + VIETNAM).strftime("%d/%m/%Y")


def render_xlsx(document: StatementDocument) -> bytes:
    """The statement as an XLSX workbook (write-only mode)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(document.sheet_title)
    for text in document.heading:
        sheet.append([spreadsheet_safe(text)])
    sheet.append([])
    sheet.append(list(document.columns))
    methods = document.methods
    for row in document.rows:
        sheet.append(
            [
                spreadsheet_safe(row.part_ref),
                local_day(row.paid_on),
                methods[row.method],
                row.gross,
                row.refunds,
                row.rate_bp / 100,
                row.fee,
                row.net,
            ]
        )
    sheet.append([])
    for label, amount in document.totals:
        sheet.append([label, None, None, amount])
    return workbook_bytes(book)


def workbook_bytes(book: Workbook) -> bytes:
    """A workbook saved to bytes."""
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class _PdfText:
    """One text object per page: far cheaper than a text object per string."""

    def __init__(self, pdf: canvas.Canvas) -> None:
        self.pdf = pdf
        self.text = pdf.beginText()
        self.font: tuple[str, float] | None = None

    def put(
        self,
        value: str,
        x: float,
        y: float,
        *,
        bold: bool = False,
        size: float = 9,
        right: bool = False,
    ) -> None:
        """Write ``value`` at (x, y), or ending at x when ``right``."""
        font = (PDF_FONTS[bold], size)
        if font != self.font:
            self.text.setFont(*font)
            self.font = font
        if right:
            x -= pdfmetrics.stringWidth(value, *font)
        self.text.setTextOrigin(x, y)
        self.text.textOut(value)

    def page_done(self) -> None:
        """Draw the page's text and start a new text object."""
        self.pdf.drawText(self.text)
        self.text, self.font = self.pdf.beginText(), None


def render_pdf(document: StatementDocument) -> bytes:
    """The statement as an A4 PDF in the bundled Noto Sans (every Vietnamese letter)."""
    register_pdf_fonts()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1, invariant=1)
    page = _PdfText(pdf)
    left, top, bottom, step = 40, A4[1] - 50, 50, 14
    # Right edges of each column after the first two (part, date) in points.
    edges = [220, 290, 350, 400, 460, 555]
    titles = document.columns
    y = top

    def header_row() -> None:
        nonlocal y
        page.put(titles[0], left, y, bold=True)
        page.put(titles[1], 150, y, bold=True)
        for title, edge in zip(titles[2:], edges, strict=True):
            page.put(title, edge, y, bold=True, right=True)
        y -= step

    for index, heading in enumerate(document.heading):
        page.put(heading, left, y, bold=index == 0, size=13 if index == 0 else 10)
        y -= 18 if index == 0 else step
    y -= 6
    header_row()
    methods = document.methods
    vnd = vnd_formatter(document.locale)
    for row in document.rows:
        if y < bottom + 8 * step:  # room for the totals below the last row
            page.page_done()
            pdf.showPage()
            y = top
            header_row()
        page.put(row.part_ref, left, y)
        page.put(local_day(row.paid_on), 150, y)
        values = [
            methods[row.method],
            vnd(row.gross),
            vnd(row.refunds),
            f"{row.rate_bp / 100:.2f}",
            vnd(row.fee),
            vnd(row.net),
        ]
        for value, edge in zip(values, edges, strict=True):
            page.put(value, edge, y, right=True)
        y -= step
    y -= 6
    last = len(document.totals) - 1
    for index, (label, amount) in enumerate(document.totals):
        page.put(label, 350, y, bold=index == last, right=True)
        page.put(vnd(amount), edges[-1], y, bold=index == last, right=True)
        y -= step
    page.page_done()
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def render_both(document: StatementDocument) -> tuple[bytes, bytes]:
    """The statement as PDF and XLSX (what a worker process returns for one line)."""
    return render_pdf(document), render_xlsx(document)
