"""Daily and monthly sales rollups: what the reports read instead of a million sales lines.

Three tables, each with a row per day and a row per month (Vietnam days) for every combination
of what the reports group or filter by:

- ``sales_rollups``: channel × payment method × producer × market → sales and their value;
- ``product_sales_rollups``: market × producer × product → lines, units and value, for reports
  on one market or area of origin;
- ``product_total_rollups``: product → lines, units and value, the same for the whole province
  (a third of the rows: most products sell online and at one or two markets).

In SQLite they are ``WITHOUT ROWID`` tables, stored in primary-key order (grain, start, ...), so
a period is read as a few contiguous ranges with no lookups into a separate table.

Category, area and OCOP stars are read through producers, markets and products when a
report runs, so they stay what the raw lines would give (stars valid on the period's last day).
``market_id`` 0 means no market (an online part not picked up at a stall) and ``product_id`` 0
a sale or line without a listed product: rollups hold no references, being derived data that
``rebuild`` makes again from the raw rows at any time.

Kept current in the transaction that changes a sale: orders tells us through
``orders.observers`` whenever a part changes (paid, cancelled, refunded, a failed refund), and
the stall's till and its payment target call ``stall_sale_paid``. Each change takes away what the
sale counted for before and adds what it counts for now; the changes are summed per row and
written just before the transaction commits, one upsert per row in a fixed order.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from market.extensions import db
from market.i18n import LOCAL_UTC_OFFSET
from market.markets.counted import (
    NOT_SALES,
    ONLINE,
    STALL,
    STALL_ITEMIZED,
    STALL_VALUE,
    online_counted,
    stall_counted,
)
from market.markets.models import SaleStatus, Stall, StallSale, StallSaleLine
from orders.models import Order, OrderLine, OrderPart

DAY, MONTH = "day", "month"
NO_MARKET = 0
NOT_LISTED = 0


class SalesRollup(db.Model):
    """Sales and their value per day or month, channel, method, producer and market."""

    __tablename__ = "sales_rollups"
    __table_args__ = (
        sa.CheckConstraint("grain IN ('day', 'month')", name="grain"),
        # Markets' and areas' reports read the rows of some markets, and of an area's
        # producers with no market, from these indexes alone: each holds every column a
        # report reads (SQLite would add the key's columns itself, PostgreSQL does not).
        sa.Index(
            "ix_sales_rollups_scope",
            "market_id",
            "grain",
            "start",
            "producer_id",
            "channel",
            "method",
            "sales",
            "value",
        ),
        sa.Index(
            "ix_sales_rollups_producer",
            "producer_id",
            "grain",
            "start",
            "market_id",
            "channel",
            "method",
            "sales",
            "value",
        ),
        {"sqlite_with_rowid": False},
    )

    grain: so.Mapped[str] = so.mapped_column(sa.String(5), primary_key=True)
    start: so.Mapped[date] = so.mapped_column(primary_key=True)
    channel: so.Mapped[str] = so.mapped_column(sa.String(6), primary_key=True)
    method: so.Mapped[str] = so.mapped_column(sa.String(20), primary_key=True)
    producer_id: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    market_id: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    sales: so.Mapped[int]
    value: so.Mapped[int] = so.mapped_column(sa.BigInteger)


class ProductSalesRollup(db.Model):
    """Lines, units and value per day or month, market, producer and product."""

    __tablename__ = "product_sales_rollups"
    __table_args__ = (
        sa.CheckConstraint("grain IN ('day', 'month')", name="grain"),
        sa.Index(
            "ix_product_sales_rollups_scope",
            "market_id",
            "grain",
            "start",
            "producer_id",
            "product_id",
            "lines",
            "units",
            "value",
        ),
        sa.Index(
            "ix_product_sales_rollups_producer",
            "producer_id",
            "grain",
            "start",
            "market_id",
            "product_id",
            "lines",
            "units",
            "value",
        ),
        {"sqlite_with_rowid": False},
    )

    grain: so.Mapped[str] = so.mapped_column(sa.String(5), primary_key=True)
    start: so.Mapped[date] = so.mapped_column(primary_key=True)
    market_id: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    producer_id: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    product_id: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    lines: so.Mapped[int]
    units: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    value: so.Mapped[int] = so.mapped_column(sa.BigInteger)


class ProductTotalRollup(db.Model):
    """Lines, units and value per day or month and product, across the province."""

    __tablename__ = "product_total_rollups"
    __table_args__ = (
        sa.CheckConstraint("grain IN ('day', 'month')", name="grain"),
        # The province's product reports read a period's rows from this index alone (on
        # PostgreSQL; SQLite's table without rowid already is such an index).
        sa.Index(
            "ix_product_total_rollups_period",
            "grain",
            "start",
            "product_id",
            "lines",
            "units",
            "value",
        ),
        {"sqlite_with_rowid": False},
    )

    grain: so.Mapped[str] = so.mapped_column(sa.String(5), primary_key=True)
    start: so.Mapped[date] = so.mapped_column(primary_key=True)
    product_id: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    lines: so.Mapped[int]
    units: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    value: so.Mapped[int] = so.mapped_column(sa.BigInteger)


MODELS = (SalesRollup, ProductSalesRollup, ProductTotalRollup)


# -- Vietnam days in SQL ----------------------------------------------------------------------


class local_day(FunctionElement):
    """The Vietnam day of a naive UTC timestamp."""

    type = sa.Date()
    inherit_cache = True


class month_start(FunctionElement):
    """The first day of a date's month."""

    type = sa.Date()
    inherit_cache = True


