"""``flask demo load``: a realistic, idempotent demo market, loaded through the CLI."""

import io
import re
from collections.abc import Callable
from datetime import date

import pytest
import sqlalchemy as sa
from click.testing import Result
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from PIL import Image

from catalog import images
from catalog.categories import descendant_ids, top_groups
from catalog.listing import public_products
from catalog.models import (
    AreaStatus,
    GrowingArea,
    HelperGrant,
    IssuingLevel,
    OcopRecognition,
    Producer,
    ProducerKind,
    ProducerMember,
    ProducerStatus,
    Product,
    ProductImage,
    ProductStatus,
    ReviewStatus,
)
from market import places
from market.accounts.models import Role, User
from market.extensions import db
from tests import factories

TINY_PHOTOS = ("--photo-width", "64")


# Work queues fill and drain on their own (the search outbox); they are not data.
QUEUES = {"search_outbox"}


def table_counts() -> dict[str, int]:
    """Rows in every data table, to prove a second load adds nothing."""
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
        if table.name not in QUEUES
    }


def count(model: type, *where: sa.ColumnElement) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_demo_fills_every_former_district_of_tuyen_quang_and_former_ha_giang(demo: Flask) -> None:
    with demo.app_context():
        producers = db.session.scalars(sa.select(Producer)).all()
        assert len(producers) >= 25
        tuyen_quang = {a.slug for a in places.areas() if a.former_province == "Tuyên Quang"}
        assert tuyen_quang | {"bac-quang", "hoang-su-phi", "dong-van"} == {
            p.area_slug for p in producers
        }
        assert {p.kind for p in producers} == set(ProducerKind)
        for producer in producers:
            commune = places.commune(producer.commune_code)
            assert commune is not None and commune.province_code == "08", producer.slug
            assert places.area(producer.area_slug) in places.areas_of(commune.code)
        statuses = {p.status for p in producers}
        assert statuses == {
            ProducerStatus.VERIFIED,
            ProducerStatus.PENDING,
            ProducerStatus.SUSPENDED,
        }
        assert count(Product) >= 80
        assert {ProductStatus.DRAFT, ProductStatus.PAUSED, ProductStatus.ARCHIVED} <= {
            p.status for p in db.session.scalars(sa.select(Product))
        }
        assert count(Product, Product.stock == 0) > 0
        assert count(Product, Product.gtin.is_not(None)) > 0


def test_every_ocop_group_has_public_products(demo: Flask, client: FlaskClient) -> None:
    with demo.app_context():
        groups = {
            group.slug: count(
                public_products().where(Product.category_id.in_(descendant_ids(group))).subquery()
            )
            for group in top_groups()
        }
    assert len(groups) == 6
    for slug, public in groups.items():
        assert public > 0, slug
        page = client.get(f"/san-pham?group={slug}").get_data(as_text=True)
        assert 'class="card"' in page, slug


def test_the_four_products_of_decision_321_are_rated_four_stars(demo: Flask) -> None:
    with demo.app_context():
        rows = db.session.execute(
            sa.select(Product.name, Producer.name, OcopRecognition.stars)
            .join(Product.recognitions)
            .join(Product.producer)
            .where(OcopRecognition.decision_number == "321/QĐ-UBND")
        ).all()
        rec = db.session.scalar(
            sa.select(OcopRecognition).where(OcopRecognition.decision_number == "321/QĐ-UBND")
        )
        assert rec.decision_date == date(2024, 8, 6)
        assert rec.valid_until == date(2027, 8, 6)
    assert sorted(rows) == sorted(
        [
            ("Bánh gai Chiêm Hoá", "HTX Đồng Lộc", 4),
            ("Chè xanh Ngọc Thuý Nõn", "HTX Sử Anh", 4),
            ("Mật ong Hương rừng", "HTX chăn nuôi ong Phong Thổ", 4),
            ("Trà Ngọc Thuý", "HTX Sử Anh", 4),
        ]
    )


def test_recognitions_follow_the_ocop_rules(demo: Flask) -> None:
    with demo.app_context():
        recognitions = db.session.scalars(sa.select(OcopRecognition)).all()
        for rec in recognitions:
            months = (rec.valid_until.year - rec.decision_date.year) * 12 + (
                rec.valid_until.month - rec.decision_date.month
            )
            assert months == 36, rec.decision_number
            assert (rec.stars == 5) == (rec.issuing_level == IssuingLevel.CENTRAL)
        assert any(r.stars == 5 for r in recognitions)
        assert any(r.review_status == ReviewStatus.PENDING for r in recognitions)


