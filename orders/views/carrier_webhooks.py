"""The carriers' status webhooks, ``/webhooks/carriers/<code>``: verify first, then record.

CSRF-exempt like the payment webhooks. The carrier's module verifies the call (token or
signature) before anything is read: a refusal is a 401 with nothing stored but a log line. An
update for a shipment we never made is a 404 and changes nothing. A verified call is recorded
once per carrier event and applied forward only (``orders.shipments``); repeats answer 200, so
the carrier stops retrying.
"""

import logging

from flask import Blueprint, abort, jsonify, request
from flask.typing import ResponseReturnValue

from orders import carriers, shipments

logger = logging.getLogger(__name__)

bp = Blueprint("carrier_webhooks", __name__, url_prefix="/webhooks/carriers")

MAX_BODY_BYTES = 64 * 1024


@bp.post("/<code>")
def receive(code: str) -> ResponseReturnValue:
    """A carrier's status update for one or more of our shipments."""
    try:
        carrier = carriers.carrier(code)
    except KeyError:
        abort(404)
    if (request.content_length or 0) > MAX_BODY_BYTES:
        return jsonify(success=False, error="body too large"), 413
    body = request.get_data(cache=True)
    if len(body) > MAX_BODY_BYTES:
        return jsonify(success=False, error="body too large"), 413
    try:
        updates = carrier.parse_webhook(carriers.webhook_headers(request), body)
    except carriers.WebhookRefused as error:
        logger.warning("Refused %s webhook from %s: %s", code, request.remote_addr, error)
        return jsonify(success=False, error="unauthorized"), 401
    try:
        received = shipments.receive(carrier, updates)
    except shipments.UnknownShipment as error:
        logger.warning("%s webhook for unknown shipment(s) %s", code, error)
        return jsonify(success=False, error="unknown shipment"), 404
    return jsonify(success=True, recorded=received.recorded, moved=received.moved), 200
