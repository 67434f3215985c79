"""Business rules without HTTP: outcomes, codes, starting payments, cash, refunds, payouts."""

import pytest
from flask import Flask

from market.accounts.models import Role
from payments import codes
from payments.crediting import classify
from payments.errors import (
    MethodUnavailable,
    NotPayable,
    ReferenceRequired,
    UnknownCode,
)
from payments.ledger import status_of
from payments.models import EntryKind, Outcome, PaymentMethod
from payments.payouts import producer_balance
from payments.refunds import refund_part, refund_payment
from payments.services import payment_status, record_cash_payment, start_payment
from payments.targets import DueState, PartDue, PaymentDue, PaymentStatus, PayState
from tests.payments.conftest import FakeTarget, ledger_rows, post_sepay, sepay_body

DUE = PaymentDue("CQ7K3F9A", 150_000, ())


def status(paid: int) -> PaymentStatus:
    state = PayState.PAID if paid >= 150_000 else PayState.PARTIAL if paid else PayState.UNPAID
    return PaymentStatus("CQ7K3F9A", state, 150_000, paid)


@pytest.mark.parametrize(
    ("paid_before", "amount", "outcome", "flagged"),
    [
        (0, 150_000, Outcome.EXACT, 0),
        (0, 149_999, Outcome.PARTIAL, 0),
        (0, 150_001, Outcome.OVERPAID, 1),
        (100_000, 50_000, Outcome.EXACT, 0),
        (100_000, 60_000, Outcome.OVERPAID, 10_000),
        (150_000, 10_000, Outcome.OVERPAID, 10_000),
    ],
)
def test_a_credit_is_exact_short_or_over_against_what_remains(
    paid_before: int, amount: int, outcome: Outcome, flagged: int
) -> None:
    assert classify(DUE, status(paid_before), amount) == (outcome, flagged)


@pytest.mark.parametrize("state", [DueState.EXPIRED, DueState.CANCELLED])
def test_money_for_a_closed_target_is_late_and_all_flagged(state: DueState) -> None:
    closed = PaymentDue("CQ7K3F9A", 150_000, (), state=state)
    assert classify(closed, status(0), 150_000) == (Outcome.LATE, 150_000)


def test_generated_codes_use_the_prefix_and_no_look_alike_characters(ctx: None) -> None:
    made = {codes.generate_code() for _ in range(200)}
    assert len(made) == 200
    for code in made:
        assert code.startswith("CQ") and len(code) == 8
        assert not set(code[2:]) & set("01OIL")


@pytest.mark.parametrize("prefix", ["", "C", "TOOLONG7", "C-Q", "Đ1"])
def test_a_prefix_that_cannot_be_found_reliably_is_refused_at_start_up(prefix: str) -> None:
    with pytest.raises(RuntimeError):
        codes.check_prefix(prefix)


def test_code_candidates_come_from_anywhere_in_the_description(ctx: None) -> None:
    found = codes.candidates("IBFT.NGUYEN VAN A cq-7k3 f9a thanh toan")
    assert found[0] == "CQ7K3F9A"
    assert codes.candidates("chuyen tien an trua") == []


def test_a_bank_transfer_start_records_one_attempt_and_returns_the_qr(
    app: Flask, target: FakeTarget, ctx: None
) -> None:
    target.add("CQ7K3F9A", 150_000)
    first = start_payment("CQ7K3F9A", PaymentMethod.BANK_TRANSFER)
    start_payment("CQ7K3F9A", PaymentMethod.BANK_TRANSFER)
    assert first.instructions is not None
    assert (first.instructions.amount, first.instructions.memo) == (150_000, "CQ7K3F9A")
    assert first.instructions.bank_name == "Vietcombank"
    [attempt] = ledger_rows(app, kind=EntryKind.ATTEMPT)
    assert (attempt.method, attempt.amount) == (PaymentMethod.BANK_TRANSFER, 150_000)


def test_starting_a_payment_for_an_unknown_paid_or_closed_code_is_refused(
    app: Flask, client, target: FakeTarget, ctx: None
) -> None:
    with pytest.raises(UnknownCode):
        start_payment("CQNOBODY", PaymentMethod.BANK_TRANSFER)
    target.add("CQCLOSED", 10_000, state=DueState.CANCELLED)
    with pytest.raises(NotPayable):
        start_payment("CQCLOSED", PaymentMethod.CASH)
    target.add("CQ7K3F9A", 150_000)
    post_sepay(client, sepay_body(1, 150_000, "CQ7K3F9A"))
    with pytest.raises(NotPayable):
        start_payment("CQ7K3F9A", PaymentMethod.BANK_TRANSFER)


def test_bank_transfer_is_not_offered_without_a_collection_account(
    app: Flask, target: FakeTarget, ctx: None
) -> None:
    app.config["COLLECTION_ACCOUNT"] = ""
    target.add("CQ7K3F9A", 150_000)
    with pytest.raises(MethodUnavailable):
        start_payment("CQ7K3F9A", PaymentMethod.BANK_TRANSFER)


