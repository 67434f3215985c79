"""Orders: cart, checkout, stock reservation, the order lifecycle, fulfilment, order pages."""

from flask import Flask
from flask_login import user_logged_in

from market.accounts.models import User
from orders import models  # noqa: F401  (registers the tables)


def _merge_cart_at_login(_app: Flask, user: User, **_extra: object) -> None:
    from orders.cart import merge_session_cart

    merge_session_cart(user.id)


def register(app: Flask) -> None:
    """Attach the cart, checkout, order and fulfilment pages, helpers and commands."""
    from orders import templating
    from orders.cli import orders_cli
    from orders.views import cart, checkout, fulfilment, shopper

    for blueprint in (cart.bp, checkout.bp, shopper.bp, fulfilment.bp):
        app.register_blueprint(blueprint)
    templating.init_app(app)
    app.cli.add_command(orders_cli)
    user_logged_in.connect(_merge_cart_at_login, app)
