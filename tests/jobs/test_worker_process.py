"""A real worker process: a job survives a worker killed with kill -9 and completes once."""

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from market.config import ROOT
from market.extensions import db
from market.jobs import enqueue
from market.jobs.models import Job, JobState
from tests.jobs import worker_app  # noqa: F401  (registers test.slow here too)
from tests.servers import die_with_parent, wait_for

FLASK = str(Path(sys.executable).with_name("flask"))


@pytest.fixture
def start_worker(app_config: dict, tmp_path: Path) -> Iterator[Callable[[], subprocess.Popen]]:
    """Start ``flask worker`` processes on the test database; all are stopped afterwards."""
    started: list[subprocess.Popen] = []
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "CHOQUE_ENV": "development",
        "DATABASE_URL": app_config["SQLALCHEMY_DATABASE_URI"],
        "INSTANCE_PATH": app_config["INSTANCE_PATH"],
        "MAIL_BACKEND": "logging",
        "JOBS_LEASE_SECONDS": "2",
        "JOBS_POLL_SECONDS": "0.1",
        "LOG_LEVEL": "INFO",
    }

    def start() -> subprocess.Popen:
        with (tmp_path / f"worker-{len(started)}.log").open("w") as log:
            process = subprocess.Popen(
                [FLASK, "--app", "tests.jobs.worker_app", "worker"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=die_with_parent,
            )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=20)


def _job(app: Flask, job_id: int) -> Job:
    with app.app_context():
        job = db.session.get(Job, job_id)
        db.session.expunge(job)
        return job


def _slow_job_started(
    app: Flask, tmp_path: Path, start_worker: Callable[[], subprocess.Popen]
) -> tuple[int, subprocess.Popen]:
    """Queue a ``test.slow`` job that holds until the test lets go; wait until a worker runs it."""
    (tmp_path / "hold").touch()
    with app.app_context():
        job_id = enqueue("test.slow", {"dir": str(tmp_path)})
        db.session.commit()
    first = start_worker()
    wait_for((tmp_path / "started").exists)
    return job_id, first


def test_a_job_whose_worker_is_killed_mid_job_is_retried_and_completed_once(
    app: Flask, tmp_path: Path, start_worker: Callable[[], subprocess.Popen]
) -> None:
    job_id, first = _slow_job_started(app, tmp_path, start_worker)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    assert _job(app, job_id).state is JobState.RUNNING
    (tmp_path / "hold").unlink()
    second = start_worker()
    wait_for(lambda: _job(app, job_id).state is JobState.DONE)
    job = _job(app, job_id)
    assert job.attempts == 2
    started = (tmp_path / "started").read_text().split()
    assert started == [str(first.pid), str(second.pid)]
    assert (tmp_path / "completed").read_text().split() == [str(second.pid)]


def test_a_job_running_longer_than_its_lease_is_not_taken_over_from_a_live_worker(
    app: Flask, tmp_path: Path, start_worker: Callable[[], subprocess.Popen]
) -> None:
    job_id, first = _slow_job_started(app, tmp_path, start_worker)
    claimed_until = _job(app, job_id).locked_until
    start_worker()  # polls every 0.1 s for anything claimable
    # Twice the 2 s lease passes while the job runs: the first worker's heartbeat renews it.
    wait_for(lambda: _job(app, job_id).locked_until > claimed_until + timedelta(seconds=4))
    (tmp_path / "hold").unlink()
    wait_for(lambda: _job(app, job_id).state is JobState.DONE)
    assert _job(app, job_id).attempts == 1
    assert (tmp_path / "started").read_text().split() == [str(first.pid)]
    assert (tmp_path / "completed").read_text().split() == [str(first.pid)]


def test_a_job_written_in_a_rolled_back_transaction_never_runs(
    app: Flask, tmp_path: Path, start_worker: Callable[[], subprocess.Popen]
) -> None:
    lost, kept = tmp_path / "lost", tmp_path / "kept"
    lost.mkdir()
    kept.mkdir()
    with app.app_context():
        enqueue("test.slow", {"dir": str(lost)})
        db.session.rollback()
        job_id = enqueue("test.slow", {"dir": str(kept)})
        db.session.commit()
    worker = start_worker()
    wait_for(lambda: _job(app, job_id).state is JobState.DONE)
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=20) == 0
    assert (kept / "completed").exists() and list(lost.iterdir()) == []
    with app.app_context():
        kinds = db.session.scalars(sa.select(Job.kind).where(Job.kind == "test.slow")).all()
    assert kinds == ["test.slow"]
    log = (tmp_path / "worker-0.log").read_text()
    assert f"[job={job_id}] market.jobs.runner" not in log  # the context leads the message
    assert f"[job={job_id}] Job {job_id} (test.slow) done" in log
