"""The reconciliation pages: the overview, assigning credits, refunds and payouts.

They show and move the whole marketplace's money (every producer's payouts, every credit to
the collection account), so only provincial managers and admins open them; a manager who runs
particular markets gets 403 (``market.permissions.provincial_manager_required``).
"""

import logging
from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from catalog.storefront import local_today
from market.extensions import db
from market.i18n import format_vnd
from market.permissions import provincial_manager_required
from payments import bank_notifications, reconciliation
from payments.codes import paid_into_own_account
from payments.errors import NotMarketMoney, PaymentError
from payments.forms import AssignForm, PayoutForm, PeriodForm, RefundForm, ReturnForm
from payments.labels import outcome_label
from payments.ledger import outstanding_refund_due, refundable
from payments.methods import METHODS
from payments.models import (
    BankNotification,
    EntryKind,
    LedgerEntry,
    NotificationStatus,
    PaymentMethod,
)
from payments.payouts import record_payout
from payments.refunds import refund_payment

logger = logging.getLogger(__name__)

bp = Blueprint("payments_manager", __name__, url_prefix="/quan-ly/doi-soat")

DEFAULT_DAYS = 30


@bp.get("")
@provincial_manager_required
def overview() -> ResponseReturnValue:
    """Payments by day and method, unmatched credits, partial and overpayments, refunds due,
    payouts owed; sellers' own-account money (stall sales) apart."""
    form = PeriodForm(request.args)
    end = local_today()
    start = end - timedelta(days=DEFAULT_DAYS - 1)
    if request.args and form.validate():
        start, end = form.start.data or start, form.end.data or end
        if start > end:
            form.end.errors.append(_("The end date must not be before the start date."))
            start, end = end, start
    form.start.data, form.end.data = start, end
    limit = reconciliation.LIST_LIMIT
    return render_template(
        "payments/reconciliation.html",
        form=form,
        days=reconciliation.payments_by_day(start, end),
        own_days=reconciliation.payments_by_day(start, end, own_accounts=True),
        unmatched=reconciliation.unmatched_credits(limit),
        elsewhere=reconciliation.unmatched_credits(limit, own_accounts=True),
        partial=reconciliation.partial_payments(limit),
        overpaid=reconciliation.overpayments(limit),
        refunds_due=reconciliation.refunds_due(limit),
        owed=reconciliation.payouts_owed(),
        list_limit=limit,
    )


@bp.route("/chuyen-khoan/<int:notification_id>", methods=["GET", "POST"])
@provincial_manager_required
def assign(notification_id: int) -> ResponseReturnValue:
    """Credit an unmatched bank transfer to a payment code by hand."""
    note = db.get_or_404(BankNotification, notification_id)
    if note.status != NotificationStatus.UNMATCHED:
        flash(_("This transfer is already handled."), "info")
        return redirect(url_for("payments_manager.overview"))
    form = AssignForm()
    if form.validate_on_submit():
        try:
            outcome = bank_notifications.assign(note.id, form.code.data, current_user.id)
        except PaymentError as error:
            form.code.errors.append(error.message)
        else:
            flash(
                _(
                    "Transfer credited to %(code)s (%(outcome)s).",
                    code=form.code.data.upper(),
                    outcome=outcome_label(outcome),
                ),
                "success",
            )
            return redirect(url_for("payments_manager.overview"))
    return render_template(
        "payments/assign.html",
        note=note,
        form=form,
        return_form=ReturnForm(prefix="return"),
        market_money=bank_notifications.into_collection_account(note),
    )


@bp.post("/chuyen-khoan/<int:notification_id>/tra-lai")
@provincial_manager_required
def return_credit(notification_id: int) -> ResponseReturnValue:
    """Flag an unmatched transfer to be sent back to whoever paid it."""
    db.get_or_404(BankNotification, notification_id)
    form = ReturnForm(prefix="return")
    if form.validate_on_submit():
        try:
            bank_notifications.return_to_sender(notification_id, current_user.id)
        except PaymentError as error:
            flash(error.message, "error")
        else:
            flash(_("The transfer is listed under refunds due."), "success")
    return redirect(url_for("payments_manager.overview"))


@bp.route("/hoan-tien/<int:entry_id>", methods=["GET", "POST"])
@provincial_manager_required
def refund(entry_id: int) -> ResponseReturnValue:
    """Give back money from one payment: by Stripe for cards, else record the transfer made."""
    entry = db.get_or_404(LedgerEntry, entry_id)
    if entry.kind != EntryKind.PAYMENT or entry.method is None:
        return redirect(url_for("payments_manager.overview"))
    if paid_into_own_account(entry.target_code):
        flash(NotMarketMoney().message, "error")
        return redirect(url_for("payments_manager.overview"))
    outstanding, available = outstanding_refund_due(entry), refundable(entry)
    form = RefundForm()
    if request.method == "GET":
        form.amount.data = outstanding or available
    if form.validate_on_submit():
        try:
            refund_payment(
                entry.id,
                form.amount.data,
                reference=form.reference.data or "",
                actor_id=current_user.id,
            )
        except PaymentError as error:
            form.amount.errors.append(error.message)
        else:
            flash(
                _("Refund of %(amount)s recorded.", amount=format_vnd(form.amount.data)), "success"
            )
            return redirect(url_for("payments_manager.overview"))
    return render_template(
        "payments/refund.html",
        entry=entry,
        form=form,
        outstanding=outstanding,
        available=available,
        needs_reference=METHODS[entry.method].needs_reference,
    )


@bp.route("/chi-tra", methods=["GET", "POST"])
@provincial_manager_required
def payout() -> ResponseReturnValue:
    """Record money paid out to a producer, at most what it is owed."""
    form = PayoutForm()
    form.producer.choices = _owed_choices()
    if request.method == "GET" and request.args.get("producer", "").isdigit():
        form.producer.data = int(request.args["producer"])
    if form.validate_on_submit():
        try:
            record_payout(
                form.producer.data,
                form.amount.data,
                reference=form.reference.data,
                method=PaymentMethod(form.method.data),
                note=form.note.data or "",
                actor_id=current_user.id,
            )
        except PaymentError as error:
            form.amount.errors.append(error.message)
        else:
            flash(
                _("Payout of %(amount)s recorded.", amount=format_vnd(form.amount.data)), "success"
            )
            return redirect(url_for("payments_manager.overview"))
    return render_template("payments/payout.html", form=form)


def _owed_choices() -> list[SelectChoice]:
    return [
        SelectChoice(balance.producer_id, f"{balance.name} — {format_vnd(balance.owed)}")
        for balance in reconciliation.payouts_owed()
    ]
