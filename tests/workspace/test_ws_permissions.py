"""The permission matrix: every workspace URL for every kind of visitor.

Anonymous visitors are sent to sign in; strangers and other producers get a 404 (never a hint that
the producer exists); owner, staff and helpers get in, except that only the owner manages the team,
reads the change log and changes the bank account (403 for staff and helpers).
"""

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from catalog.models import HelperGrant, Producer
from market.accounts.models import Role, User
from market.dbtypes import utcnow
from market.extensions import db
from tests.workspace.conftest import Shop

# (method, path template, owner only). {p}: producer, {pr}: product, {img}: image, {a}: area,
# {gr}: helper grant, {u}: staff user id.
URLS = [
    ("GET", "/ban-hang/{p}/", False),
    ("GET", "/ban-hang/{p}/tong-quan", False),
    ("GET", "/ban-hang/{p}/ho-so", False),
    ("POST", "/ban-hang/{p}/ho-so", False),
    ("GET", "/ban-hang/{p}/giao-hang", False),
    ("POST", "/ban-hang/{p}/giao-hang", False),
    ("GET", "/ban-hang/{p}/ngan-hang", True),
    ("POST", "/ban-hang/{p}/ngan-hang", True),
    ("GET", "/ban-hang/{p}/nhom", True),
    ("POST", "/ban-hang/{p}/nhom/moi", True),
    ("POST", "/ban-hang/{p}/nhom/loi-moi/1/huy", True),
    ("POST", "/ban-hang/{p}/nhom/nhan-vien/{u}/xoa", True),
    ("POST", "/ban-hang/{p}/nhom/tro-giup", True),
    ("POST", "/ban-hang/{p}/nhom/tro-giup/{gr}/thong-bao", True),
    ("POST", "/ban-hang/{p}/nhom/tro-giup/{gr}/thu-hoi", True),
    ("GET", "/ban-hang/{p}/nhat-ky", True),
    ("GET", "/ban-hang/{p}/san-pham", False),
    ("GET", "/ban-hang/{p}/san-pham/moi", False),
    ("POST", "/ban-hang/{p}/san-pham/moi", False),
    ("GET", "/ban-hang/{p}/san-pham/{pr}", False),
    ("POST", "/ban-hang/{p}/san-pham/{pr}", False),
    ("POST", "/ban-hang/{p}/san-pham/{pr}/trang-thai/paused", False),
    ("GET", "/ban-hang/{p}/san-pham/{pr}/anh", False),
    ("POST", "/ban-hang/{p}/san-pham/{pr}/anh", False),
    ("POST", "/ban-hang/{p}/san-pham/{pr}/anh/{img}/xuong", False),
    ("POST", "/ban-hang/{p}/san-pham/{pr}/anh/{img}/xoa", False),
    ("GET", "/ban-hang/{p}/san-pham/{pr}/kho", False),
    ("POST", "/ban-hang/{p}/san-pham/{pr}/kho", False),
    ("GET", "/ban-hang/{p}/san-pham/{pr}/ocop", False),
    ("POST", "/ban-hang/{p}/san-pham/{pr}/ocop", False),
    ("GET", "/ban-hang/{p}/gia-va-kho", False),
    ("POST", "/ban-hang/{p}/gia-va-kho", False),
    ("GET", "/ban-hang/{p}/kho", False),
    ("GET", "/ban-hang/{p}/vung-trong", False),
    ("GET", "/ban-hang/{p}/vung-trong/moi", False),
    ("POST", "/ban-hang/{p}/vung-trong/moi", False),
    ("GET", "/ban-hang/{p}/vung-trong/{a}", False),
    ("POST", "/ban-hang/{p}/vung-trong/{a}", False),
    ("GET", "/ban-hang/{p}/lo-hang", False),
    ("POST", "/ban-hang/{p}/lo-hang", False),
    ("GET", "/ban-hang/{p}/nhap", False),
    ("POST", "/ban-hang/{p}/nhap", False),
    ("POST", "/ban-hang/{p}/nhap/xac-nhan", False),
    ("POST", "/ban-hang/{p}/xuat.csv", False),
    ("POST", "/ban-hang/{p}/xuat.xlsx", False),
]
# A job's page answers only the person who started it (tests/workspace/test_ws_import_jobs.py);
# here it must keep out the anonymous and outsiders like every other page.
JOB_URLS = [
    ("GET", "/ban-hang/{p}/nhap/tien-do/1", False),
    ("GET", "/ban-hang/{p}/xuat/1", False),
    ("GET", "/ban-hang/{p}/xuat/1/tai-ve", False),
]
# URLs naming an object of the producer (checked with another producer's object).
OBJECT_URLS = [url for url in URLS if any(k in url[1] for k in ("{pr}", "{img}", "{a}", "{gr}"))]


def _url(template: str, shop: Shop) -> str:
    return template.format(
        p=shop.producer_id,
        pr=shop.product_id,
        img=shop.image_id,
        a=shop.area_id,
        gr=shop.grant_id,
        u=shop.staff.id,
    )


def _request(client: FlaskClient, method: str, url: str):
    return client.get(url) if method == "GET" else client.post(url, data={})


def _ids(urls: list) -> list[str]:
    return [f"{method} {path}" for method, path, _owner in urls]


@pytest.mark.parametrize(
    ("method", "path", "owner_only"), URLS + JOB_URLS, ids=_ids(URLS + JOB_URLS)
)
def test_anonymous_visitors_are_sent_to_sign_in(
    client: FlaskClient, shop: Shop, method: str, path: str, owner_only: bool
) -> None:
    response = _request(client, method, _url(path, shop))
    assert response.status_code == 302
    assert "/tai-khoan/dang-nhap" in response.headers["Location"]


