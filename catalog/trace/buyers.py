"""Who bought a lot: a registry of sources the orders package fills in.

The catalog cannot import orders (dependencies point payments → orders → catalog), so orders
registers a function when it is set up::

    from catalog.trace.buyers import Buyer, register_buyer_source

    def lot_buyers(lot_id: int) -> list[Buyer]: ...

    def register(app):
        register_buyer_source(app, lot_buyers)
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import Flask, current_app

logger = logging.getLogger(__name__)

EXTENSION_KEY = "trace_buyer_sources"


@dataclass(frozen=True)
class Buyer:
    """A shopper who received part of a lot: enough to warn them of a recall."""

    name: str
    email: str | None
    phone: str | None
    order_reference: str
    locale: str = "vi"


BuyerSource = Callable[[int], Iterable[Buyer]]


def register_buyer_source(app: Flask, source: BuyerSource) -> None:
    """Add a function ``source(lot_id) -> buyers`` to the app's buyer sources (once)."""
    sources: list[BuyerSource] = app.extensions.setdefault(EXTENSION_KEY, [])
    if source not in sources:
        sources.append(source)


def buyers_of(lot_id: int) -> list[Buyer]:
    """Every buyer of the lot from every registered source, one entry per order."""
    found: dict[tuple[str, str], Buyer] = {}
    for source in current_app.extensions.get(EXTENSION_KEY, []):
        for buyer in source(lot_id):
            found.setdefault((buyer.order_reference, buyer.email or buyer.phone or ""), buyer)
    return sorted(found.values(), key=lambda buyer: (buyer.name.casefold(), buyer.order_reference))
