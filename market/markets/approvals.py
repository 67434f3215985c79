"""Approvals by provincial managers: producers, OCOP recognition claims, growing-area codes.

Each decision locks the row, checks it is still in the state the manager saw, and is written to
the producer's audit log (``catalog.audit``, actor access ``manager``) in the same
transaction, with the reason. Suspending a producer hides its products from every page at once
(they show only for verified producers), and search follows through its outbox, which records
the producer's status change in the same commit.
"""

import enum
import logging
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from catalog import audit
from catalog.audit import AuditEntry
from catalog.models import (
    AreaStatus,
    GrowingArea,
    OcopRecognition,
    Producer,
    ProducerStatus,
    Product,
    ProductStatus,
    ReviewStatus,
    ocop_valid_until,
)
from market.accounts.models import User
from market.dbtypes import utcnow
from market.extensions import db
from market.markets.errors import MarketError
from market.markets.stalls import manager_actor

logger = logging.getLogger(__name__)

MIN_REASON = 5
MANAGER_ACCESS = "manager"


class Decision(enum.StrEnum):
    """What a manager can decide; each is an action in the audit log."""

    VERIFY = "producer.verify"
    REJECT = "producer.reject"
    SUSPEND = "producer.suspend"
    REINSTATE = "producer.reinstate"
    OCOP_APPROVE = "ocop.approve"
    OCOP_REJECT = "ocop.reject"
    AREA_APPROVE = "area.approve"
    AREA_REJECT = "area.reject"
    AREA_SUSPEND = "area.suspend"
    AREA_CANCEL = "area.cancel"
    AREA_REINSTATE = "area.reinstate"


NEEDS_REASON = frozenset(
    {
        Decision.REJECT,
        Decision.SUSPEND,
        Decision.OCOP_REJECT,
        Decision.AREA_REJECT,
        Decision.AREA_SUSPEND,
        Decision.AREA_CANCEL,
    }
)

# (from the status shown, to the new status) of each producer decision.
PRODUCER_MOVES = {
    Decision.VERIFY: (ProducerStatus.PENDING, ProducerStatus.VERIFIED),
    Decision.REJECT: (ProducerStatus.PENDING, ProducerStatus.SUSPENDED),
    Decision.SUSPEND: (ProducerStatus.VERIFIED, ProducerStatus.SUSPENDED),
    Decision.REINSTATE: (ProducerStatus.SUSPENDED, ProducerStatus.VERIFIED),
}
OCOP_MOVES = {
    Decision.OCOP_APPROVE: ReviewStatus.APPROVED,
    Decision.OCOP_REJECT: ReviewStatus.REJECTED,
}
# Growing areas: (review status, area statuses) required before → (review, status) after;
# None leaves that side unchecked or unchanged.
AREA_MOVES = {
    Decision.AREA_APPROVE: ((ReviewStatus.PENDING, None), (ReviewStatus.APPROVED, None)),
    Decision.AREA_REJECT: ((ReviewStatus.PENDING, None), (ReviewStatus.REJECTED, None)),
    Decision.AREA_SUSPEND: (
        (ReviewStatus.APPROVED, {AreaStatus.ACTIVE}),
        (None, AreaStatus.SUSPENDED),
    ),
    Decision.AREA_CANCEL: (
        (None, {AreaStatus.ACTIVE, AreaStatus.SUSPENDED}),
        (None, AreaStatus.CANCELLED),
    ),
    Decision.AREA_REINSTATE: (
        (None, {AreaStatus.SUSPENDED}),
        (ReviewStatus.APPROVED, AreaStatus.ACTIVE),
    ),
}


def _reason(decision: Decision, reason: str) -> str:
    reason = " ".join((reason or "").split())[:500]
    if decision in NEEDS_REASON and len(reason) < MIN_REASON:
        raise MarketError(_l("Give the reason (at least 5 characters)."), field="reason")
    return reason


def _stale() -> MarketError:
    return MarketError(_l("Someone decided this meanwhile. Here is how it stands now."))


