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

from market.extensions import db
from market.i18n import format_vnd, local_today
from market.permissions import provincial_manager_required
from orders.labels import STATUS_LABELS
from orders.models import OrderPart
from payments import bank_notifications, disputes, reconciliation, unreadable_notifications
from payments import refund_requests as requesting
from payments.codes import paid_into_own_account
from payments.errors import NotMarketMoney, PaymentError
from payments.forms import (
    AssignForm,
    PaymentRefundForm,
    PeriodForm,
    RefundDecisionForm,
    ReturnForm,
)
from payments.labels import outcome_label
from payments.ledger import outstanding_refund_due, refundable
from payments.methods import METHODS
from payments.models import (
    BankNotification,
    EntryKind,
    LedgerEntry,
    NotificationStatus,
    RefundRequest,
    UnreadableNotification,
)
from payments.order_refunds import refund_whole_part, refundable_amount, refundable_parts
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
        part_refunds_due=reconciliation.part_refunds_due(limit),
        refund_requests=len(requesting.pending_requests(limit)),
        disputes=disputes.open_disputes(),
        owed=reconciliation.payouts_owed(),
        unreadable=unreadable_notifications.waiting(limit),
        handled_form=ReturnForm(prefix="handled"),
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


@bp.post("/khong-doc-duoc/<int:notification_id>/da-xu-ly")
@provincial_manager_required
def unreadable_handled(notification_id: int) -> ResponseReturnValue:
    """Mark an unreadable bank notification as dealt with (checked against the statement)."""
    db.get_or_404(UnreadableNotification, notification_id)
    if ReturnForm(prefix="handled").validate_on_submit():
        try:
            unreadable_notifications.mark_handled(notification_id, current_user.id)
        except PaymentError as error:
            flash(error.message, "error")
        else:
            flash(_("The notification is marked as dealt with."), "success")
    return redirect(url_for("payments_manager.overview"))


@bp.route("/hoan-tien/<int:entry_id>", methods=["GET", "POST"])
@provincial_manager_required
def refund(entry_id: int) -> ResponseReturnValue:
    """Give back money from one payment, naming what it is for: its flagged money and whole
    order parts (a part still being prepared is cancelled). By Stripe for cards, else the
    transfer the manager made."""
    entry = db.get_or_404(LedgerEntry, entry_id)
    if entry.kind != EntryKind.PAYMENT or entry.method is None:
        return redirect(url_for("payments_manager.overview"))
    if paid_into_own_account(entry.target_code):
        flash(NotMarketMoney().message, "error")
        return redirect(url_for("payments_manager.overview"))
    outstanding, available = outstanding_refund_due(entry), refundable(entry)
    parts = refundable_parts(entry.target_code)
    form = PaymentRefundForm()
    form.parts.choices = [
        SelectChoice(
            part.reference,
            f"{part.reference} · {part.producer.name} · {format_vnd(refundable_amount(part))} "
            f"· {STATUS_LABELS[part.status]}",
        )
        for part in parts
    ]
    if request.method == "GET":
        form.flagged.data = outstanding or None
    if form.validate_on_submit():
        chosen = [part for part in parts if part.reference in (form.parts.data or [])]
        if not (form.flagged.data or chosen):
            form.parts.errors.append(_("Choose the flagged money or the parts to refund."))
        else:
            done = _refund_named(entry, form, chosen)
            if done is not None:
                flash(_("Refund of %(amount)s recorded.", amount=format_vnd(done)), "success")
                return redirect(url_for("payments_manager.overview"))
    return render_template(
        "payments/refund.html",
        entry=entry,
        form=form,
        outstanding=outstanding,
        available=available,
        parts=parts,
        needs_reference=METHODS[entry.method].needs_reference,
    )


def _refund_named(entry: LedgerEntry, form: PaymentRefundForm, parts: list) -> int | None:
    """Refund the chosen parts in full, then the flagged money; the total, or None (the
    refusal is shown on the form; what was refunded before it stays refunded)."""
    reference, total = form.reference.data or "", 0
    try:
        for part in parts:
            left = refundable_amount(part)
            refund_whole_part(
                part, reference=reference, reason=form.reason.data or "", actor_id=current_user.id
            )
            total += left
        if form.flagged.data:
            refund_payment(
                entry.id, form.flagged.data, reference=reference, actor_id=current_user.id
            )
            total += form.flagged.data
    except PaymentError as error:
        form.parts.errors.append(error.message)
        if total:
            flash(_("Refund of %(amount)s recorded.", amount=format_vnd(total)), "success")
        return None
    return total


@bp.get("/yeu-cau-hoan-tien")
@provincial_manager_required
def refund_requests() -> ResponseReturnValue:
    """Producers' requests to refund card and transfer payments, oldest first."""
    return render_template(
        "payments/refund_requests.html",
        requests=requesting.pending_requests(),
        form=RefundDecisionForm(),
        item_part=lambda item: db.session.get(OrderPart, item.part_id),
    )


@bp.post("/yeu-cau-hoan-tien/<int:request_id>")
@provincial_manager_required
def decide_refund(request_id: int) -> ResponseReturnValue:
    """Approve (refund now) or reject a producer's refund request."""
    item = db.get_or_404(RefundRequest, request_id)
    form = RefundDecisionForm()
    back = redirect(url_for("payments_manager.refund_requests"))
    if not form.validate_on_submit():
        flash(_("This form has expired. Please reload the page and try again."), "error")
        return back
    try:
        if request.form.get("decision") == "approve":
            requesting.approve(
                item.id,
                current_user.id,
                reference=form.reference.data or "",
                note=form.note.data or "",
            )
            flash(_("Refund of %(amount)s recorded.", amount=format_vnd(item.amount)), "success")
        else:
            requesting.reject(item.id, current_user.id, form.note.data or "")
            flash(_("The request is rejected; the producer is told why."), "success")
    except PaymentError as error:
        flash(error.message, "error")
    return back
