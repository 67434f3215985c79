"""Bank-notification webhooks (SePay, Casso): verified first, stored raw, credited once."""

import json
import threading

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from market.extensions import db
from payments.bank_providers import VerificationError, casso_signature, verify_casso
from payments.models import BankNotification, EntryKind, NotificationStatus, Outcome
from payments.targets import DueState, PayState
from tests.payments.conftest import (
    CASSO_KEY,
    FakeTarget,
    casso_body,
    casso_header,
    ledger_rows,
    post_casso,
    post_sepay,
    sepay_body,
)

PUBLISHED_BODY = (
    '{"error":0,"data":{"id":0,"reference":"MA_GIAO_DICH_THU_NGHIEM","description":"giao dich '
    'thu nghiem","amount":599000,"runningBalance":25000000,"transactionDateTime":"2024-10-03 '
    '15:06:37","accountNumber":"88888888","bankName":"VPBank","bankAbbreviation":"VPB",'
    '"virtualAccountNumber":"","virtualAccountName":"","counterAccountName":"NGUYEN VAN A",'
    '"counterAccountNumber":"8888888888","counterAccountBankId":"970415",'
    '"counterAccountBankName":"VietinBank"}}'
)
PUBLISHED_HEADER = (
    "t=1727948258788,v1=ed0a4bd2e826d5cb69988cdb141e6c1a080e21f3b57eb72cd78192220042b9e7dde0868f"
    "c667faea8e224900fa7904e7c88dfa098032fb2d6b6996856e8b7ff3"
)
PUBLISHED_TIME = 1727948258.788


def notifications(app: Flask) -> list[BankNotification]:
    with app.app_context():
        rows = db.session.scalars(sa.select(BankNotification).order_by(BankNotification.id)).all()
        db.session.expunge_all()
        return rows


def payments_for(app: Flask, code: str) -> list:
    return ledger_rows(app, kind=EntryKind.PAYMENT, target_code=code)


# --- Casso's published example is a test vector ----------------------------------------------


def test_the_published_casso_example_verifies() -> None:
    data = verify_casso(PUBLISHED_BODY, PUBLISHED_HEADER, CASSO_KEY, now=PUBLISHED_TIME)
    assert data["data"]["amount"] == 599000
    assert casso_signature(CASSO_KEY, "1727948258788", data) == PUBLISHED_HEADER.split("v1=")[1]


@pytest.mark.parametrize(
    ("header", "now"),
    [
        (PUBLISHED_HEADER.replace("v1=ed0a", "v1=ed0b"), PUBLISHED_TIME),
        (PUBLISHED_HEADER.replace("t=1727948258788", "t=1727948258789"), PUBLISHED_TIME),
        (PUBLISHED_HEADER, PUBLISHED_TIME + 301),
        (PUBLISHED_HEADER, PUBLISHED_TIME - 301),
        ("v1=" + PUBLISHED_HEADER.split("v1=")[1], PUBLISHED_TIME),
        ("t=1727948258788", PUBLISHED_TIME),
        ("", PUBLISHED_TIME),
    ],
    ids=["signature", "timestamp", "stale", "future", "no-t", "no-v1", "empty"],
)
def test_a_tampered_stale_or_incomplete_casso_signature_is_refused(header: str, now: float) -> None:
    with pytest.raises(VerificationError):
        verify_casso(PUBLISHED_BODY, header, CASSO_KEY, now=now)


def test_the_casso_signature_does_not_depend_on_key_order_or_spacing() -> None:
    reordered = json.dumps(json.loads(PUBLISHED_BODY)["data"], indent=2)
    body = '{ "data": ' + reordered + ', "error": 0 }'
    assert verify_casso(body, PUBLISHED_HEADER, CASSO_KEY, now=PUBLISHED_TIME)


def test_the_published_casso_example_over_http_is_stored_and_unmatched(
    app: Flask, client: FlaskClient, target: FakeTarget, clock
) -> None:
    clock(PUBLISHED_TIME + 60)
    response = client.post(
        "/webhooks/casso",
        data=PUBLISHED_BODY,
        content_type="application/json",
        headers={"X-Casso-Signature": PUBLISHED_HEADER},
    )
    assert response.status_code == 200
    assert response.json == {"success": True}
    [stored] = notifications(app)
    assert stored.body == PUBLISHED_BODY
    assert stored.status == NotificationStatus.UNMATCHED
    assert json.loads(stored.headers)["X-Casso-Signature"] == PUBLISHED_HEADER


