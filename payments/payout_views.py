"""Provincial managers' pages for marketplace fees and payout runs.

Fee rules and their income, payout runs from balances to confirmed transfers, each line's
VietQR and statement, and the run's batch-transfer CSV. Only provincial managers and admins
open them (``market.permissions.provincial_manager_required``); every form carries CSRF.
"""

import logging
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from openpyxl import Workbook
from wtforms import SelectChoice

from catalog.bank_checks import confirm_account, unchecked_producers
from catalog.categories import top_groups
from catalog.models import Category, Producer
from market.dbtypes import utcnow
from market.extensions import db
from market.i18n import format_vnd
from market.permissions import provincial_manager_required
from market.spreadsheets import spreadsheet_safe
from orders.pickup import stalls_by_id
from payments import fees, payout_runs, qr, statement_documents, statements
from payments.earning_models import DEFAULT_SCOPE, PayoutLine, PayoutRun
from payments.errors import PaymentError
from payments.forms import ConfirmLineForm, FeeRuleForm, PayoutRunForm, ReturnForm

logger = logging.getLogger(__name__)

bp = Blueprint("payouts_manager", __name__, url_prefix="/quan-ly/doi-soat")

INCOME_MONTHS = 12


# -- marketplace fees -------------------------------------------------------------------------


def _scope_choices() -> list[SelectChoice]:
    locale = str(get_locale())
    choices = [SelectChoice(DEFAULT_SCOPE, _("Default (every producer)"))]
    choices += [
        SelectChoice(fees.group_scope(group.id), _("OCOP group: %(name)s", name=group.name(locale)))
        for group in top_groups()
    ]
    producers = db.session.execute(sa.select(Producer.id, Producer.name).order_by(Producer.name))
    choices += [
        SelectChoice(fees.producer_scope(pid), _("Producer: %(name)s", name=name))
        for pid, name in producers
    ]
    return choices


@bp.route("/phi-san", methods=["GET", "POST"])
@provincial_manager_required
def fee_rules() -> ResponseReturnValue:
    """The commission rules; set one for the default, an OCOP group or a producer."""
    form = FeeRuleForm()
    form.scope.choices = _scope_choices()
    if form.validate_on_submit():
        rate_bp = int((form.rate.data * 100).to_integral_value())
        try:
            fees.set_rule(
                form.scope.data,
                rate_bp,
                delivery_carries=form.delivery_carries.data,
                actor_id=current_user.id,
                note=form.note.data or "",
            )
        except PaymentError as error:
            form.rate.errors.append(error.message)
        else:
            flash(_("Commission saved. Parts already paid keep their fee."), "success")
            return redirect(url_for("payouts_manager.fee_rules"))
    labels = {choice.value: choice.label for choice in form.scope.choices}
    rules = sorted(fees.rules().values(), key=lambda rule: (rule.scope != DEFAULT_SCOPE, rule.id))
    return render_template(
        "payments/fee_rules.html",
        form=form,
        rules=[(rule, labels.get(rule.scope, rule.scope)) for rule in rules],
        vat_bp=current_app.config["MARKETPLACE_FEE_VAT_BP"],
        remove_form=ReturnForm(prefix="remove"),
    )


@bp.post("/phi-san/<scope>/xoa")
@provincial_manager_required
def remove_fee_rule(scope: str) -> ResponseReturnValue:
    """Drop a group's or producer's rule: its parts fall back to the next rule."""
    if ReturnForm(prefix="remove").validate_on_submit():
        fees.remove_rule(scope)
        flash(_("Rule removed."), "success")
    return redirect(url_for("payouts_manager.fee_rules"))


