"""The workspace audit log: every change, who made it and for which producer.

Services call :func:`record` (or :func:`record_many`) inside their own transaction, so an entry
exists exactly when the change it describes was committed.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import sqlalchemy as sa

from catalog.workspace.models import AuditEntry
from market.dbtypes import utcnow
from market.extensions import db


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