def decide_producer(producer_id: int, decision: Decision, reason: str, manager: User) -> Producer:
    """Verify, reject, suspend or reinstate a producer; commits."""
    if decision not in PRODUCER_MOVES:
        raise MarketError(_l("Unknown decision."))
    reason = _reason(decision, reason)
    producer = db.session.get(Producer, producer_id, with_for_update=True, populate_existing=True)
    if producer is None:
        raise MarketError(_l("Unknown producer."))
    source, target = PRODUCER_MOVES[decision]
    if producer.status != source:
        db.session.rollback()
        raise _stale()
    producer.status = target
    producer.status_reason = reason if target == ProducerStatus.SUSPENDED else ""
    if target == ProducerStatus.VERIFIED and producer.verified_at is None:
        producer.verified_at = utcnow()
    _log(
        producer.id,
        manager,
        decision,
        "producer",
        producer.id,
        producer.name,
        reason,
        source,
        target,
    )
    db.session.commit()
    logger.info("Producer %s: %s by manager %s", producer.id, decision, manager.id)
    return producer


def decide_recognition(
    recognition_id: int, decision: Decision, reason: str, manager: User
) -> OcopRecognition:
    """Approve an OCOP claim (valid 36 months from its decision date) or reject it; commits."""
    if decision not in OCOP_MOVES:
        raise MarketError(_l("Unknown decision."))
    reason = _reason(decision, reason)
    claim = db.session.get(
        OcopRecognition, recognition_id, with_for_update=True, populate_existing=True
    )
    if claim is None:
        raise MarketError(_l("Unknown claim."))
    if claim.review_status != ReviewStatus.PENDING:
        db.session.rollback()
        raise _stale()
    claim.review_status = OCOP_MOVES[decision]
    claim.review_reason = reason
    claim.reviewed_at = utcnow()
    if decision == Decision.OCOP_APPROVE:
        claim.valid_until = ocop_valid_until(claim.decision_date)
    product = claim.product
    summary = f"{product.name} · {claim.stars}★ · {claim.decision_number}"
    _log(
        product.producer_id,
        manager,
        decision,
        "ocop",
        claim.id,
        summary,
        reason,
        ReviewStatus.PENDING,
        claim.review_status,
    )
    db.session.commit()
    return claim


def decide_area(area_id: int, decision: Decision, reason: str, manager: User) -> GrowingArea:
    """Approve, reject, suspend, cancel or reinstate a growing-area code; commits."""
    if decision not in AREA_MOVES:
        raise MarketError(_l("Unknown decision."))
    reason = _reason(decision, reason)
    area = db.session.get(GrowingArea, area_id, with_for_update=True, populate_existing=True)
    if area is None:
        raise MarketError(_l("Unknown growing area."))
    (review_from, status_from), (review_to, status_to) = AREA_MOVES[decision]
    if (review_from is not None and area.review_status != review_from) or (
        status_from is not None and area.status not in status_from
    ):
        db.session.rollback()
        raise _stale()
    before = audit.snapshot(area, ("review_status", "status"))
    if review_to is not None:
        area.review_status = review_to
    if status_to is not None:
        area.status = status_to
        area.status_changed_at = utcnow()
    after = audit.snapshot(area, ("review_status", "status"))
    old, new = audit.changed(before, after)
    audit.record(
        area.producer_id,
        manager_actor(manager),
        str(decision),
        "growing_area",
        area.id,
        summary=_summary(f"{area.code} · {area.crop}", reason),
        before=old,
        after=new,
    )
    db.session.commit()
    return area


def _summary(what: str, reason: str) -> str:
    return f"{what} — {reason}" if reason else what


def _log(
    producer_id: int,
    manager: User,
    decision: Decision,
    entity: str,
    entity_id: int,
    what: str,
    reason: str,
    source: enum.StrEnum,
    target: enum.StrEnum,
) -> None:
    audit.record(
        producer_id,
        manager_actor(manager),
        str(decision),
        entity,
        entity_id,
        summary=_summary(what, reason),
        before={"status": source.value},
        after={"status": target.value, **({"reason": reason} if reason else {})},
    )


# -- queues -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueCounts:
    """How many of each kind wait for a decision."""

    producers: int
    recognitions: int
    areas: int

    @property
    def total(self) -> int:
        """Everything waiting."""
        return self.producers + self.recognitions + self.areas


