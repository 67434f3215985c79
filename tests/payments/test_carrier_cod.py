"""Cash on delivery through a carrier (#17.5): received when delivered, receivable from the carrier
until its remittance arrives, the producer paid only after that, differences shown."""

import io
from collections.abc import Callable
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from market.accounts.models import Role, User
from market.dbtypes import utcnow
from market.extensions import db
from orders.models import ActorRole, OrderPart, PartEvent, PartStatus
from payments.balance import verify
from payments.carrier_cod import Remitted, book_collected, record_remittance
from payments.cod_models import CodReceivable, CodRemittance, RemittanceOutcome, RemittanceSource
from payments.errors import ReferenceRequired
from payments.models import EntryKind, PaymentMethod
from payments.order_refunds import refund_order_part
from payments.refund_requests import needs_approval
from payments.settlement import held_parts, settle_due_earnings
from tests.orders.conftest import Shop
from tests.orders.test_shipments import (  # noqa: F401  (fixtures)
    FEE,
    TEA,
    fake,
    notify,
    packed,
    part_url,
)
from tests.payments.conftest import ledger_rows
from tests.payments.placed_orders import order_of
from tests.payments.test_producer_pages import cash_url

PAGE = "/quan-ly/doi-soat/thu-ho"


def _delivered_by_ghn(app: Flask, code: str, number: int = 1, tracking: str = "GHN1") -> int:
    """The carrier delivered part ``number`` and collected its cash; its total."""
    with app.app_context():
        part = db.session.scalar(
            sa.select(OrderPart).where(OrderPart.order.has(code=code), OrderPart.number == number)
        )
        now = utcnow()
        part.events.append(
            PartEvent(
                from_status=part.status,
                to_status=PartStatus.DELIVERED,
                actor_role=ActorRole.SYSTEM,
                created_at=now,
            )
        )
        part.status = PartStatus.DELIVERED
        assert book_collected(part, "ghn", tracking, None, now) is not None
        db.session.commit()
        return part.total


def _csv(*rows: str) -> dict:
    text = "tracking code,amount,date\n" + "\n".join(rows) + "\n"
    return {"carrier": "ghn", "statement": (io.BytesIO(text.encode()), "ghn-cod.csv")}


@pytest.fixture
def manager(login_as: Callable[..., User]) -> User:
    """A provincial manager, signed in."""
    return login_as(Role.MANAGER, provincial=True)


def test_cash_a_carrier_collected_is_received_owed_to_the_producer_and_held_by_the_carrier(
    app: Flask, place
) -> None:
    code = place("cash")
    total = _delivered_by_ghn(app, code)
    (payment,) = ledger_rows(app, kind=EntryKind.PAYMENT)
    assert (payment.method, payment.amount) == (PaymentMethod.CARRIER_COD, total)
    (earning,) = ledger_rows(app, kind=EntryKind.EARNING)
    assert earning.method == PaymentMethod.CARRIER_COD
    assert order_of(app, code).parts[0].paid_amount == total
    with app.app_context():
        proof = verify()
        assert proof.problems == []
        assert proof.total("owed") == total  # the market's money, not kept by the producer
        assert proof.total("kept_in_cash") == 0
        assert proof.carrier_receivable == {"ghn": total}


def test_delivery_reported_twice_books_the_cash_once(app: Flask, place) -> None:
    code = place("cash")
    _delivered_by_ghn(app, code)
    with app.app_context():
        part = db.session.scalar(
            sa.select(OrderPart).where(OrderPart.order.has(code=code)).order_by(OrderPart.number)
        )
        book_collected(part, "ghn", "GHN1")
        db.session.commit()
    assert len(ledger_rows(app, kind=EntryKind.PAYMENT)) == 1


def test_a_prepaid_part_delivered_by_a_carrier_books_nothing(app: Flask, place) -> None:
    code = place("bank_transfer")
    with app.app_context():
        part = db.session.scalar(
            sa.select(OrderPart).where(OrderPart.order.has(code=code)).order_by(OrderPart.number)
        )
        assert book_collected(part, "ghn", "GHN9") is None
    assert ledger_rows(app, kind=EntryKind.PAYMENT) == []


def test_the_producer_is_paid_only_once_the_carrier_remitted(app: Flask, place, shop: Shop) -> None:
    code = place("cash")
    total = _delivered_by_ghn(app, code)
    later = utcnow() + timedelta(days=10)
    with app.app_context():
        assert settle_due_earnings(later) == 0
        (held,) = held_parts(shop.producer_a)
        assert "hãng vận chuyển" in held.reason
        record_remittance(
            Remitted("ghn", "GHN1", total, later.date()), RemittanceSource.NOTIFICATION
        )
        db.session.commit()
        assert settle_due_earnings(later) == 1
        proof = verify()
        assert proof.problems == []
        assert proof.carrier_receivable == {"ghn": 0}


