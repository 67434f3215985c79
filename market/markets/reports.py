"""Sales reports, every figure read from the daily and monthly rollups (``rollups.py``) with
GROUP BY: a report over two years reads a few thousand rollup rows, never the million lines.

What counts as a sale is defined once in ``counted.py``. Days are Vietnam days (UTC+7): whole
months of a period come from the month rows, the days around them from the day rows. OCOP stars
are those valid on the period's last day; areas, communes, groups and stars are looked up
through the producers, markets and products the rollups name.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from catalog.listing import current_stars_by_product
from catalog.models import Category, Producer, Product
from market import places
from market.extensions import db
from market.markets.counted import CASHLESS, ONLINE, STALL
from market.markets.models import Market
from market.markets.rollups import (
    DAY,
    NO_MARKET,
    NOT_LISTED,
    ProductSalesRollup,
    ProductTotalRollup,
    SalesRollup,
    covering,
)
from market.markets.scopes import Grain, Period, Scope
from payments.labels import method_label

TOP = 10

# Breakdowns read from the product rollups: units and value per line sold. A sale can hold
# products of several groups and star levels, so sales and their cashless part do not apply.
LINE_LEVEL = frozenset({"top_products", "by_ocop_group", "by_stars"})
SALE_MEASURES = ("sales", "value", "cashless_sales", "cashless_value")
LINE_MEASURES = ("value", "units")


def measures_of(table: str) -> tuple[str, ...]:
    """The measures (``Row`` fields) a breakdown has; the others do not apply to its rows
    (a breakdown read from the sales rollups counts sales, not units)."""
    return LINE_MEASURES if table in LINE_LEVEL else SALE_MEASURES


# -- time buckets -----------------------------------------------------------------------------


def bucket_start(day: date, grain: Grain) -> date:
    """The first day of the bucket holding ``day``."""
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


# -- the rollup rows read ------------------------------------------------------------------


Rollup = type[SalesRollup] | type[ProductSalesRollup] | type[ProductTotalRollup]


def _products_rollup(scope: Scope) -> type[ProductSalesRollup] | type[ProductTotalRollup]:
    """The province's product totals, or the rollup by market and producer for a smaller scope."""
    if scope.market_ids is None and scope.area_slug is None:
        return ProductTotalRollup
    return ProductSalesRollup


def _scope_parts(model: Rollup, scope: Scope) -> list[tuple[sa.ColumnElement[bool], ...]]:
    """The scope as conditions whose rows add up (each part an index range where it can be).

    A market's scope: sales at its stalls (online parts picked up there included); a
    area's: sales at its markets, and its producers' online parts picked up at no stall.
    """
    table = model.__table__
    mine = () if scope.market_ids is None else (table.c.market_id.in_(scope.market_ids),)
    if scope.area_slug is None:
        return [mine]
    markets = sa.select(Market.id).where(Market.area_slug == scope.area_slug)
    producers = sa.select(Producer.id).where(Producer.area_slug == scope.area_slug)
    return [
        (*mine, table.c.market_id.in_(markets)),
        # "< 1" rather than "== 0" (ids start at 1): read by producer, not every no-market row.
        (*mine, table.c.market_id < NO_MARKET + 1, table.c.producer_id.in_(producers)),
    ]


def _rows(
    model: Rollup, scope: Scope, ranges: list[tuple[str, date, date]], *columns: str
) -> sa.Subquery:
    """The scope's rollup rows of the (grain, first, last) ranges, each part one index range,
    joined with UNION ALL (an OR of ranges made SQLite look every row up a second time)."""
    table = model.__table__
    parts = [
        sa.select(*(table.c[name] for name in columns)).where(
            table.c.grain == grain, table.c.start >= first, table.c.start <= last, *conditions
        )
        for grain, first, last in ranges
        for conditions in _scope_parts(model, scope)
    ]
    return (sa.union_all(*parts) if len(parts) > 1 else parts[0]).subquery("rollup")


SALES = ("start", "channel", "method", "producer_id", "market_id", "sales", "value")


def _sales(scope: Scope, period: Period) -> sa.Subquery:
    """The sales rollup rows adding up to exactly the period's days, in the scope."""
    return _rows(SalesRollup, scope, covering(period.start, period.end), *SALES)


def _products(scope: Scope, period: Period) -> sa.Subquery:
    """The product rollup rows adding up to exactly the period's days, in the scope."""
    ranges = covering(period.start, period.end)
    return _rows(_products_rollup(scope), scope, ranges, "product_id", "units", "value")


