"""Producer-facing payment routes: cash for their part, refunds of a part, what they are owed.

Every route checks on the server that the signed-in user may act for the producer (owner,
staff or a helper it granted); anyone else gets a 404. A helper's confirmation is recorded
as done by the helper, on the producer's part.
"""

import logging

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from catalog.bank_checks import account_state
from catalog.models import Producer
from catalog.permissions import require_producer_access
from market.extensions import db
from market.i18n import format_vnd
from market.permissions import is_provincial
from orders.models import OrderPart
from payments import refund_requests, services
from payments.earning_models import PayoutLine
from payments.errors import PaymentError
from payments.forms import RefundForm, RefundRequestForm, ReturnForm
from payments.models import PaymentMethod, Payout, RefundRequestStatus
from payments.order_refunds import refund_order_part, refundable_amount
from payments.payout_runs import line_for_producer
from payments.payout_views import statement_download
from payments.payouts import producer_balance, recent_parts
from payments.settlement import held_parts
from payments.views import code_from_token, payment_token, same_site

logger = logging.getLogger(__name__)

bp = Blueprint("payments_producer", __name__, url_prefix="/thanh-toan/nha-san-xuat")


@bp.post("/tien-mat/<token>/<part_ref>")
@login_required
def confirm_cash(token: str, part_ref: str) -> ResponseReturnValue:
    """The producer confirms it received the cash for its part of a code."""
    code = code_from_token(token)
    details = services.payment_details(code)
    part = details.due.part(part_ref) if details is not None else None
    if part is None:
        abort(404)
    require_producer_access(part.producer_id)
    if not ReturnForm().validate_on_submit():
        abort(400)
    try:
        services.record_cash_payment(code, part.ref, current_user.id)
    except PaymentError as error:
        flash(error.message, "error")
    else:
        flash(
            _(
                "Cash of %(amount)s recorded for %(code)s.",
                amount=format_vnd(part.amount),
                code=code,
            ),
            "success",
        )
    back = same_site(request.form.get("next"))
    return redirect(back or url_for("payments.pay", token=payment_token(code)))


@bp.get("/<int:producer_id>")
@login_required
def balance(producer_id: int) -> ResponseReturnValue:
    """What the producer earned, paid in fees, holds in cash, what is held and why, what is
    payable, its payouts on their way and its statements."""
    require_producer_access(producer_id)
    producer = db.get_or_404(Producer, producer_id)
    payouts = db.session.scalars(
        sa.select(Payout)
        .where(Payout.producer_id == producer_id)
        .order_by(Payout.created_at.desc())
        .limit(50)
    ).all()
    lines = db.session.scalars(
        sa.select(PayoutLine)
        .where(PayoutLine.producer_id == producer_id)
        .order_by(PayoutLine.id.desc())
        .limit(50)
    ).all()
    return render_template(
        "payments/producer_balance.html",
        producer=producer,
        balance=producer_balance(producer_id),
        account=account_state(producer),
        held=held_parts(producer_id),
        parts=recent_parts(producer_id),
        lines=lines,
        payouts=payouts,
    )


@bp.get("/<int:producer_id>/sao-ke/<int:line_id>.<kind>")
@login_required
def statement(producer_id: int, line_id: int, kind: str) -> ResponseReturnValue:
    """One of the producer's statements as PDF or XLSX; another producer's is not found."""
    require_producer_access(producer_id)
    line = line_for_producer(producer_id, line_id)
    if line is None:
        abort(404)
    return statement_download(line, kind)


@bp.route("/<int:producer_id>/hoan-tien/<int:part_id>", methods=["GET", "POST"])
@login_required
def refund(producer_id: int, part_id: int) -> ResponseReturnValue:
    """Give the shopper back part or all of what one order part was paid. The producer records
    its own cash refunds; card and transfer money is the market's, so it asks a provincial
    manager (who may refund here directly; any other manager is a stranger here: 404)."""
    manager = is_provincial(current_user)
    if not manager:
        require_producer_access(producer_id)
    part = db.first_or_404(
        sa.select(OrderPart).where(OrderPart.id == part_id, OrderPart.producer_id == producer_id)
    )
    back = url_for("fulfilment.part", producer_id=producer_id, part_id=part_id)
    available = refundable_amount(part)
    method = PaymentMethod(part.order.payment_method.value)
    asks = not manager and refund_requests.needs_approval(part)
    form = RefundRequestForm() if asks else RefundForm()
    if request.method == "GET":
        form.amount.data = available
    if available > 0 and form.validate_on_submit():
        try:
            if asks:
                made = refund_requests.request_refund(
                    part, form.amount.data, form.reason.data or "", current_user.id
                )
            else:
                refund_order_part(
                    part,
                    form.amount.data,
                    reference=form.reference.data or "",
                    actor_id=current_user.id,
                )
        except PaymentError as error:
            form.amount.errors.append(error.message)
        else:
            if asks and made.status == RefundRequestStatus.PENDING:
                message = _("Refund request sent: the market's managers will decide.")
            else:
                message = _("Refund of %(amount)s recorded.", amount=format_vnd(form.amount.data))
            flash(message, "success")
            return redirect(back, 303)
    return render_template(
        "payments/part_refund.html",
        part=part,
        form=form,
        asks=asks,
        waiting=refund_requests.open_request(part.id),
        requests=refund_requests.requests_of_part(part.id),
        available=available,
        method=method,
        back=back,
    )
