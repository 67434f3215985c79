"""The household chooses, when granting a helper, whether its notices reach the helper too;
the helper's list of households shows what awaits each."""

from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from catalog.audit import AuditEntry
from catalog.models import HelperGrant
from market.accounts.models import Role, User
from market.extensions import db
from orders.checkout import place_order
from orders.models import PartStatus, PaymentMethod
from tests.orders.helpers import order_request
from tests.workspace.conftest import Shop

PRICE = 100_000


def _grant(app: Flask, helper_id: int) -> HelperGrant:
    with app.app_context():
        grant = db.session.scalar(sa.select(HelperGrant).where(HelperGrant.helper_id == helper_id))
        db.session.expunge(grant)
        return grant


def test_the_household_ticks_send_my_notices_when_granting(
    app: Flask, as_owner: FlaskClient, make_user: Callable[..., User], shop: Shop
) -> None:
    page = as_owner.get(f"/ban-hang/{shop.producer_id}/nhom").get_data(as_text=True)
    assert 'name="helper-notices"' in page
    with_copy = make_user(Role.HELPER, email="nhan-thong-bao@example.vn")
    without = make_user(Role.HELPER, email="khong-nhan@example.vn")
    url = f"/ban-hang/{shop.producer_id}/nhom/tro-giup"
    as_owner.post(url, data={"helper-login": with_copy.email, "helper-notices": "y"})
    as_owner.post(url, data={"helper-login": without.email})
    assert _grant(app, with_copy.id).notices is True
    assert _grant(app, without.id).notices is False


def test_the_owner_turns_a_helpers_copy_on_and_off_and_it_is_logged(
    app: Flask, as_owner: FlaskClient, shop: Shop
) -> None:
    url = f"/ban-hang/{shop.producer_id}/nhom/tro-giup/{shop.grant_id}/thong-bao"
    assert as_owner.post(url, data={"notices": "1"}).status_code == 302
    assert _grant(app, shop.helper.id).notices is True
    page = as_owner.get(f"/ban-hang/{shop.producer_id}/nhom").get_data(as_text=True)
    assert "Nhận thông báo đơn hàng và thanh toán của bạn." in page
    as_owner.post(url, data={"notices": "0"})
    assert _grant(app, shop.helper.id).notices is False
    with app.app_context():
        changes = db.session.scalars(
            sa.select(AuditEntry.after).where(AuditEntry.action == "helper.notices")
        ).all()
    assert changes == [{"notices": True}, {"notices": False}]


def test_staff_and_helpers_cannot_change_what_a_helper_receives(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], shop: Shop
) -> None:
    url = f"/ban-hang/{shop.producer_id}/nhom/tro-giup/{shop.grant_id}/thong-bao"
    for who in (shop.staff, shop.helper):
        login_as(user=who)
        assert client.post(url, data={"notices": "1"}).status_code == 403
    assert _grant(app, shop.helper.id).notices is False


def test_another_households_grant_is_not_found(
    app: Flask, as_owner: FlaskClient, shop: Shop, other_shop: Shop
) -> None:
    url = f"/ban-hang/{shop.producer_id}/nhom/tro-giup/{other_shop.grant_id}/thong-bao"
    as_owner.post(url, data={"notices": "1"})
    assert _grant(app, other_shop.helper.id).notices is False


def test_the_helpers_list_shows_what_awaits_each_household(
    app: Flask,
    client: FlaskClient,
    login_as: Callable[..., User],
    shop: Shop,
) -> None:
    with app.app_context():
        # Two bank-transfer orders not paid yet and one cash order to pack, for household A only.
        for payment in ("bank_transfer", "bank_transfer", "cash"):
            order = place_order(
                order_request(
                    [(shop.product_id, 1, PRICE)], [shop.producer_id], PaymentMethod(payment)
                )
            )
        ready = order.parts[0]
        ready.status = PartStatus.READY_FOR_PICKUP
        db.session.commit()
    login_as(user=shop.helper)
    page = client.get("/ban-hang/").get_data(as_text=True)
    a = page.index("HTX Cam Hàm Yên")
    assert "3 chưa thanh toán" in page[a : a + 900]
    assert "1 sẵn sàng để nhận" in page[a : a + 900]
    assert "đơn cần đóng gói" not in page  # the cash one is ready now, nothing else to pack
