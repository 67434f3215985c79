"""Fixtures for the orders tests: two producers with products, and checkout helpers."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import Flask

from market.accounts.models import Role, User
from market.extensions import db
from market.markets.models import Market, Stall
from tests import factories


@dataclass
class Shop:
    """Two verified producers, each with an owner, and their products (ids)."""

    owner_a: User
    owner_b: User
    producer_a: int
    producer_b: int
    tea: int  # producer A, 120.000 ₫, 10 in stock
    honey: int  # producer A, 250.000 ₫, 5 in stock
    orange: int  # producer B, 45.000 ₫, 100 in stock


@pytest.fixture
def shop(app: Flask, make_user: Callable[..., User]) -> Shop:
    """Producer A (delivery 30.000 ₫) sells tea and honey; producer B (25.000 ₫) oranges."""
    owner_a = make_user(Role.SHOPPER, name="Chủ HTX Chè", email="owner-a@example.vn")
    owner_b = make_user(Role.SHOPPER, name="Chủ HTX Cam", email="owner-b@example.vn")
    with app.app_context():
        a = factories.producer("HTX Chè Sử Anh", owner=owner_a, delivery_fee=30_000)
        b = factories.producer("HTX Cam Hàm Yên", owner=owner_b, delivery_fee=25_000)
        tea = factories.product(a, "Chè xanh Ngọc Thuý", price=120_000, stock=10)
        honey = factories.product(a, "Mật ong Hương rừng", price=250_000, stock=5)
        orange = factories.product(b, "Cam sành Hàm Yên", price=45_000, stock=100)
        return Shop(owner_a, owner_b, a.id, b.id, tea.id, honey.id, orange.id)


@pytest.fixture
def stall_of(app: Flask) -> Callable[..., int]:
    """Give a producer a stall at Chợ Tam Cờ (made once) and return the stall's id."""
    numbers = iter(range(1, 100))

    def make(producer_id: int, **fields: object) -> int:
        with app.app_context():
            market = db.session.scalar(db.select(Market).where(Market.name == "Chợ Tam Cờ"))
            if market is None:
                market = Market(
                    name="Chợ Tam Cờ",
                    commune_code="02215",
                    area_slug="tp-tuyen-quang",
                    address="Đường 17 Tháng 8",
                    market_days="Thứ Bảy và Chủ nhật",
                )
                db.session.add(market)
                db.session.flush()
            n = next(numbers)
            stall = Stall(
                code=f"TC{n:04d}",
                market_id=market.id,
                number=f"B{n:02d}",
                name=f"Sạp {n}",
                producer_id=producer_id,
                bank_bin="970436",
                bank_account=f"0011000{n:06d}",
                bank_holder="HTX THU NGHIEM",
                **fields,
            )
            db.session.add(stall)
            db.session.commit()
            return stall.id

    return make
