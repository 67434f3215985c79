"""Running jobs: an atomic claim with a lease, the handler, then done, a retry or failed.

A claim is one conditional ``UPDATE`` (with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL), so two
workers never hold one job. While its handler runs, a worker's heartbeat renews the lease every
third of ``JOBS_LEASE_SECONDS``, so a job may run longer than the lease without a second worker
taking it; a worker killed outright stops renewing, and its job is claimed again once the lease
runs out. Success and failure are recorded only by the lease's holder: a worker whose lease
expired (it hung, or was killed and another took over) changes nothing.
"""

import logging
import secrets
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from market.dbtypes import utcnow
from market.extensions import db
from market.jobs.models import Job, JobState
from market.jobs.queue import HANDLERS, PermanentJobError

logger = logging.getLogger(__name__)

# Backoff after the n-th failed attempt: base × 2^(n-1), at most this many seconds.
MAX_BACKOFF_SECONDS = 3600
ERROR_CHARS = 4000


@dataclass(frozen=True)
class Claim:
    """A job leased to this process until ``until``."""

    job_id: int
    lease: str
    until: datetime


current_claim: ContextVar[Claim | None] = ContextVar("current_claim", default=None)


def _claimable(now: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(
        sa.and_(Job.state == JobState.QUEUED, Job.run_after <= now),
        sa.and_(
            Job.state == JobState.RUNNING,
            Job.locked_until < now,
            Job.attempts < Job.max_attempts,
        ),
    )


def claim(job_id: int | None = None) -> Claim | None:
    """Lease the next due job (or job ``job_id`` if it is due) to this process, atomically."""
    now = utcnow()
    until = now + timedelta(seconds=current_app.config["JOBS_LEASE_SECONDS"])
    lease = secrets.token_hex(16)
    pick = sa.select(Job.id).where(_claimable(now)).order_by(Job.run_after, Job.id).limit(1)
    if job_id is not None:
        pick = pick.where(Job.id == job_id)
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            pick = pick.with_for_update(skip_locked=True)
        claimed = connection.execute(
            sa.update(Job)
            .where(Job.id == pick.scalar_subquery(), _claimable(now))
            .values(
                state=JobState.RUNNING,
                attempts=Job.attempts + 1,
                lease=lease,
                locked_until=until,
                updated_at=now,
            )
            .returning(Job.id)
        ).scalar()
    return None if claimed is None else Claim(claimed, lease, until)


def _held(claim_: Claim) -> sa.ColumnElement[bool]:
    return sa.and_(Job.id == claim_.job_id, Job.lease == claim_.lease)


def _renew(connection: sa.Connection, claim_: Claim, seconds: int, **values: object) -> None:
    now = utcnow()
    connection.execute(
        sa.update(Job)
        .where(_held(claim_), Job.state == JobState.RUNNING)
        .values(locked_until=now + timedelta(seconds=seconds), updated_at=now, **values)
    )


class Heartbeat:
    """Renews a claimed job's lease from a thread while its handler runs in this process."""

    def __init__(self, claim_: Claim) -> None:
        self.claim = claim_
        self.engine = db.engine
        self.seconds = current_app.config["JOBS_LEASE_SECONDS"]
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name="job-heartbeat", daemon=True)

    def __enter__(self) -> "Heartbeat":
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stopped.set()
        self.thread.join()

    def _beat(self) -> None:
        while not self.stopped.wait(self.seconds / 3):
            try:
                with self.engine.begin() as connection:
                    _renew(connection, self.claim, self.seconds)
            except sa.exc.SQLAlchemyError:
                # A busy database: the next beat, a third of the lease later, tries again.
                logger.warning("Could not renew the lease of job %s", self.claim.job_id)


def report_progress(done: int, total: int | None = None) -> None:
    """Record how far the current job is (shown to whoever started it) and extend its lease."""
    claim_ = current_claim.get()
    if claim_ is None:
        return
    seconds = current_app.config["JOBS_LEASE_SECONDS"]
    with db.engine.begin() as connection:
        _renew(connection, claim_, seconds, progress_done=done, progress_total=total)


