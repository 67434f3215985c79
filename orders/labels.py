"""Display names of order states, delivery and payment methods and actors (translated)."""

from flask_babel import lazy_gettext as _l

from orders.carriers import ShipmentStatus
from orders.models import (
    ActorRole,
    CancelKind,
    DeliveryMethod,
    OrderPart,
    PartStatus,
    PaymentMethod,
)

STATUS_LABELS = {
    PartStatus.AWAITING_PAYMENT: _l("awaiting payment"),
    PartStatus.AWAITING_FULFILMENT: _l("awaiting fulfilment"),
    PartStatus.PACKED: _l("packed"),
    PartStatus.SHIPPED: _l("shipped"),
    PartStatus.READY_FOR_PICKUP: _l("ready for pickup"),
    PartStatus.DELIVERED: _l("delivered"),
    PartStatus.PICKED_UP: _l("picked up"),
    PartStatus.CANCELLED: _l("cancelled"),
    PartStatus.REFUNDED: _l("refunded"),
}

SHIPMENT_LABELS = {
    ShipmentStatus.CREATED: _l("waiting for the carrier to pick it up"),
    ShipmentStatus.PICKED_UP: _l("picked up by the carrier"),
    ShipmentStatus.IN_TRANSIT: _l("in transit"),
    ShipmentStatus.DELIVERED: _l("delivered"),
    ShipmentStatus.RETURNING: _l("on its way back to the producer"),
    ShipmentStatus.RETURNED: _l("returned to the producer"),
    ShipmentStatus.CANCELLED: _l("cancelled"),
}

DELIVERY_LABELS = {
    DeliveryMethod.PICKUP_PRODUCER: _l("Pick up at the producer"),
    DeliveryMethod.PICKUP_STALL: _l("Pick up at a chợ 4.0 market stall"),
    DeliveryMethod.HOME: _l("Home delivery"),
}

PAYMENT_LABELS = {
    PaymentMethod.BANK_TRANSFER: _l("Bank transfer (VietQR)"),
    PaymentMethod.CARD: _l("Card"),
    PaymentMethod.CASH: _l("Cash on delivery or at pickup"),
}

ACTOR_LABELS = {
    ActorRole.SHOPPER: _l("the shopper"),
    ActorRole.OWNER: _l("the producer"),
    ActorRole.STAFF: _l("the producer's staff"),
    ActorRole.HELPER: _l("a helper for the producer"),
    ActorRole.PAYMENT: _l("payment"),
    ActorRole.SYSTEM: _l("automatically"),
}

CANCEL_LABELS = {
    CancelKind.SHOPPER: _l("Cancelled by the shopper"),
    CancelKind.PRODUCER: _l("Cancelled by the producer"),
    CancelKind.EXPIRED: _l("Cancelled: not paid in time"),
}


def cancel_label(part: OrderPart) -> str:
    """Who or what cancelled the part, in words (an expired cash part was never accepted)."""
    if part.cancel_kind is None:
        return str(STATUS_LABELS[part.status])
    if part.cancel_kind == CancelKind.EXPIRED and part.order.payment_method is PaymentMethod.CASH:
        return str(_l("Cancelled: the producer did not accept it in time"))
    return str(CANCEL_LABELS[part.cancel_kind])


# The delivery settings' entries in a producer's change log (``catalog.audit``).
DELIVERY_ACTIONS = {
    "producer.delivery": _l("Changed the delivery settings"),
    "delivery_rate.add": _l("Added a delivery fee"),
    "delivery_rate.update": _l("Changed a delivery fee"),
    "delivery_rate.remove": _l("Removed a delivery fee"),
}
DELIVERY_FIELDS = {
    "packaging_grams": _l("Packaging (grams)"),
    "farm_pickup": _l("Pickup at the farm"),
    "carriers": _l("Carriers"),
    "zone_kind": _l("Kind of place"),
    "zone_code": _l("Place"),
    "up_to_grams": _l("Up to (grams)"),
    "fee": _l("Fee"),
    "free_above": _l("Free from"),
}
