"""Search benchmark: Whoosh (the default backend) beside SQLite FTS5 over pre-folded text.

    python -m bench.search_bench [--products 100000] [--rounds 5] [--seed 7]
                                 [--postgres postgresql+psycopg://.../scratch]

Generates Vietnamese products from the real names of Tuyên Quang (shared domain notes) with
variations, then, each engine in its own process so memory is its own:

* Whoosh: the app's real full reindex (``catalog.search.indexing.rebuild``), then the app's
  query path (plan with typo fixes + search + facet counts) for a fixed mixed query set;
* FTS5: the same documents folded in Python into an FTS5 table, and the same query plans run
  as MATCH expressions with the same facet counts in SQL — the native-speed reference.

Prints build time, peak RSS, p50/p95 per query kind for both, and the Whoosh/FTS5 ratios.
With ``--postgres`` (an empty scratch database: its tables are dropped and recreated), the same
catalog is also loaded there and measured through the PostgreSQL backend, the scale-out choice.
"""

import argparse
import multiprocessing
import random
import resource
import sqlite3
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

# (name, category code, unit, base price in đồng)
BASE_PRODUCTS = [
    ("Cam sành", "I.1.a", "kg", 35_000),
    ("Bưởi Soi Hà", "I.1.a", "quả", 40_000),
    ("Bưởi Xuân Vân", "I.1.a", "quả", 35_000),
    ("Chè Shan tuyết", "I.5.a", "hộp", 300_000),
    ("Chè xanh Ngọc Thuý Nõn", "I.5.a", "hộp", 150_000),
    ("Trà Ngọc Thuý", "I.5.a", "hộp", 120_000),
    ("Bánh gai", "I.3.b", "chiếc", 8_000),
    ("Mật ong Hương rừng", "I.2.b", "chai", 280_000),
    ("Mật ong bạc hà", "I.2.b", "chai", 350_000),
    ("Rượu ngô men lá", "II.1.a", "chai", 150_000),
    ("Dưa lưới", "I.1.a", "kg", 55_000),
    ("Hồng không hạt", "I.1.a", "kg", 60_000),
    ("Thịt trâu gác bếp", "I.3.d", "kg", 900_000),
    ("Miến dong", "I.3.b", "kg", 70_000),
    ("Măng rừng", "I.3.c", "kg", 90_000),
    ("Gạo nếp cái hoa vàng", "I.2.a", "kg", 45_000),
    ("Bún ngũ sắc", "I.3.b", "kg", 60_000),
    ("Bánh khảo", "I.3.b", "hộp", 50_000),
    ("Cá đặc sản sông Lô", "I.1.b", "kg", 180_000),
    ("Chè búp tươi", "I.5.a", "kg", 80_000),
]
GRADES = ["", "loại 1", "đặc biệt", "hữu cơ", "sấy khô", "tươi", "nguyên chất", "truyền thống"]
PACKS = ["", "hộp 500g", "túi 1kg", "chai 500ml", "hộp quà", "bó 2kg", "gói 200g", "thùng 5kg"]
SENTENCES = [
    "Thu hái đúng vụ, đóng gói cẩn thận.",
    "Sản phẩm đạt chứng nhận OCOP của tỉnh.",
    "Giao hàng tận nơi trong tỉnh Tuyên Quang.",
    "Hương vị đậm đà, thích hợp làm quà biếu.",
    "Canh tác theo hướng hữu cơ, không dùng thuốc trừ sâu.",
    "Bảo quản nơi khô ráo, thoáng mát.",
]
SURNAMES = ["Nguyễn", "Trần", "Ma", "Hoàng", "Nông", "Lý", "Triệu", "Đặng", "Phạm", "Lê"]
GIVEN = ["Văn An", "Thị Hoa", "Văn Thắng", "Thị Lan", "Đức Minh", "Thị Hương", "Văn Dũng"]
KINDS = ["HTX", "Hợp tác xã", "Tổ hợp tác", "Hộ kinh doanh", "Công ty TNHH"]

