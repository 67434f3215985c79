"""Setting up markets and stalls: places, managers, accounts and products."""

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from catalog.audit import AuditEntry
from market.accounts.models import Role, User
from market.extensions import db
from market.markets.models import Market, MarketManager, Stall, StallProduct
from tests import factories
from tests.markets.conftest import World

MARKET = {
    "name": "Chợ Km 39",
    "place": "02407",  # Xã Thái Sơn (Hàm Yên)
    "address": "Quốc lộ 2",
    "market_days": "Hằng ngày",
    "active": "y",
}


def test_a_provincial_manager_creates_a_market_with_its_commune_and_days(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World
) -> None:
    login_as(user=world.provincial)
    response = client.post("/quan-ly/cho/moi", data=MARKET)
    assert response.status_code == 302
    with app.app_context():
        market = db.session.scalar(sa.select(Market).where(Market.name == "Chợ Km 39"))
        assert (market.area_slug, market.commune_code, market.market_days, market.active) == (
            "ham-yen",
            "02407",
            "Hằng ngày",
            True,
        )
    assert response.headers["Location"].endswith(f"/quan-ly/cho/{market.id}")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "   "}, "Nhập tên chợ"),
        ({"place": "00004"}, "Hãy chọn"),  # a ward of Hà Nội, not of the province
        ({"place": "999:x"}, "Hãy chọn"),
        ({"area": "khong-co"}, "Hãy chọn"),
        ({"name": "Chợ An Phú", "place": "02215"}, "đã có chợ"),
    ],
)
def test_a_bad_market_is_refused_with_a_message(
    app: Flask,
    client: FlaskClient,
    login_as: Callable[..., User],
    world: World,
    changes: dict,
    message: str,
) -> None:
    login_as(user=world.provincial)
    response = client.post("/quan-ly/cho/moi", data={**MARKET, **changes})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Market)) == 2


def test_a_markets_own_manager_edits_its_days(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World
) -> None:
    login_as(user=world.manager_a)
    data = {**MARKET, "name": "Chợ An Phú", "place": "02215", "market_days": "Sáng"}
    assert client.post(f"/quan-ly/cho/{world.market_a}", data=data).status_code == 302
    with app.app_context():
        assert db.session.get(Market, world.market_a).market_days == "Sáng"


def test_managers_are_assigned_by_login_and_then_see_only_that_market(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World
) -> None:
    with app.app_context():
        newcomer = User(name="Cán bộ mới", phone="0987654321", role=Role.MANAGER, password_hash="x")
        db.session.add(newcomer)
        db.session.commit()
        newcomer_id = newcomer.id
    login_as(user=world.provincial)
    for login in ("shopper@markets.example", "không-có@x.vn"):
        client.post(f"/quan-ly/cho/{world.market_b}/quan-ly", data={"login": login})
    client.post(f"/quan-ly/cho/{world.market_b}/quan-ly", data={"login": "+84 987 654 321"})
    with app.app_context():
        assigned = db.session.scalars(
            sa.select(MarketManager.user_id).where(MarketManager.market_id == world.market_b)
        ).all()
        assert sorted(assigned) == sorted([world.manager_b.id, newcomer_id])
        newcomer = db.session.get(User, newcomer_id)
        db.session.expunge(newcomer)
    login_as(user=newcomer)
    assert client.get(f"/quan-ly/cho/{world.market_a}").status_code == 404
    assert client.get(f"/quan-ly/cho/{world.market_b}").status_code == 200
    login_as(user=world.provincial)
    client.post(f"/quan-ly/cho/{world.market_b}/quan-ly/xoa", data={"user_id": newcomer_id})
    login_as(user=newcomer)  # with no market left (and no grant), a manager manages nothing
    assert client.get(f"/quan-ly/cho/{world.market_a}").status_code == 404
    assert client.get(f"/quan-ly/cho/{world.market_b}").status_code == 404
    assert client.get("/quan-ly/doi-soat").status_code == 403


