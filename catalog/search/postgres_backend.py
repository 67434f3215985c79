"""The scale-out backend: one search row per public product in the shared PostgreSQL database.

Several app servers share one database, so the index is a table. ``search_documents`` holds
each public product's words folded by ``catalog.search.text`` (the one fold every backend
uses) as a weighted tsvector under a GIN index, with the values a search filters, sorts and
counts by (group, area, commune, OCOP stars, certifications, price band, stock), written from the
same outbox as the embedded indexes. A search is one statement that reads the matching rows
once for the page, the total and every facet count, and never joins the catalog tables;
``search_words`` counts the rows holding each word, so planning is a key look-up or two.
"""

from collections.abc import Collection, Iterator, Sequence

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR, aggregate_order_by
from sqlalchemy.dialects.postgresql import insert as pg_insert

from catalog.categories import descendant_ids
from catalog.listing import ListingFilters
from catalog.models import Certification
from catalog.search.backend import (
    CORRECTION,
    META,
    NAME,
    PHRASE,
    PREFIX,
    TONE,
    Facets,
    IndexBusy,
    SearchRequest,
    SearchResult,
    price_band,
)
from catalog.search.documents import ProductDocument
from catalog.search.feed import FeedPosition
from catalog.search.models import SearchDocument, SearchPosition, SearchWord
from catalog.search.plan import QueryPlan, TermGroup
from catalog.search.text import folded_words, words
from market.extensions import db

# pg_advisory_xact_lock key: one index writer at a time across every app server.
WRITER_LOCK = 0x63686F7175  # "choqu"
DOC = SearchDocument
POSITION_NAME = "postgres"
# tsvector weights: A the name, B producer/group/place/certification names, D the rest.
NAME_WEIGHT, META_WEIGHT = "A", "B"


def _padded(items: Sequence[str]) -> str:
    return f" {' '.join(items)} "


# -- matching and ranking ------------------------------------------------------------------


def _tsquery(text: str) -> sa.ColumnElement:
    """A tsquery from its text form; the words are folded ``[a-z0-9]+``, nothing to escape."""
    return sa.cast(sa.literal(text, sa.Text), TSQUERY)


def _either(terms: Sequence[str]) -> str:
    return terms[0] if len(terms) == 1 else "(" + " | ".join(terms) + ")"


def _group_terms(group: TermGroup, weight: str = "") -> list[str]:
    """The group's word, fixes and word start as tsquery terms (``weight`` limits the field)."""
    terms = [f"{group.word}:{weight}" if weight else group.word]
    terms += [f"{c}:{weight}" if weight else c for c in group.corrections]
    if group.prefix:
        # A one- or two-letter start matches names only (what the suggestions show).
        terms.append(f"{group.word}:*{NAME_WEIGHT if group.short_prefix else weight}")
    return terms


def _match_text(plan: QueryPlan) -> str:
    return " & ".join(_either(_group_terms(g)) for g in plan.groups)


def _field_score(group: TermGroup, weight: str, points: float) -> sa.ColumnElement[float]:
    """``points`` for the word in this field, less for a fix, less still for a word start."""
    whens = [(DOC.vector.op("@@")(_tsquery(f"{group.word}:{weight}")), points)]
    if group.corrections:
        fixes = _either([f"{c}:{weight}" for c in group.corrections])
        whens.append((DOC.vector.op("@@")(_tsquery(fixes)), points * CORRECTION))
    if group.prefix and (weight == NAME_WEIGHT or not group.short_prefix):
        whens.append((DOC.vector.op("@@")(_tsquery(f"{group.word}:*{weight}")), points * PREFIX))
    return sa.case(*whens, else_=0.0)


def _score(plan: QueryPlan) -> sa.ColumnElement[float]:
    parts: list[sa.ColumnElement[float]] = []
    for group in plan.groups:
        parts.append(_field_score(group, NAME_WEIGHT, NAME))
        parts.append(_field_score(group, META_WEIGHT, META))
        if group.toned:
            parts.append(sa.case((DOC.exact.contains(f" {group.toned} "), TONE), else_=0.0))
    if len(plan.groups) > 1:
        phrase = " ".join(g.word for g in plan.groups)
        parts.append(sa.case((DOC.name_folded.contains(f" {phrase} "), PHRASE), else_=0.0))
    return sum(parts[1:], parts[0])


