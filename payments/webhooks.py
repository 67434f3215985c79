"""Webhook endpoints of SePay, Casso and Stripe: verify first, then store, then process.

These are the only CSRF-exempt routes. A request that fails verification gets 401 and nothing
is stored; a verified one gets ``{"success": true}`` whatever it comes to (unmatched credits
wait for a manager), so providers do not retry it forever.
"""

import json
import logging
import time

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from payments import bank_notifications, stripe_events, stripe_gateway
from payments.bank_providers import (
    PayloadError,
    VerificationError,
    parse_casso,
    parse_sepay,
    verify_casso,
    verify_sepay,
)

logger = logging.getLogger(__name__)

bp = Blueprint("payment_webhooks", __name__, url_prefix="/webhooks")

MAX_BODY_BYTES = 64 * 1024
CLOCK_EXTENSION = "payments_clock"
KEPT_HEADERS = ("Content-Type", "User-Agent", "X-Casso-Signature", "X-Forwarded-For")


def now() -> float:
    """Unix time; tests replace the clock through ``app.extensions``."""
    return current_app.extensions.get(CLOCK_EXTENSION, time.time)()


@bp.post("/sepay")
def sepay() -> ResponseReturnValue:
    """A SePay transaction, authenticated by ``Authorization: Apikey <KEY>``."""
    body = _body()
    if isinstance(body, tuple):
        return body
    try:
        verify_sepay(request.headers.get("Authorization"), current_app.config["SEPAY_API_KEY"])
    except VerificationError as error:
        logger.warning("Rejected SePay webhook from %s: %s", request.remote_addr, error)
        return _answer(401, "unauthorized")
    try:
        tx = parse_sepay(json.loads(body))
    except (ValueError, PayloadError) as error:
        return _answer(400, str(error))
    bank_notifications.receive(tx, body, _kept_headers())
    return _answer(200)


@bp.post("/casso")
def casso() -> ResponseReturnValue:
    """A Casso v2 transaction, signed in ``X-Casso-Signature``."""
    body = _body()
    if isinstance(body, tuple):
        return body
    try:
        data = verify_casso(
            body,
            request.headers.get("X-Casso-Signature"),
            current_app.config["CASSO_CHECKSUM_KEY"],
            now(),
        )
    except VerificationError as error:
        logger.warning("Rejected Casso webhook from %s: %s", request.remote_addr, error)
        return _answer(401, "unauthorized")
    try:
        tx = parse_casso(data)
    except PayloadError as error:
        return _answer(400, str(error))
    bank_notifications.receive(tx, body, _kept_headers())
    return _answer(200)


@bp.post("/stripe")
def stripe_webhook() -> ResponseReturnValue:
    """A Stripe event, verified with ``Stripe-Signature`` by Stripe's own library."""
    body = _body()
    if isinstance(body, tuple):
        return body
    try:
        stripe_gateway.verify_webhook(body, request.headers.get("Stripe-Signature"))
    except stripe_gateway.WebhookRejected as error:
        logger.warning("Rejected Stripe webhook from %s: %s", request.remote_addr, error)
        return _answer(401, "unauthorized")
    try:
        stripe_events.receive(body)
    except stripe_events.EventPayloadError as error:
        return _answer(400, str(error))
    return _answer(200)


def _body() -> str | tuple:
    """The request body as text, or the error answer for one too large or not UTF-8."""
    if (request.content_length or 0) > MAX_BODY_BYTES:
        return _answer(413, "body too large")
    body = request.get_data(cache=True)
    if len(body) > MAX_BODY_BYTES:
        return _answer(413, "body too large")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return _answer(400, "body is not UTF-8")


def _kept_headers() -> dict[str, str]:
    kept = {name: request.headers[name] for name in KEPT_HEADERS if name in request.headers}
    kept["Remote-Addr"] = request.remote_addr or ""
    return kept


def _answer(status: int, error: str | None = None) -> ResponseReturnValue:
    if error is None:
        return jsonify(success=True), status
    return jsonify(success=False, error=error), status
