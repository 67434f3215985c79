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
from orders.address_book import addresses_of, remember_address
from orders.address_forms import UPDATE_ACTION
from orders.checkout import (
    CheckoutRequest,
    Contact,
    DeliveryChoice,
    LineRequest,
    available_payment_methods,
    is_idempotency_key,
    new_idempotency_key,
    order_for_key,
    place_order,
    sold_out,
)
from orders.checkout_quote import Quote, make_quote, read_quote
from orders.delivery_quotes import options_for_cart
from orders.errors import CheckoutError, OutOfStock, PricesChanged, Shortage, TooManyOrders
from orders.forms import CheckoutForm, checkout_form
from orders.models import Order, PaymentMethod
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


def _choices(form: CheckoutForm, quote: Quote) -> dict[int, DeliveryChoice] | None:
    """Each producer's chosen option with the fee the page showed for it; None when an option
    was not on the page the shopper saw (the address changed since): its fee is shown first."""
    choices = {}
    for producer in form.producers:
        option = form.chosen_option(producer)
        shown = quote.fee_shown(producer.id, option.key) if option is not None else None
        if option is None or shown is None:
            return None
        choices[producer.id] = DeliveryChoice(
            option.method, pickup_stall_id=option.stall_id, expected_fee=shown, option=option.key
        )
    return choices


def _checkout_request(
    form: CheckoutForm, view: cart.CartView, quote: Quote, choices: dict[int, DeliveryChoice]
) -> CheckoutRequest:
    address = form.address()
    return CheckoutRequest(
        idempotency_key=form.idempotency_key.data,
        lines=tuple(
            LineRequest(line.product.id, line.quantity, quote.lines[line.product.id][1])
            for line in view.lines
        ),
        deliveries=choices,
        contact=Contact(form.name.data.strip(), form.phone.data, form.email.data or None),
        payment_method=PaymentMethod(form.payment_method.data),
        address=address,
        user_id=current_user.id if current_user.is_authenticated else None,
        locale=select_locale(),
    )


def _showing_options() -> bool:
    """ "Show delivery options" / "Continue" re-show the page and order nothing: not counted."""
    return request.form.get("action") == UPDATE_ACTION


@bp.route("/", methods=["GET", "POST"])
@limiter.limit(_rate_limit, methods=["POST"], exempt_when=_showing_options)
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
    saved = addresses_of(current_user.id) if current_user.is_authenticated else []
    form = checkout_form(producers, methods, stalls, saved, **prefill)
    options = options_for_cart(view, form.given_address())
    form.offer(options)
    if request.method == "GET":
        form.idempotency_key.data = new_idempotency_key()
        form.payment_method.data = methods[0].value
    changes, notice, status = [], None, 200
    # "Continue" (pages without JavaScript) shows the fields the choices need; it orders nothing
    # and judges nothing yet, so no error is shown for fields the shopper has not reached.
    updating = request.form.get("action") == UPDATE_ACTION
    if not updating and form.validate_on_submit():
        quote = read_quote(form.quote.data)
        if not is_idempotency_key(form.idempotency_key.data or ""):
            form.idempotency_key.data = ""
            notice, status = _("This form has expired. Please check it and order again."), 409
        elif not _quote_matches(quote, view):
            notice, status = _("Your cart changed meanwhile. Check it below and order again."), 409
        elif (choices := _choices(form, quote)) is None:
            notice = _("Check the delivery prices for this address below, then order again.")
            status = 409
        else:
            try:
                order = place_order(_checkout_request(form, view, quote, choices))
            except OutOfStock as error:
                return _cart_problems(cart.view_cart(store), error)
            except PricesChanged as error:
                notice, changes, status = error.message, error.changes, 409
            except TooManyOrders as error:
                notice, status = error.message, 429
            except CheckoutError as error:
                notice, status = error.message, 409
            else:
                address = form.address()
                if current_user.is_authenticated and address is not None:
                    remember_address(current_user.id, address, keep_new=form.save_address.data)
                return _finish(order, store)
    if not form.idempotency_key.data:
        form.idempotency_key.data = new_idempotency_key()
    form.quote.data = make_quote(view, {pid: result.options for pid, result in options.items()})
    return render_template(
        "orders/checkout.html",
        form=form,
        cart=view,
        changes=changes,
        notice=notice,
        hold_minutes=current_app.config["ORDER_HOLD_MINUTES"],
        cash_hold_hours=current_app.config["CASH_HOLD_HOURS"],
        guest_max_units=current_app.config["GUEST_MAX_UNITS"],
        guest_max_value=current_app.config["GUEST_MAX_ORDER_VALUE"],
    ), status
