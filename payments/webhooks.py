"""Webhook endpoints of SePay, Casso and Stripe: verify first, then store, then process.

These are the only CSRF-exempt routes. A request that fails verification gets 401 and nothing
is stored; a malformed header or body is a 4xx, never a 5xx. A verified one gets
``{"success": true}`` whatever it comes to, so providers do not retry it forever: unmatched
credits wait for a manager, and a bank notification whose body cannot be read at all is kept
byte for byte for a manager too (``payments.unreadable_notifications``).
"""

import logging
import time

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from payments import bank_notifications, stripe_events, stripe_gateway, unreadable_notifications
from payments.bank_providers import (
    PayloadError,
    VerificationError,
    parse_casso,
    parse_sepay,
    read_json,
    verify_casso,
    verify_sepay,
)
from payments.models import BankProvider

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
    if _too_large():
        return _answer(413, "body too large")
    try:
        verify_sepay(request.headers.get("Authorization"), current_app.config["SEPAY_API_KEY"])
    except VerificationError as error:
        logger.warning("Rejected SePay webhook from %s: %s", request.remote_addr, error)
        return _answer(401, "unauthorized")
    raw = request.get_data(cache=True)
    try:
        body = _text(raw)
        tx = parse_sepay(read_json(body))
    except PayloadError as error:
        return _keep_unreadable(BankProvider.SEPAY, raw, _english(error))
    bank_notifications.receive(tx, body, _kept_headers())
    return _answer(200)


@bp.post("/casso")
def casso() -> ResponseReturnValue:
    """A Casso v2 transaction, signed in ``X-Casso-Signature``."""
    if _too_large():
        return _answer(413, "body too large")
    raw = request.get_data(cache=True)
    try:
        body = _text(raw)
    except PayloadError as error:  # a signature over a body we cannot read proves nothing
        return _answer(400, _english(error))
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
        return _keep_unreadable(BankProvider.CASSO, raw, _english(error))
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


def _too_large() -> bool:
    """Whether the body is over the limit (by its declared length, then by what came)."""
    if (request.content_length or 0) > MAX_BODY_BYTES:
        return True
    return len(request.get_data(cache=True)) > MAX_BODY_BYTES


def _text(raw: bytes) -> str:
    """The body as text."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise PayloadError(_l("The body is not UTF-8.")) from None


def _body() -> str | tuple:
    """The request body as text, or the error answer for one too large or not UTF-8."""
    if _too_large():
        return _answer(413, "body too large")
    try:
        return _text(request.get_data(cache=True))
    except PayloadError as error:
        return _answer(400, _english(error))


def _english(error: PayloadError) -> str:
    """The error's message in English: what providers get back, and what is stored (the
    reconciliation page translates it)."""
    with force_locale("en"):
        return str(error)


def _keep_unreadable(provider: BankProvider, raw: bytes, reason: str) -> ResponseReturnValue:
    """Store an authenticated body we cannot read for a manager, and stop the retries."""
    unreadable_notifications.keep(provider, raw, _kept_headers(), reason)
    return _answer(200)


def _kept_headers() -> dict[str, str]:
    kept = {name: request.headers[name] for name in KEPT_HEADERS if name in request.headers}
    kept["Remote-Addr"] = request.remote_addr or ""
    return kept


def _answer(status: int, error: str | None = None) -> ResponseReturnValue:
    if error is None:
        return jsonify(success=True), status
    return jsonify(success=False, error=error), status
