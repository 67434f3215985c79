"""Bulk sales for the markets benchmark: online orders and stall sales over two years.

On top of ``bench.catalog_data``'s producers and products it adds 25 chợ 4.0 markets with 20
stalls each, then orders (one or two producers' parts, one to four lines each) and stall sales
(none to three product lines) until the requested number of lines is reached; a stall sale
without products counts as one line. The mix of statuses (paid, awaiting payment, cancelled,
refunded) and methods resembles a running market. Rows go in with COPY on PostgreSQL and
executemany on SQLite, in batches, so a million lines fit in a modest amount of memory.
Run inside an app context on migrated, empty tables.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from bench.catalog_data import load_catalog
from catalog.models import Producer, ProducerStatus, Product
from market import places
from market.extensions import db
from market.markets.models import Market, Stall, StallSale, StallSaleLine
from orders.models import Order, OrderLine, OrderPart

MARKETS = 25
STALLS_PER_MARKET = 20
DAYS = 730
ONLINE_SHARE = 0.6
BATCH_LINES = 50_000
PART_STATUSES = (
    ("picked_up", 40),
    ("delivered", 40),
    ("awaiting_fulfilment", 5),
    ("cancelled", 5),
    ("refunded", 5),
    ("awaiting_payment", 5),
)
ORDER_METHODS = (("bank_transfer", 55), ("card", 10), ("cash", 35))
SALE_STATUSES = (("paid", 90), ("cancelled", 5), ("awaiting", 5))


@dataclass(frozen=True)
class Item:
    """A product as the generator needs it."""

    id: int
    producer_id: int
    name: str
    unit: str
    price: int


def _choice(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([v for v, _w in weighted], weights=[w for _v, w in weighted])[0]


def bulk_insert(table: sa.Table, columns: list[str], rows: list[tuple]) -> None:
    """Insert many rows fast: COPY on PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    connection = db.session.connection()
    names = ", ".join(columns)
    if connection.dialect.name == "postgresql":
        raw = connection.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join("?" for _ in columns)
        connection.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)


def _reset_sequences(tables: list[sa.Table]) -> None:
    if db.session.connection().dialect.name != "postgresql":
        return
    for table in tables:
        db.session.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table.name}))"
            )
        )


