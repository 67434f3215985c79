"""Checkout: one form for contact, each producer's delivery and the payment method."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from market.extensions import limiter
from market.i18n import select_locale
from orders import cart
from orders.checkout import (
    CheckoutRequest,
    Contact,
    DeliveryChoice,
    LineRequest,
    Quote,
    available_payment_methods,
    is_idempotency_key,
    make_quote,
    new_idempotency_key,
    order_for_key,
    place_order,
    read_quote,
    sold_out,
)
from orders.errors import CheckoutError, OutOfStock, PricesChanged, Shortage
from orders.forms import CheckoutForm, checkout_form
from orders.models import DeliveryMethod, Order, PaymentMethod
from orders.pickup import pickup_stalls
from orders.views import keep_private

bp = Blueprint("checkout", __name__, url_prefix="/dat-hang")
bp.after_request(keep_private)

GUEST_ORDERS_KEY = "guest_orders"
GUEST_ORDERS_KEPT = 20


def _rate_limit() -> str:
    return current_app.config["CHECKOUT_RATE_LIMIT"]


def order_url(order: Order) -> str:
    """The shopper's page for an order: by code for its account, else the private link."""
    if current_user.is_authenticated and order.user_id == current_user.id:
        return url_for("orders.detail", code=order.code)
    return url_for("orders.private", token=order.access_token)


def _finish(order: Order, store: cart.CartStore) -> ResponseReturnValue:
    if not current_user.is_authenticated:
        store.clear()
        kept = [t for t in session.get(GUEST_ORDERS_KEY, []) if t != order.access_token]
        session[GUEST_ORDERS_KEY] = [order.access_token, *kept][:GUEST_ORDERS_KEPT]
    flash(_("Thank you! Your order %(code)s is placed.", code=order.code), "success")
    return redirect(order_url(order), 303)


def _cart_problems(view: cart.CartView, error: OutOfStock | None = None) -> ResponseReturnValue:
    """The cart page with what must change, as the answer to a checkout that could not be placed."""
    shortages = [
        Shortage(line.product.id, line.product.name, line.quantity, line.product.stock)
        for line in view.lines
        if line.available and not line.enough_stock
    ]
    if error is None and shortages:
        error = sold_out(shortages)
    return render_template("orders/cart.html", cart=view, sold_out=error), 409


def _quote_matches(quote: Quote | None, view: cart.CartView) -> bool:
    if quote is None:
        return False
    wanted = {line.product.id: line.quantity for line in view.lines}
    quoted = {product_id: qty for product_id, (qty, _price) in quote.lines.items()}
    return wanted == quoted and set(quote.fees) == {g.producer.id for g in view.groups}


def _checkout_request(form: CheckoutForm, view: cart.CartView, quote: Quote) -> CheckoutRequest:
    return CheckoutRequest(
        idempotency_key=form.idempotency_key.data,
        lines=tuple(
            LineRequest(line.product.id, line.quantity, quote.lines[line.product.id][1])
            for line in view.lines
        ),
        deliveries={
            g.producer.id: DeliveryChoice(
                DeliveryMethod(form.delivery_field(g.producer).data),
                pickup_stall_id=form.stall_choice(g.producer),
                expected_fee=quote.fees[g.producer.id],
            )
            for g in view.groups
        },
        contact=Contact(form.name.data.strip(), form.phone.data, form.email.data or None),
        payment_method=PaymentMethod(form.payment_method.data),
        address=form.address(),
        user_id=current_user.id if current_user.is_authenticated else None,
        locale=select_locale(),
    )


@bp.route("/", methods=["GET", "POST"])
@limiter.limit(_rate_limit, methods=["POST"])
def checkout() -> ResponseReturnValue:
    """Show the checkout form; place the order once, however often it is submitted."""
    store = cart.current_store()
    key = request.form.get("idempotency_key", "")
    if request.method == "POST" and key and (existing := order_for_key(key)) is not None:
        return _finish(existing, store)
    view = cart.view_cart(store)
    if not view.lines:
        flash(_("Your cart is empty."), "info")
        return redirect(url_for("cart.view"), 303)
    if view.blocked and request.method == "POST":
        return _cart_problems(view)
    if view.blocked:
        flash(_("Some products in your cart need your attention before you order."), "warning")
        return redirect(url_for("cart.view"), 303)
    prefill = {}
    if request.method == "GET" and current_user.is_authenticated:
        prefill = {
            "name": current_user.name,
            "phone": current_user.phone,
            "email": current_user.email,
        }
    methods = available_payment_methods()
    producers = [g.producer for g in view.groups]
    stalls = pickup_stalls([producer.id for producer in producers])
    form = checkout_form(producers, methods, stalls, **prefill)
    if request.method == "GET":
        form.idempotency_key.data = new_idempotency_key()
        form.payment_method.data = methods[0].value
    changes, notice, status = [], None, 200
    if form.validate_on_submit():
        quote = read_quote(form.quote.data)
        if not is_idempotency_key(form.idempotency_key.data or ""):
            form.idempotency_key.data = ""
            notice, status = _("This form has expired. Please check it and order again."), 409
        elif not _quote_matches(quote, view):
            notice, status = _("Your cart changed meanwhile. Check it below and order again."), 409
        else:
            try:
                order = place_order(_checkout_request(form, view, quote))
            except OutOfStock as error:
                return _cart_problems(cart.view_cart(store), error)
            except PricesChanged as error:
                notice, changes, status = error.message, error.changes, 409
            except CheckoutError as error:
                notice, status = error.message, 409
            else:
                return _finish(order, store)
    if not form.idempotency_key.data:
        form.idempotency_key.data = new_idempotency_key()
    form.quote.data = make_quote(view)
    return render_template(
        "orders/checkout.html",
        form=form,
        cart=view,
        changes=changes,
        notice=notice,
        hold_minutes=current_app.config["ORDER_HOLD_MINUTES"],
    ), status
