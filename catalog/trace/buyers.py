"""Who bought a lot: sources the orders package registers (``market.registry.LOT_BUYERS``).

The catalog cannot import orders (dependencies point payments → orders → catalog), so orders
registers a function when it is set up::

    def lot_buyers(lot_id: int) -> list[Buyer]: ...

    def register(app):
        registry.LOT_BUYERS.add(app, lot_buyers)
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from market import registry

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Buyer:
    """A shopper who received part of a lot: enough to warn them of a recall."""

    name: str
    email: str | None
    phone: str | None
    order_reference: str
    locale: str = "vi"
    user_id: int | None = None  # the shopper's account, when they ordered signed in


BuyerSource = Callable[[int], Iterable[Buyer]]


def buyers_of(lot_id: int) -> list[Buyer]:
    """Every buyer of the lot from every registered source, one entry per order."""
    found: dict[tuple[str, str], Buyer] = {}
    for source in registry.LOT_BUYERS.all():
        for buyer in source(lot_id):
            found.setdefault((buyer.order_reference, buyer.email or buyer.phone or ""), buyer)
    return sorted(found.values(), key=lambda buyer: (buyer.name.casefold(), buyer.order_reference))
