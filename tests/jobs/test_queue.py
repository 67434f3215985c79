"""Jobs are recorded with the change that causes them, claimed once, retried, and given up."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from market.dbtypes import utcnow
from market.extensions import db
from market.jobs import enqueue
from market.jobs.models import Job, JobState
from market.jobs.queue import HANDLERS
from market.jobs.runner import claim, run_claimed, run_now
from market.jobs.worker import Worker


def _job(job_id: int) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job_id)


def test_a_job_recorded_in_a_rolled_back_transaction_does_not_exist(
    app: Flask, calls: list[dict]
) -> None:
    with app.app_context():
        enqueue("test.record", {"n": 1})
        db.session.rollback()
        kept = enqueue("test.record", {"n": 2})
        db.session.commit()
        assert db.session.scalars(sa.select(Job.id)).all() == [kept]
        Worker(app).run(burst=True)
    assert calls == [{"n": 2}]


def test_a_job_waits_for_a_worker_and_runs_once(app: Flask, calls: list[dict]) -> None:
    with app.app_context():
        job_id = enqueue("test.record", {"n": 1})
        db.session.commit()
        assert calls == []
        first = claim()
        assert first is not None and first.job_id == job_id
        assert claim() is None  # leased: a second worker gets nothing
        assert run_claimed(first) is JobState.DONE
        assert run_now(job_id) is None  # delivered again: already done
        job = _job(job_id)
        assert (job.state, job.attempts, job.finished_at is not None) == (JobState.DONE, 1, True)
    assert calls == [{"n": 1}]


def test_a_failing_job_is_retried_with_exponential_backoff_then_fails(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_payload: dict) -> None:
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setitem(HANDLERS, "test.broken", broken)
    with app.app_context():
        job_id = enqueue("test.broken", max_attempts=3)
        db.session.commit()
        waits = []
        for attempt in (1, 2):
            before = utcnow()
            assert run_now(job_id) is JobState.QUEUED
            job = _job(job_id)
            assert job.attempts == attempt and "smtp down" in job.last_error
            waits.append(int((job.run_after - before).total_seconds()))
            assert run_now(job_id) is None  # not due before its backoff
            job.run_after = utcnow()
            db.session.commit()
        assert waits == [10, 20]
        assert run_now(job_id) is JobState.FAILED
        job = _job(job_id)
        assert job.state is JobState.FAILED and job.attempts == 3
        assert "ConnectionRefusedError: smtp down" in job.last_error


def test_a_job_whose_worker_died_is_claimed_again_once_the_lease_expires(
    app: Flask, calls: list[dict]
) -> None:
    with app.app_context():
        job_id = enqueue("test.record", {"n": 1})
        db.session.commit()
        dead = claim()
        assert dead is not None and claim() is None
        job = _job(job_id)
        job.locked_until = utcnow() - timedelta(seconds=1)
        db.session.commit()
        again = claim()
        assert again is not None and again.job_id == job_id
        assert run_claimed(again) is JobState.DONE
        # The first worker, had it survived, can no longer record anything.
        assert run_claimed(dead) is JobState.DONE
        assert _job(job_id).attempts == 2
    assert calls == [{"n": 1}, {"n": 1}]


def test_a_job_key_records_the_work_once(app: Flask, calls: list[dict]) -> None:
    with app.app_context():
        assert enqueue("test.record", {"n": 1}, key="once") is not None
        assert enqueue("test.record", {"n": 2}, key="once") is None
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 1


def test_an_unknown_job_kind_is_refused_when_recorded(app: Flask) -> None:
    with app.app_context(), pytest.raises(LookupError):
        enqueue("no.such.kind")
