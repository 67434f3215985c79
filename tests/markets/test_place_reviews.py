"""Places the 2025 migration could not map wait for a provincial manager, who picks the commune
on ``/quan-ly/dia-ban``; nothing is guessed and a bad choice changes nothing."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from catalog.models import Producer
from market.accounts.models import User
from market.extensions import db
from market.markets.models import Market, PlaceReview
from orders.models import Order
from tests import factories
from tests.markets.conftest import World

PAGE = "/quan-ly/dia-ban"


@dataclass(frozen=True)
class Waiting:
    """Ids of the unmapped records and their reviews."""

    producer: int
    producer_review: int
    market_review: int
    order: int
    order_review: int


@pytest.fixture
def waiting(app: Flask, world: World) -> Waiting:
    """A producer in former Kim Phú (split in 2025), the market B as if its commune were gone,
    and an order typed in Hà Nội for a ward that no longer exists, as migration 0018 leaves them."""
    with app.app_context():
        maker = factories.producer(name="Hộ ông Kim", commune_code=None, area_slug="tp-tuyen-quang")
        market = db.session.get(Market, world.market_b)
        market.commune_code = None
        order = Order(
            code="OLD0001",
            access_token="old-token",
            idempotency_key="old-key",
            contact_name="Khách cũ",
            contact_phone="0912345678",
            province_code="01",
            province_name="Thành phố Hà Nội",
            commune_name="Phường Đội Cấn",
            street="Số 1 Đội Cấn",
            payment_method="cash",
            items_total=0,
            delivery_total=0,
            total=0,
        )
        db.session.add(order)
        db.session.flush()
        reviews = [
            PlaceReview(
                record_table="producers",
                record_id=maker.id,
                former_province="Tuyên Quang",
                former_district="Thành phố Tuyên Quang",
                former_commune="Kim Phú",
                province_code="08",
                candidates="02215,02509",
                reason="split between several new communes",
            ),
            PlaceReview(
                record_table="markets",
                record_id=market.id,
                former_province="Tuyên Quang",
                former_district="Huyện Hàm Yên",
                former_commune="Thái Hòa",
                province_code="08",
            ),
            PlaceReview(
                record_table="orders",
                record_id=order.id,
                former_province="Hà Nội",
                former_district="Ba Đình",
                former_commune="Phường Đội Cấn",
                province_code="01",
                reason="no commune of today has this name",
            ),
        ]
        db.session.add_all(reviews)
        db.session.commit()
        return Waiting(maker.id, reviews[0].id, reviews[1].id, order.id, reviews[2].id)


def test_the_page_lists_each_place_with_its_candidates_and_the_console_counts_them(
    client: FlaskClient, login_as: Callable[..., User], world: World, waiting: Waiting
) -> None:
    login_as(user=world.provincial)
    page = client.get(PAGE).get_data(as_text=True)
    assert "Hộ ông Kim" in page and "Kim Phú, Thành phố Tuyên Quang, Tuyên Quang" in page
    producer = page.split(f'id="review-{waiting.producer_review}"')[1].split("</article>")[0]
    assert 'value="02215"' in producer and 'value="02509"' in producer
    assert "Phường Minh Xuân" in producer and "Phường Mỹ Lâm" in producer
    order = page.split(f'id="review-{waiting.order_review}"')[1].split("</article>")[0]
    assert "Phường Giảng Võ" in order  # the wards of Hà Nội, the order's province
    assert 'name="area"' not in order  # an address has no area of origin
    console = client.get("/quan-ly").get_data(as_text=True)
    assert "Địa bàn cần xác định" in console.split('href="/quan-ly/dia-ban"')[1][:80]


def test_a_manager_picks_the_commune_and_the_record_gets_it(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World, waiting: Waiting
) -> None:
    login_as(user=world.provincial)
    response = client.post(f"{PAGE}/{waiting.producer_review}", data={"commune": "02509"})
    assert response.status_code == 302
    response = client.post(
        f"{PAGE}/{waiting.order_review}", data={"commune": "00008"}, follow_redirects=True
    )
    assert "Đã lưu: Phường Ngọc Hà, Hà Nội" in response.get_data(as_text=True)
    with app.app_context():
        producer = db.session.get(Producer, waiting.producer)
        assert (producer.commune_code, producer.area_slug) == ("02509", "tp-tuyen-quang")
        order = db.session.get(Order, waiting.order)
        assert (order.commune_code, order.commune_name) == ("00008", "Phường Ngọc Hà")
        assert order.street == "Số 1 Đội Cấn"
        review = db.session.get(PlaceReview, waiting.producer_review)
        assert (review.resolved_code, review.resolved_by_id) == ("02509", world.provincial.id)
    page = client.get(PAGE).get_data(as_text=True)
    assert f'id="review-{waiting.producer_review}"' not in page
    assert "Kim Phú, Thành phố Tuyên Quang → Phường Mỹ Lâm, Tuyên Quang" in page


def test_a_market_gets_the_chosen_area_of_origin(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World, waiting: Waiting
) -> None:
    login_as(user=world.provincial)
    data = {"commune": "02419", "area": "ham-yen"}
    assert client.post(f"{PAGE}/{waiting.market_review}", data=data).status_code == 302
    with app.app_context():
        market = db.session.get(Market, world.market_b)
        assert (market.commune_code, market.area_slug) == ("02419", "ham-yen")


@pytest.mark.parametrize(
    ("review", "data"),
    [
        ("producer_review", {"commune": "00004"}),  # a ward of Hà Nội for a producer
        ("producer_review", {"commune": ""}),
        ("producer_review", {"commune": "02509", "area": "khong-co"}),
        ("order_review", {"commune": "02392"}),  # a commune of another province than the order's
    ],
)
def test_a_bad_choice_is_explained_and_changes_nothing(
    app: Flask,
    client: FlaskClient,
    login_as: Callable[..., User],
    world: World,
    waiting: Waiting,
    review: str,
    data: dict,
) -> None:
    login_as(user=world.provincial)
    review_id = getattr(waiting, review)
    response = client.post(f"{PAGE}/{review_id}", data=data)
    assert response.status_code == 422
    assert "Hãy chọn xã trong danh sách." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(PlaceReview, review_id).resolved_at is None
        assert db.session.get(Producer, waiting.producer).commune_code is None
        assert db.session.get(Order, waiting.order).commune_code is None


def test_a_place_is_resolved_once(
    client: FlaskClient, login_as: Callable[..., User], world: World, waiting: Waiting
) -> None:
    login_as(user=world.provincial)
    assert (
        client.post(f"{PAGE}/{waiting.producer_review}", data={"commune": "02509"}).status_code
        == 302
    )
    again = client.post(f"{PAGE}/{waiting.producer_review}", data={"commune": "02215"})
    assert again.status_code == 422
    assert "Địa bàn này đã được xác định rồi." in again.get_data(as_text=True)


@pytest.mark.parametrize("who", ["manager_a", "shopper", "owner_a"])
def test_only_provincial_managers_resolve_places(
    app: Flask,
    client: FlaskClient,
    login_as: Callable[..., User],
    world: World,
    waiting: Waiting,
    who: str,
) -> None:
    login_as(user=getattr(world, who))
    assert client.get(PAGE).status_code == 403
    response = client.post(f"{PAGE}/{waiting.producer_review}", data={"commune": "02509"})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Producer, waiting.producer).commune_code is None


def test_anonymous_visitors_are_sent_to_sign_in(client: FlaskClient, waiting: Waiting) -> None:
    assert client.get(PAGE).status_code == 302
    with client.application.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(PlaceReview)
                .where(PlaceReview.resolved_at.is_not(None))
            )
            == 0
        )
