"""The default embedded backend: a tantivy index (Rust, in a wheel) in the instance folder.

tantivy's 0.x Python API stays inside this module. Text is folded by ``catalog.search.text``
before tantivy sees it, so documents and queries share one fold (đ included); tantivy only
splits words. Queries follow the shared planner: each term group is required in the folded
text, name, producer/place and the accented word as typed add to the score. Facets are
tantivy aggregations over fast fields, exact because every bucket is asked for.

One writer per index directory, across processes: a second writer gets tantivy's
``LockBusy``, raised here as ``IndexBusy`` (the outbox keeps the changes). Readers reload the
index at most every ``RELOAD_EVERY`` seconds (about 0.2 ms each), so a commit by any process
is seen by every other one well within a second.
"""

import fcntl
import logging
import shutil
import threading
import time
from collections.abc import Collection, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy.orm as so
import tantivy

from catalog.listing import ListingFilters
from catalog.search import feed
from catalog.search.backend import (
    CORRECTION,
    FACETS,
    META,
    NAME,
    PHRASE,
    PREFIX,
    PRICE_BUCKETS,
    TONE,
    Facets,
    IndexBusy,
    SearchRequest,
    SearchResult,
    price_band,
)
from catalog.search.documents import ProductDocument
from catalog.search.feed import FeedPosition
from catalog.search.plan import QueryPlan, TermGroup
from catalog.search.text import WORD
from market.text import fold, nfc

logger = logging.getLogger(__name__)

# Bump when the schema or analysis changes: a new folder makes every process build afresh.
INDEX_FOLDER = "tantivy-v2"
POSITION_FILE = "feed-position.json"
REBUILD_LOCK_WAIT = 120.0
RELOAD_EVERY = 0.1
WRITER_HEAP = 32_000_000
REBUILD_HEAP = 128_000_000
EPOCH = datetime(1970, 1, 1)
ID_BITS = 24  # sort keys hold the product id in their low bits (16 million products)
PRICE_LIMIT = (1 << 40) - 1
ALL_BUCKETS = 10_000
# A word start expands to at most this many indexed words (the most frequent first).
PREFIX_TERMS = 64
WORDS_TOKENIZER = "words"


def build_schema() -> tantivy.Schema:
    """Folded text to match, accented text to rank tones, fast fields to filter, sort, count."""
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", indexed=True, fast=True)
    builder.add_unsigned_field("version", fast=True)
    builder.add_text_field("name", tokenizer_name=WORDS_TOKENIZER, index_option="position")
    builder.add_text_field("meta", tokenizer_name=WORDS_TOKENIZER, index_option="freq")
    builder.add_text_field("text", tokenizer_name=WORDS_TOKENIZER, index_option="freq")
    builder.add_text_field("exact", tokenizer_name=WORDS_TOKENIZER, index_option="freq")
    builder.add_integer_field("category", indexed=True)
    builder.add_integer_field("group", indexed=True, fast=True)
    builder.add_text_field("area", tokenizer_name="raw", fast=True)
    builder.add_text_field("commune", tokenizer_name="raw", fast=True)
    builder.add_integer_field("stars", indexed=True, fast=True)
    builder.add_text_field("cert", tokenizer_name="raw", fast=True)
    builder.add_integer_field("price", indexed=True, fast=True)
    builder.add_integer_field("price_band", indexed=True, fast=True)
    builder.add_integer_field("in_stock", indexed=True, fast=True)
    builder.add_unsigned_field("newest", fast=True)
    builder.add_unsigned_field("by_price", fast=True)
    builder.add_unsigned_field("by_stars", fast=True)
    return builder.build()


SCHEMA = build_schema()


def _words_analyzer() -> tantivy.TextAnalyzer:
    """Split on what ``catalog.search.text.WORD`` splits on; the text arrives folded."""
    return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.regex(WORD.pattern)).build()


def analyzed(text: str) -> list[str]:
    """The words the index holds for ``text`` in a folded field (tests compare with queries)."""
    return _words_analyzer().analyze(fold(nfc(text)))


def _newest_key(doc: ProductDocument) -> int:
    seconds = max(0, int((doc.created_at - EPOCH).total_seconds()))
    return (seconds << ID_BITS) | doc.id


