"""Workspace pages for bulk import (check first, then import) and export of listings.

A checked file waits under ``instance/imports`` with a random name bound to the producer, so the
producer confirms without picking the file again on a slow phone; files older than a day go.
"""

import re
import secrets
import time
from pathlib import Path

from flask import abort, current_app, flash, g, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from catalog.workspace import exports, imports
from catalog.workspace.blueprint import bp, uploads
from catalog.workspace.errors import WorkspaceError
from catalog.workspace.forms import ImportConfirmForm, ImportForm

MAX_AGE_SECONDS = 24 * 3600
PROBLEMS_SHOWN = 500


def _stash_dir() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _stash(producer_id: int, data: bytes) -> str:
    folder = _stash_dir()
    cutoff = time.time() - MAX_AGE_SECONDS
    for old in folder.iterdir():
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    (folder / f"{producer_id}-{token}").write_bytes(data)
    return token


def _unstash(producer_id: int, token: str) -> bytes | None:
    if not re.fullmatch(r"[0-9a-f]{32}", token or ""):
        return None
    path = _stash_dir() / f"{producer_id}-{token}"
    return path.read_bytes() if path.is_file() else None


def _render(form: ImportForm, **context: object) -> ResponseReturnValue:
    return render_template(
        "workspace/import.html",
        form=form,
        confirm_form=ImportConfirmForm(),
        shown=PROBLEMS_SHOWN,
        **context,
    )


@bp.route("/<int:producer_id>/nhap", methods=["GET", "POST"])
def import_page(producer_id: int) -> ResponseReturnValue:
    """Upload a CSV or XLSX file and see every problem, or what it would change."""
    form = ImportForm()
    if not form.validate_on_submit():
        return _render(form)
    files = uploads("file")
    if not files:
        form.file.errors = [_("Choose a CSV or XLSX file.")]
        return _render(form), 422
    filename, data = files[0]
    try:
        plan = imports.plan_import(g.producer, data)
    except WorkspaceError as error:
        form.file.errors = [str(error)]
        return _render(form), 422
    token = _stash(producer_id, data) if plan.valid else None
    return _render(form, plan=plan, filename=filename, token=token), 200 if plan.valid else 422


@bp.post("/<int:producer_id>/nhap/xac-nhan")
def import_confirm(producer_id: int) -> ResponseReturnValue:
    """Import a file that was checked: all of it, or nothing."""
    form = ImportConfirmForm()
    data = _unstash(producer_id, form.token.data) if form.validate_on_submit() else None
    if data is None:
        flash(_("That checked file is no longer here. Please upload it again."), "error")
        return redirect(url_for("workspace.import_page", producer_id=producer_id))
    try:
        plan = imports.plan_import(g.producer, data)
        result = imports.apply_import(g.producer, plan, g.actor)
    except WorkspaceError as error:
        flash(str(error), "error")
        return redirect(url_for("workspace.import_page", producer_id=producer_id))
    (_stash_dir() / f"{producer_id}-{form.token.data}").unlink(missing_ok=True)
    flash(
        _(
            "Imported: %(created)s new, %(updated)s updated, %(unchanged)s unchanged.",
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
        ),
        "success",
    )
    return redirect(url_for("workspace.product_list", producer_id=producer_id))


@bp.get("/<int:producer_id>/xuat.<fmt>")
def export(producer_id: int, fmt: str) -> ResponseReturnValue:
    """Download every listing as CSV or XLSX, in the import's columns."""
    if fmt == "csv":
        body, mimetype = exports.export_csv(producer_id), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body = exports.export_xlsx(producer_id)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        abort(404)
    response = current_app.response_class(body, mimetype=mimetype)
    name = f"{g.producer.slug}-san-pham.{fmt}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
