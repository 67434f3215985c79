"""An export of a producer's listings runs as a job; its page offers the file once it is made.

The file is a job file (``market.jobs.files``: the shared media store, so the worker and the web
server may be different machines), kept until the job is pruned, and only handed to the person
who asked for it.
"""

from catalog.audit import Actor
from catalog.workspace import exports
from market.extensions import db
from market.jobs import enqueue, files, handler
from market.jobs.runner import report_progress, set_result

KIND = "workspace.export"
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def start_export(producer_id: int, fmt: str, actor: Actor) -> int:
    """Record the export as a job for ``actor`` and commit; return the job's id."""
    job_id = enqueue(KIND, {"producer_id": producer_id, "fmt": fmt}, user_id=actor.user_id)
    db.session.commit()
    return job_id


def exported_file(result: dict | None) -> bytes | None:
    """The file an export job wrote, if it is still there."""
    return files.read((result or {}).get("file"))


@handler(KIND)
def run_export(payload: dict) -> None:
    """Write every listing of the producer in the import's columns."""
    report_progress(0)
    write = exports.export_csv if payload["fmt"] == "csv" else exports.export_xlsx
    body = write(payload["producer_id"])
    fmt = payload["fmt"]
    set_result({"file": files.save(fmt, body, FORMATS[fmt]), "bytes": len(body)})
