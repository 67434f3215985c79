"""The worker process (``flask --app market worker``): the schedule, pollers, then due jobs."""

import logging
import signal
import threading
import time
from types import FrameType

from flask import Flask

from market.dbtypes import utcnow
from market.extensions import db
from market.jobs import runner, schedule

logger = logging.getLogger(__name__)

# How often a worker gives up jobs whose last allowed attempt died with its worker.
ABANDONED_CHECK_SECONDS = 30


class Worker:
    """Runs due jobs one at a time until asked to stop (SIGTERM, SIGINT) or out of work."""

    def __init__(self, app: Flask, poll_seconds: float | None = None) -> None:
        self.app = app
        self.poll_seconds = poll_seconds or app.config["JOBS_POLL_SECONDS"]
        self.stopping = threading.Event()
        self.seen_slots: dict[str, object] = {}
        self.polled_at: dict[str, float] = {}
        self.abandoned_checked_at = 0.0

    def install_signal_handlers(self) -> None:
        """Finish the current job, then stop, on SIGTERM or Ctrl-C."""
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)

    def _stop(self, _signum: int, _frame: FrameType | None) -> None:
        logger.info("Worker stopping after the current job")
        self.stopping.set()

    def run(self, burst: bool = False) -> int:
        """Work until stopped; with ``burst``, stop when no job is due. Return jobs run."""
        logger.info("Worker started (poll every %ss)", self.poll_seconds)
        done = 0
        while not self.stopping.is_set():
            with self.app.app_context():
                self.housekeeping()
                claim = runner.claim()
                if claim is not None:
                    with runner.Heartbeat(claim):
                        runner.run_claimed(claim)
                    done += 1
                    continue
            if burst:
                break
            self.stopping.wait(self.poll_seconds)
        logger.info("Worker stopped after %s job(s)", done)
        return done

    def housekeeping(self) -> None:
        """Record due schedule slots, run due pollers, give up abandoned jobs; log failures."""
        try:
            schedule.record_due(utcnow(), self.seen_slots)
        except Exception:
            db.session.rollback()
            logger.exception("Could not record the schedule's due jobs")
        finally:
            db.session.remove()
        now = time.monotonic()
        for poller in schedule.POLLERS.values():
            if now - self.polled_at.get(poller.name, 0.0) < poller.seconds:
                continue
            self.polled_at[poller.name] = now
            try:
                poller.run()
            except Exception:
                logger.exception("Poller %s failed; it runs again next time", poller.name)
            finally:
                db.session.remove()
        if now - self.abandoned_checked_at >= ABANDONED_CHECK_SECONDS:
            self.abandoned_checked_at = now
            if given_up := runner.fail_abandoned():
                logger.error("%s job(s) failed: their worker died on the last attempt", given_up)
