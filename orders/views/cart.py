"""The cart pages: view, add, change quantity, remove."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from market.security import cross_origin_protected
from market.urls import safe_next_url
from orders import cart
from orders.errors import CartError
from orders.forms import AddToCartForm, QuantityForm, RemoveForm

bp = Blueprint("cart", __name__, url_prefix="/gio-hang")


def _first_error(form: AddToCartForm | QuantityForm | RemoveForm) -> str:
    for errors in form.errors.values():
        if errors:
            return str(errors[0])
    return _("Please try again.")


@bp.get("/")
def view() -> ResponseReturnValue:
    """The cart grouped by producer, with stock and price problems pointed out."""
    return render_template("orders/cart.html", cart=cart.view_cart(cart.current_store()))


@bp.post("/them")
@cross_origin_protected
def add() -> ResponseReturnValue:
    """Add a product from its page; go back there with a message."""
    form = AddToCartForm()
    back = safe_next_url(form.next.data, "cart.view")
    if not form.validate_on_submit():
        flash(_first_error(form), "error")
        return redirect(back, 303)
    try:
        product = cart.add_to_cart(cart.current_store(), form.product_id.data, form.quantity.data)
    except CartError as error:
        flash(error.message, "error")
    else:
        flash(_("%(name)s is in your cart.", name=product.name), "success")
    return redirect(back, 303)


@bp.post("/cap-nhat")
def update() -> ResponseReturnValue:
    """Change a line's quantity (0 removes it)."""
    form = QuantityForm()
    if not form.validate_on_submit():
        flash(_first_error(form), "error")
    else:
        try:
            cart.set_quantity(cart.current_store(), form.product_id.data, form.quantity.data)
        except CartError as error:
            flash(error.message, "error")
    return redirect(url_for("cart.view"), 303)


@bp.post("/xoa")
def remove() -> ResponseReturnValue:
    """Take a product out of the cart."""
    form = RemoveForm()
    if form.validate_on_submit():
        cart.remove(cart.current_store(), form.product_id.data)
        flash(_("Removed from your cart."), "info")
    else:
        flash(_first_error(form), "error")
    return redirect(url_for("cart.view"), 303)
