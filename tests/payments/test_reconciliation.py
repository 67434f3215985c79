"""Managers' reconciliation: the SQL summaries, the pages, and resolving credits by hand."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from market.accounts.models import Role
from market.extensions import db
from market.i18n import local_today
from payments import reconciliation
from payments.models import BankNotification, EntryKind, NotificationStatus, PaymentMethod
from payments.targets import DueState, PayState
from tests.payments.conftest import (
    FakeTarget,
    ledger_rows,
    paid_session,
    post_sepay,
    post_stripe,
    sepay_body,
    stripe_event,
)

PROTECTED = [
    ("get", "/quan-ly/doi-soat"),
    ("get", "/quan-ly/doi-soat/chuyen-khoan/1"),
    ("post", "/quan-ly/doi-soat/chuyen-khoan/1"),
    ("post", "/quan-ly/doi-soat/chuyen-khoan/1/tra-lai"),
    ("get", "/quan-ly/doi-soat/hoan-tien/1"),
    ("post", "/quan-ly/doi-soat/hoan-tien/1"),
    ("get", "/quan-ly/doi-soat/chi-tra"),
    ("post", "/quan-ly/doi-soat/chi-tra"),
]


@pytest.fixture
def busy_day(app: Flask, client: FlaskClient, target: FakeTarget, producers: list[int]) -> None:
    """Exact, partial, over and late payments, an unmatched transfer and a card payment."""
    target.add("CQEXACT2", 100_000, producers)
    target.add("CQPART22", 200_000, producers)
    target.add("CQOVER22", 50_000, producers[:1])
    target.add("CQLATE22", 70_000, producers[:1], state=DueState.CANCELLED)
    target.add("CQCARD22", 300_000, producers[1:])
    post_sepay(client, sepay_body(1, 100_000, "CQEXACT2"))
    post_sepay(client, sepay_body(2, 120_000, "CQPART22"))
    post_sepay(client, sepay_body(3, 80_000, "CQOVER22"))
    post_sepay(client, sepay_body(4, 70_000, "CQLATE22"))
    post_sepay(client, sepay_body(5, 45_000, "chuyen tien an cuoi"))
    post_stripe(
        client,
        stripe_event(
            "evt_1", "checkout.session.completed", paid_session("cs_1", "CQCARD22", 300_000, "pi_1")
        ),
    )


def test_payments_are_summed_by_vietnam_day_and_method(app: Flask, busy_day: None, ctx) -> None:
    today = local_today()
    rows = reconciliation.payments_by_day(today - timedelta(days=1), today)
    assert {(r.day, r.method): (r.count, r.amount) for r in rows} == {
        (today, PaymentMethod.BANK_TRANSFER): (4, 370_000),
        (today, PaymentMethod.CARD): (1, 300_000),
    }
    assert sum(r.refund_due for r in rows) == 30_000 + 70_000
    assert (
        reconciliation.payments_by_day(today - timedelta(days=9), today - timedelta(days=1)) == []
    )


def test_the_day_boundary_is_midnight_in_vietnam_not_utc(app: Flask, busy_day: None, ctx) -> None:
    from payments.models import LedgerEntry

    today = local_today()
    local_midnight_utc = reconciliation.utc_range(today, today)[0]
    db.session.execute(
        sa.update(LedgerEntry)
        .where(LedgerEntry.kind == EntryKind.PAYMENT, LedgerEntry.method == PaymentMethod.CARD)
        .values(created_at=local_midnight_utc - timedelta(seconds=1))
    )
    db.session.commit()
    rows = reconciliation.payments_by_day(today - timedelta(days=1), today)
    assert [(r.day, r.method) for r in rows if r.method == PaymentMethod.CARD] == [
        (today - timedelta(days=1), PaymentMethod.CARD)
    ]


def test_the_summaries_list_what_needs_a_manager(app: Flask, busy_day: None, ctx) -> None:
    [unmatched] = reconciliation.unmatched_credits()
    assert unmatched.amount == 45_000
    assert [(p.code, p.paid, p.missing) for p in reconciliation.partial_payments()] == [
        ("CQPART22", 120_000, 80_000)
    ]
    assert [o.target_code for o in reconciliation.overpayments()] == ["CQOVER22"]
    assert sorted((d.entry.target_code, d.outstanding) for d in reconciliation.refunds_due()) == [
        ("CQLATE22", 70_000),
        ("CQOVER22", 30_000),
    ]
    owed = {b.producer_id: b.owed for b in reconciliation.payouts_owed()}
    assert sum(owed.values()) == 100_000 + 50_000 + 300_000


@pytest.mark.parametrize(("method", "url"), PROTECTED)
def test_reconciliation_is_for_managers_only(
    client: FlaskClient, login_as, method: str, url: str
) -> None:
    anonymous = getattr(client, method)(url)
    assert anonymous.status_code == 302 and "/tai-khoan/dang-nhap" in anonymous.headers["Location"]
    for role in (Role.SHOPPER, Role.HELPER):
        login_as(role)
        assert getattr(client, method)(url).status_code == 403


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADMIN])
def test_managers_and_admins_see_the_reconciliation(
    client: FlaskClient, busy_day: None, login_as, role: Role
) -> None:
    login_as(role, provincial=True)
    page = client.get("/quan-ly/doi-soat").get_data(as_text=True)
    for text in ("CQPART22", "80.000 ₫", "chuyen tien an cuoi", "CQLATE22", "670.000 ₫"):
        assert text in page


def test_a_list_longer_than_the_page_says_so_and_keeps_the_oldest(
    client: FlaskClient, busy_day: None, login_as, monkeypatch: pytest.MonkeyPatch
) -> None:
    post_sepay(client, sepay_body(6, 15_000, "tien gui nham"))
    monkeypatch.setattr(reconciliation, "LIST_LIMIT", 1)
    login_as(Role.MANAGER, provincial=True)
    page = client.get("/quan-ly/doi-soat").get_data(as_text=True)
    assert "chuyen tien an cuoi" in page and "tien gui nham" not in page
    assert ">1+</span>" in page
    assert "Đang hiện 1 mục đầu tiên" in page


def test_only_managers_granted_the_province_reconcile(client: FlaskClient, login_as) -> None:
    login_as(Role.MANAGER, provincial=True)
    assert client.get("/quan-ly/doi-soat").status_code == 200
    assert 'href="/quan-ly/doi-soat"' in client.get("/").get_data(as_text=True)
    login_as(Role.MANAGER)  # assigned to no market, and no grant: manages nothing
    assert client.get("/quan-ly/doi-soat").status_code == 403
    assert 'href="/quan-ly/doi-soat"' not in client.get("/").get_data(as_text=True)
    login_as(Role.ADMIN)
    assert client.get("/quan-ly/doi-soat").status_code == 200


@pytest.mark.parametrize(
    "query", ["?start=2026-13-45", "?start=abc&end=", "?start=2026-11-30&end=2026-11-01", "?x=1"]
)
def test_a_bad_period_in_the_url_is_explained_not_a_500(
    client: FlaskClient, login_as, query: str
) -> None:
    login_as(Role.MANAGER, provincial=True)
    assert client.get(f"/quan-ly/doi-soat{query}").status_code == 200


def unmatched_id(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(BankNotification.id).where(
                BankNotification.status == NotificationStatus.UNMATCHED
            )
        )


def test_a_manager_assigns_an_unmatched_transfer_to_a_code(
    app: Flask, client: FlaskClient, target: FakeTarget, login_as
) -> None:
    target.add("CQ7K3F9A", 45_000)
    post_sepay(client, sepay_body(5, 45_000, "chuyen tien"))
    manager = login_as(Role.MANAGER, provincial=True)
    url = f"/quan-ly/doi-soat/chuyen-khoan/{unmatched_id(app)}"
    assert "chuyen tien" in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"code": "cq7k3f9a"})
    assert response.status_code == 302
    assert target.last("CQ7K3F9A").state == PayState.PAID
    [payment] = ledger_rows(app, kind=EntryKind.PAYMENT)
    assert payment.actor_id == manager.id
    assert client.get(url).status_code == 302  # already handled


def test_assigning_to_an_unknown_code_changes_nothing(
    app: Flask, client: FlaskClient, target: FakeTarget, login_as
) -> None:
    post_sepay(client, sepay_body(5, 45_000, "chuyen tien"))
    login_as(Role.MANAGER, provincial=True)
    notification_id = unmatched_id(app)
    page = client.post(
        f"/quan-ly/doi-soat/chuyen-khoan/{notification_id}", data={"code": "CQNOBODY"}
    )
    assert page.status_code == 200
    assert "Không có đơn hàng hay sạp hàng nào dùng mã thanh toán này" in page.get_data(
        as_text=True
    )
    assert unmatched_id(app) == notification_id
    assert ledger_rows(app, kind=EntryKind.PAYMENT) == []


def test_a_manager_flags_an_unmatched_transfer_for_return_then_records_the_refund(
    app: Flask, client: FlaskClient, target: FakeTarget, login_as
) -> None:
    post_sepay(client, sepay_body(5, 45_000, "chuyen nham"))
    login_as(Role.MANAGER, provincial=True)
    client.post(f"/quan-ly/doi-soat/chuyen-khoan/{unmatched_id(app)}/tra-lai")
    assert unmatched_id(app) is None
    with app.app_context():
        [due] = reconciliation.refunds_due()
        entry_id = due.entry.id
    form = client.get(f"/quan-ly/doi-soat/hoan-tien/{entry_id}").get_data(as_text=True)
    assert 'value="45000"' in form
    assert (
        client.post(
            f"/quan-ly/doi-soat/hoan-tien/{entry_id}", data={"flagged": "45.000", "reference": ""}
        ).status_code
        == 200
    )
    response = client.post(
        f"/quan-ly/doi-soat/hoan-tien/{entry_id}",
        data={"flagged": "45.000 ₫", "reference": "FT-TRA-LAI-1"},
    )
    assert response.status_code == 302
    with app.app_context():
        assert reconciliation.refunds_due() == []


@pytest.mark.parametrize("amount", ["abc", "-5", "0", "12.34.5x", "99999999999999"])
def test_a_refund_amount_that_is_not_whole_dong_is_explained(
    app: Flask, client: FlaskClient, target: FakeTarget, login_as, amount: str
) -> None:
    target.add("CQ7K3F9A", 150_000)
    post_sepay(client, sepay_body(1, 200_000, "CQ7K3F9A"))
    login_as(Role.MANAGER, provincial=True)
    [payment] = ledger_rows(app, kind=EntryKind.PAYMENT)
    page = client.post(
        f"/quan-ly/doi-soat/hoan-tien/{payment.id}", data={"amount": amount, "reference": "FT1"}
    )
    assert page.status_code == 200
    assert 'class="error"' in page.get_data(as_text=True)
    assert ledger_rows(app, kind=EntryKind.REFUND) == []
