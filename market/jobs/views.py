"""The provincial managers' page of failed jobs, each with its error and a retry button."""

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from market.extensions import db
from market.forms import Form
from market.jobs import runner
from market.jobs.models import Job, JobState
from market.permissions import provincial_manager_required

bp = Blueprint("jobs", __name__, url_prefix="/quan-ly/cong-viec")

PAGE = 100


class RetryForm(Form):
    """The retry button (only the CSRF token)."""


@bp.get("/")
@provincial_manager_required
def failed() -> ResponseReturnValue:
    """Failed jobs, newest first, with how many jobs wait or run."""
    jobs = db.session.scalars(
        sa.select(Job)
        .where(Job.state == JobState.FAILED)
        .order_by(Job.finished_at.desc(), Job.id.desc())
        .limit(PAGE)
    ).all()
    counts = dict(
        db.session.execute(sa.select(Job.state, sa.func.count()).group_by(Job.state)).all()
    )
    return render_template(
        "jobs/failed.html", jobs=jobs, counts=counts, states=JobState, form=RetryForm()
    )


@bp.post("/<int:job_id>/thu-lai")
@provincial_manager_required
def retry(job_id: int) -> ResponseReturnValue:
    """Queue a failed job again with fresh attempts."""
    if not RetryForm().validate_on_submit():
        abort(400)
    if db.session.get(Job, job_id) is None:
        abort(404)
    if runner.retry(job_id):
        flash(_("Job %(id)s is queued again.", id=job_id), "success")
        if current_app.config["JOBS_EAGER"]:
            runner.run_now(job_id)
    else:
        flash(_("Job %(id)s is not failed any more.", id=job_id), "info")
    return redirect(url_for("jobs.failed"))
