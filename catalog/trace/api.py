"""The lot API: a lot's summary as JSON and its chain as an EPCIS 2.0 document."""

from flask import Blueprint, Response, current_app, jsonify
from flask.typing import ResponseReturnValue

from catalog.models import Lot
from catalog.trace import chain, links
from catalog.trace.epcis import MEDIA_TYPE, epcis_document, local_iso
from catalog.trace.public import visible_lot
from market.i18n import local_today

bp = Blueprint("trace_api", __name__, url_prefix="/api/v1/lots")


@bp.get("/<code>")
def lot(code: str) -> ResponseReturnValue:
    """A lot's origin, standing and chain of events as plain JSON."""
    item = visible_lot(code)
    return jsonify(lot_summary(chain.lot_trace(item, local_today())))


@bp.get("/<code>/epcis")
def epcis(code: str) -> ResponseReturnValue:
    """The lot's chain of events as an EPCIS 2.0 JSON-LD document."""
    item = visible_lot(code)
    document = epcis_document(chain.lot_trace(item, local_today()))
    return Response(
        current_app.json.dumps(document),
        mimetype=MEDIA_TYPE,
        headers={"Cache-Control": "no-cache"},
    )


def lot_summary(trace: chain.LotTrace) -> dict:
    """The JSON shape of ``GET /api/v1/lots/{code}`` (schema ``Lot`` in openapi.py)."""
    item: Lot = trace.lot
    product, producer, area = item.product, item.product.producer, trace.growing_area
    recognition = trace.recognition
    today = local_today()
    return {
        "code": item.code,
        "url": links.short_url(item),
        "digitalLink": links.digital_link(item),
        "product": {"name": product.name, "gtin": product.gtin, "unit": product.unit},
        "producer": {"name": producer.name, "verified": producer.is_verified},
        "harvestDate": item.harvest_date.isoformat(),
        "producedByProcessing": trace.made_by_processing,
        "quantity": str(item.quantity),
        "growingArea": None
        if area is None
        else {
            "code": area.code,
            "status": area.status.value,
            "valid": area.is_valid,
            "crop": area.crop,
            "certification": area.certification.value if area.certification else None,
            "latitude": float(area.latitude) if area.latitude is not None else None,
            "longitude": float(area.longitude) if area.longitude is not None else None,
        },
        "ocop": None
        if recognition is None
        else {
            "stars": recognition.stars,
            "decision": recognition.decision_number,
            "validUntil": recognition.valid_until.isoformat(),
            "valid": recognition.is_valid(today),
        },
        "recalled": trace.is_recalled,
        "recall": None
        if trace.recall is None
        else {"reason": trace.recall.reason, "recalledAt": local_iso(trace.recall.recalled_at)},
        "madeFrom": [lot.code for lot in trace.inputs],
        "events": [
            {
                "lot": event.lot.code,
                "type": event.type.value,
                "time": local_iso(event.occurred_at),
                "place": event.place,
                "bizStep": event.biz_step.value,
                "certificate": event.certificate or None,
            }
            for event in trace.events
        ],
    }