# The fixed mixed query set: kind -> (text, filters as URL args) ...
QUERIES: dict[str, list[tuple[str, dict[str, str]]]] = {
    "plain": [("cam", {}), ("buoi", {}), ("ruou", {}), ("gao", {}), ("che", {})],
    "multi-word": [
        ("cam sanh ham yen", {}),
        ("che shan tuyet na hang", {}),
        ("mat ong rung", {}),
        ("thit trau gac bep", {}),
        ("gao nep cai hoa vang", {}),
    ],
    "filtered+facets": [
        ("mat ong", {"district": "na-hang", "min_stars": "3"}),
        ("cam sanh", {"in_stock": "1", "price_max": "100000"}),
        ("che", {"cert": "organic"}),
        ("", {"district": "ham-yen", "min_stars": "4"}),
        ("banh", {"group": "i-thuc-pham", "sort": "price_asc"}),
    ],
    "typo": [
        ("mein dong", {}),
        ("che shna tuyet", {}),
        ("bnah gai", {}),
        ("cma sanh ham yen", {}),
        ("mta ong rung", {}),
    ],
    "prefix": [("buo", {}), ("mien d", {}), ("che sh", {}), ("dua l", {}), ("thit tr", {})],
}


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


@dataclass
class Timings:
    """Latencies (ms) per query kind."""

    by_kind: dict[str, list[float]] = field(default_factory=dict)

    def add(self, kind: str, ms: float) -> None:
        self.by_kind.setdefault(kind, []).append(ms)

    def summary(self) -> dict[str, tuple[float, float]]:
        return {k: (_percentile(v, 0.5), _percentile(v, 0.95)) for k, v in self.by_kind.items()}


def _app(workdir: Path, database_url: str | None = None, backend: str = "whoosh"):
    from market import create_app

    return create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{workdir / 'bench.sqlite3'}",
            "INSTANCE_PATH": str(workdir),
            "SEARCH_BACKEND": backend,
            "SEARCH_INDEX_DIR": str(workdir / "whoosh"),
            "SEARCH_SYNC_INTERVAL": 0,
            "TESTING": True,
        }
    )


# -- data -------------------------------------------------------------------------------


