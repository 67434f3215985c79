"""The outbox: every change that matters is recorded in its own transaction and applied once."""

import gc
import logging
import shutil
import warnings
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from catalog.models import OcopRecognition, Product, ReviewStatus
from catalog.search import indexing, tantivy_backend, whoosh_backend
from catalog.search.models import OutboxEntity, SearchOutbox
from market.extensions import db
from market.i18n import local_today
from tests import factories
from tests.search.conftest import api_ids


def _last_row() -> int:
    """The newest feed row's id: what a test records happens after it."""
    return db.session.scalar(sa.select(sa.func.max(SearchOutbox.id))) or 0


def _outbox(since: int) -> list[tuple[OutboxEntity, int]]:
    return [
        tuple(row)
        for row in db.session.execute(
            sa.select(SearchOutbox.entity, SearchOutbox.entity_id)
            .where(SearchOutbox.id > since)
            .order_by(SearchOutbox.id)
        )
    ]


def test_a_change_and_its_outbox_row_commit_or_roll_back_together(app: Flask) -> None:
    with app.app_context():
        item = factories.product(factories.producer())
        since = _last_row()
        item.price = 1
        db.session.flush()
        assert _outbox(since) == [(OutboxEntity.PRODUCT, item.id)]
        db.session.rollback()
        assert _outbox(since) == []
        item.price = 2
        db.session.commit()
        assert _outbox(since) == [(OutboxEntity.PRODUCT, item.id)]


def test_only_producer_changes_search_shows_are_recorded(app: Flask) -> None:
    with app.app_context():
        maker = factories.producer()
        since = _last_row()
        maker.story = "Câu chuyện mới"
        maker.bank_holder = "NGUYEN VAN A"
        db.session.commit()
        assert _outbox(since) == []
        maker.name = "HTX Tên mới"
        db.session.commit()
        assert _outbox(since) == [(OutboxEntity.PRODUCER, maker.id)]


def test_recognitions_and_certifications_queue_their_product(app: Flask) -> None:
    with app.app_context():
        item = factories.product(factories.producer())
        since = _last_row()
        rec = factories.recognition(item, review=ReviewStatus.PENDING)
        item.certifications = ["vietgap"]
        db.session.commit()
        rec.review_status = ReviewStatus.APPROVED
        db.session.commit()
        assert set(_outbox(since)) == {(OutboxEntity.PRODUCT, item.id)}
        assert len(_outbox(since)) == 3


def test_a_bulk_stock_update_by_id_is_recorded(
    app: Flask, client: FlaskClient, catalog: dict[str, int]
) -> None:
    product_id = catalog["Bưởi Soi Hà"]
    assert product_id in api_ids(client, "buoi", in_stock=1)
    with app.app_context():
        since = _last_row()
        db.session.execute(
            sa.update(Product)
            .where(Product.id == product_id, Product.stock >= 10)
            .values(stock=Product.stock - 10)
        )
        db.session.commit()
        assert _outbox(since) == [(OutboxEntity.PRODUCT, product_id)]
    assert product_id not in api_ids(client, "buoi", in_stock=1)
    assert product_id in api_ids(client, "buoi")


