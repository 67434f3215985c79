"""Who else hears that parts of an order were cancelled: a registration point for higher packages.

Orders never imports payments. Payments registers a function here and is called with the order
inside the very transaction that cancelled its parts (by the shopper, the producer or expiry),
after the order row was locked, so it can settle the money the order holds without a second,
racing transaction: flag it for refund, or, when it now covers the parts left, pay them through
``orders.services`` inside ``orders.transaction.caller_transaction()``. A listener must not
commit.
"""

from collections.abc import Callable

from flask import Flask, current_app

from orders.models import Order

EXTENSION = "orders_parts_cancelled"

PartsCancelled = Callable[[Order], None]


def on_parts_cancelled(app: Flask, listener: PartsCancelled) -> None:
    """Call ``listener(order)`` whenever parts of an order are cancelled (once per listener)."""
    listeners: list[PartsCancelled] = app.extensions.setdefault(EXTENSION, [])
    if listener not in listeners:
        listeners.append(listener)


def parts_cancelled(order: Order) -> None:
    """Tell every registered listener that parts of ``order`` were just cancelled."""
    for listener in current_app.extensions.get(EXTENSION, []):
        listener(order)
