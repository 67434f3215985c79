"""Who may open the producer's lot pages and record events: everyone else gets a 404."""

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from catalog.models import HelperGrant
from catalog.trace.models import LotEvent, LotRecall
from market.accounts.models import Role, User
from market.dbtypes import utcnow
from market.extensions import db
from market.markets.models import Market, MarketManager
from tests.trace.conftest import World

# Every workspace route, as (method, path under /ban-hang/<producer>/lo).
PAGES = [
    ("GET", "/"),
    ("GET", "/{lot}"),
    ("GET", "/{lot}/su-kien"),
    ("GET", "/che-bien/moi"),
    ("GET", "/{lot}/nhan"),
    ("GET", "/{lot}/nhan.pdf"),
    ("GET", "/{lot}/nhan.png"),
    ("GET", "/{lot}/nhan.svg"),
    ("POST", "/{lot}/su-kien"),
    ("POST", "/{lot}/thu-hoi"),
]
EVENT = {"type": "packing", "day": "2025-03-13", "at": "09:00", "place": "Nhà sơ chế"}


def _who(world: World, make_user: Callable[..., User], who: str) -> User | None:
    return {
        "anonymous": lambda: None,
        "stranger": lambda: make_user(Role.SHOPPER),
        "manager": lambda: make_user(Role.MANAGER, provincial=True),
        "helper without a grant": lambda: make_user(Role.HELPER),
        "other producer": lambda: world.other_owner,
        "owner": lambda: world.owner,
        "staff": lambda: world.staff,
        "helper with a grant": lambda: world.helper,
    }[who]()


def _request(client: FlaskClient, method: str, url: str):
    if method == "GET":
        return client.get(url)
    return client.post(url, data={**EVENT, "reason": "Nhiễm nấm mốc", "confirm": "y"})


@pytest.mark.parametrize(("method", "path"), PAGES)
@pytest.mark.parametrize(
    "who", ["anonymous", "stranger", "manager", "helper without a grant", "other producer"]
)
def test_outsiders_get_a_404_on_every_workspace_page(
    client: FlaskClient, world: World, make_user, login_as, method: str, path: str, who: str
):
    user = _who(world, make_user, who)
    if user is not None:
        login_as(user=user)
    url = f"/ban-hang/{world.producer_id}/lo" + path.format(lot=world.lot_code)
    assert _request(client, method, url).status_code == 404


@pytest.mark.parametrize(("method", "path"), PAGES)
@pytest.mark.parametrize("who", ["owner", "staff", "helper with a grant"])
def test_the_producers_people_may_use_the_workspace(
    client: FlaskClient, world: World, make_user, login_as, method: str, path: str, who: str
):
    login_as(user=_who(world, make_user, who))
    url = f"/ban-hang/{world.producer_id}/lo" + path.format(lot=world.lot_code)
    response = _request(client, method, url)
    if path.endswith("thu-hoi") and who == "helper with a grant":
        assert response.status_code == 404  # helpers record events; recalls are the producer's
    elif method == "POST":
        assert response.status_code == 302
    else:
        assert response.status_code == 200


@pytest.mark.parametrize(("method", "path"), [page for page in PAGES if "{lot}" in page[1]])
def test_another_producers_lot_is_a_404_even_for_a_producer(
    client: FlaskClient, world: World, login_as, method: str, path: str
):
    login_as(user=world.owner)
    url = f"/ban-hang/{world.producer_id}/lo" + path.format(lot=world.other_lot_code)
    assert _request(client, method, url).status_code == 404


@pytest.mark.parametrize("who", ["owner", "staff", "helper with a grant"])
def test_who_records_an_event_is_kept_with_it(
    app: Flask, client: FlaskClient, world: World, make_user, login_as, who: str
):
    user = _who(world, make_user, who)
    login_as(user=user)
    client.post(f"/ban-hang/{world.producer_id}/lo/{world.lot_code}/su-kien", data=EVENT)
    with app.app_context():
        assert db.session.scalar(sa.select(LotEvent.recorded_by_id)) == user.id


def test_a_helper_whose_grant_was_revoked_gets_a_404(
    app: Flask, client: FlaskClient, world: World, login_as
):
    with app.app_context():
        grant = db.session.scalar(sa.select(HelperGrant))
        grant.revoked_at = utcnow()
        db.session.commit()
    login_as(user=world.helper)
    url = f"/ban-hang/{world.producer_id}/lo/{world.lot_code}/su-kien"
    assert client.post(url, data=EVENT).status_code == 404


def test_outsiders_record_nothing(app: Flask, client: FlaskClient, world: World, login_as):
    login_as(user=world.other_owner)
    client.post(f"/ban-hang/{world.producer_id}/lo/{world.lot_code}/su-kien", data=EVENT)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LotEvent)) == 0


MANAGER_PAGES = [
    ("GET", "/quan-ly/truy-xuat/"),
    ("GET", "/quan-ly/truy-xuat/lo/{lot}"),
    ("POST", "/quan-ly/truy-xuat/lo/{lot}/thu-hoi"),
]


@pytest.mark.parametrize(("method", "path"), MANAGER_PAGES)
def test_manager_pages_send_anonymous_visitors_to_sign_in(
    client: FlaskClient, world: World, method: str, path: str
):
    response = _request(client, method, path.format(lot=world.lot_code))
    assert response.status_code == 302
    assert "/dang-nhap" in response.headers["Location"] or "login" in response.headers["Location"]


@pytest.mark.parametrize(("method", "path"), MANAGER_PAGES)
@pytest.mark.parametrize("who", ["stranger", "owner", "helper with a grant"])
def test_manager_pages_are_refused_to_everyone_else(
    client: FlaskClient, world: World, make_user, login_as, method: str, path: str, who: str
):
    login_as(user=_who(world, make_user, who))
    assert _request(client, method, path.format(lot=world.lot_code)).status_code == 403


@pytest.mark.parametrize(("method", "path"), MANAGER_PAGES)
def test_a_market_only_manager_may_not_see_buyers_or_recall(
    app: Flask, client: FlaskClient, world: World, login_as, method: str, path: str
):
    manager = login_as(Role.MANAGER)
    with app.app_context():
        market = Market(name="Chợ An Phú", commune_code="02215", area_slug="tp-tuyen-quang")
        db.session.add(market)
        db.session.flush()
        db.session.add(MarketManager(market_id=market.id, user_id=manager.id))
        db.session.commit()
    data = {"reason": "Dư lượng thuốc bảo vệ thực vật", "confirm": "y"}
    response = client.open(path.format(lot=world.lot_code), method=method, data=data)
    assert response.status_code == 403
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LotRecall)) == 0


@pytest.mark.parametrize(("method", "path"), MANAGER_PAGES)
@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADMIN])
def test_provincial_managers_and_admins_may_use_the_manager_pages(
    client: FlaskClient, world: World, login_as, method: str, path: str, role: Role
):
    login_as(role, provincial=True)
    response = _request(client, method, path.format(lot=world.lot_code))
    assert response.status_code == (200 if method == "GET" else 302)
