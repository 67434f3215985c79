"""The producer's side of orders: parts by state, moving them along, one or many at once."""

from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from market import registry
from market.dbtypes import utcnow
from market.extensions import db
from orders import notifications, observers, shipments, traceability
from orders.errors import InvalidTransition
from orders.lifecycle import FULFILMENT_ACTIONS, Action
from orders.models import Order, OrderPart, PartStatus, PaymentMethod
from orders.transaction import unit_of_work
from orders.transitions import Actor, apply, record, update_part

# The actions that take the goods from lots (the producer may pick the lot of each line).
LOT_ACTIONS = frozenset({Action.SHIP, Action.READY})


@dataclass(frozen=True)
class StateGroup:
    """A tab of the producer's order list."""

    key: str
    label: object
    states: tuple[PartStatus, ...]


STATE_GROUPS = (
    StateGroup("to-pack", _l("To pack"), (PartStatus.AWAITING_FULFILMENT,)),
    StateGroup("packed", _l("Packed"), (PartStatus.PACKED,)),
    StateGroup(
        "on-the-way",
        _l("Shipped or ready for pickup"),
        (PartStatus.SHIPPED, PartStatus.READY_FOR_PICKUP),
    ),
    StateGroup("done", _l("Completed"), (PartStatus.DELIVERED, PartStatus.PICKED_UP)),
    StateGroup("unpaid", _l("Awaiting payment"), (PartStatus.AWAITING_PAYMENT,)),
    StateGroup("cancelled", _l("Cancelled"), (PartStatus.CANCELLED, PartStatus.REFUNDED)),
)
GROUPS_BY_KEY = {group.key: group for group in STATE_GROUPS}
# Parts counted as new orders in the producer's badge.
NEW = (OrderPart.status == PartStatus.AWAITING_FULFILMENT) & OrderPart.seen_at.is_(None)


def parts_query(producer_id: int, group: StateGroup) -> sa.Select:
    """The producer's parts in one tab, newest first."""
    return (
        sa.select(OrderPart)
        .where(OrderPart.producer_id == producer_id, OrderPart.status.in_(group.states))
        .order_by(OrderPart.created_at.desc(), OrderPart.id.desc())
    )


def group_counts(producer_id: int) -> dict[str, int]:
    """How many parts each tab holds."""
    rows = db.session.execute(
        sa.select(OrderPart.status, sa.func.count())
        .where(OrderPart.producer_id == producer_id)
        .group_by(OrderPart.status)
    ).all()
    by_status = {PartStatus(status): n for status, n in rows}
    return {g.key: sum(by_status.get(s, 0) for s in g.states) for g in STATE_GROUPS}


def awaiting_fulfilment_count(producer_id: int) -> int:
    """Parts paid (or cash) and waiting for the producer to pack them: the "To pack" tab."""
    return group_counts(producer_id)[STATE_GROUPS[0].key]


def unpaid_part_references(producer_id: int) -> set[str]:
    """References of the producer's live parts no money has been received for yet."""
    rows = db.session.execute(
        sa.select(Order.code, OrderPart.number)
        .join(Order, Order.id == OrderPart.order_id)
        .where(
            OrderPart.producer_id == producer_id,
            OrderPart.paid_amount == 0,
            OrderPart.status.not_in([PartStatus.CANCELLED, PartStatus.REFUNDED]),
        )
    ).all()
    return {f"{code}-{number}" for code, number in rows}


def waiting_counts(producer_ids: list[int]) -> dict[int, registry.Waiting]:
    """Per producer: parts to pack, live parts not paid yet, parts ready for pickup."""
    if not producer_ids:
        return {}
    live = OrderPart.status.not_in([PartStatus.CANCELLED, PartStatus.REFUNDED])
    rows = db.session.execute(
        sa.select(
            OrderPart.producer_id,
            sa.func.count().filter(OrderPart.status == PartStatus.AWAITING_FULFILMENT),
            sa.func.count().filter(live & (OrderPart.paid_amount == 0)),
            sa.func.count().filter(OrderPart.status == PartStatus.READY_FOR_PICKUP),
        )
        .where(OrderPart.producer_id.in_(producer_ids))
        .group_by(OrderPart.producer_id)
    ).all()
    return {pid: registry.Waiting(fulfil, unpaid, ready) for pid, fulfil, unpaid, ready in rows}


