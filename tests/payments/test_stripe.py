"""Card payments through Stripe, fully offline: Checkout in VND, refunds, signed webhooks."""

import time

import pytest
import stripe
from flask import Flask
from flask.testing import FlaskClient

from payments import stripe_gateway
from payments.errors import MethodUnavailable, ProviderError
from payments.methods import ReturnUrls, available_methods
from payments.models import EntryKind, EntryStatus, Outcome, PaymentMethod, StripeEventStatus
from payments.refunds import refund_part, refund_payment
from payments.services import start_payment
from payments.targets import PayState
from tests.payments.conftest import (
    FakeStripe,
    FakeTarget,
    ledger_rows,
    paid_session,
    post_stripe,
    refunded_charge,
    stripe_event,
    token,
)

URLS = ReturnUrls("https://choque.vn/ok", "https://choque.vn/huy", "vi")


def test_without_a_secret_key_card_payments_are_not_offered(
    app: Flask, client: FlaskClient, target: FakeTarget, ctx: None
) -> None:
    target.add("CQ7K3F9A", 150_000)
    assert not stripe_gateway.card_payments_enabled()
    assert PaymentMethod.CARD not in available_methods()
    with pytest.raises(MethodUnavailable):
        start_payment("CQ7K3F9A", PaymentMethod.CARD, URLS)
    page = client.get(f"/thanh-toan/{token(app, 'CQ7K3F9A')}").get_data(as_text=True)
    assert "/the" not in page


def test_checkout_is_created_in_vnd_with_the_code_and_an_idempotency_key(
    app: Flask, target: FakeTarget, fake_stripe: FakeStripe, ctx: None
) -> None:
    target.add("CQ7K3F9A", 150_000)
    assert PaymentMethod.CARD in available_methods()
    started = start_payment("CQ7K3F9A", PaymentMethod.CARD, URLS)
    assert started.redirect_url == "https://checkout.stripe.com/c/pay/cs_test_1"
    [sent] = fake_stripe.sent("/v1/checkout/sessions")
    form, headers = sent["form"], sent["headers"]
    assert form["line_items[0][price_data][currency]"] == "vnd"
    assert form["line_items[0][price_data][unit_amount]"] == "150000"
    assert form["line_items[0][quantity]"] == "1"
    assert form["client_reference_id"] == "CQ7K3F9A"
    assert form["metadata[payment_code]"] == "CQ7K3F9A"
    assert form["mode"] == "payment"
    assert form["success_url"] == URLS.success and form["cancel_url"] == URLS.cancel
    assert form["locale"] == "vi"
    assert headers["Authorization"] == "Bearer sk_test_offline"
    [attempt] = ledger_rows(app, kind=EntryKind.ATTEMPT)
    assert headers["Idempotency-Key"] == f"checkout-CQ7K3F9A-{attempt.id}"
    assert (attempt.reference, attempt.status, attempt.amount) == (
        "cs_test_1",
        EntryStatus.DONE,
        150_000,
    )


def test_each_attempt_has_its_own_idempotency_key_and_asks_only_what_remains(
    app: Flask, client: FlaskClient, target: FakeTarget, fake_stripe: FakeStripe, ctx: None
) -> None:
    from tests.payments.conftest import post_sepay, sepay_body

    target.add("CQ7K3F9A", 150_000)
    start_payment("CQ7K3F9A", PaymentMethod.CARD, URLS)
    post_sepay(client, sepay_body(1, 100_000, "CQ7K3F9A"))
    start_payment("CQ7K3F9A", PaymentMethod.CARD, URLS)
    first, second = fake_stripe.sent("/v1/checkout/sessions")
    assert first["headers"]["Idempotency-Key"] != second["headers"]["Idempotency-Key"]
    assert second["form"]["line_items[0][price_data][unit_amount]"] == "50000"


def test_a_stripe_failure_is_a_clear_error_and_the_attempt_is_marked_failed(
    app: Flask, target: FakeTarget, fake_stripe: FakeStripe, ctx: None
) -> None:
    target.add("CQ7K3F9A", 150_000)
    fake_stripe.fail_next = 400
    with pytest.raises(ProviderError):
        start_payment("CQ7K3F9A", PaymentMethod.CARD, URLS)
    [attempt] = ledger_rows(app, kind=EntryKind.ATTEMPT)
    assert attempt.status == EntryStatus.FAILED


def test_the_card_button_redirects_to_stripe_checkout(
    app: Flask, client: FlaskClient, target: FakeTarget, fake_stripe: FakeStripe
) -> None:
    target.add("CQ7K3F9A", 150_000)
    signed = token(app, "CQ7K3F9A")
    response = client.post(f"/thanh-toan/{signed}/the")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("https://checkout.stripe.com/")
    form = fake_stripe.sent("/v1/checkout/sessions")[0]["form"]
    assert form["success_url"].endswith(f"/thanh-toan/{signed}?the=xong")


