"""Fulfilment takes the picked lot, else oldest first; lot pages show the sale; recalls reach
the buyers."""

from collections.abc import Callable
from datetime import date

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from catalog.models import Lot
from catalog.trace.models import EventType, LotEvent
from market.extensions import db
from orders.models import Order, OrderLine, OrderPart, PartStatus
from tests import factories
from tests.farm import Farm

REASON = "Phát hiện dư lượng thuốc bảo vệ thực vật vượt ngưỡng"


def _part_id(app: Flask, order: Order) -> int:
    with app.app_context():
        return db.session.scalars(
            sa.select(OrderPart.id).where(OrderPart.order_id == order.id)
        ).one()


def _advance(owner: FlaskClient, farm: Farm, part_id: int, *actions: str, **lots: str) -> None:
    for action in actions:
        response = owner.post(
            f"/ban-hang/{farm.producer_id}/don-hang/{part_id}/chuyen",
            data={"action": action, "note": "", **lots},
        )
        assert response.status_code == 303


def _ids(app: Flask, part_id: int, lot_code: str) -> tuple[int, int]:
    """The part's (only) line id and a lot's id."""
    with app.app_context():
        line_id = db.session.scalars(
            sa.select(OrderLine.id).where(OrderLine.part_id == part_id)
        ).one()
        lot_id = db.session.scalars(sa.select(Lot.id).where(Lot.code == lot_code)).one()
        return line_id, lot_id


def _status(app: Flask, part_id: int) -> PartStatus:
    with app.app_context():
        return db.session.get(OrderPart, part_id).status


def _sales(app: Flask) -> list[tuple[str, int, str]]:
    with app.app_context():
        events = db.session.scalars(
            sa.select(LotEvent).where(LotEvent.type == EventType.SELLING).order_by(LotEvent.id)
        )
        return [(e.lot.code, int(e.quantity), e.reference) for e in events]


def _packed(app: Flask, farm: Farm, signed_in: Callable, buy: Callable, quantity: int) -> tuple:
    """A cash order for ``quantity`` kg, packed by the owner: (order, part id, owner, shopper)."""
    shopper = signed_in(farm.shopper)
    order = buy(shopper, farm.product_id, quantity, payment_method="cash")
    part_id = _part_id(app, order)
    owner = signed_in(farm.owner)
    _advance(owner, farm, part_id, "pack")
    return order, part_id, owner, shopper


def _ship(app: Flask, farm: Farm, signed_in: Callable, buy: Callable, quantity: int) -> tuple:
    order, part_id, owner, shopper = _packed(app, farm, signed_in, buy, quantity)
    _advance(owner, farm, part_id, "ready")
    return order, part_id, owner, shopper


def test_a_part_ready_for_pickup_sells_from_the_oldest_lots_splitting_across_them(
    app: Flask, farm: Farm, signed_in: Callable, buy: Callable
) -> None:
    order, part_id, owner, shopper = _ship(app, farm, signed_in, buy, 4)
    reference = f"{order.code}-1"
    assert _sales(app) == [("L-OLD", 2, reference), ("L-MID", 2, reference)]

    slip = owner.get(f"/ban-hang/{farm.producer_id}/don-hang/{part_id}/phieu-giao-hang")
    mine = shopper.get(f"/don-hang/{order.code}")
    for page in (slip, mine, owner.get(f"/ban-hang/{farm.producer_id}/don-hang/{part_id}")):
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert 'href="/t/L-OLD"' in html and 'href="/t/L-MID"' in html
        assert "L-NEW" not in html


def test_the_producer_picks_the_lot_a_line_ships_from_and_the_rest_comes_oldest_first(
    app: Flask, farm: Farm, signed_in: Callable, buy: Callable
) -> None:
    order, part_id, owner, _shopper = _packed(app, farm, signed_in, buy, 7)
    page = owner.get(f"/ban-hang/{farm.producer_id}/don-hang/{part_id}").get_data(as_text=True)
    line_id, mid = _ids(app, part_id, "L-MID")
    assert f'name="lot-{line_id}"' in page
    assert "Lô nào xuất hàng?" in page
    for code in ("L-OLD", "L-MID", "L-NEW"):
        assert code in page

    _advance(owner, farm, part_id, "ready", **{f"lot-{line_id}": str(mid)})
    reference = f"{order.code}-1"
    assert _sales(app) == [("L-MID", 5, reference), ("L-OLD", 2, reference)]


