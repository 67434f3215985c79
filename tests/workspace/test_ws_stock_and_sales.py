"""Quick edit of prices and stock, the sales dashboard, growing areas, lots and CSRF."""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from catalog import stock_history
from catalog.audit import AuditEntry
from catalog.models import AreaStatus, GrowingArea, Lot, Producer, Product, ReviewStatus
from catalog.stock_history import StockMovement, StockReason
from catalog.workspace import areas, bulk, dashboard
from market import registry
from market.accounts.models import User
from market.extensions import db
from tests import factories
from tests.workspace.conftest import Shop


def _more_products(app: Flask, shop: Shop, count: int) -> list[int]:
    with app.app_context():
        maker = db.session.get(Producer, shop.producer_id)
        return [
            factories.product(maker, name=f"Hàng {n}", sku=f"H-{n}", price=10_000, stock=5).id
            for n in range(count)
        ]


def _bulk_form(ids: list[int], **values: dict[int, str]) -> dict:
    data: dict = {"id": [str(i) for i in ids], "reason": "restock"}
    for product_id in ids:
        data[f"price-{product_id}"] = values.get("price", {}).get(product_id, "10000")
        data[f"stock-{product_id}"] = values.get("stock", {}).get(product_id, "5")
        data[f"stock_was-{product_id}"] = "5"
        data[f"low-{product_id}"] = values.get("low", {}).get(product_id, "5")
    return data


def test_the_quick_edit_saves_many_prices_and_stocks_at_once(
    app: Flask, as_owner: FlaskClient, shop: Shop
) -> None:
    ids = _more_products(app, shop, 3)
    data = _bulk_form(
        ids,
        price={ids[0]: "12.500", ids[1]: "20000"},
        stock={ids[1]: "9"},
        low={ids[2]: "0"},
    )
    response = as_owner.post(f"/ban-hang/{shop.producer_id}/gia-va-kho", data=data)
    assert response.status_code == 302
    with app.app_context():
        found = {p.id: p for p in db.session.scalars(sa.select(Product).where(Product.id.in_(ids)))}
        assert (found[ids[0]].price, found[ids[1]].price, found[ids[1]].stock) == (
            12_500,
            20_000,
            9,
        )
        assert found[ids[2]].low_stock_threshold == 0
        movement = db.session.scalars(sa.select(StockMovement)).one()
        assert (movement.delta, movement.stock_after, movement.reason) == (
            4,
            9,
            StockReason.RESTOCK,
        )
        assert (
            db.session.scalar(
                sa.select(sa.func.count(AuditEntry.id)).where(
                    AuditEntry.action == "product.quick_edit"
                )
            )
            == 3
        )


def test_a_sale_made_while_the_form_was_open_is_not_undone(
    app: Flask, as_owner: FlaskClient, shop: Shop
) -> None:
    ids = _more_products(app, shop, 1)
    form = _bulk_form(ids, stock={ids[0]: "8"})  # the producer saw 5 and adds 3
    with app.app_context():
        item = db.session.get(Product, ids[0])
        item.stock = Product.stock - 2  # meanwhile a shopper buys 2
        db.session.flush()
        stock_history.record_stock_change(
            item, -2, StockReason.SALE, None, order_ref="A1", unit_price=10_000
        )
        db.session.commit()
    as_owner.post(f"/ban-hang/{shop.producer_id}/gia-va-kho", data=form)
    with app.app_context():
        assert db.session.get(Product, ids[0]).stock == 6


