"""Server A's app in the multi-server test: the production app with a trap for one request.

When the file named by ``CRASH_TRAP_FILE`` holds a request path, the next request to that path
kills its own process with SIGKILL right after its first commit, before it can answer or do
anything else: what a power cut or the OOM killer does at the worst moment.
"""

import os
import signal
from pathlib import Path

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import has_request_context, request

from market.wsgi import app

TRAP = Path(os.environ["CRASH_TRAP_FILE"])

__all__ = ["app"]


@sa.event.listens_for(so.Session, "after_commit")
def _die_after_commit(session: so.Session) -> None:
    if session.get_nested_transaction() is not None or not has_request_context():
        return
    if TRAP.is_file() and TRAP.read_text() == request.path:
        TRAP.unlink()
        os.kill(os.getpid(), signal.SIGKILL)
