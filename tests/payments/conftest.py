"""Payments fixtures: a fake payment target, producers, signed webhooks, an offline Stripe, and
real orders of the two-producer shop placed over HTTP (``place``)."""

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
import sqlalchemy as sa
import stripe
from flask import Flask
from flask.testing import FlaskClient

from market import registry
from market.extensions import db
from orders.models import Order
from payments.stripe_gateway import HTTP_CLIENT_EXTENSION
from payments.targets import (
    BankAccount,
    DueState,
    PartDue,
    PaymentDue,
    PaymentStatus,
)
from payments.webhooks import CLOCK_EXTENSION
from tests import factories
from tests.orders.conftest import Shop, shop  # noqa: F401  (the two-producer shop fixture)
from tests.orders.helpers import add_to_cart, checkout

SEPAY_KEY = "sepay-test-key-1234567890"
CASSO_KEY = "mgExMrjj4i7a1p8Cs6LmFbpCd8lbw4sSX4LZXPag7TKazeIogtR90tvWYTkwQbvs"
STRIPE_SECRET = "sk_test_offline"
WEBHOOK_SECRET = "whsec_test_offline"
COLLECTION = BankAccount("970436", "1023456789", "HTX CHO QUE")


def with_payment_keys(config: dict) -> dict:
    """A test configuration with payments keys and a known collection account."""
    return {
        **config,
        "SEPAY_API_KEY": SEPAY_KEY,
        "CASSO_CHECKSUM_KEY": CASSO_KEY,
        "STRIPE_SECRET_KEY": "",
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "COLLECTION_BANK_BIN": COLLECTION.bank_bin,
        "COLLECTION_ACCOUNT": COLLECTION.number,
        "COLLECTION_HOLDER": COLLECTION.holder,
        "PAYMENT_CODE_PREFIX": "CQ",
    }


@pytest.fixture
def app_config(app_config: dict) -> dict:
    """The shared test configuration with payments keys and a known collection account."""
    return with_payment_keys(app_config)


@pytest.fixture
def place(app: Flask, client: FlaskClient, shop: Shop) -> Callable[..., str]:  # noqa: F811
    """Place an order over HTTP with tea (producer A) and oranges (producer B); its code."""

    def place_order(payment_method: str = "bank_transfer", tea: int = 1, orange: int = 2) -> str:
        add_to_cart(client, shop.tea, tea)
        add_to_cart(client, shop.orange, orange)
        response = checkout(client, payment_method=payment_method)
        assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
        with app.app_context():
            code = db.session.scalars(sa.select(Order.code).order_by(Order.id.desc())).first()
        assert code is not None
        return code

    return place_order


@dataclass
class FakeTarget:
    """An in-memory payment target standing in for orders; records every callback."""

    dues: dict[str, PaymentDue] = field(default_factory=dict)
    changes: list[tuple[str, PaymentStatus]] = field(default_factory=list)
    reopenable: set[str] = field(default_factory=set)
    reopen_calls: list[str] = field(default_factory=list)

    def add(
        self,
        code: str,
        amount: int,
        producers: list[int] | None = None,
        state: DueState = DueState.OPEN,
        **fields: Any,
    ) -> PaymentDue:
        """A code expecting ``amount``, split evenly over ``producers`` (one part each)."""
        producers = producers or []
        parts = tuple(
            PartDue(
                f"{code}-{n}", pid, amount // len(producers) + (n == 1) * (amount % len(producers))
            )
            for n, pid in enumerate(producers, start=1)
        )
        due = PaymentDue(
            code=code,
            amount=amount,
            parts=parts,
            state=state,
            description=fields.pop("description", f"Đơn hàng {code}"),
            **fields,
        )
        self.dues[code] = due
        return due

    def due(self, code: str) -> PaymentDue | None:
        return self.dues.get(code)

    def reopen(self, code: str) -> bool:
        self.reopen_calls.append(code)
        if code not in self.reopenable:
            return False
        self.dues[code] = replace(self.dues[code], state=DueState.OPEN)
        return True

    def payment_changed(self, code: str, status: PaymentStatus) -> None:
        self.changes.append((code, status))

    def last(self, code: str) -> PaymentStatus:
        """The last state payments told us about ``code``."""
        return [status for changed, status in self.changes if changed == code][-1]


