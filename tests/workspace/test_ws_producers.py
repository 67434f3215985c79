"""Onboarding, the profile and bank account, staff invitations and helper grants."""

import io
import re
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from catalog.audit import Actor, AuditEntry
from catalog.models import (
    HelperGrant,
    MemberRole,
    Producer,
    ProducerMember,
    ProducerStatus,
)
from catalog.workspace import producers
from catalog.workspace.errors import NotAllowed, WorkspaceError
from market.accounts.models import Role, User
from market.extensions import db
from tests.workspace.conftest import Shop
from tests.workspace.samples import jpeg_bytes

SIGNUP = {
    "kind": "household",
    "name": "Hộ bà Hoa",
    "place": "02392",
    "address": "Thôn 3",
    "phone": "0912 345 678",
    "story": "Cam sành trồng trên đồi.",
    "bank_bin": "970436",
    "bank_account": "0011 0012 34567",
    "bank_holder": "Nguyễn Thị Hoa",
}


def _producer(app: Flask) -> Producer:
    with app.app_context():
        return db.session.scalars(sa.select(Producer)).one()


def test_a_signed_in_user_registers_a_pending_shop_and_becomes_its_owner(
    app: Flask, client: FlaskClient, login_as: Callable[..., User]
) -> None:
    user = login_as(Role.SHOPPER)
    response = client.post(
        "/ban-hang/dang-ky",
        data={**SIGNUP, "photo": (io.BytesIO(jpeg_bytes()), "farm.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    with app.app_context():
        producer = db.session.scalars(sa.select(Producer)).one()
        assert producer.status == ProducerStatus.PENDING
        assert producer.phone == "0912345678"
        assert producer.bank_account == "0011001234567"
        assert producer.bank_holder == "NGUYEN THI HOA"
        assert producer.photo and len(producer.photo) == 32
        assert producer.slug == "ho-ba-hoa"
        member = db.session.scalars(sa.select(ProducerMember)).one()
        assert (member.user_id, member.role) == (user.id, MemberRole.OWNER)
        entry = db.session.scalars(sa.select(AuditEntry)).one()
        assert entry.action == "producer.create"
        assert entry.after["bank_account"] == "0011001234567"
    assert response.headers["Location"].endswith(f"/ban-hang/{producer.id}/san-pham/moi")


def test_a_pending_shop_sees_its_status_and_is_not_public(
    app: Flask, client: FlaskClient, login_as: Callable[..., User]
) -> None:
    login_as(Role.SHOPPER)
    client.post("/ban-hang/dang-ky", data=SIGNUP)
    producer = _producer(app)
    page = client.get(f"/ban-hang/{producer.id}/tong-quan").get_data(as_text=True)
    assert 'class="notice"' in page
    assert client.get(f"/nha-san-xuat/{producer.slug}").status_code == 404


def test_a_suspended_shop_sees_the_reason(app: Flask, as_owner: FlaskClient, shop: Shop) -> None:
    with app.app_context():
        producer = db.session.get(Producer, shop.producer_id)
        producer.status = ProducerStatus.SUSPENDED
        producer.status_reason = "Giấy tờ chưa đủ <b>bổ sung</b>"
        db.session.commit()
    page = as_owner.get(f"/ban-hang/{shop.producer_id}/tong-quan").get_data(as_text=True)
    assert "Giấy tờ chưa đủ &lt;b&gt;bổ sung&lt;/b&gt;" in page


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"place": "074:khong-co"}, "place"),
        ({"place": "00004"}, "place"),  # a ward of Hà Nội: producers are in the province
        ({"area": "ha-noi"}, "area"),
        ({"phone": "12345"}, "phone"),
        ({"bank_account": "12ab"}, "bank_account"),
        ({"bank_holder": ""}, "bank_account"),
        ({"bank_bin": "123456"}, "bank_bin"),
        ({"name": ""}, "name"),
    ],
)
def test_onboarding_refuses_bad_input_and_creates_nothing(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], change: dict, field: str
) -> None:
    login_as(Role.SHOPPER)
    response = client.post("/ban-hang/dang-ky", data={**SIGNUP, **change})
    assert response.status_code == 422
    assert f'id="{field}-err"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Producer.id))) == 0


def test_onboarding_without_a_bank_account_is_cash_only(
    app: Flask, client: FlaskClient, login_as: Callable[..., User]
) -> None:
    login_as(Role.SHOPPER)
    data = {**SIGNUP, "bank_bin": "", "bank_account": "", "bank_holder": ""}
    assert client.post("/ban-hang/dang-ky", data=data).status_code == 302
    assert _producer(app).bank_account is None


