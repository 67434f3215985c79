"""Who may open what: every console and seller URL for every kind of visitor.

Console pages need a manager (others: 403, anonymous: sign-in). A market's manager sees only
their markets: another market's pages are 404, provincial-only pages 403 — the approvals and
payments' reconciliation (the whole marketplace's money) among them. Seller pages are 404 to
anyone who does not sell at the stall, manager or not.
"""

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from market.accounts.models import User
from market.extensions import db
from market.markets.models import StallSale
from payments.models import (
    BankNotification,
    BankProvider,
    EntryKind,
    LedgerEntry,
    NotificationStatus,
    Outcome,
    PaymentMethod,
)
from tests.markets.conftest import World

# (method, URL template); {ma}/{sa} are market A and its stall, {mb}/{sb} market B's.
OWN_MARKET_PAGES = [
    ("GET", "/quan-ly/cho/{ma}"),
    ("POST", "/quan-ly/cho/{ma}"),
    ("GET", "/quan-ly/cho/{ma}/sap/moi"),
    ("POST", "/quan-ly/cho/{ma}/sap/moi"),
    ("GET", "/quan-ly/sap/{sa}"),
    ("POST", "/quan-ly/sap/{sa}"),
    ("POST", "/quan-ly/sap/{sa}/san-pham"),
    ("GET", "/quan-ly/sap/{sa}/ap-phich-a4.pdf"),
    ("GET", "/quan-ly/sap/{sa}/ap-phich-a5.pdf"),
    ("GET", "/quan-ly/sap/{sa}/ap-phich.png"),
]
ANY_MANAGER_PAGES = [
    ("GET", "/quan-ly"),
    ("GET", "/quan-ly/cho"),
    ("GET", "/quan-ly/bao-cao"),
    ("GET", "/quan-ly/bao-cao/bang.csv"),
    ("GET", "/quan-ly/bao-cao/chi-tiet.csv"),
    ("POST", "/quan-ly/bao-cao/bao-cao.xlsx"),
    ("GET", "/quan-ly/bao-cao/xuat/1"),
    ("GET", "/quan-ly/bao-cao/xuat/1/tai-ve"),
]
PROVINCIAL_PAGES = [
    ("GET", "/quan-ly/cho/moi"),
    ("POST", "/quan-ly/cho/moi"),
    ("POST", "/quan-ly/cho/{ma}/quan-ly"),
    ("POST", "/quan-ly/cho/{ma}/quan-ly/xoa"),
    ("GET", "/quan-ly/duyet"),
    ("GET", "/quan-ly/duyet/nha-san-xuat"),
    ("GET", "/quan-ly/duyet/nha-san-xuat/{pa}"),
    ("POST", "/quan-ly/duyet/nha-san-xuat/{pa}"),
    ("POST", "/quan-ly/duyet/ocop/1"),
    ("POST", "/quan-ly/duyet/vung-trong/1"),
]
# {note} is an unmatched credit, {entry} a payment with money to give back.
RECONCILIATION_PAGES = [
    ("GET", "/quan-ly/doi-soat"),
    ("GET", "/quan-ly/doi-soat/chuyen-khoan/{note}"),
    ("POST", "/quan-ly/doi-soat/chuyen-khoan/{note}"),
    ("POST", "/quan-ly/doi-soat/chuyen-khoan/{note}/tra-lai"),
    ("GET", "/quan-ly/doi-soat/hoan-tien/{entry}"),
    ("POST", "/quan-ly/doi-soat/hoan-tien/{entry}"),
    ("GET", "/quan-ly/doi-soat/chi-tra"),
    ("POST", "/quan-ly/doi-soat/chi-tra"),
]
SELLER_PAGES = [
    ("GET", "/sap/{sa}"),
    ("POST", "/sap/{sa}/ban"),
    ("GET", "/sap/{sa}/ban/{sale}"),
    ("POST", "/sap/{sa}/ban/{sale}/huy"),
    ("POST", "/sap/{sa}/ban/{sale}/lien-ket"),
    ("GET", "/sap/{sa}/trang-thai"),
]
CONSOLE_PAGES = OWN_MARKET_PAGES + ANY_MANAGER_PAGES + PROVINCIAL_PAGES + RECONCILIATION_PAGES


