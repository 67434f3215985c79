"""A payout line's statement (PDF and XLSX), its VietQR, and a run's batch-transfer CSV.

A statement lists the parts stamped with the line when the run was made, with the refunds and
fee each carried then, and the line's totals: gross, refunds, fees, net, cash the producer
collected itself, the balance carried over and the amount paid. Text a spreadsheet could run
as a formula is quoted in the XLSX and the CSV. The statement's data is read here (one line's,
or a whole run's in three queries); ``payments.statement_documents`` draws it, and a run's
statements are drawn in worker processes across the machine's cores.
"""

import csv
import io
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor

import sqlalchemy as sa
from flask_babel import gettext as _

from catalog.models import Producer
from market.extensions import db
from market.i18n import number_locale
from market.spreadsheets import spreadsheet_safe
from payments import vietqr
from payments.earning_models import LineStatus, PartEarning, PayoutLine, PayoutRun
from payments.labels import method_label
from payments.models import PaymentMethod
from payments.payout_runs import producer_names
from payments.statement_documents import (
    StatementDocument,
    StatementRow,
    local_day,
    render_both,
    render_pdf,
    render_xlsx,
)

MEMO = "{code} ChoQue chi tra"  # at most 25 ASCII characters in a VietQR
# Below this many statements, drawing them in this process beats starting worker processes.
POOL_MINIMUM = 40
ROW_COLUMNS = (
    PartEarning.part_ref,
    PartEarning.fixed_at,
    PartEarning.method,
    PartEarning.gross,
    PartEarning.stated_refunds,
    PartEarning.rate_bp,
    PartEarning.stated_fee,
)


def statement_rows(line: PayoutLine) -> list[StatementRow]:
    """The parts on a line's statement, in the order they were paid."""
    rows = db.session.execute(
        sa.select(*ROW_COLUMNS)
        .where(PartEarning.statement_line_id == line.id)
        .order_by(PartEarning.fixed_at, PartEarning.id)
    )
    return [StatementRow(*row) for row in rows]


def memo(line: PayoutLine) -> str:
    """The transfer memo: the payout code first, so the bank's debit notification carries it."""
    return MEMO.format(code=line.code)


def payout_qr(line: PayoutLine) -> str:
    """The VietQR payload paying the line: the producer's account, the amount, the memo."""
    return vietqr.build(
        vietqr.VietQR(
            bank_bin=line.bank_bin,
            account=line.bank_account,
            amount=line.amount,
            purpose=memo(line),
        )
    )


def _columns() -> tuple[str, ...]:
    return (
        _("Part"),
        _("Paid on"),
        _("Paid by"),
        _("Gross"),
        _("Refunds"),
        _("Fee rate (%)"),
        _("Fee"),
        _("Net"),
    )


def _totals(line: PayoutLine) -> tuple[tuple[str, int], ...]:
    return (
        (_("Gross"), line.gross),
        (_("Refunds"), -line.refunds),
        (_("Marketplace fees"), -line.fees),
        (_("Net"), line.gross - line.refunds - line.fees),
        (_("Cash you collected yourself"), -line.cash_collected),
        (_("Carried over"), line.carried_over),
        (_("Paid to you"), line.amount),
    )


def _heading(line: PayoutLine, producer_name: str, run: PayoutRun) -> tuple[str, ...]:
    return (
        _("Chợ Quê payout statement %(code)s", code=line.code),
        producer_name,
        _("Run %(run)s, %(day)s", run=line.run_id, day=local_day(run.created_at)),
        _(
            "Account: %(holder)s, %(account)s (bank %(bin)s)",
            holder=line.bank_holder,
            account=line.bank_account,
            bin=line.bank_bin,
        ),
    )


def _document(
    line: PayoutLine, producer_name: str, run: PayoutRun, rows: list[StatementRow]
) -> StatementDocument:
    """A line's statement with its words in the current language."""
    return StatementDocument(
        sheet_title=_("Statement"),
        heading=_heading(line, producer_name, run),
        columns=_columns(),
        methods={method: method_label(method) for method in PaymentMethod},
        rows=tuple(rows),
        totals=_totals(line),
        locale=number_locale(),
    )


def statement_document(line: PayoutLine) -> StatementDocument:
    """One line's statement, read from the database."""
    producer = db.session.get(Producer, line.producer_id)
    return _document(line, producer.name, line.run, statement_rows(line))


def run_documents(run_id: int) -> list[tuple[PayoutLine, StatementDocument]]:
    """Every line of a run with its statement, read in three queries (lines, names, parts)."""
    run = db.session.get(PayoutRun, run_id)
    if run is None:
        return []
    lines = list(
        db.session.scalars(
            sa.select(PayoutLine).where(PayoutLine.run_id == run_id).order_by(PayoutLine.id)
        )
    )
    names = producer_names(line.producer_id for line in lines)
    rows: dict[int, list[StatementRow]] = {line.id: [] for line in lines}
    found = db.session.execute(
        sa.select(PartEarning.statement_line_id, *ROW_COLUMNS)
        .join(PayoutLine, PayoutLine.id == PartEarning.statement_line_id)
        .where(PayoutLine.run_id == run_id)
        .order_by(PartEarning.statement_line_id, PartEarning.fixed_at, PartEarning.id)
    )
    for line_id, *row in found:
        rows[line_id].append(StatementRow(*row))
    return [
        (line, _document(line, names.get(line.producer_id, ""), run, rows[line.id]))
        for line in lines
    ]


def statement_xlsx(line: PayoutLine) -> bytes:
    """The statement as an XLSX workbook."""
    return render_xlsx(statement_document(line))


def statement_pdf(line: PayoutLine) -> bytes:
    """The statement as an A4 PDF in the bundled Noto Sans (every Vietnamese letter)."""
    return render_pdf(statement_document(line))


def run_statements(run_id: int) -> Iterator[tuple[PayoutLine, bytes, bytes]]:
    """Every statement of a run as (line, PDF, XLSX), in line order, drawn in worker
    processes across the machine's cores when there are enough of them to pay for it."""
    found = run_documents(run_id)
    lines = [line for line, _document in found]
    documents = [document for _line, document in found]
    workers = min(os.cpu_count() or 1, len(documents) // POOL_MINIMUM)
    if workers < 2:
        for line, (pdf, xlsx) in zip(lines, map(render_both, documents), strict=True):
            yield line, pdf, xlsx
        return
    # Workers are started fresh ("spawn"): a forked copy of this process would share its
    # database connections and locks. They only draw; the data was read above.
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=spawn) as pool:
        files = pool.map(render_both, documents, chunksize=8)
        for line, (pdf, xlsx) in zip(lines, files, strict=True):
            yield line, pdf, xlsx


def batch_csv(run: PayoutRun) -> str:
    """The run's pending lines as a batch-transfer CSV: account, holder, amount, memo."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["bank_bin", "account_number", "account_holder", "amount", "memo", "producer"])
    names = producer_names(line.producer_id for line in run.lines)
    for line in run.lines:
        if line.status == LineStatus.PENDING:
            writer.writerow(
                [
                    spreadsheet_safe(line.bank_bin),
                    spreadsheet_safe(line.bank_account),
                    spreadsheet_safe(line.bank_holder),
                    line.amount,
                    spreadsheet_safe(memo(line)),
                    spreadsheet_safe(names.get(line.producer_id, "")),
                ]
            )
    return out.getvalue()
