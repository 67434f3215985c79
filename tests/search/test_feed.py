"""The change feed: every index follows it from its own position, so several servers' embedded
indexes each see every change; late commits and pruning lose nothing."""

import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from catalog.models import Product
from catalog.search import feed, indexing, tantivy_backend
from catalog.search.feed import FeedPosition
from catalog.search.models import OutboxEntity, SearchOutbox
from market.dbtypes import utcnow
from market.extensions import db
from tests.search.conftest import api_ids


def _rename(app: Flask, product_id: int, name: str) -> None:
    with app.app_context():
        db.session.get(Product, product_id).name = name
        db.session.commit()


@pytest.mark.parametrize("backend_name", ["tantivy"])
def test_each_servers_index_applies_a_change_another_server_applied_first(
    app: Flask, client: FlaskClient, catalog: dict[str, int], tmp_path: Path, backend_name: str
) -> None:
    here = app.extensions["search"]
    there = tantivy_backend.TantivyBackend(tmp_path / "other-host")
    for index in (here, there):
        app.extensions["search"] = index
        assert api_ids(client, "buoi") == [catalog["Bưởi Soi Hà"]]
    _rename(app, catalog["Bưởi Soi Hà"], "Quýt vàng Yên Sơn")
    for index in (here, there):
        app.extensions["search"] = index
        assert api_ids(client, "quyt") == [catalog["Bưởi Soi Hà"]]
        with app.app_context():
            assert indexing.pending_count() == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SearchOutbox)) > 0


def test_an_id_missing_when_read_is_read_again_until_it_commits() -> None:
    position = feed.advance(FeedPosition(last=5), [6, 9])
    assert position.last == 9
    assert set(position.gaps) == {7, 8}
    later = feed.advance(position, [8, 10])
    assert later.last == 10
    assert set(later.gaps) == {7}


def test_a_gap_older_than_the_wait_is_taken_as_rolled_back() -> None:
    old = time.time() - feed.GAP_WAIT - 1
    position = FeedPosition(last=9, gaps={7: old}, saved_at=old)
    assert feed.advance(position, []).gaps == {}


def test_a_change_committed_late_with_an_earlier_id_is_applied(
    app: Flask, client: FlaskClient, catalog: dict[str, int]
) -> None:
    product_id = catalog["Bưởi Soi Hà"]
    assert api_ids(client, "buoi") == [product_id]
    with app.app_context():
        backend = indexing.backend()
        position = backend.read_position(db.session)
        late = position.last + 1
        # The index read past an id whose transaction had not committed yet.
        backend.save_position(db.session, feed.advance(position, [late + 1]))
        db.session.commit()
        db.session.get(Product, product_id).name = "Quýt vàng Yên Sơn"
        db.session.flush()
        db.session.execute(
            sa.update(SearchOutbox).where(SearchOutbox.id > position.last).values(id=late)
        )
        db.session.commit()
    assert api_ids(client, "quyt") == [product_id]


def test_pruning_keeps_recent_rows_and_the_newest(app: Flask, catalog: dict[str, int]) -> None:
    with app.app_context():
        old = utcnow() - timedelta(days=30)
        db.session.execute(sa.update(SearchOutbox).values(created_at=old))
        db.session.execute(
            sa.insert(SearchOutbox),
            [{"entity": OutboxEntity.PRODUCT, "entity_id": catalog["Bưởi Soi Hà"]}],
        )
        db.session.commit()
        newest = db.session.scalar(sa.select(sa.func.max(SearchOutbox.id)))
        assert indexing.prune_feed() > 0
        assert list(db.session.scalars(sa.select(SearchOutbox.id))) == [newest]


def test_an_index_idle_longer_than_the_retention_rebuilds_itself(
    app: Flask, client: FlaskClient, catalog: dict[str, int]
) -> None:
    assert api_ids(client, "buoi") == [catalog["Bưởi Soi Hà"]]
    with app.app_context():
        backend = indexing.backend()
        position = backend.read_position(db.session)
        idle = time.time() - timedelta(hours=200).total_seconds()
        backend.save_position(db.session, replace(position, saved_at=idle))
        db.session.commit()
        assert indexing.apply_pending() == 20
        assert not backend.read_position(db.session).stale(timedelta(hours=1))
