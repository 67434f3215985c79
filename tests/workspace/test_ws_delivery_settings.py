"""The producer's delivery page: packaging, farm pickup, carriers and zone rates, for its team
only; a bad entry is refused with a message and changes nothing; every change is audited."""

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from lxml import html

from catalog.audit import AuditEntry
from catalog.models import Producer
from market.accounts.models import Role, User
from market.extensions import db
from orders.delivery import enabled_carriers, rule_of
from orders.delivery_rates import DeliveryRate, ZoneKind
from tests.workspace.conftest import Shop

PHU_LUU, BACH_XA = "02392", "02380"


def _url(shop: Shop, tail: str = "") -> str:
    return f"/ban-hang/{shop.producer_id}/giao-hang{tail}"


def _rates(app: Flask, shop: Shop) -> list[tuple[str, str, int | None, int, int | None]]:
    with app.app_context():
        return [
            (r.zone_kind.value, r.zone_code, r.up_to_grams, r.fee, r.free_above)
            for r in db.session.scalars(
                sa.select(DeliveryRate)
                .where(DeliveryRate.producer_id == shop.producer_id)
                .order_by(DeliveryRate.id)
            )
        ]


def _settings(app: Flask, shop: Shop) -> tuple[int, bool, list[str]]:
    with app.app_context():
        producer = db.session.get(Producer, shop.producer_id)
        return producer.packaging_grams, producer.farm_pickup, enabled_carriers(producer.id)


def _actions(app: Flask, shop: Shop) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(AuditEntry.action)
                .where(AuditEntry.producer_id == shop.producer_id)
                .where(AuditEntry.action.like("%delivery%"))
                .order_by(AuditEntry.id)
            )
        )


def test_a_producer_prices_its_own_delivery_by_commune_province_weight_and_everywhere(
    app: Flask, as_owner: FlaskClient, shop: Shop
) -> None:
    # The factory's flat 30,000 đ for the province (any weight) is there first: remove it.
    with app.app_context():
        flat = db.session.scalar(
            sa.select(DeliveryRate.id).where(
                DeliveryRate.producer_id == shop.producer_id, DeliveryRate.fee == 30_000
            )
        )
    assert as_owner.post(_url(shop, f"/muc/{flat}/xoa")).status_code == 303
    rows = [
        {"zone": f"commune:{PHU_LUU}", "fee": "0"},
        {"zone": "province:08", "up_to_grams": "5000", "fee": "25.000"},
        {"zone": "province:08", "fee": "40000"},
        {"zone": "province:01", "fee": "60000", "free_above": "1.000.000"},
    ]
    for row in rows:
        assert as_owner.post(_url(shop, "/muc"), data=row).status_code == 303
    assert _rates(app, shop) == [
        ("commune", PHU_LUU, None, 0, None),
        ("province", "08", 5000, 25_000, None),
        ("province", "08", None, 40_000, None),
        ("province", "01", None, 60_000, 1_000_000),
    ]
    with app.app_context():
        rule = rule_of(db.session.get(Producer, shop.producer_id))
    assert rule.fee_to("08", PHU_LUU, 20_000, 0) == 0
    assert rule.fee_to("08", BACH_XA, 4_000, 0) == 25_000
    assert rule.fee_to("08", BACH_XA, 6_000, 0) == 40_000
    assert rule.fee_to("01", None, 6_000, 1_200_000) == 0
    assert rule.fee_to("79", None, 1_000, 0) is None  # nowhere else
    page = html.fromstring(as_owner.get(_url(shop)).get_data(as_text=True))
    assert len(page.xpath("//li[@data-rate]")) == 4
    assert _actions(app, shop) == ["delivery_rate.remove"] + ["delivery_rate.add"] * 4


