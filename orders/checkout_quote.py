"""What the checkout page showed — each product's price, each producer's delivery options and
their fees — signed into the form, so that placing the order can tell what changed since.

A price or a fee is *held* like this: the order is placed only at the price and fee the shopper
saw; if either changed between the page and the submit, nothing is ordered and the page shows
the new figures for the shopper to confirm again.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from flask import current_app
from itsdangerous import BadSignature, Signer

from orders.cart import CartView
from orders.delivery import DeliveryOption


@dataclass
class Quote:
    """Quantity and price per product, and per producer the fee of each delivery option shown."""

    lines: dict[int, tuple[int, int]] = field(default_factory=dict)
    fees: dict[int, dict[str, int]] = field(default_factory=dict)

    def fee_shown(self, producer_id: int, key: str) -> int | None:
        """The fee the page showed for that producer's option; None if it was not shown."""
        return self.fees.get(producer_id, {}).get(key)


def _signer() -> Signer:
    return Signer(current_app.config["SECRET_KEY"], salt="checkout-quote")


def make_quote(cart: CartView, options: Mapping[int, Sequence[DeliveryOption]]) -> str:
    """Encode and sign what the shopper is shown (``options`` by producer id)."""
    lines = ",".join(f"{x.product.id}x{x.quantity}@{x.product.price}" for x in cart.lines)
    fees = ",".join(
        f"{group.producer.id}@"
        + ";".join(f"{o.key}={o.fee}" for o in options.get(group.producer.id, ()))
        for group in cart.groups
    )
    return _signer().sign(f"{lines}|{fees}").decode()


def read_quote(text: str | None) -> Quote | None:
    """Decode a quote from the form; None if it was tampered with or truncated."""
    try:
        lines_part, fees_part = _signer().unsign(text or "").decode().split("|")
        quote = Quote()
        for item in filter(None, lines_part.split(",")):
            product, rest = item.split("x")
            quantity, price = rest.split("@")
            quote.lines[int(product)] = (int(quantity), int(price))
        for item in filter(None, fees_part.split(",")):
            producer, shown = item.split("@")
            quote.fees[int(producer)] = {
                key: int(fee)
                for key, fee in (o.rsplit("=", 1) for o in filter(None, shown.split(";")))
            }
    except (BadSignature, ValueError):
        return None
    return quote