def test_cash_confirmed_by_each_producer_pays_its_part_then_the_whole_code(
    app: Flask, target: FakeTarget, producers: list[int], make_user, ctx: None
) -> None:
    seller = make_user()
    target.add("CQ7K3F9A", 150_000, producers)
    first = record_cash_payment("CQ7K3F9A", "CQ7K3F9A-1", seller.id)
    assert (first.state, first.parts_paid) == (PayState.PARTIAL, {"CQ7K3F9A-1"})
    with pytest.raises(NotPayable):
        record_cash_payment("CQ7K3F9A", "CQ7K3F9A-1", seller.id)
    second = record_cash_payment("CQ7K3F9A", "CQ7K3F9A-2", seller.id)
    assert second.state == PayState.PAID
    cash = ledger_rows(app, kind=EntryKind.PAYMENT, method=PaymentMethod.CASH)
    assert [(c.part_ref, c.actor_id) for c in cash] == [
        ("CQ7K3F9A-1", seller.id),
        ("CQ7K3F9A-2", seller.id),
    ]
    balance = producer_balance(producers[0])
    assert (balance.earned, balance.cash_collected, balance.owed) == (75_000, 75_000, 0)


def test_cash_for_a_part_the_code_does_not_have_is_refused(
    app: Flask, target: FakeTarget, producers: list[int], ctx: None
) -> None:
    target.add("CQ7K3F9A", 150_000, producers)
    with pytest.raises(UnknownCode):
        record_cash_payment("CQ7K3F9A", "CQ7K3F9A-9", 1)


def test_the_paid_state_follows_from_the_ledger_alone(
    app: Flask, client, target: FakeTarget, ctx: None
) -> None:
    target.add("CQ7K3F9A", 150_000)
    assert payment_status("CQ7K3F9A").state == PayState.UNPAID
    post_sepay(client, sepay_body(1, 150_000, "CQ7K3F9A"))
    target.changes.clear()
    assert payment_status("CQ7K3F9A").state == PayState.PAID
    assert payment_status("CQNOBODY") is None


def test_earnings_refunds_and_what_is_owed_and_held(
    app: Flask, client, target: FakeTarget, producers: list[int], make_user, ctx: None
) -> None:
    manager = make_user(Role.MANAGER, provincial=True)
    target.add("CQ7K3F9A", 150_000, producers)
    post_sepay(client, sepay_body(1, 150_000, "CQ7K3F9A"))
    refund_part("CQ7K3F9A", "CQ7K3F9A-1", 25_000, reference="FT-BACK-1", actor_id=manager.id)
    balance = producer_balance(producers[0])
    assert (balance.earned, balance.refunded, balance.owed) == (75_000, 25_000, 50_000)
    assert producer_balance(producers[1]).owed == 75_000
    # Not handed to the shopper yet: all of it is held, none payable.
    assert (balance.held, balance.payable) == (50_000, 0)


def test_a_bank_transfer_refund_needs_the_reference_of_the_transfer_back(
    app: Flask, client, target: FakeTarget, ctx: None
) -> None:
    target.add("CQ7K3F9A", 150_000)
    post_sepay(client, sepay_body(1, 200_000, "CQ7K3F9A"))
    [payment] = ledger_rows(app, kind=EntryKind.PAYMENT)
    with pytest.raises(ReferenceRequired):
        refund_payment(payment.id, 50_000)
    refund_payment(payment.id, 50_000, reference="FT26328")
    status = payment_status("CQ7K3F9A")
    assert (status.state, status.refund_due, status.paid) == (PayState.PAID, 0, 150_000)


def test_refunding_unflagged_money_reduces_what_counts_as_paid(
    app: Flask, client, target: FakeTarget, ctx: None
) -> None:
    target.add("CQ7K3F9A", 150_000, state=DueState.OPEN)
    post_sepay(client, sepay_body(1, 100_000, "CQ7K3F9A"))
    [payment] = ledger_rows(app, kind=EntryKind.PAYMENT)
    refund_payment(payment.id, 100_000, reference="FT-BACK")
    due = target.due("CQ7K3F9A")
    assert status_of(due).paid == 0
    assert status_of(due).state == PayState.UNPAID


def test_a_target_with_parts_that_do_not_add_up_is_still_paid_by_its_amount(
    app: Flask, client, target: FakeTarget, producers: list[int], ctx: None
) -> None:
    target.dues["CQ7K3F9A"] = PaymentDue(
        "CQ7K3F9A", 100_000, (PartDue("CQ7K3F9A-1", producers[0], 100_000),)
    )
    post_sepay(client, sepay_body(1, 100_000, "CQ7K3F9A"))
    assert target.last("CQ7K3F9A").parts_paid == {"CQ7K3F9A-1"}
