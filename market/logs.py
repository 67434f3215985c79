"""Logs on stdout for the web and the worker: level from ``LOG_LEVEL``, one line per request.

Every line carries what it belongs to: ``rid=`` the request id (an incoming ``X-Request-ID`` or a
new one, echoed in the response), ``user=`` the signed-in user's id, ``job=`` the job's id.
"""

import logging
import re
import sys
import time
import uuid

from flask import Flask, Response, g, has_request_context, request
from flask_login import current_user

from market.jobs.runner import current_claim

logger = logging.getLogger("market.requests")

FORMAT = "%(asctime)s %(levelname)s %(name)s %(context)s%(message)s"
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


class ContextFilter(logging.Filter):
    """Adds ``context``: the request id and user id, or the job id, of the current work."""

    def filter(self, record: logging.LogRecord) -> bool:
        parts = []
        if has_request_context() and "request_id" in g:
            parts.append(f"rid={g.request_id}")
            user = g.get("_login_user")
            if user is not None and user.is_authenticated:
                parts.append(f"user={user.id}")
        claim = current_claim.get()
        if claim is not None:
            parts.append(f"job={claim.job_id}")
        record.context = f"[{' '.join(parts)}] " if parts else ""
        return True


def configure(level: str) -> None:
    """Send every logger's records to stdout once per process, at ``level``."""
    root = logging.getLogger()
    if not any(getattr(h, "choque", False) for h in root.handlers):
        stream = logging.StreamHandler(sys.stdout)
        stream.choque = True  # type: ignore[attr-defined]
        stream.setFormatter(logging.Formatter(FORMAT))
        stream.addFilter(ContextFilter())
        root.addHandler(stream)
    root.setLevel(level)
    logging.getLogger("werkzeug").addFilter(_drop_access_lines)


def _drop_access_lines(record: logging.LogRecord) -> bool:
    """Our request line replaces the development server's access log (its banner stays)."""
    return not str(record.msg).startswith("%s - - [%s]")


def init_app(app: Flask) -> None:
    """Configure logging (not under test, where pytest captures records) and the request line."""
    if not app.testing:
        configure(app.config["LOG_LEVEL"])

    @app.before_request
    def _start() -> None:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def _log(response: Response) -> Response:
        if "request_id" not in g:
            return response
        response.headers["X-Request-ID"] = g.request_id
        elapsed = (time.perf_counter() - g.request_started) * 1000
        if not response.cache_control.public:  # the same for everyone: nobody to name
            _ = current_user.is_authenticated  # loads the user, so the line names them
        logger.info(
            "%s %s %s %.0fms",
            request.method,
            request.full_path.rstrip("?"),
            response.status_code,
            elapsed,
        )
        return response
