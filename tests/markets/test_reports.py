"""Sales reports: figures equal the ones worked out by hand on a fixed set of sales.

November 2026 (Vietnam days), province scope. Counted sales:

    O1  online  bank transfer  producer A (070)  honey × 2 = 500.000   paid 3 Nov 17:00
    O2  online  cash           producer C (075)  juice × 3 = 120.000   paid 5 Nov 01:30
    O6  online  card           producer C (075)  juice × 2 =  80.000   paid 1 Nov 00:00
    S1  stall A cash           producer A         no products  50.000  paid 3 Nov 08:00
    S2  stall A transfer       producer A  honey + tea      = 370.000  paid 3 Nov 09:00
    S3  stall B transfer       producer B  oranges × 2      =  60.000  paid 20 Nov 10:00

Not counted: an unpaid part, a paid part later cancelled, a refunded part, a part paid at
23:59 on 31 Oct (Vietnam), a stall sale still waiting, one cancelled, one partly paid.
Totals: 6 sales, 1.180.000 ₫, 11 units, 4 cashless sales worth 1.010.000 ₫.
"""

import csv
import io
from collections.abc import Callable
from datetime import date, datetime
from itertools import count

import openpyxl
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from catalog.models import Product, ReviewStatus
from market.accounts.models import User
from market.extensions import db
from market.i18n import local_today
from market.jobs.models import Job, JobState
from market.jobs.worker import Worker
from market.markets import export_jobs, exports, reports, rollups
from market.markets.models import MarketManager, Stall, StallSale, StallSaleLine
from market.markets.scopes import Grain, Period, Scope
from orders.models import Order, OrderLine, OrderPart
from tests import factories
from tests.markets.conftest import NOVEMBER_ARGS, World, workbook

NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30), Grain.DAY)
PROVINCE = Scope("all", "province", None)
_codes = count(1)


def _order(
    method: str,
    parts: list[tuple[int, list[tuple[Product, int]], str, datetime | None]],
    **pickup: object,
) -> None:
    """An online order: (producer id, [(product, quantity)], part status, paid at) per part;
    ``pickup_stall_id`` or ``pickup_point`` for parts picked up at a stall."""
    n = next(_codes)
    order = Order(
        code=f"T{n:05d}",
        access_token=f"token-{n}",
        idempotency_key=f"key-{n}",
        contact_name="Khách",
        contact_phone="0912345678",
        payment_method=method,
        items_total=0,
        delivery_total=0,
        total=0,
    )
    for number, (producer_id, items, status, paid_at) in enumerate(parts, start=1):
        goods = sum(product.price * quantity for product, quantity in items)
        paid = goods + 30_000 if paid_at else 0
        order.parts.append(
            OrderPart(
                producer_id=producer_id,
                number=number,
                status=status,
                delivery_method="pickup_stall" if pickup else "home",
                **pickup,
                items_total=goods,
                delivery_fee=30_000,
                total=goods + 30_000,
                paid_amount=paid,
                paid_at=paid_at,
                refunded_amount=paid if status == "refunded" else 0,
                lines=[
                    OrderLine(
                        product_id=product.id,
                        product_name=product.name,
                        unit=product.unit,
                        unit_price=product.price,
                        quantity=quantity,
                        line_total=product.price * quantity,
                    )
                    for product, quantity in items
                ],
            )
        )
        order.items_total += goods
        order.delivery_total += 30_000
    order.total = order.items_total + order.delivery_total
    db.session.add(order)