def test_expired_recognition_shows_as_expired_on_its_product_page(
    demo: Flask, client: FlaskClient
) -> None:
    today = date.today()
    with demo.app_context():
        product = db.session.scalar(
            public_products().where(
                Product.recognitions.any(
                    sa.and_(
                        OcopRecognition.review_status == ReviewStatus.APPROVED,
                        OcopRecognition.valid_until < today,
                    )
                ),
                ~Product.recognitions.any(OcopRecognition.valid_until >= today),
            )
        )
        assert product is not None
        slug = product.slug
    page = client.get(f"/san-pham/{slug}").get_data(as_text=True)
    assert "Hết hiệu lực từ" in page
    assert "Hiệu lực đến" not in page


def test_suspended_growing_area_shows_as_suspended(demo: Flask, client: FlaskClient) -> None:
    with demo.app_context():
        product = db.session.scalar(
            public_products().where(
                Product.growing_area.has(GrowingArea.status == AreaStatus.SUSPENDED)
            )
        )
        assert product is not None
        slug, code = product.slug, product.growing_area.code
    page = client.get(f"/san-pham/{slug}").get_data(as_text=True)
    assert code in page
    assert "Đang bị đình chỉ" in page
    assert "Còn hiệu lực" not in page


def test_growing_areas_lie_inside_the_province_and_lots_are_linked(demo: Flask) -> None:
    with demo.app_context():
        areas = db.session.scalars(sa.select(GrowingArea)).all()
        assert len(areas) >= 10
        for area in areas:
            # Codes keep the form they were issued in, before 2025 too (VN-HG-… for Hà Giang).
            assert area.code.startswith(("VN-TQ-", "VN-HG-"))
            assert 21.4 <= area.latitude <= 23.4 and 104.3 <= area.longitude <= 105.7
            assert area.area_slug == area.producer.area_slug
        products = db.session.scalars(sa.select(Product).where(Product.lots.any())).all()
        assert len(products) >= 10
        for product in products:
            for lot in product.lots:
                assert lot.growing_area_id == product.growing_area_id


@pytest.mark.parametrize("status", [ProducerStatus.PENDING, ProducerStatus.SUSPENDED])
def test_products_of_unverified_producers_are_not_public(
    demo: Flask, client: FlaskClient, status: ProducerStatus
) -> None:
    with demo.app_context():
        producer = db.session.scalar(sa.select(Producer).where(Producer.status == status))
        products = [(p.slug, p.name, p.status) for p in producer.products]
        area = producer.area_slug
        producer_slug = producer.slug
    assert any(status == ProductStatus.ACTIVE for _, _, status in products)
    for slug, _, _ in products:
        assert client.get(f"/san-pham/{slug}").status_code == 404
    assert client.get(f"/nha-san-xuat/{producer_slug}").status_code == 404
    listing = client.get(f"/san-pham?area={area}").get_data(as_text=True)
    assert "Hết hàng" in listing or 'class="card"' in listing
    for _, name, _ in products:
        assert f">{name}<" not in listing


def test_loading_twice_changes_nothing(demo: Flask, load_demo: Callable[..., Result]) -> None:
    with demo.app_context():
        before = table_counts()
        hashes = {u.email: u.password_hash for u in db.session.scalars(sa.select(User))}
    result = load_demo("--no-photos")
    with demo.app_context():
        assert table_counts() == before
        assert {u.email: u.password_hash for u in db.session.scalars(sa.select(User))} == hashes
    assert set(re.findall(r"\((\d+) new\)", result.output)) == {"0"}


def test_loading_again_keeps_changes_made_while_trying_the_demo(
    demo: Flask, load_demo: Callable[..., Result]
) -> None:
    with demo.app_context():
        product = db.session.scalar(sa.select(Product).where(Product.slug == "buoi-soi-ha"))
        product.price = 51000
        db.session.commit()
    load_demo("--no-photos")
    with demo.app_context():
        assert (
            db.session.scalar(sa.select(Product.price).where(Product.slug == "buoi-soi-ha"))
            == 51000
        )


def test_reset_starts_the_demo_over_and_leaves_other_data_alone(
    demo: Flask, load_demo: Callable[..., Result]
) -> None:
    with demo.app_context():
        before = table_counts()
        db.session.execute(
            sa.update(Product).where(Product.slug == "buoi-soi-ha").values(price=1, stock=0)
        )
        db.session.commit()
        own = factories.producer(name="HTX Không thuộc demo")
        factories.product(own, name="Sản phẩm thật", slug="san-pham-that")
    result = load_demo("--reset", "--no-photos")
    assert "Deleted the demo data" in result.output
    with demo.app_context():
        after = table_counts()
        assert after["products"] == before["products"] + 1
        assert after["producers"] == before["producers"] + 1
        assert after["bank_account_checks"] == before["bank_account_checks"] + 1  # its account
        assert after["delivery_rates"] == before["delivery_rates"] + 1  # its fee in its province
        own_rows = ("products", "producers", "bank_account_checks", "delivery_rates")
        assert {k: v for k, v in after.items() if k not in own_rows} == {
            k: v for k, v in before.items() if k not in own_rows
        }
        restored = db.session.scalar(sa.select(Product).where(Product.slug == "buoi-soi-ha"))
        assert (restored.price, restored.stock) == (45000, 350)
        assert count(Product, Product.slug == "san-pham-that") == 1


