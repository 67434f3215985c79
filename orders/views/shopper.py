"""The shopper's orders: history, an order's page (account or private link), cancel, buy again."""

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Blueprint, abort, current_app, flash, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from market.extensions import db
from orders import cart, services, shipments, traceability
from orders.errors import InvalidTransition
from orders.forms import BuyAgainForm, ShopperCancelForm
from orders.lifecycle import Action, check
from orders.models import ActorRole, Order, OrderPart
from orders.transitions import Actor
from orders.views import keep_private
from orders.views.checkout import GUEST_ORDERS_KEY, order_url

bp = Blueprint("orders", __name__, url_prefix="/don-hang")
bp.after_request(keep_private)

TOKEN_MAX = 64


def _with_details(query: sa.Select) -> sa.Select:
    return query.options(
        so.selectinload(Order.parts).selectinload(OrderPart.lines),
        so.selectinload(Order.parts).selectinload(OrderPart.events),
        so.selectinload(Order.parts).joinedload(OrderPart.producer),
    )


def _owned(code: str) -> Order:
    return db.first_or_404(
        _with_details(
            sa.select(Order).where(
                Order.code == code.strip().upper(), Order.user_id == current_user.id
            )
        )
    )


def _by_token(token: str) -> Order:
    if len(token) > TOKEN_MAX:
        abort(404)
    return db.first_or_404(_with_details(sa.select(Order).where(Order.access_token == token)))


def _shopper() -> Actor:
    if current_user.is_authenticated:
        return Actor.of(current_user, ActorRole.SHOPPER)
    return Actor(ActorRole.SHOPPER)


def _cancellable(part: OrderPart) -> bool:
    try:
        check(part, Action.CANCEL, ActorRole.SHOPPER)
    except InvalidTransition:
        return False
    return True


def _show(order: Order, private: bool) -> ResponseReturnValue:
    services.expire_if_due(order)
    return render_template(
        "orders/order.html",
        order=order,
        private=private,
        cancellable={p.id for p in order.parts if _cancellable(p)},
        cancel_form=ShopperCancelForm(),
        buy_again_form=BuyAgainForm(),
        lots=traceability.shipped_lots(order.parts),
        shipments=shipments.of_parts(order.parts),
    )


@bp.get("/")
def history() -> ResponseReturnValue:
    """Signed-in shoppers' orders, newest first; guests see those placed from this browser."""
    if current_user.is_authenticated:
        query = (
            sa.select(Order)
            .where(Order.user_id == current_user.id)
            .options(so.selectinload(Order.parts))
            .order_by(Order.created_at.desc(), Order.id.desc())
        )
        page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
        for order in page.items:
            services.expire_if_due(order)
        return render_template("orders/history.html", orders=page.items, page=page)
    tokens = [t for t in session.get(GUEST_ORDERS_KEY, []) if isinstance(t, str)]
    orders = db.session.scalars(
        sa.select(Order)
        .where(Order.access_token.in_(tokens))
        .options(so.selectinload(Order.parts))
        .order_by(Order.created_at.desc())
    ).all()
    for order in orders:
        services.expire_if_due(order)
    return render_template("orders/history.html", orders=orders, page=None)


@bp.get("/<code>")
@login_required
def detail(code: str) -> ResponseReturnValue:
    """An order of the signed-in shopper."""
    return _show(_owned(code), private=False)


@bp.get("/xem/<token>")
def private(token: str) -> ResponseReturnValue:
    """An order by its private link, for guests (and anyone they share the link with)."""
    return _show(_by_token(token), private=True)


def _cancel(order: Order) -> ResponseReturnValue:
    form = ShopperCancelForm()
    if not form.validate_on_submit():
        flash(_("Please try again."), "error")
        return redirect(order_url(order), 303)
    reason = form.reason.data or ""
    try:
        if form.part.data:
            part = next((p for p in order.parts if p.id == form.part.data), None)
            if part is None:
                abort(404)
            services.cancel_part(part, _shopper(), reason)
        else:
            services.cancel_order(order, _shopper(), reason)
    except InvalidTransition as error:
        flash(error.message, "error")
    else:
        flash(_("Cancelled. We have let the producer know."), "success")
    return redirect(order_url(order), 303)


@bp.post("/<code>/huy")
@login_required
def cancel(code: str) -> ResponseReturnValue:
    """Cancel a part, or every part still cancellable, of the shopper's order."""
    return _cancel(_owned(code))


@bp.post("/xem/<token>/huy")
def cancel_private(token: str) -> ResponseReturnValue:
    """Cancel from the private link."""
    return _cancel(_by_token(token))


def _buy_again(order: Order) -> ResponseReturnValue:
    if not BuyAgainForm().validate_on_submit():
        flash(_("Please try again."), "error")
        return redirect(order_url(order), 303)
    added, refusals = cart.buy_again(cart.current_store(), order)
    for message in refusals:
        flash(message, "warning")
    if added:
        flash(_("Added to your cart: %(names)s.", names=", ".join(added)), "success")
    return redirect(url_for("cart.view"), 303)


@bp.post("/<code>/mua-lai")
@login_required
def buy_again(code: str) -> ResponseReturnValue:
    """Put the order's products back in the cart."""
    return _buy_again(_owned(code))


@bp.post("/xem/<token>/mua-lai")
def buy_again_private(token: str) -> ResponseReturnValue:
    """Buy again from the private link."""
    return _buy_again(_by_token(token))