def _stall_sale(
    world: World,
    stall: str,
    method: str,
    amount: int,
    status: str,
    paid_at: datetime | None,
    items: list[tuple[Product, int]] = (),
) -> None:
    n = next(_codes)
    db.session.add(
        StallSale(
            stall_id=getattr(world, stall),
            market_id=world.market_a if stall == "stall_a" else world.market_b,
            producer_id=world.producer_a if stall == "stall_a" else world.producer_b,
            seller_access="owner",
            method=method,
            amount=amount,
            paid_amount=amount if status == "paid" else (40_000 if status == "partial" else 0),
            status=status,
            payment_code=f"CQT{n:05d}" if method == "bank_transfer" else None,
            itemized=bool(items),
            created_at=paid_at or datetime(2026, 11, 15),
            paid_at=paid_at,
            lines=[
                StallSaleLine(
                    product_id=p.id,
                    product_name=p.name,
                    unit=p.unit,
                    unit_price=p.price,
                    quantity=q,
                    line_total=p.price * q,
                )
                for p, q in items
            ],
        )
    )


@pytest.fixture
def sales(app: Flask, world: World) -> World:
    """The fixed November sales of the module docstring."""
    with app.app_context():
        honey = db.session.get(Product, world.honey)
        tea = db.session.get(Product, world.tea)
        oranges = db.session.get(Product, world.oranges)
        honey.category = factories.leaf("I.2.b")
        tea.category = factories.leaf("I.5.a")
        maker_c = factories.producer(
            name="HTX Nước ép Yên Sơn", commune_code="02509", area_slug="yen-son"
        )
        juice = factories.product(
            maker_c, name="=Nước cam ép", price=40_000, category_code="II.2.b", unit="chai"
        )
        factories.recognition(honey, stars=4, decided=date(2025, 1, 1))
        factories.recognition(tea, stars=5, decided=date(2023, 1, 1))  # expired in Jan 2026
        factories.recognition(oranges, stars=3, decided=date(2024, 6, 1))
        factories.recognition(juice, stars=4, decided=date(2025, 1, 1), review=ReviewStatus.PENDING)
        a, b, c = world.producer_a, world.producer_b, maker_c.id
        _order("bank_transfer", [(a, [(honey, 2)], "delivered", datetime(2026, 11, 3, 10))])
        _order(
            "cash",
            [
                (c, [(juice, 3)], "picked_up", datetime(2026, 11, 4, 18, 30)),
                (b, [(oranges, 5)], "awaiting_fulfilment", None),
            ],
        )
        _order("card", [(a, [(tea, 1)], "cancelled", datetime(2026, 11, 10))])
        _order("bank_transfer", [(b, [(oranges, 10)], "refunded", datetime(2026, 11, 12, 2))])
        _order("card", [(c, [(juice, 1)], "delivered", datetime(2026, 10, 31, 16, 59))])
        _order("card", [(c, [(juice, 2)], "delivered", datetime(2026, 10, 31, 17, 0))])
        _stall_sale(world, "stall_a", "cash", 50_000, "paid", datetime(2026, 11, 3, 1))
        _stall_sale(
            world,
            "stall_a",
            "bank_transfer",
            370_000,
            "paid",
            datetime(2026, 11, 3, 2),
            [(honey, 1), (tea, 1)],
        )
        _stall_sale(
            world,
            "stall_b",
            "bank_transfer",
            60_000,
            "paid",
            datetime(2026, 11, 20, 3),
            [(oranges, 2)],
        )
        _stall_sale(world, "stall_b", "bank_transfer", 90_000, "awaiting", None)
        _stall_sale(world, "stall_a", "bank_transfer", 20_000, "cancelled", None)
        _stall_sale(world, "stall_b", "bank_transfer", 100_000, "partial", None)
        rollups.rebuild()  # the rows went in directly, not through the services
        db.session.commit()
    return world


def _table(rows: list[reports.Row]) -> list[tuple]:
    return [(r.label, r.sales, r.value, r.cashless_sales, r.cashless_value) for r in rows]


def test_the_summary_adds_up_only_what_counts_as_a_sale(app: Flask, sales: World) -> None:
    with app.app_context():
        total = reports.summary(PROVINCE, NOVEMBER)
    assert (total.sales, total.value, total.units) == (6, 1_180_000, 11)
    assert (total.cashless_sales, total.cashless_value) == (4, 1_010_000)
    assert total.average == 196_667
    assert total.cashless_share_count == pytest.approx(4 / 6)
    assert total.cashless_share_value == pytest.approx(1_010_000 / 1_180_000)