def test_reset_changes_nothing_when_other_records_point_at_demo_rows(
    demo: Flask, runner: FlaskCliRunner
) -> None:
    with demo.app_context():
        manager = db.session.scalar(sa.select(User).where(User.role == Role.MANAGER))
        own = factories.producer(name="HTX Không thuộc demo")
        helper = User(email="real-helper@example.vn", name="Người hỗ trợ", role=Role.HELPER)
        helper.set_password("correct horse")
        db.session.add(HelperGrant(producer=own, helper=helper, granted_by_id=manager.id))
        db.session.commit()
        before = table_counts()
    result = runner.invoke(args=["demo", "load", "--reset", "--no-photos"])
    assert result.exit_code == 1
    assert "nothing was deleted" in result.output
    with demo.app_context():
        assert table_counts() == before


def test_demo_accounts_cover_every_role_and_sign_in(demo: Flask, client: FlaskClient) -> None:
    with demo.app_context():
        users = {u.email: u for u in db.session.scalars(sa.select(User))}
        assert {u.role for u in users.values()} == set(Role)
        owner = db.session.scalar(
            sa.select(ProducerMember).where(
                ProducerMember.user_id == users["owner@choque.example"].id
            )
        )
        assert (owner.producer.name, owner.role.value) == ("HTX Sử Anh", "owner")
        staff = db.session.scalar(
            sa.select(ProducerMember).where(
                ProducerMember.user_id == users["staff@choque.example"].id
            )
        )
        assert (staff.producer.slug, staff.role.value) == ("htx-su-anh", "staff")
        grant = db.session.scalar(
            sa.select(HelperGrant).where(HelperGrant.helper_id == users["helper@choque.example"].id)
        )
        assert grant.producer.kind == ProducerKind.HOUSEHOLD
        assert grant.revoked_at is None
    for email in users:
        response = client.post(
            "/tai-khoan/dang-nhap", data={"login": email, "password": "choque-demo"}
        )
        assert response.status_code == 302, email
        client.post("/tai-khoan/dang-xuat")


def test_demo_password_comes_from_the_environment(
    app: Flask, load_demo: Callable[..., Result]
) -> None:
    load_demo("--no-photos", env={"DEMO_PASSWORD": "mat-khau-khac"})
    with app.app_context():
        admin = db.session.scalar(sa.select(User).where(User.email == "admin@choque.example"))
        assert admin.check_password("mat-khau-khac")
        assert not admin.check_password("choque-demo")


def test_demo_refuses_to_load_outside_development(app: Flask, runner: FlaskCliRunner) -> None:
    app.config["ENV_NAME"] = "production"
    result = runner.invoke(args=["demo", "load", "--no-photos"])
    assert result.exit_code == 1
    assert "--allow-production" in result.output
    with app.app_context():
        assert count(Producer) == 0 and count(User) == 0


def test_photos_are_drawn_once_and_stored_as_webp_renditions(
    app: Flask, client: FlaskClient, load_demo: Callable[..., Result]
) -> None:
    first = load_demo("--no-photos")
    assert "Loading the demo producers" in first.output
    with app.app_context():
        assert count(ProductImage) == 0
        products = count(Product)
    drawing = load_demo(*TINY_PHOTOS)
    assert f"Drawing photos for {products} products" in drawing.output  # said before the wait
    with app.app_context():
        assert count(Product, ~Product.images.any()) == 0
        product = db.session.scalar(
            sa.select(Product).where(Product.slug == "cam-sanh-ham-yen-phu-luu")
        )
        keys = [image.key for image in product.images]
        assert len(keys) == 3
        assert all("ảnh minh hoạ" in image.alt for image in product.images)
        photos = count(ProductImage)
        for key in keys:
            for rendition in images.RENDITIONS:
                data = images.read_rendition(key, rendition)
                with Image.open(io.BytesIO(data)) as picture:
                    assert picture.format == "WEBP"
    with client.get(f"/anh/{keys[0]}/card.webp") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/webp"
    page = client.get("/san-pham/cam-sanh-ham-yen-phu-luu").get_data(as_text=True)
    assert all(f"/anh/{key}/thumb.webp" in page for key in keys)
    assert 'href="#photo-3"' in page
    again = load_demo(*TINY_PHOTOS)
    assert re.search(r"photos\s+0\s+new", again.output)
    with app.app_context():
        assert count(ProductImage) == photos
