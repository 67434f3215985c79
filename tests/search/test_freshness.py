"""Changes reach search at once, across processes, without losing an update or failing a search."""

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from catalog.models import Producer, ProducerStatus, Product, ProductStatus
from catalog.search import indexing
from catalog.search.backend import SearchRequest
from catalog.search.plan import plan_query
from market.extensions import db
from market.jobs.worker import Worker
from tests import factories
from tests.search.conftest import api_ids
from tests.servers import wait_for

ROOT = Path(__file__).resolve().parents[2]


def _worker(app_config: dict, action: str, arg: str = "", **options: object) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.search.worker", action, json.dumps(app_config), arg],
        cwd=ROOT,
        text=True,
        **options,
    )


def _run(app_config: dict, action: str, arg: str = "") -> None:
    assert _worker(app_config, action, arg).wait(timeout=60) == 0


def _pending(app: Flask) -> int:
    with app.app_context():
        return indexing.pending_count()


@pytest.mark.parametrize(
    ("change", "found"),
    [
        ({"name": "Quýt vàng tứ quý Yên Sơn"}, True),
        ({"status": ProductStatus.PAUSED}, False),
        ({"status": ProductStatus.ARCHIVED}, False),
        ({"status": ProductStatus.DRAFT}, False),
    ],
)
def test_an_edited_product_shows_as_it_is_now_on_the_next_search(
    app: Flask, client: FlaskClient, catalog: dict[str, int], change: dict, found: bool
) -> None:
    product_id = catalog["Bưởi Soi Hà"]
    assert product_id in api_ids(client, "buoi")
    with app.app_context():
        product = db.session.get(Product, product_id)
        for key, value in change.items():
            setattr(product, key, value)
        db.session.commit()
    query = "quyt vang tu quy" if "name" in change else "buoi"
    assert api_ids(client, query) == ([product_id] if found else [])
    # The old version is gone (the producer's name still says "Bưởi").
    assert api_ids(client, "buoi").count(product_id) == (1 if found else 0)


def test_a_new_product_is_found_at_once(
    app: Flask, client: FlaskClient, catalog: dict[str, int]
) -> None:
    with app.app_context():
        maker = db.session.scalar(sa.select(Producer).where(Producer.name == "HTX Sử Anh"))
        new = factories.product(maker, name="Hồng không hạt Xuân Vân").id
    assert api_ids(client, "hong khong hat") == [new]


def test_a_producer_suspended_in_another_process_disappears_from_results(
    app: Flask, app_config: dict, client: FlaskClient, catalog: dict[str, int]
) -> None:
    assert len(api_ids(client, "mat ong")) >= 2
    with app.app_context():
        maker_id = db.session.get(Product, catalog["Mật ong bạc hà"]).producer_id
    _run(app_config, "suspend", str(maker_id))
    assert set(api_ids(client, "mat ong")).isdisjoint(
        {catalog["Mật ong bạc hà"], catalog["Mật ong Hương rừng"]}
    )


def test_a_change_committed_by_another_process_is_found_without_restart(
    app_config: dict, client: FlaskClient, catalog: dict[str, int]
) -> None:
    assert api_ids(client, "buoi") == [catalog["Bưởi Soi Hà"]]
    _run(app_config, "rename", f"{catalog['Bưởi Soi Hà']}:Quýt vàng Yên Sơn")
    assert api_ids(client, "quyt") == [catalog["Bưởi Soi Hà"]]


def test_an_index_update_applied_by_another_process_reaches_this_one(
    app: Flask, app_config: dict, client: FlaskClient, catalog: dict[str, int]
) -> None:
    assert api_ids(client, "buoi") == [catalog["Bưởi Soi Hà"]]
    _run(app_config, "rename-and-apply", f"{catalog['Bưởi Soi Hà']}:Quýt vàng Yên Sơn")
    assert _pending(app) == 0
    assert api_ids(client, "quyt") == [catalog["Bưởi Soi Hà"]]


def test_a_busy_writer_neither_fails_a_search_nor_loses_the_update(
    app: Flask, app_config: dict, client: FlaskClient, catalog: dict[str, int]
) -> None:
    assert api_ids(client, "buoi") == [catalog["Bưởi Soi Hà"]]
    holder = _worker(app_config, "hold-writer", stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline().strip() == "holding"
        with app.app_context():
            db.session.get(Product, catalog["Bưởi Soi Hà"]).name = "Quýt vàng Yên Sơn"
            db.session.commit()
        assert api_ids(client, "quyt") == []
        assert _pending(app) == 1
    finally:
        holder.communicate("release\n", timeout=60)
    assert holder.returncode == 0
    assert api_ids(client, "quyt") == [catalog["Bưởi Soi Hà"]]
    assert _pending(app) == 0


def test_a_process_dying_mid_write_loses_no_update(
    app: Flask, app_config: dict, client: FlaskClient, catalog: dict[str, int]
) -> None:
    assert api_ids(client, "buoi") == [catalog["Bưởi Soi Hà"]]
    with app.app_context():
        db.session.get(Product, catalog["Bưởi Soi Hà"]).name = "Quýt vàng Yên Sơn"
        db.session.commit()
    assert _worker(app_config, "die-mid-apply").wait(timeout=60) == 3
    assert _pending(app) == 1
    assert api_ids(client, "quyt") == [catalog["Bưởi Soi Hà"]]
    assert _pending(app) == 0


def test_a_failing_index_write_keeps_the_change_and_the_search_answers(
    app: Flask, client: FlaskClient, catalog: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert api_ids(client, "buoi") == [catalog["Bưởi Soi Hà"]]
    with app.app_context():
        db.session.get(Product, catalog["Bưởi Soi Hà"]).name = "Quýt vàng Yên Sơn"
        db.session.commit()

    def broken(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(indexing, "write_products", broken)
    assert api_ids(client, "buoi") == [catalog["Bưởi Soi Hà"]]
    assert _pending(app) == 1
    monkeypatch.undo()
    assert api_ids(client, "quyt") == [catalog["Bưởi Soi Hà"]]


def test_a_running_worker_applies_another_process_change_with_no_search_asking(
    app: Flask, app_config: dict, catalog: dict[str, int]
) -> None:
    """How soon is measured by ``bench/freshness_bench.py``; here only that it gets there."""
    with app.app_context():
        indexing.apply_pending()
    worker = Worker(app, poll_seconds=0.05)
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    try:
        _run(app_config, "rename", f"{catalog['Bưởi Soi Hà']}:Quýt vàng Yên Sơn")
        with app.app_context():
            backend = indexing.backend()

            def found() -> list[int]:
                # Straight to the index: with JOBS_EAGER a search through the app applies it.
                plan = plan_query("quyt", backend)
                ids = backend.search(SearchRequest(text="quyt", facets=False), plan).ids
                db.session.rollback()
                return ids

            wait_for(found, seconds=30, what="the worker to apply the rename")
            assert found() == [catalog["Bưởi Soi Hà"]]
    finally:
        worker.stopping.set()
        thread.join(timeout=10)


def test_a_suspended_producer_in_this_process_is_gone_too(
    app: Flask, client: FlaskClient, catalog: dict[str, int]
) -> None:
    with app.app_context():
        maker = db.session.get(Product, catalog["Miến dong Na Hang"]).producer
        maker.status = ProducerStatus.SUSPENDED
        db.session.commit()
    assert api_ids(client, "na hang") == [catalog["Chè Shan tuyết Na Hang"]]
