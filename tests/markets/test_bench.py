"""The markets benchmark's data and its report cases work (the timings belong to bench/)."""

from datetime import date, timedelta

import sqlalchemy as sa
from flask import Flask

from bench.markets_bench import cases
from bench.markets_data import load_sales
from market.extensions import db
from market.markets import reports, rollups
from market.markets.models import StallSale
from market.markets.scopes import Grain, Period, Scope
from orders.models import OrderLine, OrderPart, PartStatus


def test_bulk_sales_span_two_years_and_every_report_agrees_with_plain_sql(app: Flask) -> None:
    with app.app_context():
        counts = load_sales(3_000, seed=3)
        rollups.rebuild()  # as the benchmark does: the rows went in directly
        assert counts["markets"] == 25 and counts["stalls"] == 500
        lines = counts["order lines"] + counts["stall sale lines"]
        unlisted = db.session.scalar(
            sa.select(sa.func.count()).select_from(StallSale).where(sa.not_(StallSale.itemized))
        )
        assert lines + unlisted >= 3_000
        today = date.today()
        everything = Period(today - timedelta(days=800), today + timedelta(days=1), Grain.MONTH)
        province = Scope("all", "province", None)
        total = reports.summary(province, everything)
        online = db.session.execute(
            sa.select(sa.func.count(), sa.func.sum(OrderPart.items_total)).where(
                OrderPart.paid_at.is_not(None),
                OrderPart.status.not_in([PartStatus.CANCELLED, PartStatus.REFUNDED]),
            )
        ).one()
        stall = db.session.execute(
            sa.select(sa.func.count(), sa.func.sum(StallSale.amount)).where(
                StallSale.status == "paid"
            )
        ).one()
        assert total.sales == online[0] + stall[0]
        assert total.value == online[1] + stall[1]
        for name, function in reports.REPORTS.items():
            if name in ("summary", "top_producers", "top_products"):
                continue
            rows = function(province, everything)
            assert sum(row.value for row in rows) == total.value, name
        units = db.session.scalar(
            sa.select(sa.func.sum(OrderLine.quantity))
            .join(OrderPart)
            .where(
                OrderPart.paid_at.is_not(None),
                OrderPart.status.not_in([PartStatus.CANCELLED, PartStatus.REFUNDED]),
            )
        )
        assert total.units > units  # stall sale lines add to the online units
        labels = [label for label, _scope, _period in cases(today)]
        assert labels == ["province · 30 d", "province · 2 y", "area · 2 y", "market · 2 y"]
