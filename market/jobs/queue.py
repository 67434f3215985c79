"""Recording work for later: handlers by kind, and ``enqueue`` in the caller's transaction.

``enqueue`` inserts a ``jobs`` row through the session that holds the caller's change, so both
commit together or not at all. With ``JOBS_EAGER`` (the test suite) the jobs a transaction
recorded run in this process right after it commits, as a worker would run them.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app, has_app_context
from sqlalchemy.dialects import postgresql, sqlite

from market.dbtypes import utcnow
from market.extensions import db
from market.jobs.models import Job, JobState

Handler = Callable[[dict[str, Any]], None]
H = TypeVar("H", bound=Handler)

HANDLERS: dict[str, Handler] = {}
EAGER = "jobs_eager_ids"


class PermanentJobError(Exception):
    """A job that can never succeed (its subject is gone): fail it now, without retries."""


def handler(kind: str) -> Callable[[H], H]:
    """Register ``function(payload)`` as what runs jobs of ``kind``; handlers are idempotent."""

    def register(function: H) -> H:
        HANDLERS[kind] = function
        return function

    return register


def _insert(dialect: str) -> Callable[..., Any]:
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def enqueue(
    kind: str,
    payload: dict[str, Any] | None = None,
    *,
    key: str | None = None,
    run_after: datetime | None = None,
    user_id: int | None = None,
    max_attempts: int | None = None,
    session: so.Session | None = None,
) -> int | None:
    """Record a job in the session's transaction (the caller commits); return its id.

    With ``key`` a job is recorded once: a second request for the same key returns None.
    """
    if kind not in HANDLERS:
        raise LookupError(f"No handler for job kind {kind!r}")
    session = session or db.session()
    now = utcnow()
    values = {
        "kind": kind,
        "payload": payload or {},
        "key": key,
        "state": JobState.QUEUED,
        "attempts": 0,
        "max_attempts": max_attempts or current_app.config["JOBS_MAX_ATTEMPTS"],
        "run_after": run_after or now,
        "user_id": user_id,
        "progress_done": 0,
        "created_at": now,
        "updated_at": now,
    }
    statement = _insert(session.get_bind().dialect.name)(Job).values(values)
    if key is not None:
        statement = statement.on_conflict_do_nothing(index_elements=["key"])
    job_id = session.execute(statement.returning(Job.id)).scalar()
    if job_id is not None and current_app.config.get("JOBS_EAGER"):
        session.info.setdefault(EAGER, []).append(job_id)
    return job_id


@sa.event.listens_for(so.Session, "after_commit")
def _run_eagerly(session: so.Session) -> None:
    if session.get_nested_transaction() is not None:
        return  # a savepoint committed: the jobs wait for the outermost commit
    ids = session.info.pop(EAGER, None)
    if not ids or not has_app_context():
        return
    from market.jobs.runner import run_now

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    for job_id in ids:
        # A fresh app context gives the job its own session, as in a worker.
        with app.app_context():
            run_now(job_id)


@sa.event.listens_for(so.Session, "after_soft_rollback")
def _forget_eager(session: so.Session, previous: so.SessionTransaction) -> None:
    if previous.parent is None:
        session.info.pop(EAGER, None)
