"""Sales reports, every figure computed in SQL with GROUP BY (never a loop over orders).

What counts as a sale:
- online: an order part (one producer's share of an order) that was paid (``paid_at`` set,
  online or cash collected) and is neither cancelled nor refunded; its value is the goods
  (``items_total``, delivery fees excluded), dated when it was paid;
- at a stall: a stall sale that is ``paid`` (cash recorded by the seller, or a transfer
  confirmed by a matched bank notification), dated when it was paid.
An online part the shopper picks up at a chợ 4.0 stall belongs to that stall's market (and its
district), still in the online channel; other online parts belong to no market, and to their
producer's district.
One sale is one order part or one stall sale, so an order from two producers counts twice.
Units come from the lines (order lines, and the products a seller listed; a stall sale without
products adds value but no units). Cashless means bank transfer (VietQR) or card.
Days are Vietnam days (UTC+7). OCOP stars are those valid on the period's last day.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from catalog.listing import current_stars_by_product
from catalog.models import Category, Producer, Product
from market import places
from market.extensions import db
from market.markets.models import Market, SaleStatus, Stall, StallSale, StallSaleLine
from market.markets.scopes import Grain, Period, Scope
from orders.models import Order, OrderLine, OrderPart, PartStatus
from payments.labels import method_label
from payments.models import PaymentMethod

ONLINE, STALL = "online", "stall"
CASHLESS = (PaymentMethod.BANK_TRANSFER.value, PaymentMethod.CARD.value)
NOT_SALES = (PartStatus.CANCELLED, PartStatus.REFUNDED)
TOP = 10


# -- time buckets -----------------------------------------------------------------------------


class _LocalBucket(FunctionElement):
    """The Vietnam day, week (its Monday) or month (its first day) of a naive UTC timestamp."""

    type = sa.Date()
    inherit_cache = True
    grain = Grain.DAY


class _LocalWeek(_LocalBucket):
    inherit_cache = True
    grain = Grain.WEEK


class _LocalMonth(_LocalBucket):
    inherit_cache = True
    grain = Grain.MONTH


_BUCKETS = {Grain.DAY: _LocalBucket, Grain.WEEK: _LocalWeek, Grain.MONTH: _LocalMonth}


def local_bucket(column: Any, grain: Grain) -> _LocalBucket:
    """The SQL expression of the bucket a naive UTC timestamp falls in (one class per grain,
    so SQLAlchemy's statement cache never mixes them up)."""
    return _BUCKETS[grain](column)


@compiles(_LocalBucket, "sqlite")
def _bucket_sqlite(element: _LocalBucket, compiler: Any, **kw: Any) -> str:
    value = compiler.process(element.clauses, **kw)
    modifiers = {
        Grain.DAY: "",
        Grain.WEEK: ", 'weekday 0', '-6 days'",
        Grain.MONTH: ", 'start of month'",
    }
    return f"date({value}, '+7 hours'{modifiers[element.grain]})"


@compiles(_LocalBucket, "postgresql")
def _bucket_postgresql(element: _LocalBucket, compiler: Any, **kw: Any) -> str:
    value = f"({compiler.process(element.clauses, **kw)} + INTERVAL '7 hours')"
    if element.grain == Grain.DAY:
        return f"CAST({value} AS DATE)"
    return f"CAST(date_trunc('{element.grain.value}', {value}) AS DATE)"


def bucket_start(day: date, grain: Grain) -> date:
    """The first day of the bucket holding ``day`` (Python twin of ``local_bucket``)."""
    if grain == Grain.WEEK:
        return day - timedelta(days=day.weekday())
    if grain == Grain.MONTH:
        return day.replace(day=1)
    return day


def buckets(period: Period) -> list[date]:
    """Every bucket start of the period, in order (the chart shows empty ones too)."""
    found, day = [], bucket_start(period.start, period.grain)
    while day <= period.end:
        found.append(day)
        if period.grain == Grain.MONTH:
            day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        else:
            day += timedelta(days=7 if period.grain == Grain.WEEK else 1)
    return found


# -- the rows counted -------------------------------------------------------------------------


def _text(value: str) -> sa.ColumnElement[str]:
    return sa.literal_column(f"'{value}'", sa.String)


def online_counted(scope: Scope, since: Any, until: Any) -> tuple[sa.ColumnElement[bool], ...]:
    """Conditions of an order part of the scope that counts as a sale paid in [since, until).

    A market's scope counts the parts picked up at its stalls; a district's, the parts picked
    up at its markets' stalls and its producers' parts picked up nowhere in particular.
    """
    conditions = [
        OrderPart.paid_at >= since,
        OrderPart.paid_at < until,
        OrderPart.status.not_in(NOT_SALES),
    ]
    if scope.market_ids is not None:
        at_markets = sa.select(Stall.id).where(Stall.market_id.in_(scope.market_ids))
        conditions.append(OrderPart.pickup_stall_id.in_(at_markets))
    if scope.district_code is not None:
        at_markets = (
            sa.select(Stall.id)
            .join(Market, Market.id == Stall.market_id)
            .where(Market.district_code == scope.district_code)
        )
        producers = sa.select(Producer.id).where(Producer.district_code == scope.district_code)
        conditions.append(
            sa.or_(
                OrderPart.pickup_stall_id.in_(at_markets),
                sa.and_(OrderPart.pickup_stall_id.is_(None), OrderPart.producer_id.in_(producers)),
            )
        )
    return tuple(conditions)


def stall_counted(scope: Scope, since: Any, until: Any) -> tuple[sa.ColumnElement[bool], ...]:
    """Conditions of a stall sale of the scope that counts as a sale paid in [since, until)."""
    conditions = [
        StallSale.status == SaleStatus.PAID,
        StallSale.paid_at >= since,
        StallSale.paid_at < until,
    ]
    if scope.market_ids is not None:
        conditions.append(StallSale.market_id.in_(scope.market_ids))
    if scope.district_code is not None:
        in_district = sa.select(Market.id).where(Market.district_code == scope.district_code)
        conditions.append(StallSale.market_id.in_(in_district))
    return tuple(conditions)


def sale_rows(scope: Scope, period: Period) -> sa.Subquery:
    """One row per sale: channel, method, producer, market (online: the pickup stall's, else
    None), value, paid time."""
    since, until = period.utc_bounds()
    online = (
        sa.select(
            _text(ONLINE).label("channel"),
            sa.type_coerce(Order.payment_method, sa.String).label("method"),
            OrderPart.producer_id.label("producer_id"),
            Stall.market_id.label("market_id"),
            OrderPart.items_total.label("amount"),
            OrderPart.paid_at.label("paid_at"),
        )
        .join_from(OrderPart, Order, Order.id == OrderPart.order_id)
        .outerjoin(Stall, Stall.id == OrderPart.pickup_stall_id)
        .where(*online_counted(scope, since, until))
    )
    at_stalls = sa.select(
        _text(STALL).label("channel"),
        sa.type_coerce(StallSale.method, sa.String).label("method"),
        StallSale.producer_id.label("producer_id"),
        StallSale.market_id.label("market_id"),
        StallSale.amount.label("amount"),
        StallSale.paid_at.label("paid_at"),
    ).where(*stall_counted(scope, since, until))
    return sa.union_all(online, at_stalls).subquery("sales")


def line_rows(scope: Scope, period: Period) -> sa.Subquery:
    """One row per product sold: product (None if not listed), units and value."""
    since, until = period.utc_bounds()
    online = (
        sa.select(
            OrderLine.product_id.label("product_id"),
            OrderLine.quantity.label("quantity"),
            OrderLine.line_total.label("value"),
        )
        .join_from(OrderLine, OrderPart, OrderPart.id == OrderLine.part_id)
        .where(*online_counted(scope, since, until))
    )
    listed = (
        sa.select(
            StallSaleLine.product_id.label("product_id"),
            StallSaleLine.quantity.label("quantity"),
            StallSaleLine.line_total.label("value"),
        )
        .join_from(StallSaleLine, StallSale, StallSale.id == StallSaleLine.sale_id)
        .where(*stall_counted(scope, since, until))
    )
    unlisted = sa.select(
        sa.cast(sa.null(), sa.Integer).label("product_id"),
        sa.literal_column("0", sa.Integer).label("quantity"),
        StallSale.amount.label("value"),
    ).where(*stall_counted(scope, since, until), sa.not_(StallSale.itemized))
    return sa.union_all(online, listed, unlisted).subquery("sold")


def by_product(scope: Scope, period: Period) -> sa.Subquery:
    """Units and value per product (None: stall sales without products).

    Aggregated first, so the joins to products, categories and stars run once per product
    rather than once per line.
    """
    sold = line_rows(scope, period)
    return (
        sa.select(
            sold.c.product_id.label("product_id"),
            sa.func.sum(sold.c.quantity).label("units"),
            sa.func.sum(sold.c.value).label("value"),
        )
        .group_by(sold.c.product_id)
        .subquery("by_product")
    )


# -- results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One line of a breakdown: its sales, their value and how much was cashless."""

    key: Any
    label: str
    sales: int = 0
    value: int = 0
    cashless_sales: int = 0
    cashless_value: int = 0
    units: int = 0

    @property
    def average(self) -> int:
        """Average value of a sale (rounded đồng)."""
        return round(self.value / self.sales) if self.sales else 0

    @property
    def cashless_share_count(self) -> float | None:
        """Share of sales paid cashless, by count."""
        return self.cashless_sales / self.sales if self.sales else None

    @property
    def cashless_share_value(self) -> float | None:
        """Share of the value paid cashless."""
        return self.cashless_value / self.value if self.value else None


@dataclass(frozen=True)
class Summary(Row):
    """The totals of a report."""


def _measures(sales: sa.Subquery) -> tuple[sa.ColumnElement, ...]:
    cashless = sales.c.method.in_(CASHLESS)
    return (
        sa.func.count().label("sales"),
        sa.func.coalesce(sa.func.sum(sales.c.amount), 0).label("value"),
        sa.func.coalesce(sa.func.sum(sa.case((cashless, 1), else_=0)), 0).label("cashless_sales"),
        sa.func.coalesce(sa.func.sum(sa.case((cashless, sales.c.amount), else_=0)), 0).label(
            "cashless_value"
        ),
    )


def _grouped(scope: Scope, period: Period, key: str) -> list[sa.Row]:
    sales = sale_rows(scope, period)
    column = sales.c[key]
    return list(
        db.session.execute(
            sa.select(column.label("key"), *_measures(sales))
            .group_by(column)
            .order_by(sa.desc("value"))
        )
    )


def _row(key: Any, label: str, data: Any) -> Row:
    return Row(
        key=key,
        label=label,
        sales=int(data.sales),
        value=int(data.value),
        cashless_sales=int(data.cashless_sales),
        cashless_value=int(data.cashless_value),
    )


def summary(scope: Scope, period: Period) -> Summary:
    """Totals: sales, value, units, average sale and cashless shares."""
    sales = sale_rows(scope, period)
    totals = db.session.execute(sa.select(*_measures(sales))).one()
    sold = line_rows(scope, period)
    units = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(sold.c.quantity), 0)))
    return Summary(
        key=None,
        label=_("Total"),
        sales=int(totals.sales),
        value=int(totals.value),
        cashless_sales=int(totals.cashless_sales),
        cashless_value=int(totals.cashless_value),
        units=int(units),
    )