def load_sales(lines: int, seed: int = 7, now: datetime | None = None) -> dict[str, int]:
    """The catalog, 25 markets with their stalls, and ``lines`` sales lines; returns counts."""
    rng = random.Random(seed)
    now = (now or datetime.now()).replace(microsecond=0)
    load_catalog(products=max(300, min(5_000, lines // 200)), seed=seed)
    items = [
        Item(*row)
        for row in db.session.execute(
            sa.select(Product.id, Product.producer_id, Product.name, Product.unit, Product.price)
            .join(Producer)
            .where(Producer.status == ProducerStatus.VERIFIED)
            .order_by(Product.id)
        )
    ]
    by_producer: dict[int, list[Item]] = {}
    for item in items:
        by_producer.setdefault(item.producer_id, []).append(item)
    producers = sorted(by_producer)
    stalls = _markets_and_stalls(rng, producers)
    online = int(lines * ONLINE_SHARE)
    counts = {"markets": MARKETS, "stalls": len(stalls)}
    counts.update(_orders(rng, now, online, by_producer, producers))
    counts.update(_stall_sales(rng, now, lines - online, stalls, by_producer))
    _reset_sequences(
        [
            model.__table__
            for model in (Market, Stall, Order, OrderPart, OrderLine, StallSale, StallSaleLine)
        ]
    )
    db.session.commit()
    return counts


def _markets_and_stalls(rng: random.Random, producers: list[int]) -> list[tuple[int, int, int]]:
    """25 markets across the communes, 20 stalls each; returns (stall, market, producer)."""
    communes = [
        (c.code, area.slug if (area := places.default_area(c.code)) else None, c.short_name)
        for c in places.communes(places.HOME_PROVINCE)
    ]
    market_rows, stall_rows, stalls = [], [], []
    now = datetime.now().replace(microsecond=0)
    for market_id in range(1, MARKETS + 1):
        commune, area, name = communes[(market_id * 7) % len(communes)]
        market_rows.append(
            (market_id, f"Chợ {name} {market_id}", commune, area, "", "Hằng ngày", True, now)
        )
        for number in range(1, STALLS_PER_MARKET + 1):
            stall_id = len(stalls) + 1
            producer = rng.choice(producers)
            stall_rows.append(
                (
                    stall_id,
                    f"B{stall_id:05d}",
                    market_id,
                    f"{number:02d}",
                    f"Sạp {number}",
                    producer,
                    "970405",
                    f"{10**11 + stall_id}",
                    "HTX BENCH",
                    True,
                    now,
                    now,
                )
            )
            stalls.append((stall_id, market_id, producer))
    bulk_insert(
        Market.__table__,
        [*MARKET_COLUMNS],
        market_rows,
    )
    bulk_insert(
        Stall.__table__,
        [
            "id",
            "code",
            "market_id",
            "number",
            "name",
            "producer_id",
            "bank_bin",
            "bank_account",
            "bank_holder",
            "active",
            "created_at",
            "updated_at",
        ],
        stall_rows,
    )
    return stalls


ORDER_COLUMNS = [
    "id",
    "code",
    "access_token",
    "idempotency_key",
    "contact_name",
    "contact_phone",
    "province_name",
    "commune_name",
    "street",
    "payment_method",
    "items_total",
    "delivery_total",
    "total",
    "locale",
    "created_at",
]
PART_COLUMNS = [
    "id",
    "order_id",
    "producer_id",
    "number",
    "status",
    "delivery_method",
    "pickup_point",
    "items_total",
    "delivery_fee",
    "total",
    "paid_amount",
    "paid_reference",
    "paid_at",
    "refunded_amount",
    "tracking",
    "cancel_kind",
    "cancel_reason",
    "created_at",
    "updated_at",
]
MARKET_COLUMNS = (
    "id",
    "name",
    "commune_code",
    "area_slug",
    "address",
    "market_days",
    "active",
    "created_at",
)
SALE_LINE_COLUMNS = ("sale_id", "product_id", "product_name", "unit", "unit_price", "quantity")
LINE_COLUMNS = ["part_id", "product_id", "product_name", "unit", "unit_price", "quantity"]


def _lines_for(rng: random.Random, goods: list[Item], most: int) -> list[tuple[Item, int]]:
    chosen = rng.sample(goods, k=min(len(goods), rng.randint(1, most)))
    return [(item, rng.choices((1, 2, 3, 5), weights=(60, 25, 10, 5))[0]) for item in chosen]


def _orders(
    rng: random.Random,
    now: datetime,
    target: int,
    by_producer: dict[int, list[Item]],
    producers: list[int],
) -> dict[str, int]:
    made = {"orders": 0, "order parts": 0, "order lines": 0}
    order_id = part_id = 0
    orders, parts, lines = [], [], []
    while made["order lines"] < target:
        order_id += 1
        created = now - timedelta(seconds=rng.randint(60, DAYS * 86_400))
        method = _choice(rng, ORDER_METHODS)
        items_total = delivery_total = 0
        for number, producer in enumerate(
            rng.sample(producers, k=1 if rng.random() < 0.7 else 2), start=1
        ):
            part_id += 1
            chosen = _lines_for(rng, by_producer[producer], 4)
            goods = sum(item.price * quantity for item, quantity in chosen)
            fee = 30_000 if rng.random() < 0.5 else 0
            status = _choice(rng, PART_STATUSES)
            paid = status not in ("cancelled", "awaiting_payment")
            paid_at = created + timedelta(minutes=rng.randint(1, 90)) if paid else None
            parts.append(
                (
                    part_id,
                    order_id,
                    producer,
                    number,
                    status,
                    "home" if fee else "pickup_producer",
                    "",
                    goods,
                    fee,
                    goods + fee,
                    goods + fee if paid else 0,
                    "",
                    paid_at,
                    goods + fee if status == "refunded" else 0,
                    "",
                    "expired" if status == "cancelled" else None,
                    "",
                    created,
                    paid_at or created,
                )
            )
            for item, quantity in chosen:
                lines.append((part_id, item.id, item.name, item.unit, item.price, quantity))
            items_total += goods
            delivery_total += fee
            made["order parts"] += 1
            made["order lines"] += len(chosen)
        orders.append(
            (
                order_id,
                f"B{order_id:010d}",
                f"bench-token-{order_id}",
                f"bench-key-{order_id}",
                "Khách mua",
                "0912345678",
                "",
                "",
                "",
                method,
                items_total,
                delivery_total,
                items_total + delivery_total,
                "vi",
                created,
            )
        )
        made["orders"] += 1
        if len(lines) >= BATCH_LINES or made["order lines"] >= target:
            _write_orders(orders, parts, lines)
            orders, parts, lines = [], [], []
    return made


def _write_orders(orders: list[tuple], parts: list[tuple], lines: list[tuple]) -> None:
    bulk_insert(Order.__table__, ORDER_COLUMNS, orders)
    bulk_insert(OrderPart.__table__, PART_COLUMNS, parts)
    bulk_insert(
        OrderLine.__table__,
        [*LINE_COLUMNS, "line_total"],
        [(*row, row[4] * row[5]) for row in lines],
    )


SALE_COLUMNS = [
    "id",
    "stall_id",
    "market_id",
    "producer_id",
    "seller_access",
    "method",
    "amount",
    "paid_amount",
    "status",
    "payment_code",
    "itemized",
    "created_at",
    "paid_at",
    "cancelled_at",
]


def _stall_sales(
    rng: random.Random,
    now: datetime,
    target: int,
    stalls: list[tuple[int, int, int]],
    by_producer: dict[int, list[Item]],
) -> dict[str, int]:
    made = {"stall sales": 0, "stall sale lines": 0}
    counted = sale_id = 0
    sales, lines = [], []
    while counted < target:
        sale_id += 1
        stall_id, market_id, producer = rng.choice(stalls)
        created = now - timedelta(seconds=rng.randint(60, DAYS * 86_400))
        chosen = _lines_for(rng, by_producer[producer], 3) if rng.random() < 0.75 else []
        amount = sum(item.price * quantity for item, quantity in chosen) or rng.choice(
            (20_000, 30_000, 50_000, 100_000, 200_000)
        )
        transfer = rng.random() < 0.55
        status = _choice(rng, SALE_STATUSES)
        paid_at = created + timedelta(seconds=rng.randint(5, 120)) if status == "paid" else None
        sales.append(
            (
                sale_id,
                stall_id,
                market_id,
                producer,
                "owner",
                "bank_transfer" if transfer else "cash",
                amount,
                amount if paid_at else 0,
                status,
                f"B{sale_id}" if transfer else None,
                bool(chosen),
                created,
                paid_at,
                created if status == "cancelled" else None,
            )
        )
        for item, quantity in chosen:
            lines.append((sale_id, item.id, item.name, item.unit, item.price, quantity))
        made["stall sales"] += 1
        made["stall sale lines"] += len(chosen)
        counted += max(1, len(chosen))
        if len(lines) >= BATCH_LINES or counted >= target:
            bulk_insert(StallSale.__table__, SALE_COLUMNS, sales)
            bulk_insert(
                StallSaleLine.__table__,
                [*SALE_LINE_COLUMNS, "line_total"],
                [(*row, row[4] * row[5]) for row in lines],
            )
            sales, lines = [], []
    return made