@compiles(local_day, "sqlite")
def _local_day_sqlite(element: local_day, compiler: Any, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)}, '+7 hours')"


@compiles(local_day, "postgresql")
def _local_day_postgresql(element: local_day, compiler: Any, **kw: Any) -> str:
    return f"CAST(({compiler.process(element.clauses, **kw)} + INTERVAL '7 hours') AS DATE)"


@compiles(month_start, "sqlite")
def _month_start_sqlite(element: month_start, compiler: Any, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)}, 'start of month')"


@compiles(month_start, "postgresql")
def _month_start_postgresql(element: month_start, compiler: Any, **kw: Any) -> str:
    return f"CAST(date_trunc('month', {compiler.process(element.clauses, **kw)}) AS DATE)"


# -- keeping them current ---------------------------------------------------------------------


@dataclass(frozen=True)
class Sale:
    """What one counted sale adds to the rollups."""

    paid_at: datetime
    channel: str
    method: str
    producer_id: int
    market_id: int
    value: int
    lines: tuple[tuple[int, int, int], ...]  # (product id or NOT_LISTED, units, value)


def _upsert(
    session: so.Session, model: type[db.Model], key: dict[str, Any], amounts: dict[str, int]
) -> None:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(model).values(**key, **amounts)
    table = model.__table__
    session.execute(
        statement.on_conflict_do_update(
            index_elements=list(key),
            set_={name: table.c[name] + statement.excluded[name] for name in amounts},
        )
    )


PENDING = "sales_rollup_changes"
Key = tuple[str, tuple[tuple[str, Any], ...]]  # (table name, key columns and values, sorted)


def _add(session: so.Session, table: str, key: dict[str, Any], amounts: dict[str, int]) -> None:
    pending: dict[Key, dict[str, int]] = session.info.setdefault(PENDING, {})
    found = pending.setdefault((table, tuple(sorted(key.items()))), dict.fromkeys(amounts, 0))
    for name, amount in amounts.items():
        found[name] += amount


def _apply(sale: Sale, sign: int) -> None:
    """Note what ``sale`` adds (``sign`` 1) or takes away (-1) in its day and month; the rows
    change when the transaction commits (``_write_pending``)."""
    day = (sale.paid_at + LOCAL_UTC_OFFSET).date()
    session = db.session()
    for grain, start in ((DAY, day), (MONTH, day.replace(day=1))):
        where = {"grain": grain, "start": start, "producer_id": sale.producer_id}
        where["market_id"] = sale.market_id
        key = {**where, "channel": sale.channel, "method": sale.method}
        _add(session, SalesRollup.__tablename__, key, {"sales": sign, "value": sign * sale.value})
        for product_id, units, value in sale.lines:
            amounts = {"lines": sign, "units": sign * units, "value": sign * value}
            scoped = {**where, "product_id": product_id}
            total = {"grain": grain, "start": start, "product_id": product_id}
            _add(session, ProductSalesRollup.__tablename__, scoped, amounts)
            _add(session, ProductTotalRollup.__tablename__, total, amounts)


# Each table, and the column that says a row still counts something.
COUNTS = {
    SalesRollup.__tablename__: (SalesRollup, "sales"),
    ProductSalesRollup.__tablename__: (ProductSalesRollup, "lines"),
    ProductTotalRollup.__tablename__: (ProductTotalRollup, "lines"),
}


