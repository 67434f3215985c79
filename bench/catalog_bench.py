"""Storefront under load: home, a filtered catalog page and product pages at 10,000 products.

    python -m bench.catalog_bench [--products N] [--requests N] [--database-url URL]

Loads a fresh database (SQLite in a temporary folder by default, or a throwaway schema on the
PostgreSQL database given), serves it with gunicorn (2 sync workers, production settings), drives
each page from a separate load-generator process and prints requests/s and p50/p95 latency beside
a trivial Flask route served by the same workers in the same run. Target: the filtered catalog
page's p95 under 100 ms at 10,000 products.
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

TARGET_P95_MS = 100.0
CATALOG = "filtered catalog page"
TRIVIAL = "trivial Flask route"


def pages_to_measure(product_sample: int = 200) -> list[tuple[str, list[str]]]:
    """The URLs of each measured page; product pages rotate over many public products."""
    food = db.session.scalar(sa.select(Category.slug).where(Category.code == "I"))
    district = places.district("074")
    assert food is not None and district is not None
    slugs = db.session.scalars(
        public_products().with_only_columns(Product.slug).order_by(Product.id).limit(product_sample)
    ).all()
    filtered = f"/san-pham?group={food}&district={district.slug}&min_stars=3&sort=price_asc"
    return [
        ("home page", ["/"]),
        (CATALOG, [filtered]),
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
            pages = pages_to_measure()
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
        with gunicorn(server_environment(database), workers=args.workers) as port:
            rows = [
                (label, measure(port, paths, args.requests, args.concurrency, args.max_seconds))
                for label, paths in pages
            ]
        print_report(rows, baseline=TRIVIAL)
        print(f"machine after: {machine_note()}")

    catalog_p95 = dict(rows)[CATALOG].p95_ms
    verdict = "met" if catalog_p95 < TARGET_P95_MS else "MISSED"
    print(
        f"target {verdict}: {CATALOG} p95 {catalog_p95:.1f} ms "
        f"(target < {TARGET_P95_MS:.0f} ms at 10,000 products; this run: {args.products:,})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
