"""The rules of an order part's life: which action moves which state, and who may take it.

awaiting_payment → awaiting_fulfilment → packed → shipped → delivered
                                               ↘ ready_for_pickup → picked_up
Cancelling: the shopper before packing; the producer (with a reason) until the part leaves,
which is also how a cash order is declined; the market when a provincial manager refunds a paid
part that has not left (payments); expiry while unpaid or, for cash, not accepted in time.
Refunded: after a cancellation or a completed part, once all money is back.
A part sent by a carrier (``OrderPart.carrier``) is shipped, delivered or returned to sender
(cancelled) by the carrier's updates (``orders.shipments``), never by hand.
"""

import enum
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from orders.errors import InvalidTransition
from orders.labels import STATUS_LABELS
from orders.models import (
    ActorRole,
    CancelKind,
    DeliveryMethod,
    OrderPart,
    PartStatus,
    PaymentMethod,
)

PRODUCER_ROLES = frozenset({ActorRole.OWNER, ActorRole.STAFF, ActorRole.HELPER})
S = PartStatus


class Action(enum.StrEnum):
    """Something done to a part."""

    PAY = "pay"
    PACK = "pack"
    SHIP = "ship"
    READY = "ready"
    DELIVER = "deliver"
    HAND_OVER = "hand_over"
    CANCEL = "cancel"
    REFUND = "refund"
    REVIVE = "revive"
    RETURN = "return"  # the carrier brought a parcel back to the producer


@dataclass(frozen=True)
class Rule:
    """From which states an action may be taken, by whom, and where it leads."""

    sources: dict[ActorRole, frozenset[PartStatus]]
    target: PartStatus
    label: object  # lazy string: the button text


def _for(roles: frozenset[ActorRole], *sources: PartStatus) -> dict[ActorRole, frozenset]:
    return {role: frozenset(sources) for role in roles}


_PAYMENT = frozenset({ActorRole.PAYMENT, ActorRole.SYSTEM})
# The carrier's updates act as the system; the producer moves its own deliveries.
_MOVERS = PRODUCER_ROLES | {ActorRole.SYSTEM}
CARRIER_ACTIONS = frozenset({Action.SHIP, Action.DELIVER, Action.RETURN})

RULES: dict[Action, Rule] = {
    Action.PAY: Rule(_for(_PAYMENT, S.AWAITING_PAYMENT), S.AWAITING_FULFILMENT, _l("Mark paid")),
    # A part cancelled because it expired unpaid comes back when paid late (stock permitting).
    Action.REVIVE: Rule(_for(_PAYMENT, S.CANCELLED), S.AWAITING_PAYMENT, _l("Take the order back")),
    Action.PACK: Rule(_for(PRODUCER_ROLES, S.AWAITING_FULFILMENT), S.PACKED, _l("Mark packed")),
    Action.SHIP: Rule(_for(_MOVERS, S.PACKED), S.SHIPPED, _l("Mark shipped")),
    Action.READY: Rule(
        _for(PRODUCER_ROLES, S.PACKED), S.READY_FOR_PICKUP, _l("Mark ready for pickup")
    ),
    Action.DELIVER: Rule(_for(_MOVERS, S.SHIPPED), S.DELIVERED, _l("Mark delivered")),
    Action.HAND_OVER: Rule(
        _for(PRODUCER_ROLES, S.READY_FOR_PICKUP), S.PICKED_UP, _l("Mark picked up")
    ),
    Action.CANCEL: Rule(
        {
            ActorRole.SHOPPER: frozenset({S.AWAITING_PAYMENT, S.AWAITING_FULFILMENT}),
            **_for(
                PRODUCER_ROLES,
                S.AWAITING_PAYMENT,
                S.AWAITING_FULFILMENT,
                S.PACKED,
                S.READY_FOR_PICKUP,
            ),
            # Expiry: unpaid parts, and cash parts the producer has not accepted (see check).
            ActorRole.SYSTEM: frozenset({S.AWAITING_PAYMENT, S.AWAITING_FULFILMENT}),
            ActorRole.PAYMENT: frozenset({S.AWAITING_FULFILMENT, S.PACKED, S.READY_FOR_PICKUP}),
        },
        S.CANCELLED,
        _l("Cancel"),
    ),
    Action.RETURN: Rule(
        _for(frozenset({ActorRole.SYSTEM}), S.PACKED, S.SHIPPED),
        S.CANCELLED,
        _l("Returned to the producer"),
    ),
    Action.REFUND: Rule(
        _for(_PAYMENT, S.CANCELLED, S.DELIVERED, S.PICKED_UP), S.REFUNDED, _l("Refund")
    ),
}

# What the producer's screens offer, in the order of the work.
FULFILMENT_ACTIONS = (Action.PACK, Action.SHIP, Action.READY, Action.DELIVER, Action.HAND_OVER)


def check(part: OrderPart, action: Action, role: ActorRole) -> PartStatus:
    """The state ``action`` leads to, or ``InvalidTransition`` saying why it is refused."""
    rule = RULES[action]
    status = PartStatus(part.status)
    if action is Action.SHIP and part.delivery_method is not DeliveryMethod.HOME:
        raise InvalidTransition(
            _("The shopper collects this part: mark it ready for pickup instead of shipped.")
        )
    if action in (Action.READY, Action.HAND_OVER) and part.delivery_method is DeliveryMethod.HOME:
        raise InvalidTransition(
            _("This part goes to the shopper's address: mark it shipped, then delivered.")
        )
    if action in CARRIER_ACTIONS and (role is ActorRole.SYSTEM) != bool(part.carrier):
        raise InvalidTransition(
            _("The carrier marks this part shipped and delivered as it reports.")
            if part.carrier
            else _("Only a part sent by a carrier moves by the carrier's updates.")
        )
    if (
        action is Action.CANCEL
        and role is ActorRole.SYSTEM
        and status == S.AWAITING_FULFILMENT
        and not part.awaits_confirmation
    ):
        raise InvalidTransition(_("Only a cash order the producer has not accepted expires."))
    if (
        action in (Action.PAY, Action.REVIVE)
        and status == S.CANCELLED
        and (
            part.cancel_kind != CancelKind.EXPIRED
            or part.paid_amount
            or part.order.payment_method is PaymentMethod.CASH
        )
    ):
        raise InvalidTransition(
            _("This part was cancelled, so it cannot be paid; the money must be refunded.")
        )
    allowed = rule.sources.get(role)
    if allowed is None:
        raise InvalidTransition(_("You may not do this to an order part."))
    if status in allowed:
        return rule.target
    if status == rule.target:
        raise InvalidTransition(
            _("Nothing to do: the part is already %(status)s.", status=STATUS_LABELS[status])
        )
    if action is Action.CANCEL and role is ActorRole.SHOPPER:
        raise InvalidTransition(
            _(
                "This part can no longer be cancelled: it is %(status)s. "
                "Please contact the producer.",
                status=STATUS_LABELS[status],
            )
        )
    raise InvalidTransition(
        _(
            "“%(action)s” is not possible while the part is %(status)s.",
            action=rule.label,
            status=STATUS_LABELS[status],
        )
    )


def allowed_actions(part: OrderPart, role: ActorRole) -> list[Action]:
    """The fulfilment actions (and cancel) this person may take on the part right now."""
    found = []
    for action in (*FULFILMENT_ACTIONS, Action.CANCEL):
        try:
            check(part, action, role)
        except InvalidTransition:
            continue
        found.append(action)
    return found


def action_label(action: Action) -> str:
    """The button text for an action."""
    return str(RULES[action].label)
