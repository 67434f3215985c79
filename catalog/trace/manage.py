"""Provincial managers find a lot, see who bought it and recall it; other managers get 403."""

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from catalog.trace import buyers, chain, links
from catalog.trace.forms import BIZ_STEPS, EVENT_TYPES, RecallForm
from catalog.trace.models import LotRecall
from catalog.trace.recalling import submit_recall
from market.extensions import db
from market.i18n import local_today
from market.permissions import provincial_manager_required

bp = Blueprint("trace_manage", __name__, url_prefix="/quan-ly/truy-xuat")

RECENT_RECALLS = 50


@bp.get("/")
@provincial_manager_required
def index() -> ResponseReturnValue:
    """Find a lot by its code, and the latest recalls."""
    code = (request.args.get("code") or "").strip()
    if code:
        found = chain.find_lot(code)
        if found is not None:
            return redirect(url_for(".lot", code=found.code))
        flash(_("No lot has the code %(code)s.", code=code), "error")
    recalls = db.session.scalars(
        sa.select(LotRecall)
        .options(so.joinedload(LotRecall.lot), so.joinedload(LotRecall.recalled_by))
        .order_by(LotRecall.recalled_at.desc())
        .limit(RECENT_RECALLS)
    ).all()
    return render_template("trace/manage/index.html", recalls=recalls, code=code)


@bp.get("/lo/<code>")
@provincial_manager_required
def lot(code: str) -> ResponseReturnValue:
    """A lot as the market board sees it: chain, buyers, and the recall form."""
    item = chain.find_lot(code)
    if item is None:
        abort(404)
    trace = chain.lot_trace(item, local_today())
    return render_template(
        "trace/manage/lot.html",
        trace=trace,
        lot=item,
        short_url=links.short_url(item),
        scans=chain.scan_counts([item.id]).get(item.id, 0),
        buyers=buyers.buyers_of(item.id),
        recall_form=RecallForm() if trace.recall is None else None,
        event_types=EVENT_TYPES,
        biz_steps=BIZ_STEPS,
        today=local_today(),
    )


@bp.post("/lo/<code>/thu-hoi")
@provincial_manager_required
def recall(code: str) -> ResponseReturnValue:
    """Recall a lot on the market board's authority."""
    item = chain.find_lot(code)
    if item is None:
        abort(404)
    submit_recall(item, by_manager=True)
    return redirect(url_for(".lot", code=item.code))
