"""Report exports: the tables as CSV, the sales lines as CSV (streamed), both as XLSX.

Sales lines are read from the database in batches and written as they come, so a year of a
province's sales never sits in memory; the XLSX workbook is written in openpyxl's write-only
mode to a temporary file, by a job (``export_jobs``) for the manager who asked. Text a
spreadsheet could run as a formula is quoted (CSV/formula injection).
"""

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from datetime import datetime, timedelta
from itertools import islice
from typing import IO, Any

import sqlalchemy as sa
from flask_babel import gettext as _
from openpyxl import Workbook

from catalog.models import Producer
from market import places
from market.extensions import db
from market.markets.counted import (
    ONLINE,
    STALL,
    STALL_ITEMIZED,
    STALL_VALUE,
    online_counted,
    stall_counted,
)
from market.markets.models import Market, Stall, StallSale, StallSaleLine
from market.markets.reports import Report, Row, measures_of
from market.markets.scopes import Period, Scope
from market.spreadsheets import spreadsheet_safe
from orders.models import Order, OrderLine, OrderPart
from payments.labels import method_label

BATCH = 2000
# A spreadsheet holds 1,048,576 rows; longer periods are complete in the CSV export.
XLSX_MAX_LINES = 1_000_000
VIETNAM = timedelta(hours=7)


# -- the tables -------------------------------------------------------------------------------


def table_titles() -> dict[str, str]:
    """Each breakdown's title, in the current language."""
    return {
        "by_method": _("By payment method"),
        "by_channel": _("By channel"),
        "by_area": _("By area of origin"),
        "by_commune": _("By commune or ward"),
        "by_market": _("By market"),
        "top_producers": _("Top producers"),
        "top_products": _("Top products"),
        "by_ocop_group": _("By OCOP group"),
        "by_stars": _("By OCOP stars"),
        "over_time": _("Over time"),
    }


def row_headings() -> dict[str, str]:
    """What the rows of each breakdown are (the first column's heading)."""
    return {
        "by_method": _("Payment method"),
        "by_channel": _("Channel"),
        "by_area": _("Area of origin"),
        "by_commune": _("Commune or ward"),
        "by_market": _("Market"),
        "top_producers": _("Producer"),
        "top_products": _("Product"),
        "by_ocop_group": _("OCOP group"),
        "by_stars": _("OCOP stars"),
        "over_time": _("Period"),
    }


def table_header() -> list[str]:
    """The columns every breakdown shares."""
    return [
        _("Table"),
        _("Row"),
        _("Sales"),
        _("Value (đồng)"),
        _("Units"),
        _("Cashless sales"),
        _("Cashless value (đồng)"),
    ]


def table_rows(report: Report) -> Iterator[list[Any]]:
    """The summary, then every breakdown's rows, one line each (long format)."""
    total = report.summary
    yield [
        _("Summary"),
        total.label,
        total.sales,
        total.value,
        total.units,
        total.cashless_sales,
        total.cashless_value,
    ]
    titles = table_titles()
    for name, rows in report.tables.items():
        for row in rows:
            yield [titles[name], *_figures(name, row)]


# The order of a breakdown's columns after its first heading, as in ``table_header``.
COLUMNS = ("sales", "value", "units", "cashless_sales", "cashless_value")


def _figures(table: str, row: Row) -> list[Any]:
    """A breakdown row: its label, then each measure, empty (None) where it does not apply."""
    applies = measures_of(table)
    return [
        spreadsheet_safe(row.label),
        *(getattr(row, column) if column in applies else None for column in COLUMNS),
    ]


def report_context(report: Report) -> list[list[str]]:
    """What the export covers: scope and period."""
    period = report.period
    return [
        [_("Scope"), spreadsheet_safe(report.scope.label)],
        [_("From"), period.start.isoformat()],
        [_("To"), period.end.isoformat()],
    ]


# -- the sales lines --------------------------------------------------------------------------


