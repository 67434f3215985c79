"""Delivery options for a whole cart: each producer's, quoted for one address.

Carrier quotes are network calls (about 150 ms each). Every producer's carrier quotes are asked
in one ``orders.carriers.quote_many`` call — in parallel, cached per route and weight band — and
each producer's ``delivery_options`` gets its own answers, so a cart of five producers with
three carriers each waits for one round trip, and a second look at the page for none.
"""

from orders import carriers
from orders.addresses import Address
from orders.cart import CartView
from orders.delivery import OptionsResult, carrier_asks, delivery_options


def options_for_cart(cart: CartView, address: Address | None) -> dict[int, OptionsResult]:
    """Each producer's delivery options for its lines in the cart (by producer id)."""
    parts = [
        (group, [(line.product, line.quantity) for line in group.lines]) for group in cart.groups
    ]
    asks = {
        group.producer.id: carrier_asks(group.producer, address, lines) for group, lines in parts
    }
    answers = iter(carriers.quote_many([ask for each in asks.values() for ask in each]))
    return {
        group.producer.id: delivery_options(
            group.producer,
            address,
            lines,
            group.subtotal,
            quoted=[next(answers) for _ask in asks[group.producer.id]],
        )
        for group, lines in parts
    }
