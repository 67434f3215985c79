"""What one checkout may take: caps on a guest's order, orders per account and phone per hour.

Stock is first come, first served, so a stranger with no account could otherwise hold all of a
product with one cash order, or with many. A guest's order is capped in units per product and in
value; every checkout is counted per account and per phone number in the database (so the count
holds across any number of app servers), beside the per-address limit of Flask-Limiter on the
checkout route. Two checkouts at the very same moment may both pass the count: the limit is
exceeded by at most the number of simultaneous requests, which the address limit keeps small.
"""

from collections.abc import Mapping
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from catalog.models import Product
from market.dbtypes import utcnow
from market.extensions import db
from market.i18n import format_vnd
from orders.errors import GuestLimit, TooManyOrders
from orders.models import Order

WINDOW = timedelta(hours=1)


def check_guest_order(lines: list[tuple[int, int, int]], products: Mapping[int, Product]) -> None:
    """Refuse a guest's order over the per-product units or the value cap.

    ``lines`` are (product id, quantity, unit price) as the shopper ordered them.
    """
    max_units = current_app.config["GUEST_MAX_UNITS"]
    too_many = [products[pid].name for pid, quantity, _price in lines if quantity > max_units]
    if too_many:
        raise GuestLimit(
            _(
                "Without an account, an order may hold at most %(max)s of each product "
                "(too many: %(names)s). Lower the quantity, or sign in to order more.",
                max=max_units,
                names=", ".join(too_many),
            )
        )
    max_value = current_app.config["GUEST_MAX_ORDER_VALUE"]
    value = sum(quantity * price for _pid, quantity, price in lines)
    if value > max_value:
        raise GuestLimit(
            _(
                "Without an account, an order's products may come to at most %(max)s "
                "(this one: %(value)s). Order less, or sign in to order more.",
                max=format_vnd(max_value),
                value=format_vnd(value),
            )
        )


def check_order_rate(user_id: int | None, phone: str) -> None:
    """Refuse a checkout when the account or the phone number placed its hour's orders."""
    since = utcnow() - WINDOW
    config = current_app.config
    if user_id is not None:
        placed = _count(Order.user_id == user_id, since)
        if placed >= config["ORDERS_PER_ACCOUNT_PER_HOUR"]:
            raise TooManyOrders(
                _(
                    "Your account has placed %(num)s orders in the last hour, the most we "
                    "accept. Please try again later.",
                    num=placed,
                )
            )
    placed = _count(Order.contact_phone == phone, since)
    if placed >= config["ORDERS_PER_PHONE_PER_HOUR"]:
        raise TooManyOrders(
            _(
                "The phone number %(phone)s has placed %(num)s orders in the last hour, the "
                "most we accept. Please try again later.",
                phone=phone,
                num=placed,
            )
        )


def _count(who: sa.ColumnElement[bool], since: object) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Order).where(who, Order.created_at >= since)
    )
