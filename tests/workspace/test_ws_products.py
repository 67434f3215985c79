"""Listings: create, edit, publish, pause, archive; OCOP claims; stock changes and their history."""

import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from catalog import stock_history
from catalog.audit import AuditEntry
from catalog.models import (
    Category,
    Certification,
    IssuingLevel,
    OcopRecognition,
    Producer,
    ProducerStatus,
    Product,
    ProductStatus,
    ReviewStatus,
)
from catalog.stock_history import StockMovement, StockReason
from catalog.workspace import products
from market.extensions import db
from market.i18n import local_today
from tests import factories
from tests.workspace.conftest import Shop
from tests.workspace.samples import jpeg_bytes


def _category_id(app: Flask, code: str = "I.2.b") -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Category.id).where(Category.code == code))


def _form(app: Flask, **changes: object) -> dict:
    return {
        "name": "Mật ong bạc hà",
        "category_id": _category_id(app),
        "unit": "chai 500 ml",
        "price": "250.000",
        "stock": "12",
        "low_stock_threshold": "3",
        "description": "Mật ong từ cao nguyên đá.",
        "certifications": ["vietgap", "organic"],
        "growing_area_id": "0",
        "gtin": "8931234567897",
        "sku": "",
        **changes,
    }


def test_a_new_product_with_photos_is_a_draft_with_its_starting_stock(
    app: Flask, as_owner: FlaskClient, shop: Shop
) -> None:
    data = _form(
        app, photos=[(io.BytesIO(jpeg_bytes()), "1.jpg"), (io.BytesIO(jpeg_bytes()), "2.jpg")]
    )
    response = as_owner.post(
        f"/ban-hang/{shop.producer_id}/san-pham/moi", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    with app.app_context():
        item = db.session.scalar(sa.select(Product).where(Product.name == "Mật ong bạc hà"))
        assert item.status == ProductStatus.DRAFT
        assert (item.price, item.stock, item.low_stock_threshold) == (250_000, 12, 3)
        assert item.gtin == "08931234567897"
        assert item.certifications == [Certification.ORGANIC, Certification.VIETGAP]
        assert item.sku == f"SP-{item.id}"
        assert len(item.images) == 2
        movement = db.session.scalars(sa.select(StockMovement)).one()
        assert (movement.delta, movement.stock_after, movement.reason) == (
            12,
            12,
            StockReason.RESTOCK,
        )
        assert movement.actor_id == shop.owner.id


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"price": "12,5"}, "price"),
        ({"price": "-100"}, "price"),
        ({"stock": "-1"}, "stock"),
        ({"gtin": "8931234567890"}, "gtin"),
        ({"category_id": "1"}, "category_id"),  # a group, not a leaf
        ({"sku": "CAM-1"}, "sku"),  # already used by the shop's product
        ({"name": ""}, "name"),
    ],
)
def test_bad_product_input_is_shown_next_to_the_field_and_saves_nothing(
    app: Flask, as_owner: FlaskClient, shop: Shop, change: dict, field: str
) -> None:
    response = as_owner.post(
        f"/ban-hang/{shop.producer_id}/san-pham/moi", data=_form(app, **change)
    )
    assert response.status_code == 422
    assert f'id="{field}-err"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Product.id))) == 1


def test_a_gtin_used_by_another_producer_is_refused(
    app: Flask, as_owner: FlaskClient, shop: Shop, other_shop: Shop
) -> None:
    with app.app_context():
        db.session.get(Product, other_shop.product_id).gtin = "08931234567897"
        db.session.commit()
    response = as_owner.post(f"/ban-hang/{shop.producer_id}/san-pham/moi", data=_form(app))
    assert response.status_code == 422
    assert 'id="gtin-err"' in response.get_data(as_text=True)


def test_another_producers_growing_area_cannot_be_chosen(
    app: Flask, as_owner: FlaskClient, shop: Shop, other_shop: Shop
) -> None:
    response = as_owner.post(
        f"/ban-hang/{shop.producer_id}/san-pham/moi",
        data=_form(app, growing_area_id=str(other_shop.area_id)),
    )
    assert response.status_code == 422