def _document(doc: ProductDocument) -> tantivy.Document:
    fields = tantivy.Document()
    fields.add_integer("id", doc.id)
    fields.add_unsigned("version", doc.version)
    fields.add_text("name", fold(doc.name))
    fields.add_text("meta", fold(doc.meta))
    fields.add_text("text", fold(doc.text))
    fields.add_text("exact", nfc(doc.exact).lower())
    for category_id in doc.category_ids:
        fields.add_integer("category", category_id)
    fields.add_integer("group", doc.group_id)
    fields.add_text("area", doc.area_slug)
    fields.add_text("commune", doc.commune_code)
    fields.add_integer("stars", doc.stars)
    for code in doc.cert_codes:
        fields.add_text("cert", code)
    fields.add_integer("price", doc.price)
    fields.add_integer("price_band", price_band(doc.price))
    fields.add_integer("in_stock", 1 if doc.in_stock else 0)
    newest = _newest_key(doc)
    fields.add_unsigned("newest", newest)
    fields.add_unsigned("by_price", (min(doc.price, PRICE_LIMIT) << ID_BITS) | doc.id)
    fields.add_unsigned("by_stars", (doc.stars << 60) | newest)
    return fields


# -- queries -------------------------------------------------------------------------------

Q = tantivy.Query
MUST, SHOULD = tantivy.Occur.Must, tantivy.Occur.Should


def _term(field: str, value: object) -> tantivy.Query:
    return Q.term_query(SCHEMA, field, value, index_option="basic")


def _boosted(query: tantivy.Query, weight: float) -> tantivy.Query:
    return query if weight == 1.0 else Q.boost_query(query, weight)


def _prefix(searcher: tantivy.Searcher, field: str, word: str) -> tantivy.Query | None:
    """Any of the most frequent indexed words that start with ``word`` (constant score)."""
    found = searcher.terms_with_prefix(field, word, limit=PREFIX_TERMS)
    if not found:
        return None
    return Q.const_score_query(Q.term_set_query(SCHEMA, field, [term for term, _n in found]), 1.0)


def _alternatives(
    searcher: tantivy.Searcher, field: str, group: TermGroup, weight: float
) -> list[tantivy.Query]:
    clauses = [_boosted(Q.term_query(SCHEMA, field, group.word), weight)]
    clauses += [
        _boosted(Q.term_query(SCHEMA, field, c), weight * CORRECTION) for c in group.corrections
    ]
    if group.prefix:
        # A one- or two-letter start matches names only (what the suggestions show).
        where = "name" if group.short_prefix else field
        extension = _prefix(searcher, where, group.word)
        if extension is not None:
            clauses.append(_boosted(extension, weight * PREFIX))
    return clauses


def _any(clauses: list[tantivy.Query]) -> tantivy.Query:
    return clauses[0] if len(clauses) == 1 else Q.boolean_query([(SHOULD, c) for c in clauses])


def _matching(searcher: tantivy.Searcher, plan: QueryPlan) -> tantivy.Query:
    """Every group's word, fix or extension in the folded text (every document if no groups)."""
    if not plan.groups:
        return Q.all_query()
    return Q.boolean_query(
        [(MUST, _any(_alternatives(searcher, "text", g, 1.0))) for g in plan.groups]
    )


def _ranking(searcher: tantivy.Searcher, plan: QueryPlan) -> list[tantivy.Query]:
    """Optional clauses that add to the score: name, meta, tones as typed, the phrase."""
    ranking: list[tantivy.Query] = []
    for group in plan.groups:
        ranking += _alternatives(searcher, "name", group, NAME)
        ranking += _alternatives(searcher, "meta", group, META)
        if group.toned:
            ranking.append(_boosted(_term("exact", group.toned), TONE))
    if len(plan.groups) > 1:
        phrase = Q.phrase_query(SCHEMA, "name", [g.word for g in plan.groups])
        ranking.append(_boosted(phrase, PHRASE))
    return ranking


def _filters(filters: ListingFilters) -> list[tantivy.Query]:
    """The catalog filters as queries that match without scoring."""
    found: list[tantivy.Query] = []
    if filters.category is not None:
        found.append(_term("category", filters.category.id))
    if filters.area is not None:
        found.append(_term("area", filters.area.slug))
    if filters.commune is not None:
        found.append(_term("commune", filters.commune.code))
    if filters.min_stars is not None:
        found.append(
            Q.range_query(SCHEMA, "stars", tantivy.FieldType.Integer, filters.min_stars, None)
        )
    if filters.certification is not None:
        found.append(_term("cert", filters.certification.value))
    if filters.price_min is not None or filters.price_max is not None:
        found.append(_price(filters.price_min, filters.price_max))
    if filters.in_stock:
        found.append(_term("in_stock", 1))
    return found