def test_a_photo_that_is_not_an_image_stops_onboarding(
    app: Flask, client: FlaskClient, login_as: Callable[..., User]
) -> None:
    login_as(Role.SHOPPER)
    response = client.post(
        "/ban-hang/dang-ky",
        data={**SIGNUP, "photo": (io.BytesIO(b"<html></html>"), "me.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Producer.id))) == 0


def test_two_shops_with_the_same_name_get_distinct_slugs(
    app: Flask, make_user: Callable[..., User]
) -> None:
    with app.app_context():
        profile = producers.Profile("HTX Chè", "htx", "02392", "", "", "0912345678", "")
        none = producers.BankAccount(None, None, None)
        first = producers.create_producer(make_user(), profile, none, None)
        second = producers.create_producer(make_user(), profile, none, None)
        assert (first.slug, second.slug) == ("htx-che", "htx-che-2")


def test_profile_edits_are_saved_and_logged_with_before_and_after(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], shop: Shop
) -> None:
    login_as(user=shop.helper)
    data = {**SIGNUP, "name": "HTX Cam Hàm Yên mới"}
    assert client.post(f"/ban-hang/{shop.producer_id}/ho-so", data=data).status_code == 302
    with app.app_context():
        producer = db.session.get(Producer, shop.producer_id)
        assert producer.name == "HTX Cam Hàm Yên mới"
        assert producer.bank_account != "0011001234567"  # the profile form never touches the bank
        entry = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "producer.update")
        ).one()
        assert entry.actor_id == shop.helper.id
        assert entry.actor_access == "helper"
        assert entry.before["name"] == "HTX Cam Hàm Yên"
        assert entry.after["name"] == "HTX Cam Hàm Yên mới"


def test_the_owner_changes_the_bank_account(app: Flask, as_owner: FlaskClient, shop: Shop) -> None:
    response = as_owner.post(
        f"/ban-hang/{shop.producer_id}/ngan-hang",
        data={"bank_bin": "970415", "bank_account": "101010101", "bank_holder": "Lê Văn Đạt"},
    )
    assert response.status_code == 302
    with app.app_context():
        producer = db.session.get(Producer, shop.producer_id)
        assert (producer.bank_bin, producer.bank_account, producer.bank_holder) == (
            "970415",
            "101010101",
            "LE VAN DAT",
        )
        entry = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "producer.bank")
        ).one()
        assert entry.after["bank_account"] == "101010101"


@pytest.mark.parametrize("who", ["staff", "helper"])
def test_the_bank_service_refuses_anyone_but_the_owner(app: Flask, shop: Shop, who: str) -> None:
    with app.app_context():
        producer = db.session.get(Producer, shop.producer_id)
        with pytest.raises(NotAllowed):
            producers.update_bank(
                producer, producers.BankAccount("970415", "99999999", "X"), shop.actor(who)
            )


def test_staff_see_a_masked_account_and_no_change_button(
    client: FlaskClient, login_as: Callable[..., User], shop: Shop
) -> None:
    login_as(user=shop.staff)
    page = client.get(f"/ban-hang/{shop.producer_id}/ho-so").get_data(as_text=True)
    assert "••••" in page
    assert f"/ban-hang/{shop.producer_id}/ngan-hang" not in page


def _invite(client: FlaskClient, shop: Shop, login: str) -> str:
    response = client.post(f"/ban-hang/{shop.producer_id}/nhom/moi", data={"invite-login": login})
    assert response.status_code == 302
    with client.session_transaction() as session:
        message = session["_flashes"][-1][1]
    return re.search(r"/ban-hang/loi-moi/([\w-]+)", message).group(1)


def test_an_invited_person_joins_as_staff_by_email(
    app: Flask,
    client: FlaskClient,
    login_as: Callable[..., User],
    make_user: Callable[..., User],
    shop: Shop,
) -> None:
    login_as(user=shop.owner)
    token = _invite(client, shop, "Lan@Example.vn")
    outbox = app.extensions["mail_outbox"]
    assert outbox[-1]["To"] == "lan@example.vn"
    assert token in outbox[-1].get_content()
    lan = make_user(Role.SHOPPER, email="lan@example.vn")
    login_as(user=lan)
    assert client.get(f"/ban-hang/loi-moi/{token}").status_code == 200
    assert client.post(f"/ban-hang/loi-moi/{token}").status_code == 302
    assert client.get(f"/ban-hang/{shop.producer_id}/san-pham").status_code == 200
    # A link works once.
    assert client.post(f"/ban-hang/loi-moi/{token}").status_code == 302
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(ProducerMember.role).where(ProducerMember.user_id == lan.id)
            )
            == MemberRole.STAFF
        )