@sa.event.listens_for(so.Session, "before_commit")
def _write_pending(session: so.Session) -> None:
    """Write the transaction's rollup changes, every row in one global order (so concurrent
    commits never wait on each other in a circle), deleting rows that fall to nothing."""
    pending: dict[Key, dict[str, int]] = session.info.pop(PENDING, {})
    for (table, items), amounts in sorted(pending.items()):
        if not any(amounts.values()):
            continue
        model, count = COUNTS[table]
        _upsert(session, model, dict(items), amounts)
        if amounts[count] < 0:
            columns = model.__table__.c
            session.execute(
                sa.delete(model).where(
                    *(columns[name] == value for name, value in items), columns[count] == 0
                )
            )


@sa.event.listens_for(so.Session, "after_rollback")
def _forget_pending(session: so.Session) -> None:
    session.info.pop(PENDING, None)


def _changed(before: Sale | None, after: Sale | None) -> None:
    if before == after:
        return
    if before is not None:
        _apply(before, -1)
    if after is not None:
        _apply(after, 1)


def _online_sale(part: OrderPart, before: Mapping[str, Any]) -> Sale | None:
    """What ``part`` counts for, with the values in ``before`` instead of its current ones."""

    def value(name: str) -> Any:
        return before[name] if name in before else getattr(part, name)

    paid_at = value("paid_at")
    if paid_at is None or value("status") in NOT_SALES:
        return None
    stall_id = value("pickup_stall_id")
    market_id = (
        db.session.scalar(sa.select(Stall.market_id).where(Stall.id == stall_id))
        if stall_id is not None
        else NO_MARKET
    )
    return Sale(
        paid_at=paid_at,
        channel=ONLINE,
        method=str(part.order.payment_method),
        producer_id=value("producer_id"),
        market_id=market_id,
        value=value("items_total"),
        lines=tuple(
            (line.product_id or NOT_LISTED, line.quantity, line.line_total) for line in part.lines
        ),
    )


def part_changed(part: OrderPart, before: Mapping[str, Any]) -> None:
    """An order part changed (``before``: the old values of what changed): follow it."""
    _changed(_online_sale(part, before), _online_sale(part, {}))


def stall_sale_counts(sale: StallSale) -> Sale | None:
    """What a stall sale counts for now (``counted``): paid, its amount (its lines, or its
    amount unlisted); a transfer partly paid, the money that arrived, unlisted; else nothing."""
    paid = sale.status == SaleStatus.PAID
    partly = sale.status == SaleStatus.PARTIAL and sale.paid_amount > 0
    if sale.paid_at is None or not (paid or partly):
        return None
    value = sale.amount if paid else sale.paid_amount
    lines = (
        tuple(
            (line.product_id or NOT_LISTED, line.quantity, line.line_total) for line in sale.lines
        )
        if paid and sale.itemized
        else ((NOT_LISTED, 0, value),)
    )
    return Sale(
        paid_at=sale.paid_at,
        channel=STALL,
        method=str(sale.method),
        producer_id=sale.producer_id,
        market_id=sale.market_id,
        value=value,
        lines=lines,
    )


def stall_sale_changed(before: Sale | None, sale: StallSale) -> None:
    """A stall sale was paid, or paid in part: count it now instead of as ``before``."""
    _changed(before, stall_sale_counts(sale))


def stall_sale_paid(sale: StallSale) -> None:
    """A stall sale was just recorded paid (cash): count it."""
    stall_sale_changed(None, sale)


# -- rebuilding from the raw rows -------------------------------------------------------------


def _raw_sales() -> sa.Subquery:
    """One row per counted sale: day, channel, method, producer, market, value."""
    online = (
        sa.select(
            local_day(OrderPart.paid_at).label("start"),
            sa.literal(ONLINE, sa.String).label("channel"),
            sa.type_coerce(Order.payment_method, sa.String).label("method"),
            OrderPart.producer_id.label("producer_id"),
            sa.func.coalesce(Stall.market_id, NO_MARKET).label("market_id"),
            OrderPart.items_total.label("value"),
        )
        .join_from(OrderPart, Order, Order.id == OrderPart.order_id)
        .outerjoin(Stall, Stall.id == OrderPart.pickup_stall_id)
        .where(*online_counted())
    )
    at_stalls = sa.select(
        local_day(StallSale.paid_at).label("start"),
        sa.literal(STALL, sa.String).label("channel"),
        sa.type_coerce(StallSale.method, sa.String).label("method"),
        StallSale.producer_id.label("producer_id"),
        StallSale.market_id.label("market_id"),
        STALL_VALUE.label("value"),
    ).where(*stall_counted())
    return sa.union_all(online, at_stalls).subquery("raw_sales")