def set_result(result: dict) -> None:
    """Store what the current job produced (a file name, counts) for the page that shows it."""
    claim_ = current_claim.get()
    if claim_ is not None:
        with db.engine.begin() as connection:
            connection.execute(sa.update(Job).where(_held(claim_)).values(result=result))


@contextmanager
def _running(claim_: Claim) -> Iterator[None]:
    token = current_claim.set(claim_)
    try:
        yield
    finally:
        current_claim.reset(token)


def run_claimed(claim_: Claim) -> JobState:
    """Run a leased job's handler and record the outcome; return the job's new state."""
    job = db.session.get(Job, claim_.job_id)
    kind, payload, attempts, max_attempts = job.kind, job.payload, job.attempts, job.max_attempts
    db.session.rollback()
    with _running(claim_):
        logger.info("Job %s (%s) started, attempt %s", claim_.job_id, kind, attempts)
        try:
            function = HANDLERS.get(kind)
            if function is None:
                raise PermanentJobError(f"No handler for job kind {kind!r}")
            function(payload)
            db.session.commit()
        except Exception as error:
            db.session.rollback()
            final = isinstance(error, PermanentJobError) or attempts >= max_attempts
            state = _record_failure(claim_, error, attempts, final)
            logger.log(
                logging.ERROR if final else logging.WARNING,
                "Job %s (%s) failed on attempt %s: %s",
                claim_.job_id,
                kind,
                attempts,
                error,
                exc_info=final,
            )
            return state
        finally:
            db.session.remove()
        _finish(claim_)
        logger.info("Job %s (%s) done", claim_.job_id, kind)
    return JobState.DONE


def _finish(claim_: Claim) -> None:
    now = utcnow()
    with db.engine.begin() as connection:
        connection.execute(
            sa.update(Job)
            .where(_held(claim_))
            .values(
                state=JobState.DONE,
                locked_until=None,
                last_error=None,
                finished_at=now,
                updated_at=now,
            )
        )


def backoff(attempts: int) -> timedelta:
    """How long to wait before attempt ``attempts + 1``: exponential, capped at an hour."""
    base = current_app.config["JOBS_RETRY_BASE_SECONDS"]
    return timedelta(seconds=min(base * 2 ** (attempts - 1), MAX_BACKOFF_SECONDS))


def _record_failure(claim_: Claim, error: Exception, attempts: int, final: bool) -> JobState:
    now = utcnow()
    text = "".join(traceback.format_exception(error))[-ERROR_CHARS:]
    state = JobState.FAILED if final else JobState.QUEUED
    with db.engine.begin() as connection:
        connection.execute(
            sa.update(Job)
            .where(_held(claim_))
            .values(
                state=state,
                locked_until=None,
                last_error=text,
                run_after=now if final else now + backoff(attempts),
                finished_at=now if final else None,
                updated_at=now,
            )
        )
    return state


def fail_abandoned() -> int:
    """Give up jobs whose worker died during their last allowed attempt; return how many."""
    now = utcnow()
    with db.engine.begin() as connection:
        return connection.execute(
            sa.update(Job)
            .where(
                Job.state == JobState.RUNNING,
                Job.locked_until < now,
                Job.attempts >= Job.max_attempts,
            )
            .values(
                state=JobState.FAILED,
                locked_until=None,
                last_error="The worker stopped during the last allowed attempt.",
                finished_at=now,
                updated_at=now,
            )
        ).rowcount


def run_now(job_id: int) -> JobState | None:
    """Claim and run one job in this process if it is due (eager mode, the console)."""
    claim_ = claim(job_id)
    return None if claim_ is None else run_claimed(claim_)


def retry(job_id: int) -> bool:
    """Queue a failed job again with a fresh set of attempts; False if it is not failed."""
    now = utcnow()
    with db.engine.begin() as connection:
        changed = connection.execute(
            sa.update(Job)
            .where(Job.id == job_id, Job.state == JobState.FAILED)
            .values(
                state=JobState.QUEUED,
                attempts=0,
                run_after=now,
                finished_at=None,
                updated_at=now,
            )
        ).rowcount
    return bool(changed)
