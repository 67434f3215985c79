"""Settlement: a paid part's net earning becomes payable some days after the shopper has it.

A part is settled ``SETTLEMENT_DAYS`` (default 3) after it was delivered or picked up, unless a
hold is open on it (a refund request, a card dispute: each registers a ``HoldCheck``). Until
then what it carries is *held*. ``settle_due_earnings`` is the one use case; the worker runs it
on a schedule and ``flask payments settle`` runs it by hand.
"""

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from market import registry
from market.dbtypes import utcnow
from market.extensions import db
from orders.models import OrderPart, PartEvent, PartStatus
from payments.earning_models import PartEarning
from payments.models import EntryKind, EntryStatus, LedgerEntry

logger = logging.getLogger(__name__)

RECEIVED = (PartStatus.DELIVERED, PartStatus.PICKED_UP)
# Parts whose money goes back to the payer once paid: never their producer's.
WITHDRAWN = (PartStatus.CANCELLED, PartStatus.REFUNDED)

PartKey = tuple[str, str]  # (payment code, part reference)
# Given parts, answers those with an open hold and why (a short, translated reason).
HoldCheck = Callable[[Collection[PartKey]], dict[PartKey, str]]


@dataclass(frozen=True)
class HeldPart:
    """A part whose earning is not payable yet, why, and when it may be (if known)."""

    earning: PartEarning
    reason: str
    payable_on: datetime | None = None


def open_holds(parts: Collection[PartKey]) -> dict[PartKey, str]:
    """The parts among ``parts`` with an open hold, and the reason."""
    found: dict[PartKey, str] = {}
    for check in registry.SETTLEMENT_HOLDS.all():
        for key, reason in check(parts).items():
            found.setdefault(key, reason)
    return found


def settlement_days() -> int:
    """Days between a shopper receiving a part and its earning becoming payable."""
    return int(current_app.config["SETTLEMENT_DAYS"])


def _received_at() -> sa.Subquery:
    """When each part was last delivered or picked up."""
    return (
        sa.select(PartEvent.part_id, sa.func.max(PartEvent.created_at).label("at"))
        .where(PartEvent.to_status.in_(RECEIVED))
        .group_by(PartEvent.part_id)
        .subquery()
    )


def settle_due_earnings(now: datetime | None = None) -> int:
    """Make payable every part received ``SETTLEMENT_DAYS`` ago with no open hold; commits.

    Returns how many parts became payable. Safe to run again at any time.
    """
    now = now or utcnow()
    received = _received_at()
    due = db.session.execute(
        sa.select(PartEarning.id, PartEarning.target_code, PartEarning.part_ref)
        .join(OrderPart, OrderPart.id == PartEarning.order_part_id)
        .join(received, received.c.part_id == OrderPart.id)
        .where(
            PartEarning.payable_at.is_(None),
            OrderPart.status.in_(RECEIVED),
            received.c.at <= now - timedelta(days=settlement_days()),
        )
    ).all()
    held = open_holds([(code, ref) for _id, code, ref in due])
    ready = [earning_id for earning_id, code, ref in due if (code, ref) not in held]
    for start in range(0, len(ready), 500):
        db.session.execute(
            sa.update(PartEarning)
            .where(PartEarning.id.in_(ready[start : start + 500]), PartEarning.payable_at.is_(None))
            .values(payable_at=now)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    logger.info("Settled %s part(s); %s held", len(ready), len(held))
    return len(ready)


def held_parts(producer_id: int, limit: int = 200) -> list[HeldPart]:
    """A producer's parts not payable yet, newest first, each with why and when."""
    received = _received_at()
    rows = db.session.execute(
        sa.select(PartEarning, OrderPart.status, received.c.at)
        .outerjoin(OrderPart, OrderPart.id == PartEarning.order_part_id)
        .outerjoin(received, received.c.part_id == PartEarning.order_part_id)
        .where(
            PartEarning.producer_id == producer_id,
            PartEarning.payable_at.is_(None),
            sa.or_(OrderPart.status.is_(None), OrderPart.status.not_in(WITHDRAWN)),
        )
        .order_by(PartEarning.id.desc())
        .limit(limit)
    ).all()
    holds = open_holds([(row[0].target_code, row[0].part_ref) for row in rows])
    days = settlement_days()
    found = []
    for earning, status, received_at in rows:
        reason = holds.get((earning.target_code, earning.part_ref))
        if reason is not None:
            found.append(HeldPart(earning, reason))
        elif status in RECEIVED and received_at is not None:
            reason = _("Payable %(days)s days after the shopper received it", days=days)
            found.append(HeldPart(earning, reason, received_at + timedelta(days=days)))
        else:
            found.append(HeldPart(earning, _("Waiting for the shopper to receive it")))
    return found


def refunds_in_flight(parts: Collection[PartKey]) -> dict[PartKey, str]:
    """Parts with a card refund the provider has not finished: held until it settles."""
    codes = {code for code, _ref in parts}
    if not codes:
        return {}
    rows = db.session.execute(
        sa.select(LedgerEntry.target_code, LedgerEntry.part_ref)
        .where(
            LedgerEntry.kind == EntryKind.REFUND,
            LedgerEntry.status == EntryStatus.PENDING,
            LedgerEntry.target_code.in_(codes),
        )
        .distinct()
    )
    reason = _("A refund is being processed")
    wanted = set(parts)
    return {key: reason for key in map(tuple, rows) if key in wanted}