def _price(low: int | None, high: int | None) -> tantivy.Query:
    for index, (band_low, band_high) in enumerate(PRICE_BUCKETS):
        if (low or 0) == band_low and high == band_high:
            return _term("price_band", index)
    return Q.range_query(SCHEMA, "price", tantivy.FieldType.Integer, low, high)


def _combine(scored: tantivy.Query, filters: list[tantivy.Query]) -> tantivy.Query:
    if not filters:
        return scored
    return Q.boolean_query(
        [(MUST, scored)] + [(MUST, Q.const_score_query(f, 0.0)) for f in filters]
    )


# The fast field behind each facet, and the sort key field behind each order.
FACET_FIELDS = {name: name for name in FACETS} | {"price": "price_band"}
SORTS = {
    "newest": ("newest", tantivy.Order.Desc),
    "price_asc": ("by_price", tantivy.Order.Asc),
    "price_desc": ("by_price", tantivy.Order.Desc),
    "stars": ("by_stars", tantivy.Order.Desc),
}


def _aggregation(names: Sequence[str]) -> dict[str, Any]:
    return {n: {"terms": {"field": FACET_FIELDS[n], "size": ALL_BUCKETS}} for n in names}


def _store(facets: Facets, name: str, buckets: list[dict[str, Any]]) -> None:
    counts = {bucket["key"]: bucket["doc_count"] for bucket in buckets if bucket["doc_count"]}
    if name == "in_stock":
        facets.in_stock = {int(k) == 1: v for k, v in counts.items()}
    elif name in ("area", "commune", "cert"):
        setattr(facets, name, {str(k): v for k, v in counts.items()})
    else:
        setattr(facets, name, {int(k): v for k, v in counts.items()})


# -- the index -----------------------------------------------------------------------------


class _Writer:
    """The index writer, held (and the directory locked) from creation to commit or cancel."""

    def __init__(self, backend: "TantivyBackend", writer: tantivy.IndexWriter, rebuild: bool):
        self._backend = backend
        self._writer: tantivy.IndexWriter | None = writer
        self._rebuild = rebuild
        if rebuild:
            writer.delete_all_documents()

    def put(self, documents: Sequence[ProductDocument]) -> None:
        writer = self._open()
        for doc in documents:
            if not self._rebuild:
                writer.delete_documents_by_term("id", doc.id)
            if doc.public:
                writer.add_document(_document(doc))

    def remove(self, product_ids: Collection[int]) -> None:
        writer = self._open()
        for product_id in product_ids:
            writer.delete_documents_by_term("id", product_id)

    def commit(self) -> None:
        writer = self._open()
        writer.commit()
        self._close()
        self._backend.committed()

    def cancel(self) -> None:
        if self._writer is not None:
            self._writer.rollback()
            self._close()

    def _open(self) -> tantivy.IndexWriter:
        if self._writer is None:
            raise RuntimeError("The search index writer was already committed or cancelled.")
        return self._writer

    def _close(self) -> None:
        """Let merges finish and release the directory lock."""
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.wait_merging_threads()