def test_the_card_button_on_a_paid_code_explains_instead_of_charging(
    app: Flask, client: FlaskClient, target: FakeTarget, fake_stripe: FakeStripe
) -> None:
    from tests.payments.conftest import post_sepay, sepay_body

    target.add("CQ7K3F9A", 150_000)
    post_sepay(client, sepay_body(1, 150_000, "CQ7K3F9A"))
    response = client.post(f"/thanh-toan/{token(app, 'CQ7K3F9A')}/the", follow_redirects=True)
    assert "Khoản thanh toán này không còn mở" in response.get_data(as_text=True)
    assert fake_stripe.sent("/v1/checkout/sessions") == []


def test_the_content_security_policy_lets_forms_post_on_to_stripe_checkout(
    client: FlaskClient,
) -> None:
    csp = client.get("/").headers["Content-Security-Policy"]
    assert "form-action 'self' https://checkout.stripe.com" in csp


# --- Webhook verification --------------------------------------------------------------------


def completed(event_id: str = "evt_1", amount: int = 150_000, **fields) -> str:
    session = paid_session("cs_test_1", "CQ7K3F9A", amount, "pi_1", **fields)
    return stripe_event(event_id, "checkout.session.completed", session)


@pytest.mark.parametrize(
    "signing",
    [
        {"secret": "whsec_wrong"},
        {"header": "t=123,v1=deadbeef"},
        {"header": "garbage"},
        {"header": ""},
        {"timestamp": int(time.time()) - 301},
    ],
    ids=["wrong-secret", "wrong-signature", "malformed", "missing", "stale"],
)
def test_a_stripe_event_not_signed_with_our_secret_or_too_old_gets_401(
    app: Flask, client: FlaskClient, target: FakeTarget, signing: dict
) -> None:
    target.add("CQ7K3F9A", 150_000)
    assert post_stripe(client, completed(), **signing).status_code == 401
    assert ledger_rows(app) == []
    assert target.changes == []


def test_a_stripe_event_whose_body_was_changed_after_signing_gets_401(
    app: Flask, client: FlaskClient, target: FakeTarget
) -> None:
    target.add("CQ7K3F9A", 150_000)
    header = stripe.WebhookSignature.generate_signature_header(completed(), "whsec_test_offline")
    assert post_stripe(client, completed(amount=1), header=header).status_code == 401


def test_stripe_events_are_refused_when_no_webhook_secret_is_configured(
    app: Flask, client: FlaskClient, target: FakeTarget
) -> None:
    app.config["STRIPE_WEBHOOK_SECRET"] = ""
    assert post_stripe(client, completed()).status_code == 401


def test_a_signed_body_that_is_not_an_event_gets_400(
    app: Flask, client: FlaskClient, target: FakeTarget
) -> None:
    assert post_stripe(client, '{"hello": "world"}').status_code == 400


# --- Webhook handling ------------------------------------------------------------------------


def test_a_completed_checkout_pays_the_code(
    app: Flask, client: FlaskClient, target: FakeTarget, producers: list[int]
) -> None:
    target.add("CQ7K3F9A", 150_000, producers)
    response = post_stripe(client, completed())
    assert response.status_code == 200 and response.json == {"success": True}
    [payment] = ledger_rows(app, kind=EntryKind.PAYMENT)
    assert (payment.method, payment.amount, payment.reference, payment.outcome) == (
        PaymentMethod.CARD,
        150_000,
        "pi_1",
        Outcome.EXACT,
    )
    assert target.last("CQ7K3F9A").parts_paid == {"CQ7K3F9A-1", "CQ7K3F9A-2"}


def test_a_replayed_event_changes_nothing(
    app: Flask, client: FlaskClient, target: FakeTarget
) -> None:
    target.add("CQ7K3F9A", 150_000)
    for _ in range(3):
        assert post_stripe(client, completed()).status_code == 200
    assert len(ledger_rows(app, kind=EntryKind.PAYMENT)) == 1
    assert len(target.changes) == 1


def test_completed_and_async_succeeded_for_one_session_credit_once_in_either_order(
    app: Flask, client: FlaskClient, target: FakeTarget
) -> None:
    target.add("CQ7K3F9A", 150_000)
    session = paid_session("cs_test_1", "CQ7K3F9A", 150_000, "pi_1")
    post_stripe(client, stripe_event("evt_2", "checkout.session.async_payment_succeeded", session))
    post_stripe(client, stripe_event("evt_1", "checkout.session.completed", session))
    assert len(ledger_rows(app, kind=EntryKind.PAYMENT)) == 1
    assert target.last("CQ7K3F9A").state == PayState.PAID


