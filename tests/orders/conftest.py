"""Fixtures for the orders tests: two producers with products, and checkout helpers."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import Flask

from market.accounts.models import Role, User
from tests import factories


@dataclass
class Shop:
    """Two verified producers, each with an owner, and their products (ids)."""

    owner_a: User
    owner_b: User
    producer_a: int
    producer_b: int
    tea: int  # producer A, 120.000 ₫, 10 in stock
    honey: int  # producer A, 250.000 ₫, 5 in stock
    orange: int  # producer B, 45.000 ₫, 100 in stock


@pytest.fixture
def shop(app: Flask, make_user: Callable[..., User]) -> Shop:
    """Producer A (delivery 30.000 ₫) sells tea and honey; producer B (25.000 ₫) oranges."""
    owner_a = make_user(Role.SHOPPER, name="Chủ HTX Chè", email="owner-a@example.vn")
    owner_b = make_user(Role.SHOPPER, name="Chủ HTX Cam", email="owner-b@example.vn")
    with app.app_context():
        a = factories.producer("HTX Chè Sử Anh", owner=owner_a, delivery_fee=30_000)
        b = factories.producer("HTX Cam Hàm Yên", owner=owner_b, delivery_fee=25_000)
        tea = factories.product(a, "Chè xanh Ngọc Thuý", price=120_000, stock=10)
        honey = factories.product(a, "Mật ong Hương rừng", price=250_000, stock=5)
        orange = factories.product(b, "Cam sành Hàm Yên", price=45_000, stock=100)
        return Shop(owner_a, owner_b, a.id, b.id, tea.id, honey.id, orange.id)
