"""The producer's order pages: only its own parts, the buyer's details only for them, actions."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from catalog.models import HelperGrant, MemberRole, ProducerMember
from market.accounts.models import Role, User
from market.extensions import db
from orders.checkout import place_order
from orders.models import DeliveryMethod, OrderPart, PartStatus, PaymentMethod
from tests.orders.conftest import Shop
from tests.orders.helpers import order_request


@dataclass
class Placed:
    """A cash order: producer A's part picked up, producer B's part delivered home."""

    part_a: int
    part_b: int
    code: str


def _place(app: Flask, shop: Shop, lines: list, producers: list[int]) -> list[int]:
    with app.app_context():
        request = order_request(lines, producers, PaymentMethod.CASH)
        deliveries = dict(request.deliveries)
        if shop.producer_b in deliveries:
            deliveries[shop.producer_b] = type(deliveries[shop.producer_b])(DeliveryMethod.HOME)
        order = place_order(type(request)(**{**request.__dict__, "deliveries": deliveries}))
        return [p.id for p in order.parts]


@pytest.fixture
def placed(app: Flask, shop: Shop) -> Placed:
    lines = [(shop.tea, 2, 120_000), (shop.orange, 3, 45_000)]
    part_a, part_b = _place(app, shop, lines, [shop.producer_a, shop.producer_b])
    with app.app_context():
        code = db.session.get(OrderPart, part_a).order.code
    return Placed(part_a, part_b, code)


def _status(app: Flask, part_id: int) -> PartStatus:
    with app.app_context():
        return db.session.get(OrderPart, part_id).status


URLS = [
    ("get", "/ban-hang/{producer}/don-hang/"),
    ("post", "/ban-hang/{producer}/don-hang/hang-loat"),
    ("get", "/ban-hang/{producer}/don-hang/{part}"),
    ("post", "/ban-hang/{producer}/don-hang/{part}/chuyen"),
    ("post", "/ban-hang/{producer}/don-hang/{part}/huy"),
    ("post", "/ban-hang/{producer}/don-hang/{part}/nhan"),
    ("get", "/ban-hang/{producer}/don-hang/{part}/phieu-giao-hang"),
]
FORM = {"action": "pack", "part": "", "reason": "Thử", "note": ""}


@pytest.mark.parametrize(("method", "url"), URLS)
@pytest.mark.parametrize("who", ["anonymous", "stranger", "other producer"])
def test_every_fulfilment_page_is_a_404_for_anyone_else(
    app: Flask,
    client: FlaskClient,
    login_as: Callable[..., User],
    shop: Shop,
    placed: Placed,
    method: str,
    url: str,
    who: str,
) -> None:
    if who == "stranger":
        login_as(Role.SHOPPER)
    elif who == "other producer":
        login_as(user=shop.owner_b)
    path = url.format(producer=shop.producer_a, part=placed.part_a)
    response = getattr(client, method)(path, data={**FORM, "part": str(placed.part_a)})
    assert response.status_code == 404
    assert _status(app, placed.part_a) is PartStatus.AWAITING_FULFILMENT


@pytest.mark.parametrize(("method", "url"), URLS[2:])
def test_a_producer_cannot_reach_another_producers_part_through_its_own_workspace(
    app: Flask,
    client: FlaskClient,
    login_as: Callable[..., User],
    shop: Shop,
    placed: Placed,
    method: str,
    url: str,
) -> None:
    login_as(user=shop.owner_b)
    path = url.format(producer=shop.producer_b, part=placed.part_a)
    response = getattr(client, method)(path, data=FORM)
    assert response.status_code == 404
    assert _status(app, placed.part_a) is PartStatus.AWAITING_FULFILMENT


def test_bulk_actions_ignore_another_producers_parts(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], shop: Shop, placed: Placed
) -> None:
    login_as(user=shop.owner_b)
    client.post(
        f"/ban-hang/{shop.producer_b}/don-hang/hang-loat",
        data={"action": "pack", "part": [str(placed.part_a), str(placed.part_b)]},
    )
    assert _status(app, placed.part_a) is PartStatus.AWAITING_FULFILMENT
    assert _status(app, placed.part_b) is PartStatus.PACKED


def test_a_producer_sees_its_own_lines_and_never_the_other_producers(
    client: FlaskClient, login_as: Callable[..., User], shop: Shop, placed: Placed
) -> None:
    login_as(user=shop.owner_a)
    listing = client.get(f"/ban-hang/{shop.producer_a}/don-hang/").get_data(as_text=True)
    page = client.get(f"/ban-hang/{shop.producer_a}/don-hang/{placed.part_a}").get_data(
        as_text=True
    )
    slip = client.get(
        f"/ban-hang/{shop.producer_a}/don-hang/{placed.part_a}/phieu-giao-hang"
    ).get_data(as_text=True)
    for text in (listing, page, slip):
        assert "Cam sành" not in text
        assert "HTX Cam Hàm Yên" not in text
        assert "135.000" not in text  # B's part total
        assert f"{placed.code}-2" not in text
    assert "Chè xanh Ngọc Thuý" in page and "Chè xanh Ngọc Thuý" in slip
    assert "Nguyễn Thị Lan" in page and "0912345678" in page
    # A's part is picked up: the buyer's home address (given for B's part) is not shown to A.
    assert "Thôn 3" not in page and "Phù Lưu" not in page and "Thôn 3" not in slip


def test_the_producer_delivering_home_sees_the_address(
    client: FlaskClient, login_as: Callable[..., User], shop: Shop, placed: Placed
) -> None:
    login_as(user=shop.owner_b)
    page = client.get(f"/ban-hang/{shop.producer_b}/don-hang/{placed.part_b}").get_data(
        as_text=True
    )
    assert "Thôn 3" in page and "Phù Lưu" in page
    assert "Chè xanh" not in page


@pytest.mark.parametrize("role", [MemberRole.STAFF, "helper"])
def test_staff_and_granted_helpers_act_for_the_producer(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    login_as: Callable[..., User],
    shop: Shop,
    placed: Placed,
    role: object,
) -> None:
    user = make_user(Role.HELPER if role == "helper" else Role.SHOPPER)
    with app.app_context():
        if role == "helper":
            db.session.add(HelperGrant(producer_id=shop.producer_a, helper_id=user.id))
        else:
            db.session.add(ProducerMember(producer_id=shop.producer_a, user_id=user.id, role=role))
        db.session.commit()
    login_as(user=user)
    response = client.post(
        f"/ban-hang/{shop.producer_a}/don-hang/{placed.part_a}/chuyen", data={"action": "pack"}
    )
    assert response.status_code == 303
    with app.app_context():
        part = db.session.get(OrderPart, placed.part_a)
        assert part.status is PartStatus.PACKED
        event = part.events[-1]
        assert event.actor_id == user.id
        assert event.actor_role.value == ("helper" if role == "helper" else "staff")


def test_a_home_part_is_packed_shipped_with_a_note_and_delivered(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], shop: Shop, placed: Placed
) -> None:
    login_as(user=shop.owner_b)
    base = f"/ban-hang/{shop.producer_b}/don-hang/{placed.part_b}"
    client.post(f"{base}/chuyen", data={"action": "pack"})
    client.post(f"{base}/chuyen", data={"action": "ship", "note": "VNPost EB123456789VN"})
    with app.app_context():
        assert db.session.get(OrderPart, placed.part_b).tracking == "VNPost EB123456789VN"
    mail = app.extensions["mail_outbox"][-1]
    assert mail["To"] == "lan@example.vn"
    assert "EB123456789VN" in mail.get_content()
    client.post(f"{base}/chuyen", data={"action": "deliver"})
    assert _status(app, placed.part_b) is PartStatus.DELIVERED
    page = client.get(base).get_data(as_text=True)
    assert "Chủ HTX Cam" in page  # the history says who did it


def test_an_impossible_action_is_refused_with_a_message(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], shop: Shop, placed: Placed
) -> None:
    login_as(user=shop.owner_a)
    base = f"/ban-hang/{shop.producer_a}/don-hang/{placed.part_a}"
    response = client.post(f"{base}/chuyen", data={"action": "deliver"}, follow_redirects=True)
    assert "Không thể “Đánh dấu đã giao”" in response.get_data(as_text=True)
    response = client.post(f"{base}/chuyen", data={"action": "explode"}, follow_redirects=True)
    assert "Thao tác không hợp lệ" in response.get_data(as_text=True)
    assert _status(app, placed.part_a) is PartStatus.AWAITING_FULFILMENT


def test_a_producer_cancels_with_a_reason_and_the_shopper_is_told(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], shop: Shop, placed: Placed
) -> None:
    login_as(user=shop.owner_a)
    base = f"/ban-hang/{shop.producer_a}/don-hang/{placed.part_a}"
    response = client.post(f"{base}/huy", data={"reason": ""})
    assert response.status_code == 400
    assert "lý do" in response.get_data(as_text=True)
    client.post(f"{base}/huy", data={"reason": "Chè bị ẩm, xin lỗi bạn"})
    assert _status(app, placed.part_a) is PartStatus.CANCELLED
    mail = app.extensions["mail_outbox"][-1]
    assert mail["To"] == "lan@example.vn"
    assert "Chè bị ẩm, xin lỗi bạn" in mail.get_content()


def test_several_parts_are_packed_at_once_and_refusals_are_reported(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], shop: Shop, placed: Placed
) -> None:
    other = _place(app, shop, [(shop.honey, 1, 250_000)], [shop.producer_a])[0]
    login_as(user=shop.owner_a)
    base = f"/ban-hang/{shop.producer_a}/don-hang"
    client.post(f"{base}/{placed.part_a}/chuyen", data={"action": "pack"})
    response = client.post(
        f"{base}/hang-loat",
        data={"action": "pack", "part": [str(placed.part_a), str(other)]},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Đánh dấu đã đóng gói: 1 đơn hàng." in page
    assert f"{placed.code}-1" in page  # the one already packed is named as refused
    assert _status(app, other) is PartStatus.PACKED
    response = client.post(f"{base}/hang-loat", data={"action": "pack"}, follow_redirects=True)
    assert "Hãy đánh dấu các đơn hàng" in response.get_data(as_text=True)


def test_new_orders_are_counted_until_someone_opens_them(
    client: FlaskClient, login_as: Callable[..., User], shop: Shop, placed: Placed
) -> None:
    login_as(user=shop.owner_a)
    assert "1 mới" in client.get("/").get_data(as_text=True)
    listing = client.get(f"/ban-hang/{shop.producer_a}/don-hang/").get_data(as_text=True)
    assert ">Mới<" in listing
    client.get(f"/ban-hang/{shop.producer_a}/don-hang/{placed.part_a}")
    assert "1 mới" not in client.get("/").get_data(as_text=True)


def test_the_overview_leads_a_single_producer_straight_to_its_orders(
    client: FlaskClient, login_as: Callable[..., User], shop: Shop
) -> None:
    assert client.get("/ban-hang/don-hang").status_code == 302  # sign in first
    login_as(user=shop.owner_a)
    response = client.get("/ban-hang/don-hang")
    assert response.headers["Location"] == f"/ban-hang/{shop.producer_a}/don-hang/"
    login_as(Role.SHOPPER)
    assert "chưa bán hàng" in client.get("/ban-hang/don-hang").get_data(as_text=True)


def test_the_list_shows_parts_by_state(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], shop: Shop, placed: Placed
) -> None:
    login_as(user=shop.owner_a)
    base = f"/ban-hang/{shop.producer_a}/don-hang/"
    assert f"{placed.code}-1" in client.get(base).get_data(as_text=True)
    assert f"{placed.code}-1" not in client.get(f"{base}?state=done").get_data(as_text=True)
    assert client.get(f"{base}?state=nonsense&page=abc").status_code == 200
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count(OrderPart.id)))
    assert count == 2
