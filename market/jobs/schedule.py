"""The schedule, kept in code and run by the worker: no crontab to install.

Two kinds of entry. A *scheduled job* (order expiry every minute, the daily OCOP step) becomes a
``jobs`` row once per slot, keyed by the slot, so however many workers run it happens once, with
the retries and the failure page every job has; a worker that was down runs the latest missed
slot when it starts. A *poller* (applying the search outbox) is a cheap check every worker makes
every few seconds on work that is already durable elsewhere; it writes no job rows.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from market.i18n import LOCAL_TIMEZONE
from market.jobs.queue import enqueue

LOCAL = LOCAL_TIMEZONE
EPOCH = datetime(2000, 1, 1)


class When(Protocol):
    """When an entry is due: the start of the slot ``now`` (naive UTC) falls in."""

    def slot(self, now: datetime) -> datetime:
        """The latest due moment at or before ``now``, naive UTC."""
        ...


@dataclass(frozen=True)
class Every:
    """Every ``seconds`` seconds, on multiples of that period."""

    seconds: int

    def slot(self, now: datetime) -> datetime:
        """The start of the current period."""
        elapsed = int((now - EPOCH).total_seconds())
        return EPOCH + timedelta(seconds=elapsed - elapsed % self.seconds)


@dataclass(frozen=True)
class DailyAt:
    """Once a day at a local (Asia/Ho_Chi_Minh) time."""

    at: time

    def slot(self, now: datetime) -> datetime:
        """Today's time if it has passed in Vietnam, else yesterday's."""
        local = now.replace(tzinfo=ZoneInfo("UTC")).astimezone(LOCAL)
        due = datetime.combine(local.date(), self.at, LOCAL)
        if due > local:
            due -= timedelta(days=1)
        return due.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


@dataclass(frozen=True)
class ScheduledJob:
    """A job kind run once per slot of ``when``."""

    name: str
    kind: str
    when: When
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Poller:
    """A check every worker runs every ``seconds`` seconds."""

    name: str
    seconds: float
    run: Callable[[], object]


SCHEDULE: dict[str, ScheduledJob] = {}
POLLERS: dict[str, Poller] = {}


def every(name: str, kind: str, when: When, payload: dict[str, Any] | None = None) -> None:
    """Run jobs of ``kind`` on a schedule; the name identifies the entry in job keys."""
    SCHEDULE[name] = ScheduledJob(name, kind, when, payload or {})


def poll(name: str, seconds: float, run: Callable[[], object]) -> None:
    """Have every worker call ``run`` every ``seconds`` seconds."""
    POLLERS[name] = Poller(name, seconds, run)


def record_due(now: datetime, seen: dict[str, datetime]) -> int:
    """Record the current slot's job of every entry not yet seen in this slot; commit.

    ``seen`` remembers, per process, the slots already recorded, so a worker touches the table
    once per slot; the unique key makes the row appear once across all workers.
    """
    from market.extensions import db

    recorded = 0
    for entry in SCHEDULE.values():
        slot = entry.when.slot(now)
        if seen.get(entry.name) == slot:
            continue
        key = f"schedule:{entry.name}:{slot.isoformat(timespec='seconds')}"
        if enqueue(entry.kind, entry.payload, key=key, run_after=slot) is not None:
            recorded += 1
        seen[entry.name] = slot
    db.session.commit()
    return recorded