@pytest.fixture
def target(app: Flask) -> FakeTarget:
    """A fake target answering for ``order`` codes."""
    fake = FakeTarget()
    registry.PAYMENT_TARGETS.add(app, "order", registry.PaymentTargetEntry(fake))
    return fake


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    """An application context for calling services directly."""
    with app.app_context():
        yield


@pytest.fixture
def producers(app: Flask) -> list[int]:
    """Two verified producers' ids."""
    with app.app_context():
        return [factories.producer().id, factories.producer().id]


def sepay_body(
    tx_id: int, amount: int, content: str, account: str = COLLECTION.number, **fields: Any
) -> dict[str, Any]:
    """A SePay transaction body shaped like the published example."""
    return {
        "id": tx_id,
        "gateway": "Vietcombank",
        "transactionDate": "2026-11-24 14:02:37",
        "accountNumber": account,
        "code": None,
        "content": content,
        "transferType": "in",
        "transferAmount": amount,
        "accumulated": 19_077_000,
        "subAccount": None,
        "referenceCode": f"MBVCB.{tx_id}",
        "description": f"BankAPINotify {content}",
        **fields,
    }


def post_sepay(client: FlaskClient, body: dict[str, Any], key: str = SEPAY_KEY) -> Any:
    """POST a SePay notification with its API key."""
    return client.post("/webhooks/sepay", json=body, headers={"Authorization": f"Apikey {key}"})


def casso_body(tx_id: int, amount: int, description: str, **fields: Any) -> dict[str, Any]:
    """A Casso v2 body shaped like the published example."""
    return {
        "error": 0,
        "data": {
            "id": tx_id,
            "reference": f"FT{tx_id}",
            "description": description,
            "amount": amount,
            "runningBalance": 25_000_000,
            "transactionDateTime": "2026-11-24 15:06:37",
            "accountNumber": fields.pop("accountNumber", COLLECTION.number),
            "bankName": "Vietcombank",
            "bankAbbreviation": "VCB",
            "virtualAccountNumber": "",
            "virtualAccountName": "",
            "counterAccountName": "NGUYEN VAN A",
            "counterAccountNumber": "8888888888",
            "counterAccountBankId": "970415",
            "counterAccountBankName": "VietinBank",
            **fields,
        },
    }


def casso_header(body: dict[str, Any], timestamp_ms: int, key: str = CASSO_KEY) -> str:
    """``X-Casso-Signature`` for ``body`` computed independently of the app's code."""
    import hashlib
    import hmac

    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hmac.new(key.encode(), f"{timestamp_ms}.{canonical}".encode(), hashlib.sha512)
    return f"t={timestamp_ms},v1={digest.hexdigest()}"


@pytest.fixture
def clock(app: Flask) -> Callable[[float], None]:
    """Set the time the Casso webhook sees; starts at a fixed moment."""
    now = {"value": 1_764_000_000.0}
    app.extensions[CLOCK_EXTENSION] = lambda: now["value"]

    def set_time(value: float) -> None:
        now["value"] = value

    return set_time


def post_casso(client: FlaskClient, body: dict[str, Any], timestamp_ms: int, **kw: Any) -> Any:
    """POST a Casso notification signed at ``timestamp_ms``."""
    raw = json.dumps(body, ensure_ascii=False)
    return client.post(
        "/webhooks/casso",
        data=raw.encode(),
        content_type="application/json",
        headers={"X-Casso-Signature": kw.get("header") or casso_header(body, timestamp_ms)},
    )


