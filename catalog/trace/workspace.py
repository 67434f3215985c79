"""The producer's lot pages: events, processing into new lots, labels, recalls.

Every route first checks the current user may act for the producer; another producer's lot,
like an unknown one, is a 404.
"""

from datetime import datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import to_user_timezone, to_utc
from flask_login import current_user
from werkzeug.utils import secure_filename
from wtforms import SelectChoice

from catalog.models import Lot, Product, ProductStatus
from catalog.permissions import require_producer_access
from catalog.trace import buyers, chain, labels, links, services
from catalog.trace.forms import (
    BIZ_STEPS,
    EVENT_TYPES,
    EventForm,
    LabelForm,
    ProcessingForm,
    RecallForm,
)
from catalog.trace.lineage import recalled_or_downstream
from catalog.trace.models import BizStep, EventType, LotEvent
from catalog.trace.recalling import submit_recall
from market.dbtypes import utcnow
from market.extensions import db
from market.i18n import local_today

bp = Blueprint("trace_workspace", __name__, url_prefix="/ban-hang/<int:producer_id>/lo")

CLOCK_SKEW = timedelta(minutes=5)  # a phone clock running a little fast is not the future
RECALLERS = ("owner", "staff")  # helpers record events but do not recall or see buyers


@bp.get("/")
def index(producer_id: int) -> ResponseReturnValue:
    """The producer's lots, newest harvest first, with scans and recalls."""
    access = require_producer_access(producer_id)
    lots = list(
        db.session.scalars(
            sa.select(Lot)
            .join(Lot.product)
            .where(Product.producer_id == producer_id)
            .options(so.contains_eager(Lot.product))
            .order_by(Lot.harvest_date.desc(), Lot.id.desc())
        )
    )
    ids = [lot.id for lot in lots]
    event_counts = dict(
        db.session.execute(
            sa.select(LotEvent.lot_id, sa.func.count())
            .where(LotEvent.lot_id.in_(ids))
            .group_by(LotEvent.lot_id)
        ).all()
    )
    recalled = set(db.session.scalars(recalled_or_downstream())) & set(ids)
    return render_template(
        "trace/workspace/index.html",
        producer_id=producer_id,
        access=access,
        lots=lots,
        event_counts=event_counts,
        scans=chain.scan_counts(ids),
        recalled=recalled,
    )


@bp.get("/<code>")
def lot(producer_id: int, code: str) -> ResponseReturnValue:
    """One lot: its chain, scans, labels, and the recall form or notice."""
    access = require_producer_access(producer_id)
    item = _own_lot(producer_id, code)
    trace = chain.lot_trace(item, local_today())
    may_recall = access in RECALLERS
    return render_template(
        "trace/workspace/lot.html",
        producer_id=producer_id,
        access=access,
        trace=trace,
        lot=item,
        scans=chain.scan_counts([item.id]).get(item.id, 0),
        short_url=links.short_url(item),
        label_url=links.label_url(item),
        buyers=buyers.buyers_of(item.id) if may_recall else None,
        recall_form=RecallForm() if may_recall and trace.recall is None else None,
        event_types=EVENT_TYPES,
        biz_steps=BIZ_STEPS,
        today=local_today(),
    )


@bp.route("/<code>/su-kien", methods=["GET", "POST"])
def record_event(producer_id: int, code: str) -> ResponseReturnValue:
    """Record a harvest, packing, shipping, receiving or selling event on a lot."""
    require_producer_access(producer_id)
    item = _own_lot(producer_id, code)
    form = EventForm(**_now_defaults() if request.method == "GET" else {})
    if form.validate_on_submit():
        when = _utc(form.local_moment())
        if when is None:
            form.at.errors.append(_("The time cannot be in the future."))
        else:
            try:
                services.record_event(
                    item,
                    EventType(form.type.data),
                    when,
                    current_user,
                    biz_step=BizStep(form.biz_step.data) if form.biz_step.data else None,
                    place=form.place.data,
                    gln=form.gln.data,
                    quantity=form.quantity.data,
                    certificate=form.certificate.data or "",
                    certificate_ref=form.certificate_ref.data or "",
                )
            except services.TraceError as error:
                flash(str(error), "error")
            else:
                flash(_("Event recorded on lot %(code)s.", code=item.code), "success")
                return redirect(url_for(".lot", producer_id=producer_id, code=item.code))
    return render_template(
        "trace/workspace/event_form.html", producer_id=producer_id, lot=item, form=form
    )


@bp.route("/che-bien/moi", methods=["GET", "POST"])
def process(producer_id: int) -> ResponseReturnValue:
    """Make a new lot from input lots (drying, roasting, packing tea...)."""
    require_producer_access(producer_id)
    candidates = _input_candidates(producer_id)
    form = ProcessingForm(**_now_defaults() if request.method == "GET" else {})
    products = list(
        db.session.scalars(
            sa.select(Product)
            .where(Product.producer_id == producer_id, Product.status != ProductStatus.ARCHIVED)
            .order_by(Product.name)
        )
    )
    form.product.choices = [SelectChoice(str(p.id), p.name) for p in products]
    if request.method == "GET":
        for lot, _left in candidates:
            form.inputs.append_entry({"lot_id": str(lot.id)})
    by_id = {str(lot.id): (lot, left) for lot, left in candidates}
    if form.validate_on_submit():
        result = _processed_lot(producer_id, form, products, by_id)
        if result is not None:
            return result
    return render_template(
        "trace/workspace/processing.html",
        producer_id=producer_id,
        form=form,
        candidates=by_id,
        has_products=bool(products),
    )


