"""The jobs table: the durable outbox of work to do later, and the truth about each job."""

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from market.dbtypes import str_enum, utcnow
from market.extensions import db


class JobState(enum.StrEnum):
    """Where a job is: waiting (or waiting to retry), leased by a worker, done, given up."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(db.Model):
    """One piece of work, written in the transaction of the change that caused it.

    A worker leases a job by setting ``locked_until`` and its own ``lease`` token; a worker that
    dies leaves the lease to expire, and the job is claimed again. ``key``, when given, is unique:
    a schedule tick or an idempotent request is recorded once however often it is asked for.
    """

    __tablename__ = "jobs"
    __table_args__ = (sa.Index("ix_jobs_claim", "state", "run_after"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(80))
    payload: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)
    key: so.Mapped[str | None] = so.mapped_column(sa.String(200), unique=True)
    state: so.Mapped[JobState] = so.mapped_column(
        str_enum(JobState, "job_state"), default=JobState.QUEUED
    )
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    max_attempts: so.Mapped[int] = so.mapped_column(default=5)
    run_after: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    locked_until: so.Mapped[datetime | None]
    lease: so.Mapped[str | None] = so.mapped_column(sa.String(32))
    last_error: so.Mapped[str | None] = so.mapped_column(sa.Text)
    # Progress for the person who started a long job (an import, an export) and its result.
    user_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    progress_done: so.Mapped[int] = so.mapped_column(default=0)
    progress_total: so.Mapped[int | None]
    result: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)
    finished_at: so.Mapped[datetime | None]