def lines_header() -> list[str]:
    """Columns of the sales-lines export."""
    return [
        _("Paid at (Vietnam time)"),
        _("Channel"),
        _("Reference"),
        _("Market"),
        _("Stall"),
        _("Commune or ward"),
        _("Area of origin"),
        _("Producer"),
        _("Product"),
        _("Unit"),
        _("Quantity"),
        _("Unit price (đồng)"),
        _("Value (đồng)"),
        _("Payment method"),
    ]


def _line_statement(scope: Scope, period: Period) -> sa.Select:
    """Every line sold, oldest first; a stall sale without products is one line."""
    since, until = period.utc_bounds()
    none = sa.cast(sa.null(), sa.String)
    no_number = sa.cast(sa.null(), sa.Integer)
    online = (
        sa.select(
            OrderPart.paid_at.label("paid_at"),
            sa.literal_column(f"'{ONLINE}'", sa.String).label("channel"),
            (Order.code + "-" + sa.cast(OrderPart.number, sa.String)).label("reference"),
            Market.name.label("market"),  # the pickup stall's, if any
            Stall.number.label("stall"),
            sa.case((Market.id.is_(None), Producer.commune_code), else_=Market.commune_code).label(
                "commune_code"
            ),
            sa.case((Market.id.is_(None), Producer.area_slug), else_=Market.area_slug).label(
                "area_slug"
            ),
            Producer.name.label("producer"),
            OrderLine.product_name.label("product"),
            OrderLine.unit.label("unit"),
            OrderLine.quantity.label("quantity"),
            OrderLine.unit_price.label("unit_price"),
            OrderLine.line_total.label("value"),
            sa.type_coerce(Order.payment_method, sa.String).label("method"),
        )
        .join_from(OrderLine, OrderPart, OrderPart.id == OrderLine.part_id)
        .join(Order, Order.id == OrderPart.order_id)
        .join(Producer, Producer.id == OrderPart.producer_id)
        .outerjoin(Stall, Stall.id == OrderPart.pickup_stall_id)
        .outerjoin(Market, Market.id == Stall.market_id)
        .where(*online_counted(scope, since, until))
    )
    reference = "S" + sa.cast(StallSale.id, sa.String)

    def stall_branch(source: Any, *columns: Any) -> sa.Select:
        return (
            sa.select(
                StallSale.paid_at.label("paid_at"),
                sa.literal_column(f"'{STALL}'", sa.String).label("channel"),
                reference.label("reference"),
                Market.name.label("market"),
                Stall.number.label("stall"),
                Market.commune_code.label("commune_code"),
                Market.area_slug.label("area_slug"),
                Producer.name.label("producer"),
                *(
                    column.label(name)
                    for column, name in zip(
                        columns, ("product", "unit", "quantity", "unit_price", "value"), strict=True
                    )
                ),
                sa.type_coerce(StallSale.method, sa.String).label("method"),
            )
            .select_from(
                source.join(Stall, Stall.id == StallSale.stall_id)
                .join(Market, Market.id == StallSale.market_id)
                .join(Producer, Producer.id == StallSale.producer_id)
            )
            .where(*stall_counted(scope, since, until))
        )

    listed = stall_branch(
        sa.join(StallSaleLine, StallSale, StallSale.id == StallSaleLine.sale_id),
        StallSaleLine.product_name,
        StallSaleLine.unit,
        StallSaleLine.quantity,
        StallSaleLine.unit_price,
        StallSaleLine.line_total,
    ).where(STALL_ITEMIZED)
    unlisted = stall_branch(
        StallSale.__table__, none, none, no_number, no_number, STALL_VALUE
    ).where(sa.not_(STALL_ITEMIZED))
    lines = sa.union_all(online, listed, unlisted).subquery("lines")
    return sa.select(lines).order_by(lines.c.paid_at, lines.c.reference)