def test_an_asynchronous_payment_is_credited_only_when_it_succeeds(
    app: Flask, client: FlaskClient, target: FakeTarget
) -> None:
    target.add("CQ7K3F9A", 150_000)
    pending = paid_session("cs_test_1", "CQ7K3F9A", 150_000, "pi_1", payment_status="unpaid")
    post_stripe(client, stripe_event("evt_1", "checkout.session.completed", pending))
    assert ledger_rows(app, kind=EntryKind.PAYMENT) == []
    paid = paid_session("cs_test_1", "CQ7K3F9A", 150_000, "pi_1")
    post_stripe(client, stripe_event("evt_2", "checkout.session.async_payment_succeeded", paid))
    assert target.last("CQ7K3F9A").state == PayState.PAID


def test_a_failed_asynchronous_payment_marks_the_attempt_and_pays_nothing(
    app: Flask, client: FlaskClient, target: FakeTarget, fake_stripe: FakeStripe
) -> None:
    target.add("CQ7K3F9A", 150_000)
    with app.app_context():
        start_payment("CQ7K3F9A", PaymentMethod.CARD, URLS)
    failed = paid_session("cs_test_1", "CQ7K3F9A", 150_000, "pi_1", payment_status="unpaid")
    post_stripe(client, stripe_event("evt_9", "checkout.session.async_payment_failed", failed))
    [attempt] = ledger_rows(app, kind=EntryKind.ATTEMPT)
    assert attempt.status == EntryStatus.FAILED
    assert ledger_rows(app, kind=EntryKind.PAYMENT) == []
    [note] = ledger_rows(app, kind=EntryKind.NOTIFICATION)
    assert note.outcome == Outcome.FAILED


def test_a_card_payment_for_an_unknown_code_is_flagged_for_refund(
    app: Flask, client: FlaskClient, target: FakeTarget
) -> None:
    session = paid_session("cs_test_1", "CQNOPE99", 99_000, "pi_1")
    post_stripe(client, stripe_event("evt_1", "checkout.session.completed", session))
    [payment] = ledger_rows(app, kind=EntryKind.PAYMENT)
    assert (payment.outcome, payment.refund_due, payment.target_code) == (
        Outcome.UNMATCHED,
        99_000,
        None,
    )


def test_a_session_in_another_currency_is_ignored(
    app: Flask, client: FlaskClient, target: FakeTarget
) -> None:
    target.add("CQ7K3F9A", 150_000)
    session = paid_session("cs_test_1", "CQ7K3F9A", 150_000, "pi_1", currency="usd")
    post_stripe(client, stripe_event("evt_1", "checkout.session.completed", session))
    assert ledger_rows(app, kind=EntryKind.PAYMENT) == []


def test_other_event_types_are_stored_and_ignored(
    app: Flask, client: FlaskClient, target: FakeTarget
) -> None:
    import sqlalchemy as sa

    from market.extensions import db
    from payments.models import StripeEvent

    assert (
        post_stripe(client, stripe_event("evt_x", "customer.created", {"id": "cus_1"})).status_code
        == 200
    )
    with app.app_context():
        event = db.session.scalar(sa.select(StripeEvent))
        assert event.status == StripeEventStatus.IGNORED


# --- Refunds -----------------------------------------------------------------------------------


def test_a_part_refund_goes_through_the_stripe_api_with_an_idempotency_key(
    app: Flask,
    client: FlaskClient,
    target: FakeTarget,
    producers: list[int],
    fake_stripe: FakeStripe,
) -> None:
    target.add("CQ7K3F9A", 150_000, producers)
    post_stripe(client, completed())
    with app.app_context():
        refund = refund_part("CQ7K3F9A", "CQ7K3F9A-2", 30_000, actor_id=None)
        refund_id = refund.id
    [sent] = fake_stripe.sent("/v1/refunds")
    assert sent["form"] == {
        "payment_intent": "pi_1",
        "amount": "30000",
        "metadata[ledger_line]": str(refund_id),
    }
    assert sent["headers"]["Idempotency-Key"] == f"refund-{refund_id}"
    [line] = ledger_rows(app, kind=EntryKind.REFUND)
    assert (line.amount, line.producer_id, line.reference, line.status) == (
        30_000,
        producers[1],
        "re_test_1",
        EntryStatus.DONE,
    )
    status = target.last("CQ7K3F9A")
    assert (status.state, status.refunded) == (PayState.PAID, 30_000)


