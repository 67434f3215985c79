"""Orders and lots: which lots a part shipped from, and who bought a lot (for recalls).

When a part leaves the producer (shipped, or ready for pickup), each of its lines is taken from
the product's lots: the lot the producer picked for the line first, then oldest harvest first,
never a recalled lot
(``catalog.trace.services.choose_lots_for_shipment``), and a sale event is recorded on each lot
with the part's reference (``ABCD2345-1``). That reference is the only link: the public lot page
shows the sale without it, the part pages read the lots back from it, and a recall finds the
buyers through it.
"""

import logging
from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so

from catalog.models import Lot
from catalog.trace.buyers import Buyer
from catalog.trace.models import EventType, LotEvent
from catalog.trace.services import (
    TraceError,
    available_lots,
    choose_lots_for_shipment,
    record_sale_event,
    withdraw_sale_events,
)
from market.extensions import db
from orders.errors import InvalidTransition
from orders.models import Order, OrderLine, OrderPart

logger = logging.getLogger(__name__)

# part id → product id → [(lot, quantity)]
LotsByLine = dict[int, dict[int, list[tuple[Lot, Decimal]]]]


def record_shipment_lots(
    part: OrderPart, when: datetime, chosen: Mapping[int, int] | None = None
) -> int:
    """Record a sale event on the lots each line ships from; joins the caller's transaction.

    ``chosen`` maps a line's id to the lot the producer picked for it (InvalidTransition if that
    lot cannot ship the line's product).
    """
    chosen = chosen or {}
    recorded = 0
    for line in _product_lines(part):
        try:
            allocations = choose_lots_for_shipment(
                line.product_id, line.quantity, chosen.get(line.id)
            )
        except TraceError as error:
            raise InvalidTransition(f"{line.product_name}: {error}") from error
        for allocation in allocations:
            record_sale_event(allocation.lot, part.reference, allocation.quantity, when)
            recorded += 1
    logger.info("Part %s shipped from %s lot allocation(s)", part.reference, recorded)
    return recorded


def withdraw_shipment_lots(parts: list[OrderPart]) -> int:
    """Take back the sale events of parts cancelled while ready for pickup (never handed over)."""
    withdrawn = sum(withdraw_sale_events(part.reference) for part in parts)
    if withdrawn:
        logger.info("Withdrew %s lot sale event(s) of %s", withdrawn, [p.reference for p in parts])
    return withdrawn


def shipped_lots(parts: list[OrderPart]) -> LotsByLine:
    """The lots each part's lines were shipped from, as recorded by sale events."""
    by_reference = {part.reference: part.id for part in parts}
    found: LotsByLine = {part.id: defaultdict(list) for part in parts}
    if not by_reference:
        return found
    events = db.session.scalars(
        sa.select(LotEvent)
        .where(LotEvent.type == EventType.SELLING, LotEvent.reference.in_(by_reference))
        .options(so.joinedload(LotEvent.lot))
        .order_by(LotEvent.id)
    )
    for event in events:
        found[by_reference[event.reference]][event.lot.product_id].append(
            (event.lot, event.quantity or Decimal(0))
        )
    return found


def lot_choices(part: OrderPart) -> dict[int, list[tuple[Lot, Decimal]]]:
    """Per line with registered lots: the lots it may ship from, oldest first, with what is left."""
    return {
        line.id: lots for line in _product_lines(part) if (lots := available_lots(line.product_id))
    }


def _product_lines(part: OrderPart) -> list[OrderLine]:
    return [line for line in part.lines if line.product_id is not None]


def proposed_lots(part: OrderPart) -> dict[int, list[tuple[Lot, Decimal]]]:
    """The lots the part's lines would ship from now (oldest first), for the packing slip."""
    proposed = {}
    for line in _product_lines(part):
        allocations = choose_lots_for_shipment(line.product_id, line.quantity)
        proposed[line.product_id] = [(a.lot, a.quantity) for a in allocations]
    return proposed


def lot_buyers(lot_id: int) -> list[Buyer]:
    """Everyone whose order part recorded a sale from the lot (the recall's buyer source)."""
    references = db.session.scalars(
        sa.select(LotEvent.reference)
        .where(LotEvent.lot_id == lot_id, LotEvent.type == EventType.SELLING)
        .distinct()
    ).all()
    wanted: dict[str, set[int]] = defaultdict(set)
    for reference in references:
        code, _dash, number = reference.rpartition("-")
        if code and number.isdigit():
            wanted[code].add(int(number))
    if not wanted:
        return []
    parts = db.session.scalars(
        sa.select(OrderPart)
        .join(Order, OrderPart.order_id == Order.id)
        .where(Order.code.in_(wanted))
        .options(so.joinedload(OrderPart.order).joinedload(Order.user))
    )
    return [
        Buyer(
            name=part.order.contact_name,
            email=part.order.notify_email,
            phone=part.order.contact_phone,
            order_reference=part.reference,
            locale=part.order.locale,
            user_id=part.order.user_id,
        )
        for part in parts
        if part.number in wanted[part.order.code]
    ]
