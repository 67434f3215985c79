"""Pickup stalls: where a shopper may collect a producer's part at a chợ 4.0 market.

Markets and stalls belong to the markets feature, which builds on orders, so orders never
imports it: the feature registers a ``StallDirectory`` in its ``register(app)`` and orders asks
through the functions below. Without a directory no stall pickup is offered, and a part that
names a stall shows what the shopper typed before stalls were listed (``pickup_point``).
"""

from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol

from flask_babel import gettext as _

from market import registry
from orders.models import OrderPart


@dataclass(frozen=True)
class PickupStall:
    """A stall as the checkout and the order pages show it."""

    id: int
    producer_id: int
    number: str
    market_name: str
    address: str  # the market's address, commune and province
    market_days: str = ""
    url: str = ""  # the stall's public page (empty outside a request)

    @property
    def label(self) -> str:
        """The stall number and its market, as the shopper reads it."""
        return _("Stall %(number)s, %(market)s", number=self.number, market=self.market_name)


class StallDirectory(Protocol):
    """Implemented by the markets feature."""

    def stalls_of(self, producer_ids: Collection[int]) -> dict[int, list[PickupStall]]:
        """The stalls open for pickup where each producer sells, by producer id."""

    def stalls(self, stall_ids: Collection[int]) -> dict[int, PickupStall]:
        """Stalls by id whatever their state now (an order names where its part went)."""


def _directory() -> StallDirectory | None:
    return registry.PICKUP_STALLS.get()


def pickup_stalls(producer_ids: Collection[int]) -> dict[int, list[PickupStall]]:
    """The stalls each producer's part may be picked up at (none without a directory)."""
    directory = _directory()
    found = directory.stalls_of(producer_ids) if directory and producer_ids else {}
    return {producer_id: found.get(producer_id, []) for producer_id in producer_ids}


def not_its_stall(producer: str) -> str:
    """The refusal of a pickup stall the producer does not sell at (or of none at all)."""
    return _(
        "%(producer)s does not sell at that stall. Choose one of its stalls from the list.",
        producer=producer,
    )


def pickup_stall(part: OrderPart) -> PickupStall | None:
    """The stall a part is picked up at, or None (not a stall pickup, or an older order)."""
    directory = _directory()
    if part.pickup_stall_id is None or directory is None:
        return None
    return directory.stalls([part.pickup_stall_id]).get(part.pickup_stall_id)


def stalls_by_id(stall_ids: Collection[int]) -> dict[int, PickupStall]:
    """Stalls by id whatever their state now (none without a directory)."""
    directory = _directory()
    return directory.stalls(stall_ids) if directory and stall_ids else {}


def pickup_place(part: OrderPart) -> str:
    """Where the shopper collects a stall-pickup part, in one line (for messages)."""
    stall = pickup_stall(part)
    if stall is None:
        return part.pickup_point
    return f"{stall.label} — {stall.address}" if stall.address else stall.label