# --- Verification comes first ----------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Apikey wrong-key"},
        {"Authorization": "Bearer sepay-test-key-1234567890"},
        {"Authorization": "Apikey"},
        {"Authorization": "sepay-test-key-1234567890"},
    ],
    ids=["missing", "wrong-key", "wrong-scheme", "no-key", "no-scheme"],
)
def test_sepay_without_the_right_api_key_gets_401_and_nothing_is_stored(
    app: Flask, client: FlaskClient, target: FakeTarget, headers: dict
) -> None:
    target.add("CQ7K3F9A", 150_000)
    response = client.post(
        "/webhooks/sepay", json=sepay_body(1, 150_000, "CQ7K3F9A"), headers=headers
    )
    assert response.status_code == 401
    assert response.json["success"] is False
    assert notifications(app) == []
    assert ledger_rows(app) == []
    assert target.changes == []


def test_sepay_is_refused_when_no_api_key_is_configured(
    app: Flask, client: FlaskClient, target: FakeTarget
) -> None:
    app.config["SEPAY_API_KEY"] = ""
    response = client.post(
        "/webhooks/sepay", json=sepay_body(1, 1, "x"), headers={"Authorization": "Apikey "}
    )
    assert response.status_code == 401
    assert notifications(app) == []


def test_casso_with_a_bad_signature_gets_401_and_nothing_is_stored(
    app: Flask, client: FlaskClient, target: FakeTarget, clock
) -> None:
    target.add("CQ7K3F9A", 150_000)
    body = casso_body(5, 150_000, "CQ7K3F9A")
    forged = casso_header(body, 1_764_000_000_000, key="not-the-key")
    assert post_casso(client, body, 1_764_000_000_000, header=forged).status_code == 401
    tampered = casso_body(5, 1_500_000, "CQ7K3F9A")
    header = casso_header(body, 1_764_000_000_000)
    assert post_casso(client, tampered, 1_764_000_000_000, header=header).status_code == 401
    assert notifications(app) == [] and ledger_rows(app) == []


def test_casso_with_a_stale_timestamp_gets_401(
    app: Flask, client: FlaskClient, target: FakeTarget, clock
) -> None:
    target.add("CQ7K3F9A", 150_000)
    body = casso_body(6, 150_000, "CQ7K3F9A")
    clock(1_764_000_000.0)
    assert post_casso(client, body, 1_764_000_000_000 - 301_000).status_code == 401
    assert post_casso(client, body, 1_764_000_000_000 - 299_000).status_code == 200
    assert len(notifications(app)) == 1


def test_an_oversized_body_is_refused(app: Flask, client: FlaskClient, target: FakeTarget) -> None:
    body = sepay_body(1, 1, "x" * 70_000)
    assert post_sepay(client, body).status_code == 413
    assert notifications(app) == []


def test_webhooks_need_no_csrf_token_while_forms_still_do(
    app: Flask, client: FlaskClient, target: FakeTarget
) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    target.add("CQ7K3F9A", 150_000)
    assert post_sepay(client, sepay_body(1, 150_000, "CQ7K3F9A")).status_code == 200
    assert client.post("/tai-khoan/dang-xuat").status_code == 400


# --- Matching and outcomes -------------------------------------------------------------------


def test_an_exact_transfer_pays_the_code_and_tells_the_target(
    app: Flask, client: FlaskClient, target: FakeTarget, producers: list[int]
) -> None:
    target.add("CQ7K3F9A", 150_000, producers)
    response = post_sepay(client, sepay_body(92704, 150_000, "CQ7K3F9A thanh toan"))
    assert response.status_code == 200 and response.json == {"success": True}
    [stored] = notifications(app)
    assert stored.status == NotificationStatus.CREDITED
    assert stored.payment_code == "CQ7K3F9A"
    assert json.loads(stored.body)["id"] == 92704
    assert "Authorization" not in json.loads(stored.headers)
    [payment] = payments_for(app, "CQ7K3F9A")
    assert (payment.amount, payment.outcome, payment.refund_due) == (150_000, Outcome.EXACT, 0)
    status = target.last("CQ7K3F9A")
    assert status.state == PayState.PAID
    assert status.parts_paid == {"CQ7K3F9A-1", "CQ7K3F9A-2"}
    earnings = ledger_rows(app, kind=EntryKind.EARNING)
    assert sorted((e.producer_id, e.amount) for e in earnings) == sorted(
        [(producers[0], 75_000), (producers[1], 75_000)]
    )