def test_editing_a_product_saves_it_and_logs_only_what_changed(
    app: Flask, client: FlaskClient, login_as, shop: Shop
) -> None:
    login_as(user=shop.staff)
    data = _form(app, name="Cam sành loại 1", sku="CAM-1", price="40000", gtin="")
    response = client.post(f"/ban-hang/{shop.producer_id}/san-pham/{shop.product_id}", data=data)
    assert response.status_code == 302
    with app.app_context():
        item = db.session.get(Product, shop.product_id)
        assert (item.name, item.price, item.stock) == ("Cam sành loại 1", 40_000, 10)
        entry = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "product.update")
        ).one()
        assert entry.actor_access == "staff"
        assert entry.before["price"] == 100_000 and entry.after["price"] == 40_000
        assert "stock" not in entry.after


def test_an_invalid_edit_leaves_the_product_unchanged(
    app: Flask, as_owner: FlaskClient, shop: Shop
) -> None:
    data = _form(app, name="Tên mới", sku="CAM-1", gtin="123")
    response = as_owner.post(f"/ban-hang/{shop.producer_id}/san-pham/{shop.product_id}", data=data)
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(Product, shop.product_id).name.startswith("Cam sành")


def test_status_follows_the_allowed_transitions(app: Flask, shop: Shop) -> None:
    with app.app_context():
        item = db.session.get(Product, shop.product_id)
        products.set_status(item, ProductStatus.PAUSED, shop.actor())
        products.set_status(item, ProductStatus.ACTIVE, shop.actor())
        products.set_status(item, ProductStatus.ARCHIVED, shop.actor())
        with pytest.raises(products.WorkspaceError):
            products.set_status(item, ProductStatus.ACTIVE, shop.actor())
        products.set_status(item, ProductStatus.DRAFT, shop.actor())
        assert item.status == ProductStatus.DRAFT


def test_a_paused_product_disappears_from_the_storefront(
    app: Flask, as_owner: FlaskClient, shop: Shop
) -> None:
    with app.app_context():
        slug = db.session.get(Product, shop.product_id).slug
    assert as_owner.get(f"/san-pham/{slug}").status_code == 200
    as_owner.post(f"/ban-hang/{shop.producer_id}/san-pham/{shop.product_id}/trang-thai/paused")
    assert as_owner.get(f"/san-pham/{slug}").status_code == 404
    assert (
        as_owner.post(
            f"/ban-hang/{shop.producer_id}/san-pham/{shop.product_id}/trang-thai/sold"
        ).status_code
        == 404
    )


def test_a_product_put_on_sale_by_a_pending_producer_stays_hidden_until_verified(
    app: Flask, as_owner: FlaskClient, shop: Shop
) -> None:
    with app.app_context():
        db.session.get(Producer, shop.producer_id).status = ProducerStatus.PENDING
        db.session.commit()
        slug = db.session.get(Product, shop.product_id).slug
    assert as_owner.get(f"/san-pham/{slug}").status_code == 404


def test_an_ocop_claim_is_pending_with_its_scan_and_a_36_month_validity(
    app: Flask, as_owner: FlaskClient, shop: Shop
) -> None:
    response = as_owner.post(
        f"/ban-hang/{shop.producer_id}/san-pham/{shop.product_id}/ocop",
        data={
            "stars": "4",
            "decision_number": " 321/QĐ-UBND ",
            "decision_date": (date.today() - timedelta(days=30)).isoformat(),
            "scan": (io.BytesIO(jpeg_bytes((900, 1200))), "quyet-dinh.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    with app.app_context():
        claim = db.session.scalars(sa.select(OcopRecognition)).one()
        assert claim.review_status == ReviewStatus.PENDING
        assert claim.decision_number == "321/QĐ-UBND"
        assert claim.issuing_level == IssuingLevel.PROVINCE
        assert claim.valid_until == products.add_months(claim.decision_date, 36)
        assert claim.scan_key and len(claim.scan_key) == 32
        # Pending claims give no stars on the storefront.
        assert db.session.get(Product, shop.product_id).current_recognition(date.today()) is None
    page = as_owner.get(f"/ban-hang/{shop.producer_id}/san-pham/{shop.product_id}/ocop")
    assert "321/QĐ-UBND" in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"decision_date": (local_today() + timedelta(days=1)).isoformat()}, "decision_date"),
        ({"decision_date": "2019-01-01"}, "decision_date"),
        ({"scan": (io.BytesIO(b"%PDF-1.4"), "qd.pdf")}, "scan"),
        ({"scan": None}, "scan"),
    ],
    ids=["future", "expired", "pdf", "no scan"],
)
def test_a_bad_ocop_claim_is_refused(
    app: Flask, as_owner: FlaskClient, shop: Shop, data: dict, field: str
) -> None:
    form = {
        "stars": "5",
        "decision_number": "12/QĐ-TTg",
        "decision_date": "2025-06-01",
        "scan": (io.BytesIO(jpeg_bytes()), "qd.jpg"),
        **data,
    }
    form = {key: value for key, value in form.items() if value is not None}
    response = as_owner.post(
        f"/ban-hang/{shop.producer_id}/san-pham/{shop.product_id}/ocop",
        data=form,
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert f'id="{field}-err"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(OcopRecognition.id))) == 0


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (date(2024, 8, 6), 36, date(2027, 8, 6)),
        (date(2024, 2, 29), 36, date(2027, 2, 28)),
        (date(2023, 11, 30), 3, date(2024, 2, 29)),
    ],
)
def test_adding_months_keeps_the_day_or_uses_the_months_last_day(
    start: date, months: int, end: date
) -> None:
    assert products.add_months(start, months) == end