def test_a_bulk_update_the_index_cannot_follow_is_logged(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    with app.app_context():
        maker = factories.producer()
        factories.product(maker)
        with caplog.at_level(logging.WARNING, logger="catalog.search.indexing"):
            db.session.execute(
                sa.update(Product).where(Product.producer_id == maker.id).values(stock=0)
            )
        db.session.commit()
    assert "flask search reindex" in caplog.text


def test_expired_ocop_stars_leave_the_star_filter(
    app: Flask, client: FlaskClient, catalog: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    product_id = catalog["Bưởi Soi Hà"]
    today = local_today()
    with app.app_context():
        rec = db.session.scalar(
            sa.select(OcopRecognition).where(OcopRecognition.product_id == product_id)
        )
        rec.valid_until = today
        db.session.commit()
    assert product_id in api_ids(client, "buoi", min_stars=3)
    tomorrow = today + timedelta(days=1)
    monkeypatch.setattr(indexing, "local_today", lambda: tomorrow)
    with app.app_context():
        assert indexing.enqueue_expired_stars(tomorrow) == 1
    assert product_id not in api_ids(client, "buoi", min_stars=3)


def test_status_shows_documents_and_pending_updates(
    app: Flask, runner: FlaskCliRunner, client: FlaskClient, catalog: dict[str, int]
) -> None:
    api_ids(client, "cam")
    with app.app_context():
        db.session.get(Product, catalog["Bưởi Soi Hà"]).price = 41_000
        db.session.commit()
    result = runner.invoke(args=["search", "status"])
    assert result.exit_code == 0, result.output
    assert "Documents in the index: 17" in result.output
    assert "Public products in the database: 17" in result.output
    assert "Pending updates: 1" in result.output


def test_reindex_rebuilds_from_the_database_with_a_progress_bar(
    app: Flask, runner: FlaskCliRunner, client: FlaskClient, catalog: dict[str, int]
) -> None:
    with app.app_context():
        db.session.get(Product, catalog["Bưởi Soi Hà"]).name = "Quýt vàng Yên Sơn"
        db.session.commit()
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Indexing products" in result.output
    assert "Indexed 20 products" in result.output
    status = runner.invoke(args=["search", "status"]).output
    assert "Documents in the index: 17" in status
    assert "Pending updates: 0" in status
    assert api_ids(client, "quyt") == [catalog["Bưởi Soi Hà"]]


def _reopened(name: str, folder: Path) -> object:
    """A fresh backend object on ``folder``, as a restarted process would have."""
    if name == "tantivy":
        return tantivy_backend.TantivyBackend(folder)
    return whoosh_backend.WhooshBackend(folder)


@pytest.mark.parametrize("backend_name", ["tantivy", "whoosh"])
def test_a_lost_embedded_index_refills_itself_from_the_database(
    app: Flask, client: FlaskClient, catalog: dict[str, int], backend_name: str
) -> None:
    assert len(api_ids(client, "mat ong")) == 2
    folder = Path(
        app.config.get("SEARCH_INDEX_DIR") or Path(app.config["INSTANCE_PATH"]) / "search"
    )
    with app.app_context():
        backend = indexing.backend()
        if isinstance(backend, whoosh_backend.WhooshBackend):
            backend.close()
    shutil.rmtree(folder)
    fresh = app.test_client()
    with app.app_context():
        app.extensions["search"] = _reopened(backend_name, folder)
    assert len(api_ids(fresh, "mat ong")) == 2


@pytest.mark.parametrize("backend_name", ["tantivy", "whoosh"])
def test_a_damaged_embedded_index_is_replaced_and_refilled(
    app: Flask, client: FlaskClient, catalog: dict[str, int], backend_name: str
) -> None:
    assert len(api_ids(client, "mat ong")) == 2
    folder = Path(
        app.config.get("SEARCH_INDEX_DIR") or Path(app.config["INSTANCE_PATH"]) / "search"
    )
    with app.app_context():
        backend = indexing.backend()
        if isinstance(backend, whoosh_backend.WhooshBackend):
            backend.close()
    for toc in [*folder.glob("*.toc"), *folder.glob("*/meta.json")]:
        toc.write_bytes(b"garbage")
    with app.app_context():
        app.extensions["search"] = _reopened(backend_name, folder)
    with warnings.catch_warnings():
        # Whoosh leaves the damaged file it failed to read unclosed.
        warnings.simplefilter("ignore", ResourceWarning)
        assert len(api_ids(client, "mat ong")) == 2
        gc.collect()


def test_a_renamed_producer_is_found_by_its_new_name_on_all_its_products(
    app: Flask, client: FlaskClient, catalog: dict[str, int]
) -> None:
    with app.app_context():
        maker = db.session.get(Product, catalog["Bánh khảo"]).producer
        maker.name = "HTX Bánh truyền thống Vĩnh Lộc"
        db.session.commit()
    assert set(api_ids(client, "banh truyen thong")) == {
        catalog["Bánh khảo"],
        catalog["Bánh gai Chiêm Hoá"],
    }
    assert api_ids(client, "dong loc") == []