def by_method(scope: Scope, period: Period) -> list[Row]:
    """Sales by payment method."""
    return [_row(r.key, method_label(r.key), r) for r in _grouped(scope, period, "method")]


def by_channel(scope: Scope, period: Period) -> list[Row]:
    """Online orders against in-person stall sales."""
    names = {ONLINE: _("Online orders"), STALL: _("At market stalls")}
    return [_row(r.key, names[r.key], r) for r in _grouped(scope, period, "channel")]


def _resummed(sub: sa.Subquery) -> tuple[sa.ColumnElement, ...]:
    """The measures of an already grouped subquery, added up again."""
    return tuple(
        sa.func.coalesce(sa.func.sum(sub.c[name]), 0).label(name)
        for name in ("sales", "value", "cashless_sales", "cashless_value")
    )


def by_district(scope: Scope, period: Period) -> list[Row]:
    """Sales by district: the market's for stall sales and online orders picked up at a
    stall, else the producer's.

    Grouped by producer and market first, so districts are looked up once per group.
    """
    sales = sale_rows(scope, period)
    groups = (
        sa.select(sales.c.producer_id, sales.c.market_id, *_measures(sales))
        .group_by(sales.c.producer_id, sales.c.market_id)
        .subquery("groups")
    )
    district = sa.case(
        (groups.c.market_id.is_(None), Producer.district_code), else_=Market.district_code
    )
    found = db.session.execute(
        sa.select(district.label("key"), *_resummed(groups))
        .select_from(groups)
        .outerjoin(Producer, Producer.id == groups.c.producer_id)
        .outerjoin(Market, Market.id == groups.c.market_id)
        .group_by(district)
        .order_by(sa.desc("value"))
    )
    rows = []
    for r in found:
        place = places.district(r.key)
        rows.append(_row(r.key, place.name if place else str(r.key), r))
    return rows