def test_a_rate_is_changed_on_its_own_page(app: Flask, as_owner: FlaskClient, shop: Shop) -> None:
    with app.app_context():
        rate_id = db.session.scalar(
            sa.select(DeliveryRate.id).where(DeliveryRate.producer_id == shop.producer_id)
        )
    assert as_owner.get(_url(shop, f"/muc/{rate_id}")).status_code == 200
    data = {"zone": "province:08", "up_to_grams": "3000", "fee": "35000"}
    assert as_owner.post(_url(shop, f"/muc/{rate_id}"), data=data).status_code == 303
    assert _rates(app, shop) == [("province", "08", 3000, 35_000, None)]
    assert _actions(app, shop) == ["delivery_rate.update"]
    log = as_owner.get(f"/ban-hang/{shop.producer_id}/nhat-ky").get_data(as_text=True)
    assert "Sửa một mức phí giao hàng" in log


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"zone": "province:99", "fee": "1000"}, "Hãy chọn một nơi trong danh sách."),
        ({"zone": "", "fee": "1000"}, "Hãy chọn một nơi trong danh sách."),
        ({"zone": "province:01", "fee": "-5"}, "Giá không thể là số âm."),
        ({"zone": "province:01", "fee": "abc"}, "Ghi giá bằng số đồng chẵn"),
        ({"zone": "province:01", "fee": "20000000"}, "10.000.000"),
        ({"zone": "province:01", "fee": "1000", "up_to_grams": "0"}, "lớn hơn 0 gam"),
        ({"zone": "province:01", "fee": "1000", "up_to_grams": "999999"}, "100.000 gam"),
        ({"zone": "province:08", "fee": "1000"}, "đã có phí cho mức cân này"),
    ],
)
def test_a_bad_rate_is_refused_with_a_message_and_nothing_changes(
    app: Flask, as_owner: FlaskClient, shop: Shop, data: dict[str, str], message: str
) -> None:
    before = _rates(app, shop)
    response = as_owner.post(_url(shop, "/muc"), data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _rates(app, shop) == before
    assert _actions(app, shop) == []


def test_packaging_and_farm_pickup_are_saved_and_no_carrier_is_listed_when_none_is_set_up(
    app: Flask, as_owner: FlaskClient, shop: Shop
) -> None:
    page = html.fromstring(as_owner.get(_url(shop)).get_data(as_text=True))
    assert page.xpath("//*[@data-no-carrier]")
    response = as_owner.post(_url(shop), data={"packaging_grams": "350"})  # pickup unticked
    assert response.status_code == 303
    assert _settings(app, shop) == (350, False, [])
    assert _actions(app, shop) == ["producer.delivery"]
    response = as_owner.post(_url(shop), data={"packaging_grams": "-1", "farm_pickup": "y"})
    assert response.status_code == 422
    assert _settings(app, shop) == (350, False, [])


def test_only_carriers_configured_on_the_site_can_be_enabled(
    app: Flask, as_owner: FlaskClient, shop: Shop
) -> None:
    app.config["GHTK_TOKEN"] = "test-token"
    try:
        page = html.fromstring(as_owner.get(_url(shop)).get_data(as_text=True))
        assert page.xpath("//input[@name='carriers']/@value") == ["ghtk"]
        data = {"packaging_grams": "200", "farm_pickup": "y", "carriers": ["ghn"]}
        assert as_owner.post(_url(shop), data=data).status_code == 422
        assert _settings(app, shop) == (200, True, [])
        data["carriers"] = ["ghtk"]
        assert as_owner.post(_url(shop), data=data).status_code == 303
        assert _settings(app, shop) == (200, True, ["ghtk"])
    finally:
        app.config.pop("GHTK_TOKEN")


def test_the_page_names_the_products_without_a_weight(as_owner: FlaskClient, shop: Shop) -> None:
    page = html.fromstring(as_owner.get(_url(shop)).get_data(as_text=True))
    assert page.xpath("string(//*[@data-unweighed]//li)") == "Cam sành HTX Cam Hàm Yên"


@pytest.mark.parametrize("who", ["staff", "helper"])
def test_the_team_and_granted_helpers_may_change_delivery(
    app: Flask,
    client: FlaskClient,
    login_as: Callable[..., User],
    shop: Shop,
    who: str,
) -> None:
    login_as(user=getattr(shop, who))
    data = {"zone": "everywhere:", "fee": "55000"}
    assert client.post(_url(shop, "/muc"), data=data).status_code == 303
    assert ("everywhere", "", None, 55_000, None) in _rates(app, shop)


def test_another_producers_delivery_and_rates_are_not_found(
    app: Flask,
    client: FlaskClient,
    login_as: Callable[..., User],
    shop: Shop,
    other_shop: Shop,
) -> None:
    login_as(user=other_shop.owner)
    before = _rates(app, shop)
    with app.app_context():
        rate_id = db.session.scalar(
            sa.select(DeliveryRate.id).where(DeliveryRate.producer_id == shop.producer_id)
        )
    assert client.get(_url(shop)).status_code == 404
    assert (
        client.post(_url(shop, "/muc"), data={"zone": "everywhere:", "fee": "1"}).status_code == 404
    )
    assert client.post(_url(shop, f"/muc/{rate_id}/xoa")).status_code == 404
    # Its own page does not reach the other's rate either.
    assert (
        client.get(f"/ban-hang/{other_shop.producer_id}/giao-hang/muc/{rate_id}").status_code == 404
    )
    assert (
        client.post(f"/ban-hang/{other_shop.producer_id}/giao-hang/muc/{rate_id}/xoa").status_code
        == 404
    )
    assert _rates(app, shop) == before
    login_as(Role.SHOPPER)
    assert client.get(_url(shop)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(client: FlaskClient, shop: Shop) -> None:
    assert client.get(_url(shop)).status_code == 302
    assert ZoneKind.EVERYWHERE.value == "everywhere"
