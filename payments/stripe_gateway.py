"""Every call to Stripe, in one module: Checkout Sessions, refunds and webhook verification.

Amounts are VND, a zero-decimal currency: Stripe takes whole đồng as they are. Each call carries
an idempotency key, so a retried request never charges or refunds twice. Stripe's errors become
``ProviderError``. Tests plug a fake ``stripe.HTTPClient`` in via ``app.extensions``.
"""

import logging
from dataclasses import dataclass

import stripe
from flask import current_app

from payments.errors import MethodUnavailable, ProviderError

logger = logging.getLogger(__name__)

HTTP_CLIENT_EXTENSION = "stripe_http_client"
CHECKOUT_LOCALES = ("vi", "en")
# Our ledger line's id, sent with a refund: Stripe echoes it in every refund event, so an event
# finds its line even before the API call that made the refund has returned.
REFUND_LINE_KEY = "ledger_line"


class WebhookRejected(Exception):
    """A Stripe webhook whose signature, timestamp or body is not valid."""


@dataclass(frozen=True)
class CheckoutSession:
    """A Checkout Session to send the shopper to."""

    id: str
    url: str


@dataclass(frozen=True)
class Refund:
    """A refund as Stripe accepted it (``pending``, ``succeeded``; later it may fail)."""

    id: str
    status: str


def card_payments_enabled() -> bool:
    """Card payments are offered only when a Stripe secret key is configured."""
    return bool(current_app.config.get("STRIPE_SECRET_KEY"))


def _client() -> stripe.StripeClient:
    key = current_app.config.get("STRIPE_SECRET_KEY")
    if not key:
        raise MethodUnavailable()
    return stripe.StripeClient(
        key,
        http_client=current_app.extensions.get(HTTP_CLIENT_EXTENSION),
        max_network_retries=2,
    )


def create_checkout_session(
    *,
    code: str,
    amount: int,
    description: str,
    success_url: str,
    cancel_url: str,
    idempotency_key: str,
    locale: str = "vi",
) -> CheckoutSession:
    """Open a Checkout Session for ``amount`` đồng, referenced by the payment code."""
    params = {
        "mode": "payment",
        "client_reference_id": code,
        "line_items": [
            {
                "price_data": {
                    "currency": "vnd",
                    "unit_amount": amount,
                    "product_data": {"name": description or code},
                },
                "quantity": 1,
            }
        ],
        "metadata": {"payment_code": code},
        "payment_intent_data": {"metadata": {"payment_code": code}},
        "success_url": success_url,
        "cancel_url": cancel_url,
        "locale": locale if locale in CHECKOUT_LOCALES else "auto",
    }
    try:
        session = _client().v1.checkout.sessions.create(
            params=params, options={"idempotency_key": idempotency_key}
        )
    except stripe.StripeError as error:
        logger.warning("Stripe refused a Checkout Session for %s: %s", code, error)
        raise ProviderError() from error
    return CheckoutSession(id=session.id, url=session.url or "")


def create_refund(
    *, payment_intent: str, amount: int, idempotency_key: str, ledger_line: int
) -> Refund:
    """Refund ``amount`` đồng of a card payment; the refund carries our ledger line's id."""
    try:
        refund = _client().v1.refunds.create(
            params={
                "payment_intent": payment_intent,
                "amount": amount,
                "metadata": {REFUND_LINE_KEY: str(ledger_line)},
            },
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as error:
        logger.warning("Stripe refused a refund of %s on %s: %s", amount, payment_intent, error)
        raise ProviderError() from error
    return Refund(id=refund.id, status=refund.status or "pending")


def verify_webhook(payload: str, signature: str | None) -> None:
    """Check ``Stripe-Signature`` (and its 5-minute tolerance) with Stripe's own code."""
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret:
        raise WebhookRejected("STRIPE_WEBHOOK_SECRET is not configured.")
    try:
        stripe.Webhook.construct_event(payload, signature, secret)
    except (stripe.SignatureVerificationError, ValueError) as error:
        raise WebhookRejected(str(error)) from error
