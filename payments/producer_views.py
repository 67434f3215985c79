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

from catalog.models import Producer
from catalog.permissions import require_producer_access
from market.accounts.models import Role
from market.extensions import db
from market.i18n import format_vnd
from orders.models import OrderPart
from payments import services
from payments.errors import PaymentError
from payments.forms import RefundForm, ReturnForm
from payments.models import PaymentMethod, Payout
from payments.order_refunds import refund_order_part, refundable_amount
from payments.payouts import producer_balance
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
    """What the producer earned, holds in cash, had refunded, was paid out and is owed."""
    require_producer_access(producer_id)
    producer = db.get_or_404(Producer, producer_id)
    payouts = db.session.scalars(
        sa.select(Payout)
        .where(Payout.producer_id == producer_id)
        .order_by(Payout.created_at.desc())
        .limit(50)
    ).all()
    return render_template(
        "payments/producer_balance.html",
        producer=producer,
        balance=producer_balance(producer_id),
        payouts=payouts,
    )


@bp.route("/<int:producer_id>/hoan-tien/<int:part_id>", methods=["GET", "POST"])
@login_required
def refund(producer_id: int, part_id: int) -> ResponseReturnValue:
    """Give the shopper back part or all of what one order part was paid (managers too)."""
    if current_user.role not in (Role.MANAGER, Role.ADMIN):
        require_producer_access(producer_id)
    part = db.first_or_404(
        sa.select(OrderPart).where(OrderPart.id == part_id, OrderPart.producer_id == producer_id)
    )
    back = url_for("fulfilment.part", producer_id=producer_id, part_id=part_id)
    available = refundable_amount(part)
    form = RefundForm()
    if request.method == "GET":
        form.amount.data = available
    method = PaymentMethod(part.order.payment_method.value)
    if available > 0 and form.validate_on_submit():
        try:
            refund_order_part(
                part,
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
            return redirect(back, 303)
    return render_template(
        "payments/part_refund.html",
        part=part,
        form=form,
        available=available,
        method=method,
        back=back,
    )
