"""The public lot page, at its short URL and at its GS1 Digital Link path."""

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from catalog.gs1 import normalize_gtin
from catalog.models import Lot, ProducerStatus
from catalog.permissions import producer_access
from catalog.trace import chain, links
from catalog.trace.forms import BIZ_STEPS, EVENT_TYPES
from catalog.trace.sketch import location_sketch
from market.errors import render_error
from market.i18n import local_today

bp = Blueprint("trace", __name__)


@bp.get("/t/<code>")
def lot(code: str) -> ResponseReturnValue:
    """A lot's traceability page at its short, stable URL."""
    return _lot_page(visible_lot(code))


@bp.get("/01/<gtin>/10/<code>")
def digital_link(gtin: str, code: str) -> ResponseReturnValue:
    """The same page at the GS1 Digital Link path a label's QR code carries."""
    normalized = normalize_gtin(gtin)
    if normalized is None:
        return render_error(
            404,
            _(
                "%(gtin)s is not a valid GTIN: a GTIN has 8, 12, 13 or 14 digits and its last "
                "digit is a check digit. Check the number under the barcode.",
                gtin=gtin,
            ),
        )
    item = visible_lot(code)
    if item.product.gtin != normalized:
        return render_error(
            404,
            _(
                "Lot %(code)s is not a lot of the product with GTIN %(gtin)s.",
                code=item.code,
                gtin=normalized,
            ),
        )
    return _lot_page(item)


def visible_lot(code: str) -> Lot:
    """The lot if anyone may see it: its producer was verified once (or you work for it)."""
    item = chain.find_lot(code)
    if item is None:
        abort(404)
    producer = item.product.producer
    if producer.status == ProducerStatus.PENDING and not producer_access(current_user, producer.id):
        abort(404)
    return item


def _lot_page(item: Lot) -> ResponseReturnValue:
    producer = item.product.producer
    insider = producer_access(current_user, producer.id) is not None
    if request.method == "GET" and not insider:
        chain.count_scan(item.id)
    trace = chain.lot_trace(item, local_today())
    area = trace.growing_area
    response = render_template(
        "trace/lot.html",
        trace=trace,
        lot=item,
        product=item.product,
        producer=producer,
        area=area,
        sketch=location_sketch(area.latitude, area.longitude) if area else None,
        today=local_today(),
        short_url=links.short_url(item),
        digital_link=links.digital_link(item),
        event_types=EVENT_TYPES,
        biz_steps=BIZ_STEPS,
        preview=producer.status == ProducerStatus.PENDING,
    )
    # A recall must show at once: caches revalidate every time.
    return response, 200, {"Cache-Control": "no-cache"}