def test_a_new_stall_takes_its_producers_account_and_logs_it_for_the_producer(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World
) -> None:
    login_as(user=world.manager_a)
    response = client.post(
        f"/quan-ly/cho/{world.market_a}/sap/moi",
        data={"number": " b 07 ", "producer_id": world.producer_a, "active": "y"},
    )
    assert response.status_code == 302
    with app.app_context():
        stall = db.session.scalar(sa.select(Stall).where(Stall.number == "B07"))
        assert (stall.bank_bin, stall.bank_account, stall.bank_holder, stall.name) == (
            "970405",
            "8800201000101",
            "HTX CHAN NUOI ONG PHONG THO",
            "HTX Ong Phong Thổ",
        )
        assert len(stall.code) == 6 and stall.active
        entry = db.session.scalar(
            sa.select(AuditEntry).where(
                AuditEntry.producer_id == world.producer_a, AuditEntry.entity == "stall"
            )
        )
        assert (entry.action, entry.actor_access, entry.actor_id) == (
            "stall.create",
            "manager",
            world.manager_a.id,
        )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"number": ""}, "Nhập số sạp"),
        ({"number": "A01"}, "đã có sạp mang số đó"),
        ({"producer_id": "0"}, "Hãy chọn nhà sản xuất"),
        ({"producer_id": "abc"}, "Hãy chọn nhà sản xuất"),
        ({"bank_bin": "123456", "bank_account": "123456789", "bank_holder": "X"}, "ngân hàng"),
        ({"bank_bin": "970436", "bank_account": "12ab", "bank_holder": "X"}, "6 đến 19 chữ số"),
        ({"bank_bin": "970436", "bank_account": "1234567", "bank_holder": ""}, "chủ tài khoản"),
    ],
)
def test_a_bad_stall_is_refused_with_a_message(
    app: Flask,
    client: FlaskClient,
    login_as: Callable[..., User],
    world: World,
    fields: dict,
    message: str,
) -> None:
    login_as(user=world.manager_a)
    data = {"number": "C09", "producer_id": world.producer_a, **fields}
    response = client.post(f"/quan-ly/cho/{world.market_a}/sap/moi", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Stall)) == 2


def test_a_producer_without_a_bank_account_needs_the_stalls_own(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World
) -> None:
    with app.app_context():
        bare = factories.producer(bank_bin=None, bank_account=None, bank_holder=None).id
    login_as(user=world.manager_a)
    url = f"/quan-ly/cho/{world.market_a}/sap/moi"
    refused = client.post(url, data={"number": "D1", "producer_id": bare})
    assert "chưa có tài khoản ngân hàng" in refused.get_data(as_text=True)
    accepted = client.post(
        url,
        data={
            "number": "D1",
            "producer_id": bare,
            "bank_bin": "970436",
            "bank_account": "0011 0012 3456",
            "bank_holder": "Nguyễn Thị Đào",
        },
    )
    assert accepted.status_code == 302
    with app.app_context():
        stall = db.session.scalar(sa.select(Stall).where(Stall.number == "D1"))
        assert (stall.bank_account, stall.bank_holder) == ("001100123456", "NGUYEN THI DAO")


def test_changing_a_stalls_account_is_logged_and_changes_its_check_code(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World
) -> None:
    login_as(user=world.manager_a)
    before = client.get(f"/quan-ly/sap/{world.stall_a}").get_data(as_text=True)
    data = {
        "number": "A01",
        "producer_id": world.producer_a,
        "bank_bin": "970436",
        "bank_account": "1234567890",
        "bank_holder": "HTX ONG PHONG THO",
        "active": "y",
    }
    assert client.post(f"/quan-ly/sap/{world.stall_a}", data=data).status_code == 302
    after = client.get(f"/quan-ly/sap/{world.stall_a}").get_data(as_text=True)
    code = lambda page: page.split('class="mk-code">')[1].split("<")[0]  # noqa: E731
    assert code(before) != code(after)
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "stall.update"))
        assert entry.before["bank_account"] == "8800201000101"
        assert entry.after["bank_account"] == "1234567890"


def test_a_stall_sells_only_its_producers_products(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World
) -> None:
    login_as(user=world.manager_a)
    url = f"/quan-ly/sap/{world.stall_a}/san-pham"
    client.post(url, data={"products": [world.honey, world.oranges]})
    client.post(url, data={"products": [world.tea]})
    with app.app_context():
        chosen = db.session.scalars(
            sa.select(StallProduct.product_id).where(StallProduct.stall_id == world.stall_a)
        ).all()
    assert chosen == [world.tea]


def test_a_stall_changing_producer_drops_the_old_products(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World
) -> None:
    login_as(user=world.provincial)
    data = {"number": "A01", "producer_id": world.producer_b, "active": "y"}
    assert client.post(f"/quan-ly/sap/{world.stall_a}", data=data).status_code == 302
    with app.app_context():
        stall = db.session.get(Stall, world.stall_a)
        assert stall.producer_id == world.producer_b and stall.products == []
        assert stall.bank_account == "8800201000101"  # the stall keeps its account until changed


def test_the_market_page_lists_stalls_with_poster_links(
    client: FlaskClient, login_as: Callable[..., User], world: World
) -> None:
    login_as(user=world.manager_a)
    page = client.get(f"/quan-ly/cho/{world.market_a}").get_data(as_text=True)
    assert "A01" in page and f"/quan-ly/sap/{world.stall_a}/ap-phich-a4.pdf" in page
    assert "Ban quản lý chợ An Phú" in page
