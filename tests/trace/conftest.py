"""Fixtures for the traceability tests: a producer with its people, products, an area and lots."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import pytest
from flask import Flask

from catalog.models import (
    Certification,
    HelperGrant,
    Lot,
    MemberRole,
    ProducerMember,
)
from catalog.trace import services
from catalog.trace.buyers import Buyer
from catalog.trace.models import EventType
from market import registry
from market.accounts.models import Role, User
from market.extensions import db
from tests import factories
from tests.farm import buy, farm, signed_in  # noqa: F401  (fixtures of orders meeting lots and stock)

GTIN = "08931234567897"


@dataclass
class World:
    """Ids of what the traceability tests work on."""

    producer_id: int
    other_producer_id: int
    owner: User
    staff: User
    helper: User
    other_owner: User
    product_id: int
    plain_product_id: int
    area_id: int
    lot_id: int
    lot_code: str
    plain_lot_code: str
    other_lot_code: str


@pytest.fixture
def world(app: Flask, make_user: Callable[..., User]) -> World:
    """A verified cooperative (owner, staff, a helper it granted) and another producer."""
    owner = make_user(name="Chủ HTX")
    staff = make_user(name="Nhân viên")
    helper = make_user(Role.HELPER, name="Tổ công nghệ số")
    other_owner = make_user(name="Chủ khác")
    with app.app_context():
        maker = factories.producer(name="HTX Cam sành Hàm Yên", owner=owner, phone="0912345678")
        db.session.add(ProducerMember(producer=maker, user_id=staff.id, role=MemberRole.STAFF))
        db.session.add(HelperGrant(producer=maker, helper_id=helper.id, granted_by_id=owner.id))
        area = factories.growing_area(
            maker,
            code="VN-TQ-HY-001",
            crop="Cam sành",
            latitude=Decimal("22.0750"),
            longitude=Decimal("105.0330"),
            area_ha=Decimal("12.5"),
            households=18,
            certification=Certification.VIETGAP,
        )
        product = factories.product(maker, name="Cam sành Hàm Yên", gtin=GTIN, unit="kg")
        product.growing_area = area
        plain = factories.product(maker, name="Mật ong bạc hà", unit="hũ")
        lot = Lot(
            code="250312-CAM1",
            product=product,
            growing_area=area,
            harvest_date=date(2025, 3, 12),
            quantity=Decimal("500"),
        )
        plain_lot = Lot(
            code="MO-2025-01", product=plain, harvest_date=date(2025, 4, 2), quantity=Decimal(40)
        )
        db.session.add_all([lot, plain_lot])
        db.session.commit()
        other = factories.producer(name="HTX Khác", owner=other_owner)
        other_product = factories.product(other, name="Chè Shan tuyết")
        other_lot = Lot(
            code="CHE-01", product=other_product, harvest_date=date(2025, 3, 1), quantity=100
        )
        db.session.add(other_lot)
        db.session.commit()
        return World(
            producer_id=maker.id,
            other_producer_id=other.id,
            owner=owner,
            staff=staff,
            helper=helper,
            other_owner=other_owner,
            product_id=product.id,
            plain_product_id=plain.id,
            area_id=area.id,
            lot_id=lot.id,
            lot_code=lot.code,
            plain_lot_code=plain_lot.code,
            other_lot_code=other_lot.code,
        )


@pytest.fixture
def with_events(app: Flask, world: World) -> World:
    """Harvest, packing and shipping on the orange lot, recorded out of order."""
    with app.app_context():
        lot = db.session.get(Lot, world.lot_id)
        owner = db.session.get(User, world.owner.id)
        # Times are UTC: 01:30 UTC is 08:30 in Vietnam.
        services.record_event(
            lot, EventType.SHIPPING, datetime(2025, 3, 14, 2, 0), owner, place="Kho Tân Yên"
        )
        services.record_event(
            lot,
            EventType.HARVEST,
            datetime(2025, 3, 12, 1, 30),
            owner,
            place="Đồi cam Phù Lưu",
            quantity=Decimal(500),
            certificate="VietGAP",
            certificate_ref="https://example.vn/vietgap/123",
        )
        services.record_event(
            lot, EventType.PACKING, datetime(2025, 3, 13, 9, 15), owner, place="Nhà sơ chế"
        )
    return world


@dataclass
class FakeOrders:
    """A test double for the orders package's buyer source."""

    buyers: dict[int, list[Buyer]]
    calls: list[int]

    def __call__(self, lot_id: int) -> list[Buyer]:
        self.calls.append(lot_id)
        return self.buyers.get(lot_id, [])


@pytest.fixture
def fake_orders(app: Flask, world: World) -> Iterator[FakeOrders]:
    """Two buyers of the orange lot (one without email) registered as the app's buyer source."""
    double = FakeOrders(
        buyers={
            world.lot_id: [
                Buyer("Nguyễn Thị Lan", "lan@example.vn", "0987654321", "CQ-1001"),
                Buyer("Trần Văn Nam", None, "0911222333", "CQ-1002"),
                Buyer("Mary Smith", "mary@example.com", None, "CQ-1003", locale="en"),
            ]
        },
        calls=[],
    )
    registry.LOT_BUYERS.add(app, double)
    yield double