# -- filters and facets --------------------------------------------------------------------


def _filters(filters: ListingFilters) -> dict[str, sa.ColumnElement[bool]]:
    """The set filters as conditions on the search row, keyed by facet."""
    found: dict[str, sa.ColumnElement[bool]] = {}
    if filters.category is not None:
        found["group"] = DOC.category_id.in_(descendant_ids(filters.category))
    if filters.area is not None:
        found["area"] = DOC.area_slug == filters.area.slug
    if filters.commune is not None:
        found["commune"] = DOC.commune_code == filters.commune.code
    if filters.min_stars is not None:
        found["stars"] = DOC.stars >= filters.min_stars
    if filters.certification is not None:
        found["cert"] = DOC.cert_codes.contains(f" {filters.certification.value} ")
    if filters.price_min is not None or filters.price_max is not None:
        low, high = filters.price_min, filters.price_max
        found["price"] = sa.and_(
            DOC.price >= low if low is not None else sa.true(),
            DOC.price <= high if high is not None else sa.true(),
        )
    if filters.in_stock:
        found["in_stock"] = DOC.in_stock.is_(True)
    return found


def _all(conditions: Collection[sa.ColumnElement[bool]]) -> sa.ColumnElement[bool]:
    return sa.and_(sa.true(), *conditions)


# Each order as (column name, descending) pairs, ties broken by the newest product.
SORTS = {
    "newest": (("created_at", True), ("product_id", True)),
    "price_asc": (("price", False), ("product_id", False)),
    "price_desc": (("price", True), ("product_id", True)),
    "stars": (("stars", True), ("created_at", True), ("product_id", True)),
    "relevance": (("score", True), ("created_at", True), ("product_id", True)),
}
# The row values each facet counts by; certifications count by one flag per code.
GROUPED = ("group_id", "area_slug", "commune_code", "stars", "price_band", "in_stock")
FACET_OF = dict(
    zip(GROUPED, ("group", "area", "commune", "stars", "price", "in_stock"), strict=True)
)
CERTS = tuple(code.value for code in Certification)


def _ordered(source: sa.FromClause, sort: str) -> list[sa.ColumnElement]:
    return [
        source.c[name].desc() if descending else source.c[name].asc()
        for name, descending in SORTS[sort]
    ]


def _matched(plan: QueryPlan, filters: dict[str, sa.ColumnElement[bool]], score: bool) -> sa.CTE:
    """The rows the words match: the values the page sorts by and the facets count by, each
    set filter as a flag, and (for relevance) the score of the rows every filter keeps.

    With words the matching rows are read once (materialized) for the page and the counts;
    without, each reads its own way: the page from the newest first, the counts from the
    narrow index of values.
    """
    passes = _all(filters.values())
    columns: list[sa.ColumnElement] = [
        DOC.product_id,
        DOC.created_at,
        DOC.price,
        *(DOC.__table__.c[name] for name in GROUPED),
        *(DOC.cert_codes.contains(f" {code} ").label(f"c_{code}") for code in CERTS),
        *(condition.label(f"f_{name}") for name, condition in filters.items()),
        passes.label("passes"),
    ]
    if score:
        columns.append(sa.case((passes, _score(plan)), else_=None).label("score"))
    if not plan.groups:
        return sa.select(*columns).cte("matched").prefix_with("NOT MATERIALIZED")
    matched = DOC.vector.op("@@")(_tsquery(_match_text(plan)))
    return sa.select(*columns).where(matched).cte("matched").prefix_with("MATERIALIZED")