def test_sales_split_by_method_channel_area_market_and_producer(app: Flask, sales: World) -> None:
    with app.app_context():
        assert _table(reports.by_method(PROVINCE, NOVEMBER)) == [
            ("Chuyển khoản (VietQR)", 3, 930_000, 3, 930_000),
            ("Tiền mặt", 2, 170_000, 0, 0),
            ("Thẻ", 1, 80_000, 1, 80_000),
        ]
        assert _table(reports.by_channel(PROVINCE, NOVEMBER)) == [
            ("Đơn hàng trực tuyến", 3, 700_000, 2, 580_000),
            ("Tại sạp chợ", 3, 480_000, 2, 430_000),
        ]
        assert [(r.key, r.sales, r.value) for r in reports.by_area(PROVINCE, NOVEMBER)] == [
            ("tp-tuyen-quang", 3, 920_000),
            ("yen-son", 2, 200_000),
            ("ham-yen", 1, 60_000),
        ]
        # The same sales by today's communes and wards: the city's 920.000 ₫ in two wards.
        assert [(r.label, r.sales, r.value) for r in reports.by_commune(PROVINCE, NOVEMBER)] == [
            ("Phường An Tường, Tuyên Quang", 1, 500_000),
            ("Phường Minh Xuân, Tuyên Quang", 2, 420_000),
            ("Phường Mỹ Lâm, Tuyên Quang", 2, 200_000),
            ("Xã Thái Hoà, Tuyên Quang", 1, 60_000),
        ]
        assert [(r.label, r.sales, r.value) for r in reports.by_market(PROVINCE, NOVEMBER)] == [
            ("Trực tuyến (không thuộc chợ)", 3, 700_000),
            ("Chợ An Phú", 2, 420_000),
            ("Chợ Thái Hòa", 1, 60_000),
        ]
        assert [(r.label, r.sales, r.value) for r in reports.top_producers(PROVINCE, NOVEMBER)] == [
            ("HTX Ong Phong Thổ", 3, 920_000),
            ("HTX Nước ép Yên Sơn", 2, 200_000),
            ("HTX Cam sành Phù Lưu", 1, 60_000),
        ]


def test_products_groups_and_stars_come_from_the_lines(app: Flask, sales: World) -> None:
    with app.app_context():
        assert [(r.label, r.units, r.value) for r in reports.top_products(PROVINCE, NOVEMBER)] == [
            ("Mật ong hoa bạc hà — HTX Ong Phong Thổ", 3, 750_000),
            ("=Nước cam ép — HTX Nước ép Yên Sơn", 5, 200_000),
            ("Chè Shan tuyết — HTX Ong Phong Thổ", 1, 120_000),
            ("Cam sành Hàm Yên — HTX Cam sành Phù Lưu", 2, 60_000),
            ("Không ghi sản phẩm (lượt bán tại sạp không kê sản phẩm)", 0, 50_000),
        ]
        assert [(r.label, r.units, r.value) for r in reports.by_ocop_group(PROVINCE, NOVEMBER)] == [
            ("I. Thực phẩm", 6, 930_000),
            ("II. Đồ uống", 5, 200_000),
            ("Không ghi sản phẩm (lượt bán tại sạp không kê sản phẩm)", 0, 50_000),
        ]
        assert [(r.key, r.units, r.value) for r in reports.by_stars(PROVINCE, NOVEMBER)] == [
            (4, 3, 750_000),
            (3, 2, 60_000),
            (0, 6, 370_000),
        ]
        top_two = reports.top_products(PROVINCE, NOVEMBER, limit=2)
        assert [r.value for r in top_two] == [750_000, 200_000]