def test_stock_changes_are_recorded_with_who_when_and_why(
    app: Flask, client: FlaskClient, login_as, shop: Shop
) -> None:
    login_as(user=shop.helper)
    url = f"/ban-hang/{shop.producer_id}/san-pham/{shop.product_id}/kho"
    assert (
        client.post(
            url, data={"change": "5", "reason": "restock", "note": "Hái sáng nay"}
        ).status_code
        == 302
    )
    assert client.post(url, data={"change": "-3", "reason": "correction"}).status_code == 302
    response = client.post(url, data={"change": "-100", "reason": "correction"})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(Product, shop.product_id).stock == 12
        movements = db.session.scalars(sa.select(StockMovement).order_by(StockMovement.id)).all()
        assert [(m.delta, m.stock_after, m.reason) for m in movements] == [
            (5, 15, StockReason.RESTOCK),
            (-3, 12, StockReason.CORRECTION),
        ]
        assert movements[0].note == "Hái sáng nay"
        assert {m.actor_id for m in movements} == {shop.helper.id}
    page = client.get(url).get_data(as_text=True)
    assert "Hái sáng nay" in page


def test_a_sale_recorded_by_the_orders_package_joins_the_history(app: Flask, shop: Shop) -> None:
    with app.app_context():
        item = db.session.get(Product, shop.product_id)
        # The orders package takes stock with a conditional UPDATE, then records the movement.
        db.session.execute(
            sa.update(Product)
            .where(Product.id == item.id, Product.stock >= 2)
            .values(stock=Product.stock - 2)
        )
        movement = stock_history.record_stock_change(
            item, -2, "sale", None, order_ref="CQ7K2M", unit_price=35_000
        )
        db.session.commit()
        assert (movement.stock_after, movement.reason, movement.order_ref) == (8, "sale", "CQ7K2M")


def test_a_zero_stock_change_is_not_a_movement(app: Flask, shop: Shop) -> None:
    with app.app_context():
        item = db.session.get(Product, shop.product_id)
        with pytest.raises(ValueError):
            stock_history.record_stock_change(item, 0, StockReason.SALE, None)


def test_the_product_list_filters_by_status_text_and_low_stock(
    app: Flask, as_owner: FlaskClient, shop: Shop
) -> None:
    with app.app_context():
        maker = db.session.get(Producer, shop.producer_id)
        factories.product(maker, name="Chè Shan tuyết", sku="CHE-1", stock=1)
        factories.product(maker, name="Miến dong", sku="MIEN-1", status=ProductStatus.ARCHIVED)
    base = f"/ban-hang/{shop.producer_id}/san-pham"
    page = as_owner.get(base).get_data(as_text=True)
    assert "Chè Shan tuyết" in page and "Miến dong" not in page
    assert "Miến dong" in as_owner.get(f"{base}?status=archived").get_data(as_text=True)
    found = as_owner.get(f"{base}?q=che-1").get_data(as_text=True)
    assert "Chè Shan tuyết" in found and "Cam sành" not in found
    low = as_owner.get(f"{base}?low=1").get_data(as_text=True)
    assert "Chè Shan tuyết" in low and "Cam sành" not in low
    assert as_owner.get(f"{base}?status=nonsense&page=abc").status_code == 200


def test_a_new_product_without_a_name_is_refused_in_vietnamese(
    app: Flask, as_owner: FlaskClient, shop: Shop
) -> None:
    response = as_owner.post(
        f"/ban-hang/{shop.producer_id}/san-pham/moi", data=_form(app, name="", stock="nhiều")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Vui lòng điền thông tin này." in page
    assert "This field is required." not in page
