"""Moving a part from one state to the next, safely under concurrency, with a recorded event.

A transition is one conditional UPDATE (``... WHERE id = :id AND status = :seen``): if someone
else changed the part first, nothing happens and the caller gets ``InvalidTransition``. So a part
is paid, cancelled or expired once, and its stock is released once.
"""

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm.attributes import set_committed_value

from catalog.models import Product
from market.accounts.models import User
from market.dbtypes import utcnow
from market.extensions import db
from orders import lifecycle, observers, stock
from orders.errors import InvalidTransition, OutOfStock, Shortage
from orders.models import ActorRole, OrderLine, OrderPart, PartEvent


@dataclass(frozen=True)
class Actor:
    """Who acts, and in which capacity (a helper acts on behalf of a producer)."""

    role: ActorRole
    user_id: int | None = None

    @classmethod
    def of(cls, user: User, role: ActorRole | str) -> "Actor":
        """A signed-in person acting as shopper, owner, staff or helper."""
        return cls(ActorRole(role), user.id)


SYSTEM = Actor(ActorRole.SYSTEM)
PAYMENT = Actor(ActorRole.PAYMENT)


def changed_meanwhile() -> InvalidTransition:
    """The error for a part someone else changed between reading and writing it."""
    return InvalidTransition(
        _("This order part was just changed by someone else. Reload the page and try again.")
    )


def update_part(part: OrderPart, guard: list[Any], **values: Any) -> None:
    """Write ``values`` only if ``guard`` still holds, keep ``part`` in step, and tell the
    part's observers."""
    before = {key: getattr(part, key) for key in values}
    result = db.session.execute(
        sa.update(OrderPart)
        .where(OrderPart.id == part.id, *guard)
        .values(updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise changed_meanwhile()
    for key, value in values.items():
        set_committed_value(part, key, value)
    observers.part_changed(part, before)


def record(part: OrderPart, actor: Actor, *, to_status: Any = None, **fields: Any) -> None:
    """Add an event to the part's history (a transition, a payment or a refund)."""
    db.session.add(
        PartEvent(
            part_id=part.id,
            from_status=fields.pop("from_status", part.status),
            to_status=to_status or part.status,
            actor_id=actor.user_id,
            actor_role=actor.role,
            **fields,
        )
    )


def apply(
    part: OrderPart,
    action: lifecycle.Action,
    actor: Actor,
    *,
    note: str = "",
    amount: int | None = None,
    guard: tuple[Any, ...] = (),
    **values: Any,
) -> None:
    """Take ``action`` on the part if the rules allow it and nobody changed it meanwhile."""
    target = lifecycle.check(part, action, actor.role)
    source = part.status
    update_part(part, [OrderPart.status == source, *guard], status=target, **values)
    record(part, actor, from_status=source, to_status=target, note=note[:500], amount=amount)


def _lines_in_lock_order(parts: list[OrderPart]) -> list[tuple[OrderPart, OrderLine]]:
    # Rows are always locked in product-id order, as at checkout, so concurrent transactions
    # touching the same products never wait on each other in a circle (a deadlock).
    pairs = [(part, line) for part in parts for line in part.lines]
    return sorted(pairs, key=lambda pair: pair[1].product_id or 0)


def release_stock(parts: list[OrderPart], reason: str, actor: Actor = SYSTEM) -> None:
    """Put cancelled parts' units back on the shelf (a return in the stock history)."""
    for part, line in _lines_in_lock_order(parts):
        if line.product_id is not None:
            stock.release(
                line.product_id,
                line.quantity,
                unit_price=line.unit_price,
                reason=reason,
                reference=part.reference,
                actor_id=actor.user_id,
            )


def reserve_stock(parts: list[OrderPart], reason: str, actor: Actor = SYSTEM) -> None:
    """Take parts' units again (a late payment for expired parts), or raise ``OutOfStock``."""
    shortages = []
    for part, line in _lines_in_lock_order(parts):
        if line.product_id is None or not stock.reserve(
            line.product_id,
            line.quantity,
            unit_price=line.unit_price,
            reason=reason,
            reference=part.reference,
            actor_id=actor.user_id,
        ):
            left = db.session.scalar(sa.select(Product.stock).where(Product.id == line.product_id))
            shortages.append(
                Shortage(line.product_id or 0, line.product_name, line.quantity, left or 0)
            )
    if shortages:
        raise OutOfStock(
            _("Some products of this part are no longer in stock; the payment must be refunded."),
            shortages,
        )
