"""Approvals: producers, OCOP claims and growing-area codes, each decision in the audit log."""

from collections.abc import Callable
from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from catalog import audit
from catalog.audit import Actor, AuditEntry
from catalog.models import (
    AreaStatus,
    GrowingArea,
    OcopRecognition,
    Producer,
    ProducerStatus,
    Product,
    ProductStatus,
    ReviewStatus,
    ocop_valid_until,
)
from market.accounts.models import User
from market.extensions import db
from market.markets import approvals
from market.markets.approvals import Decision
from market.markets.errors import MarketError
from tests import factories
from tests.markets.conftest import World


def _decide(client: FlaskClient, url: str, decision: Decision, reason: str = "") -> None:
    response = client.post(url, data={"decision": decision.value, "reason": reason})
    assert response.status_code == 302


def _audit(app: Flask, producer_id: int) -> list[tuple[str, str, str]]:
    with app.app_context():
        return [
            (e.action, e.actor_access, e.summary)
            for e in db.session.scalars(
                sa.select(AuditEntry)
                .where(AuditEntry.producer_id == producer_id)
                .order_by(AuditEntry.id)
            )
        ]


@pytest.fixture
def pending(app: Flask) -> int:
    """A producer waiting for verification."""
    with app.app_context():
        return factories.producer(name="HTX Chờ duyệt", status=ProducerStatus.PENDING).id


def test_a_provincial_manager_verifies_a_waiting_producer(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World, pending: int
) -> None:
    login_as(user=world.provincial)
    page = client.get("/quan-ly/duyet").get_data(as_text=True)
    assert "HTX Chờ duyệt" in page
    _decide(client, f"/quan-ly/duyet/nha-san-xuat/{pending}", Decision.VERIFY)
    with app.app_context():
        producer = db.session.get(Producer, pending)
        assert producer.status == ProducerStatus.VERIFIED and producer.verified_at is not None
    assert _audit(app, pending) == [("producer.verify", "manager", "HTX Chờ duyệt")]
    assert (
        "HTX Chờ duyệt"
        not in client.get("/quan-ly/duyet")
        .get_data(as_text=True)
        .split('id="ocop"')[0]
        .split('id="producers"')[1]
    )


def test_rejecting_or_suspending_needs_a_reason_the_producer_sees(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World, pending: int
) -> None:
    login_as(user=world.provincial)
    _decide(client, f"/quan-ly/duyet/nha-san-xuat/{pending}", Decision.REJECT, "  ")
    with app.app_context():
        assert db.session.get(Producer, pending).status == ProducerStatus.PENDING
    _decide(client, f"/quan-ly/duyet/nha-san-xuat/{pending}", Decision.REJECT, "Thiếu giấy phép")
    with app.app_context():
        producer = db.session.get(Producer, pending)
        assert (producer.status, producer.status_reason) == (
            ProducerStatus.SUSPENDED,
            "Thiếu giấy phép",
        )
    assert _audit(app, pending) == [
        ("producer.reject", "manager", "HTX Chờ duyệt — Thiếu giấy phép")
    ]


def test_suspending_a_producer_hides_its_products_from_pages_and_search_at_once(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World
) -> None:
    with app.app_context():
        slug = db.session.get(Product, world.honey).slug
        producer_slug = db.session.get(Producer, world.producer_a).slug

    def found() -> list[int]:
        response = client.get("/api/v1/products", query_string={"q": "mat ong bac ha"})
        assert response.status_code == 200
        return [item["id"] for item in response.json["items"]]

    assert world.honey in found()
    assert client.get(f"/san-pham/{slug}").status_code == 200
    login_as(user=world.provincial)
    _decide(
        client,
        f"/quan-ly/duyet/nha-san-xuat/{world.producer_a}",
        Decision.SUSPEND,
        "Bán hàng giả mạo nhãn OCOP",
    )
    assert world.honey not in found()
    assert "Mật ong hoa bạc hà" not in client.get(
        "/tim-kiem", query_string={"q": "mật ong"}
    ).get_data(as_text=True)
    assert client.get(f"/san-pham/{slug}").status_code == 404
    assert client.get(f"/nha-san-xuat/{producer_slug}").status_code == 404
    assert "Mật ong hoa bạc hà" not in client.get("/san-pham").get_data(as_text=True)
    assert "Mật ong hoa bạc hà" not in client.get("/s/AP0001").get_data(as_text=True)
    _decide(client, f"/quan-ly/duyet/nha-san-xuat/{world.producer_a}", Decision.REINSTATE)
    assert world.honey in found()
    assert [action for action, _a, _s in _audit(app, world.producer_a)] == [
        "producer.suspend",
        "producer.reinstate",
    ]