def by_market(scope: Scope, period: Period) -> list[Row]:
    """Sales by market (online orders picked up at a stall under its market); other online
    orders form their own line."""
    found = _grouped(scope, period, "market_id")
    ids = [r.key for r in found if r.key is not None]
    names = dict(
        db.session.execute(sa.select(Market.id, Market.name).where(Market.id.in_(ids))).all()
    )
    return [
        _row(r.key, names.get(r.key, "") if r.key is not None else _("Online (no market)"), r)
        for r in found
    ]


def top_producers(scope: Scope, period: Period, limit: int = TOP) -> list[Row]:
    """The producers who sold the most, by value."""
    sales = sale_rows(scope, period)
    top = (
        sa.select(sales.c.producer_id.label("key"), *_measures(sales))
        .group_by(sales.c.producer_id)
        .order_by(sa.desc("value"), sales.c.producer_id)
        .limit(limit)
        .subquery("top")
    )
    rows = db.session.execute(
        sa.select(top, Producer.name)
        .outerjoin(Producer, Producer.id == top.c.key)
        .order_by(top.c.value.desc(), top.c.key)
    )
    return [_row(r.key, r.name or "", r) for r in rows]


def _unlisted() -> str:
    return _("Not listed (stall sales without products)")


def top_products(scope: Scope, period: Period, limit: int = TOP) -> list[Row]:
    """The products that sold the most, by value, with their units."""
    sold = by_product(scope, period)
    top = (
        sa.select(sold)
        .order_by(sold.c.value.desc(), sold.c.product_id)
        .limit(limit)
        .subquery("top")
    )
    rows = db.session.execute(
        sa.select(top, Product.name, Producer.name.label("producer"))
        .outerjoin(Product, Product.id == top.c.product_id)
        .outerjoin(Producer, Producer.id == Product.producer_id)
        .order_by(top.c.value.desc(), top.c.product_id)
    )
    return [
        Row(
            key=r.product_id,
            label=f"{r.name} — {r.producer}" if r.name else _unlisted(),
            value=int(r.value),
            units=int(r.units),
        )
        for r in rows
    ]


