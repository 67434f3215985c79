"""Marketplace fees fixed onto paid parts, settlement after pickup, and payout runs from
balances to transfers confirmed by the bank's debit notification."""

import io
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
import zxingcpp
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from PIL import Image

from catalog.bank_checks import account_state, confirm_account
from catalog.models import Category, Producer
from market import registry
from market.accounts.models import Role
from market.dbtypes import utcnow
from market.extensions import db
from orders import fulfilment, services
from orders.lifecycle import Action
from orders.models import ActorRole, Order
from orders.transitions import Actor
from payments import fees, statements, vietqr
from payments.earning_models import DEFAULT_SCOPE, LineStatus, PartEarning, PayoutLine
from payments.ledger import add_entry
from payments.models import EntryKind, EntryStatus, PaymentMethod
from payments.part_money import fee_charged, fees_by_code, scaled
from payments.payouts import producer_balance
from payments.refunds import refund_part
from payments.settlement import held_parts, settle_due_earnings
from tests.orders.conftest import Shop
from tests.payments.conftest import ledger_rows, post_sepay, sepay_body

OWNER = Actor(ActorRole.OWNER, None)
TOTAL = 210_000  # tea 120.000 (producer A) + 2 oranges 90.000 (producer B), picked up


@pytest.mark.parametrize(
    ("amount", "rate_bp", "expected"),
    [(120_000, 500, 6_000), (10_001, 250, 250), (10_020, 250, 251), (99, 5_000, 50), (0, 900, 0)],
)
def test_a_rate_in_basis_points_rounds_to_the_nearest_dong_halves_up(
    amount: int, rate_bp: int, expected: int
) -> None:
    assert scaled(amount, rate_bp) == expected


def test_a_refund_gives_back_the_fee_in_proportion_to_what_was_refunded() -> None:
    assert fee_charged(6_000, 120_000, 0) == 6_000
    assert fee_charged(6_000, 120_000, 40_000) == 4_000
    assert fee_charged(6_001, 120_000, 60_000) == 3_001  # 3.000,5 rounds up
    assert fee_charged(6_000, 120_000, 120_000) == 0


def _set_rates(app: Flask, manager_id: int, default: int, group: int | None = None) -> None:
    with app.app_context():
        fees.set_rule(DEFAULT_SCOPE, default, delivery_carries=False, actor_id=manager_id)
        if group is not None:
            food = db.session.scalar(sa.select(Category).where(Category.code == "I"))
            fees.set_rule(
                fees.group_scope(food.id), group, delivery_carries=False, actor_id=manager_id
            )


def _paid_order(app: Flask, client: FlaskClient, place: Callable[..., str], tx: int = 1) -> str:
    code = place()
    assert post_sepay(client, sepay_body(tx, TOTAL, f"CK CQ{code}")).status_code == 200
    return code


def _hand_over(app: Flask, code: str, *numbers: int) -> None:
    with app.app_context():
        order = db.session.scalar(sa.select(Order).where(Order.code == code))
        for part in order.parts:
            if part.number in numbers:
                for step in (Action.PACK, Action.READY, Action.HAND_OVER):
                    fulfilment.advance_part(part, step, OWNER)


def _earnings(app: Flask) -> dict[int, PartEarning]:
    with app.app_context():
        found = {e.producer_id: e for e in db.session.scalars(sa.select(PartEarning))}
        db.session.expunge_all()
        return found


def test_the_fee_is_fixed_onto_each_part_when_it_is_paid_and_later_rates_never_change_it(
    app: Flask, client: FlaskClient, shop: Shop, place: Callable[..., str], make_user
) -> None:
    manager = make_user(Role.MANAGER, provincial=True)
    _set_rates(app, manager.id, default=500)
    with app.app_context():
        fees.set_rule(
            fees.producer_scope(shop.producer_b), 0, delivery_carries=False, actor_id=manager.id
        )
    _paid_order(app, client, place)
    _set_rates(app, manager.id, default=2_000)
    found = _earnings(app)
    tea, oranges = found[shop.producer_a], found[shop.producer_b]
    assert (tea.gross, tea.rate_bp, tea.fee) == (120_000, 500, 6_000)
    assert (oranges.gross, oranges.rate_bp, oranges.fee) == (90_000, 0, 0)  # pilot-year exception
    with app.app_context():
        assert producer_balance(shop.producer_a).fees == 6_000


