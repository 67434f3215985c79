"""Who else hears about order parts: registration points for higher packages.

Parts cancelled: orders never imports payments. Payments registers a function here and is
called with the order inside the very transaction that cancelled its parts (by the shopper, the
producer or expiry), after the order row was locked, so it can settle the money the order holds
without a second, racing transaction: flag it for refund, or, when it now covers the parts left,
pay them through ``orders.services`` inside ``orders.transaction.caller_transaction()``. A
listener must not commit.

Cash handed over: payments records the cash of a cash part its producer hands over (delivered
or picked up) with no cash recorded yet, inside the handover's transaction before the part
moves, so the goods and the money change hands together or not at all. A listener must not
commit.

Part changed: markets keeps its sales rollups current; every change of a part's row
(``orders.transitions.update_part``: paid, cancelled, refunded, a refund failed, revived) calls
the listeners with the part as it is now and the old values of what changed, in the changing
transaction. A listener must not commit.

Shipment delivered: payments (checkout's cash on delivery by carrier) books the cash the carrier
collected as owed by the carrier; called with the part, the carrier's code, the tracking code,
the cash the carrier says it collected (None when it said nothing) and when it delivered (naive
UTC), in the transaction that marks the part delivered from the carrier's update. A cash part
delivered by a carrier is not "cash handed over": the carrier, not the producer, has the cash.
A listener must not commit.
"""

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from market import registry
from orders.models import Order, OrderPart

PartsCancelled = Callable[[Order], None]
PartChanged = Callable[[OrderPart, Mapping[str, Any]], None]
CashHandedOver = Callable[[OrderPart, int | None], None]
ShipmentDelivered = Callable[[OrderPart, str, str, int | None, datetime], None]


def parts_cancelled(order: Order) -> None:
    """Tell every registered listener that parts of ``order`` were just cancelled."""
    for listener in registry.PARTS_CANCELLED.all():
        listener(order)


def part_changed(part: OrderPart, before: Mapping[str, Any]) -> None:
    """Tell every registered listener that ``part`` changed from the values in ``before``."""
    for listener in registry.PART_CHANGED.all():
        listener(part, before)


def cash_handed_over(part: OrderPart, user_id: int | None) -> None:
    """Tell every registered listener that ``part``'s goods are being handed over for cash."""
    for listener in registry.CASH_HANDED_OVER.all():
        listener(part, user_id)


def shipment_delivered(
    part: OrderPart, carrier: str, tracking_code: str, cod_collected: int | None, at: datetime
) -> None:
    """Tell every registered listener that a carrier delivered ``part``."""
    for listener in registry.SHIPMENT_DELIVERED.all():
        listener(part, carrier, tracking_code, cod_collected, at)