@pytest.mark.parametrize(
    "description",
    [
        "CQ7K3F9A",
        "cq7k3f9a",
        "CQ 7K3 F9A",
        "MBVCB.3278907687.CQ7K3F9A.thanh toan",
        "Nguyen Van A chuyen tien cq-7k3f9a don hang",
        "IBFT CQ7K3F9ATHANHTOAN",
        "Thanh toán đơn CQ7K3F9A",
    ],
)
def test_the_code_is_found_whatever_the_bank_did_to_the_description(
    app: Flask, client: FlaskClient, target: FakeTarget, description: str
) -> None:
    target.add("CQ7K3F9A", 150_000)
    post_sepay(client, sepay_body(1, 150_000, description))
    assert target.last("CQ7K3F9A").state == PayState.PAID


def test_sepays_own_code_field_is_used_when_present(
    app: Flask, client: FlaskClient, target: FakeTarget
) -> None:
    target.add("CQ7K3F9A", 150_000)
    post_sepay(client, sepay_body(1, 150_000, "chuyen tien", code="CQ7K3F9A"))
    assert target.last("CQ7K3F9A").state == PayState.PAID


def test_a_short_transfer_leaves_the_code_partly_paid_and_a_second_completes_it(
    app: Flask, client: FlaskClient, target: FakeTarget, producers: list[int]
) -> None:
    target.add("CQ7K3F9A", 150_000, producers)
    post_sepay(client, sepay_body(1, 100_000, "CQ7K3F9A"))
    status = target.last("CQ7K3F9A")
    assert (status.state, status.paid, status.remaining) == (PayState.PARTIAL, 100_000, 50_000)
    assert status.parts_paid == frozenset()
    assert ledger_rows(app, kind=EntryKind.EARNING) == []
    post_sepay(client, sepay_body(2, 50_000, "CQ7K3F9A"))
    assert target.last("CQ7K3F9A").state == PayState.PAID
    outcomes = [p.outcome for p in payments_for(app, "CQ7K3F9A")]
    assert outcomes == [Outcome.PARTIAL, Outcome.EXACT]
    assert len(ledger_rows(app, kind=EntryKind.EARNING)) == 2


def test_an_overpayment_pays_the_code_and_flags_the_excess_for_refund(
    app: Flask, client: FlaskClient, target: FakeTarget
) -> None:
    target.add("CQ7K3F9A", 150_000)
    post_sepay(client, sepay_body(1, 200_000, "CQ7K3F9A"))
    [payment] = payments_for(app, "CQ7K3F9A")
    assert (payment.outcome, payment.refund_due) == (Outcome.OVERPAID, 50_000)
    status = target.last("CQ7K3F9A")
    assert (status.state, status.paid, status.refund_due) == (PayState.PAID, 150_000, 50_000)


def test_paying_an_already_paid_code_again_flags_all_of_it_for_refund(
    app: Flask, client: FlaskClient, target: FakeTarget
) -> None:
    target.add("CQ7K3F9A", 150_000)
    post_sepay(client, sepay_body(1, 150_000, "CQ7K3F9A"))
    post_sepay(client, sepay_body(2, 150_000, "CQ7K3F9A lan 2"))
    second = payments_for(app, "CQ7K3F9A")[1]
    assert (second.outcome, second.refund_due) == (Outcome.OVERPAID, 150_000)


@pytest.mark.parametrize("state", [DueState.EXPIRED, DueState.CANCELLED])
def test_a_late_payment_the_target_cannot_reopen_is_flagged_for_refund(
    app: Flask, client: FlaskClient, target: FakeTarget, state: DueState
) -> None:
    target.add("CQ7K3F9A", 150_000, state=state)
    assert post_sepay(client, sepay_body(1, 150_000, "CQ7K3F9A")).status_code == 200
    assert target.reopen_calls == ["CQ7K3F9A"]
    [payment] = payments_for(app, "CQ7K3F9A")
    assert (payment.outcome, payment.refund_due) == (Outcome.LATE, 150_000)
    assert target.last("CQ7K3F9A").state == PayState(state.value)