def test_an_ocop_claim_approved_is_valid_36_months_from_its_decision(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World
) -> None:
    with app.app_context():
        product = db.session.get(Product, world.honey)
        claim = factories.recognition(
            product, stars=4, decided=date(2024, 2, 29), review=ReviewStatus.PENDING
        )
        claim.valid_until = date(2030, 1, 1)  # whatever the producer typed
        db.session.commit()
        claim_id = claim.id
    login_as(user=world.provincial)
    assert "Mật ong hoa bạc hà" in client.get("/quan-ly/duyet").get_data(as_text=True)
    _decide(client, f"/quan-ly/duyet/ocop/{claim_id}", Decision.OCOP_APPROVE)
    with app.app_context():
        claim = db.session.get(OcopRecognition, claim_id)
        assert claim.review_status == ReviewStatus.APPROVED
        assert claim.valid_until == ocop_valid_until(date(2024, 2, 29)) == date(2027, 2, 28)
        assert claim.reviewed_at is not None
    ((action, access, summary),) = _audit(app, world.producer_a)
    assert (action, access) == ("ocop.approve", "manager") and "4★" in summary


def test_an_ocop_claim_rejected_keeps_the_reason(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World
) -> None:
    with app.app_context():
        claim_id = factories.recognition(
            db.session.get(Product, world.tea), stars=5, review=ReviewStatus.PENDING
        ).id
    login_as(user=world.provincial)
    _decide(client, f"/quan-ly/duyet/ocop/{claim_id}", Decision.OCOP_REJECT)
    with app.app_context():
        assert db.session.get(OcopRecognition, claim_id).review_status == ReviewStatus.PENDING
    _decide(
        client,
        f"/quan-ly/duyet/ocop/{claim_id}",
        Decision.OCOP_REJECT,
        "Quyết định 5★ do Trung ương cấp",
    )
    with app.app_context():
        claim = db.session.get(OcopRecognition, claim_id)
        assert (claim.review_status, claim.review_reason) == (
            ReviewStatus.REJECTED,
            "Quyết định 5★ do Trung ương cấp",
        )


def test_growing_area_codes_are_approved_then_suspended_reinstated_and_cancelled(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World
) -> None:
    with app.app_context():
        area_id = factories.growing_area(
            db.session.get(Producer, world.producer_b),
            code="VN-TQ-HY-0042",
            review_status=ReviewStatus.PENDING,
        ).id
    login_as(user=world.provincial)
    url = f"/quan-ly/duyet/vung-trong/{area_id}"
    steps = [
        (Decision.AREA_APPROVE, "", (ReviewStatus.APPROVED, AreaStatus.ACTIVE)),
        (
            Decision.AREA_SUSPEND,
            "Phát hiện dư lượng thuốc",
            (ReviewStatus.APPROVED, AreaStatus.SUSPENDED),
        ),
        (Decision.AREA_REINSTATE, "", (ReviewStatus.APPROVED, AreaStatus.ACTIVE)),
        (
            Decision.AREA_CANCEL,
            "Hộ dân ngừng canh tác",
            (ReviewStatus.APPROVED, AreaStatus.CANCELLED),
        ),
    ]
    for decision, reason, expected in steps:
        _decide(client, url, decision, reason)
        with app.app_context():
            area = db.session.get(GrowingArea, area_id)
            assert (area.review_status, area.status) == expected, decision
    actions = [action for action, _a, _s in _audit(app, world.producer_b)]
    assert actions == ["area.approve", "area.suspend", "area.reinstate", "area.cancel"]


def test_a_decision_on_something_already_decided_changes_nothing(
    app: Flask, ctx: None, world: World, pending: int
) -> None:
    approvals.decide_producer(pending, Decision.VERIFY, "", world.provincial)
    with pytest.raises(MarketError):
        approvals.decide_producer(pending, Decision.REJECT, "Quá muộn rồi", world.provincial)
    with pytest.raises(MarketError):
        approvals.decide_producer(pending, Decision.OCOP_APPROVE, "", world.provincial)
    assert db.session.get(Producer, pending).status == ProducerStatus.VERIFIED