def sales_lines(scope: Scope, period: Period) -> Iterator[list[Any]]:
    """The sales lines as export rows, read in batches."""
    statement = _line_statement(scope, period).execution_options(yield_per=BATCH)
    channels = {ONLINE: _("Online"), STALL: _("Stall")}
    area_names = {a.slug: a.short_name for a in places.areas()}
    result = db.session.execute(statement)
    try:
        for row in result:
            paid_at: datetime = row.paid_at
            yield [
                (paid_at + VIETNAM).strftime("%Y-%m-%d %H:%M"),
                channels[row.channel],
                row.reference,
                spreadsheet_safe(row.market or ""),
                spreadsheet_safe(row.stall or ""),
                places.display(row.commune_code),
                area_names.get(row.area_slug, ""),
                spreadsheet_safe(row.producer or ""),
                spreadsheet_safe(row.product or ""),
                spreadsheet_safe(row.unit or ""),
                row.quantity,
                row.unit_price,
                row.value,
                method_label(row.method),
            ]
    finally:
        # A reader that stops early (the workbook cap) must not leave a server cursor open.
        result.close()


# -- writers ----------------------------------------------------------------------------------


def csv_stream(rows: Iterable[list[Any]]) -> Iterator[str]:
    """CSV text in chunks, UTF-8 with a BOM first so Excel reads the Vietnamese letters."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    yield "\ufeff"
    for count, row in enumerate(rows, start=1):
        writer.writerow(["" if value is None else value for value in row])
        if count % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def tables_csv(report: Report) -> Iterator[str]:
    """The report's tables as one long CSV."""
    return csv_stream([*report_context(report), table_header(), *table_rows(report)])


def lines_csv(scope: Scope, period: Period) -> Iterator[str]:
    """Every sales line of the scope and period as CSV, streamed."""

    def rows() -> Iterator[list[Any]]:
        yield lines_header()
        yield from sales_lines(scope, period)

    return csv_stream(rows())


def _sheet_name(title: str, taken: set[str]) -> str:
    name = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Sheet"
    while name in taken:
        name = name[:28] + f"~{len(taken)}"
    taken.add(name)
    return name


def count_lines(scope: Scope, period: Period) -> int:
    """How many sales lines the scope and period hold (the export's progress total)."""
    lines = _line_statement(scope, period).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(lines)) or 0


def report_xlsx(report: Report, progress: Callable[[int], object] | None = None) -> IO[bytes]:
    """The report as a workbook: summary, one sheet per table, then every sales line.

    Written in write-only mode to a temporary file, returned open at its start; closing it
    deletes it. ``progress`` hears the number of lines written every ``BATCH`` lines.
    """
    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    summary = workbook.create_sheet(_sheet_name(_("Summary"), taken))
    for row in report_context(report):
        summary.append(row)
    total = report.summary
    summary.append([])
    for label, value in (
        (_("Sales"), total.sales),
        (_("Value (đồng)"), total.value),
        (_("Units"), total.units),
        (_("Average sale (đồng)"), total.average),
        (_("Cashless sales"), total.cashless_sales),
        (_("Cashless value (đồng)"), total.cashless_value),
    ):
        summary.append([label, value])
    headings = row_headings()
    for name, title in table_titles().items():
        sheet = workbook.create_sheet(_sheet_name(title, taken))
        sheet.append([headings[name], *table_header()[2:]])
        for row in report.tables.get(name, []):
            sheet.append(_figures(name, row))
    lines = workbook.create_sheet(_sheet_name(_("Sales lines"), taken))
    lines.append(lines_header())
    with closing(sales_lines(report.scope, report.period)) as rows:
        for written, row in enumerate(islice(rows, XLSX_MAX_LINES), start=1):
            lines.append(row)
            if progress is not None and written % BATCH == 0:
                progress(written)
        if next(rows, None) is not None:
            lines.append([_("More lines than a sheet holds: download them as CSV.")])
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (returned open; closing deletes it)
    workbook.save(handle)
    handle.seek(0)
    return handle
