"""Workspace pages for bulk import (check, then import as a job) and export (a job) of listings."""

import io

from flask import abort, flash, g, redirect, render_template, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from catalog.workspace import export_jobs, import_jobs, imports
from catalog.workspace.blueprint import bp, uploads
from catalog.workspace.errors import WorkspaceError
from catalog.workspace.forms import ActionForm, ImportConfirmForm, ImportForm
from market.extensions import db
from market.jobs.models import Job

PROBLEMS_SHOWN = 500


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
    token = import_jobs.stash(producer_id, data) if plan.valid else None
    return _render(form, plan=plan, filename=filename, token=token), 200 if plan.valid else 422


@bp.post("/<int:producer_id>/nhap/xac-nhan")
def import_confirm(producer_id: int) -> ResponseReturnValue:
    """Start importing a file that was checked; the next page follows the job."""
    form = ImportConfirmForm()
    job_id = None
    if form.validate_on_submit():
        job_id = import_jobs.start_import(producer_id, form.token.data, g.actor)
    if job_id is None:
        flash(_("That checked file is no longer here. Please upload it again."), "error")
        return redirect(url_for("workspace.import_page", producer_id=producer_id))
    return redirect(url_for("workspace.import_progress", producer_id=producer_id, job_id=job_id))


@bp.get("/<int:producer_id>/nhap/tien-do/<int:job_id>")
def import_progress(producer_id: int, job_id: int) -> ResponseReturnValue:
    """How far the import this person started has got, and its counts once done."""
    job = _own_job(producer_id, job_id, import_jobs.KIND)
    return render_template("workspace/import_progress.html", job=job)


@bp.post("/<int:producer_id>/xuat.<fmt>")
def export(producer_id: int, fmt: str) -> ResponseReturnValue:
    """Start preparing every listing as CSV or XLSX; the next page offers the file."""
    if fmt not in export_jobs.FORMATS:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    job_id = export_jobs.start_export(producer_id, fmt, g.actor)
    return redirect(url_for("workspace.export_progress", producer_id=producer_id, job_id=job_id))


def _own_job(producer_id: int, job_id: int, kind: str) -> Job:
    """A job of ``kind`` for this producer started by the signed-in person, else 404."""
    job = db.session.get(Job, job_id)
    if (
        job is None
        or job.kind != kind
        or job.payload.get("producer_id") != producer_id
        or job.user_id != current_user.id
    ):
        abort(404)
    return job


@bp.get("/<int:producer_id>/xuat/<int:job_id>")
def export_progress(producer_id: int, job_id: int) -> ResponseReturnValue:
    """Whether the export this person asked for is ready, with its download link."""
    job = _own_job(producer_id, job_id, export_jobs.KIND)
    return render_template("workspace/export_progress.html", job=job)


@bp.get("/<int:producer_id>/xuat/<int:job_id>/tai-ve")
def export_download(producer_id: int, job_id: int) -> ResponseReturnValue:
    """The prepared file, as an attachment."""
    job = _own_job(producer_id, job_id, export_jobs.KIND)
    data = export_jobs.exported_file(job.result)
    if data is None:
        abort(404)
    fmt = job.payload["fmt"]
    return send_file(
        io.BytesIO(data),
        mimetype=export_jobs.FORMATS[fmt],
        as_attachment=True,
        download_name=f"{g.producer.slug}-san-pham.{fmt}",
        max_age=0,
    )