def _facet_rows(matched: sa.CTE, filters: Collection[str]) -> sa.Select:
    """Every facet's counts and the total from the matched rows, grouped twice.

    First by every value a facet counts or a filter tests (a few hundred combinations at
    most), then each facet sums the combinations every other filter keeps (``FILTER``), so a
    shopper sees how many products each alternative would give; one grouping set per facet.
    """
    keys = [matched.c[name] for name in GROUPED]
    flags = [matched.c[f"c_{code}"] for code in CERTS] + [matched.c[f"f_{n}"] for n in filters]
    combos = (
        sa.select(*keys, *flags, sa.func.count().label("n"))
        .group_by(*keys, *flags)
        .subquery("combos")
    )
    c = combos.c

    def kept(*but: str) -> sa.ColumnElement[bool]:
        return _all([c[f"f_{name}"] for name in filters if name not in but])

    counts = [
        sa.func.sum(c.n).filter(kept(FACET_OF[name])).label(f"n_{FACET_OF[name]}")
        for name in GROUPED
    ]
    certs = [
        sa.func.sum(c.n).filter(sa.and_(kept("cert"), c[f"c_{code}"])).label(f"c_{code}")
        for code in CERTS
    ]
    return sa.select(
        *(c[name] for name in GROUPED),
        *(sa.func.grouping(c[name]).label(f"g_{name}") for name in GROUPED),
        *counts,
        *certs,
        sa.func.sum(c.n).filter(kept()).label("total"),
    ).group_by(sa.func.grouping_sets(*(sa.tuple_(c[name]) for name in GROUPED), sa.tuple_()))


def _read_facets(rows: Sequence[dict]) -> tuple[Facets, int]:
    """The facets and the total from ``_facet_rows`` (as JSON objects)."""
    facets, total = Facets(), 0
    found: dict[str, dict] = {FACET_OF[name]: {} for name in GROUPED}
    for row in rows:
        rolled = [name for name in GROUPED if not row[f"g_{name}"]]
        if not rolled:
            total = row["total"] or 0
            facets.cert = {code: row[f"c_{code}"] for code in CERTS if row[f"c_{code}"]}
            continue
        name = rolled[0]
        count = row[f"n_{FACET_OF[name]}"]
        if count:
            found[FACET_OF[name]][row[name]] = count
    facets.group = found["group"]
    facets.area = found["area"]
    facets.commune = found["commune"]
    facets.stars = found["stars"]
    facets.price = found["price"]
    facets.in_stock = {bool(k): v for k, v in found["in_stock"].items()}
    return facets, total


# -- writing -------------------------------------------------------------------------------


_TEXT_ARRAY = sa.ARRAY(sa.Text)
MAX_POSITION = 16_383  # PostgreSQL keeps word positions up to this
MAX_WORD = 100  # letters of a vocabulary word (its key's length)


def vector_text(fields: Sequence[tuple[str, str]]) -> str:
    """A tsvector's text form for ``(text, weight)`` fields, words folded in Python.

    Weights belong to positions (a word without one matches any weight). Searches ask
    whether a word is there, and with which weight, never where: each word keeps one
    position per weight it has, and a weight-D (description) position only when it has no
    other, which keeps rows small and scans short. Folded words are letters and digits:
    nothing needs quoting.
    """
    positions: dict[str, list[str]] = {}
    weights: dict[str, set[str]] = {}
    position = 0
    for text, weight in fields:
        letter = "" if weight == "D" else weight
        for word in folded_words(text):
            position = min(position + 1, MAX_POSITION)
            held = weights.setdefault(word, set())
            if weight in held or (weight == "D" and held):
                continue
            held.add(weight)
            positions.setdefault(word, []).append(f"{position}{letter}")
    return " ".join(f"'{word}':{','.join(found)}" for word, found in positions.items())


def word_vector(text: str) -> sa.ColumnElement:
    """The tsvector of ``text``'s words as the backend writes them."""
    return sa.cast(sa.literal(vector_text([(text, "D")]), sa.Text), TSVECTOR)


def _vector(doc: ProductDocument) -> str:
    """Name words weighted A, producer/group/place/certification B, the description D."""
    return vector_text([(doc.name, NAME_WEIGHT), (doc.meta, META_WEIGHT), (doc.description, "D")])


