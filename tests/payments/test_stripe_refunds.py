"""A card refund's life after the API call: pending, then succeeded or failed, as signed Stripe
refund events say, in any order and any number of times; a failed refund is owed again."""

from collections.abc import Callable
from itertools import permutations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from market.accounts.models import Role
from payments.errors import InvalidAmount, ProviderError
from payments.models import EntryKind, EntryStatus, StripeEvent, StripeEventStatus
from payments.reconciliation import refunds_due
from payments.refunds import refund_part, refund_payment
from payments.targets import PayState
from tests.payments.conftest import (
    FakeStripe,
    FakeTarget,
    ledger_rows,
    paid_session,
    post_stripe,
    refund_object,
    refunded_charge,
    stripe_event,
)

CODE = "CQ7K3F9A"


def pay(client: FlaskClient, amount: int = 150_000) -> None:
    """Stripe reports the code paid by card (payment intent ``pi_1``)."""
    session = paid_session("cs_test_1", CODE, amount, "pi_1")
    assert post_stripe(client, stripe_event("evt_paid", "checkout.session.completed", session))


def refund_event(client: FlaskClient, event_id: str, event_type: str, refund: dict) -> None:
    """Deliver one signed refund event."""
    assert post_stripe(client, stripe_event(event_id, event_type, refund)).status_code == 200


def only_refund(app: Flask):
    [line] = ledger_rows(app, kind=EntryKind.REFUND)
    return line


def test_a_pending_refund_becomes_done_when_stripe_says_it_succeeded(
    app: Flask, client: FlaskClient, target: FakeTarget, fake_stripe: FakeStripe
) -> None:
    target.add(CODE, 150_000)
    pay(client)
    fake_stripe.refund_status = "pending"
    [payment] = ledger_rows(app, kind=EntryKind.PAYMENT)
    with app.app_context():
        refund_payment(payment.id, 50_000)
    line = only_refund(app)
    assert (line.status, line.reference) == (EntryStatus.PENDING, "re_test_1")
    assert target.last(CODE).refunded == 50_000  # pending money is on its way back
    succeeded = refund_object("re_test_1", "pi_1", 50_000, "succeeded", line.id)
    refund_event(client, "evt_r1", "charge.refund.updated", succeeded)  # the older event name
    assert only_refund(app).status == EntryStatus.DONE
    assert target.last(CODE).refunded == 50_000


def test_a_failed_refund_of_an_overpayment_counts_for_nothing_and_is_due_again(
    app: Flask,
    client: FlaskClient,
    target: FakeTarget,
    fake_stripe: FakeStripe,
    login_as: Callable,
) -> None:
    target.add(CODE, 150_000)
    pay(client, 200_000)
    [payment] = ledger_rows(app, kind=EntryKind.PAYMENT)
    with app.app_context():
        refund_payment(payment.id, 50_000)
        assert refunds_due() == []
    line = only_refund(app)
    failed = refund_object(line.reference, "pi_1", 50_000, "failed", line.id)
    refund_event(client, "evt_r1", "refund.failed", failed)
    assert only_refund(app).status == EntryStatus.FAILED
    status = target.last(CODE)
    assert (status.state, status.paid, status.refunded, status.refund_due) == (
        PayState.PAID,
        150_000,
        0,
        50_000,
    )
    with app.app_context():
        [due] = refunds_due()
        assert (due.entry.id, due.outstanding) == (payment.id, 50_000)
    login_as(Role.MANAGER, provincial=True)
    page = client.get("/quan-ly/doi-soat").get_data(as_text=True)
    assert f"/quan-ly/doi-soat/hoan-tien/{payment.id}" in page


def test_a_failed_part_refund_gives_the_part_its_share_back(
    app: Flask,
    client: FlaskClient,
    target: FakeTarget,
    producers: list[int],
    fake_stripe: FakeStripe,
) -> None:
    target.add(CODE, 150_000, producers)
    pay(client)
    fake_stripe.refund_status = "pending"
    with app.app_context():
        refund_part(CODE, f"{CODE}-2", 75_000)
        with pytest.raises(InvalidAmount):
            refund_part(CODE, f"{CODE}-2", 1)  # nothing of the part's share is left
    line = only_refund(app)
    refund_event(
        client,
        "evt_r1",
        "refund.failed",
        refund_object(line.reference, "pi_1", 75_000, "failed", line.id),
    )
    assert target.last(CODE).refunded == 0
    with app.app_context():
        again = refund_part(CODE, f"{CODE}-2", 75_000)
        assert (again.status, again.producer_id) == (EntryStatus.PENDING, producers[1])


ALL_EVENTS = [
    ("evt_c", "refund.created", "pending"),
    ("evt_u", "refund.updated", "succeeded"),
    ("evt_f", "refund.failed", "failed"),
]