def test_days_follow_vietnam_time_and_empty_days_are_shown(app: Flask, sales: World) -> None:
    with app.app_context():
        days = reports.over_time(PROVINCE, NOVEMBER)
    assert len(days) == 30 and days[0].key == date(2026, 11, 1)
    busy = {r.key.day: (r.sales, r.value, r.cashless_value) for r in days if r.sales}
    assert busy == {
        1: (1, 80_000, 80_000),
        3: (3, 920_000, 870_000),
        5: (1, 120_000, 0),
        20: (1, 60_000, 60_000),
    }


@pytest.mark.parametrize(
    ("grain", "expected"),
    [
        (
            Grain.WEEK,
            {
                date(2026, 10, 26): 80_000,
                date(2026, 11, 2): 1_040_000,
                date(2026, 11, 9): 0,
                date(2026, 11, 16): 60_000,
                date(2026, 11, 23): 0,
                date(2026, 11, 30): 0,
            },
        ),
        (Grain.MONTH, {date(2026, 11, 1): 1_180_000}),
    ],
)
def test_weeks_start_on_monday_and_months_on_the_first(
    app: Flask, sales: World, grain: Grain, expected: dict
) -> None:
    with app.app_context():
        rows = reports.over_time(PROVINCE, Period(NOVEMBER.start, NOVEMBER.end, grain))
    assert {r.key: r.value for r in rows} == expected


def test_an_area_counts_its_markets_and_its_producers_online_sales(
    app: Flask, sales: World
) -> None:
    with app.app_context():
        scope = Scope("area:tp-tuyen-quang", "TP Tuyên Quang", None, area_slug="tp-tuyen-quang")
        total = reports.summary(scope, NOVEMBER)
        assert (total.sales, total.value, total.units) == (3, 920_000, 4)
        assert [r.key for r in reports.by_channel(scope, NOVEMBER)] == ["online", "stall"]


def test_a_market_counts_only_its_stall_sales(app: Flask, sales: World) -> None:
    with app.app_context():
        scope = Scope(f"market:{sales.market_a}", "Chợ An Phú", (sales.market_a,))
        total = reports.summary(scope, NOVEMBER)
        assert (total.sales, total.value, total.units) == (2, 420_000, 2)
        assert (total.cashless_sales, total.cashless_value) == (1, 370_000)
        assert _table(reports.by_market(scope, NOVEMBER)) == [
            ("Chợ An Phú", 2, 420_000, 1, 370_000)
        ]


@pytest.fixture
def picked_up(app: Flask, sales: World) -> World:
    """Producer C (Yên Sơn) also sells at stall A02 of Chợ An Phú (TP Tuyên Quang). Two
    more online orders: juice × 2 = 80.000 picked up at A02 on 15 Nov, by transfer; juice × 1 =
    40.000 on 16 Nov, cash, picked up where the shopper typed "Chợ Tam Cờ" (an older order)."""
    with app.app_context():
        juice = db.session.scalar(sa.select(Product).where(Product.name == "=Nước cam ép"))
        stall = Stall(
            code="AP0002",
            market_id=sales.market_a,
            number="A02",
            name="Nước ép Yên Sơn",
            producer_id=juice.producer_id,
            bank_bin="970436",
            bank_account="0011000999999",
            bank_holder="HTX NUOC EP YEN SON",
        )
        db.session.add(stall)
        db.session.flush()
        c = juice.producer_id
        _order(
            "bank_transfer",
            [(c, [(juice, 2)], "picked_up", datetime(2026, 11, 15, 3))],
            pickup_stall_id=stall.id,
        )
        _order(
            "cash",
            [(c, [(juice, 1)], "picked_up", datetime(2026, 11, 16, 3))],
            pickup_point="Chợ Tam Cờ",
        )
        rollups.rebuild()
        db.session.commit()
    return sales