def test_a_statement_import_settles_and_shows_short_twice_and_unknown(
    app: Flask, client: FlaskClient, place, manager: User
) -> None:
    first = place("cash")
    tea = _delivered_by_ghn(app, first, 1, "GHN1")
    oranges = _delivered_by_ghn(app, first, 2, "GHN2")
    response = client.post(
        PAGE,
        data=_csv(
            f"GHN1,{tea},2026-12-08",
            f"GHN2,{oranges - 10_000},08/12/2026",
            "GHN404,50000,2026-12-08",
        ),
    )
    assert response.status_code == 303
    again = client.post(PAGE, data=_csv(f"GHN1,{tea},2026-12-09"))  # the carrier paid it twice
    assert again.status_code == 303
    with app.app_context():
        outcomes = {
            (r.tracking_code, r.outcome) for r in db.session.scalars(sa.select(CodRemittance))
        }
        assert outcomes == {
            ("GHN1", RemittanceOutcome.SETTLED),
            ("GHN2", RemittanceOutcome.SHORT),
            ("GHN404", RemittanceOutcome.UNKNOWN),
            ("GHN1", RemittanceOutcome.DUPLICATE),
        }
        proof = verify()
        assert proof.problems == []
        assert proof.carrier_receivable == {"ghn": 10_000}
    remitted = ledger_rows(app, kind=EntryKind.REMITTANCE)
    assert sorted(r.amount for r in remitted) == sorted([tea, oranges - 10_000])
    page = client.get(PAGE).get_data(as_text=True)
    assert 'data-outcome="short"' in page and 'data-outcome="unknown"' in page
    assert 'data-outcome="duplicate"' in page


def test_importing_the_same_statement_again_records_nothing_new(
    app: Flask, client: FlaskClient, place, manager: User
) -> None:
    code = place("cash")
    tea = _delivered_by_ghn(app, code)
    for _ in range(2):
        assert client.post(PAGE, data=_csv(f"GHN1,{tea},2026-12-08")).status_code == 303
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(CodRemittance.id))) == 1
        assert db.session.scalar(sa.select(CodReceivable.remitted)) == tea


def test_a_statement_with_a_bad_row_changes_nothing_and_names_the_row(
    app: Flask, client: FlaskClient, place, manager: User
) -> None:
    code = place("cash")
    tea = _delivered_by_ghn(app, code)
    response = client.post(PAGE, data=_csv(f"GHN1,{tea},2026-12-08", "GHN2,abc,2026-12-08"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "data-statement-problems" in page and "3" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(CodRemittance.id))) == 0
    assert ledger_rows(app, kind=EntryKind.REMITTANCE) == []


def test_a_file_without_the_columns_is_refused(
    app: Flask, client: FlaskClient, place, manager: User
) -> None:
    _delivered_by_ghn(app, place("cash"))
    data = {"carrier": "ghn", "statement": (io.BytesIO(b"a,b\n1,2\n"), "x.csv")}
    response = client.post(PAGE, data=data)
    assert response.status_code == 400
    assert "Dòng đầu phải ghi tên các cột" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", [None, Role.SHOPPER, Role.MANAGER])
def test_only_managers_see_the_carriers_cash(
    client: FlaskClient, login_as: Callable[..., User], role: Role | None
) -> None:
    if role is not None:
        login_as(role)
    assert client.get(PAGE).status_code in (302, 403, 404)


def test_a_carrier_delivering_a_cash_part_by_webhook_books_its_cod_and_a_statement_settles_it(
    app: Flask,
    client: FlaskClient,
    packed: int,  # noqa: F811
    login_as: Callable[..., User],
) -> None:
    assert notify(client, "e1", "picked_up") == 200
    assert notify(client, "e2", "delivered", cod=2 * TEA + FEE) == 200
    (payment,) = ledger_rows(app, kind=EntryKind.PAYMENT)
    assert (payment.method, payment.amount) == (PaymentMethod.CARRIER_COD, 2 * TEA + FEE)
    assert ledger_rows(app, kind=EntryKind.PAYMENT, method=PaymentMethod.CASH) == []
    with app.app_context():
        assert verify().carrier_receivable == {"fake": 2 * TEA + FEE}
    login_as(Role.MANAGER, provincial=True)
    data = {
        "carrier": "fake",
        "statement": (
            io.BytesIO(
                f"Mã vận đơn;Số tiền;Ngày\nFK000001;{2 * TEA + FEE:,};08/12/2026\n".replace(
                    ",", "."
                ).encode()
            ),
            "fake.csv",
        ),
    }
    assert client.post(PAGE, data=data).status_code == 303
    with app.app_context():
        proof = verify()
        assert proof.problems == []
        assert proof.carrier_receivable == {"fake": 0}


def test_cash_a_carrier_collected_is_refunded_by_the_market_not_the_producer(
    app: Flask, place
) -> None:
    code = place("cash")
    _delivered_by_ghn(app, code)
    with app.app_context():
        part = db.session.scalar(
            sa.select(OrderPart).where(OrderPart.order.has(code=code)).order_by(OrderPart.number)
        )
        assert needs_approval(part)  # the producer asks; a manager gives it back
        with pytest.raises(ReferenceRequired):
            refund_order_part(part, 10_000)


def test_the_producer_cannot_record_cash_a_carrier_collects(
    app: Flask,
    client: FlaskClient,
    shop: Shop,
    packed: int,  # noqa: F811
) -> None:
    page = client.get(part_url(shop, packed)).get_data(as_text=True)
    assert "/thanh-toan/nha-san-xuat/tien-mat/" not in page  # no "cash received" button
    with app.app_context():
        part = db.session.get_one(OrderPart, packed)
        code, reference = part.order.payment_code, part.reference
    answer = client.post(cash_url(app, code, reference), follow_redirects=True)
    assert "thu tiền của người mua" in answer.get_data(as_text=True)
    assert ledger_rows(app, kind=EntryKind.PAYMENT) == []