def _category_roots() -> sa.CTE:
    """Each category's top-level OCOP group (a recursive walk down the small tree)."""
    roots = (
        sa.select(Category.id.label("category_id"), Category.id.label("root_id"))
        .where(Category.parent_id.is_(None))
        .cte("category_roots", recursive=True)
    )
    return roots.union_all(
        sa.select(Category.id, roots.c.root_id).join(
            roots, Category.parent_id == roots.c.category_id
        )
    )


def by_ocop_group(scope: Scope, period: Period, locale: str = "vi") -> list[Row]:
    """Value and units by OCOP product group (Food, Beverages, …)."""
    sold = by_product(scope, period)
    roots = _category_roots()
    rows = db.session.execute(
        sa.select(
            roots.c.root_id.label("key"),
            sa.func.sum(sold.c.units).label("units"),
            sa.func.sum(sold.c.value).label("value"),
        )
        .select_from(sold)
        .outerjoin(Product, Product.id == sold.c.product_id)
        .outerjoin(roots, roots.c.category_id == Product.category_id)
        .group_by(roots.c.root_id)
        .order_by(sa.desc("value"))
    ).all()
    groups = {
        c.id: c for c in db.session.scalars(sa.select(Category).where(Category.parent_id.is_(None)))
    }
    return [
        Row(
            key=r.key,
            label=f"{groups[r.key].code}. {groups[r.key].name(locale)}"
            if r.key in groups
            else _unlisted(),
            value=int(r.value),
            units=int(r.units),
        )
        for r in rows
    ]


