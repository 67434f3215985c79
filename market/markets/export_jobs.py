"""The report workbook is made by a job: a year of a province's sales is never built in a request.

The manager asks for it, follows a page that refreshes itself, and downloads the file once the
worker has written it (to the job files of ``market.jobs.files``, seen by every server). Only
the manager who asked may see the page or the file, and only while they may still see the
report's scope.
"""

from dataclasses import replace
from datetime import date

from flask_babel import force_locale

from market.accounts.models import User
from market.extensions import db
from market.jobs import enqueue, files, handler
from market.jobs.queue import PermanentJobError
from market.jobs.runner import report_progress, set_result
from market.markets import exports, reports, scopes
from market.markets.scopes import Grain, Period, Scope

KIND = "markets.report_workbook"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def start_workbook(scope: Scope, period: Period, user: User, locale: str) -> int:
    """Record the workbook of ``scope`` and ``period`` as a job for ``user`` and commit."""
    job_id = enqueue(
        KIND,
        {
            "user_id": user.id,
            "scope": scope.key,
            # The markets it covers now: the file never shows more, whatever changes later.
            "market_ids": None if scope.market_ids is None else list(scope.market_ids),
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "grain": period.grain.value,
            "locale": locale,
        },
        user_id=user.id,
    )
    db.session.commit()
    return job_id


def period_of(payload: dict) -> Period:
    """The period a workbook job covers."""
    return Period(
        date.fromisoformat(payload["start"]),
        date.fromisoformat(payload["end"]),
        Grain(payload["grain"]),
    )


def scope_for(payload: dict, user: User | None) -> Scope | None:
    """The job's scope, as it was asked for, if ``user`` is still a manager who may see all of
    it (a market manager who lost one of its markets may not); else None."""
    if user is None or not user.active or not user.is_manager:
        return None
    scope, notes = scopes.resolve_scope(payload["scope"], user)
    if notes or scope.key != payload["scope"]:
        return None
    asked = payload["market_ids"]
    if scope.market_ids is None:
        return scope if asked is None else replace(scope, market_ids=tuple(asked))
    if asked is None or not set(asked) <= set(scope.market_ids):
        return None
    return replace(scope, market_ids=tuple(asked))


@handler(KIND)
def make_workbook(payload: dict) -> None:
    """Build the report and its sales lines as XLSX, noting progress every batch of lines."""
    user = db.session.get(User, payload["user_id"])
    scope = scope_for(payload, user)
    if scope is None:
        raise PermanentJobError("The manager may no longer see this report's scope.")
    period = period_of(payload)
    total = min(exports.count_lines(scope, period), exports.XLSX_MAX_LINES)
    report_progress(0, total)
    with force_locale(payload["locale"]):
        report = reports.build(scope, period, payload["locale"])
        with exports.report_xlsx(report, lambda done: report_progress(done, total)) as handle:
            data = handle.read()
    report_progress(total, total)
    set_result({"file": files.save("xlsx", data, XLSX), "bytes": len(data)})