def test_an_online_order_picked_up_at_a_stall_counts_for_that_market(
    app: Flask, picked_up: World
) -> None:
    market_a = Scope(f"market:{picked_up.market_a}", "Chợ An Phú", (picked_up.market_a,))
    with app.app_context():
        total = reports.summary(market_a, NOVEMBER)
        assert (total.sales, total.value, total.units) == (3, 500_000, 4)
        assert (total.cashless_sales, total.cashless_value) == (2, 450_000)
        assert _table(reports.by_channel(market_a, NOVEMBER)) == [
            ("Tại sạp chợ", 2, 420_000, 1, 370_000),
            ("Đơn hàng trực tuyến", 1, 80_000, 1, 80_000),
        ]
        assert [(r.label, r.sales, r.value) for r in reports.by_market(PROVINCE, NOVEMBER)] == [
            ("Trực tuyến (không thuộc chợ)", 4, 740_000),
            ("Chợ An Phú", 3, 500_000),
            ("Chợ Thái Hòa", 1, 60_000),
        ]
        # Its area is the market's (TP Tuyên Quang), not the producer's (Yên Sơn).
        assert [(r.key, r.sales, r.value) for r in reports.by_area(PROVINCE, NOVEMBER)] == [
            ("tp-tuyen-quang", 4, 1_000_000),
            ("yen-son", 3, 240_000),
            ("ham-yen", 1, 60_000),
        ]
        for area, expected in (("tp-tuyen-quang", (4, 1_000_000)), ("yen-son", (3, 240_000))):
            scope = Scope(f"area:{area}", area, None, area_slug=area)
            total = reports.summary(scope, NOVEMBER)
            assert (total.sales, total.value) == expected
        market_b = Scope(f"market:{picked_up.market_b}", "Chợ Thái Hòa", (picked_up.market_b,))
        assert reports.summary(market_b, NOVEMBER).value == 60_000


def test_the_markets_manager_sees_the_online_order_in_reports_and_exports(
    client: FlaskClient, login_as: Callable[..., User], picked_up: World
) -> None:
    login_as(user=picked_up.manager_a)
    page = _report(client)
    assert "500.000 ₫" in page and "Đơn hàng trực tuyến" in page
    rows = _csv(client, "/quan-ly/bao-cao/chi-tiet.csv")
    header, lines = rows[0], rows[1:]
    online = [line for line in lines if line[header.index("Kênh bán")] == "Trực tuyến"]
    assert [
        (line[header.index("Chợ")], line[header.index("Sạp")], line[header.index("Giá trị (đồng)")])
        for line in online
    ] == [("Chợ An Phú", "A02", "80000")]
    assert online[0][header.index("Xã/phường")] == "Phường Minh Xuân, Tuyên Quang"
    assert online[0][header.index("Vùng")] == "TP Tuyên Quang"


def test_an_empty_period_reports_zeros_not_errors(app: Flask, sales: World) -> None:
    with app.app_context():
        empty = Period(date(2020, 1, 1), date(2020, 1, 31), Grain.DAY)
        report = reports.build(PROVINCE, empty)
    assert (report.summary.sales, report.summary.value, report.summary.average) == (0, 0, 0)
    assert report.summary.cashless_share_value is None
    assert all(not rows for name, rows in report.tables.items() if name != "over_time")


# -- the page and its scopes ------------------------------------------------------------------


