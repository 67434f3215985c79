"""Storefront under load: home, a filtered catalog page and product pages at 10,000 products.

    python -m bench.catalog_bench [--products N] [--requests N] [--database-url URL]

Loads a fresh database (SQLite in a temporary folder by default, or a throwaway schema on the
PostgreSQL database given), serves it with gunicorn (2 sync workers, production settings), drives
each page from a separate load-generator process and prints requests/s and p50/p95 latency beside
a trivial Flask route served by the same workers in the same run. Target (issue #15): the
filtered catalog page's p95 at most 20 ms and at most 10 times the trivial route's, at 10,000
products.

Anonymous pages are cached whole for ``PAGE_CACHE_SECONDS``; the filtered page is measured as
visitors meet it (the same URL again and again: served from the cache after the first request)
and uncached (every request a URL not asked before, the same products: what rendering costs).
No background worker runs beside the server, so nothing fills the search index from all 10,000
products while the pages are being measured (no catalog page reads the index).
"""

import argparse
import time

import sqlalchemy as sa
from flask_migrate import upgrade

from bench.catalog_data import load_catalog
from bench.harness import (
    fresh_database,
    gunicorn,
    loading_app,
    machine_note,
    measure,
    print_report,
    refresh_statistics,
    server_environment,
)
from bench.trivial_app import TRIVIAL_PATH
from catalog.listing import public_products
from catalog.models import Category, Product
from market import places
from market.extensions import db

TARGET_P95_MS = 20.0
TARGET_RATIO = 10.0
CATALOG = "filtered catalog page"
UNCACHED = "filtered page, uncached"
TRIVIAL = "trivial Flask route"


def pages_to_measure(product_sample: int = 200, unique: int = 0) -> list[tuple[str, list[str]]]:
    """The URLs of each measured page; product pages rotate over many public products, and
    the uncached filtered page over ``unique`` URLs (a price floor below every price)."""
    food = db.session.scalar(sa.select(Category.slug).where(Category.code == "I"))
    area = places.area("ham-yen")
    assert food is not None and area is not None
    slugs = db.session.scalars(
        public_products().with_only_columns(Product.slug).order_by(Product.id).limit(product_sample)
    ).all()
    filtered = f"/san-pham?group={food}&area={area.slug}&min_stars=3&sort=price_asc"
    return [
        ("home page", ["/"]),
        (CATALOG, [filtered]),
        (UNCACHED, [f"{filtered}&price_min={n}" for n in range(1, unique + 1)]),
        ("product page", [f"/san-pham/{slug}" for slug in slugs]),
        (TRIVIAL, [TRIVIAL_PATH]),
    ]


def main(argv: list[str] | None = None) -> int:
    """Load, serve, measure, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=400, help="measured requests per page")
    parser.add_argument("--concurrency", type=int, default=2, help="load-generator threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--max-seconds", type=float, default=30.0, help="time cap per page")
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a temporary SQLite)")
    args = parser.parse_args(argv)

    with fresh_database(args.database_url) as database:
        print(f"database: {database.url.split('?')[0].rsplit('@', 1)[-1]}")
        started = time.perf_counter()
        app = loading_app(database)
        with app.app_context():
            upgrade()
            counts = load_catalog(args.products)
            refresh_statistics()
            pages = pages_to_measure(unique=args.requests)
            db.engine.dispose()
        print(
            "loaded "
            + ", ".join(f"{n:,} {what}" for what, n in counts.items())
            + f" in {time.perf_counter() - started:.1f} s"
        )
        print(f"machine: {machine_note()}")
        print(
            f"gunicorn: {args.workers} workers; load: {args.requests} requests per page, "
            f"{args.concurrency} connections, from a separate process"
        )
        environment = server_environment(database)
        with gunicorn(environment, workers=args.workers) as port:
            rows = [
                (
                    label,
                    measure(
                        port,
                        paths,
                        args.requests,
                        args.concurrency,
                        args.max_seconds,
                        warmup=0 if label == UNCACHED else 20,  # every URL once, none warmed
                    ),
                )
                for label, paths in pages
            ]
        print_report(rows, baseline=TRIVIAL)
        print(f"machine after: {machine_note()}")

    found = dict(rows)
    trivial_p95 = found[TRIVIAL].p95_ms
    for label in (CATALOG, UNCACHED):
        p95 = found[label].p95_ms
        ratio = p95 / trivial_p95 if trivial_p95 else float("inf")
        verdict = "met" if p95 <= TARGET_P95_MS and ratio <= TARGET_RATIO else "MISSED"
        print(
            f"target {verdict}: {label} p95 {p95:.1f} ms, {ratio:.1f}× the trivial route "
            f"(target ≤ {TARGET_P95_MS:.0f} ms and ≤ {TARGET_RATIO:.0f}× at 10,000 products; "
            f"this run: {args.products:,})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