def test_a_late_payment_is_accepted_when_the_target_re_reserves(
    app: Flask, client: FlaskClient, target: FakeTarget
) -> None:
    target.add("CQ7K3F9A", 150_000, state=DueState.EXPIRED)
    target.reopenable.add("CQ7K3F9A")
    post_sepay(client, sepay_body(1, 150_000, "CQ7K3F9A"))
    [payment] = payments_for(app, "CQ7K3F9A")
    assert (payment.outcome, payment.refund_due) == (Outcome.EXACT, 0)
    assert target.last("CQ7K3F9A").state == PayState.PAID


@pytest.mark.parametrize(
    "description", ["chuyen tien", "CQ", "CQ999999", "thanh toan don hang", ""]
)
def test_a_transfer_without_a_known_code_is_kept_for_a_manager(
    app: Flask, client: FlaskClient, target: FakeTarget, description: str
) -> None:
    target.add("CQ7K3F9A", 150_000)
    response = post_sepay(client, sepay_body(1, 150_000, description))
    assert response.status_code == 200 and response.json == {"success": True}
    [stored] = notifications(app)
    assert stored.status == NotificationStatus.UNMATCHED
    assert payments_for(app, "CQ7K3F9A") == []
    [line] = ledger_rows(app, kind=EntryKind.NOTIFICATION)
    assert (line.outcome, line.amount) == (Outcome.UNMATCHED, 150_000)


def test_a_transfer_into_another_account_is_not_credited(
    app: Flask, client: FlaskClient, target: FakeTarget
) -> None:
    target.add("CQ7K3F9A", 150_000)
    post_sepay(client, sepay_body(1, 150_000, "CQ7K3F9A", account="9999999999"))
    [stored] = notifications(app)
    assert stored.status == NotificationStatus.UNMATCHED
    assert stored.payment_code == "CQ7K3F9A"
    assert target.changes == []


def test_a_code_with_its_own_account_is_paid_into_that_account(
    app: Flask, client: FlaskClient, target: FakeTarget
) -> None:
    from tests.payments.conftest import COLLECTION

    stall = type(COLLECTION)("970418", "8800112233", "HO KINH DOANH A")
    target.add("CQSTALL1", 40_000, account=stall)
    post_sepay(client, sepay_body(1, 40_000, "CQSTALL1", account=COLLECTION.number))
    post_sepay(client, sepay_body(2, 40_000, "CQSTALL1", account="8800112233"))
    assert [n.status for n in notifications(app)] == [
        NotificationStatus.UNMATCHED,
        NotificationStatus.CREDITED,
    ]


def test_a_virtual_account_counts_as_the_receiving_account(
    app: Flask, client: FlaskClient, target: FakeTarget
) -> None:
    target.add("CQ7K3F9A", 150_000)
    post_sepay(client, sepay_body(1, 150_000, "CQ7K3F9A", account="0000", subAccount="1023456789"))
    assert target.last("CQ7K3F9A").state == PayState.PAID


def test_debits_are_stored_but_ignored(
    app: Flask, client: FlaskClient, target: FakeTarget, clock
) -> None:
    target.add("CQ7K3F9A", 150_000)
    post_sepay(client, sepay_body(1, 150_000, "CQ7K3F9A", transferType="out"))
    body = casso_body(2, -150_000, "CQ7K3F9A")
    assert post_casso(client, body, 1_764_000_000_000).status_code == 200
    stored = notifications(app)
    assert [(n.status, n.is_credit) for n in stored] == [(NotificationStatus.IGNORED, False)] * 2
    assert target.changes == []


def test_casso_credits_are_matched_like_sepay_ones(
    app: Flask, client: FlaskClient, target: FakeTarget, clock
) -> None:
    target.add("CQ7K3F9A", 150_000)
    body = casso_body(77, 150_000, "NGUYEN VAN A chuyen tien CQ7K3F9A")
    assert post_casso(client, body, 1_764_000_000_000).status_code == 200
    assert target.last("CQ7K3F9A").state == PayState.PAID
    [stored] = notifications(app)
    assert (stored.provider, stored.provider_tx_id) == ("casso", "77")