class TantivyBackend:
    """Search over a tantivy index in ``directory``/``INDEX_FOLDER``."""

    name = "tantivy"

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory) / INDEX_FOLDER
        self._index: tantivy.Index | None = None
        self._open_lock = threading.Lock()
        self._reloaded = 0.0

    def _ix(self) -> tantivy.Index:
        if self._index is None:
            with self._open_lock:
                if self._index is None:
                    self._index = self._open_or_create()
        return self._index

    def _open_or_create(self) -> tantivy.Index:
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory.parent / f"{INDEX_FOLDER}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                if tantivy.Index.exists(str(self.directory)):
                    try:
                        return self._prepare(tantivy.Index.open(str(self.directory)))
                    except (OSError, ValueError) as error:
                        logger.error("The search index is damaged (%s); starting a new one.", error)
                        shutil.rmtree(self.directory)
                        self.directory.mkdir(parents=True)
                index = tantivy.Index(SCHEMA, path=str(self.directory), reuse=False)
                (self.directory / POSITION_FILE).unlink(missing_ok=True)
                logger.warning("Created an empty search index in %s.", self.directory)
                return self._prepare(index)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    @staticmethod
    def _prepare(index: tantivy.Index) -> tantivy.Index:
        index.register_tokenizer(WORDS_TOKENIZER, _words_analyzer())
        index.config_reader(reload_policy="Manual")
        return index

    def _searcher(self) -> tantivy.Searcher:
        """A searcher on the newest commit (reloaded at most every RELOAD_EVERY seconds)."""
        index = self._ix()
        now = time.monotonic()
        if now - self._reloaded >= RELOAD_EVERY:
            index.reload()
            self._reloaded = now
        return index.searcher()

    def committed(self) -> None:
        """This process committed: the next search reloads at once."""
        self._reloaded = 0.0

    def read_position(self, session: so.Session) -> FeedPosition:
        """The feed position kept in the index folder (a wiped index starts over)."""
        del session
        self._ix()
        return feed.read_file(self.directory / POSITION_FILE)

    def save_position(self, session: so.Session, position: FeedPosition) -> None:
        """Keep the feed position beside the index it describes."""
        del session
        feed.write_file(self.directory / POSITION_FILE, position)

    # -- the interface ---------------------------------------------------------------------

    def writer(self, session: so.Session, rebuild: bool = False) -> _Writer:
        """Take the writer now (IndexBusy if another process has it); a rebuild waits."""
        del session  # the index lives outside the database
        deadline = time.monotonic() + (REBUILD_LOCK_WAIT if rebuild else 0.0)
        while True:
            try:
                if rebuild:
                    writer = self._ix().writer(heap_size=REBUILD_HEAP, num_threads=2)
                else:
                    writer = self._ix().writer(heap_size=WRITER_HEAP, num_threads=1)
                return _Writer(self, writer, rebuild)
            except ValueError as error:
                if "LockBusy" not in str(error):
                    raise
                if time.monotonic() >= deadline:
                    raise IndexBusy from error
                time.sleep(0.05)

    def known_words(self, words: Collection[str]) -> set[str]:
        """The words the index holds."""
        searcher = self._searcher()
        return {word for word in words if searcher.doc_freq("text", word)}

    def word_counts(self, words: Collection[str]) -> dict[str, int]:
        """How many documents hold each word."""
        searcher = self._searcher()
        return {word: searcher.doc_freq("text", word) for word in words}

    def search(self, request: SearchRequest, plan: QueryPlan) -> SearchResult:
        """Match and filter, rank or sort one page, and count facets with aggregations."""
        searcher = self._searcher()
        matching = _matching(searcher, plan)
        filters = _filters(request.filters)
        sort = "newest" if request.sort == "relevance" and not plan.groups else request.sort
        if sort == "relevance":
            scored = Q.boolean_query(
                [(MUST, matching)] + [(SHOULD, q) for q in _ranking(searcher, plan)]
            )
            result = searcher.search(
                _combine(scored, filters),
                limit=request.per_page,
                offset=(request.page - 1) * request.per_page,
            )
        else:
            field, order = SORTS[sort]
            result = searcher.search(
                _combine(matching, filters),
                limit=request.per_page,
                offset=(request.page - 1) * request.per_page,
                order_by_field=field,
                order=order,
            )
        addresses = [address for _score, address in result.hits]
        ids = searcher.fast_field_values("id", addresses) if addresses else []
        facets = self._facets(searcher, request, matching) if request.facets else None
        return SearchResult(ids=list(ids), total=result.count, plan=plan, facets=facets)

    def _facets(
        self, searcher: tantivy.Searcher, request: SearchRequest, matching: tantivy.Query
    ) -> Facets:
        """One aggregation for the facets without a filter of their own, one per set filter."""
        facets = Facets()
        active = request.active_facets()
        passes = [([n for n in FACETS if n not in active], request.filters)]
        passes += [([name], request.without(name)) for name in active]
        for names, filters in passes:
            if not names:
                continue
            found = searcher.aggregate(_combine(matching, _filters(filters)), _aggregation(names))
            for name in names:
                _store(facets, name, found.get(name, {}).get("buckets", []))
        return facets

    def document_count(self) -> int:
        """How many products the index holds."""
        return self._searcher().num_docs

    def versions(self) -> Iterator[tuple[int, int]]:
        """Every indexed product's id and document version (for ``search verify``)."""
        searcher = self._searcher()
        total = searcher.num_docs
        if not total:
            return
        addresses = [a for _s, a in searcher.search(Q.all_query(), limit=total).hits]
        for start in range(0, len(addresses), 10_000):
            chunk = addresses[start : start + 10_000]
            ids = searcher.fast_field_values("id", chunk)
            versions = searcher.fast_field_values("version", chunk)
            yield from zip(ids, versions, strict=True)
