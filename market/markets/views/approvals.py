"""Approval queues (``/quan-ly/duyet``): producers, OCOP claims and growing-area codes.

Only provincial managers decide; a market's manager gets 403. Every decision goes through
``market.markets.approvals``, which records it in the producer's audit log.
"""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from catalog import audit
from catalog.models import GrowingArea, OcopRecognition, Producer, ProducerStatus, Product
from catalog.workspace.labels import template_labels as workspace_labels
from catalog.workspace.views import AUDIT_PAGE_SIZE
from market.extensions import db
from market.i18n import local_today
from market.markets import approvals
from market.markets.approvals import Decision
from market.markets.errors import MarketError
from market.markets.forms import DecisionForm
from market.markets.labels import template_labels
from market.permissions import provincial_manager_required
from market.urls import safe_next_url

bp = Blueprint("approvals", __name__, url_prefix="/quan-ly/duyet")
bp.context_processor(template_labels)

STATUS_FILTERS = {s.value: s for s in ProducerStatus}


@bp.get("")
@provincial_manager_required
def queues() -> ResponseReturnValue:
    """The three queues, oldest first, and the latest decisions."""
    return render_template(
        "markets/approvals.html",
        counts=approvals.queue_counts(),
        producers=approvals.pending_producers(),
        recognitions=approvals.pending_recognitions(),
        areas=approvals.pending_areas(),
        decisions=approvals.decisions_for(limit=20),
        form=DecisionForm(),
        today=local_today(),
    )


@bp.get("/nha-san-xuat")
@provincial_manager_required
def producer_search() -> ResponseReturnValue:
    """Find a producer by name, to suspend or reinstate it."""
    query = (request.args.get("q") or "").strip()[:100]
    status = STATUS_FILTERS.get(request.args.get("status", ""))
    found = approvals.find_producers(query, status) if query or status else []
    return render_template(
        "markets/producer_search.html", query=query, status=status, producers=found
    )


@bp.get("/nha-san-xuat/<int:producer_id>")
@provincial_manager_required
def producer(producer_id: int) -> ResponseReturnValue:
    """A producer as the manager reviews it: profile, products, claims, areas, decisions."""
    item = db.get_or_404(Producer, producer_id)
    product_count = db.session.scalar(
        sa.select(sa.func.count()).select_from(Product).where(Product.producer_id == item.id)
    )
    return render_template(
        "markets/producer.html",
        producer=item,
        product_count=product_count,
        recognitions=approvals.recognitions_of(item.id),
        going_public=approvals.products_going_public(item.id),
        areas=approvals.producer_areas(item.id),
        decisions=approvals.decisions_for(item.id),
        form=DecisionForm(),
        moves=[d for d, (source, _t) in approvals.PRODUCER_MOVES.items() if source == item.status],
        today=local_today(),
    )


@bp.get("/nha-san-xuat/<int:producer_id>/nhat-ky")
@provincial_manager_required
def producer_audit(producer_id: int) -> ResponseReturnValue:
    """A producer's change log, read-only, for managers (a household has no account to read it)."""
    item = db.get_or_404(Producer, producer_id)
    page = db.paginate(audit.entries_for(item.id), per_page=AUDIT_PAGE_SIZE, error_out=False)
    return render_template(
        "markets/producer_audit.html", producer=item, page=page, **workspace_labels()
    )


def _decide(kind: str, object_id: int) -> ResponseReturnValue:
    form = DecisionForm()
    back = safe_next_url(request.form.get("next"), "approvals.queues")
    if not form.validate_on_submit():
        flash(_("Choose a decision."), "error")
        return redirect(back)
    try:
        decision = Decision(form.decision.data)
        reason = form.reason.data or ""
        if kind == "producer":
            approvals.decide_producer(object_id, decision, reason, current_user)
        elif kind == "ocop":
            approvals.decide_recognition(object_id, decision, reason, current_user)
        else:
            approvals.decide_area(object_id, decision, reason, current_user)
    except ValueError:
        flash(_("Unknown decision."), "error")
    except MarketError as error:
        flash(str(error), "error")
    else:
        flash(_("Decision recorded."), "success")
    return redirect(back)


@bp.post("/nha-san-xuat/<int:producer_id>")
@provincial_manager_required
def decide_producer(producer_id: int) -> ResponseReturnValue:
    """Verify, reject, suspend or reinstate a producer."""
    db.get_or_404(Producer, producer_id)
    return _decide("producer", producer_id)


@bp.post("/ocop/<int:recognition_id>")
@provincial_manager_required
def decide_recognition(recognition_id: int) -> ResponseReturnValue:
    """Approve or reject an OCOP recognition claim."""
    db.get_or_404(OcopRecognition, recognition_id)
    return _decide("ocop", recognition_id)


@bp.post("/vung-trong/<int:area_id>")
@provincial_manager_required
def decide_area(area_id: int) -> ResponseReturnValue:
    """Approve, reject, suspend, cancel or reinstate a growing-area code."""
    db.get_or_404(GrowingArea, area_id)
    return _decide("area", area_id)
