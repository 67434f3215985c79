"""Helper teams: a provincial manager gives helpers a team lead, who reads the change logs of
the households those helpers act (or acted) for; anyone else gets 404 (#16.10)."""

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from catalog import audit
from catalog.audit import Actor
from catalog.models import HelperGrant
from market.accounts import supervision
from market.accounts.models import HelperSupervision, Role, User
from market.dbtypes import utcnow
from market.extensions import db
from tests.workspace.conftest import Shop

TEAM_PAGE = "/ban-hang/nhom-ho-tro"
ASSIGN_PAGE = "/quan-ly/nhom-ho-tro"


def _log_url(producer_id: int) -> str:
    return f"/ban-hang/nhom-ho-tro/{producer_id}/nhat-ky"


def _lead(app: Flask, helper: User, lead: User, by: User) -> None:
    with app.app_context():
        supervision.assign_supervisor(helper.login, lead.login, by=db.session.get(User, by.id))


def _helper_edit(app: Flask, shop: Shop, summary: str) -> None:
    with app.app_context():
        actor = Actor(shop.helper.id, "helper")
        audit.record(shop.producer_id, actor, "product.update", "product", None, summary=summary)
        db.session.commit()


def _supervisions(app: Flask) -> list[tuple[int, int]]:
    with app.app_context():
        return [
            (s.helper_id, s.supervisor_id)
            for s in db.session.scalars(sa.select(HelperSupervision).order_by("helper_id"))
        ]


@pytest.fixture
def provincial(make_user: Callable[..., User]) -> User:
    """A manager with the whole province."""
    return make_user(Role.MANAGER, provincial=True)


@pytest.fixture
def lead(make_user: Callable[..., User]) -> User:
    """A helper who will lead the team."""
    return make_user(Role.HELPER, name="Tổ trưởng Ma Văn Bình")


def test_a_provincial_manager_makes_a_helper_the_team_lead_of_another(
    app: Flask,
    client: FlaskClient,
    login_as: Callable[..., User],
    shop: Shop,
    lead: User,
    provincial: User,
) -> None:
    login_as(user=provincial)
    response = client.post(
        ASSIGN_PAGE, data={"helper": shop.helper.login.upper(), "supervisor": lead.login}
    )
    assert response.status_code == 302
    assert _supervisions(app) == [(shop.helper.id, lead.id)]
    page = client.get(ASSIGN_PAGE).get_data(as_text=True)
    assert shop.helper.name in page and "tổ trưởng: Tổ trưởng Ma Văn Bình" in page

    client.post(f"{ASSIGN_PAGE}/{shop.helper.id}/ket-thuc")
    assert _supervisions(app) == []


@pytest.mark.parametrize(
    ("helper", "supervisor", "message"),
    [
        ("nobody@example.vn", "lead", "Không có tài khoản nào dùng email hoặc số di động này."),
        ("owner", "lead", "Tài khoản này không phải của một người hỗ trợ đang hoạt động."),
        ("helper", "owner", "Tài khoản này không phải của một người hỗ trợ đang hoạt động."),
        ("helper", "helper", "Người hỗ trợ không thể tự làm tổ trưởng của chính mình."),
        ("", "lead", "Nhập email hoặc số di động của người hỗ trợ."),
    ],
)
def test_a_team_lead_that_cannot_be_given_is_refused_beside_its_field(
    app: Flask,
    client: FlaskClient,
    login_as: Callable[..., User],
    shop: Shop,
    lead: User,
    provincial: User,
    helper: str,
    supervisor: str,
    message: str,
) -> None:
    logins = {"lead": lead.login, "owner": shop.owner.login, "helper": shop.helper.login}
    login_as(user=provincial)
    response = client.post(
        ASSIGN_PAGE,
        data={"helper": logins.get(helper, helper), "supervisor": logins.get(supervisor)},
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _supervisions(app) == []


def test_the_team_lead_reads_the_log_of_the_households_their_helpers_act_for(
    app: Flask,
    client: FlaskClient,
    login_as: Callable[..., User],
    shop: Shop,
    lead: User,
    provincial: User,
) -> None:
    _helper_edit(app, shop, "Giá cam sành 35.000 ₫")
    _lead(app, shop.helper, lead, provincial)
    login_as(user=lead)
    home = client.get("/ban-hang/").get_data(as_text=True)
    assert f'href="{TEAM_PAGE}"' in home
    team = client.get(TEAM_PAGE).get_data(as_text=True)
    assert f'href="{_log_url(shop.producer_id)}"' in team and shop.helper.name in team
    page = client.get(_log_url(shop.producer_id))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Giá cam sành 35.000 ₫" in html and 'data-access="helper"' in html
    # Read only: the lead is not one of the household's people.
    assert client.get(f"/ban-hang/{shop.producer_id}/nhat-ky").status_code == 404
    assert client.get(f"/ban-hang/{shop.producer_id}/san-pham").status_code == 404


def test_a_revoked_grant_still_shows_the_lead_what_the_helper_did(
    app: Flask,
    client: FlaskClient,
    login_as: Callable[..., User],
    shop: Shop,
    lead: User,
    provincial: User,
) -> None:
    _helper_edit(app, shop, "Đổi mô tả")
    _lead(app, shop.helper, lead, provincial)
    with app.app_context():
        db.session.get(HelperGrant, shop.grant_id).revoked_at = utcnow()
        db.session.commit()
    login_as(user=lead)
    assert client.get(_log_url(shop.producer_id)).status_code == 200


@pytest.mark.parametrize(
    "who",
    [
        "lead of another helper",
        "helper without a team",
        "the supervised helper",
        "another shop's owner",
        "shopper",
        "provincial manager",
        "lead after the team ended",
    ],
)
def test_anyone_but_the_team_lead_gets_404_for_a_households_log(
    app: Flask,
    client: FlaskClient,
    login_as: Callable[..., User],
    make_user: Callable[..., User],
    shop: Shop,
    other_shop: Shop,
    lead: User,
    provincial: User,
    who: str,
) -> None:
    _helper_edit(app, shop, "Sửa tồn kho")
    _lead(app, shop.helper, lead, provincial)
    if who == "lead of another helper":
        other_lead = make_user(Role.HELPER)
        _lead(app, other_shop.helper, other_lead, provincial)
        user = other_lead
    elif who == "lead after the team ended":
        with app.app_context():
            supervision.end_supervision(shop.helper.id, by=db.session.get(User, provincial.id))
        user = lead
    else:
        user = {
            "helper without a team": lambda: make_user(Role.HELPER),
            "the supervised helper": lambda: shop.helper,
            "another shop's owner": lambda: other_shop.owner,
            "shopper": lambda: make_user(Role.SHOPPER),
            "provincial manager": lambda: provincial,
        }[who]()
    login_as(user=user)
    assert client.get(_log_url(shop.producer_id)).status_code == 404
    if who != "lead of another helper":
        assert client.get(TEAM_PAGE).status_code == 404


def test_a_lead_of_one_team_cannot_read_a_household_their_helpers_never_served(
    app: Flask,
    client: FlaskClient,
    login_as: Callable[..., User],
    shop: Shop,
    other_shop: Shop,
    lead: User,
    provincial: User,
) -> None:
    _lead(app, shop.helper, lead, provincial)
    login_as(user=lead)
    assert client.get(_log_url(other_shop.producer_id)).status_code == 404
    assert client.get(_log_url(999_999)).status_code == 404
    assert other_shop.helper.name not in client.get(TEAM_PAGE).get_data(as_text=True)