def by_stars(scope: Scope, period: Period) -> list[Row]:
    """Value and units by OCOP stars (valid on the period's last day); 0 means not rated."""
    sold = by_product(scope, period)
    stars = current_stars_by_product(period.end)
    rated = sa.func.coalesce(stars.c.stars, 0)
    rows = db.session.execute(
        sa.select(
            rated.label("key"),
            sa.func.sum(sold.c.units).label("units"),
            sa.func.sum(sold.c.value).label("value"),
        )
        .select_from(sold)
        .outerjoin(stars, stars.c.product_id == sold.c.product_id)
        .group_by(rated)
        .order_by(rated.desc())
    )
    return [
        Row(
            key=int(r.key),
            label=_("%(n)s★ OCOP", n=r.key) if r.key else _("Not OCOP-rated"),
            value=int(r.value),
            units=int(r.units),
        )
        for r in rows
    ]


def over_time(scope: Scope, period: Period) -> list[Row]:
    """Sales per day, week or month of the period, empty buckets included."""
    sales = sale_rows(scope, period)
    bucket = local_bucket(sales.c.paid_at, period.grain)
    found = {
        r.key: r
        for r in db.session.execute(
            sa.select(bucket.label("key"), *_measures(sales)).group_by(bucket)
        )
    }
    return [
        _row(start, start.isoformat(), found[start])
        if start in found
        else Row(start, start.isoformat())
        for start in buckets(period)
    ]


# Every report, by the name the benchmark and the exports use.
REPORTS = {
    "summary": summary,
    "by_method": by_method,
    "by_channel": by_channel,
    "by_district": by_district,
    "by_market": by_market,
    "top_producers": top_producers,
    "top_products": top_products,
    "by_ocop_group": by_ocop_group,
    "by_stars": by_stars,
    "over_time": over_time,
}


@dataclass
class Report:
    """Every table of the report page for one scope and period."""

    scope: Scope
    period: Period
    summary: Summary
    tables: dict[str, list[Row]] = field(default_factory=dict)


def build(scope: Scope, period: Period, locale: str = "vi") -> Report:
    """Run every report for the page and the exports."""
    report = Report(scope, period, summary(scope, period))
    for name, function in REPORTS.items():
        if name == "summary":
            continue
        if name == "by_ocop_group":
            report.tables[name] = by_ocop_group(scope, period, locale)
        else:
            report.tables[name] = function(scope, period)
    return report