def new_part_counts(producer_ids: list[int]) -> dict[int, int]:
    """Parts waiting to be packed that nobody of the producer has opened yet."""
    if not producer_ids:
        return {}
    rows = db.session.execute(
        sa.select(OrderPart.producer_id, sa.func.count())
        .where(OrderPart.producer_id.in_(producer_ids), NEW)
        .group_by(OrderPart.producer_id)
    ).all()
    return {producer_id: n for producer_id, n in rows}


def mark_seen(part: OrderPart) -> None:
    """Note that someone acting for the producer opened the part (it is no longer new)."""
    if part.seen_at is None:
        db.session.execute(
            sa.update(OrderPart)
            .where(OrderPart.id == part.id, OrderPart.seen_at.is_(None))
            .values(seen_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        db.session.commit()


# Goods reach the shopper: for a cash part, the cash changes hands at that moment.
HANDOVER_ACTIONS = (Action.DELIVER, Action.HAND_OVER)


def advance_part(
    part: OrderPart,
    action: Action,
    actor: Actor,
    note: str = "",
    lots: Mapping[int, int] | None = None,
) -> None:
    """Pack, ship or make ready (from the lots picked per line), mark delivered or picked up.

    Packing a part sent by a carrier asks the carrier for its shipment (``orders.shipments``).

        Handing over a cash part with no cash recorded records its cash in the same transaction.
    """
    if action not in FULFILMENT_ACTIONS:
        raise InvalidTransition(_("Unknown action."))
    note = note.strip()
    values = {"tracking": note[:200]} if action is Action.SHIP and note else {}
    if action is Action.PACK and part.confirmed_at is None:
        values["confirmed_at"] = utcnow()  # packing a cash order accepts it
    if action is Action.PACK and part.carrier:
        shipments.pack(part, actor, values)
        return
    cash = part.order.payment_method == PaymentMethod.CASH and not part.paid_amount
    with unit_of_work() as outbox:
        if action in HANDOVER_ACTIONS and cash:
            observers.cash_handed_over(part, actor.user_id)
        apply(part, action, actor, note=note, **values)
        if action in LOT_ACTIONS:
            traceability.record_shipment_lots(part, utcnow(), lots)
            outbox.extend(notifications.part_on_its_way(part))
        elif action is Action.DELIVER:
            outbox.extend(notifications.part_delivered(part))


def accept_part(part: OrderPart, actor: Actor) -> None:
    """The producer accepts a cash part: it no longer expires, and the shopper is told."""
    if not part.awaits_confirmation:
        raise InvalidTransition(_("Only a new cash order waits to be accepted."))
    with unit_of_work() as outbox:
        update_part(
            part,
            [OrderPart.status == PartStatus.AWAITING_FULFILMENT, OrderPart.confirmed_at.is_(None)],
            confirmed_at=utcnow(),
        )
        record(part, actor)
        outbox.extend(notifications.part_accepted(part))


def bulk_advance(
    producer_id: int, part_ids: list[int], action: Action, actor: Actor, note: str = ""
) -> tuple[int, list[str]]:
    """Take one action on several of the producer's parts; returns (done, refusals)."""
    parts = db.session.scalars(
        sa.select(OrderPart)
        .where(OrderPart.producer_id == producer_id, OrderPart.id.in_(part_ids))
        .order_by(OrderPart.id)
    ).all()
    done, refusals = 0, []
    for part in parts:
        reference = part.reference
        try:
            advance_part(part, action, actor, note)
        except InvalidTransition as error:
            refusals.append(f"{reference}: {error.message}")
        else:
            done += 1
    return done, refusals