def _income_rows() -> tuple[list[list], dict[str, int]]:
    """The fee income table: month, market, OCOP group, parts, gross, fee, VAT; and totals."""
    end = utcnow() + timedelta(days=1)
    start = end - timedelta(days=31 * INCOME_MONTHS)
    found = fees.fee_income(start, end)
    known = stalls_by_id({row.stall_id for row in found if row.stall_id is not None})
    locale = str(get_locale())
    groups = {
        category.id: category.name(locale)
        for category in db.session.scalars(sa.select(Category).where(Category.parent_id.is_(None)))
    }
    rows, totals = [], {"parts": 0, "gross": 0, "fee": 0, "vat": 0}
    for row in found:
        stall = known.get(row.stall_id) if row.stall_id is not None else None
        rows.append(
            [
                row.month,
                stall.market_name if stall else _("Online (not at a market stall)"),
                groups.get(row.group_id, _("No OCOP group")),
                row.parts,
                row.gross,
                row.fee,
                row.vat,
            ]
        )
        for key in totals:
            totals[key] += getattr(row, key)
    return rows, totals


def _income_columns() -> list[str]:
    return [
        _("Month"),
        _("Market"),
        _("OCOP group"),
        _("Parts"),
        _("Gross sales"),
        _("Fees"),
        _("of which VAT"),
    ]


@bp.get("/phi-san/thu-nhap")
@provincial_manager_required
def fee_income() -> ResponseReturnValue:
    """Fee income of the last twelve months by month, market and OCOP group (or as XLSX)."""
    rows, totals = _income_rows()
    if request.args.get("dang") == "xlsx":
        book = Workbook(write_only=True)
        sheet = book.create_sheet(_("Fee income"))
        sheet.append(_income_columns())
        for row in rows:
            sheet.append([spreadsheet_safe(value) for value in row])
        out = statement_documents.workbook_bytes(book)
        return _download(out, "phi-san.xlsx", XLSX)
    return render_template(
        "payments/fee_income.html", rows=rows, totals=totals, columns=_income_columns()
    )


# -- payout runs ------------------------------------------------------------------------------


@bp.route("/chi-tra", methods=["GET", "POST"])
@provincial_manager_required
def runs() -> ResponseReturnValue:
    """Balances a run would pay from a minimum, the button that creates it, past runs."""
    form = PayoutRunForm()
    if request.method == "GET":
        form.minimum.data = _minimum_from(request.args.get("toi-thieu"))
    elif form.validate_on_submit():
        try:
            run = payout_runs.create_run(form.minimum.data, current_user.id)
        except PaymentError as error:
            form.minimum.errors.append(error.message)
        else:
            flash(_("Payout run created: pay each line below."), "success")
            return redirect(url_for("payouts_manager.run", run_id=run.id), 303)
    minimum = form.minimum.data or current_app.config["PAYOUT_MINIMUM"]
    return render_template(
        "payments/payout_runs.html",
        form=form,
        candidates=payout_runs.candidates(minimum),
        runs=payout_runs.runs(),
    )


def _minimum_from(value: str | None) -> int:
    digits = (value or "").replace(".", "").strip()
    if digits.isdigit() and len(digits) < 13:
        return int(digits)
    return current_app.config["PAYOUT_MINIMUM"]


@bp.get("/chi-tra/<int:run_id>")
@provincial_manager_required
def run(run_id: int) -> ResponseReturnValue:
    """A run's lines: pay each by VietQR or the batch CSV; confirmed by the bank or by hand."""
    found = db.get_or_404(PayoutRun, run_id)
    return render_template(
        "payments/payout_run.html",
        run=found,
        names=payout_runs.producer_names(line.producer_id for line in found.lines),
        confirm_form=ConfirmLineForm(),
        cancel_form=ReturnForm(prefix="cancel"),
        memo=statements.memo,
    )


