"""The change feed every index follows: outbox rows kept for a while, and each index's position.

The transaction that changes the catalog appends ``search_outbox`` rows (see ``indexing``).
Applying them deletes nothing: rows stay for ``SEARCH_FEED_RETENTION_HOURS`` and are pruned
by age, so any number of indexes can follow the same feed — one embedded index per app server,
or the shared PostgreSQL rows. Each index keeps its own position: the last row id it applied,
and the ids below it that were missing when it read (a transaction that took its id earlier
can commit later; such a gap is read again until ``GAP_WAIT`` has passed, then taken as rolled
back). An embedded index keeps its position in its own folder, so a wiped index starts over
with a full rebuild; the PostgreSQL backend keeps it in the database, in the transaction that
writes its rows. An index that was not updated within the retention may have missed pruned
rows, and rebuilds.
"""

import json
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
import sqlalchemy.orm as so

from catalog.search.models import SearchOutbox
from market.dbtypes import utcnow

GAP_WAIT = 60.0
# A jump wider than this (ids burnt by a sequence cache, say) is not tracked id by id.
MAX_GAP = 1_000


@dataclass(frozen=True)
class FeedPosition:
    """How far an index has followed the feed: last id applied, missing ids, when saved."""

    last: int = 0
    gaps: dict[int, float] = field(default_factory=dict)
    saved_at: float = 0.0

    @property
    def started(self) -> bool:
        """False for an index that never followed the feed (new, wiped or replaced)."""
        return self.saved_at > 0

    def stale(self, retention: timedelta) -> bool:
        """True when rows this index has not applied may have been pruned."""
        return time.time() - self.saved_at > retention.total_seconds()

    def to_json(self) -> str:
        """The position as JSON, to store."""
        gaps = {str(key): seen for key, seen in self.gaps.items()}
        return json.dumps({"last": self.last, "gaps": gaps, "saved_at": self.saved_at})

    @classmethod
    def from_json(cls, text: str | None) -> "FeedPosition":
        """A stored position (a fresh one for nothing or garbage)."""
        try:
            data = json.loads(text or "")
            gaps = {int(key): float(seen) for key, seen in data["gaps"].items()}
            return cls(int(data["last"]), gaps, float(data["saved_at"]))
        except (ValueError, KeyError, TypeError, AttributeError):
            return cls()


def read_file(path: Path) -> FeedPosition:
    """The position stored in ``path`` (a fresh one if there is none)."""
    try:
        return FeedPosition.from_json(path.read_text())
    except OSError:
        return FeedPosition()


def write_file(path: Path, position: FeedPosition) -> None:
    """Store the position in ``path`` atomically (a reader sees the old or the new one)."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    temporary.write_text(position.to_json())
    os.replace(temporary, path)


def unapplied(session: so.Session, position: FeedPosition, limit: int) -> Sequence[sa.Row]:
    """The rows after the position and the gaps now filled, oldest first."""
    after = SearchOutbox.id > position.last
    if position.gaps:
        after = sa.or_(after, SearchOutbox.id.in_(sorted(position.gaps)))
    return session.execute(
        sa.select(SearchOutbox.id, SearchOutbox.entity, SearchOutbox.entity_id)
        .where(after)
        .order_by(SearchOutbox.id)
        .limit(limit)
    ).all()


def pending(session: so.Session, position: FeedPosition) -> int:
    """How many rows the index has not applied yet."""
    after = SearchOutbox.id > position.last
    if position.gaps:
        after = sa.or_(after, SearchOutbox.id.in_(sorted(position.gaps)))
    return session.scalar(sa.select(sa.func.count()).where(after))


def advance(position: FeedPosition, applied: Sequence[int]) -> FeedPosition:
    """The position once ``applied`` (row ids, ascending) are in the index."""
    now = time.time()
    done = set(applied)
    gaps = {key: seen for key, seen in position.gaps.items() if key not in done}
    expected = position.last + 1
    for row_id in applied:
        if row_id <= position.last:
            continue
        if row_id - expected <= MAX_GAP:
            for missing in range(expected, row_id):
                gaps.setdefault(missing, now)
        expected = row_id + 1
    gaps = {key: seen for key, seen in gaps.items() if now - seen < GAP_WAIT}
    return FeedPosition(max([position.last, *applied]), gaps, now)


def snapshot(session: so.Session) -> FeedPosition:
    """The position of an index rebuilt from the database now: every row so far applied,
    except ids missing among the last ones (they may belong to transactions still open)."""
    now = time.time()
    last = session.scalar(sa.select(sa.func.max(SearchOutbox.id))) or 0
    seen = set(session.scalars(sa.select(SearchOutbox.id).where(SearchOutbox.id > last - MAX_GAP)))
    recent = range(max(1, last - MAX_GAP + 1), last + 1)
    return FeedPosition(last, {key: now for key in recent if key not in seen}, now)


def prune(session: so.Session, retention: timedelta) -> int:
    """Delete rows older than the retention but the newest (SQLite would hand out its id again
    if the table were emptied, and positions past it would wait forever); return how many."""
    newest = session.scalar(sa.select(sa.func.max(SearchOutbox.id))) or 0
    result = session.execute(
        sa.delete(SearchOutbox).where(
            SearchOutbox.created_at < utcnow() - retention, SearchOutbox.id < newest
        )
    )
    return result.rowcount
