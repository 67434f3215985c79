"""The producer's sales dashboard: the query interface behind it.

Every function takes a producer id (and a :class:`Period`) and returns plain data; with no sales
they return zeros and empty lists, which the page shows as an empty state.

Sales are read from stock movements with reason ``sale`` (units × the unit price recorded on the
movement), net of ``return`` movements, each counted on the day it happened: an order that expires
or is cancelled in the same period nets to zero (and is not counted as an order); one cancelled in
a later period shows as a negative figure there. Money refunded without goods coming back (a
refund after delivery) is not a stock movement: it shows in the payments' ledger and payouts,
not here — these figures are the goods sold. The orders package records those movements when it
takes stock (``catalog.stock_history.record_stock_change``), so these figures exist before and
without the orders tables. Orders awaiting fulfilment live in the orders package, which depends on
the catalog (never the reverse): it plugs its counter (and the page listing them) in with
``market.registry.FULFILMENT_COUNTER``. Until it does, the page says fulfilment is not available
rather than showing a false zero.

Revenue is money received: the orders package also plugs in which order references are not paid
yet (``market.registry.UNPAID_REFERENCES``: a transfer not arrived, cash not handed over); their
sales are left out of revenue, orders, units and the chart, and shown apart as awaiting payment.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import url_for

from catalog.models import Product, ProductStatus
from catalog.stock_history import StockMovement, StockReason
from market import registry
from market.extensions import db
from market.i18n import utc_day_bounds

PERIODS = {"today": 1, "7d": 7, "30d": 30}


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
        return utc_day_bounds(self.first_day, self.today)


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
    # Orders sold but not paid yet (awaiting a transfer, cash not handed over): not revenue.
    pending_revenue: int = 0
    pending_orders: int = 0

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
    """Money received per day of the period (days without sales show as zero), unpaid apart."""
    day = _local_day(StockMovement.created_at).label("day")
    rows = db.session.execute(
        sa.select(day, StockMovement.order_ref, sa.func.sum(_revenue()), sa.func.sum(_units()))
        .where(*_sales_filter(producer_id, period))
        .group_by(day, StockMovement.order_ref)
    ).all()
    unpaid = unpaid_references(producer_id)
    by_day: dict[date, tuple[int, int]] = {}
    pending: dict[str, int] = {}
    for d, ref, revenue, units in rows:
        if ref in unpaid:
            pending[ref] = pending.get(ref, 0) + int(revenue or 0)
            continue
        before = by_day.get(_as_date(d), (0, 0))
        by_day[_as_date(d)] = (before[0] + int(revenue or 0), before[1] + int(units or 0))
    # An order counts when units of it are still sold after its returns: an expired or cancelled
    # order nets to zero units and is not an order.
    kept = db.session.scalars(
        sa.select(StockMovement.order_ref)
        .where(*_sales_filter(producer_id, period), StockMovement.order_ref.is_not(None))
        .group_by(StockMovement.order_ref)
        .having(sa.func.sum(_units()) > 0)
    ).all()
    summary = SalesSummary(orders=sum(1 for ref in kept if ref not in unpaid))
    summary.pending_orders = sum(1 for ref in kept if ref in unpaid)
    summary.pending_revenue = sum(pending.get(ref, 0) for ref in kept if ref in unpaid)
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


def unpaid_references(producer_id: int) -> set[str]:
    """References of the producer's orders still awaiting their money; none without orders."""
    source = registry.UNPAID_REFERENCES.get()
    return source(producer_id) if source else set()


def awaiting_fulfilment(producer_id: int) -> int | None:
    """Orders waiting for this producer to pack them, or None if no orders package counts them."""
    counter = registry.FULFILMENT_COUNTER.get()
    return counter.count(producer_id) if counter else None


def awaiting_fulfilment_url(producer_id: int) -> str | None:
    """The page listing the producer's orders to fulfil, if the orders package named one."""
    counter = registry.FULFILMENT_COUNTER.get()
    endpoint = counter.endpoint if counter else None
    return url_for(endpoint, producer_id=producer_id) if endpoint else None
