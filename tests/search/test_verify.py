"""`flask search verify` finds documents that differ from the database; --repair rewrites them."""

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner

from catalog.models import Producer, Product
from catalog.search import indexing
from catalog.search.documents import documents_of
from market.extensions import db
from market.i18n import local_today
from tests.search.conftest import api_ids


def _index_behind_the_database(app: Flask, product_id: int) -> None:
    """Change a product and its producer, and lose their outbox rows (a missed update)."""
    with app.app_context():
        product = db.session.get(Product, product_id)
        product.name = "Quýt vàng Yên Sơn"
        db.session.execute(sa.text("DELETE FROM search_outbox"))
        db.session.commit()
        db.session.execute(sa.text("DELETE FROM search_outbox"))
        db.session.commit()


def test_verify_finds_a_stale_document_and_repair_rewrites_it(
    app: Flask, runner: FlaskCliRunner, client, catalog: dict[str, int]
) -> None:
    product_id = catalog["Bưởi Soi Hà"]
    with app.app_context():
        indexing.apply_pending()
    _index_behind_the_database(app, product_id)
    assert api_ids(client, "quyt vang") == []
    found = runner.invoke(args=["search", "verify"])
    assert found.exit_code == 1
    assert f"Checked {len(catalog)} products: 1 stale, 0 missing, 0 extra" in found.output
    repaired = runner.invoke(args=["search", "verify", "--repair"])
    assert "Repaired 1 document(s)." in repaired.output
    assert api_ids(client, "quyt vang") == [product_id]
    clean = runner.invoke(args=["search", "verify"])
    assert clean.exit_code == 0 and "0 stale, 0 missing, 0 extra" in clean.output


def test_a_version_changes_with_anything_the_document_shows(
    app: Flask, catalog: dict[str, int]
) -> None:
    with app.app_context():
        product = db.session.get(Product, catalog["Bưởi Soi Hà"])
        today = local_today()
        before = documents_of(db.session, [product.id], today)[0].version
        assert documents_of(db.session, [product.id], today)[0].version == before
        db.session.get(Producer, product.producer_id).name = "HTX Mới"
        assert documents_of(db.session, [product.id], today)[0].version != before


def test_verify_runs_on_the_schedule_with_repair(app: Flask, catalog: dict[str, int]) -> None:
    from market.jobs import enqueue

    product_id = catalog["Bưởi Soi Hà"]
    with app.app_context():
        indexing.apply_pending()
    _index_behind_the_database(app, product_id)
    with app.app_context():
        enqueue("catalog.search_verify")
        db.session.commit()  # eager in tests: the job runs after this commit
        assert (
            dict(indexing.backend().versions())[product_id]
            == documents_of(db.session, [product_id], local_today())[0].version
        )
