"""Parts sent by a carrier: the shipment made when the producer packs, and the carrier's updates.

Packing a carrier part asks the carrier for a shipment during the request, before anything is
written, so a refusal or a timeout reaches the producer at once and changes nothing; the part
is then packed and the shipment stored in one transaction (if that fails, the carrier's
shipment is cancelled again). Cancelling a packed carrier part cancels its shipment at the
carrier first.

The carrier's status updates (``/webhooks/carriers/<code>``) are verified by the carrier's
module, then each recorded once per carrier event id and applied forward only (``RANK``): a
repeated or late update is kept for the timeline and moves nothing. Picked up (or in transit)
ships the part; delivered delivers it and tells ``registry.SHIPMENT_DELIVERED`` (the cash the
carrier collected); returned to sender cancels it (``Action.RETURN``): its stock comes back once
and payments hears of it through ``registry.PARTS_CANCELLED``, which flags the refund due.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from market.dbtypes import utcnow
from market.extensions import db
from market.idempotency import insert_once
from orders import carriers, delivery, notifications, observers, traceability
from orders.carriers import Carrier, CarrierError, Parcel, Place, ShipmentStatus, StatusUpdate
from orders.errors import InvalidTransition
from orders.lifecycle import Action, check
from orders.models import ActorRole, Order, OrderPart, PaymentMethod
from orders.shipment_models import RANK, Shipment, ShipmentEvent
from orders.transaction import Outbox, unit_of_work
from orders.transitions import SYSTEM, Actor, apply, release_stock

logger = logging.getLogger(__name__)

S = ShipmentStatus


def carrier_of(part: OrderPart) -> Carrier:
    """The carrier a part goes with; ``InvalidTransition`` when it is not configured now."""
    try:
        return carriers.carrier(part.carrier or "")
    except KeyError:
        raise InvalidTransition(
            _("The carrier chosen for this order cannot be reached from this site now.")
        ) from None


def carrier_name(code: str) -> str:
    """The carrier's name for people; its code when it is no longer configured."""
    try:
        return carriers.carrier(code).name
    except KeyError:
        return code.upper()


def of_parts(parts: list[OrderPart]) -> dict[int, Shipment]:
    """The parts' carrier shipments, with their events, by part id."""
    found = db.session.scalars(
        sa.select(Shipment)
        .where(Shipment.part_id.in_([p.id for p in parts]))
        .options(so.selectinload(Shipment.events))
    )
    return {shipment.part_id: shipment for shipment in found}


# Packing ---------------------------------------------------------------------------------------


def origin(part: OrderPart) -> Place:
    """Where the carrier picks the parcel up: the producer's official address."""
    place = delivery.origin_of(part.producer)
    if place is None:
        raise InvalidTransition(
            _("Add your commune to your shop's profile: the carrier needs it to pick up.")
        )
    return place


def destination(order: Order) -> Place:
    """Where the carrier takes it: the order's address and the shopper's contact."""
    if not (order.province_code and order.commune_code):
        raise InvalidTransition(_("The order's address has no commune the carrier knows."))
    return Place(
        name=order.contact_name,
        phone=order.contact_phone,
        street=order.street,
        province_code=order.province_code,
        commune_code=order.commune_code,
        province_name=order.province_name,
        commune_name=order.commune_name,
    )


def cod_amount(part: OrderPart) -> int:
    """Cash the carrier collects from the shopper: the part's total for an unpaid cash part."""
    cash = part.order.payment_method is PaymentMethod.CASH and not part.paid_amount
    return part.total if cash else 0


def parcel(part: OrderPart) -> Parcel:
    """The parcel: the lines' weights and the packaging, declared at the items' value."""
    lines = [(line.product, line.quantity) for line in part.lines if line.product is not None]
    found = delivery.parcel_for(part.producer, lines) if len(lines) == len(part.lines) else None
    if found is None:
        raise InvalidTransition(
            _("Give every product of this order a weight: the carrier prices by weight.")
        )
    return replace(found, value=part.items_total, cod=cod_amount(part))


def pack(part: OrderPart, actor: Actor, values: Mapping[str, object]) -> Shipment:
    """Pack a carrier part: the carrier's shipment first, then the part and the shipment stored.

    A carrier's refusal or silence is ``InvalidTransition`` with its reason; nothing changes.
    """
    check(part, Action.PACK, actor.role)
    carrier = carrier_of(part)
    asked = parcel(part)
    try:
        created = carrier.create_shipment(
            part.reference, origin(part), destination(part.order), asked
        )
    except CarrierError as error:
        logger.info("%s refused the shipment of %s: %s", carrier.code, part.reference, error)
        raise InvalidTransition(
            _(
                "%(carrier)s did not take the parcel, so nothing was changed: %(reason)s",
                carrier=carrier.name,
                reason=error.message,
            )
        ) from error
    shipment = Shipment(
        part_id=part.id,
        carrier=carrier.code,
        service=part.carrier_service,
        tracking_code=created.tracking_code,
        status=S.CREATED,
        fee=created.fee,
        cod=asked.cod,
    )
    try:
        with unit_of_work():
            apply(part, Action.PACK, actor, note=created.tracking_code, **values)
            db.session.add(shipment)
    except Exception:
        _cancel_quietly(carrier, created.tracking_code)
        raise
    return shipment


def _cancel_quietly(carrier: Carrier, tracking_code: str) -> None:
    """Undo a shipment the carrier made for a packing that was then not stored, unless a
    concurrent packing stored that very shipment (a carrier may answer a repeated reference
    with the shipment it made the first time)."""
    stored = db.session.scalar(
        sa.select(Shipment.id).where(
            Shipment.carrier == carrier.code, Shipment.tracking_code == tracking_code
        )
    )
    if stored is not None:
        return
    try:
        carrier.cancel(tracking_code)
    except CarrierError as error:
        logger.error("Shipment %s %s left at the carrier: %s", carrier.code, tracking_code, error)