@pytest.mark.parametrize(
    "order", list(permutations(ALL_EVENTS)), ids=lambda o: "-".join(e[0][4:] for e in o)
)
def test_refund_events_in_any_order_and_repeated_end_failed(
    app: Flask,
    client: FlaskClient,
    target: FakeTarget,
    fake_stripe: FakeStripe,
    order: tuple,
) -> None:
    target.add(CODE, 150_000)
    pay(client)
    fake_stripe.refund_status = "pending"
    [payment] = ledger_rows(app, kind=EntryKind.PAYMENT)
    with app.app_context():
        refund_payment(payment.id, 150_000)
    line = only_refund(app)
    for event_id, event_type, status in [*order, *order]:
        refund = refund_object(line.reference, "pi_1", 150_000, status, line.id)
        refund_event(client, event_id, event_type, refund)
    assert only_refund(app).status == EntryStatus.FAILED
    assert target.last(CODE).refunded == 0
    # Stripe's running total, reported before the failure and delivered after it, adds nothing.
    charge = refunded_charge("ch_1", "pi_1", 150_000, 150_000)
    post_stripe(client, stripe_event("evt_ch", "charge.refunded", charge))
    assert [r.status for r in ledger_rows(app, kind=EntryKind.REFUND)] == [EntryStatus.FAILED]


@pytest.mark.parametrize("first", ["pending", "succeeded"])
def test_pending_news_arriving_after_success_does_not_undo_it(
    app: Flask, client: FlaskClient, target: FakeTarget, fake_stripe: FakeStripe, first: str
) -> None:
    target.add(CODE, 150_000)
    pay(client)
    fake_stripe.refund_status = first
    [payment] = ledger_rows(app, kind=EntryKind.PAYMENT)
    with app.app_context():
        refund_payment(payment.id, 30_000)
    line = only_refund(app)
    refund_event(
        client,
        "evt_u",
        "refund.updated",
        refund_object(line.reference, "pi_1", 30_000, "succeeded", line.id),
    )
    refund_event(
        client,
        "evt_c",
        "refund.created",
        refund_object(line.reference, "pi_1", 30_000, "pending", line.id),
    )
    assert only_refund(app).status == EntryStatus.DONE


def test_an_event_that_overtakes_the_api_answer_finds_its_line_and_is_not_undone(
    app: Flask, client: FlaskClient, target: FakeTarget, fake_stripe: FakeStripe
) -> None:
    target.add(CODE, 150_000)
    pay(client)
    fake_stripe.refund_status = "pending"

    def webhook_first(refund: dict) -> None:
        done = {**refund, "status": "succeeded"}
        refund_event(app.test_client(), "evt_early", "refund.updated", done)

    fake_stripe.during_refund = webhook_first
    [payment] = ledger_rows(app, kind=EntryKind.PAYMENT)
    with app.app_context():
        refund_payment(payment.id, 40_000)
    line = only_refund(app)
    assert (line.reference, line.status) == ("re_test_1", EntryStatus.DONE)


def test_a_refund_whose_api_answer_was_lost_follows_what_stripe_reports(
    app: Flask, client: FlaskClient, target: FakeTarget, fake_stripe: FakeStripe
) -> None:
    target.add(CODE, 150_000)
    pay(client)
    [payment] = ledger_rows(app, kind=EntryKind.PAYMENT)
    fake_stripe.fail_next = 402  # the call ends in an error, as if its answer were lost
    with app.app_context(), pytest.raises(ProviderError):
        refund_payment(payment.id, 40_000)
    line = only_refund(app)
    assert (line.reference, line.status) == ("", EntryStatus.FAILED)
    # Stripe had made the refund after all: its event names our line.
    refund_event(
        client,
        "evt_u",
        "refund.updated",
        refund_object("re_lost", "pi_1", 40_000, "succeeded", line.id),
    )
    line = only_refund(app)
    assert (line.reference, line.status) == ("re_lost", EntryStatus.DONE)
    assert target.last(CODE).refunded == 40_000


def test_a_refund_made_elsewhere_is_left_to_charge_refunded(
    app: Flask, client: FlaskClient, target: FakeTarget
) -> None:
    import sqlalchemy as sa

    from market.extensions import db

    target.add(CODE, 150_000)
    pay(client)
    refund_event(
        client, "evt_x", "refund.updated", refund_object("re_dash", "pi_1", 20_000, "succeeded")
    )
    assert ledger_rows(app, kind=EntryKind.REFUND) == []
    with app.app_context():
        event = db.session.scalar(sa.select(StripeEvent).where(StripeEvent.event_id == "evt_x"))
        assert event.status == StripeEventStatus.IGNORED
