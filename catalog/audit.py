"""The audit log: every change to a producer's things, who made it and for which producer.

Shared by every feature that changes a producer's things (the workspace, the markets'
approvals and stalls); the workspace and the managers' producer review read it. Services call
:func:`record` (or :func:`record_many`) inside their own transaction, so an entry exists exactly
when the change it describes was committed.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from market.accounts.models import User
from market.dbtypes import utcnow
from market.extensions import db


class AuditEntry(db.Model):
    """A change made in a producer's workspace: who, for which producer, what, before and after."""

    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_producer_time", "producer_id", "created_at"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    producer_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("producers.id", ondelete="CASCADE")
    )
    actor_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    # The actor's standing for this producer when acting: owner, staff, helper, or cli.
    actor_access: so.Mapped[str] = so.mapped_column(sa.String(10))
    action: so.Mapped[str] = so.mapped_column(sa.String(40))
    entity: so.Mapped[str] = so.mapped_column(sa.String(40))
    entity_id: so.Mapped[int | None]
    summary: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    before: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON)
    after: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    actor: so.Mapped[User | None] = so.relationship()


@dataclass(frozen=True)
class Actor:
    """Who acts: a signed-in user with their standing for the producer, or the command line."""

    user_id: int | None
    access: str  # owner, staff, helper, or cli

    @property
    def is_owner(self) -> bool:
        """Owners (and the command line, run by the operator) may change everything."""
        return self.access in ("owner", "cli")


CLI = Actor(user_id=None, access="cli")


def plain(value: Any) -> Any:
    """A JSON-safe form of a column value (enums, dates and decimals as strings)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def snapshot(obj: object, fields: tuple[str, ...]) -> dict[str, Any]:
    """The named attributes of ``obj`` as a JSON-safe dict."""
    return {name: plain(getattr(obj, name)) for name in fields}


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """Only the keys whose value differs, from both sides."""
    keys = [key for key in after if before.get(key) != after[key]]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}


def entry(
    producer_id: int,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: int | None,
    *,
    summary: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The row of one audit entry, for :func:`record_many`."""
    return {
        "producer_id": producer_id,
        "actor_id": actor.user_id,
        "actor_access": actor.access,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "summary": summary[:200],
        "before": before,
        "after": after,
        "created_at": utcnow(),
    }


def record(
    producer_id: int,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: int | None,
    **details: Any,
) -> None:
    """Add one entry to the current transaction (the caller commits)."""
    db.session.add(AuditEntry(**entry(producer_id, actor, action, entity, entity_id, **details)))


def record_many(rows: list[dict[str, Any]]) -> None:
    """Add many entries built with :func:`entry` in one statement (the caller commits)."""
    if rows:
        db.session.execute(sa.insert(AuditEntry), rows)


def entries_for(producer_id: int) -> sa.Select:
    """The producer's audit entries, newest first."""
    return (
        sa.select(AuditEntry)
        .where(AuditEntry.producer_id == producer_id)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    )
