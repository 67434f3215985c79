"""Markets fixtures: two markets with stalls, their managers and sellers, and signed webhooks."""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

from catalog.models import HelperGrant, MemberRole, ProducerMember
from market.accounts.models import Role, User
from market.extensions import db
from market.markets.models import Market, MarketManager, Stall, StallProduct
from tests import factories

SEPAY_KEY = "sepay-markets-test-key"
COLLECTION_ACCOUNT = "1023456789"


@pytest.fixture
def app_config(app_config: dict) -> dict:
    """The shared test configuration with a SePay key and a collection account."""
    return {
        **app_config,
        "SEPAY_API_KEY": SEPAY_KEY,
        "COLLECTION_BANK_BIN": "970436",
        "COLLECTION_ACCOUNT": COLLECTION_ACCOUNT,
        "COLLECTION_HOLDER": "HTX CHO QUE",
        "PAYMENT_CODE_PREFIX": "CQ",
        "PUBLIC_BASE_URL": "https://choque.example",
    }


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    """An application context for calling services directly."""
    with app.app_context():
        yield


@dataclass(frozen=True)
class World:
    """Ids of the markets, stalls, products and people every markets test starts from."""

    market_a: int  # Chợ An Phú, TP Tuyên Quang (070)
    market_b: int  # Chợ Thái Hòa, Hàm Yên (074)
    stall_a: int  # at market A, producer A
    stall_b: int  # at market B, producer B
    producer_a: int
    producer_b: int
    honey: int  # producer A's product sold at stall A
    tea: int  # producer A's product sold at stall A
    oranges: int  # producer B's product
    owner_a: User
    staff_a: User
    helper_a: User
    owner_b: User
    provincial: User
    manager_a: User  # runs market A only
    manager_b: User  # runs market B only
    shopper: User
    admin: User


PEOPLE = {
    "owner_a": (Role.SHOPPER, "Chủ HTX A"),
    "staff_a": (Role.SHOPPER, "Nhân viên A"),
    "helper_a": (Role.HELPER, "Tổ công nghệ số"),
    "owner_b": (Role.SHOPPER, "Chủ HTX B"),
    "provincial": (Role.MANAGER, "Sở Công Thương"),
    "manager_a": (Role.MANAGER, "Ban quản lý chợ An Phú"),
    "manager_b": (Role.MANAGER, "Ban quản lý chợ Thái Hòa"),
    "shopper": (Role.SHOPPER, "Người mua"),
    "admin": (Role.ADMIN, "Quản trị"),
}


@cache
def _password_hash() -> str:
    """One scrypt hash for every test account: hashing is slow by design."""
    return generate_password_hash("correct horse")


def _people() -> dict[str, User]:
    users = {
        key: User(
            name=name,
            email=f"{key}@markets.example",
            role=role,
            provincial=key == "provincial",
            password_hash=_password_hash(),
        )
        for key, (role, name) in PEOPLE.items()
    }
    db.session.add_all(users.values())
    db.session.commit()
    for user in users.values():
        db.session.refresh(user)
        db.session.expunge(user)
    return users


@pytest.fixture
def world(app: Flask) -> World:
    """Two markets, one stall each, sellers for stall A, and managers of every kind."""
    with app.app_context():
        people = _people()
        maker_a = factories.producer(
            name="HTX Ong Phong Thổ",
            commune_code="02512",
            area_slug="tp-tuyen-quang",
            owner=people["owner_a"],
            bank_bin="970405",
            bank_account="8800201000101",
            bank_holder="HTX CHAN NUOI ONG PHONG THO",
        )
        maker_b = factories.producer(
            name="HTX Cam sành Phù Lưu",
            commune_code="02392",
            area_slug="ham-yen",
            owner=people["owner_b"],
        )
        db.session.add(
            ProducerMember(
                producer_id=maker_a.id, user_id=people["staff_a"].id, role=MemberRole.STAFF
            )
        )
        db.session.add(HelperGrant(producer_id=maker_a.id, helper_id=people["helper_a"].id))
        honey = factories.product(maker_a, name="Mật ong hoa bạc hà", price=250_000, unit="chai")
        tea = factories.product(maker_a, name="Chè Shan tuyết", price=120_000, unit="gói")
        oranges = factories.product(maker_b, name="Cam sành Hàm Yên", price=30_000)
        market_a = Market(name="Chợ An Phú", commune_code="02215", area_slug="tp-tuyen-quang")
        market_b = Market(name="Chợ Thái Hòa", commune_code="02419", area_slug="ham-yen")
        db.session.add_all([market_a, market_b])
        db.session.flush()
        stall_a = Stall(
            code="AP0001",
            market_id=market_a.id,
            number="A01",
            name=maker_a.name,
            producer_id=maker_a.id,
            bank_bin=maker_a.bank_bin,
            bank_account=maker_a.bank_account,
            bank_holder=maker_a.bank_holder,
        )
        stall_b = Stall(
            code="TH0001",
            market_id=market_b.id,
            number="05",
            name=maker_b.name,
            producer_id=maker_b.id,
            bank_bin=maker_b.bank_bin,
            bank_account=maker_b.bank_account,
            bank_holder=maker_b.bank_holder,
        )
        db.session.add_all([stall_a, stall_b])
        db.session.flush()
        db.session.add_all(
            [
                StallProduct(stall_id=stall_a.id, product_id=honey.id),
                StallProduct(stall_id=stall_a.id, product_id=tea.id),
                StallProduct(stall_id=stall_b.id, product_id=oranges.id),
                MarketManager(market_id=market_a.id, user_id=people["manager_a"].id),
                MarketManager(market_id=market_b.id, user_id=people["manager_b"].id),
            ]
        )
        db.session.commit()
        return World(
            market_a=market_a.id,
            market_b=market_b.id,
            stall_a=stall_a.id,
            stall_b=stall_b.id,
            producer_a=maker_a.id,
            producer_b=maker_b.id,
            honey=honey.id,
            tea=tea.id,
            oranges=oranges.id,
            **people,
        )


def sepay(
    client: FlaskClient, tx_id: int, amount: int, content: str, account: str, **fields: Any
) -> None:
    """Deliver a signed SePay credit notification; it must be accepted."""
    body = {
        "id": tx_id,
        "gateway": "Vietcombank",
        "transactionDate": "2026-11-24 08:02:37",
        "accountNumber": account,
        "code": None,
        "content": content,
        "transferType": "in",
        "transferAmount": amount,
        "accumulated": 19_077_000,
        "subAccount": None,
        "referenceCode": f"MBVCB.{tx_id}",
        "description": content,
        **fields,
    }
    response = client.post(
        "/webhooks/sepay",
        data=json.dumps(body),
        headers={"Authorization": f"Apikey {SEPAY_KEY}", "Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)


NOVEMBER_ARGS = {"start": "2026-11-01", "end": "2026-11-30"}


def workbook(client: FlaskClient, args: dict[str, str]) -> bytes:
    """Ask for the report workbook, follow its page (the job ran after the commit), download it."""
    started = client.post("/quan-ly/bao-cao/bao-cao.xlsx", query_string=args)
    assert started.status_code == 302, started.get_data(as_text=True)
    page = client.get(started.headers["Location"])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'http-equiv="refresh"' not in html
    link = re.search(r'href="(/quan-ly/bao-cao/xuat/\d+/tai-ve)"', html)
    assert link, html
    response = client.get(link.group(1))
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    return response.data
