"""Search benchmark: every engine asked the same queries, interleaved query by query.

    python -m bench.search_bench [--products 100000] [--rounds 5] [--seed 7]
                                 [--engines tantivy,whoosh,fts5]
                                 [--postgres postgresql+psycopg://.../scratch]

Generates Vietnamese products from the real names of Tuyên Quang (shared domain notes) with
variations. Each engine lives in its own process (its own memory), builds its index there —
one engine at a time, so builds do not compete — and then answers: the parent sends every
query to each engine in turn, query by query, so all engines see the same load at the same
moment, and each engine times its own call (no pipe in the figure).

* tantivy (the default), Whoosh and, with ``--postgres`` (an empty scratch database: its
  tables are dropped and recreated), the PostgreSQL backend: the app's real full reindex
  (``catalog.search.indexing.rebuild``) and the app's query path (the planner with typo fixes,
  the search with facet counts, the suggestions);
* FTS5: the same documents folded in Python into an SQLite FTS5 table, the same query plans
  run as MATCH expressions with the same facet counts in SQL — a native-speed reference.

Prints reindex time, peak RSS and p50/p95 per query kind per engine, the issue's figures from
before, and each target met or missed.
"""

import argparse
import multiprocessing
import os
import random
import resource
import sqlite3
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from multiprocessing.connection import Connection
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
        ("mat ong", {"area": "na-hang", "min_stars": "3"}),
        ("cam sanh", {"in_stock": "1", "price_max": "100000"}),
        ("che", {"cert": "organic"}),
        ("", {"area": "ham-yen", "min_stars": "4"}),
        ("banh", {"group": "i-thuc-pham", "sort": "price_asc"}),
    ],
    "typo": [
        ("mein dong", {}),
        ("che shna tuyet", {}),
        ("bnah gai", {}),
        ("cma sanh ham yen", {}),
        ("mta ong rung", {}),
    ],
    # A results page whose last word is unfinished (Enter pressed while typing).
    "prefix": [
        ("buo", {}),
        ("mien don", {}),
        ("che shan tuy", {}),
        ("dua luo", {}),
        ("thit tra", {}),
    ],
    # The box under the search field: eight names as the shopper types.
    "suggestions": [("bu", {}), ("mien d", {}), ("che sh", {}), ("dua l", {}), ("thit tr", {})],
}
KINDS_ORDER = list(QUERIES)
ENGINES = ("tantivy", "whoosh", "postgres", "fts5")
EMBEDDED = ("tantivy", "whoosh")

# The figures (p95 ms at 100,000 products, full reindex s), measured before this work.
BEFORE = {
    "whoosh": {
        "plain": 70,
        "multi-word": 696,
        "filtered+facets": 378,
        "typo": 297,
        "prefix": 303,
        "reindex": 309,
    },
    "postgres": {
        "plain": 620,
        "multi-word": 195,
        "filtered+facets": 583,
        "typo": 878,
        "prefix": 463,
    },
    "fts5": {
        "plain": 163,
        "multi-word": 74,
        "filtered+facets": 156,
        "typo": 71,
        "prefix": 65,
        "reindex": 24,
    },
    "tantivy": {
        "plain": 3.5,
        "multi-word": 4.0,
        "filtered+facets": 3.1,
        "typo": 2.4,
        "prefix": 2.2,
        "reindex": 21,
    },
}


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def _app(workdir: Path, database_url: str | None = None, backend: str = "tantivy"):
    from market import create_app

    return create_app(
        {
            "ENV_NAME": "development",  # driven in process, not served
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{workdir / 'bench.sqlite3'}",
            "INSTANCE_PATH": str(workdir),
            "SEARCH_BACKEND": backend,
            "SEARCH_INDEX_DIR": str(workdir / f"index-{backend}"),
            "JOBS_EAGER": True,  # no worker: searches apply the feed themselves
            "TESTING": True,
        }
    )