def test_an_ocop_group_rate_beats_the_default_and_vat_is_added_where_configured(
    app: Flask, client: FlaskClient, shop: Shop, place: Callable[..., str], make_user
) -> None:
    app.config["MARKETPLACE_FEE_VAT_BP"] = 1_000
    manager = make_user(Role.MANAGER, provincial=True)
    _set_rates(app, manager.id, default=500, group=300)
    _paid_order(app, client, place)
    tea = _earnings(app)[shop.producer_a]
    assert (tea.rate_bp, tea.fee, tea.vat_bp, tea.vat) == (300, 3_600, 1_000, 360)


def test_earnings_become_payable_days_after_pickup_and_not_while_a_hold_is_open(
    app: Flask, client: FlaskClient, shop: Shop, place: Callable[..., str]
) -> None:
    code = _paid_order(app, client, place)
    with app.app_context():
        assert settle_due_earnings(utcnow() + timedelta(days=10)) == 0  # nothing handed over
    _hand_over(app, code, 1, 2)
    held = {f"{code}-2"}
    registry.SETTLEMENT_HOLDS.add(
        app, lambda parts: {key: "dispute" for key in parts if key[1] in held}
    )
    with app.app_context():
        assert settle_due_earnings(utcnow() + timedelta(days=2)) == 0
        assert settle_due_earnings(utcnow() + timedelta(days=4)) == 1
        assert producer_balance(shop.producer_a).payable == 120_000
        assert producer_balance(shop.producer_b).held == 90_000
    held.clear()
    with app.app_context():
        assert settle_due_earnings(utcnow() + timedelta(days=4)) == 1
        assert producer_balance(shop.producer_b).payable == 90_000


def test_the_settle_command_reports_how_many_parts_became_payable(
    app: Flask, client: FlaskClient, place: Callable[..., str], runner
) -> None:
    code = _paid_order(app, client, place)
    _hand_over(app, code, 1)
    later = (utcnow() + timedelta(days=5)).strftime("%Y-%m-%d %H:%M:%S")
    result = runner.invoke(args=["payments", "settle", "--now", later])
    assert result.exit_code == 0 and "1 part(s) became payable." in result.output


def _ready_to_pay(
    app: Flask, client: FlaskClient, place: Callable[..., str], manager_id: int
) -> str:
    _set_rates(app, manager_id, default=500)
    code = _paid_order(app, client, place)
    _hand_over(app, code, 1, 2)
    with app.app_context():
        settle_due_earnings(utcnow() + timedelta(days=4))
    return code


def _line(app: Flask, producer_id: int) -> PayoutLine:
    with app.app_context():
        line = db.session.scalar(sa.select(PayoutLine).where(PayoutLine.producer_id == producer_id))
        db.session.expunge_all()
        return line


def debit(tx: int, amount: int, memo: str, **fields: object) -> dict:
    return sepay_body(tx, amount, memo, transferType="out", **fields)


