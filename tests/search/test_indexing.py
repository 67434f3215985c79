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
from catalog.search import indexing, postgres_backend, whoosh_backend
from catalog.search.models import OutboxEntity, SearchOutbox
from catalog.storefront import local_today
from market.extensions import db
from tests import factories
from tests.search.conftest import api_ids


def _outbox() -> list[tuple[OutboxEntity, int]]:
    return [
        tuple(row)
        for row in db.session.execute(
            sa.select(SearchOutbox.entity, SearchOutbox.entity_id).order_by(SearchOutbox.id)
        )
    ]


def _clear_outbox() -> None:
    db.session.execute(sa.delete(SearchOutbox))
    db.session.commit()


def test_a_change_and_its_outbox_row_commit_or_roll_back_together(app: Flask) -> None:
    with app.app_context():
        item = factories.product(factories.producer())
        _clear_outbox()
        item.price = 1
        db.session.flush()
        assert _outbox() == [(OutboxEntity.PRODUCT, item.id)]
        db.session.rollback()
        assert _outbox() == []
        item.price = 2
        db.session.commit()
        assert _outbox() == [(OutboxEntity.PRODUCT, item.id)]


def test_only_producer_changes_search_shows_are_recorded(app: Flask) -> None:
    with app.app_context():
        maker = factories.producer()
        _clear_outbox()
        maker.story = "Câu chuyện mới"
        maker.bank_holder = "NGUYEN VAN A"
        db.session.commit()
        assert _outbox() == []
        maker.name = "HTX Tên mới"
        db.session.commit()
        assert _outbox() == [(OutboxEntity.PRODUCER, maker.id)]


def test_recognitions_and_certifications_queue_their_product(app: Flask) -> None:
    with app.app_context():
        item = factories.product(factories.producer())
        _clear_outbox()
        rec = factories.recognition(item, review=ReviewStatus.PENDING)
        item.certifications = ["vietgap"]
        db.session.commit()
        rec.review_status = ReviewStatus.APPROVED
        db.session.commit()
        assert set(_outbox()) == {(OutboxEntity.PRODUCT, item.id)}
        assert len(_outbox()) == 3


def test_a_bulk_stock_update_by_id_is_recorded(
    app: Flask, client: FlaskClient, catalog: dict[str, int]
) -> None:
    product_id = catalog["Bưởi Soi Hà"]
    assert product_id in api_ids(client, "buoi", in_stock=1)
    with app.app_context():
        _clear_outbox()
        db.session.execute(
            sa.update(Product)
            .where(Product.id == product_id, Product.stock >= 10)
            .values(stock=Product.stock - 10)
        )
        db.session.commit()
        assert _outbox() == [(OutboxEntity.PRODUCT, product_id)]
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
    for module in (indexing, postgres_backend):
        monkeypatch.setattr(module, "local_today", lambda: tomorrow)
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


@pytest.mark.parametrize("backend_name", ["whoosh"])
def test_a_lost_whoosh_index_refills_itself_from_the_database(
    app: Flask, client: FlaskClient, catalog: dict[str, int], backend_name: str
) -> None:
    assert len(api_ids(client, "mat ong")) == 3
    with app.app_context():
        backend = indexing.backend()
        assert isinstance(backend, whoosh_backend.WhooshBackend)
        folder = Path(backend.directory)
        backend.close()
        _clear_outbox()
    shutil.rmtree(folder)
    fresh = app.test_client()
    with app.app_context():
        app.extensions["search"] = whoosh_backend.WhooshBackend(folder)
    assert len(api_ids(fresh, "mat ong")) == 3


@pytest.mark.parametrize("backend_name", ["whoosh"])
def test_a_damaged_whoosh_index_is_replaced_and_refilled(
    app: Flask, client: FlaskClient, catalog: dict[str, int], backend_name: str
) -> None:
    assert len(api_ids(client, "mat ong")) == 3
    with app.app_context():
        folder = Path(indexing.backend().directory)
        indexing.backend().close()
    for toc in folder.glob("*.toc"):
        toc.write_bytes(b"garbage")
    with app.app_context():
        app.extensions["search"] = whoosh_backend.WhooshBackend(folder)
    with warnings.catch_warnings():
        # Whoosh leaves the damaged file it failed to read unclosed.
        warnings.simplefilter("ignore", ResourceWarning)
        assert len(api_ids(client, "mat ong")) == 3
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