def generate(workdir: Path, count: int, seed: int, database_url: str | None = None) -> None:
    """Create the database and ``count`` public products with producers and OCOP ratings."""
    import sqlalchemy as sa

    from catalog.categories import sync_categories
    from catalog.models import (
        Category,
        OcopRecognition,
        Producer,
        Product,
        ProductCertification,
    )
    from market import places
    from market.extensions import db

    rng = random.Random(seed)
    app = _app(workdir, database_url)
    with app.app_context():
        if database_url:
            db.drop_all()
        db.create_all()
        sync_categories()
        categories = {c.code: c.id for c in db.session.scalars(sa.select(Category))}
        districts = places.districts()
        producers = []
        for n in range(1, max(10, count // 40) + 1):
            district = rng.choice(districts)
            commune = rng.choice(district.communes)
            if rng.random() < 0.4:
                name = f"Hộ kinh doanh {rng.choice(SURNAMES)} {rng.choice(GIVEN)}"
            else:
                base = rng.choice(BASE_PRODUCTS)[0]
                name = f"{rng.choice(KINDS)} {base} {commune.name}"
            producers.append(
                {
                    "id": n,
                    "slug": f"nsx-{n}",
                    "name": name,
                    "kind": "htx",
                    "district_code": district.code,
                    "commune_code": commune.code,
                    "address": "",
                    "phone": "",
                    "story": "",
                    "status": "verified",
                    "status_reason": "",
                    "created_at": _now(),
                }
            )
        db.session.execute(sa.insert(Producer), producers)
        products, ratings, certs = [], [], []
        for n in range(1, count + 1):
            base, code, unit, price = rng.choice(BASE_PRODUCTS)
            maker = rng.choice(producers)
            district = places.district(maker["district_code"])
            words = [base, rng.choice(GRADES), rng.choice([district.short_name, "", ""])]
            name = " ".join(w for w in [*words, rng.choice(PACKS)] if w)
            description = (
                f"{name} của {maker['name']}, sản xuất tại "
                f"{places.commune_name(district.code, maker['commune_code'])}, "
                f"{district.name}. {rng.choice(SENTENCES)} {rng.choice(SENTENCES)}"
            )
            products.append(
                {
                    "id": n,
                    "producer_id": maker["id"],
                    "slug": f"sp-{n}",
                    "name": name,
                    "category_id": categories[code],
                    "unit": unit,
                    "price": int(price * rng.uniform(0.6, 1.8)) // 1000 * 1000,
                    "stock": rng.choice([0, 5, 20, 100]),
                    "status": "active",
                    "description": description,
                    "created_at": _now() - timedelta(minutes=n),
                    "updated_at": _now(),
                }
            )
            if rng.random() < 0.2:
                decided = date.today() - timedelta(days=rng.randint(10, 1500))
                ratings.append(
                    {
                        "product_id": n,
                        "stars": rng.choice([3, 3, 4, 4, 5]),
                        "decision_number": f"{n}/QĐ-UBND",
                        "decision_date": decided,
                        "issuing_level": "province",
                        "valid_until": decided + timedelta(days=3 * 365),
                        "review_status": "approved",
                        "review_reason": "",
                        "created_at": _now(),
                    }
                )
            if rng.random() < 0.15:
                certs.append({"product_id": n, "code": rng.choice(["vietgap", "organic"])})
        for chunk in range(0, len(products), 5000):
            db.session.execute(sa.insert(Product), products[chunk : chunk + 5000])
        if ratings:
            db.session.execute(sa.insert(OcopRecognition), ratings)
        if certs:
            db.session.execute(sa.insert(ProductCertification), certs)
        db.session.commit()
        db.engine.dispose()


def _now():
    from market.dbtypes import utcnow

    return utcnow()


# -- Whoosh, through the application's own code -----------------------------------------


def app_phase(
    workdir: Path, rounds: int, database_url: str | None = None, backend: str = "whoosh"
) -> dict:
    """Full reindex with the app's command path, then the app's query path."""
    import sqlalchemy as sa
    from werkzeug.datastructures import MultiDict

    from catalog.search import indexing
    from catalog.search.params import parse_search
    from catalog.search.plan import plan_query
    from market.extensions import db

    app = _app(workdir, database_url, backend)
    with app.app_context():
        baseline = _rss_mb()
        started = time.perf_counter()
        indexed = indexing.rebuild()
        if database_url:  # fresh statistics, as autovacuum keeps them on a live database
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        build = time.perf_counter() - started
        backend = indexing.backend()
        searches = []
        for kind, queries in QUERIES.items():
            for text, args in queries:
                request, errors = parse_search(MultiDict({"q": text, **args}), per_page=24)
                assert not errors, errors
                searches.append((kind, request))

        def run(kind: str, request: object) -> None:
            if kind == "prefix":
                plan = plan_query(request.text, backend, min_prefix=1, prefix_known=True)
                backend.search(type(request)(text=request.text, per_page=8, facets=False), plan)
            else:
                backend.search(request, plan_query(request.text, backend))

        timings = _measure(searches, run, rounds)
        db.session.remove()
    return {
        "build_s": build,
        "documents": indexed,
        "peak_rss_mb": _rss_mb(),
        "baseline_rss_mb": baseline,
        "latency": timings.summary(),
    }


def _measure(searches: list, run: Callable[[str, object], None], rounds: int) -> Timings:
    for kind, request in searches:  # warm caches once
        run(kind, request)
    timings = Timings()
    for _ in range(rounds):
        for kind, request in searches:
            started = time.perf_counter()
            run(kind, request)
            timings.add(kind, (time.perf_counter() - started) * 1000)
    return timings


# -- SQLite FTS5 over pre-folded text, the native-speed reference -----------------------


class _Fts5Words:
    """The FTS5 vocabulary, so FTS5 gets the very same query plans (typo fixes included)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def known_words(self, words: object) -> set[str]:
        words = list(words)
        found: set[str] = set()
        for start in range(0, len(words), 500):
            chunk = words[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                row[0]
                for row in self.connection.execute(
                    f"SELECT term FROM vocab WHERE term IN ({marks})", chunk
                )
            )
        return found

    def word_counts(self, words: object) -> dict[str, int]:
        words = list(words)
        marks = ",".join("?" * len(words))
        return dict(
            self.connection.execute(f"SELECT term, doc FROM vocab WHERE term IN ({marks})", words)
        )


def _match(plan: object) -> str:
    groups = []
    for group in plan.groups:
        options = [f'"{w}"' for w in (group.word, *group.corrections)]
        if group.prefix:
            options.append(f'"{group.word}"*')
        groups.append("(" + " OR ".join(options) + ")")
    return " AND ".join(groups)


def fts5_phase(workdir: Path, rounds: int) -> dict:
    """Build an FTS5 index of the same documents (folded in Python) and run the same plans."""
    from werkzeug.datastructures import MultiDict

    from catalog.search.backend import FACETS, PRICE_BUCKETS
    from catalog.search.documents import CategoryPaths, build_document, document_load_options
    from catalog.search.params import parse_search
    from catalog.search.plan import plan_query
    from catalog.search.text import folded_words
    from catalog.storefront import local_today
    from market.extensions import db

    app = _app(workdir)
    with app.app_context():
        import sqlalchemy as sa

        from catalog.models import Product

        baseline = _rss_mb()
        fts = sqlite3.connect(str(workdir / "fts5.sqlite3"))
        started = time.perf_counter()
        fts.executescript(
            """
            DROP TABLE IF EXISTS docs; DROP TABLE IF EXISTS fts; DROP TABLE IF EXISTS vocab;
            CREATE TABLE docs (id INTEGER PRIMARY KEY, grp INT, category TEXT, district TEXT,
              stars INT, certs TEXT, price INT, in_stock INT, created REAL);
            CREATE VIRTUAL TABLE fts USING fts5(name, meta, body, tokenize='unicode61');
            CREATE VIRTUAL TABLE vocab USING fts5vocab(fts, 'row');
            """
        )
        paths, today = CategoryPaths(db.session), local_today()
        ids = list(db.session.scalars(sa.select(Product.id).order_by(Product.id)))
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            products = db.session.scalars(
                sa.select(Product).where(Product.id.in_(chunk)).options(*document_load_options())
            ).all()
            docs = [build_document(p, paths, today) for p in products]
            fts.executemany(
                "INSERT INTO docs VALUES (?,?,?,?,?,?,?,?,?)",
                [
                    (
                        d.id,
                        d.group_id,
                        " ".join(map(str, d.category_ids)),
                        d.district_code,
                        d.stars,
                        " ".join(d.cert_codes),
                        d.price,
                        int(d.in_stock),
                        d.created_at.timestamp(),
                    )
                    for d in docs
                ],
            )
            fts.executemany(
                "INSERT INTO fts (rowid, name, meta, body) VALUES (?,?,?,?)",
                [
                    (
                        d.id,
                        " ".join(folded_words(d.name)),
                        " ".join(folded_words(d.meta)),
                        " ".join(folded_words(d.description)),
                    )
                    for d in docs
                ],
            )
            db.session.expunge_all()
        fts.commit()
        build = time.perf_counter() - started
        words = _Fts5Words(fts)

        def where(filters: object) -> tuple[str, list]:
            clauses, params = [], []
            if filters.category is not None:
                clauses.append("(' ' || d.category || ' ') LIKE ?")
                params.append(f"% {filters.category.id} %")
            if filters.district is not None:
                clauses.append("d.district = ?")
                params.append(filters.district.code)
            if filters.min_stars is not None:
                clauses.append("d.stars >= ?")
                params.append(filters.min_stars)
            if filters.certification is not None:
                clauses.append("(' ' || d.certs || ' ') LIKE ?")
                params.append(f"% {filters.certification.value} %")
            if filters.price_min is not None:
                clauses.append("d.price >= ?")
                params.append(filters.price_min)
            if filters.price_max is not None:
                clauses.append("d.price <= ?")
                params.append(filters.price_max)
            if filters.in_stock:
                clauses.append("d.in_stock = 1")
            return " AND ".join(clauses) or "1", params

        bucket = (
            "CASE "
            + " ".join(
                f"WHEN d.price <= {high} THEN {i}"
                for i, (_, high) in enumerate(PRICE_BUCKETS)
                if high
            )
            + f" ELSE {len(PRICE_BUCKETS) - 1} END"
        )
        columns = {
            "group": "d.grp",
            "district": "d.district",
            "stars": "d.stars",
            "cert": "d.certs",
            "price": bucket,
            "in_stock": "d.in_stock",
        }
        orders = {
            "relevance": "bm25(fts, 4.0, 1.5, 1.0)",
            "newest": "d.created DESC",
            "price_asc": "d.price",
            "price_desc": "d.price DESC",
            "stars": "d.stars DESC, d.created DESC",
        }

        def query(request: object, plan: object, facets: bool, limit: int) -> None:
            match = _match(plan) if plan.groups else None
            source = "fts JOIN docs d ON d.id = fts.rowid" if match else "docs d"
            head = "fts MATCH ? AND " if match else ""
            base = [match] if match else []
            order = orders[request.sort if match or request.sort != "relevance" else "newest"]
            clause, params = where(request.filters)
            fts.execute(
                f"SELECT d.id FROM {source} WHERE {head}{clause} ORDER BY {order} LIMIT ?",
                [*base, *params, limit],
            ).fetchall()
            if not facets:
                return
            fts.execute(
                f"SELECT count(*) FROM {source} WHERE {head}{clause}", [*base, *params]
            ).fetchone()
            active = request.active_facets()
            for name in FACETS:
                filters = request.without(name) if name in active else request.filters
                clause, params = where(filters)
                fts.execute(
                    f"SELECT {columns[name]}, count(*) FROM {source} WHERE {head}{clause} "
                    f"GROUP BY 1",
                    [*base, *params],
                ).fetchall()

        searches = []
        for kind, queries in QUERIES.items():
            for text, args in queries:
                request, _errors = parse_search(MultiDict({"q": text, **args}), per_page=24)
                searches.append((kind, request))

        def run(kind: str, request: object) -> None:
            if kind == "prefix":
                query(
                    request,
                    plan_query(request.text, words, min_prefix=1, prefix_known=True),
                    False,
                    8,
                )
            else:
                query(request, plan_query(request.text, words), True, 24)

        timings = _measure(searches, run, rounds)
        fts.close()
        db.session.remove()
    return {
        "build_s": build,
        "documents": len(ids),
        "peak_rss_mb": _rss_mb(),
        "baseline_rss_mb": baseline,
        "latency": timings.summary(),
    }


# -- running and reporting --------------------------------------------------------------


def _in_child(target: Callable[..., dict], *args: object) -> dict:
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        return pool.apply(target, args)


def _ratio(a: float, b: float) -> str:
    return f"{a / b:6.1f}×" if b else "   n/a"


def report(count: int, whoosh: dict, fts5: dict, postgres: dict | None = None) -> str:
    """The figures as a plain-text table."""
    lines = [
        f"Search benchmark — {count:,} generated products ({whoosh['documents']:,} indexed)",
        "",
        f"{'':24}{'Whoosh':>14}{'FTS5':>14}{'Whoosh/FTS5':>14}",
        f"{'full reindex (s)':24}{whoosh['build_s']:14.2f}{fts5['build_s']:14.2f}"
        f"{_ratio(whoosh['build_s'], fts5['build_s']):>14}",
        f"{'peak RSS (MB)':24}{whoosh['peak_rss_mb']:14.0f}{fts5['peak_rss_mb']:14.0f}"
        f"{_ratio(whoosh['peak_rss_mb'], fts5['peak_rss_mb']):>14}",
        f"{'  of which at start':24}{whoosh['baseline_rss_mb']:14.0f}"
        f"{fts5['baseline_rss_mb']:14.0f}",
        "",
        f"{'latency (ms)':24}{'p50':>7}{'p95':>7}{'p50':>7}{'p95':>7}{'p50×':>7}{'p95×':>7}",
    ]
    for kind in QUERIES:
        w50, w95 = whoosh["latency"][kind]
        f50, f95 = fts5["latency"][kind]
        lines.append(
            f"{kind:24}{w50:7.1f}{w95:7.1f}{f50:7.1f}{f95:7.1f}"
            f"{_ratio(w50, f50):>7}{_ratio(w95, f95):>7}"
        )
    lines += ["", f"Targets (stated for 100,000 products; this run has {count:,}):"]
    lines += _targets("Whoosh", whoosh)
    if postgres:
        lines += [
            "",
            "PostgreSQL backend (unaccent + pg_trgm), the same catalog and queries:",
            f"{'full reindex (s)':24}{postgres['build_s']:14.2f}",
            f"{'latency (ms)':24}{'p50':>7}{'p95':>7}",
        ]
        lines += [
            f"{kind:24}{p50:7.1f}{p95:7.1f}" for kind, (p50, p95) in postgres["latency"].items()
        ]
        lines += _targets("PostgreSQL", postgres)
    return "\n".join(lines)


def _targets(engine: str, figures: dict) -> list[str]:
    latency = figures["latency"]
    targets = [
        ("reindex ≤ 60 s", figures["build_s"] <= 60),
        ("plain p95 ≤ 50 ms", latency["plain"][1] <= 50),
        ("filtered p95 ≤ 50 ms", latency["filtered+facets"][1] <= 50),
        ("typo p95 ≤ 100 ms", latency["typo"][1] <= 100),
    ]
    return [f"  {'met' if ok else 'MISSED':7}{engine}: {name}" for name, ok in targets]


def main(argv: list[str] | None = None) -> None:
    """Generate, measure both engines, print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5, help="timed passes over the query set")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--postgres",
        default="",
        help="also measure the PostgreSQL backend on this scratch database",
    )
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="search-bench-") as folder:
        workdir = Path(folder)
        started = time.perf_counter()
        _in_child(generate, workdir, options.products, options.seed)
        print(f"Generated {options.products:,} products in {time.perf_counter() - started:.1f} s")
        whoosh = _in_child(app_phase, workdir, options.rounds)
        fts5 = _in_child(fts5_phase, workdir, options.rounds)
        postgres = None
        if options.postgres:
            _in_child(generate, workdir, options.products, options.seed, options.postgres)
            postgres = _in_child(app_phase, workdir, options.rounds, options.postgres, "postgres")
        print(report(options.products, whoosh, fts5, postgres))


if __name__ == "__main__":
    main()