def test_one_bad_row_saves_nothing_and_marks_the_row(
    app: Flask, as_owner: FlaskClient, shop: Shop
) -> None:
    ids = _more_products(app, shop, 2)
    data = _bulk_form(ids, price={ids[0]: "9000", ids[1]: "12,5"})
    response = as_owner.post(f"/ban-hang/{shop.producer_id}/gia-va-kho", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="err-{ids[1]}"' in page
    assert 'value="12,5"' in page  # what was typed is kept
    with app.app_context():
        assert db.session.get(Product, ids[0]).price == 10_000


def test_stock_that_would_go_below_zero_is_refused(app: Flask, shop: Shop) -> None:
    ids = _more_products(app, shop, 1)
    with app.test_request_context():
        with pytest.raises(bulk.BulkEditError) as error:
            bulk.save_bulk_edit(
                shop.producer_id,
                [bulk.RowEdit(ids[0], 10_000, stock=0, stock_was=9, low_stock_threshold=5)],
                StockReason.CORRECTION,
                shop.actor(),
            )
        assert ids[0] in error.value.problems


def test_another_producers_product_cannot_be_quick_edited(
    app: Flask, as_owner: FlaskClient, shop: Shop, other_shop: Shop
) -> None:
    data = _bulk_form([other_shop.product_id], price={other_shop.product_id: "1"})
    as_owner.post(f"/ban-hang/{shop.producer_id}/gia-va-kho", data=data)
    with app.app_context():
        assert db.session.get(Product, other_shop.product_id).price == 100_000
        with pytest.raises(bulk.BulkEditError):
            bulk.save_bulk_edit(
                shop.producer_id,
                [bulk.RowEdit(other_shop.product_id, 1, 10, 10, 5)],
                StockReason.RESTOCK,
                shop.actor(),
            )


def _sell(app: Flask, product_id: int, units: int, price: int, order: str, when: datetime) -> None:
    with app.app_context():
        item = db.session.get(Product, product_id)
        item.stock = Product.stock - units
        db.session.flush()
        movement = stock_history.record_stock_change(
            item, -units, StockReason.SALE, None, order_ref=order, unit_price=price
        )
        movement.created_at = when
        db.session.commit()


def test_the_dashboard_shows_an_empty_state_before_any_sale(
    as_owner: FlaskClient, shop: Shop
) -> None:
    response = as_owner.get(f"/ban-hang/{shop.producer_id}/tong-quan?period=30d")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'class="notice"' in page
    assert "<svg" not in page  # no empty chart: the notice says what to do instead


def test_the_dashboard_draws_the_daily_chart_and_table_without_script(
    app: Flask, as_owner: FlaskClient, shop: Shop
) -> None:
    _sell(app, shop.product_id, 2, 35_000, "A", datetime.now(UTC).replace(tzinfo=None))
    page = as_owner.get(f"/ban-hang/{shop.producer_id}/tong-quan?period=7d").get_data(as_text=True)
    assert page.count("<rect ") == 7
    assert "70.000 ₫" in page
    main = page.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    assert "<script" not in main


def test_sales_figures_are_computed_per_local_day(app: Flask, shop: Shop) -> None:
    today = date(2026, 3, 10)
    ids = _more_products(app, shop, 1)
    # 23:30 UTC on 9 March is 06:30 on 10 March in Vietnam.
    _sell(app, shop.product_id, 2, 35_000, "A", datetime(2026, 3, 9, 23, 30))
    _sell(app, ids[0], 1, 10_000, "A", datetime(2026, 3, 10, 2, 0))
    _sell(app, shop.product_id, 1, 35_000, "B", datetime(2026, 3, 8, 5, 0))
    _sell(app, shop.product_id, 1, 35_000, "OLD", datetime(2026, 2, 1, 5, 0))
    with app.app_context():
        day = dashboard.sales_summary(shop.producer_id, dashboard.Period(1, today))
        assert (day.revenue, day.orders, day.units) == (80_000, 1, 3)
        week = dashboard.sales_summary(shop.producer_id, dashboard.Period(7, today))
        assert (week.revenue, week.orders, week.units, week.average_order_value) == (
            115_000,
            2,
            4,
            57_500,
        )
        assert len(week.days) == 7
        assert [d.revenue for d in week.days][-3:] == [35_000, 0, 80_000]
        top = dashboard.top_products(shop.producer_id, dashboard.Period(7, today))
        assert [(t.product_id, t.units, t.revenue) for t in top] == [
            (shop.product_id, 3, 105_000),
            (ids[0], 1, 10_000),
        ]
        bars = dashboard.chart_bars(week)
        assert bars[-1].height == dashboard.CHART_HEIGHT and bars[-2].height == 0


def test_returns_are_taken_off_the_sales(app: Flask, shop: Shop) -> None:
    today = date(2026, 3, 10)
    _sell(app, shop.product_id, 3, 10_000, "A", datetime(2026, 3, 10, 2, 0))
    with app.app_context():
        item = db.session.get(Product, shop.product_id)
        item.stock = Product.stock + 1
        db.session.flush()
        movement = stock_history.record_stock_change(
            item, 1, StockReason.RETURN, None, order_ref="A", unit_price=10_000
        )
        movement.created_at = datetime(2026, 3, 10, 3, 0)
        db.session.commit()
        summary = dashboard.sales_summary(shop.producer_id, dashboard.Period(1, today))
        assert (summary.revenue, summary.units, summary.orders) == (20_000, 2, 1)


def test_low_stock_lists_products_at_or_under_their_threshold(app: Flask, shop: Shop) -> None:
    ids = _more_products(app, shop, 2)
    with app.app_context():
        db.session.get(Product, ids[0]).stock = 2
        db.session.get(Product, ids[1]).low_stock_threshold = 0
        db.session.get(Product, ids[1]).stock = 0
        db.session.commit()
        low = dashboard.low_stock(shop.producer_id)
        assert [p.id for p in low] == [ids[0]]


def test_orders_awaiting_fulfilment_come_from_a_plugged_in_counter(
    app: Flask, as_owner: FlaskClient, shop: Shop
) -> None:
    with app.app_context():
        # The orders package plugs its counter in; without one the dashboard shows no figure.
        assert dashboard.awaiting_fulfilment(shop.producer_id) == 0
        app.extensions.pop(registry.FULFILMENT_COUNTER.key)
        assert dashboard.awaiting_fulfilment(shop.producer_id) is None
        registry.FULFILMENT_COUNTER.set(app, registry.FulfilmentCounter(lambda producer_id: 7))
        assert dashboard.awaiting_fulfilment(shop.producer_id) == 7


def test_an_unknown_period_falls_back_to_seven_days(as_owner: FlaskClient, shop: Shop) -> None:
    response = as_owner.get(f"/ban-hang/{shop.producer_id}/tong-quan?period=forever")
    assert response.status_code == 200
    assert dashboard.period_for("forever", date(2026, 1, 1))[0] == "7d"


AREA = {
    "code": " vn-tq-hy 001 ",
    "crop": "Cam sành",
    "variety": "",
    "area_ha": "12.5",
    "households": "34",
    "place": "02392",
    "latitude": "21.8",
    "longitude": "105.2",
    "certification": "vietgap",
    "target_market": "Trong nước",
    "issuing_body": "Chi cục Trồng trọt và BVTV",
    "status": "active",
}


def test_a_growing_area_is_registered_with_its_code_normalised_and_awaits_review(
    app: Flask, as_owner: FlaskClient, shop: Shop
) -> None:
    response = as_owner.post(f"/ban-hang/{shop.producer_id}/vung-trong/moi", data=AREA)
    assert response.status_code == 302
    with app.app_context():
        area = db.session.scalar(sa.select(GrowingArea).where(GrowingArea.code == "VN-TQ-HY001"))
        assert area.review_status == ReviewStatus.PENDING
        assert area.area_ha == Decimal("12.50")
        assert area.households == 34


@pytest.mark.parametrize(
    "change",
    [
        {"code": "TQ-001"},
        {"code": "VN_TQ"},
        {"code": "VN" + "X" * 31},
        {"place": "999:x"},
        {"longitude": ""},
        {"area_ha": "0"},
    ],
)
def test_a_bad_growing_area_is_refused(
    app: Flask, as_owner: FlaskClient, shop: Shop, change: dict
) -> None:
    response = as_owner.post(
        f"/ban-hang/{shop.producer_id}/vung-trong/moi", data={**AREA, **change}
    )
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(GrowingArea.id))) == 1