# --- Duplicates -------------------------------------------------------------------------------


def test_a_notification_delivered_twice_is_stored_and_credited_once(
    app: Flask, client: FlaskClient, target: FakeTarget
) -> None:
    target.add("CQ7K3F9A", 150_000)
    body = sepay_body(92704, 100_000, "CQ7K3F9A")
    first, second = post_sepay(client, body), post_sepay(client, body)
    assert first.status_code == second.status_code == 200
    assert second.json == {"success": True}
    assert len(notifications(app)) == 1
    assert len(payments_for(app, "CQ7K3F9A")) == 1
    assert target.last("CQ7K3F9A").paid == 100_000


def test_the_same_transaction_id_from_two_providers_is_two_notifications(
    app: Flask, client: FlaskClient, target: FakeTarget, clock
) -> None:
    post_sepay(client, sepay_body(5, 10_000, "x"))
    post_casso(client, casso_body(5, 10_000, "x"), 1_764_000_000_000)
    assert len(notifications(app)) == 2


def test_the_same_notification_arriving_at_the_same_moment_is_credited_once(
    app: Flask, target: FakeTarget
) -> None:
    target.add("CQ7K3F9A", 150_000)
    body = sepay_body(92704, 150_000, "CQ7K3F9A")
    barrier, statuses = threading.Barrier(6), []

    def deliver() -> None:
        client = app.test_client()
        barrier.wait()
        statuses.append(post_sepay(client, body).status_code)

    threads = [threading.Thread(target=deliver) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 6
    assert len(notifications(app)) == 1
    [payment] = payments_for(app, "CQ7K3F9A")
    assert payment.outcome == Outcome.EXACT
    assert len(ledger_rows(app, kind=EntryKind.NOTIFICATION)) == 1


def test_two_different_transfers_for_one_code_at_the_same_moment_both_count(
    app: Flask, target: FakeTarget
) -> None:
    target.add("CQ7K3F9A", 150_000)
    barrier = threading.Barrier(2)

    def deliver(tx_id: int) -> None:
        client = app.test_client()
        barrier.wait()
        post_sepay(client, sepay_body(tx_id, 75_000, "CQ7K3F9A"))

    threads = [threading.Thread(target=deliver, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outcomes = sorted(p.outcome for p in payments_for(app, "CQ7K3F9A"))
    assert outcomes == sorted([Outcome.PARTIAL, Outcome.EXACT])
    assert target.last("CQ7K3F9A").state == PayState.PAID


def fail_processing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make processing crash after the notification is stored (a lost database, a bug)."""
    from payments import bank_notifications

    def crash(_notification_id: int) -> NotificationStatus:
        raise RuntimeError("processing crashed")

    monkeypatch.setattr(bank_notifications, "_process", crash)


def test_a_failure_while_processing_keeps_the_notification_and_asks_for_a_retry(
    app: Flask, client: FlaskClient, target: FakeTarget, monkeypatch: pytest.MonkeyPatch
) -> None:
    target.add("CQ7K3F9A", 150_000)
    body = sepay_body(1, 150_000, "CQ7K3F9A")
    fail_processing(monkeypatch)
    assert post_sepay(client, body).status_code == 500
    [stored] = notifications(app)
    assert stored.status == NotificationStatus.RECEIVED
    assert ledger_rows(app) == []
    monkeypatch.undo()
    assert post_sepay(client, body).status_code == 200
    assert notifications(app)[0].status == NotificationStatus.CREDITED
    assert len(payments_for(app, "CQ7K3F9A")) == 1
    assert post_sepay(client, body).status_code == 200
    assert len(payments_for(app, "CQ7K3F9A")) == 1


def test_the_reprocess_command_finishes_what_a_crash_left(
    app: Flask, client: FlaskClient, target: FakeTarget, runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    target.add("CQ7K3F9A", 150_000)
    fail_processing(monkeypatch)
    post_sepay(client, sepay_body(1, 150_000, "CQ7K3F9A"))
    monkeypatch.undo()
    result = runner.invoke(args=["payments", "reprocess"])
    assert "Processed 1 notification(s)" in result.output
    assert notifications(app)[0].status == NotificationStatus.CREDITED
    assert target.last("CQ7K3F9A").state == PayState.PAID
