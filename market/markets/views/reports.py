"""Sales reports (``/quan-ly/bao-cao``): charts and tables on the page, CSV and XLSX exports.

The scope and period come from the URL and are checked against what the manager may see; a
bad value falls back to the default with a note, never an error page. The CSVs stream as they
are read; the workbook is made by a job, followed on a page that refreshes itself.
"""

from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import format_date, get_locale
from flask_login import current_user

from market.extensions import db
from market.i18n import format_vnd, local_today
from market.jobs import files
from market.jobs.models import Job
from market.markets import charts, export_jobs, exports, reports, scopes
from market.markets.forms import ActionForm, ReportForm
from market.markets.scopes import Grain, Period, Scope
from market.permissions import manager_required

bp = Blueprint("market_reports", __name__, url_prefix="/quan-ly/bao-cao")


def _chosen(announce: bool = True) -> tuple[Scope, Period]:
    """The scope and period the URL asks for, corrected where needed."""
    period, problems = scopes.parse_period(
        request.args.get("start"), request.args.get("end"), request.args.get("grain"), local_today()
    )
    scope, notes = scopes.resolve_scope(request.args.get("scope"), current_user)
    if announce:
        for message in [*problems, *notes]:
            flash(message, "warning")
    return scope, period


def _tick(grain: Grain) -> object:
    formats = {Grain.DAY: "d/M", Grain.WEEK: "d/M", Grain.MONTH: "M/yyyy"}
    return lambda day: format_date(day, formats[grain]) if isinstance(day, date) else str(day)


@bp.get("")
@manager_required
def report() -> ResponseReturnValue:
    """The report page: totals, charts and tables for the chosen scope and period."""
    scope, period = _chosen()
    result = reports.build(scope, period, str(get_locale()))
    form = ReportForm(request.args)
    form.scope.choices = scopes.scope_choices(current_user)
    form.scope.data, form.start.data, form.end.data = scope.key, period.start, period.end
    form.grain.data = period.grain.value
    tick = _tick(period.grain)
    by_value = lambda row: row.value  # noqa: E731
    titles = exports.table_titles()
    bar_charts = {
        name: charts.bar_chart(titles[name], result.tables[name], by_value, format_vnd)
        for name in result.tables
        if name != "over_time"
    }
    timeline = charts.column_chart(
        titles["over_time"], result.tables["over_time"], format_vnd, tick
    )
    args = {
        "scope": scope.key,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "grain": period.grain.value,
    }
    return render_template(
        "markets/report.html",
        form=form,
        report=result,
        titles=titles,
        headings=exports.row_headings(),
        bar_charts=bar_charts,
        timeline=timeline,
        tick=tick,
        export_args=args,
        measures_of=reports.measures_of,
        all_open=request.args.get("sections") == "all",
        export_form=ActionForm(),
    )


def _filename(scope: Scope, period: Period, kind: str, ext: str) -> str:
    slug = scope.key.replace(":", "-")
    return f"bao-cao-{kind}-{slug}-{period.start.isoformat()}-{period.end.isoformat()}.{ext}"


def _csv(chunks: object, name: str) -> Response:
    response = Response(stream_with_context(chunks), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/bang.csv")
@manager_required
def tables_csv() -> ResponseReturnValue:
    """The report's tables as one CSV."""
    scope, period = _chosen(announce=False)
    result = reports.build(scope, period, str(get_locale()))
    return _csv(exports.tables_csv(result), _filename(scope, period, "bang", "csv"))


@bp.get("/chi-tiet.csv")
@manager_required
def lines_csv() -> ResponseReturnValue:
    """Every sales line of the scope and period as CSV, streamed while it is read."""
    scope, period = _chosen(announce=False)
    return _csv(exports.lines_csv(scope, period), _filename(scope, period, "chi-tiet", "csv"))


@bp.post("/bao-cao.xlsx")
@manager_required
def workbook() -> ResponseReturnValue:
    """Start making the report and its sales lines as an XLSX workbook; follow it on a page."""
    if not ActionForm().validate_on_submit():
        abort(400)
    scope, period = _chosen(announce=False)
    job_id = export_jobs.start_workbook(scope, period, current_user, str(get_locale()))
    return redirect(url_for("market_reports.workbook_progress", job_id=job_id))


def _own_workbook(job_id: int) -> Job:
    """A workbook job this manager started, on a scope they may still see; else 404."""
    job = db.session.get(Job, job_id)
    if (
        job is None
        or job.kind != export_jobs.KIND
        or job.user_id != current_user.id
        or export_jobs.scope_for(job.payload, current_user) is None
    ):
        abort(404)
    return job


@bp.get("/xuat/<int:job_id>")
@manager_required
def workbook_progress(job_id: int) -> ResponseReturnValue:
    """How far the workbook is, and its download link once it is made."""
    job = _own_workbook(job_id)
    scope = export_jobs.scope_for(job.payload, current_user)
    period = export_jobs.period_of(job.payload)
    return render_template("markets/export_progress.html", job=job, scope=scope, period=period)


@bp.get("/xuat/<int:job_id>/tai-ve")
@manager_required
def workbook_download(job_id: int) -> ResponseReturnValue:
    """The workbook the job made, as an attachment."""
    job = _own_workbook(job_id)
    data = files.read((job.result or {}).get("file"))
    if data is None:
        abort(404)
    scope = export_jobs.scope_for(job.payload, current_user)
    name = _filename(scope, export_jobs.period_of(job.payload), "tong-hop", "xlsx")
    response = Response(data, mimetype=export_jobs.XLSX)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