def test_reinstating_or_recoding_an_area_sends_it_back_to_review(app: Flask, shop: Shop) -> None:
    with app.app_context():
        area = db.session.get(GrowingArea, shop.area_id)
        data = areas.AreaData(
            code=area.code,
            crop=area.crop,
            commune_code=area.commune_code,
            area_slug=area.area_slug,
            status=AreaStatus.SUSPENDED,
        )
        areas.update_area(area, data, shop.actor())
        assert area.review_status == ReviewStatus.APPROVED  # suspending needs no review
        data.status = AreaStatus.ACTIVE
        areas.update_area(area, data, shop.actor())
        assert area.review_status == ReviewStatus.PENDING
        assert not area.is_valid


def test_a_lot_is_recorded_with_a_readable_code(
    app: Flask, as_owner: FlaskClient, shop: Shop, other_shop: Shop
) -> None:
    url = f"/ban-hang/{shop.producer_id}/lo-hang"
    data = {
        "product_id": str(shop.product_id),
        "growing_area_id": str(shop.area_id),
        "harvest_date": "2026-01-15",
        "quantity": "120.5",
    }
    assert as_owner.post(url, data=data).status_code == 302
    with app.app_context():
        lot = db.session.scalars(sa.select(Lot)).one()
        assert lot.code.startswith("260115-") and len(lot.code) == 12
        assert not set(lot.code[7:]) & set("01OI")
        assert lot.quantity == Decimal("120.50")
    assert lot.code in as_owner.get(url).get_data(as_text=True)
    for bad in (
        {"product_id": str(other_shop.product_id)},
        {"growing_area_id": str(other_shop.area_id)},
        {"harvest_date": (date.today() + timedelta(days=2)).isoformat()},
        {"quantity": "0"},
    ):
        assert as_owner.post(url, data={**data, **bad}).status_code == 422
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Lot.id))) == 1


def test_forms_need_a_csrf_token_when_protection_is_on(
    app: Flask, login_as: Callable[..., User], client: FlaskClient, shop: Shop
) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    login_as(user=shop.owner)
    url = f"/ban-hang/{shop.producer_id}/san-pham/{shop.product_id}/trang-thai/paused"
    assert client.post(url).status_code == 400
    page = client.get(f"/ban-hang/{shop.producer_id}/san-pham/{shop.product_id}").get_data(
        as_text=True
    )
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert client.post(url, data={"csrf_token": token}).status_code == 302
    with app.app_context():
        assert db.session.get(Product, shop.product_id).status.value == "paused"
