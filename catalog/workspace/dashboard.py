"""The producer's sales dashboard: the query interface behind it.

Every function takes a producer id (and a :class:`Period`) and returns plain data; with no sales
they return zeros and empty lists, which the page shows as an empty state.

Sales are read from stock movements with reason ``sale`` (units × the unit price recorded on the
movement), net of ``return`` movements. The orders package records those movements when it takes
stock (``catalog.workspace.stock.record_stock_change``), so these figures exist before and without
the orders tables. Orders awaiting fulfilment live in the orders package, which depends on the
catalog (never the reverse): it plugs its counter in with :func:`set_awaiting_fulfilment_counter`.
Until it does, the page says fulfilment is not available rather than showing a false zero.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app

from catalog.models import Product, ProductStatus
from catalog.workspace.models import StockMovement, StockReason
from market.extensions import db

LOCAL_OFFSET = timedelta(hours=7)  # Asia/Ho_Chi_Minh, no daylight saving
PERIODS = {"today": 1, "7d": 7, "30d": 30}
COUNTER_KEY = "workspace.awaiting_fulfilment"


@dataclass(frozen=True)
class Period:
    """The last ``days`` local calendar days up to and including ``today``."""

    days: int
    today: date

    @property
    def first_day(self) -> date:
        """The period's first local day."""
        return self.today - timedelta(days=self.days - 1)

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """Start (inclusive) and end (exclusive) as naive UTC, as timestamps are stored."""
        start = datetime.combine(self.first_day, time()) - LOCAL_OFFSET
        return start, start + timedelta(days=self.days)


@dataclass(frozen=True)
class DaySales:
    """One local day's sales."""

    day: date
    revenue: int
    units: int


@dataclass(frozen=True)
class TopProduct:
    """A product's sales in the period."""

    product_id: int
    name: str
    revenue: int
    units: int


@dataclass
class SalesSummary:
    """Revenue, orders, units and average order value, per day and in total."""

    revenue: int = 0
    orders: int = 0
    units: int = 0
    days: list[DaySales] = field(default_factory=list)

    @property
    def average_order_value(self) -> int:
        """Revenue per order, rounded to whole đồng; 0 before the first order."""
        return round(self.revenue / self.orders) if self.orders else 0

    @property
    def best_day_revenue(self) -> int:
        """The highest daily revenue, to scale the chart."""
        return max((d.revenue for d in self.days), default=0)


@dataclass(frozen=True)
class Bar:
    """One day's bar in the server-drawn SVG chart (a 300 × 100 viewBox)."""

    x: float
    y: float
    width: float
    height: float
    day: DaySales
    labelled: bool


CHART_WIDTH = 300
CHART_HEIGHT = 100


def chart_bars(summary: SalesSummary) -> list[Bar]:
    """Bars for each day of the summary, scaled to the best day; every few days labelled."""
    best = summary.best_day_revenue
    step = 1 if len(summary.days) <= 7 else 5
    slot = CHART_WIDTH / max(len(summary.days), 1)
    bars = []
    for index, day in enumerate(summary.days):
        height = CHART_HEIGHT * day.revenue / best if best else 0
        if day.revenue and height < 1:
            height = 1  # a small sale stays visible
        bars.append(
            Bar(
                x=round(index * slot + slot * 0.1, 2),
                y=round(CHART_HEIGHT - height, 2),
                width=round(slot * 0.8, 2),
                height=round(height, 2),
                day=day,
                labelled=(len(summary.days) - 1 - index) % step == 0,
            )
        )
    return bars


def period_for(key: str | None, today: date) -> tuple[str, Period]:
    """The period named in the URL (``today``, ``7d``, ``30d``); unknown names mean 7 days."""
    key = key if key in PERIODS else "7d"
    return key, Period(PERIODS[key], today)


def _local_day(column: sa.ColumnElement) -> sa.ColumnElement:
    if db.session.get_bind().dialect.name == "sqlite":
        return sa.func.date(column, "+7 hours")
    return sa.cast(column + sa.text("interval '7 hours'"), sa.Date)


def _sales_filter(producer_id: int, period: Period) -> list[sa.ColumnElement[bool]]:
    start, end = period.utc_bounds()
    return [
        StockMovement.producer_id == producer_id,
        StockMovement.reason.in_([StockReason.SALE, StockReason.RETURN]),
        StockMovement.created_at >= start,
        StockMovement.created_at < end,
    ]


def _units() -> sa.ColumnElement[int]:
    return -StockMovement.delta


def _revenue() -> sa.ColumnElement[int]:
    return -StockMovement.delta * sa.func.coalesce(StockMovement.unit_price, 0)


def sales_summary(producer_id: int, period: Period) -> SalesSummary:
    """Totals and one entry per day of the period (days without sales show as zero)."""
    day = _local_day(StockMovement.created_at).label("day")
    rows = db.session.execute(
        sa.select(day, sa.func.sum(_revenue()), sa.func.sum(_units()))
        .where(*_sales_filter(producer_id, period))
        .group_by(day)
    ).all()
    by_day = {_as_date(d): (int(revenue or 0), int(units or 0)) for d, revenue, units in rows}
    orders = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(StockMovement.order_ref))).where(
            *_sales_filter(producer_id, period), StockMovement.reason == StockReason.SALE
        )
    )
    summary = SalesSummary(orders=int(orders or 0))
    for offset in range(period.days):
        current = period.first_day + timedelta(days=offset)
        revenue, units = by_day.get(current, (0, 0))
        summary.days.append(DaySales(current, revenue, units))
        summary.revenue += revenue
        summary.units += units
    return summary


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def top_products(producer_id: int, period: Period, limit: int = 5) -> list[TopProduct]:
    """The best sellers of the period by revenue."""
    revenue = sa.func.sum(_revenue()).label("revenue")
    rows = db.session.execute(
        sa.select(Product.id, Product.name, revenue, sa.func.sum(_units()))
        .join(Product, Product.id == StockMovement.product_id)
        .where(*_sales_filter(producer_id, period))
        .group_by(Product.id, Product.name)
        .having(sa.func.sum(_units()) > 0)
        .order_by(revenue.desc(), Product.name)
        .limit(limit)
    ).all()
    return [TopProduct(pid, name, int(rev or 0), int(units or 0)) for pid, name, rev, units in rows]


def low_stock(producer_id: int, limit: int = 10) -> list[Product]:
    """Active or paused products at or below their low-stock threshold, emptiest first."""
    return list(
        db.session.scalars(
            sa.select(Product)
            .where(
                Product.producer_id == producer_id,
                Product.status.in_([ProductStatus.ACTIVE, ProductStatus.PAUSED]),
                Product.low_stock_threshold > 0,
                Product.stock <= Product.low_stock_threshold,
            )
            .order_by(Product.stock, Product.name)
            .limit(limit)
        )
    )


def set_awaiting_fulfilment_counter(counter: Callable[[int], int]) -> None:
    """Plug in how to count a producer's orders awaiting fulfilment (the orders package does)."""
    current_app.extensions[COUNTER_KEY] = counter


def awaiting_fulfilment(producer_id: int) -> int | None:
    """Orders waiting for this producer to pack them, or None if no orders package counts them."""
    counter = current_app.extensions.get(COUNTER_KEY)
    return counter(producer_id) if counter else None
