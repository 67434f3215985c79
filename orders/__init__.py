"""Orders: cart, checkout, stock reservation, the order lifecycle, fulfilment, order pages."""

from flask import Flask
from flask_login import user_logged_in

from market.accounts.models import User

# Importing the model modules registers their tables.
from orders import address_book, delivery_rates, models, shipment_models  # noqa: F401


def _merge_cart_at_login(_app: Flask, user: User, **_extra: object) -> None:
    from orders.cart import merge_session_cart

    merge_session_cart(user.id)


def register(app: Flask) -> None:
    """Attach the cart, checkout, order and fulfilment pages, helpers and commands."""
    from flask_babel import lazy_gettext as _l

    from market import registry
    from market.extensions import csrf
    from orders import jobs, templating  # noqa: F401  (jobs: handlers and schedule)
    from orders.cli import orders_cli
    from orders.fulfilment import awaiting_fulfilment_count, unpaid_part_references, waiting_counts
    from orders.labels import DELIVERY_ACTIONS, DELIVERY_FIELDS
    from orders.traceability import lot_buyers
    from orders.views import address_book as book_views
    from orders.views import (
        carrier_webhooks,
        cart,
        checkout,
        delivery_settings,
        fulfilment,
        shopper,
    )

    for blueprint in (
        cart.bp,
        checkout.bp,
        shopper.bp,
        fulfilment.bp,
        delivery_settings.bp,
        book_views.bp,
        book_views.api,
        carrier_webhooks.bp,
    ):
        app.register_blueprint(blueprint)
    csrf.exempt(carrier_webhooks.bp)
    templating.init_app(app)
    app.cli.add_command(orders_cli)
    user_logged_in.connect(_merge_cart_at_login, app)
    # Plug-in points of the catalog, which never imports orders.
    registry.FULFILMENT_COUNTER.set(
        app, registry.FulfilmentCounter(awaiting_fulfilment_count, "fulfilment.parts")
    )
    registry.UNPAID_REFERENCES.set(app, unpaid_part_references)
    registry.WAITING_ORDERS.set(app, waiting_counts)
    registry.WORKSPACE_MENU.add(app, ("fulfilment.parts", _l("Orders")))
    registry.WORKSPACE_MENU.add(app, ("delivery_settings.edit", _l("Delivery")))
    registry.LOG_ACTIONS.update(app, DELIVERY_ACTIONS)
    registry.LOG_FIELDS.update(app, DELIVERY_FIELDS)
    registry.LOT_BUYERS.add(app, lot_buyers)