def _row(doc: ProductDocument) -> dict[str, object]:
    return {
        "product_id": doc.id,
        "version": doc.version,
        "vector": _vector(doc),
        "name_folded": _padded(folded_words(doc.name)),
        "exact": _padded(words(doc.exact)),
        "category_id": doc.category_ids[0] if doc.category_ids else 0,
        "group_id": doc.group_id,
        "area_slug": doc.area_slug,
        "commune_code": doc.commune_code,
        "stars": doc.stars,
        "cert_codes": _padded(doc.cert_codes),
        "price": doc.price,
        "price_band": price_band(doc.price),
        "in_stock": doc.in_stock,
        "created_at": doc.created_at,
    }


def _vocabulary(doc: ProductDocument) -> set[str]:
    """The words a row adds to the vocabulary (the key holds up to 100 letters)."""
    return {w for w in folded_words(doc.text) if len(w) <= MAX_WORD}


class _Writer:
    """Index rows written in the drain's own transaction, under an advisory lock.

    The vocabulary's counts follow the rows: the words of the rows replaced or removed are
    taken away, those of the rows written are added, in the same transaction.
    """

    def __init__(self, session: so.Session, rebuild: bool) -> None:
        self._session = session
        self._rebuild = rebuild
        if rebuild:
            session.execute(sa.delete(SearchDocument))
            session.execute(sa.delete(SearchWord))

    def put(self, documents: Sequence[ProductDocument]) -> None:
        public = [doc for doc in documents if doc.public]
        self.remove([doc.id for doc in documents if not doc.public])
        if not public:
            return
        counts = self._held([doc.id for doc in public], -1)
        for doc in public:
            for word in _vocabulary(doc):
                counts[word] = counts.get(word, 0) + 1
        # Plain parameter rows (executemany): one statement compiled once, sent in batches.
        statement = pg_insert(SearchDocument)
        self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[SearchDocument.product_id],
                set_={
                    column.key: statement.excluded[column.key]
                    for column in SearchDocument.__table__.columns
                    if column.key != "product_id"
                },
            ),
            [_row(doc) for doc in public],
        )
        self._count(counts)

    def remove(self, product_ids: Collection[int]) -> None:
        if not product_ids:
            return
        counts = self._held(product_ids, -1)
        self._session.execute(
            sa.delete(SearchDocument).where(SearchDocument.product_id.in_(product_ids))
        )
        self._count(counts)

    def _held(self, product_ids: Collection[int], sign: int) -> dict[str, int]:
        """How many of these products' current rows hold each word, times ``sign``."""
        if self._rebuild or not product_ids:
            return {}
        word = sa.func.unnest(sa.func.tsvector_to_array(DOC.vector))
        held = (
            sa.select(word.label("word"))
            .where(DOC.product_id.in_(sorted(product_ids)))
            .subquery("held")
        )
        rows = self._session.execute(
            sa.select(held.c.word, sa.func.count())
            .where(sa.func.length(held.c.word) <= MAX_WORD)
            .group_by(held.c.word)
        )
        return {w: sign * n for w, n in rows}

    def _count(self, changes: dict[str, int]) -> None:
        """Add the changes to the words' counts. A word no row holds any more stays known
        with no rows (as in the embedded indexes): the shopper who types it is told there is
        nothing, not given another word's products."""
        changes = {w: n for w, n in changes.items() if n}
        if not changes:
            return
        statement = pg_insert(SearchWord)
        self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[SearchWord.word],
                set_={"documents": SearchWord.documents + statement.excluded.documents},
            ),
            [{"word": w, "documents": n} for w, n in sorted(changes.items())],
        )

    def commit(self) -> None:
        self._session.flush()

    def cancel(self) -> None:
        self._session.rollback()