def _report(client: FlaskClient, **args: str) -> str:
    response = client.get(
        "/quan-ly/bao-cao", query_string={"start": "2026-11-01", "end": "2026-11-30", **args}
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_report_page_shows_charts_and_tables_for_the_province(
    client: FlaskClient, login_as: Callable[..., User], sales: World
) -> None:
    login_as(user=sales.provincial)
    page = _report(client)
    assert "1.180.000 ₫" in page and "196.667 ₫" in page
    assert page.count("<svg") == 10  # over time, and a bar chart per breakdown
    assert "Toàn tỉnh (chợ và trực tuyến)" in page
    assert "=Nước cam ép" in page


def test_a_market_manager_reports_only_on_their_markets(
    client: FlaskClient, login_as: Callable[..., User], sales: World
) -> None:
    login_as(user=sales.manager_a)
    page = _report(client)
    assert "420.000 ₫" in page and "1.180.000 ₫" not in page
    for forbidden in (f"market:{sales.market_b}", "all", "area:ham-yen"):
        asked = _report(client, scope=forbidden)
        assert "Bạn không xem được phạm vi đó" in asked
        assert "420.000 ₫" in asked and "1.180.000 ₫" not in asked
    assert "Chợ Thái Hòa" not in _report(client).split('id="scope"')[1].split("</select>")[0]


@pytest.mark.parametrize(
    "args",
    [
        {"start": "2026-13-45"},
        {"start": "2026-11-30", "end": "2026-11-01"},
        {"grain": "fortnight"},
        {"scope": "area:khong-co"},
        {"scope": "market:abc"},
        {"start": "1900-01-01"},
    ],
)
def test_bad_report_parameters_fall_back_with_a_note(
    client: FlaskClient, login_as: Callable[..., User], sales: World, args: dict
) -> None:
    login_as(user=sales.provincial)
    response = client.get("/quan-ly/bao-cao", query_string=args)
    assert response.status_code == 200
    assert "flash-warning" in response.get_data(as_text=True)


# -- exports ----------------------------------------------------------------------------------


def _csv(client: FlaskClient, url: str, **args: str) -> list[list[str]]:
    query = {"start": "2026-11-01", "end": "2026-11-30", **args}
    response = client.get(url, query_string=query)
    assert response.status_code == 200
    assert (
        response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    )
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_lines_csv_has_every_line_sold_and_adds_up(
    client: FlaskClient, login_as: Callable[..., User], sales: World
) -> None:
    login_as(user=sales.provincial)
    rows = _csv(client, "/quan-ly/bao-cao/chi-tiet.csv")
    header, lines = rows[0], rows[1:]
    assert header[0] == "Thời điểm thanh toán (giờ Việt Nam)" and len(lines) == 7
    value = header.index("Giá trị (đồng)")
    assert sum(int(line[value]) for line in lines) == 1_180_000
    assert lines[0][0] == "2026-11-01 00:00"  # paid 17:00 UTC on 31 Oct
    product = header.index("Sản phẩm")
    assert "'=Nước cam ép" in [line[product] for line in lines]  # no formula in a spreadsheet
    unlisted = [line for line in lines if line[product] == ""]
    assert len(unlisted) == 1 and unlisted[0][value] == "50000"


def test_the_tables_csv_holds_the_summary_and_every_breakdown(
    client: FlaskClient, login_as: Callable[..., User], sales: World
) -> None:
    login_as(user=sales.provincial)
    rows = _csv(client, "/quan-ly/bao-cao/bang.csv")
    assert rows[0] == ["Phạm vi", "Toàn tỉnh (chợ và trực tuyến)"]
    assert rows[3][2:] == [
        "Số lượt bán",
        "Giá trị (đồng)",
        "Số lượng",
        "Lượt bán không dùng tiền mặt",
        "Giá trị không dùng tiền mặt (đồng)",
    ]
    assert rows[4][2:] == ["6", "1180000", "11", "4", "1010000"]
    methods = [row for row in rows if row[0] == "Theo cách thanh toán"]
    assert [(row[1], row[3]) for row in methods] == [
        ("Chuyển khoản (VietQR)", "930000"),
        ("Tiền mặt", "170000"),
        ("Thẻ", "80000"),
    ]


def test_the_workbook_has_a_sheet_per_table_and_every_line(
    client: FlaskClient, login_as: Callable[..., User], sales: World
) -> None:
    login_as(user=sales.manager_a)
    book = openpyxl.load_workbook(io.BytesIO(workbook(client, NOVEMBER_ARGS)))
    assert len(book.sheetnames) == 12
    summary = {
        row[0]: row[1] for row in book[book.sheetnames[0]].iter_rows(values_only=True) if row
    }
    assert summary["Phạm vi"] == "Tất cả chợ tôi quản lý"
    assert summary["Giá trị (đồng)"] == 420_000 and summary["Số lượt bán"] == 2
    lines = list(book[book.sheetnames[-1]].iter_rows(values_only=True))
    assert len(lines) == 1 + 3  # header, the two stall sales' three lines
    assert sum(row[12] for row in lines[1:]) == 420_000
    markets = list(book["Theo chợ"].iter_rows(values_only=True))
    assert markets[1][:3] == ("Chợ An Phú", 2, 420_000)


def test_an_export_of_a_long_period_streams_the_csv(
    client: FlaskClient, login_as: Callable[..., User], sales: World
) -> None:
    login_as(user=sales.provincial)
    response = client.get(
        "/quan-ly/bao-cao/chi-tiet.csv", query_string={"start": "2022-01-01", "end": "2026-12-31"}
    )
    assert response.is_streamed
    assert len(list(csv.reader(io.StringIO(response.get_data(as_text=True)[1:])))) == 1 + 8


def test_the_console_home_shows_todays_sales_in_the_managers_scope(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], sales: World
) -> None:
    with app.app_context():
        today = local_today()
        now = Period(today, today, Grain.DAY).utc_bounds()[0]
        db.session.execute(
            sa.update(StallSale)
            .where(StallSale.status == "paid", StallSale.market_id == sales.market_a)
            .values(paid_at=now)
        )
        rollups.rebuild()
        db.session.commit()
    login_as(user=sales.manager_a)
    page = client.get("/quan-ly").get_data(as_text=True)
    assert "420.000 ₫" in page