def _searches() -> list[tuple[str, object]]:
    from werkzeug.datastructures import MultiDict

    from catalog.search.params import parse_search

    searches = []
    for kind, queries in QUERIES.items():
        for text, args in queries:
            request, errors = parse_search(MultiDict({"q": text, **args}), per_page=24)
            assert not errors, errors
            searches.append((kind, request))
    return searches


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
        communes = places.communes(places.HOME_PROVINCE)
        producers = []
        for n in range(1, max(10, count // 40) + 1):
            commune = rng.choice(communes)
            area = places.default_area(commune.code)
            if rng.random() < 0.4:
                name = f"Hộ kinh doanh {rng.choice(SURNAMES)} {rng.choice(GIVEN)}"
            else:
                base = rng.choice(BASE_PRODUCTS)[0]
                name = f"{rng.choice(KINDS)} {base} {commune.short_name}"
            producers.append(
                {
                    "id": n,
                    "slug": f"nsx-{n}",
                    "name": name,
                    "kind": "htx",
                    "commune_code": commune.code,
                    "area_slug": area.slug if area else None,
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
            area = places.area(maker["area_slug"])
            words = [
                base,
                rng.choice(GRADES),
                rng.choice([area.short_name if area else "", "", ""]),
            ]
            name = " ".join(w for w in [*words, rng.choice(PACKS)] if w)
            description = (
                f"{name} của {maker['name']}, sản xuất tại "
                f"{places.display(maker['commune_code'])}. "
                f"{rng.choice(SENTENCES)} {rng.choice(SENTENCES)}"
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


# -- the engines, each serving queries in its own process ----------------------------------


def _app_engine(workdir: Path, backend_name: str, database_url: str | None) -> tuple:
    """The app's backend: full reindex, then a function that runs one search the app's way."""
    import sqlalchemy as sa

    from catalog.search import indexing
    from catalog.search.backend import SearchRequest
    from catalog.search.plan import plan_query
    from catalog.search.services import SUGGESTIONS
    from market.extensions import db

    app = _app(workdir, database_url, backend_name)
    context = app.app_context()
    context.push()
    started, cpu = time.perf_counter(), time.process_time()
    indexed = indexing.rebuild()
    if database_url:
        # Statistics and the visibility map, as autovacuum keeps them on a live database
        # (without the map no index-only scan is possible).
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM ANALYZE"))
    build, build_cpu = time.perf_counter() - started, time.process_time() - cpu
    backend = indexing.backend()

    def run(kind: str, request: SearchRequest) -> None:
        if kind == "suggestions":
            plan = plan_query(request.text, backend, min_prefix=1, prefix_known=True)
            backend.search(
                SearchRequest(text=request.text, per_page=SUGGESTIONS, facets=False), plan
            )
        else:
            backend.search(request, plan_query(request.text, backend, prefix_known=True))
        db.session.rollback()

    return build, build_cpu, indexed, run


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


def _fts5_engine(workdir: Path) -> tuple:
    """The same documents (built as the app builds them) folded into FTS5, the same plans."""
    from catalog.search.backend import FACETS, PRICE_BUCKETS
    from catalog.search.documents import all_documents
    from catalog.search.plan import plan_query
    from catalog.search.text import folded_words
    from market.extensions import db
    from market.i18n import local_today

    app = _app(workdir)
    context = app.app_context()
    context.push()
    fts = sqlite3.connect(str(workdir / "fts5.sqlite3"))
    started, cpu = time.perf_counter(), time.process_time()
    fts.executescript(
        """
        DROP TABLE IF EXISTS docs; DROP TABLE IF EXISTS fts; DROP TABLE IF EXISTS vocab;
        CREATE TABLE docs (id INTEGER PRIMARY KEY, grp INT, category TEXT, area TEXT,
          commune TEXT, stars INT, certs TEXT, price INT, in_stock INT, created REAL);
        CREATE VIRTUAL TABLE fts USING fts5(name, meta, body, tokenize='unicode61');
        CREATE VIRTUAL TABLE vocab USING fts5vocab(fts, 'row');
        """
    )
    indexed = 0
    for docs in all_documents(db.session, local_today()):
        indexed += len(docs)
        fts.executemany(
            "INSERT INTO docs VALUES (?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    d.id,
                    d.group_id,
                    " ".join(map(str, d.category_ids)),
                    d.area_slug,
                    d.commune_code,
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
    fts.commit()
    build, build_cpu = time.perf_counter() - started, time.process_time() - cpu
    words = _Fts5Words(fts)

    def where(filters: object) -> tuple[str, list]:
        clauses, params = [], []
        if filters.category is not None:
            clauses.append("(' ' || d.category || ' ') LIKE ?")
            params.append(f"% {filters.category.id} %")
        if filters.area is not None:
            clauses.append("d.area = ?")
            params.append(filters.area.slug)
        if filters.commune is not None:
            clauses.append("d.commune = ?")
            params.append(filters.commune.code)
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
            f"WHEN d.price <= {high} THEN {i}" for i, (_, high) in enumerate(PRICE_BUCKETS) if high
        )
        + f" ELSE {len(PRICE_BUCKETS) - 1} END"
    )
    columns = {
        "group": "d.grp",
        "area": "d.area",
        "commune": "d.commune",
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
        fts.execute(f"SELECT count(*) FROM {source} WHERE {head}{clause}", [*base, *params])
        active = request.active_facets()
        for name in FACETS:
            filters = request.without(name) if name in active else request.filters
            clause, params = where(filters)
            fts.execute(
                f"SELECT {columns[name]}, count(*) FROM {source} WHERE {head}{clause} GROUP BY 1",
                [*base, *params],
            ).fetchall()

    def run(kind: str, request: object) -> None:
        if kind == "suggestions":
            plan = plan_query(request.text, words, min_prefix=1, prefix_known=True)
            query(request, plan, False, 8)
        else:
            query(request, plan_query(request.text, words, prefix_known=True), True, 24)

    return build, build_cpu, indexed, run


def serve(connection: Connection, workdir: Path, engine: str, database_url: str | None) -> None:
    """An engine's process: build on "build", then time each search it is sent."""
    connection.recv()
    baseline = _rss_mb()
    if engine == "fts5":
        build, cpu, indexed, run = _fts5_engine(workdir)
    else:
        build, cpu, indexed, run = _app_engine(workdir, engine, database_url)
    searches = _searches()
    for kind, request in searches:  # warm caches once
        run(kind, request)
    connection.send(
        {"build_s": build, "build_cpu_s": cpu, "documents": indexed, "baseline_rss_mb": baseline}
    )
    while (message := connection.recv()) is not None:
        kind, request = searches[message]
        started = time.perf_counter()
        run(kind, request)
        connection.send((time.perf_counter() - started) * 1000)
    connection.send({"peak_rss_mb": _rss_mb()})


def measure(
    workdir: Path, engines: list[str], rounds: int, postgres: str | None
) -> tuple[dict, tuple[float, float]]:
    """Build each engine in turn, then send every query to every engine, query by query;
    also return the load average when the queries started and ended."""
    context = multiprocessing.get_context("spawn")
    pipes, processes, figures = {}, [], {}
    for engine in engines:
        parent, child = context.Pipe()
        url = postgres if engine == "postgres" else None
        process = context.Process(target=serve, args=(child, workdir, engine, url), daemon=True)
        process.start()
        child.close()  # the parent keeps its end only: a child that dies gives EOFError
        processes.append(process)
        parent.send("build")
        figures[engine] = parent.recv()  # one build at a time
        figures[engine]["latency"] = {kind: [] for kind in QUERIES}
        pipes[engine] = parent
    with _app(workdir).app_context():
        searches = _searches()
    load_before = os.getloadavg()[0]
    for _ in range(rounds):
        for index, (kind, _request) in enumerate(searches):
            for engine in engines:
                pipes[engine].send(index)
                figures[engine]["latency"][kind].append(pipes[engine].recv())
    for engine in engines:
        pipes[engine].send(None)
        figures[engine].update(pipes[engine].recv())
    for process in processes:
        process.join()
    load = (load_before, os.getloadavg()[0])
    for found in figures.values():
        found["latency"] = {
            kind: (_percentile(v, 0.5), _percentile(v, 0.95))
            for kind, v in found["latency"].items()
        }
    return figures, load


# -- reporting ----------------------------------------------------------------------------

NAMES = {"tantivy": "tantivy", "whoosh": "Whoosh", "postgres": "PostgreSQL", "fts5": "FTS5"}


def _target(engine: str, kind: str) -> float | None:
    if engine in EMBEDDED:
        return 20.0 if kind in ("plain", "multi-word", "filtered+facets") else 40.0
    if engine == "postgres":
        return 50.0
    return None


def _before(engine: str, kind: str, now: float) -> str:
    """The issue's figure and how many times it is the figure now ("—" where it has none)."""
    before = BEFORE.get(engine, {}).get(kind)
    if before is None:
        return f"{'—':>8}{'—':>7}"
    return f"{before:>8}{before / now if now else float('inf'):6.1f}×"


def report(count: int, figures: dict, load: tuple[float, float]) -> str:
    """The figures as a plain-text table, with the issue's figures from before beside them."""
    engines = list(figures)
    lines = [
        f"Search benchmark — {count:,} generated products; every engine asked the same queries "
        "in turn, query by query",
        "",
        f"{'':22}" + "".join(f"{NAMES[e]:>29}" for e in engines),
        f"{'':22}" + "".join(f"{'p50':>7}{'p95':>7}{'before':>8}{'ratio':>7}" for _e in engines),
    ]
    for kind in QUERIES:
        row = f"{kind + ' (ms)':22}"
        for engine in engines:
            p50, p95 = figures[engine]["latency"][kind]
            row += f"{p50:7.1f}{p95:7.1f}{_before(engine, kind, p95)}"
        lines.append(row)
    row = f"{'reindex (s)':22}"
    for engine in engines:
        build = figures[engine]["build_s"]
        row += f"{build:14.1f}{_before(engine, 'reindex', build)}"
    lines.append(row)
    lines.append(
        f"{'  its CPU (s)':22}"
        + "".join(f"{figures[e]['build_cpu_s']:14.1f}{'':15}" for e in engines)
    )
    lines.append(
        f"{'peak RSS (MB)':22}"
        + "".join(f"{figures[e]['peak_rss_mb']:14.0f}{'':15}" for e in engines)
    )
    lines.append(
        f"{'documents':22}" + "".join(f"{figures[e]['documents']:14,}{'':15}" for e in engines)
    )
    lines += [
        "",
        '"before": p95 / reindex at 100,000 products from issue #15 (Whoosh, the old PostgreSQL',
        "backend, FTS5, the tantivy prototype); its prefix row measured the suggestions path.",
        '"ratio": before ÷ now (p95, or reindex time); above 1 is faster now.',
        "\"its CPU\": the building process's own CPU time (PostgreSQL's server work not included).",
        f"Load average (1 min) at the start and end of the queries: {load[0]:.1f}, {load[1]:.1f}.",
        "",
        f"Targets (stated for 100,000 products; this run has {count:,}):",
    ]
    for engine in engines:
        if engine == "fts5":
            continue
        for kind in QUERIES:
            limit = _target(engine, kind)
            p95 = figures[engine]["latency"][kind][1]
            verdict = "met" if p95 <= limit else "MISSED"
            lines.append(f"  {verdict:7}{NAMES[engine]}: {kind} p95 {p95:.1f} ≤ {limit:.0f} ms")
        build = figures[engine]["build_s"]
        verdict = "met" if build <= 20 else "MISSED"
        lines.append(f"  {verdict:7}{NAMES[engine]}: full reindex {build:.1f} ≤ 20 s")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Generate, build each engine, ask them all the same queries, print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5, help="timed passes over the query set")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--engines",
        default="tantivy,whoosh,fts5",
        help="embedded engines to measure, comma-separated (tantivy, whoosh, fts5)",
    )
    parser.add_argument(
        "--postgres",
        default="",
        help="also measure the PostgreSQL backend on this scratch database",
    )
    options = parser.parse_args(argv)
    engines = [e for e in options.engines.split(",") if e]
    unknown = set(engines) - set(ENGINES)
    if unknown:
        parser.error(f"unknown engines: {', '.join(sorted(unknown))}")
    if options.postgres and "postgres" not in engines:
        engines.append("postgres")
    with tempfile.TemporaryDirectory(prefix="search-bench-") as folder:
        workdir = Path(folder)
        started = time.perf_counter()
        _in_child(generate, workdir, options.products, options.seed)
        if options.postgres:
            _in_child(generate, workdir, options.products, options.seed, options.postgres)
        print(f"Generated {options.products:,} products in {time.perf_counter() - started:.1f} s")
        figures, load = measure(workdir, engines, options.rounds, options.postgres or None)
        print(report(options.products, figures, load))


def _in_child(target: Callable[..., object], *args: object) -> object:
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        return pool.apply(target, args)


if __name__ == "__main__":
    main()