class PostgresBackend:
    """Search rows in the shared PostgreSQL database, matched by a GIN-indexed tsvector."""

    name = "postgres"

    def writer(self, session: so.Session, rebuild: bool = False) -> _Writer:
        """Take the advisory writer lock for this transaction (a rebuild waits for it)."""
        if rebuild:
            session.execute(sa.select(sa.func.pg_advisory_xact_lock(WRITER_LOCK)))
        elif not session.scalar(sa.select(sa.func.pg_try_advisory_xact_lock(WRITER_LOCK))):
            raise IndexBusy
        return _Writer(session, rebuild)

    def known_words(self, words: Collection[str]) -> set[str]:
        """The words some row holds or held (one primary-key look-up per word)."""
        return set(self._counts(words))

    def word_counts(self, words: Collection[str]) -> dict[str, int]:
        """How many rows hold each word the index knows (stored counts, one statement)."""
        return self._counts(words)

    @staticmethod
    def _counts(words: Collection[str]) -> dict[str, int]:
        if not words:
            return {}
        wanted = sa.any_(sa.cast(sorted(words), _TEXT_ARRAY))
        query = sa.select(SearchWord.word, SearchWord.documents).where(SearchWord.word == wanted)
        return dict(db.session.execute(query).all())

    def search(self, request: SearchRequest, plan: QueryPlan) -> SearchResult:
        """One statement: the page's ids, and with facets every count and the total."""
        matched = DOC.vector.op("@@")(_tsquery(_match_text(plan))) if plan.groups else sa.true()
        filters = _filters(request.filters)
        sort = "newest" if request.sort == "relevance" and not plan.groups else request.sort
        offset, limit = (request.page - 1) * request.per_page, request.per_page
        if not request.facets:
            # Suggestions and probes: the ranked hits only (the score where rows pass).
            source = (
                sa.select(DOC.product_id, DOC.created_at, DOC.price, DOC.stars)
                .add_columns(*([_score(plan).label("score")] if sort == "relevance" else []))
                .where(matched, *filters.values())
                .subquery("hits")
            )
            ids = list(
                db.session.scalars(
                    sa.select(source.c.product_id)
                    .order_by(*_ordered(source, sort))
                    .offset(offset)
                    .limit(limit)
                )
            )
            return SearchResult(ids=ids, total=offset + len(ids), plan=plan)
        rows = _matched(plan, filters, sort == "relevance")
        hits = (
            sa.select(rows)
            .where(rows.c.passes)
            .order_by(*_ordered(rows, sort))
            .offset(offset)
            .limit(limit)
            .subquery("hits")
        )
        page = sa.select(
            sa.func.array_agg(aggregate_order_by(hits.c.product_id, *_ordered(hits, sort)))
        ).scalar_subquery()
        counted = _facet_rows(rows, list(filters)).subquery("facets")
        facets = (
            sa.select(sa.func.json_agg(sa.literal_column("facets")))
            .select_from(counted)
            .scalar_subquery()
        )
        ids, found = db.session.execute(sa.select(page, facets)).one()
        facet_counts, total = _read_facets(found or [])
        return SearchResult(ids=list(ids or []), total=total, plan=plan, facets=facet_counts)

    @staticmethod
    def _count(where: sa.ColumnElement[bool]) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(DOC).where(where))

    def read_position(self, session: so.Session) -> FeedPosition:
        """The feed position kept in the database with the rows it describes."""
        stored = session.get(SearchPosition, POSITION_NAME)
        return FeedPosition.from_json(stored.position if stored else None)

    def save_position(self, session: so.Session, position: FeedPosition) -> None:
        """Record the position in the transaction that wrote the rows."""
        statement = pg_insert(SearchPosition).values(
            name=POSITION_NAME, position=position.to_json()
        )
        session.execute(
            statement.on_conflict_do_update(
                index_elements=[SearchPosition.name],
                set_={"position": statement.excluded.position},
            )
        )

    def document_count(self) -> int:
        """How many products have search rows."""
        return self._count(sa.true())

    def versions(self) -> Iterator[tuple[int, int]]:
        """Every indexed product's id and document version (for ``search verify``)."""
        yield from db.session.execute(
            sa.select(DOC.product_id, DOC.version).order_by(DOC.product_id)
        )