def test_an_invitation_by_phone_needs_the_account_with_that_number(
    app: Flask,
    client: FlaskClient,
    login_as: Callable[..., User],
    make_user: Callable[..., User],
    shop: Shop,
) -> None:
    login_as(user=shop.owner)
    token = _invite(client, shop, "+84 988 111 222")
    someone = make_user(Role.SHOPPER, phone="0977000111")
    login_as(user=someone)
    client.post(f"/ban-hang/loi-moi/{token}")
    assert client.get(f"/ban-hang/{shop.producer_id}/san-pham").status_code == 404
    right = make_user(Role.SHOPPER, phone="0988111222", email=None)
    login_as(user=right)
    assert "HTX Cam Hàm Yên" in client.get("/ban-hang/").get_data(as_text=True)
    client.post(f"/ban-hang/loi-moi/{token}")
    assert client.get(f"/ban-hang/{shop.producer_id}/san-pham").status_code == 200


def test_a_wrong_or_cancelled_invitation_link_does_nothing(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], shop: Shop
) -> None:
    login_as(user=shop.owner)
    token = _invite(client, shop, "minh@example.vn")
    with app.app_context():
        invitation = producers.invitation_for_token(token)
        invitation_id = invitation.id
    client.post(f"/ban-hang/{shop.producer_id}/nhom/loi-moi/{invitation_id}/huy")
    with app.app_context():
        assert producers.invitation_for_token(token) is None
    assert client.get("/ban-hang/loi-moi/not-a-token").status_code == 302


def test_the_owner_removes_a_staff_member(
    app: Flask,
    as_owner: FlaskClient,
    client: FlaskClient,
    login_as: Callable[..., User],
    shop: Shop,
) -> None:
    assert (
        as_owner.post(
            f"/ban-hang/{shop.producer_id}/nhom/nhan-vien/{shop.staff.id}/xoa"
        ).status_code
        == 302
    )
    login_as(user=shop.staff)
    assert client.get(f"/ban-hang/{shop.producer_id}/tong-quan").status_code == 404


def test_the_owner_cannot_remove_themself(app: Flask, shop: Shop) -> None:
    with app.app_context():
        producer = db.session.get(Producer, shop.producer_id)
        with pytest.raises(WorkspaceError):
            producers.remove_staff(producer, shop.owner.id, shop.actor())


def test_the_owner_grants_and_revokes_a_helper(
    app: Flask,
    client: FlaskClient,
    login_as: Callable[..., User],
    make_user: Callable[..., User],
    shop: Shop,
) -> None:
    helper = make_user(Role.HELPER, email="to-cong-nghe@example.vn")
    login_as(user=shop.owner)
    response = client.post(
        f"/ban-hang/{shop.producer_id}/nhom/tro-giup",
        data={"helper-login": "to-cong-nghe@example.vn"},
    )
    assert response.status_code == 302
    login_as(user=helper)
    assert client.get(f"/ban-hang/{shop.producer_id}/san-pham").status_code == 200
    with app.app_context():
        grant_id = db.session.scalar(
            sa.select(HelperGrant.id).where(HelperGrant.helper_id == helper.id)
        )
    login_as(user=shop.owner)
    client.post(f"/ban-hang/{shop.producer_id}/nhom/tro-giup/{grant_id}/thu-hoi")
    login_as(user=helper)
    assert client.get(f"/ban-hang/{shop.producer_id}/san-pham").status_code == 404
    with app.app_context():
        actions = db.session.scalars(
            sa.select(AuditEntry.action).where(AuditEntry.action.like("helper.%"))
        ).all()
        assert sorted(actions) == ["helper.grant", "helper.revoke"]


def test_only_accounts_with_the_helper_role_can_be_granted(
    app: Flask, as_owner: FlaskClient, make_user: Callable[..., User], shop: Shop
) -> None:
    make_user(Role.SHOPPER, email="neighbour@example.vn")
    response = as_owner.post(
        f"/ban-hang/{shop.producer_id}/nhom/tro-giup", data={"helper-login": "neighbour@example.vn"}
    )
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(HelperGrant.id))) == 1


def test_granting_the_same_helper_twice_is_refused(app: Flask, shop: Shop) -> None:
    with app.app_context():
        producer = db.session.get(Producer, shop.producer_id)
        helper = db.session.get(User, shop.helper.id)
        with pytest.raises(WorkspaceError):
            producers.grant_helper(producer, helper, shop.actor())


def test_the_owner_reads_the_change_log_with_who_acted(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], shop: Shop
) -> None:
    login_as(user=shop.helper)
    client.post(f"/ban-hang/{shop.producer_id}/san-pham/{shop.product_id}/trang-thai/paused")
    login_as(user=shop.owner)
    page = client.get(f"/ban-hang/{shop.producer_id}/nhat-ky").get_data(as_text=True)
    assert shop.helper.name in page
    assert "active" in page and "paused" in page
    assert '<th scope="row">Trạng thái</th>' in page  # the field by its name, not "status"


def test_service_actors_carry_their_access(shop: Shop) -> None:
    assert shop.actor("helper") == Actor(shop.helper.id, "helper")
    assert not shop.actor("staff").is_owner