@pytest.mark.parametrize(
    ("method", "path", "owner_only"), URLS + JOB_URLS, ids=_ids(URLS + JOB_URLS)
)
def test_outsiders_get_not_found(
    app: Flask,
    client: FlaskClient,
    login_as: Callable[..., User],
    make_user: Callable[..., User],
    shop: Shop,
    other_shop: Shop,
    method: str,
    path: str,
    owner_only: bool,
) -> None:
    url = _url(path, shop)
    outsiders = {
        "stranger": make_user(Role.SHOPPER),
        "other producer's owner": other_shop.owner,
        "other producer's helper": other_shop.helper,
        "manager": make_user(Role.MANAGER),
    }
    for who, user in outsiders.items():
        login_as(user=user)
        assert _request(client, method, url).status_code == 404, who
    with app.app_context():
        db.session.get(HelperGrant, shop.grant_id).revoked_at = utcnow()
        db.session.commit()
    login_as(user=shop.helper)
    assert _request(client, method, url).status_code == 404, "revoked helper"


@pytest.mark.parametrize(("method", "path", "owner_only"), URLS, ids=_ids(URLS))
def test_team_members_get_in_and_only_the_owner_runs_owner_pages(
    client: FlaskClient,
    login_as: Callable[..., User],
    shop: Shop,
    method: str,
    path: str,
    owner_only: bool,
) -> None:
    url = _url(path, shop)
    for who in ("staff", "helper", "owner"):  # the owner last: its POSTs may change things
        login_as(user=getattr(shop, who))
        status = _request(client, method, url).status_code
        if owner_only and who != "owner":
            assert status == 403, who
        else:
            assert status in (200, 302, 422), who


@pytest.mark.parametrize(("method", "path", "owner_only"), OBJECT_URLS, ids=_ids(OBJECT_URLS))
def test_another_producers_object_under_my_producer_is_not_found(
    client: FlaskClient,
    login_as: Callable[..., User],
    shop: Shop,
    other_shop: Shop,
    method: str,
    path: str,
    owner_only: bool,
) -> None:
    login_as(user=shop.owner)
    url = path.format(
        p=shop.producer_id,
        pr=other_shop.product_id,
        img=other_shop.image_id,
        a=other_shop.area_id,
        gr=other_shop.grant_id,
        u=shop.staff.id,
    )
    response = _request(client, method, url)
    if method == "POST" and ("/tro-giup/" in path):
        # Revoking someone else's grant is refused and changes nothing.
        assert response.status_code == 302
        with client.application.app_context():
            assert db.session.get(HelperGrant, other_shop.grant_id).revoked_at is None
    else:
        assert response.status_code == 404


def test_a_user_whose_helper_role_was_removed_loses_access(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], shop: Shop
) -> None:
    with app.app_context():
        db.session.get(User, shop.helper.id).role = Role.SHOPPER
        db.session.commit()
    login_as(user=shop.helper)
    assert client.get(f"/ban-hang/{shop.producer_id}/tong-quan").status_code == 404


@pytest.mark.parametrize("who", ["staff", "helper"])
def test_staff_and_helpers_cannot_change_the_bank_account(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], shop: Shop, who: str
) -> None:
    login_as(user=getattr(shop, who))
    response = client.post(
        f"/ban-hang/{shop.producer_id}/ngan-hang",
        data={"bank_bin": "970415", "bank_account": "999999999", "bank_holder": "KE GIAN"},
    )
    assert response.status_code == 403
    with app.app_context():
        producer = db.session.get(Producer, shop.producer_id)
        assert producer.bank_account != "999999999"


def test_a_producer_id_that_does_not_exist_is_not_found(as_owner: FlaskClient) -> None:
    assert as_owner.get("/ban-hang/999999/tong-quan").status_code == 404


def test_the_workspace_lists_only_the_users_own_producers(
    client: FlaskClient, login_as: Callable[..., User], shop: Shop, other_shop: Shop
) -> None:
    login_as(user=shop.helper)
    page = client.get("/ban-hang/").get_data(as_text=True)
    assert "HTX Cam Hàm Yên" in page
    assert "HTX Bưởi Soi Hà" not in page


def test_every_workspace_route_is_in_the_matrix(app: Flask) -> None:
    """A new route cannot be added without deciding who may open it."""
    covered = {path.replace("{", "<").replace("}", ">") for _m, path, _o in URLS + JOB_URLS}
    routes = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("workspace.") and "producer_id" in rule.arguments
    }
    normalized = {
        route.replace("<int:producer_id>", "<p>")
        .replace("<int:product_id>", "<pr>")
        .replace("<int:image_id>", "<img>")
        .replace("<int:area_id>", "<a>")
        .replace("<int:grant_id>", "<gr>")
        .replace("<int:user_id>", "<u>")
        .replace("<int:invitation_id>", "1")
        .replace("<int:job_id>", "1")
        for route in routes
    }
    templated = {
        path.replace("xuong", "<action>")
        .replace("paused", "<status>")
        .replace("xuat.csv", "xuat.<fmt>")
        for path in covered
    }
    missing = {route for route in normalized if route not in templated and route not in covered}
    assert not missing, f"Add these workspace routes to URLS: {sorted(missing)}"


def test_producer_list_query_does_not_leak_revoked_grants(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], shop: Shop
) -> None:
    with app.app_context():
        db.session.execute(sa.update(HelperGrant).values(revoked_at=utcnow()))
        db.session.commit()
    login_as(user=shop.helper)
    assert "HTX Cam Hàm Yên" not in client.get("/ban-hang/").get_data(as_text=True)
