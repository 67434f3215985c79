"""A carrier's COD statement: the lines of cash it remitted, read from the file a manager uploads.

The file (CSV or XLSX, read by the listing import's bounded reader) has a header row naming the
columns — tracking code, amount, date, in English or Vietnamese — and one remitted line per row.
Every row is checked first; if any is wrong, the rows are reported and nothing is recorded.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _

from catalog.workspace.import_files import ImportFileError, read_table
from market.extensions import db
from market.text import fold
from payments.carrier_cod import Remitted, record_remittance
from payments.cod_models import CodRemittance, RemittanceOutcome, RemittanceSource

logger = logging.getLogger(__name__)

COLUMNS = {
    "tracking": {"tracking code", "tracking_code", "ma van don", "order_code", "ma don hang"},
    "amount": {"amount", "cod", "cod amount", "so tien", "tien thu ho"},
    "date": {"date", "ngay", "ngay chuyen", "paid date", "ngay doi soat"},
}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")


@dataclass(frozen=True)
class RowProblem:
    """A row that cannot be read, and why."""

    row: int
    message: str


@dataclass
class ImportResult:
    """What an import came to: the lines recorded by outcome, those seen before, or problems."""

    problems: list[RowProblem] = field(default_factory=list)
    recorded: list[CodRemittance] = field(default_factory=list)
    already: int = 0

    def count(self, outcome: RemittanceOutcome) -> int:
        """How many recorded lines came to ``outcome``."""
        return sum(1 for line in self.recorded if line.outcome is outcome)


class StatementError(Exception):
    """The file as a whole cannot be read."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _header(row: list[Any]) -> dict[str, int]:
    found = {}
    for index, cell in enumerate(row):
        name = fold(str(cell or "")).strip().lower()
        for key, names in COLUMNS.items():
            if name in names:
                found.setdefault(key, index)
    return found


def _amount(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value > 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value > 0 else None
    digits = str(value or "").strip().replace(".", "").replace(",", "").replace(" ", "")
    return int(digits) if digits.isdigit() and 0 < int(digits) < 10**13 else None


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def read_statement(carrier: str, data: bytes) -> tuple[list[Remitted], list[RowProblem]]:
    """The remitted lines of a statement file, and the rows that cannot be read."""
    try:
        rows = read_table(data)
    except ImportFileError as error:
        raise StatementError(str(error.message)) from error
    if not rows:
        raise StatementError(_("The file is empty."))
    columns = _header(rows[0])
    if set(columns) != set(COLUMNS):
        raise StatementError(_("The first row must name the columns: tracking code, amount, date."))
    lines, problems = [], []
    for number, row in enumerate(rows[1:], start=2):
        cells = [row[i] if i < len(row) else None for i in columns.values()]
        if all(cell in (None, "") for cell in cells):
            continue
        tracking = (
            str(row[columns["tracking"]] or "").strip() if columns["tracking"] < len(row) else ""
        )
        amount = _amount(row[columns["amount"]]) if columns["amount"] < len(row) else None
        on = _date(row[columns["date"]]) if columns["date"] < len(row) else None
        if not tracking or len(tracking) > 64:
            problems.append(RowProblem(number, _("No tracking code.")))
        elif amount is None:
            problems.append(RowProblem(number, _("The amount is not a whole number of đồng.")))
        elif on is None:
            problems.append(
                RowProblem(number, _("The date is not a date (2026-12-07 or 07/12/2026)."))
            )
        else:
            lines.append(Remitted(carrier, tracking, amount, on))
    return lines, problems


def import_statement(carrier: str, data: bytes, name: str, actor_id: int) -> ImportResult:
    """Record every line of a carrier's COD statement, or none if any row is wrong; commits."""
    lines, problems = read_statement(carrier, data)
    if problems or not lines:
        if not problems:
            problems = [RowProblem(2, _("The file has no remitted lines."))]
        return ImportResult(problems=problems)
    result = ImportResult()
    for line in lines:
        recorded = record_remittance(line, RemittanceSource.STATEMENT, name, actor_id)
        if recorded is None:
            result.already += 1
        else:
            result.recorded.append(recorded)
    db.session.commit()
    logger.info("COD statement %s of %s: %s line(s)", name, carrier, len(result.recorded))
    return result