@bp.get("/<code>/nhan")
def label_page(producer_id: int, code: str) -> ResponseReturnValue:
    """Choose a label size and print a sheet, or download a single label."""
    require_producer_access(producer_id)
    item = _own_lot(producer_id, code)
    form = LabelForm(request.args)
    return render_template(
        "trace/workspace/labels.html",
        producer_id=producer_id,
        lot=item,
        form=form,
        sizes=labels.SIZES,
        label_url=links.label_url(item),
    )


@bp.get("/<code>/nhan.pdf")
def label_sheet(producer_id: int, code: str) -> ResponseReturnValue:
    """An A4 PDF sheet of QR labels for the lot."""
    require_producer_access(producer_id)
    item = _own_lot(producer_id, code)
    form = LabelForm(request.args)
    size = labels.SIZES.get(form.size.data or "", labels.SIZES[labels.DEFAULT_SIZE])
    sheets = form.sheets.data if form.validate() and form.sheets.data else 1
    pdf = labels.sheet_pdf(_label_content(item), size, sheets)
    return _download(pdf, "application/pdf", f"nhan-{item.code}-{size.key}.pdf")


@bp.get("/<code>/nhan.png")
def label_png(producer_id: int, code: str) -> ResponseReturnValue:
    """A single label as a PNG image (300 dpi)."""
    require_producer_access(producer_id)
    item = _own_lot(producer_id, code)
    png = labels.label_png(_label_content(item), _size_from_args())
    return _download(png, "image/png", f"nhan-{item.code}.png")


@bp.get("/<code>/nhan.svg")
def label_svg(producer_id: int, code: str) -> ResponseReturnValue:
    """A single label as an SVG drawing in millimetres."""
    require_producer_access(producer_id)
    item = _own_lot(producer_id, code)
    svg = labels.label_svg(_label_content(item), _size_from_args())
    return _download(svg.encode(), "image/svg+xml", f"nhan-{item.code}.svg")


@bp.post("/<code>/thu-hoi")
def recall(producer_id: int, code: str) -> ResponseReturnValue:
    """Recall the lot (owner or staff): its page says so at once and buyers are emailed."""
    require_producer_access(producer_id, *RECALLERS)
    item = _own_lot(producer_id, code)
    submit_recall(item)
    return redirect(url_for(".lot", producer_id=producer_id, code=item.code))


def _own_lot(producer_id: int, code: str) -> Lot:
    return db.first_or_404(
        sa.select(Lot)
        .join(Lot.product)
        .where(Lot.code == code, Product.producer_id == producer_id)
        .options(so.contains_eager(Lot.product))
    )


def _input_candidates(producer_id: int) -> list[tuple[Lot, Decimal]]:
    """The producer's lots that still have quantity and are not recalled."""
    products = sa.select(Product.id).where(Product.producer_id == producer_id)
    return [
        pair
        for product_id in db.session.scalars(products)
        for pair in services.available_lots(product_id)
    ]


def _processed_lot(
    producer_id: int,
    form: ProcessingForm,
    products: list[Product],
    candidates: dict[str, tuple[Lot, Decimal]],
) -> ResponseReturnValue | None:
    """Run the processing use case from a valid form; None (with errors) to show it again."""
    inputs: list[tuple[Lot, Decimal | None]] = []
    for row in form.inputs:
        if not row.use.data:
            continue
        found = candidates.get(row.lot_id.data or "")
        if found is None:
            form.form_errors.append(_("One of the chosen lots is no longer available."))
            return None
        lot, left = found
        if row.quantity.data is not None and row.quantity.data > left:
            row.quantity.errors.append(_("Only %(left)s left in this lot.", left=left))
            return None
        inputs.append((lot, row.quantity.data))
    code = None
    if form.code.data:
        code = services.normalize_lot_code(form.code.data)
        if code is None:
            form.code.errors.append(_("Use letters, digits, dots and hyphens (at most 20)."))
            return None
    when = _utc(form.local_moment())
    if when is None:
        form.at.errors.append(_("The time cannot be in the future."))
        return None
    product = next(p for p in products if p.id == form.product.data)
    try:
        made = services.create_processed_lot(
            product,
            inputs,
            form.quantity.data,
            when,
            current_user,
            code=code,
            local_day=form.day.data,
            place=form.place.data,
            gln=form.gln.data,
            certificate=form.certificate.data or "",
            certificate_ref=form.certificate_ref.data or "",
        )
    except services.TraceError as error:
        form.form_errors.append(str(error))
        return None
    flash(_("Lot %(code)s made.", code=made.code), "success")
    return redirect(url_for(".lot", producer_id=producer_id, code=made.code))


def _now_defaults() -> dict:
    now = to_user_timezone(utcnow())
    return {"day": now.date(), "at": now.time().replace(second=0, microsecond=0)}


def _utc(local: datetime) -> datetime | None:
    """The local moment in naive UTC, or None when it lies in the future (a typing slip)."""
    moment = to_utc(local)
    return None if moment > utcnow() + CLOCK_SKEW else moment


def _label_content(item: Lot) -> labels.LabelContent:
    return labels.label_content(item, chain.made_by_processing(item.id))


def _size_from_args() -> labels.LabelSize:
    return labels.SIZES.get(request.args.get("size", ""), labels.SIZES[labels.DEFAULT_SIZE])


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'inline; filename="{secure_filename(filename)}"'
    response.headers["Cache-Control"] = "private, no-cache"
    return response