@bp.get("/chi-tra/<int:run_id>/chuyen-khoan.csv")
@provincial_manager_required
def batch_csv(run_id: int) -> ResponseReturnValue:
    """The run's pending lines as a batch-transfer CSV."""
    found = db.get_or_404(PayoutRun, run_id)
    response = Response(statements.batch_csv(found), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="chi-tra-{run_id}.csv"'
    return response


def _line(line_id: int) -> PayoutLine:
    return db.get_or_404(PayoutLine, line_id)


@bp.get("/chi-tra/dong/<int:line_id>/qr.<kind>")
@provincial_manager_required
def line_qr(line_id: int, kind: str) -> ResponseReturnValue:
    """The VietQR paying one line: the producer's account, the amount, the payout code."""
    if kind not in qr.MIMETYPES:
        abort(404)
    line = _line(line_id)
    response = Response(qr.render(statements.payout_qr(line), kind), mimetype=qr.MIMETYPES[kind])
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.post("/chi-tra/dong/<int:line_id>/xac-nhan")
@provincial_manager_required
def confirm_line(line_id: int) -> ResponseReturnValue:
    """Record by hand that a line was paid (when no bank notification confirms it)."""
    line = _line(line_id)
    form = ConfirmLineForm()
    if not form.validate_on_submit():
        flash(_("Enter the bank reference of the transfer."), "error")
    else:
        try:
            payout_runs.confirm_by_hand(line.id, form.reference.data, current_user.id)
        except PaymentError as error:
            flash(error.message, "error")
        else:
            flash(_("Payout of %(amount)s recorded.", amount=format_vnd(line.amount)), "success")
    return redirect(url_for("payouts_manager.run", run_id=line.run_id), 303)


@bp.post("/chi-tra/dong/<int:line_id>/huy")
@provincial_manager_required
def cancel_line(line_id: int) -> ResponseReturnValue:
    """Withdraw a line not paid yet; its balance goes on the next run."""
    line = _line(line_id)
    if ReturnForm(prefix="cancel").validate_on_submit():
        try:
            payout_runs.cancel_line(line.id)
        except PaymentError as error:
            flash(error.message, "error")
        else:
            flash(_("Payout withdrawn; the balance goes on the next run."), "success")
    return redirect(url_for("payouts_manager.run", run_id=line.run_id), 303)


@bp.get("/chi-tra/dong/<int:line_id>/sao-ke.<kind>")
@provincial_manager_required
def statement(line_id: int, kind: str) -> ResponseReturnValue:
    """A line's statement as PDF or XLSX."""
    return statement_download(_line(line_id), kind)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def statement_download(line: PayoutLine, kind: str) -> ResponseReturnValue:
    """A statement as a PDF or XLSX download (managers' and the producer's pages share it)."""
    if kind == "pdf":
        pdf = statements.statement_pdf(line)
        return _download(pdf, f"sao-ke-{line.code}.pdf", "application/pdf")
    if kind == "xlsx":
        return _download(statements.statement_xlsx(line), f"sao-ke-{line.code}.xlsx", XLSX)
    abort(404)


def _download(body: bytes, filename: str, mimetype: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def rate_percent(rate_bp: int) -> Decimal:
    """A rate in basis points as a percentage."""
    return Decimal(rate_bp) / 100


# -- payout accounts --------------------------------------------------------------------------


@bp.get("/tai-khoan")
@provincial_manager_required
def accounts() -> ResponseReturnValue:
    """Producers' payout accounts no manager has checked yet: holder name against producer."""
    return render_template(
        "payments/payout_accounts.html",
        producers=unchecked_producers(),
        form=ReturnForm(prefix="check"),
        wait_days=current_app.config["PAYOUT_ACCOUNT_WAIT_DAYS"],
    )


@bp.post("/tai-khoan/<int:producer_id>")
@provincial_manager_required
def check_account(producer_id: int) -> ResponseReturnValue:
    """Confirm the holder of the producer's current account is the producer."""
    producer = db.get_or_404(Producer, producer_id)
    if ReturnForm(prefix="check").validate_on_submit():
        if confirm_account(producer.id, current_user.id):
            flash(_("Account of %(name)s checked.", name=producer.name), "success")
        else:
            flash(_("This account is already checked."), "info")
    return redirect(url_for("payouts_manager.accounts"), 303)
