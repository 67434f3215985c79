"""In-person sales: recorded by the stall's sellers, transfers confirmed only by the bank."""

from collections.abc import Callable
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from catalog.models import HelperGrant
from market.accounts.models import User
from market.dbtypes import utcnow
from market.extensions import db
from market.markets import sales
from market.markets.models import SaleStatus, Stall, StallSale
from payments.models import BankNotification, NotificationStatus, PaymentMethod
from tests.markets.conftest import World, sepay


def _sale(app: Flask, sale_id: int) -> StallSale:
    with app.app_context():
        sale = db.session.get(StallSale, sale_id)
        db.session.expunge(sale)
        return sale


def _last_sale(app: Flask) -> StallSale:
    with app.app_context():
        sale = db.session.scalar(sa.select(StallSale).order_by(StallSale.id.desc()).limit(1))
        db.session.expunge(sale)
        return sale


def _record(client: FlaskClient, stall_id: int, **form: str) -> TestResponse:
    return client.post(f"/sap/{stall_id}/ban", data=form)


def test_a_cash_sale_is_paid_as_soon_as_the_seller_records_it(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World
) -> None:
    login_as(user=world.owner_a)
    response = _record(client, world.stall_a, amount="50.000", method="cash")
    assert response.status_code == 302
    sale = _last_sale(app)
    assert (sale.method, sale.status, sale.amount, sale.paid_amount) == (
        PaymentMethod.CASH,
        SaleStatus.PAID,
        50_000,
        50_000,
    )
    assert sale.payment_code is None and sale.paid_at is not None
    assert (sale.market_id, sale.producer_id, sale.seller_access) == (
        world.market_a,
        world.producer_a,
        "owner",
    )
    page = client.get(f"/sap/{world.stall_a}").get_data(as_text=True)
    assert "50.000 ₫" in page


def test_a_transfer_sale_waits_with_a_payment_code_and_a_vietqr_for_the_stall_account(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World
) -> None:
    login_as(user=world.staff_a)
    response = _record(client, world.stall_a, amount="120000", method="bank_transfer")
    sale = _last_sale(app)
    assert response.headers["Location"].endswith(f"/sap/{world.stall_a}/ban/{sale.id}")
    assert sale.status == SaleStatus.AWAITING and sale.paid_at is None
    assert sale.payment_code.startswith("CQ") and len(sale.payment_code) == 8
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert sale.payment_code in page
    assert "<svg" in page and "HTX CHAN NUOI ONG PHONG THO" in page
    states = client.get(f"/sap/{world.stall_a}/trang-thai?ids={sale.id}").get_json()
    assert states["sales"] == [
        {"id": sale.id, "state": "awaiting", "label": states["sales"][0]["label"], "paid": 0}
    ]
    assert states["final"] is False


def test_only_a_matching_bank_notification_marks_a_transfer_sale_paid(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World
) -> None:
    login_as(user=world.owner_a)
    _record(client, world.stall_a, amount="80.000", method="bank_transfer")
    sale = _last_sale(app)
    # The buyer shows a screenshot: nothing the seller can press marks it paid.
    assert _sale(app, sale.id).status == SaleStatus.AWAITING
    # Paid into another account (a QR pasted over the poster): stays unmatched.
    sepay(client, 1, 80_000, f"{sale.payment_code} chuyen tien", account="999999999")
    assert _sale(app, sale.id).status == SaleStatus.AWAITING
    # Paid into the stall's own account with the code, which the bank lower-cased and spaced.
    spaced = sale.payment_code.lower()[:4] + " " + sale.payment_code.lower()[4:]
    sepay(client, 2, 80_000, f"MBVCB {spaced} mua hang", account="8800201000101")
    paid = _sale(app, sale.id)
    assert (paid.status, paid.paid_amount) == (SaleStatus.PAID, 80_000)
    states = client.get(f"/sap/{world.stall_a}/trang-thai?ids={sale.id}").get_json()
    assert states["sales"][0]["state"] == "paid" and states["final"] is True
    # The same notification delivered again changes nothing.
    sepay(client, 2, 80_000, f"MBVCB {spaced} mua hang", account="8800201000101")
    assert _sale(app, sale.id).paid_amount == 80_000


def test_a_short_transfer_leaves_the_sale_partly_paid_until_the_rest_arrives(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World
) -> None:
    login_as(user=world.owner_a)
    _record(client, world.stall_a, amount="100.000", method="bank_transfer")
    sale = _last_sale(app)
    sepay(client, 10, 10_000, sale.payment_code, account="8800201000101")
    partial = _sale(app, sale.id)
    assert (partial.status, partial.paid_amount) == (SaleStatus.PARTIAL, 10_000)
    page = client.get(f"/sap/{world.stall_a}/ban/{sale.id}").get_data(as_text=True)
    assert "90.000 ₫" in page  # the QR now asks for what remains
    sepay(client, 11, 90_000, sale.payment_code, account="8800201000101")
    assert _sale(app, sale.id).status == SaleStatus.PAID


