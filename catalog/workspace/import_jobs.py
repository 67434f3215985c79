"""A confirmed import runs as a job: the checked file waits in a stash, the page shows progress.

A checked file waits as a job file (``market.jobs.files``: the shared media store, so the web
server that checked it and the worker that imports it may be different machines) with a random
name bound to the producer, so the producer confirms without picking the file again on a slow
phone; a job a day later deletes it if it is still there.
Confirming records a ``workspace.import`` job for the person who confirmed; the worker checks the
file again (the catalog may have changed), writes every row or none, and stores the counts
for the progress page.
"""

import re
import secrets
from datetime import timedelta

from catalog.audit import Actor
from catalog.models import Producer
from catalog.workspace import imports
from catalog.workspace.errors import WorkspaceError
from market.dbtypes import utcnow
from market.extensions import db
from market.jobs import enqueue, files, handler
from market.jobs.queue import PermanentJobError
from market.jobs.runner import report_progress, set_result

MAX_AGE_SECONDS = 24 * 3600
KIND = "workspace.import"
DROP_KIND = "workspace.import_drop"
# Rows checked between two progress notes (each is a small write).
PROGRESS_EVERY = 500


def _stash_key(producer_id: int, token: str) -> str | None:
    if not re.fullmatch(r"[0-9a-f]{32}", token or ""):
        return None
    return f"{files.PREFIX}imports/{producer_id}-{token}"


def stash(producer_id: int, data: bytes) -> str:
    """Keep a checked file for the producer's confirmation, for a day; return its token."""
    token = secrets.token_hex(16)
    key = _stash_key(producer_id, token)
    files.put(key, data, "application/octet-stream")
    enqueue(DROP_KIND, {"key": key}, run_after=utcnow() + timedelta(seconds=MAX_AGE_SECONDS))
    db.session.commit()
    return token


def _stashed(producer_id: int, token: str) -> bytes | None:
    return files.read(_stash_key(producer_id, token))


@handler(DROP_KIND)
def drop_stash(payload: dict) -> None:
    """Delete a checked file nobody confirmed within a day (an imported one is already gone)."""
    files.delete(payload["key"])


def start_import(producer_id: int, token: str, actor: Actor) -> int | None:
    """Record the import of a stashed file as a job and commit; None if the file is gone."""
    if _stashed(producer_id, token) is None:
        return None
    job_id = enqueue(
        KIND,
        {
            "producer_id": producer_id,
            "token": token,
            "user_id": actor.user_id,
            "access": actor.access,
        },
        user_id=actor.user_id,
        key=f"{KIND}:{producer_id}:{token}",
    )
    db.session.commit()
    return job_id


@handler(KIND)
def run_import(payload: dict) -> None:
    """Check the stashed file again, import all of it or nothing, and record the counts."""
    producer = db.session.get(Producer, payload["producer_id"])
    data = _stashed(payload["producer_id"], payload["token"])
    if producer is None or data is None:
        raise PermanentJobError("The checked file or its producer is gone.")
    try:
        rows = imports.read_table(data)
    except WorkspaceError as error:
        raise PermanentJobError(str(error)) from None
    total = max(len(rows) - 1, 0)
    checked = 0

    def progress(step: int) -> None:
        nonlocal checked
        checked += step
        if checked % PROGRESS_EVERY == 0:
            report_progress(checked, total)

    report_progress(0, total)
    plan = imports.plan_rows(producer, rows, progress)
    report_progress(total, total)
    if not plan.valid:
        set_result({"problems": len(plan.problems)})
        return
    actor = Actor(payload["user_id"], payload["access"])
    result = imports.apply_import(producer, plan, actor)
    set_result(
        {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
    )
    files.delete(_stash_key(payload["producer_id"], payload["token"]))