def test_a_workbook_too_long_for_a_sheet_points_to_the_csv(
    client: FlaskClient,
    login_as: Callable[..., User],
    sales: World,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(exports, "XLSX_MAX_LINES", 2)
    login_as(user=sales.provincial)
    book = openpyxl.load_workbook(io.BytesIO(workbook(client, NOVEMBER_ARGS)))
    lines = list(book[book.sheetnames[-1]].iter_rows(values_only=True))
    assert len(lines) == 1 + 2 + 1
    assert "CSV" in lines[-1][0]


def test_the_workbook_leaves_figures_that_do_not_apply_empty(
    client: FlaskClient, login_as: Callable[..., User], sales: World
) -> None:
    """Units are not counted per sale, nor sales per star level: those cells are empty, not 0."""
    login_as(user=sales.provincial)
    book = openpyxl.load_workbook(io.BytesIO(workbook(client, NOVEMBER_ARGS)))
    header = [cell.value for cell in book["Theo chợ"][1]]
    assert header[1:] == [
        "Số lượt bán",
        "Giá trị (đồng)",
        "Số lượng",
        "Lượt bán không dùng tiền mặt",
        "Giá trị không dùng tiền mặt (đồng)",
    ]
    markets = book["Theo chợ"]
    for row in range(2, markets.max_row + 1):
        sales_count, value, units, cashless_sales, cashless_value = (
            markets.cell(row, column).value for column in range(2, 7)
        )
        assert units is None
        assert sales_count > 0 and value > 0 and cashless_sales is not None
        assert cashless_value is not None
    stars = book["Theo hạng sao OCOP"]
    assert stars.max_row > 1
    for row in range(2, stars.max_row + 1):
        sales_count, value, units, cashless_sales, cashless_value = (
            stars.cell(row, column).value for column in range(2, 7)
        )
        assert (sales_count, cashless_sales, cashless_value) == (None, None, None)
        assert value > 0 and units > 0
    summary = {row[0]: row[1] for row in book["Tóm tắt"].iter_rows(values_only=True) if row}
    assert summary["Số lượng"] == 11  # the totals have every figure


def test_the_tables_csv_leaves_figures_that_do_not_apply_empty(
    client: FlaskClient, login_as: Callable[..., User], sales: World
) -> None:
    login_as(user=sales.provincial)
    rows = _csv(client, "/quan-ly/bao-cao/bang.csv")
    markets = [row for row in rows if row[0] == "Theo chợ"]
    assert markets and all(row[4] == "" and row[2] != "" for row in markets)
    stars = [row for row in rows if row[0] == "Theo hạng sao OCOP"]
    assert stars and all(row[2] == row[5] == row[6] == "" and row[4] != "" for row in stars)


def test_the_workbook_is_made_by_a_job_while_its_page_refreshes_itself(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], sales: World
) -> None:
    app.config["JOBS_EAGER"] = False  # a worker runs it, later
    login_as(user=sales.manager_a)
    started = client.post("/quan-ly/bao-cao/bao-cao.xlsx", query_string=NOVEMBER_ARGS)
    page_url = started.headers["Location"]
    page = client.get(page_url).get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "Bảng tính đang chờ bắt đầu." in page and "/tai-ve" not in page
    assert client.get(page_url + "/tai-ve").status_code == 404
    with app.app_context():
        job = db.session.scalar(sa.select(Job).where(Job.kind == export_jobs.KIND))
        assert (job.state, job.user_id) == (JobState.QUEUED, sales.manager_a.id)
        assert Worker(app).run(burst=True) >= 1
        db.session.expire_all()
        job = db.session.get(Job, job.id)
        assert (job.state, job.progress_done, job.progress_total) == (JobState.DONE, 3, 3)
    page = client.get(page_url).get_data(as_text=True)
    assert "http-equiv" not in page and "/tai-ve" in page
    book = openpyxl.load_workbook(io.BytesIO(client.get(page_url + "/tai-ve").data))
    assert len(list(book[book.sheetnames[-1]].iter_rows())) == 1 + 3