def _raw_lines() -> sa.Subquery:
    """One row per line sold (a stall sale without products: one line of no units)."""
    online = (
        sa.select(
            local_day(OrderPart.paid_at).label("start"),
            sa.func.coalesce(Stall.market_id, NO_MARKET).label("market_id"),
            OrderPart.producer_id.label("producer_id"),
            sa.func.coalesce(OrderLine.product_id, NOT_LISTED).label("product_id"),
            OrderLine.quantity.label("units"),
            OrderLine.line_total.label("value"),
        )
        .join_from(OrderLine, OrderPart, OrderPart.id == OrderLine.part_id)
        .outerjoin(Stall, Stall.id == OrderPart.pickup_stall_id)
        .where(*online_counted())
    )
    listed = (
        sa.select(
            local_day(StallSale.paid_at).label("start"),
            StallSale.market_id.label("market_id"),
            StallSale.producer_id.label("producer_id"),
            sa.func.coalesce(StallSaleLine.product_id, NOT_LISTED).label("product_id"),
            StallSaleLine.quantity.label("units"),
            StallSaleLine.line_total.label("value"),
        )
        .join_from(StallSaleLine, StallSale, StallSale.id == StallSaleLine.sale_id)
        .where(*stall_counted(), STALL_ITEMIZED)
    )
    unlisted = sa.select(
        local_day(StallSale.paid_at).label("start"),
        StallSale.market_id.label("market_id"),
        StallSale.producer_id.label("producer_id"),
        sa.literal(NOT_LISTED, sa.Integer).label("product_id"),
        sa.literal(0, sa.Integer).label("units"),
        STALL_VALUE.label("value"),
    ).where(*stall_counted(), sa.not_(STALL_ITEMIZED))
    return sa.union_all(online, listed, unlisted).subquery("raw_lines")


def _fill(
    model: type[db.Model], keys: list[str], source: sa.Subquery, sums: dict[str, Any]
) -> None:
    """Insert the day rows grouped from ``source``, then the month rows from the day rows."""
    day_columns = [source.c[key] for key in keys]
    db.session.execute(
        sa.insert(model).from_select(
            ["grain", *keys, *sums],
            sa.select(sa.literal(DAY, sa.String), *day_columns, *sums.values()).group_by(
                *day_columns
            ),
        )
    )
    table = model.__table__
    month = month_start(table.c.start)
    rest = [table.c[key] for key in keys if key != "start"]
    db.session.execute(
        sa.insert(model).from_select(
            ["grain", *keys, *sums],
            sa.select(
                sa.literal(MONTH, sa.String),
                month,
                *rest,
                *(sa.func.sum(table.c[name]) for name in sums),
            )
            .where(table.c.grain == DAY)
            .group_by(month, *rest),
        )
    )


def rebuild() -> dict[str, int]:
    """Make the rollups again from the raw sales, in the caller's transaction; row counts."""
    db.session.info.pop(PENDING, None)
    for model in MODELS:
        db.session.execute(sa.delete(model))
    sales = _raw_sales()
    _fill(
        SalesRollup,
        ["start", "channel", "method", "producer_id", "market_id"],
        sales,
        {"sales": sa.func.count(), "value": sa.func.sum(sales.c.value)},
    )
    lines = _raw_lines()
    _fill(
        ProductSalesRollup,
        ["start", "market_id", "producer_id", "product_id"],
        lines,
        {
            "lines": sa.func.count(),
            "units": sa.func.sum(lines.c.units),
            "value": sa.func.sum(lines.c.value),
        },
    )
    scoped = ProductSalesRollup.__table__
    days = sa.select(scoped).where(scoped.c.grain == DAY).subquery("product_days")
    _fill(
        ProductTotalRollup,
        ["start", "product_id"],
        days,
        {name: sa.func.sum(days.c[name]) for name in ("lines", "units", "value")},
    )
    return {
        model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in MODELS
    }


def covering(period_start: date, period_end: date) -> list[tuple[str, date, date]]:
    """The (grain, first start, last start) ranges that add up to exactly these days: whole
    months from month rows, the days before and after them from day rows."""
    first_month = period_start if period_start.day == 1 else _next_month(period_start)
    after = period_end + timedelta(days=1)
    end_month = after if after.day == 1 else after.replace(day=1)  # exclusive
    if first_month >= end_month:
        return [(DAY, period_start, period_end)]
    ranges = [(MONTH, first_month, end_month - timedelta(days=1))]
    if period_start < first_month:
        ranges.append((DAY, period_start, first_month - timedelta(days=1)))
    if end_month <= period_end:
        ranges.append((DAY, end_month, period_end))
    return ranges


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)
