"""The app a test's worker subprocess serves: the real app plus a slow, observable handler.

``flask --app tests.jobs.worker_app worker`` runs the real worker command on it.
"""

import os
import time
from pathlib import Path

from flask import Flask

from market import create_app as create_market_app
from market.jobs import handler


@handler("test.slow")
def slow(payload: dict) -> None:
    """Note the start, wait while the ``hold`` file exists, then note the completion."""
    folder = Path(payload["dir"])
    with (folder / "started").open("a") as started:
        started.write(f"{os.getpid()}\n")
    while (folder / "hold").exists():
        time.sleep(0.05)
    with (folder / "completed").open("a") as completed:
        completed.write(f"{os.getpid()}\n")


def create_app() -> Flask:
    """The market app, configured from the environment the test sets."""
    return create_market_app()
