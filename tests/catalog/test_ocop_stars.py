"""Products' current OCOP stars are stored on the product row and kept current: approved,
rejected, revoked, deleted, expired; the catalog filters and sorts by them."""

from collections.abc import Callable
from datetime import date, timedelta

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from catalog.models import OcopRecognition, Product, ReviewStatus
from catalog.ocop import refresh_stars
from market.accounts.models import Role, User
from market.extensions import db
from market.markets.approvals import Decision, decide_recognition
from tests import factories


def _stars(product_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(Product.ocop_stars).where(Product.id == product_id))


def test_a_manager_approving_a_claim_gives_the_product_its_stars(
    app: Flask, make_user: Callable[..., User]
) -> None:
    manager = make_user(Role.MANAGER)
    with app.app_context():
        tea = factories.product(factories.producer(), "Chè Shan tuyết")
        claim = factories.recognition(tea, stars=4, review=ReviewStatus.PENDING)
        assert _stars(tea.id) == 0
        decide_recognition(claim.id, Decision.OCOP_APPROVE, "", db.session.merge(manager))
        assert _stars(tea.id) == 4


def test_the_highest_valid_claim_counts_and_revoking_or_deleting_it_lowers_the_stars(
    app: Flask,
) -> None:
    with app.app_context():
        tea = factories.product(factories.producer(), "Chè Shan tuyết")
        factories.recognition(tea, stars=3)
        five = factories.recognition(tea, stars=5)
        factories.recognition(tea, stars=4, decided=date.today() - timedelta(days=4 * 365))
        assert _stars(tea.id) == 5
        five.review_status = ReviewStatus.REJECTED  # revoked
        db.session.commit()
        assert _stars(tea.id) == 3
        for claim in db.session.scalars(sa.select(OcopRecognition)):
            db.session.delete(claim)
        db.session.commit()
        assert _stars(tea.id) == 0


def test_stars_drop_on_the_day_after_the_recognition_ends(
    app: Flask, runner: FlaskCliRunner
) -> None:
    with app.app_context():
        tea = factories.product(factories.producer(), "Chè Shan tuyết")
        tea_id = tea.id
        claim = factories.recognition(tea, stars=4)
        end = claim.valid_until
        assert refresh_stars(end) == 0
        assert _stars(tea_id) == 4
        assert refresh_stars(end + timedelta(days=1)) == 1
        assert _stars(tea_id) == 0
        # As if the stars were never refreshed since some change:
        db.session.execute(sa.update(Product).where(Product.id == tea_id).values(ocop_stars=5))
        db.session.commit()
    result = runner.invoke(args=["catalog", "stars", "refresh"])
    assert result.exit_code == 0, result.output
    assert "1 product(s)" in result.output
    with app.app_context():
        assert _stars(tea_id) == 4


def test_the_catalog_filters_and_sorts_by_the_stored_stars(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        maker = factories.producer()
        for name, stars in (("Miến dong", 3), ("Mật ong bạc hà", 5), ("Cam sành", 0)):
            item = factories.product(maker, name)
            if stars:
                factories.recognition(item, stars=stars)
        expired = factories.product(maker, "Bánh gai")
        factories.recognition(expired, stars=5, decided=date.today() - timedelta(days=4 * 365))
    page = client.get("/san-pham?min_stars=4").text
    assert "Mật ong bạc hà" in page
    assert "Miến dong" not in page and "Bánh gai" not in page
    page = client.get("/san-pham?sort=stars").text
    assert page.index("Mật ong bạc hà") < page.index("Miến dong") < page.index("Cam sành")
    assert 'aria-label="5-star OCOP"' in page or 'aria-label="OCOP 5 sao"' in page