def cancel_at_carrier(parts: list[OrderPart], role: ActorRole) -> list[Shipment]:
    """Before packed carrier parts are cancelled: cancel their shipments at the carrier.

    Returns the shipments cancelled there (the caller marks them so in its transaction);
    ``InvalidTransition`` when ``role`` may not cancel the part or a carrier refuses (the
    parcel is picked up, say).
    """
    cancelled = []
    live = of_parts(parts)
    for part in parts:
        shipment = live.get(part.id)
        if shipment is None or shipment.status != S.CREATED:
            continue
        check(part, Action.CANCEL, role)
        carrier = carrier_of(part)
        try:
            carrier.cancel(shipment.tracking_code)
        except CarrierError as error:
            raise InvalidTransition(
                _(
                    "%(carrier)s did not cancel the parcel, so the order stays as it is: "
                    "%(reason)s",
                    carrier=carrier.name,
                    reason=error.message,
                )
            ) from error
        cancelled.append(shipment)
    return cancelled


def mark_cancelled(shipments: list[Shipment]) -> None:
    """Record in the caller's transaction that the carrier cancelled these shipments."""
    for shipment in shipments:
        shipment.status = S.CANCELLED
        shipment.updated_at = utcnow()


# Carrier updates -------------------------------------------------------------------------------


class UnknownShipment(LookupError):
    """An update names a tracking code this site never made for that carrier."""


@dataclass(frozen=True)
class Received:
    """What a webhook call came to: events new to us, and how many moved a shipment."""

    recorded: int
    moved: int


def receive(carrier: Carrier, updates: list[StatusUpdate]) -> Received:
    """Record and apply verified updates in one transaction; ``UnknownShipment`` (nothing
    changed) when any of them is for a shipment we do not know."""
    codes = {u.tracking_code for u in updates}
    known = set(
        db.session.scalars(
            sa.select(Shipment.tracking_code).where(
                Shipment.carrier == carrier.code, Shipment.tracking_code.in_(codes)
            )
        )
    )
    if codes - known:
        raise UnknownShipment(", ".join(sorted(codes - known)))
    recorded = moved = 0
    with unit_of_work() as outbox:
        for update in updates:
            shipment = db.session.scalars(
                sa.select(Shipment)
                .where(
                    Shipment.carrier == carrier.code,
                    Shipment.tracking_code == update.tracking_code,
                )
                .with_for_update()
            ).one()
            if not _record(shipment, update):
                continue
            recorded += 1
            if RANK[update.status] > RANK[shipment.status] and not shipment.is_final:
                _move(shipment, update, carrier, outbox)
                moved += 1
    return Received(recorded, moved)


def _record(shipment: Shipment, update: StatusUpdate) -> bool:
    """Keep the update for the timeline; False when this event was recorded before."""
    new_id = insert_once(
        ShipmentEvent,
        {
            "shipment_id": shipment.id,
            "carrier": shipment.carrier,
            "event_id": update.event_id[:120],
            "status": update.status.value,
            "carrier_status": update.carrier_status[:200],
            "at": update.at,
            "received_at": utcnow(),
        },
        unique_on=("carrier", "event_id"),
    )
    if new_id is None:
        logger.info("Repeated %s event %s", shipment.carrier, update.event_id)
    return new_id is not None


def _move(shipment: Shipment, update: StatusUpdate, carrier: Carrier, outbox: Outbox) -> None:
    """Move the shipment forward to the update's status, and its part with it."""
    shipment.status = update.status
    shipment.updated_at = utcnow()
    part = db.session.get_one(OrderPart, shipment.part_id)
    note = f"{carrier.name}: {update.carrier_status}"[:500]
    if update.status in (S.PICKED_UP, S.IN_TRANSIT, S.RETURNING, S.DELIVERED):
        _ship(part, note, outbox)
    if update.status is S.DELIVERED:
        shipment.cod_collected = update.cod_collected
        if _step(part, Action.DELIVER, note):
            observers.shipment_delivered(
                part, shipment.carrier, shipment.tracking_code, update.cod_collected, update.at
            )
            outbox.extend(notifications.part_delivered(part))
    elif update.status is S.RETURNED:
        _return(part, carrier, note, outbox)


def _step(part: OrderPart, action: Action, note: str, **values: object) -> bool:
    """Take ``action`` for the carrier if the part is where it leads from; False otherwise."""
    try:
        check(part, action, SYSTEM.role)
    except InvalidTransition as refusal:
        logger.info("Carrier update leaves %s as it is: %s", part.reference, refusal)
        return False
    apply(part, action, SYSTEM, note=note, **values)
    return True


def _ship(part: OrderPart, note: str, outbox: Outbox) -> None:
    """The carrier has the parcel: the part is shipped, its lots recorded, the shopper told."""
    if _step(part, Action.SHIP, note):
        traceability.record_shipment_lots(part, utcnow())
        outbox.extend(notifications.part_on_its_way(part))


def _return(part: OrderPart, carrier: Carrier, note: str, outbox: Outbox) -> None:
    """Back at the producer: the part is cancelled, its stock and lots come back once,
    payments flags the money to refund, and the shopper is told."""
    reason = _("Returned to the producer by %(carrier)s", carrier=carrier.name)
    if not _step(part, Action.RETURN, note, cancel_reason=reason[:500]):
        return
    release_stock([part], reason="returned by the carrier", actor=SYSTEM)
    traceability.withdraw_shipment_lots([part])
    observers.parts_cancelled(part.order)
    outbox.extend(notifications.parts_cancelled(part.order, [part]))