def test_a_manager_runs_payouts_and_the_bank_debit_confirms_each_line(
    app: Flask, client: FlaskClient, shop: Shop, place: Callable[..., str], login_as
) -> None:
    manager = login_as(Role.MANAGER, provincial=True)
    _ready_to_pay(app, client, place, manager.id)
    page = client.get("/quan-ly/doi-soat/chi-tra?toi-thieu=50000").get_data(as_text=True)
    assert "114.000 ₫" in page and "85.500 ₫" in page  # 120.000 − 5 %, 90.000 − 5 %
    created = client.post("/quan-ly/doi-soat/chi-tra", data={"minimum": "100.000"})
    assert created.status_code == 303
    line = _line(app, shop.producer_a)
    assert (line.amount, line.gross, line.fees, line.carried_over) == (114_000, 120_000, 6_000, 0)
    assert _line(app, shop.producer_b) is None  # 85.500 is under the minimum
    run_page = client.get(created.location).get_data(as_text=True)
    assert line.code in run_page and f"/chi-tra/dong/{line.id}/qr.png" in run_page
    qr = client.get(f"/quan-ly/doi-soat/chi-tra/dong/{line.id}/qr.png")
    assert qr.status_code == 200 and qr.mimetype == "image/png"
    [found] = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.data)))
    paying = vietqr.parse(found.text)
    assert (paying.account, paying.amount) == (line.bank_account, 114_000)
    assert paying.purpose.startswith(line.code)
    with app.app_context():
        assert producer_balance(shop.producer_a).payable == 0  # reserved by the run
    assert post_sepay(client, debit(901, 114_000, f"{line.code} ChoQue chi tra")).status_code == 200
    assert _line(app, shop.producer_a).status == LineStatus.CONFIRMED
    [payout] = ledger_rows(app, kind=EntryKind.PAYOUT)
    assert (payout.producer_id, payout.amount) == (shop.producer_a, 114_000)
    with app.app_context():
        balance = producer_balance(shop.producer_a)
        assert (balance.paid_out, balance.owed, balance.payable) == (114_000, 0, 0)


def test_a_returned_transfer_reopens_the_balance(
    app: Flask, client: FlaskClient, shop: Shop, place: Callable[..., str], login_as
) -> None:
    manager = login_as(Role.MANAGER, provincial=True)
    _ready_to_pay(app, client, place, manager.id)
    client.post("/quan-ly/doi-soat/chi-tra", data={"minimum": "1"})
    line = _line(app, shop.producer_a)
    post_sepay(client, debit(901, line.amount, f"{line.code} chi tra"))
    post_sepay(client, sepay_body(902, line.amount, f"HOAN TRA {line.code}"))
    assert _line(app, shop.producer_a).status == LineStatus.RETURNED
    [payout] = ledger_rows(app, kind=EntryKind.PAYOUT)
    assert payout.status == EntryStatus.FAILED
    with app.app_context():
        assert producer_balance(shop.producer_a).payable == 114_000


def test_a_debit_for_another_amount_confirms_nothing(
    app: Flask, client: FlaskClient, shop: Shop, place: Callable[..., str], login_as
) -> None:
    manager = login_as(Role.MANAGER, provincial=True)
    _ready_to_pay(app, client, place, manager.id)
    client.post("/quan-ly/doi-soat/chi-tra", data={"minimum": "1"})
    line = _line(app, shop.producer_a)
    post_sepay(client, debit(901, line.amount - 1, line.code))
    assert _line(app, shop.producer_a).status == LineStatus.PENDING
    assert ledger_rows(app, kind=EntryKind.PAYOUT) == []


def test_a_line_recorded_by_hand_needs_a_reference_and_a_withdrawn_line_frees_the_balance(
    app: Flask, client: FlaskClient, shop: Shop, place: Callable[..., str], login_as
) -> None:
    manager = login_as(Role.MANAGER, provincial=True)
    _ready_to_pay(app, client, place, manager.id)
    client.post("/quan-ly/doi-soat/chi-tra", data={"minimum": "1"})
    tea, oranges = _line(app, shop.producer_a), _line(app, shop.producer_b)
    client.post(f"/quan-ly/doi-soat/chi-tra/dong/{tea.id}/xac-nhan", data={"reference": " "})
    assert _line(app, shop.producer_a).status == LineStatus.PENDING
    client.post(f"/quan-ly/doi-soat/chi-tra/dong/{tea.id}/xac-nhan", data={"reference": "FT1"})
    assert _line(app, shop.producer_a).status == LineStatus.CONFIRMED
    client.post(f"/quan-ly/doi-soat/chi-tra/dong/{oranges.id}/huy")
    assert _line(app, shop.producer_b).status == LineStatus.CANCELLED
    with app.app_context():
        assert producer_balance(shop.producer_b).payable == 85_500
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).where(PartEarning.statement_line_id.is_not(None))
            )
            == 1
        )