@pytest.fixture
def sale_id(app: Flask, world: World) -> int:
    """A cash sale at stall A."""
    with app.app_context():
        sale = StallSale(
            stall_id=world.stall_a,
            market_id=world.market_a,
            producer_id=world.producer_a,
            seller_access="owner",
            method="cash",
            amount=10_000,
            paid_amount=10_000,
            status="paid",
            paid_at=db.func.now(),
        )
        db.session.add(sale)
        db.session.commit()
        return sale.id


@pytest.fixture
def money(app: Flask) -> dict[str, int]:
    """An unmatched credit into the collection account and an overpayment to give back."""
    with app.app_context():
        note = BankNotification(
            provider=BankProvider.SEPAY,
            provider_tx_id="77",
            body="{}",
            is_credit=True,
            amount=45_000,
            account_number="1023456789",
            description="chuyen tien an cuoi",
            status=NotificationStatus.UNMATCHED,
        )
        entry = LedgerEntry(
            kind=EntryKind.PAYMENT,
            method=PaymentMethod.BANK_TRANSFER,
            outcome=Outcome.OVERPAID,
            amount=80_000,
            refund_due=30_000,
            target_code="CQOVER22",
        )
        db.session.add_all([note, entry])
        db.session.commit()
        return {"note": note.id, "entry": entry.id}


def _url(template: str, world: World, sale: int = 0, money: dict[str, int] | None = None) -> str:
    return template.format(
        ma=world.market_a,
        sa=world.stall_a,
        mb=world.market_b,
        sb=world.stall_b,
        pa=world.producer_a,
        sale=sale,
        **(money or {"note": 1, "entry": 1}),
    )


def _open(client: FlaskClient, method: str, url: str) -> int:
    return client.open(url, method=method).status_code