def test_charge_refunded_for_a_refund_we_made_is_not_counted_again(
    app: Flask,
    client: FlaskClient,
    target: FakeTarget,
    producers: list[int],
    fake_stripe: FakeStripe,
) -> None:
    target.add("CQ7K3F9A", 150_000, producers)
    post_stripe(client, completed())
    with app.app_context():
        refund_part("CQ7K3F9A", "CQ7K3F9A-2", 30_000)
    charge = refunded_charge("ch_1", "pi_1", 150_000, 30_000)
    post_stripe(client, stripe_event("evt_r1", "charge.refunded", charge))
    assert [r.amount for r in ledger_rows(app, kind=EntryKind.REFUND)] == [30_000]


def test_a_refund_made_in_the_stripe_dashboard_is_recorded_once_and_shared_over_the_parts(
    app: Flask, client: FlaskClient, target: FakeTarget, producers: list[int]
) -> None:
    target.add("CQ7K3F9A", 150_000, producers)
    post_stripe(client, completed())
    partial = stripe_event(
        "evt_r1", "charge.refunded", refunded_charge("ch_1", "pi_1", 150_000, 100_000)
    )
    full = stripe_event(
        "evt_r2", "charge.refunded", refunded_charge("ch_1", "pi_1", 150_000, 150_000)
    )
    for payload in (full, partial, full, partial):
        assert post_stripe(client, payload).status_code == 200
    refunds = ledger_rows(app, kind=EntryKind.REFUND)
    assert sum(r.amount for r in refunds) == 150_000
    assert sorted((r.producer_id, r.amount) for r in refunds) == sorted(
        [(producers[0], 75_000), (producers[1], 75_000)]
    )


def test_a_dashboard_refund_of_an_overpayment_settles_the_refund_due_first(
    app: Flask, client: FlaskClient, target: FakeTarget, producers: list[int]
) -> None:
    target.add("CQ7K3F9A", 150_000, producers)
    post_stripe(client, completed(amount=200_000))
    charge = refunded_charge("ch_1", "pi_1", 200_000, 50_000)
    post_stripe(client, stripe_event("evt_r1", "charge.refunded", charge))
    [refund] = ledger_rows(app, kind=EntryKind.REFUND)
    assert (refund.amount, refund.part_ref) == (50_000, None)
    status = target.last("CQ7K3F9A")
    assert (status.state, status.refund_due, status.paid) == (PayState.PAID, 0, 150_000)


def test_a_refund_event_before_its_payment_waits_and_is_applied_once_the_payment_lands(
    app: Flask, client: FlaskClient, target: FakeTarget, producers: list[int]
) -> None:
    target.add("CQ7K3F9A", 150_000, producers)
    charge = refunded_charge("ch_1", "pi_1", 150_000, 40_000)
    assert post_stripe(client, stripe_event("evt_r1", "charge.refunded", charge)).status_code == 200
    assert ledger_rows(app, kind=EntryKind.REFUND) == []
    post_stripe(client, completed())
    [refund] = ledger_rows(app, kind=EntryKind.REFUND)
    assert refund.amount == 40_000
    post_stripe(client, stripe_event("evt_r1", "charge.refunded", charge))
    assert len(ledger_rows(app, kind=EntryKind.REFUND)) == 1


def test_a_refund_larger_than_what_is_left_is_refused_before_calling_stripe(
    app: Flask,
    client: FlaskClient,
    target: FakeTarget,
    producers: list[int],
    fake_stripe: FakeStripe,
) -> None:
    from payments.errors import InvalidAmount

    target.add("CQ7K3F9A", 150_000, producers)
    post_stripe(client, completed())
    [payment] = ledger_rows(app, kind=EntryKind.PAYMENT)
    with app.app_context():
        with pytest.raises(InvalidAmount):
            refund_payment(payment.id, 150_001)
        with pytest.raises(InvalidAmount):
            refund_part("CQ7K3F9A", "CQ7K3F9A-1", 75_001)
        with pytest.raises(InvalidAmount):
            refund_payment(payment.id, 0)
    assert fake_stripe.sent("/v1/refunds") == []


def test_a_refund_stripe_refuses_is_kept_as_failed_and_counts_for_nothing(
    app: Flask, client: FlaskClient, target: FakeTarget, fake_stripe: FakeStripe
) -> None:
    target.add("CQ7K3F9A", 150_000)
    post_stripe(client, completed())
    [payment] = ledger_rows(app, kind=EntryKind.PAYMENT)
    fake_stripe.fail_next = 402
    with app.app_context():
        with pytest.raises(ProviderError):
            refund_payment(payment.id, 50_000)
        refund_payment(payment.id, 150_000)
    statuses = [r.status for r in ledger_rows(app, kind=EntryKind.REFUND)]
    assert statuses == [EntryStatus.FAILED, EntryStatus.DONE]
