"""Sales rollups: kept current by the services exactly as a rebuild from the raw rows makes them,
and the reports read from them give the figures the raw lines give."""

import random
from collections import Counter, defaultdict
from datetime import date, timedelta

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner

from catalog.models import Product
from market.extensions import db
from market.markets import reports, rollups, sales
from market.markets.counted import CASHLESS, online_counted, stall_counted
from market.markets.models import Stall, StallSale, StallSaleLine
from market.markets.scopes import Grain, Period, Scope
from market.markets.target import StallSaleTarget
from orders import services
from orders.checkout import place_order
from orders.models import (
    ActorRole,
    DeliveryMethod,
    Order,
    OrderLine,
    OrderPart,
    PaymentMethod,
)
from orders.transitions import Actor
from payments.targets import PaymentStatus, PayState
from tests.markets.conftest import World
from tests.orders.helpers import order_request

PROVINCE = Scope("all", "province", None)
OWNER = Actor(ActorRole.OWNER, None)


def _rollup_rows() -> dict[str, list[tuple]]:
    return {
        model.__tablename__: sorted(
            tuple(row) for row in db.session.execute(sa.select(*model.__table__.c)).all()
        )
        for model in rollups.MODELS
    }


def _sell_through_the_services(world: World, seed: int = 15) -> None:
    """Orders placed, paid (transfer or cash), some parts cancelled after payment and refunded,
    some left unpaid; stall sales in cash, by transfer confirmed later, and some never paid."""
    rng = random.Random(seed)
    products = {world.producer_a: [world.honey, world.tea], world.producer_b: [world.oranges]}
    prices = dict(db.session.execute(sa.select(Product.id, Product.price)).all())
    for product_id in prices:
        db.session.get(Product, product_id).stock = 10_000
    db.session.commit()
    for n in range(30):
        makers = rng.sample(sorted(products), k=rng.choice((1, 2)))
        lines = [
            (product, rng.randint(1, 3), prices[product])
            for maker in makers
            for product in rng.sample(products[maker], k=1)
        ]
        at_stall = makers == [world.producer_a] and rng.random() < 0.5
        payment = rng.choice((PaymentMethod.BANK_TRANSFER, PaymentMethod.CASH))
        order = place_order(
            order_request(
                lines,
                makers,
                payment=payment,
                method=DeliveryMethod.PICKUP_STALL if at_stall else DeliveryMethod.PICKUP_PRODUCER,
                stall_id=world.stall_a if at_stall else None,
                key=f"rollups-{n}",
            )
        )
        fate = rng.random()
        if fate < 0.15:
            continue  # never paid
        if payment == PaymentMethod.BANK_TRANSFER:
            services.mark_order_paid(order, services.amount_payable(order), f"FT{n}")
        else:
            for part in order.parts:
                services.mark_part_paid(part, part.total, f"CASH{n}-{part.number}")
        part = order.parts[-1]
        if fate > 0.6:
            services.cancel_part(part, OWNER, "Hết hàng")  # a part cancelled after payment
            if fate > 0.8:
                services.refund_part(part, part.paid_amount, f"RF{n}")
    target = StallSaleTarget()
    for n in range(12):
        stall = db.session.get(Stall, world.stall_a)
        items = [sales.Item(world.honey, rng.randint(1, 2))] if rng.random() < 0.6 else []
        method = "cash" if n % 3 else "bank_transfer"
        amount = None if items else 50_000
        sale = sales.record_sale(stall, world.owner_a, "owner", method, amount, items)
        if method == "bank_transfer" and n % 2:
            paid = PaymentStatus(sale.payment_code, PayState.PAID, sale.amount, sale.amount)
            target.payment_changed(sale.payment_code, paid)
            db.session.commit()


def test_the_services_keep_the_rollups_as_a_rebuild_makes_them(app: Flask, world: World) -> None:
    with app.app_context():
        _sell_through_the_services(world)
        kept = _rollup_rows()
        assert kept["sales_rollups"], "the services counted nothing"
        statuses = set(db.session.scalars(sa.select(OrderPart.status)))
        assert {"cancelled", "refunded"} <= statuses
        rollups.rebuild()
        assert _rollup_rows() == kept


def test_reports_from_rollups_give_the_raw_lines_figures(app: Flask, world: World) -> None:
    with app.app_context():
        _sell_through_the_services(world, seed=4)
        today = date.today()
        period = Period(today - timedelta(days=40), today + timedelta(days=1), Grain.WEEK)
        since, until = period.utc_bounds()
        parts = db.session.execute(
            sa.select(Order.payment_method, OrderPart.items_total, OrderPart.id)
            .join(Order)
            .where(*online_counted(PROVINCE, since, until))
        ).all()
        stall_sales = db.session.execute(
            sa.select(StallSale.method, StallSale.amount, StallSale.id).where(
                *stall_counted(PROVINCE, since, until)
            )
        ).all()
        by_method: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for method, value, _id in [*parts, *stall_sales]:
            by_method[str(method)][0] += 1
            by_method[str(method)][1] += value
        units: Counter[int | None] = Counter()
        for product, quantity in db.session.execute(
            sa.select(OrderLine.product_id, OrderLine.quantity).where(
                OrderLine.part_id.in_([p.id for p in parts])
            )
        ):
            units[product] += quantity
        for product, quantity in db.session.execute(
            sa.select(StallSaleLine.product_id, StallSaleLine.quantity).where(
                StallSaleLine.sale_id.in_([s.id for s in stall_sales])
            )
        ):
            units[product] += quantity

        total = reports.summary(PROVINCE, period)
        assert total.sales == len(parts) + len(stall_sales) > 0
        assert total.value == sum(v for _m, v, _i in [*parts, *stall_sales])
        assert total.cashless_value == sum(v for m, (_n, v) in by_method.items() if m in CASHLESS)
        assert total.units == sum(units.values())
        assert {r.key: [r.sales, r.value] for r in reports.by_method(PROVINCE, period)} == dict(
            by_method
        )
        top = {r.key: r.units for r in reports.top_products(PROVINCE, period) if r.key}
        assert top == {product: n for product, n in units.items() if product}
        weeks = reports.over_time(PROVINCE, period)
        assert sum(r.value for r in weeks) == total.value


def test_whole_months_and_the_days_around_them_add_up_to_the_period(
    app: Flask, world: World
) -> None:
    with app.app_context():
        _sell_through_the_services(world, seed=9)
        today = date.today()
        for start, end in [
            (today.replace(day=1), today),
            (today - timedelta(days=70), today + timedelta(days=3)),
            (today - timedelta(days=3), today + timedelta(days=30)),
            (today, today),
        ]:
            period = Period(start, end, Grain.MONTH)
            by_day = db.session.execute(
                sa.select(sa.func.sum(rollups.SalesRollup.value)).where(
                    rollups.SalesRollup.grain == rollups.DAY,
                    rollups.SalesRollup.start.between(start, end),
                )
            ).scalar()
            assert reports.summary(PROVINCE, period).value == (by_day or 0), (start, end)


def test_the_rebuild_command_makes_the_rollups_from_the_recorded_sales(
    app: Flask, world: World, runner: FlaskCliRunner
) -> None:
    with app.app_context():
        _sell_through_the_services(world, seed=2)
        kept = _rollup_rows()
        for model in rollups.MODELS:
            db.session.execute(sa.delete(model))
        db.session.commit()
    result = runner.invoke(args=["markets", "rollups", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "Rebuilt the sales rollups" in result.output
    with app.app_context():
        assert _rollup_rows() == kept
