"""Demo chợ 4.0 markets: the province's cashless markets, stalls of demo producers, a market
manager, and four weeks of stall sales, added by ``flask demo load`` after the catalog.

Loading is idempotent (existing markets, stalls and sales are left alone); ``--reset`` removes
the demo markets with everything in them and the demo market manager first.
"""

import json
import random
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from catalog.models import Producer, Product, ProductStatus
from market.accounts.models import Role, User
from market.dbtypes import utcnow
from market.demo import DemoStep
from market.extensions import db
from market.markets import rollups
from market.markets.models import (
    Market,
    MarketManager,
    SaleStatus,
    Stall,
    StallProduct,
    StallSale,
    StallSaleLine,
)
from market.markets.stalls import CODE_ALPHABET, STALL_CODE_LENGTH
from payments.codes import generate_code
from payments.models import PaymentMethod

DATA_FILE = Path(__file__).parent / "data" / "markets.json"
SALE_DAYS = 28
ROUND_AMOUNTS = (20_000, 30_000, 50_000, 50_000, 100_000, 150_000, 200_000)


def _data() -> dict:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def _stall_code(market: str, number: str) -> str:
    """A stable code per demo stall, so its poster and link survive a reset."""
    rng = random.Random(f"stall:{market}:{number}")
    return "".join(rng.choice(CODE_ALPHABET) for _ in range(STALL_CODE_LENGTH))


def load(password: str) -> str:
    """Create the missing demo markets, stalls, manager and sales; one summary line."""
    data = _data()
    slugs = {stall["producer"] for spec in data["markets"] for stall in spec["stalls"]}
    producers = {
        p.slug: p for p in db.session.scalars(sa.select(Producer).where(Producer.slug.in_(slugs)))
    }
    products = {p.slug: p for p in db.session.scalars(sa.select(Product))}
    new_markets = new_stalls = new_sales = 0
    markets: dict[str, Market] = {}
    for spec in data["markets"]:
        market = db.session.scalar(
            sa.select(Market).where(
                Market.commune_code == spec["commune"], Market.name == spec["name"]
            )
        )
        if market is None:
            market = Market(
                name=spec["name"],
                commune_code=spec["commune"],
                area_slug=spec["area"],
                address=spec["address"],
                market_days=spec["days"],
            )
            db.session.add(market)
            db.session.flush()
            new_markets += 1
        markets[market.name] = market
        for stall_spec in spec["stalls"]:
            producer = producers[stall_spec["producer"]]
            stall = db.session.scalar(
                sa.select(Stall).where(
                    Stall.market_id == market.id, Stall.number == stall_spec["number"]
                )
            )
            if stall is None:
                stall = Stall(
                    code=_stall_code(market.name, stall_spec["number"]),
                    market=market,
                    number=stall_spec["number"],
                    name=producer.name[:120],
                    producer=producer,
                    bank_bin=producer.bank_bin,
                    bank_account=producer.bank_account,
                    bank_holder=producer.bank_holder,
                    products=[products[slug] for slug in stall_spec["products"]],
                )
                db.session.add(stall)
                db.session.flush()
                new_stalls += 1
            new_sales += _sales(stall)
    _manager(data["manager"], markets, password)
    rollups.rebuild()  # the demo's sales went in as rows, not through the till
    db.session.commit()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Stall))
    return (
        f"chợ 4.0 markets: {len(markets)} ({new_markets} new), "
        f"stalls: {total} ({new_stalls} new), stall sales: {new_sales} new"
    )


def _manager(spec: dict, markets: dict[str, Market], password: str) -> None:
    user = db.session.scalar(sa.select(User).where(User.email == spec["email"]))
    if user is None:
        user = User(email=spec["email"], name=spec["name"], role=Role.MANAGER, locale="vi")
        user.set_password(password)
        db.session.add(user)
        db.session.flush()
    market = markets[spec["market"]]
    assigned = db.session.scalar(
        sa.select(MarketManager.id).where(
            MarketManager.market_id == market.id, MarketManager.user_id == user.id
        )
    )
    if assigned is None:
        db.session.add(MarketManager(market_id=market.id, user_id=user.id))


def _sales(stall: Stall) -> int:
    """Four weeks of paid sales for a stall that has none: about half by transfer."""
    if db.session.scalar(sa.select(StallSale.id).where(StallSale.stall_id == stall.id).limit(1)):
        return 0
    rng = random.Random(f"sales:{stall.code}")
    on_sale = [p for p in stall.products if p.status == ProductStatus.ACTIVE]
    start = utcnow().replace(hour=23, minute=0, second=0, microsecond=0) - timedelta(days=SALE_DAYS)
    added = 0
    for day in range(SALE_DAYS):
        for _ in range(rng.randint(0, 4)):
            # 23:00 UTC the day before is 06:00 in Vietnam: the morning market.
            at = start + timedelta(days=day, minutes=rng.randint(0, 300))
            transfer = rng.random() < 0.55
            lines = []
            if on_sale and rng.random() < 0.6:
                for product in rng.sample(on_sale, k=min(len(on_sale), rng.randint(1, 2))):
                    quantity = rng.randint(1, 3)
                    lines.append(
                        StallSaleLine(
                            product_id=product.id,
                            product_name=product.name,
                            unit=product.unit,
                            unit_price=product.price,
                            quantity=quantity,
                            line_total=product.price * quantity,
                        )
                    )
            amount = sum(line.line_total for line in lines) or rng.choice(ROUND_AMOUNTS)
            db.session.add(
                StallSale(
                    stall_id=stall.id,
                    market_id=stall.market_id,
                    producer_id=stall.producer_id,
                    seller_access="owner",
                    method=PaymentMethod.BANK_TRANSFER if transfer else PaymentMethod.CASH,
                    amount=amount,
                    paid_amount=amount,
                    status=SaleStatus.PAID,
                    payment_code=generate_code() if transfer else None,
                    itemized=bool(lines),
                    lines=lines,
                    created_at=at,
                    paid_at=at + timedelta(seconds=rng.randint(5, 40)),
                )
            )
            added += 1
    db.session.flush()
    return added


def reset() -> None:
    """Delete the demo markets with their stalls and sales, and the demo market manager.

    Runs inside the demo reset's transaction, which commits or rolls back everything.
    """
    data = _data()
    names = [(spec["commune"], spec["name"]) for spec in data["markets"]]
    market_ids = [
        market_id
        for market_id, commune, name in db.session.execute(
            sa.select(Market.id, Market.commune_code, Market.name)
        )
        if (commune, name) in names
    ]
    stall_ids = sa.select(Stall.id).where(Stall.market_id.in_(market_ids))
    sale_ids = sa.select(StallSale.id).where(StallSale.market_id.in_(market_ids))
    db.session.execute(sa.delete(StallSaleLine).where(StallSaleLine.sale_id.in_(sale_ids)))
    db.session.execute(sa.delete(StallSale).where(StallSale.market_id.in_(market_ids)))
    db.session.execute(sa.delete(StallProduct).where(StallProduct.stall_id.in_(stall_ids)))
    db.session.execute(sa.delete(Stall).where(Stall.market_id.in_(market_ids)))
    db.session.execute(sa.delete(MarketManager).where(MarketManager.market_id.in_(market_ids)))
    db.session.execute(sa.delete(Market).where(Market.id.in_(market_ids)))
    db.session.execute(sa.delete(User).where(User.email == data["manager"]["email"]))
    rollups.rebuild()


STEP = DemoStep("chợ 4.0 markets", load, reset)