def test_an_unknown_decision_is_refused_with_a_message(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World, pending: int
) -> None:
    login_as(user=world.provincial)
    response = client.post(
        f"/quan-ly/duyet/nha-san-xuat/{pending}",
        data={"decision": "producer.delete"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    with app.app_context():
        assert db.session.get(Producer, pending).status == ProducerStatus.PENDING


def test_the_producer_sees_the_managers_decision_in_its_change_log(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World
) -> None:
    login_as(user=world.manager_a)
    stall = {"number": "B07", "producer_id": world.producer_a, "active": "y"}
    assert client.post(f"/quan-ly/cho/{world.market_a}/sap/moi", data=stall).status_code == 302
    login_as(user=world.provincial)
    _decide(
        client,
        f"/quan-ly/duyet/nha-san-xuat/{world.producer_a}",
        Decision.SUSPEND,
        "Thiếu giấy chứng nhận",
    )
    login_as(user=world.owner_a)
    log = client.get(f"/ban-hang/{world.producer_a}/nhat-ky")
    assert log.status_code == 200
    page = log.get_data(as_text=True)
    assert "Thiếu giấy chứng nhận" in page
    # The markets' own words for its actions, and who acted: a market manager.
    assert "Đã tạm đình chỉ nhà sản xuất" in page and "Đã lập sạp ở chợ" in page
    assert "producer.suspend" not in page and "stall.create" not in page
    assert '<th scope="row">Số sạp</th>' in page and "<code>number</code>" not in page
    assert page.count('data-access="manager">người quản lý chợ<') == 2
    assert "Sở Công Thương" in page and "Ban quản lý chợ An Phú" in page


def test_producer_search_and_decision_pages_list_claims_and_areas(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World
) -> None:
    login_as(user=world.provincial)
    found = client.get(
        "/quan-ly/duyet/nha-san-xuat", query_string={"q": "ong", "status": "verified"}
    )
    assert "HTX Ong Phong Thổ" in found.get_data(as_text=True)
    junk = client.get("/quan-ly/duyet/nha-san-xuat", query_string={"q": "x" * 500, "status": "?"})
    assert junk.status_code == 200
    page = client.get(f"/quan-ly/duyet/nha-san-xuat/{world.producer_a}").get_data(as_text=True)
    assert "Tạm đình chỉ" in page  # a verified producer can be suspended
    assert client.get("/quan-ly/duyet/nha-san-xuat/999999").status_code == 404


def test_a_waiting_producers_review_lists_what_would_go_public_and_its_documents(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World, pending: int
) -> None:
    with app.app_context():
        maker = db.session.get(Producer, pending)
        honey = factories.product(maker, name="Mật ong bạc hà", price=250_000, unit="chai")
        factories.product(maker, name="Bản nháp", status=ProductStatus.DRAFT)
        claim = factories.recognition(honey, review=ReviewStatus.PENDING)
        claim.scan_key = "a" * 32
        db.session.commit()
    login_as(user=world.provincial)
    page = client.get(f"/quan-ly/duyet/nha-san-xuat/{pending}").get_data(as_text=True)
    going_public = page.split('id="public-h"')[1].split("</section>")[0]
    assert "Sản phẩm sẽ hiển thị cho người mua khi được xác minh" in going_public
    assert "Mật ong bạc hà" in going_public and "250.000\u00a0₫ / chai" in going_public
    assert "Bản nháp" not in going_public  # a draft stays hidden either way
    ocop = page.split('id="ocop-h"')[1].split("</section>")[0]
    assert f'href="/anh/{"a" * 32}/zoom.webp"' in ocop  # the scan of the OCOP decision


def test_a_manager_reads_the_change_log_a_helper_made_for_a_household(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World, pending: int
) -> None:
    with app.app_context():
        helper = Actor(world.helper_a.id, "helper")
        audit.record(pending, helper, "product.create", "product", None, summary="Mật ong bạc hà")
        db.session.commit()
    login_as(user=world.provincial)
    review = client.get(f"/quan-ly/duyet/nha-san-xuat/{pending}").get_data(as_text=True)
    assert f'href="/quan-ly/duyet/nha-san-xuat/{pending}/nhat-ky"' in review
    page = client.get(f"/quan-ly/duyet/nha-san-xuat/{pending}/nhat-ky")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Mật ong bạc hà" in html and 'data-access="helper"' in html
    login_as(user=world.shopper)
    assert client.get(f"/quan-ly/duyet/nha-san-xuat/{pending}/nhat-ky").status_code in (403, 404)
