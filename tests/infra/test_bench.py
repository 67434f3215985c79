"""The benchmark's own parts work: bulk data, page choice, load generator, discovery."""

import threading
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from bench import loadgen
from bench.__main__ import discover
from bench.catalog_bench import CATALOG, TRIVIAL, pages_to_measure
from bench.catalog_data import load_catalog
from bench.trivial_app import TRIVIAL_PATH
from catalog.listing import public_products
from catalog.models import Product
from market.extensions import db


def test_bulk_catalog_is_realistic_and_mostly_public(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        counts = load_catalog(300, seed=1)
        assert counts["products"] == 300
        assert counts["producers"] == 10
        public = db.session.scalar(
            sa.select(sa.func.count()).select_from(public_products().subquery())
        )
        assert 200 < public < 300
        slugs = db.session.scalars(sa.select(Product.slug)).all()
        assert len(set(slugs)) == 300
        names = db.session.scalars(sa.select(Product.name).limit(50)).all()
        assert any("ư" in name or "ơ" in name or "ô" in name for name in names)
        pages = dict(pages_to_measure(product_sample=5))
    assert len(pages["product page"]) == 5
    assert pages[TRIVIAL] == [TRIVIAL_PATH]
    for label, paths in pages.items():
        if label == TRIVIAL:
            continue
        for path in paths:
            assert client.get(path).status_code == 200, path
    listing = client.get(pages[CATALOG][0]).get_data(as_text=True)
    assert "Bộ lọc đó đã được bỏ qua" not in listing


@pytest.mark.parametrize(
    ("fraction", "expected"), [(0.5, 50.0), (0.95, 95.0), (0.99, 99.0), (1.0, 100.0), (0.0, 1.0)]
)
def test_percentiles_use_the_nearest_rank(fraction: float, expected: float) -> None:
    values = [float(n) for n in range(1, 101)]
    assert loadgen.percentile(values, fraction) == expected


def test_percentile_of_nothing_is_zero() -> None:
    assert loadgen.percentile([], 0.95) == 0.0


@pytest.fixture
def tiny_server() -> Iterator[int]:
    """A WSGI app on 127.0.0.1 answering 200 on /ok and 404 elsewhere; yields its port."""

    @Request.application
    def application(request: Request) -> Response:
        return Response("ok", status=200 if request.path == "/ok" else 404)

    server = make_server("127.0.0.1", 0, application, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_load_generator_makes_exactly_the_requested_number_of_requests(tiny_server: int) -> None:
    result = loadgen.run_load(tiny_server, ["/ok", "/missing"], requests=30, concurrency=3)
    assert result.requests == 30
    assert result.errors == 15
    assert result.rps > 0
    assert 0 < result.p50_ms <= result.p95_ms <= result.p99_ms <= result.max_ms


def test_load_generator_command_prints_json_and_refuses_other_hosts(
    tiny_server: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert loadgen.main(["--port", str(tiny_server), "--requests", "5", "/ok"]) == 0
    assert '"requests": 5' in capsys.readouterr().out
    with pytest.raises(SystemExit):
        loadgen.main(["--port", str(tiny_server), "http://example.com/"])


def test_make_bench_discovers_every_benchmark_module_and_no_helper() -> None:
    modules = discover()
    assert "bench.catalog_bench" in modules
    assert all(module.endswith("_bench") for module in modules)