def test_a_lot_that_cannot_ship_the_line_is_refused_and_nothing_changes(
    app: Flask, farm: Farm, signed_in: Callable, buy: Callable
) -> None:
    _order, part_id, owner, _shopper = _packed(app, farm, signed_in, buy, 1)
    line_id, old = _ids(app, part_id, "L-OLD")
    with app.app_context():
        other = factories.product(factories.producer("HTX Chè Na Hang"), "Chè Shan tuyết")
        foreign = Lot(code="L-CHE", product=other, harvest_date=date(2025, 1, 1), quantity=9)
        db.session.add(foreign)
        db.session.commit()
        foreign_id = foreign.id
    owner.post(
        f"/ban-hang/{farm.producer_id}/lo/L-OLD/thu-hoi", data={"reason": REASON, "confirm": "y"}
    )
    url = f"/ban-hang/{farm.producer_id}/don-hang/{part_id}/chuyen"
    for picked, message in (
        (str(foreign_id), "Lô này không xuất được sản phẩm này"),
        (str(old), "Lô này không xuất được sản phẩm này"),
        ("L-OLD", "Hãy chọn lô trong danh sách."),
    ):
        response = owner.post(url, data={"action": "ready", f"lot-{line_id}": picked})
        assert response.status_code == 303
        assert message in owner.get(response.location).get_data(as_text=True)
        assert _status(app, part_id) is PartStatus.PACKED
        assert _sales(app) == []


def test_a_pickup_cancelled_before_it_is_handed_over_gives_its_lots_back(
    app: Flask, farm: Farm, signed_in: Callable, buy: Callable
) -> None:
    _order, part_id, owner, _shopper = _ship(app, farm, signed_in, buy, 4)
    assert [code for code, _n, _ref in _sales(app)] == ["L-OLD", "L-MID"]
    response = owner.post(
        f"/ban-hang/{farm.producer_id}/don-hang/{part_id}/huy",
        data={"reason": "Khách không đến nhận hàng sau 3 ngày"},
    )
    assert response.status_code == 303
    assert _status(app, part_id) is PartStatus.CANCELLED
    assert _sales(app) == []

    again, *_rest = _ship(app, farm, signed_in, buy, 2)  # L-OLD's 2 kg are there to sell again
    assert _sales(app) == [("L-OLD", 2, f"{again.code}-1")]


def test_a_shipped_home_delivery_records_its_sale_once(
    app: Flask, farm: Farm, signed_in: Callable, buy: Callable
) -> None:
    order = buy(
        signed_in(farm.shopper),
        farm.product_id,
        1,
        payment_method="cash",
        **{f"delivery_{farm.producer_id}": "own"},
    )
    part_id = _part_id(app, order)
    owner = signed_in(farm.owner)
    _advance(owner, farm, part_id, "pack", "ship", "ship", "deliver")
    assert _sales(app) == [("L-OLD", 1, f"{order.code}-1")]


def test_the_packing_slip_proposes_the_oldest_lots_before_the_part_leaves(
    app: Flask, farm: Farm, signed_in: Callable, buy: Callable
) -> None:
    order = buy(signed_in(farm.shopper), farm.product_id, 3, payment_method="cash")
    part_id = _part_id(app, order)
    slip = signed_in(farm.owner).get(
        f"/ban-hang/{farm.producer_id}/don-hang/{part_id}/phieu-giao-hang"
    )
    html = slip.get_data(as_text=True)
    assert 'href="/t/L-OLD"' in html and 'href="/t/L-MID"' in html
    assert _sales(app) == []  # nothing recorded until the part leaves


def test_a_recalled_lot_is_never_shipped(
    app: Flask, farm: Farm, signed_in: Callable, buy: Callable
) -> None:
    owner = signed_in(farm.owner)
    response = owner.post(
        f"/ban-hang/{farm.producer_id}/lo/L-OLD/thu-hoi", data={"reason": REASON, "confirm": "y"}
    )
    assert response.status_code == 302
    order, *_rest = _ship(app, farm, signed_in, buy, 3)
    assert _sales(app) == [("L-MID", 3, f"{order.code}-1")]


def test_the_public_lot_page_shows_the_sale_but_not_the_order(
    app: Flask, farm: Farm, signed_in: Callable, buy: Callable, client: FlaskClient
) -> None:
    order, *_rest = _ship(app, farm, signed_in, buy, 1)
    html = client.get("/t/L-OLD").get_data(as_text=True)
    assert "step-selling" in html
    assert order.code not in html


def test_a_recall_lists_the_buyer_to_the_producer_and_the_manager_and_emails_them(
    app: Flask, farm: Farm, signed_in: Callable, buy: Callable
) -> None:
    order, _part, owner, _shopper = _ship(app, farm, signed_in, buy, 3)
    reference = f"{order.code}-1"
    app.extensions["mail_outbox"] = []
    manager = signed_in(farm.manager)
    response = manager.post(
        "/quan-ly/truy-xuat/lo/L-MID/thu-hoi", data={"reason": REASON, "confirm": "y"}
    )
    assert response.status_code in (302, 303)

    mails = app.extensions["mail_outbox"]
    assert [m["To"] for m in mails] == ["lan@example.vn"]
    assert reference in mails[0].get_content() and REASON in mails[0].get_content()
    for page in (
        owner.get(f"/ban-hang/{farm.producer_id}/lo/L-MID"),
        manager.get("/quan-ly/truy-xuat/lo/L-MID"),
    ):
        html = page.get_data(as_text=True)
        buyers = html.split('id="buyers-h"')[1].split("</section>")[0]
        assert "Nguyễn Thị Lan" in buyers and reference in buyers
