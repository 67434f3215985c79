"""Template helpers: the header's cart and order counts, and the display names of states."""

import logging

import sqlalchemy as sa
from flask import Flask, g, session
from flask_login import current_user

from catalog.models import Producer
from catalog.permissions import producers_for
from market.extensions import db
from orders import cart, labels, shipments
from orders.delivery import rule_of
from orders.fulfilment import new_part_counts
from orders.lifecycle import action_label
from orders.pickup import pickup_stall

logger = logging.getLogger(__name__)


def cart_count() -> int:
    """Units in the current visitor's cart (computed once per request)."""
    if "cart_count" not in g:
        try:
            g.cart_count = cart.count_units(cart.current_store())
        except sa.exc.SQLAlchemyError:
            # The header must not break a page (an error page, say) when the database is down.
            db.session.rollback()
            logger.warning("Cart count unavailable", exc_info=True)
            g.cart_count = 0
    return g.cart_count


def producer_order_links() -> list[tuple[Producer, int]]:
    """The producers the signed-in user acts for, each with its count of new orders."""
    if not current_user.is_authenticated:
        return []
    if "producer_order_links" not in g:
        try:
            producers = producers_for(current_user)
            counts = new_part_counts([p.id for p in producers])
        except sa.exc.SQLAlchemyError:
            db.session.rollback()
            logger.warning("New order counts unavailable", exc_info=True)
            producers, counts = [], {}
        g.producer_order_links = [(p, counts.get(p.id, 0)) for p in producers]
    return g.producer_order_links


def has_guest_orders() -> bool:
    """True when this browser placed orders without an account (the header offers them)."""
    from orders.views.checkout import GUEST_ORDERS_KEY  # the views import this module's package

    return bool(session.get(GUEST_ORDERS_KEY))


def init_app(app: Flask) -> None:
    """Make the helpers available in every template."""
    app.jinja_env.globals.update(
        cart_count=cart_count,
        producer_order_links=producer_order_links,
        has_guest_orders=has_guest_orders,
        status_labels=labels.STATUS_LABELS,
        delivery_labels=labels.DELIVERY_LABELS,
        shipment_labels=labels.SHIPMENT_LABELS,
        carrier_name=shipments.carrier_name,
        payment_labels=labels.PAYMENT_LABELS,
        actor_labels=labels.ACTOR_LABELS,
        cancel_label=labels.cancel_label,
        action_label=action_label,
        pickup_stall=pickup_stall,
        delivery_rule=rule_of,
    )
