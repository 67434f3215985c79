"""Sales reports (``/quan-ly/bao-cao``): charts and tables on the page, CSV and XLSX exports.

The scope and period come from the URL and are checked against what the manager may see; a
bad value falls back to the default with a note, never an error page.
"""

from datetime import date

from flask import (
    Blueprint,
    Response,
    flash,
    render_template,
    request,
    send_file,
    stream_with_context,
)
from flask.typing import ResponseReturnValue
from flask_babel import format_date, get_locale
from flask_login import current_user

from catalog.storefront import local_today
from market.i18n import format_vnd
from market.markets import charts, exports, reports, scopes
from market.markets.forms import ReportForm
from market.markets.scopes import Grain, Period, Scope
from market.permissions import manager_required

bp = Blueprint("market_reports", __name__, url_prefix="/quan-ly/bao-cao")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


@bp.get("/bao-cao.xlsx")
@manager_required
def workbook() -> ResponseReturnValue:
    """The report and its sales lines as an XLSX workbook."""
    scope, period = _chosen(announce=False)
    result = reports.build(scope, period, str(get_locale()))
    handle = exports.report_xlsx(result)
    response = send_file(
        handle,
        mimetype=XLSX,
        as_attachment=True,
        download_name=_filename(scope, period, "tong-hop", "xlsx"),
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
