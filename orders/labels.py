"""Display names of order states, delivery and payment methods and actors (translated)."""

from flask_babel import lazy_gettext as _l

from orders.models import ActorRole, CancelKind, DeliveryMethod, PartStatus, PaymentMethod

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