def queue_counts() -> QueueCounts:
    """Counts of the three queues in one round trip."""
    producers = (
        sa.select(sa.func.count())
        .select_from(Producer)
        .where(Producer.status == ProducerStatus.PENDING)
        .scalar_subquery()
    )
    recognitions = (
        sa.select(sa.func.count())
        .select_from(OcopRecognition)
        .where(OcopRecognition.review_status == ReviewStatus.PENDING)
        .scalar_subquery()
    )
    areas = (
        sa.select(sa.func.count())
        .select_from(GrowingArea)
        .where(GrowingArea.review_status == ReviewStatus.PENDING)
        .scalar_subquery()
    )
    row = db.session.execute(sa.select(producers, recognitions, areas)).one()
    return QueueCounts(*(int(n) for n in row))


def pending_producers(limit: int = 100) -> list[Producer]:
    """Producers waiting for verification, oldest first."""
    return list(
        db.session.scalars(
            sa.select(Producer)
            .where(Producer.status == ProducerStatus.PENDING)
            .order_by(Producer.created_at, Producer.id)
            .limit(limit)
        )
    )


def pending_recognitions(limit: int = 100) -> list[OcopRecognition]:
    """OCOP claims waiting for review, oldest first, with product and producer."""
    return list(
        db.session.scalars(
            sa.select(OcopRecognition)
            .where(OcopRecognition.review_status == ReviewStatus.PENDING)
            .options(so.joinedload(OcopRecognition.product).joinedload(Product.producer))
            .order_by(OcopRecognition.created_at, OcopRecognition.id)
            .limit(limit)
        )
    )


def pending_areas(limit: int = 100) -> list[GrowingArea]:
    """Growing-area codes waiting for review, oldest first, with their producer."""
    return list(
        db.session.scalars(
            sa.select(GrowingArea)
            .where(GrowingArea.review_status == ReviewStatus.PENDING)
            .options(so.joinedload(GrowingArea.producer))
            .order_by(GrowingArea.created_at, GrowingArea.id)
            .limit(limit)
        )
    )


def find_producers(query: str, status: ProducerStatus | None, limit: int = 50) -> list[Producer]:
    """Producers whose name contains ``query`` (any case), optionally of one status."""
    statement = sa.select(Producer).order_by(Producer.name).limit(limit)
    if query.strip():
        statement = statement.where(Producer.name.ilike(f"%{query.strip()}%"))
    if status is not None:
        statement = statement.where(Producer.status == status)
    return list(db.session.scalars(statement))


def decisions_for(producer_id: int | None = None, limit: int = 50) -> list[AuditEntry]:
    """Managers' recorded decisions, newest first; one producer's when given."""
    statement = (
        sa.select(AuditEntry)
        .where(AuditEntry.actor_access == MANAGER_ACCESS)
        .options(so.joinedload(AuditEntry.actor))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    if producer_id is not None:
        statement = statement.where(AuditEntry.producer_id == producer_id)
    return list(db.session.scalars(statement))


def producer_areas(producer_id: int) -> list[GrowingArea]:
    """A producer's growing areas, by code."""
    return list(
        db.session.scalars(
            sa.select(GrowingArea)
            .where(GrowingArea.producer_id == producer_id)
            .order_by(GrowingArea.code)
        )
    )


def products_going_public(producer_id: int) -> list[Product]:
    """The producer's products on sale (with their photos): what verifying it makes public."""
    return list(
        db.session.scalars(
            sa.select(Product)
            .where(Product.producer_id == producer_id, Product.status == ProductStatus.ACTIVE)
            .options(so.selectinload(Product.images), so.joinedload(Product.category))
            .order_by(Product.name)
        )
    )


def recognitions_of(producer_id: int) -> list[OcopRecognition]:
    """A producer's OCOP claims and recognitions, newest decision first."""
    return list(
        db.session.scalars(
            sa.select(OcopRecognition)
            .join(OcopRecognition.product)
            .where(Product.producer_id == producer_id)
            .options(so.contains_eager(OcopRecognition.product))
            .order_by(OcopRecognition.decision_date.desc())
        )
    )