def by_product(scope: Scope, period: Period) -> sa.Subquery:
    """Units and value per product (None: stall sales without products)."""
    rows = _products(scope, period)
    product = sa.case((rows.c.product_id == NOT_LISTED, None), else_=rows.c.product_id)
    return (
        sa.select(
            product.label("product_id"),
            sa.func.sum(rows.c.units).label("units"),
            sa.func.sum(rows.c.value).label("value"),
        )
        .group_by(product)
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


def _measures(rows: sa.Subquery) -> tuple[sa.ColumnElement, ...]:
    cashless = rows.c.method.in_(CASHLESS)
    return (
        sa.func.coalesce(sa.func.sum(rows.c.sales), 0).label("sales"),
        sa.func.coalesce(sa.func.sum(rows.c.value), 0).label("value"),
        sa.func.coalesce(sa.func.sum(sa.case((cashless, rows.c.sales), else_=0)), 0).label(
            "cashless_sales"
        ),
        sa.func.coalesce(sa.func.sum(sa.case((cashless, rows.c.value), else_=0)), 0).label(
            "cashless_value"
        ),
    )


def _grouped(scope: Scope, period: Period, key: str) -> list[sa.Row]:
    rows = _sales(scope, period)
    column = rows.c[key]
    return list(
        db.session.execute(
            sa.select(column.label("key"), *_measures(rows))
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
    totals = db.session.execute(sa.select(*_measures(_sales(scope, period)))).one()
    products = _products(scope, period)
    units = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(products.c.units), 0)))
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


def by_area(scope: Scope, period: Period) -> list[Row]:
    """Sales by area of origin (former district): the market's for stall sales and online
    orders picked up at a stall, else the producer's."""

    def name(key: str | None) -> str:
        area = places.area(key)
        return area.short_name if area else _("Area not set")

    return _by_place(scope, period, Producer.area_slug, Market.area_slug, name)


def by_commune(scope: Scope, period: Period) -> list[Row]:
    """Sales by commune or ward (2025 units), placed as ``by_area`` places them."""

    def name(key: str | None) -> str:
        return places.display(key) or _("Commune to be confirmed")

    return _by_place(scope, period, Producer.commune_code, Market.commune_code, name)


def _by_place(
    scope: Scope,
    period: Period,
    producer_place: sa.ColumnElement[str | None],
    market_place: sa.ColumnElement[str | None],
    name: Callable[[str | None], str],
) -> list[Row]:
    """Sales grouped by a place column: the market's for stall sales and online orders
    picked up at a stall, else the producer's. Grouped by producer and market first, so
    places are looked up once per group."""
    rows = _sales(scope, period)
    groups = (
        sa.select(rows.c.producer_id, rows.c.market_id, *_measures(rows))
        .group_by(rows.c.producer_id, rows.c.market_id)
        .subquery("groups")
    )
    place = sa.case((groups.c.market_id == NO_MARKET, producer_place), else_=market_place)
    found = db.session.execute(
        sa.select(place.label("key"), *_resummed(groups))
        .select_from(groups)
        .outerjoin(Producer, Producer.id == groups.c.producer_id)
        .outerjoin(Market, Market.id == groups.c.market_id)
        .group_by(place)
        .order_by(sa.desc("value"), place)
    )
    return [_row(r.key, name(r.key), r) for r in found]


def by_market(scope: Scope, period: Period) -> list[Row]:
    """Sales by market (online orders picked up at a stall under its market); other online
    orders form their own line."""
    found = _grouped(scope, period, "market_id")
    ids = [r.key for r in found if r.key != NO_MARKET]
    names = dict(
        db.session.execute(sa.select(Market.id, Market.name).where(Market.id.in_(ids))).all()
    )
    return [
        _row(None, _("Online (no market)"), r)
        if r.key == NO_MARKET
        else _row(r.key, names.get(r.key, ""), r)
        for r in found
    ]


def top_producers(scope: Scope, period: Period, limit: int = TOP) -> list[Row]:
    """The producers who sold the most, by value."""
    rows = _sales(scope, period)
    top = (
        sa.select(rows.c.producer_id.label("key"), *_measures(rows))
        .group_by(rows.c.producer_id)
        .order_by(sa.desc("value"), rows.c.producer_id)
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
    """Sales per day, week or month of the period, empty buckets included.

    Months read month rows where the period covers them whole; days and weeks read day rows.
    """
    ranges = (
        covering(period.start, period.end)
        if period.grain == Grain.MONTH
        else [(DAY, period.start, period.end)]
    )
    rows = _rows(SalesRollup, scope, ranges, *SALES)
    totals: dict[date, list[int]] = {}
    for found in db.session.execute(
        sa.select(rows.c.start.label("key"), *_measures(rows)).group_by(rows.c.start)
    ):
        start = bucket_start(found.key, period.grain)
        into = totals.setdefault(start, [0, 0, 0, 0])
        for i, name in enumerate(("sales", "value", "cashless_sales", "cashless_value")):
            into[i] += int(getattr(found, name))
    return [
        Row(start, start.isoformat(), *totals[start])
        if start in totals
        else Row(start, start.isoformat())
        for start in buckets(period)
    ]


# Every report, by the name the benchmark and the exports use.
REPORTS = {
    "summary": summary,
    "by_method": by_method,
    "by_channel": by_channel,
    "by_area": by_area,
    "by_commune": by_commune,
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