def test_a_transfer_arriving_after_the_seller_cancelled_reopens_and_pays_the_sale(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World
) -> None:
    login_as(user=world.owner_a)
    _record(client, world.stall_a, amount="30.000", method="bank_transfer")
    sale = _last_sale(app)
    assert client.post(f"/sap/{world.stall_a}/ban/{sale.id}/huy").status_code == 302
    assert _sale(app, sale.id).status == SaleStatus.CANCELLED
    sepay(client, 20, 30_000, sale.payment_code, account="8800201000101")
    assert _sale(app, sale.id).status == SaleStatus.PAID


def test_a_paid_sale_cannot_be_cancelled(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World
) -> None:
    login_as(user=world.owner_a)
    _record(client, world.stall_a, amount="30.000", method="cash")
    sale = _last_sale(app)
    client.post(f"/sap/{world.stall_a}/ban/{sale.id}/huy")
    assert _sale(app, sale.id).status == SaleStatus.PAID


def test_a_transfer_without_the_code_can_be_linked_by_the_seller_only_if_it_fits(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World
) -> None:
    login_as(user=world.owner_a)
    _record(client, world.stall_a, amount="45.000", method="bank_transfer")
    sale = _last_sale(app)
    sepay(client, 30, 45_000, "chuyen tien mua mat ong", account="8800201000101")
    sepay(client, 31, 45_000, "chuyen tien", account="555555555")  # another account
    sepay(client, 32, 40_000, "chuyen tien", account="8800201000101")  # another amount
    with app.app_context():
        ids = {
            note.provider_tx_id: note.id for note in db.session.scalars(sa.select(BankNotification))
        }
        candidates = [n.id for n in sales.transfer_candidates(db.session.get(StallSale, sale.id))]
    assert candidates == [ids["30"]]
    page = client.get(f"/sap/{world.stall_a}/ban/{sale.id}").get_data(as_text=True)
    assert "chuyen tien mua mat ong" in page
    client.post(f"/sap/{world.stall_a}/ban/{sale.id}/lien-ket", data={"notification_id": ids["31"]})
    assert _sale(app, sale.id).status == SaleStatus.AWAITING
    client.post(f"/sap/{world.stall_a}/ban/{sale.id}/lien-ket", data={"notification_id": ids["30"]})
    assert _sale(app, sale.id).status == SaleStatus.PAID
    with app.app_context():
        note = db.session.get(BankNotification, ids["30"])
        assert (note.status, note.payment_code) == (NotificationStatus.ASSIGNED, sale.payment_code)


def test_a_transfer_too_long_after_the_sale_is_not_offered(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World
) -> None:
    login_as(user=world.owner_a)
    _record(client, world.stall_a, amount="45.000", method="bank_transfer")
    sale = _last_sale(app)
    with app.app_context():
        db.session.execute(
            sa.update(StallSale)
            .where(StallSale.id == sale.id)
            .values(created_at=utcnow() - timedelta(hours=2))
        )
        db.session.commit()
    sepay(client, 40, 45_000, "chuyen tien", account="8800201000101")
    with app.app_context():
        assert sales.transfer_candidates(db.session.get(StallSale, sale.id)) == []


def test_products_set_the_amount_at_their_listed_prices(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World
) -> None:
    login_as(user=world.owner_a)
    response = _record(
        client, world.stall_a, method="cash", **{f"qty-{world.honey}": "2", f"qty-{world.tea}": "1"}
    )
    assert response.status_code == 302
    sale = _last_sale(app)
    assert sale.amount == 2 * 250_000 + 120_000 and sale.itemized
    with app.app_context():
        lines = db.session.get(StallSale, sale.id).lines
        assert sorted((line.product_name, line.quantity, line.line_total) for line in lines) == [
            ("Chè Shan tuyết", 1, 120_000),
            ("Mật ong hoa bạc hà", 2, 500_000),
        ]


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"amount": "", "method": "cash"}, "Nhập số tiền"),
        ({"amount": "-5000", "method": "cash"}, "đồng"),
        ({"amount": "năm chục", "method": "cash"}, "đồng"),
        ({"amount": "99999999999999", "method": "bank_transfer"}, "đồng"),
        ({"amount": "50000", "method": "card"}, "cách người mua trả"),
        ({"amount": "50000", "method": ""}, "cách người mua trả"),
        ({"amount": "100000", "method": "cash", "qty-HONEY": "1"}, "tổng tiền các sản phẩm"),
        ({"amount": "", "method": "cash", "qty-HONEY": "1000"}, "1 đến 999"),
        ({"amount": "", "method": "cash", "qty-HONEY": "hai"}, "1 đến 999"),
    ],
)
def test_a_bad_sale_gets_a_clear_message_and_records_nothing(
    app: Flask,
    client: FlaskClient,
    login_as: Callable[..., User],
    world: World,
    form: dict,
    message: str,
) -> None:
    login_as(user=world.owner_a)
    form = {key.replace("HONEY", str(world.honey)): value for key, value in form.items()}
    response = _record(client, world.stall_a, **form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(StallSale)) == 0


