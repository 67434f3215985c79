"""Work done later, durably: a ``jobs`` table written in the caller's transaction, a worker
process that runs it with retries and backoff, and a schedule kept in code.

Packages register handlers (``queue.handler``) and schedule entries (``schedule.every``,
``schedule.poll``) when they are imported; ``enqueue`` records a job in the caller's transaction.
"""

from datetime import time, timedelta

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from market.dbtypes import utcnow
from market.extensions import db
from market.jobs import files, schedule
from market.jobs.models import Job, JobState
from market.jobs.queue import enqueue, handler

__all__ = ["enqueue", "handler", "register"]

jobs_cli = AppGroup("jobs", help="Background jobs: failed ones, retries.")


@handler("jobs.prune")
def prune_finished(_payload: dict) -> None:
    """Delete jobs done more than ``JOBS_KEEP_DAYS`` ago and their files (failed ones stay)."""
    before = utcnow() - timedelta(days=current_app.config["JOBS_KEEP_DAYS"])
    old = sa.and_(Job.state == JobState.DONE, Job.finished_at < before)
    for result in db.session.scalars(sa.select(Job.result).where(old, Job.result.is_not(None))):
        files.delete(result.get("file"))
    db.session.execute(sa.delete(Job).where(old))


schedule.every("jobs-prune", "jobs.prune", schedule.DailyAt(time(3, 30)))


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when no job is due instead of waiting.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run background jobs and the schedule until stopped (Ctrl-C or SIGTERM)."""
    from market.jobs.worker import Worker

    worker = Worker(current_app._get_current_object())  # type: ignore[attr-defined]
    worker.install_signal_handlers()
    worker.run(burst=burst)


@jobs_cli.command("failed")
def failed_command() -> None:
    """List failed jobs with the last line of their error."""
    for job in db.session.scalars(sa.select(Job).where(Job.state == JobState.FAILED)):
        last = (job.last_error or "").strip().splitlines()[-1:] or [""]
        click.echo(f"{job.id}\t{job.kind}\t{job.attempts}\t{last[0]}")


@jobs_cli.command("retry")
@click.argument("job_id", type=int)
def retry_command(job_id: int) -> None:
    """Queue a failed job again."""
    from market.jobs.runner import retry

    if not retry(job_id):
        raise click.ClickException(f"Job {job_id} is not failed.")
    click.echo(f"Job {job_id} queued again.")


def register(app: Flask) -> None:
    """Attach the console page and the ``worker`` and ``jobs`` commands."""
    from market.jobs import views

    app.register_blueprint(views.bp)
    app.cli.add_command(worker_command)
    app.cli.add_command(jobs_cli)