@pytest.mark.parametrize(("method", "url"), CONSOLE_PAGES + SELLER_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(
    client: FlaskClient, world: World, sale_id: int, method: str, url: str
) -> None:
    response = client.open(_url(url, world, sale_id), method=method)
    assert response.status_code == 302
    assert "/dang-nhap" in response.headers["Location"]


@pytest.mark.parametrize("who", ["shopper", "owner_a", "helper_a"])
@pytest.mark.parametrize(("method", "url"), CONSOLE_PAGES)
def test_shoppers_producers_and_helpers_may_not_open_the_console(
    client: FlaskClient,
    login_as: Callable[..., User],
    world: World,
    sale_id: int,
    who: str,
    method: str,
    url: str,
) -> None:
    login_as(user=getattr(world, who))
    assert _open(client, method, _url(url, world, sale_id)) == 403


@pytest.mark.parametrize(("method", "url"), OWN_MARKET_PAGES)
def test_a_market_manager_gets_404_for_another_markets_pages(
    client: FlaskClient, login_as: Callable[..., User], world: World, method: str, url: str
) -> None:
    login_as(user=world.manager_b)
    assert _open(client, method, _url(url, world)) == 404


@pytest.mark.parametrize(("method", "url"), PROVINCIAL_PAGES)
def test_a_market_manager_may_not_run_province_wide_pages(
    client: FlaskClient, login_as: Callable[..., User], world: World, method: str, url: str
) -> None:
    login_as(user=world.manager_a)
    assert _open(client, method, _url(url, world)) == 403


@pytest.mark.parametrize(("method", "url"), RECONCILIATION_PAGES)
def test_a_market_manager_may_not_see_or_move_the_marketplaces_money(
    app: Flask,
    client: FlaskClient,
    login_as: Callable[..., User],
    world: World,
    money: dict[str, int],
    method: str,
    url: str,
) -> None:
    login_as(user=world.manager_a)
    form = {"code": "CQOVER22", "amount": "30000", "reference": "FT1", "producer": "1"}
    response = client.open(_url(url, world, money=money), method=method, data=form)
    assert response.status_code == 403
    assert "chuyen tien an cuoi" not in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(BankNotification, money["note"]).status == "unmatched"
        assert db.session.query(LedgerEntry).count() == 1


@pytest.mark.parametrize(("method", "url"), [p for p in RECONCILIATION_PAGES if p[0] == "GET"])
@pytest.mark.parametrize("who", ["provincial", "admin"])
def test_provincial_managers_and_admins_reconcile_the_marketplace(
    client: FlaskClient,
    login_as: Callable[..., User],
    world: World,
    money: dict[str, int],
    who: str,
    method: str,
    url: str,
) -> None:
    login_as(user=getattr(world, who))
    response = client.open(_url(url, world, money=money), method=method)
    assert response.status_code == 200


@pytest.mark.parametrize(("method", "url"), [p for p in OWN_MARKET_PAGES if p[0] == "GET"])
@pytest.mark.parametrize("who", ["manager_a", "provincial", "admin"])
def test_the_markets_own_manager_and_provincial_managers_open_its_pages(
    client: FlaskClient,
    login_as: Callable[..., User],
    world: World,
    who: str,
    method: str,
    url: str,
) -> None:
    login_as(user=getattr(world, who))
    assert _open(client, method, _url(url, world)) == 200


@pytest.mark.parametrize(("method", "url"), [p for p in PROVINCIAL_PAGES if p[0] == "GET"])
def test_provincial_managers_open_province_wide_pages(
    client: FlaskClient, login_as: Callable[..., User], world: World, method: str, url: str
) -> None:
    login_as(user=world.provincial)
    assert _open(client, method, _url(url, world)) == 200


@pytest.mark.parametrize("who", ["shopper", "owner_b", "manager_a", "provincial", "admin"])
@pytest.mark.parametrize(("method", "url"), SELLER_PAGES)
def test_only_the_stalls_sellers_reach_its_sale_screens(
    client: FlaskClient,
    login_as: Callable[..., User],
    world: World,
    sale_id: int,
    who: str,
    method: str,
    url: str,
) -> None:
    login_as(user=getattr(world, who))
    assert _open(client, method, _url(url, world, sale_id)) == 404


@pytest.mark.parametrize("who", ["owner_a", "staff_a", "helper_a"])
def test_the_stalls_owner_staff_and_granted_helper_reach_its_sale_screens(
    client: FlaskClient, login_as: Callable[..., User], world: World, sale_id: int, who: str
) -> None:
    login_as(user=getattr(world, who))
    for method, url in SELLER_PAGES:
        if method == "GET":
            assert _open(client, method, _url(url, world, sale_id)) == 200, url


def test_a_market_manager_sees_only_their_markets_in_lists(
    client: FlaskClient, login_as: Callable[..., User], world: World
) -> None:
    login_as(user=world.manager_a)
    for url in ("/quan-ly", "/quan-ly/cho"):
        page = client.get(url).get_data(as_text=True)
        assert "Chợ An Phú" in page and "Chợ Thái Hòa" not in page
    login_as(user=world.provincial)
    page = client.get("/quan-ly/cho").get_data(as_text=True)
    assert "Chợ An Phú" in page and "Chợ Thái Hòa" in page


def test_the_header_links_the_console_and_the_stall_to_those_who_have_them(
    client: FlaskClient, login_as: Callable[..., User], world: World
) -> None:
    login_as(user=world.shopper)
    page = client.get("/").get_data(as_text=True)
    assert 'href="/quan-ly"' not in page and 'href="/sap"' not in page
    login_as(user=world.owner_a)
    assert 'href="/sap"' in client.get("/").get_data(as_text=True)
    login_as(user=world.manager_a)
    assert 'href="/quan-ly"' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(("who", "shown"), [("manager_a", False), ("provincial", True)])
def test_only_provincial_managers_see_the_reconciliation_and_traceability_links(
    client: FlaskClient, login_as: Callable[..., User], world: World, who: str, shown: bool
) -> None:
    login_as(user=getattr(world, who))
    for url in ("/", "/quan-ly", "/quan-ly/bao-cao"):  # the header, the console's menu
        page = client.get(url).get_data(as_text=True)
        assert ('href="/quan-ly/doi-soat"' in page) is shown, url
        if url != "/":
            assert ('href="/quan-ly/truy-xuat/"' in page) is shown, url