def test_a_product_of_another_producer_cannot_be_sold_at_the_stall(
    app: Flask, ctx: None, world: World
) -> None:
    stall = db.session.get(Stall, world.stall_a)
    with pytest.raises(sales.MarketError):
        sales.record_sale(
            stall, world.owner_a, "owner", "cash", None, [sales.Item(world.oranges, 1)]
        )


def test_a_helper_sells_only_while_the_grant_lasts(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World
) -> None:
    login_as(user=world.helper_a)
    assert client.get("/sap").status_code == 302  # straight to the one stall
    assert _record(client, world.stall_a, amount="20000", method="cash").status_code == 302
    assert _last_sale(app).seller_access == "helper"
    with app.app_context():
        db.session.execute(sa.update(HelperGrant).values(revoked_at=utcnow()))
        db.session.commit()
    assert client.get(f"/sap/{world.stall_a}").status_code == 404
    assert _record(client, world.stall_a, amount="20000", method="cash").status_code == 404


def test_a_stall_that_is_not_in_use_takes_no_sales(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World
) -> None:
    with app.app_context():
        db.session.execute(sa.update(Stall).values(active=False))
        db.session.commit()
    login_as(user=world.owner_a)
    assert client.get(f"/sap/{world.stall_a}").status_code == 404


def test_the_status_endpoint_answers_304_while_nothing_changes(
    client: FlaskClient, login_as: Callable[..., User], world: World, app: Flask
) -> None:
    login_as(user=world.owner_a)
    _record(client, world.stall_a, amount="80.000", method="bank_transfer")
    sale = _last_sale(app)
    first = client.get(f"/sap/{world.stall_a}/trang-thai?ids={sale.id}")
    again = client.get(
        f"/sap/{world.stall_a}/trang-thai?ids={sale.id}",
        headers={"If-None-Match": first.headers["ETag"]},
    )
    assert again.status_code == 304 and again.data == b""
    sepay(client, 50, 80_000, sale.payment_code, account="8800201000101")
    changed = client.get(
        f"/sap/{world.stall_a}/trang-thai?ids={sale.id}",
        headers={"If-None-Match": first.headers["ETag"]},
    )
    assert changed.status_code == 200 and changed.get_json()["sales"][0]["state"] == "paid"


def test_the_status_endpoint_ignores_other_stalls_sales_and_junk_ids(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World
) -> None:
    login_as(user=world.owner_b)
    _record(client, world.stall_b, amount="10.000", method="cash")
    other = _last_sale(app)
    login_as(user=world.owner_a)
    answer = client.get(f"/sap/{world.stall_a}/trang-thai?ids={other.id},x,-1,,99999999999999")
    assert answer.status_code == 200 and answer.get_json()["sales"] == []
    assert client.get(f"/sap/{world.stall_a}/ban/{other.id}").status_code == 404


def test_the_sale_form_needs_its_csrf_token(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World
) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    login_as(user=world.owner_a)
    refused = _record(client, world.stall_a, amount="50000", method="cash")
    assert refused.status_code == 400
    page = client.get(f"/sap/{world.stall_a}").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    accepted = _record(client, world.stall_a, amount="50000", method="cash", csrf_token=token)
    assert accepted.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(StallSale)) == 1


def _report_page(client: FlaskClient) -> str:
    today = (utcnow() + timedelta(hours=7)).date().isoformat()
    response = client.get("/quan-ly/bao-cao", query_string={"start": today, "end": today})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_partly_paid_transfer_sale_counts_as_cashless_for_what_arrived(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World, runner
) -> None:
    login_as(user=world.owner_a)
    _record(client, world.stall_a, amount="100.000", method="bank_transfer")
    sale = _last_sale(app)
    sepay(client, 10, 10_000, sale.payment_code, account="8800201000101")
    login_as(user=world.manager_a)
    page = _report_page(client)
    assert "10.000\u00a0₫" in page and "100.000\u00a0₫" not in page
    assert "1 lượt" in page  # cashless by count: the partly paid transfer
    assert runner.invoke(args=["markets", "rollups", "rebuild"]).exit_code == 0
    assert "10.000\u00a0₫" in _report_page(client)  # the rebuild counts it alike
    sepay(client, 11, 90_000, sale.payment_code, account="8800201000101")
    page = _report_page(client)
    assert "100.000\u00a0₫" in page and "1 lượt" in page  # one sale, paid in full