def test_only_the_manager_who_asked_may_follow_or_download_the_workbook(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], sales: World
) -> None:
    login_as(user=sales.manager_a)
    workbook(client, NOVEMBER_ARGS)
    with app.app_context():
        job_id = db.session.scalar(sa.select(Job.id).where(Job.kind == export_jobs.KIND))
    page = f"/quan-ly/bao-cao/xuat/{job_id}"
    for other in (sales.manager_b, sales.provincial, sales.admin):
        login_as(user=other)
        assert client.get(page).status_code == 404, other.name
        assert client.get(page + "/tai-ve").status_code == 404, other.name
    login_as(user=sales.manager_a)
    assert client.get(page + "/tai-ve").status_code == 200
    # Taken off market A, the manager may no longer download what was made from its sales.
    with app.app_context():
        db.session.execute(
            sa.delete(MarketManager).where(
                MarketManager.user_id == sales.manager_a.id,
                MarketManager.market_id == sales.market_a,
            )
        )
        db.session.commit()
    assert client.get(page).status_code == 404
    assert client.get(page + "/tai-ve").status_code == 404


def test_a_workbook_job_fails_without_retries_when_its_manager_lost_the_scope(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], sales: World
) -> None:
    app.config["JOBS_EAGER"] = False
    login_as(user=sales.manager_a)
    query = {**NOVEMBER_ARGS, "scope": f"market:{sales.market_a}"}
    page = client.post("/quan-ly/bao-cao/bao-cao.xlsx", query_string=query).headers["Location"]
    with app.app_context():
        db.session.execute(
            sa.delete(MarketManager).where(MarketManager.user_id == sales.manager_a.id)
        )
        db.session.commit()
        Worker(app).run(burst=True)
        job = db.session.scalar(sa.select(Job).where(Job.kind == export_jobs.KIND))
        assert (job.state, job.attempts, job.result) == (JobState.FAILED, 1, None)
    assert client.get(page).status_code == 404


def test_asking_for_the_workbook_needs_the_form_token(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], sales: World
) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    login_as(user=sales.manager_a)
    response = client.post("/quan-ly/bao-cao/bao-cao.xlsx", query_string=NOVEMBER_ARGS)
    assert response.status_code == 400
    assert client.get("/quan-ly/bao-cao/bao-cao.xlsx").status_code == 405
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).select_from(Job).where(Job.kind == export_jobs.KIND)
            )
            == 0
        )