class FakeStripe(stripe.HTTPClient):
    """Stripe's HTTP layer, offline: answers recorded-shape JSON and keeps what was sent."""

    name = "fake"

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[dict[str, Any]] = []
        self.fail_next: int | None = None
        self.refund_status = "succeeded"  # what a new refund is, as Stripe answers it
        self.during_refund: Callable[[dict[str, Any]], None] | None = None

    def request(
        self, method: str, url: str, headers: Any, post_data: Any = None, *, _usage: Any = None
    ) -> tuple[str, int, dict[str, str]]:
        from urllib.parse import parse_qsl

        form = dict(parse_qsl(post_data or ""))
        self.requests.append({"method": method, "url": url, "headers": dict(headers), "form": form})
        if self.fail_next is not None:
            status, self.fail_next = self.fail_next, None
            error = {"error": {"type": "api_error", "message": "Stripe is down"}}
            return json.dumps(error), status, {}
        n = len(self.requests)
        if url.endswith("/v1/checkout/sessions"):
            body = {
                "id": f"cs_test_{n}",
                "object": "checkout.session",
                "url": f"https://checkout.stripe.com/c/pay/cs_test_{n}",
                "amount_total": int(form["line_items[0][price_data][unit_amount]"]),
                "currency": "vnd",
                "client_reference_id": form.get("client_reference_id"),
                "payment_status": "unpaid",
                "status": "open",
                "payment_intent": None,
            }
        elif url.endswith("/v1/refunds"):
            body = refund_object(
                f"re_test_{n}",
                form["payment_intent"],
                int(form["amount"]),
                self.refund_status,
                form.get("metadata[ledger_line]"),
            )
            if self.during_refund is not None:
                self.during_refund(body)  # e.g. Stripe's webhook overtaking the API's answer
        else:
            return json.dumps({"error": {"type": "invalid_request_error"}}), 404, {}
        return json.dumps(body), 200, {"request-id": f"req_{n}"}

    def close(self) -> None:
        return None

    def sent(self, path: str) -> list[dict[str, Any]]:
        """The requests sent to ``path``."""
        return [r for r in self.requests if r["url"].endswith(path)]


@pytest.fixture
def fake_stripe(app: Flask) -> FakeStripe:
    """Card payments switched on, every Stripe call answered offline."""
    fake = FakeStripe()
    app.config["STRIPE_SECRET_KEY"] = STRIPE_SECRET
    app.extensions[HTTP_CLIENT_EXTENSION] = fake
    return fake


def stripe_event(event_id: str, event_type: str, obj: dict[str, Any]) -> str:
    """A Stripe event body as Stripe sends it."""
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "api_version": "2026-10-28.endive",
            "created": int(time.time()),
            "type": event_type,
            "livemode": False,
            "pending_webhooks": 1,
            "data": {"object": obj},
        }
    )


def post_stripe(
    client: FlaskClient,
    payload: str,
    secret: str = WEBHOOK_SECRET,
    timestamp: int | None = None,
    header: str | None = None,
) -> Any:
    """POST a Stripe event signed the way Stripe signs it."""
    signature = (
        header
        if header is not None
        else stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp=timestamp)
    )
    return client.post(
        "/webhooks/stripe",
        data=payload.encode(),
        content_type="application/json",
        headers={"Stripe-Signature": signature},
    )


def paid_session(session_id: str, code: str, amount: int, intent: str, **fields: Any) -> dict:
    """A completed Checkout Session object."""
    return {
        "id": session_id,
        "object": "checkout.session",
        "amount_total": amount,
        "currency": "vnd",
        "client_reference_id": code,
        "metadata": {"payment_code": code},
        "payment_intent": intent,
        "payment_status": "paid",
        "status": "complete",
        **fields,
    }


def refunded_charge(charge_id: str, intent: str, amount: int, refunded: int) -> dict:
    """A charge.refunded object with Stripe's running refunded total."""
    return {
        "id": charge_id,
        "object": "charge",
        "amount": amount,
        "amount_refunded": refunded,
        "currency": "vnd",
        "payment_intent": intent,
        "refunded": refunded >= amount,
    }


def refund_object(
    refund_id: str, intent: str, amount: int, status: str, line: str | int | None = None
) -> dict[str, Any]:
    """A Refund object as Stripe returns it and sends it in refund events."""
    return {
        "id": refund_id,
        "object": "refund",
        "amount": amount,
        "charge": "ch_1",
        "currency": "vnd",
        "metadata": {"ledger_line": str(line)} if line is not None else {},
        "payment_intent": intent,
        "reason": None,
        "status": status,
        "failure_reason": "expired_or_canceled_card" if status == "failed" else None,
    }


def ledger_rows(app: Flask, **where: Any) -> list:
    """Ledger lines matching column values, oldest first."""
    import sqlalchemy as sa

    from payments.models import LedgerEntry

    with app.app_context():
        query = sa.select(LedgerEntry).order_by(LedgerEntry.id)
        for column, value in where.items():
            query = query.where(getattr(LedgerEntry, column) == value)
        rows = db.session.scalars(query).all()
        db.session.expunge_all()
        return rows


def token(app: Flask, code: str) -> str:
    """The signed token the payment routes take for ``code``."""
    from payments.views import payment_token

    with app.app_context():
        return payment_token(code)