def test_statements_and_the_batch_csv_download_and_only_their_producer_sees_them(
    app: Flask, client: FlaskClient, shop: Shop, place: Callable[..., str], login_as
) -> None:
    manager = login_as(Role.MANAGER, provincial=True)
    app.config["PAYOUT_ACCOUNT_WAIT_DAYS"] = 0
    with app.app_context():
        db.session.get(Producer, shop.producer_a).bank_holder = "=HYPERLINK(1)"
        db.session.commit()
        assert confirm_account(shop.producer_a, manager.id)
    _ready_to_pay(app, client, place, manager.id)
    client.post("/quan-ly/doi-soat/chi-tra", data={"minimum": "1"})
    line = _line(app, shop.producer_a)
    csv_text = client.get(f"/quan-ly/doi-soat/chi-tra/{line.run_id}/chuyen-khoan.csv").get_data(
        as_text=True
    )
    assert "'=HYPERLINK(1)" in csv_text and f"{line.code} ChoQue chi tra" in csv_text
    login_as(user=shop.owner_a)
    base = f"/thanh-toan/nha-san-xuat/{shop.producer_a}"
    page = client.get(base).get_data(as_text=True)
    assert "6.000 ₫" in page and line.code in page
    pdf = client.get(f"{base}/sao-ke/{line.id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    xlsx = client.get(f"{base}/sao-ke/{line.id}.xlsx")
    assert xlsx.status_code == 200 and xlsx.data.startswith(b"PK")
    oranges = _line(app, shop.producer_b)
    assert client.get(f"{base}/sao-ke/{oranges.id}.pdf").status_code == 404
    login_as(user=shop.owner_b)
    assert client.get(f"{base}/sao-ke/{line.id}.pdf").status_code == 404


@pytest.mark.parametrize("pool_minimum", [40, 1], ids=["in-process", "worker-processes"])
def test_the_statements_command_writes_every_statement_of_a_run_as_downloaded(
    app: Flask,
    client: FlaskClient,
    shop: Shop,
    place: Callable[..., str],
    login_as,
    runner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    pool_minimum: int,
) -> None:
    monkeypatch.setattr(statements, "POOL_MINIMUM", pool_minimum)
    manager = login_as(Role.MANAGER, provincial=True)
    _ready_to_pay(app, client, place, manager.id)
    client.post("/quan-ly/doi-soat/chi-tra", data={"minimum": "1"})
    lines = [_line(app, shop.producer_a), _line(app, shop.producer_b)]
    out = tmp_path / "statements"
    result = runner.invoke(args=["payments", "statements", str(lines[0].run_id), str(out)])
    assert result.exit_code == 0 and "2 statement(s) written" in result.output
    assert len(list(out.iterdir())) == 4
    for line in lines:
        base = f"/quan-ly/doi-soat/chi-tra/dong/{line.id}/sao-ke"
        pdf = client.get(f"{base}.pdf").data
        assert (out / f"sao-ke-{line.code}.pdf").read_bytes() == pdf
        written = load_workbook(out / f"sao-ke-{line.code}.xlsx").active
        downloaded = load_workbook(io.BytesIO(client.get(f"{base}.xlsx").data)).active
        rows = list(written.iter_rows(values_only=True))
        assert rows == list(downloaded.iter_rows(values_only=True))
        assert line.code in str(rows[0][0]) and len(rows) > 10
    missing = runner.invoke(args=["payments", "statements", "999999", str(tmp_path / "none")])
    assert missing.exit_code == 1 and "not found" in missing.output


def test_a_refund_after_payment_lowers_the_fee_and_what_is_owed(
    app: Flask, client: FlaskClient, shop: Shop, place: Callable[..., str], make_user
) -> None:
    manager = make_user(Role.MANAGER, provincial=True)
    _set_rates(app, manager.id, default=500)
    code = _paid_order(app, client, place)
    with app.app_context():
        refund_part(f"CQ{code}", f"{code}-1", 40_000, reference="FT-BACK", actor_id=manager.id)
        balance = producer_balance(shop.producer_a)
        assert (balance.fees, balance.owed, balance.held) == (4_000, 76_000, 76_000)
        assert fees_by_code() == {f"CQ{code}": 4_000 + 4_500}


def test_managers_see_fee_income_by_month_market_and_group_and_download_it(
    app: Flask, client: FlaskClient, shop: Shop, place: Callable[..., str], login_as
) -> None:
    manager = login_as(Role.MANAGER, provincial=True)
    _set_rates(app, manager.id, default=500)
    _paid_order(app, client, place)
    page = client.get("/quan-ly/doi-soat/phi-san/thu-nhap").get_data(as_text=True)
    assert "10.500 ₫" in page  # 6.000 + 4.500
    xlsx = client.get("/quan-ly/doi-soat/phi-san/thu-nhap?dang=xlsx")
    assert xlsx.status_code == 200 and xlsx.data.startswith(b"PK")


def test_a_manager_sets_a_rate_in_percent_and_a_bad_rate_changes_nothing(
    app: Flask, client: FlaskClient, login_as
) -> None:
    login_as(Role.MANAGER, provincial=True)
    bad = client.post("/quan-ly/doi-soat/phi-san", data={"scope": DEFAULT_SCOPE, "rate": "120"})
    assert bad.status_code == 200 and 'class="error"' in bad.get_data(as_text=True)
    done = client.post(
        "/quan-ly/doi-soat/phi-san",
        data={"scope": DEFAULT_SCOPE, "rate": "2,5".replace(",", "."), "delivery_carries": "y"},
    )
    assert done.status_code == 302
    with app.app_context():
        rule = fees.rules()[DEFAULT_SCOPE]
        assert (rule.rate_bp, rule.delivery_carries) == (250, True)


@pytest.mark.parametrize(
    "path",
    [
        "/quan-ly/doi-soat/phi-san",
        "/quan-ly/doi-soat/phi-san/thu-nhap",
        "/quan-ly/doi-soat/chi-tra",
        "/quan-ly/doi-soat/tai-khoan",
    ],
)
def test_fee_and_payout_pages_are_for_provincial_managers_only(
    client: FlaskClient, login_as, path: str
) -> None:
    login_as(Role.SHOPPER)
    assert client.get(path).status_code in (403, 404)


def test_a_changed_payout_account_is_paid_only_after_a_manager_checks_it_and_the_wait(
    app: Flask, client: FlaskClient, shop: Shop, place: Callable[..., str], login_as
) -> None:
    manager = login_as(Role.MANAGER, provincial=True)
    _ready_to_pay(app, client, place, manager.id)
    with app.app_context():
        producer = db.session.get(Producer, shop.producer_a)
        producer.bank_account, producer.bank_holder = "0019999999", "NGUOI KHAC"
        db.session.commit()
    page = client.get("/quan-ly/doi-soat/chi-tra?toi-thieu=1").get_data(as_text=True)
    assert "Chưa có tài khoản đã kiểm tra" in page
    client.post("/quan-ly/doi-soat/chi-tra", data={"minimum": "1"})
    assert _line(app, shop.producer_a) is None  # nothing goes to an unchecked account
    assert "NGUOI KHAC" in client.get("/quan-ly/doi-soat/tai-khoan").get_data(as_text=True)
    assert client.post(f"/quan-ly/doi-soat/tai-khoan/{shop.producer_a}").status_code == 303
    with app.app_context():
        state = account_state(db.session.get(Producer, shop.producer_a))
        assert state.checked and not state.usable()
        assert state.usable(utcnow() + timedelta(days=3, minutes=1))
    login_as(user=shop.owner_a)
    page = client.get(f"/thanh-toan/nha-san-xuat/{shop.producer_a}").get_data(as_text=True)
    assert "0019999999" in page


def test_payout_and_fee_forms_refuse_a_missing_csrf_token(
    app: Flask, client: FlaskClient, shop: Shop, place: Callable[..., str], login_as
) -> None:
    manager = login_as(Role.MANAGER, provincial=True)
    _ready_to_pay(app, client, place, manager.id)
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/quan-ly/doi-soat/chi-tra", data={"minimum": "1"}).status_code == 400
    rate = {"scope": DEFAULT_SCOPE, "rate": "9"}
    assert client.post("/quan-ly/doi-soat/phi-san", data=rate).status_code == 400
    assert client.post(f"/quan-ly/doi-soat/tai-khoan/{shop.producer_a}").status_code == 400
    assert _line(app, shop.producer_a) is None
    with app.app_context():
        assert fees.rules()[DEFAULT_SCOPE].rate_bp == 500


def test_the_producer_reads_gross_fee_and_net_on_the_part_page(
    app: Flask, client: FlaskClient, shop: Shop, place: Callable[..., str], login_as
) -> None:
    manager = login_as(Role.MANAGER, provincial=True)
    code = _ready_to_pay(app, client, place, manager.id)
    with app.app_context():
        order = db.session.scalar(sa.select(Order).where(Order.code == code))
        part_id = next(p.id for p in order.parts if p.producer_id == shop.producer_a)
    login_as(user=shop.owner_a)
    page = client.get(f"/ban-hang/{shop.producer_a}/don-hang/{part_id}").get_data(as_text=True)
    assert "data-part-earning" in page
    assert "120.000 ₫" in page and "6.000 ₫" in page and "114.000 ₫" in page


def test_a_card_refund_still_in_flight_holds_the_part(
    app: Flask, client: FlaskClient, shop: Shop, place: Callable[..., str]
) -> None:
    code = _paid_order(app, client, place)
    _hand_over(app, code, 1, 2)
    with app.app_context():
        add_entry(
            kind=EntryKind.REFUND,
            method=PaymentMethod.CARD,
            status=EntryStatus.PENDING,
            amount=10_000,
            target_code=f"CQ{code}",
            part_ref=f"{code}-1",
            producer_id=shop.producer_a,
        )
        db.session.commit()
        assert settle_due_earnings(utcnow() + timedelta(days=4)) == 1
        [held] = held_parts(shop.producer_a)
        assert held.reason == "Đang xử lý hoàn tiền"


def test_a_paid_part_its_producer_cancelled_is_not_owed_to_it(
    app: Flask, client: FlaskClient, shop: Shop, place: Callable[..., str], login_as
) -> None:
    code = _paid_order(app, client, place)
    with app.app_context():
        order = db.session.scalar(sa.select(Order).where(Order.code == code))
        oranges = next(part for part in order.parts if part.producer_id == shop.producer_b)
        services.cancel_part(oranges, Actor(ActorRole.OWNER, shop.owner_b.id), "Hết hàng")
        balance = producer_balance(shop.producer_b)
        assert (balance.earned, balance.owed, balance.held, balance.payable) == (0, 0, 0, 0)
        assert held_parts(shop.producer_b) == []
        assert producer_balance(shop.producer_a).owed == 120_000  # the other part still stands
    login_as(user=shop.owner_b)
    page = client.get(f"/thanh-toan/nha-san-xuat/{shop.producer_b}").get_data(as_text=True)
    owed = re.search(r"Chợ còn nợ bạn</dt><dd[^>]*>([^<]*)<", page)  # "the market owes you"
    assert owed and owed.group(1).startswith("0")
