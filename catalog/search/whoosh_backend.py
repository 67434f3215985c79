"""The default backend: a Whoosh index in the instance folder, one writer at a time.

Every process reads the index; whichever process gets the writer lock (without waiting) applies
the outbox. Readers keep a searcher per thread and reopen it when a newer commit exists, so a
change committed by any worker is seen by the others on their next query.
"""

import logging
import threading
from collections.abc import Collection, Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy.orm as so
from whoosh import index, query, sorting
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, Token
from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError
from whoosh.searching import Searcher
from whoosh.writing import CLEAR, SegmentWriter

from catalog.search import feed
from catalog.search.backend import (
    CORRECTION,
    FACETS,
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
from catalog.search.plan import QueryPlan, TermGroup
from catalog.search.text import WORD
from catalog.search.whoosh_facets import FacetMasks, forget_segments, segment_key, to_set
from market.text import fold

logger = logging.getLogger(__name__)

# Bump when the schema or analysis changes: a new index name makes every process build afresh.
INDEX_NAME = "products_v3"
POSITION_FILE = f"{INDEX_NAME}.feed-position.json"
REBUILD_LOCK_WAIT = 120.0
EPOCH = datetime(1970, 1, 1)


class FoldFilter(Filter):
    """Fold each token exactly as queries are folded (diacritics removed, đ → d)."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            token.text = fold(token.text)
            yield token


def build_schema() -> Schema:
    """Folded text fields to match, an accented one to rank tones, and filter columns."""
    folded = RegexTokenizer(WORD.pattern) | LowercaseFilter() | FoldFilter()
    toned = RegexTokenizer(WORD.pattern) | LowercaseFilter()
    # Every indexed term of a field without lengths costs Whoosh a file-existence check at
    # commit, so sort-only values are columns (no terms) and the price has few numeric tiers.
    return Schema(
        id=ID(stored=True, unique=True),
        rank=COLUMN(NumericColumn("q")),
        version=COLUMN(NumericColumn("q")),
        name=TEXT(analyzer=folded, phrase=True),
        meta=TEXT(analyzer=folded, phrase=False),
        text=TEXT(analyzer=folded, phrase=False),
        exact=TEXT(analyzer=toned, phrase=False),
        category=KEYWORD,
        group=ID(sortable=True),
        area=ID(sortable=True),
        commune=ID(sortable=True),
        stars=ID(sortable=True),
        cert=KEYWORD,
        price=NUMERIC(int, bits=64, shift_step=16, sortable=True),
        price_band=ID(sortable=True),
        in_stock=ID(sortable=True),
        created=COLUMN(NumericColumn("q")),
    )


def _fields(doc: ProductDocument) -> dict[str, object]:
    return {
        "id": str(doc.id),
        "rank": doc.id,
        "version": doc.version,
        "name": doc.name,
        "meta": doc.meta,
        "text": doc.text,
        "exact": doc.exact,
        "category": " ".join(str(c) for c in doc.category_ids),
        "group": str(doc.group_id),
        "area": doc.area_slug,
        "commune": doc.commune_code,
        "stars": str(doc.stars),
        "cert": " ".join(doc.cert_codes),
        "price": doc.price,
        "price_band": str(price_band(doc.price)),
        "in_stock": "1" if doc.in_stock else "0",
        # Naive UTC, so no local-time conversion: microseconds since 1970.
        "created": (doc.created_at - EPOCH) // timedelta(microseconds=1),
    }


def _alternatives(field: str, group: TermGroup, weight: float) -> list[query.Query]:
    clauses: list[query.Query] = [query.Term(field, group.word, boost=weight)]
    clauses += [query.Term(field, c, boost=weight * CORRECTION) for c in group.corrections]
    if group.prefix and (field == "name" or not group.short_prefix):
        clauses.append(query.Prefix(field, group.word, boost=weight * PREFIX))
    elif group.prefix and field == "text":
        clauses.append(query.Prefix("name", group.word, boost=weight * PREFIX))
    return clauses


def matching_query(plan: QueryPlan) -> query.Query:
    """What a document must hold: every group's word (or fix, or extension) in "text"."""
    if not plan.groups:
        return query.Every()
    return query.And([query.Or(_alternatives("text", g, 1.0)) for g in plan.groups])


def build_query(plan: QueryPlan) -> query.Query:
    """The matching query, with name, meta, tones and phrase adding to the score."""
    required = matching_query(plan)
    if not plan.groups:
        return required
    ranking: list[query.Query] = []
    for group in plan.groups:
        ranking += _alternatives("name", group, NAME)
        ranking += _alternatives("meta", group, META)
        if group.toned:
            ranking.append(query.Term("exact", group.toned, boost=TONE))
    if len(plan.groups) > 1:
        ranking.append(query.Phrase("name", [g.word for g in plan.groups], boost=PHRASE))
    return query.AndMaybe(required, query.Or(ranking))


def _sort(request: SearchRequest) -> list[sorting.FacetType] | None:
    created = sorting.FieldFacet("created", reverse=True)
    newest = sorting.FieldFacet("rank", reverse=True)
    return {
        "relevance": None,
        "newest": [created, newest],
        "price_asc": [sorting.FieldFacet("price"), sorting.FieldFacet("rank")],
        "price_desc": [sorting.FieldFacet("price", reverse=True), newest],
        "stars": [sorting.FieldFacet("stars", reverse=True), created, newest],
    }[request.sort]


# The index field behind each facet.
FACET_FIELDS = {name: name for name in FACETS} | {"price": "price_band"}


def _store(counts: dict[str, int], facets: Facets, name: str) -> None:
    if name == "in_stock":
        facets.in_stock = {k == "1": v for k, v in counts.items()}
    elif name in ("group", "stars", "price"):
        setattr(facets, name, {int(k): v for k, v in counts.items()})
    else:
        setattr(facets, name, counts)


class _Writer:
    """The index writer; put/remove are buffered until commit."""

    def __init__(self, writer: SegmentWriter, rebuild: bool) -> None:
        self._writer = writer
        self._rebuild = rebuild

    def put(self, documents: Sequence[ProductDocument]) -> None:
        for doc in documents:
            if self._rebuild:
                if doc.public:
                    self._writer.add_document(**_fields(doc))
            elif doc.public:
                self._writer.update_document(**_fields(doc))
            else:
                self._writer.delete_by_term("id", str(doc.id))

    def remove(self, product_ids: Collection[int]) -> None:
        for product_id in product_ids:
            self._writer.delete_by_term("id", str(product_id))

    def commit(self) -> None:
        if self._rebuild:
            self._writer.commit(mergetype=CLEAR)
        else:
            self._writer.commit()

    def cancel(self) -> None:
        self._writer.cancel()


class WhooshBackend:
    """Search over a Whoosh index in ``directory``."""

    name = "whoosh"

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self._ix: index.Index | None = None
        self._open_lock = threading.Lock()
        self._local = threading.local()

    # -- the index files -------------------------------------------------------------------

    def _index(self) -> index.Index:
        if self._ix is None:
            with self._open_lock:
                if self._ix is None:
                    self._ix = self._open_or_create()
        return self._ix

    def _open_or_create(self) -> index.Index:
        self.directory.mkdir(parents=True, exist_ok=True)
        storage = FileStorage(str(self.directory))
        lock = storage.lock("CREATE")
        lock.acquire(blocking=True)
        try:
            try:
                ix = index.open_dir(str(self.directory), indexname=INDEX_NAME)
                ix.doc_count()  # reads the table of contents and every segment header
                return ix
            except index.EmptyIndexError:
                pass
            except Exception as error:
                # No traceback kept: Whoosh leaves the damaged file open in its frames.
                logger.error("The search index is damaged (%s); starting a new one.", str(error))
            ix = index.create_in(str(self.directory), build_schema(), indexname=INDEX_NAME)
            (self.directory / POSITION_FILE).unlink(missing_ok=True)
            logger.warning("Created an empty search index in %s.", self.directory)
            return ix
        finally:
            lock.release()

    def read_position(self, session: so.Session) -> FeedPosition:
        """The feed position kept beside the index (a new index starts over)."""
        del session
        self._index()
        return feed.read_file(self.directory / POSITION_FILE)

    def save_position(self, session: so.Session, position: FeedPosition) -> None:
        """Keep the feed position beside the index it describes."""
        del session
        feed.write_file(self.directory / POSITION_FILE, position)

    def _searcher(self) -> Searcher:
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None and not searcher.up_to_date():
            self._local.masks = None
            # Not Searcher.refresh(): it reuses readers of unchanged segments and so misses
            # documents a later commit deleted from them (an updated product would show twice).
            searcher.close()
            searcher = None
        if searcher is None:
            searcher = self._open_searcher()
            self._local.searcher = searcher
        return searcher

    def _open_searcher(self) -> Searcher:
        try:
            return self._index().searcher()
        except OSError:
            # A commit may have removed merged segment files while we read its table of contents.
            return self._index().searcher()
        except Exception as error:
            logger.error("The search index could not be read (%s); checking it again.", str(error))
            with self._open_lock:
                self._ix = None
            return self._index().searcher()

    # -- the interface ---------------------------------------------------------------------

    def writer(self, session: so.Session, rebuild: bool = False) -> _Writer:
        """Take the writer now (IndexBusy if another process has it); a rebuild waits."""
        del session  # the index lives outside the database
        try:
            writer = self._index().writer(
                timeout=REBUILD_LOCK_WAIT if rebuild else 0.0, limitmb=128
            )
        except LockError as error:
            raise IndexBusy from error
        return _Writer(writer, rebuild)

    def known_words(self, words: Collection[str]) -> set[str]:
        """The words the index holds."""
        reader = self._searcher().reader()
        return {word for word in words if ("text", word) in reader}

    def word_counts(self, words: Collection[str]) -> dict[str, int]:
        """How many documents hold each word."""
        reader = self._searcher().reader()
        return {word: reader.doc_frequency("text", word) for word in words}

    def _masks(self) -> FacetMasks:
        searcher = self._searcher()
        masks = getattr(self._local, "masks", None)
        if masks is None or masks.searcher is not searcher:
            masks = FacetMasks(searcher)
            self._local.masks = masks
            forget_segments({segment_key(sub.reader()) for sub, _ in searcher.leaf_searchers()})
        return masks

    def search(self, request: SearchRequest, plan: QueryPlan) -> SearchResult:
        """Match and filter as bitmasks, count facets, then rank the page with Whoosh."""
        if not request.facets and not request.filters.active:
            return self._quick(request, plan)
        masks = self._masks()
        matched = masks.matching(matching_query(plan) if plan.groups else None)
        filtered = matched & masks.filtered(request.filters)
        total = filtered.bit_count()
        facets = None
        if request.facets:
            facets = Facets()
            active = request.active_facets()
            for name in FACETS:
                base = (
                    matched & masks.filtered(request.without(name)) if name in active else filtered
                )
                _store(masks.counts(base, FACET_FIELDS[name]), facets, name)
        ids: list[int] = []
        start = (request.page - 1) * request.per_page
        if total > start:
            results = masks.searcher.search(
                build_query(plan),
                filter=None if filtered == matched else to_set(filtered),
                limit=request.page * request.per_page,
                sortedby=_sort(request),
                terms=False,
            )
            ids = [int(hit["id"]) for hit in results[start : start + request.per_page]]
        return SearchResult(ids=ids, total=total, plan=plan, facets=facets)

    def _quick(self, request: SearchRequest, plan: QueryPlan) -> SearchResult:
        """Suggestions and probes: one ranked pass, no facets; the total may count only hits."""
        results = self._searcher().search(
            build_query(plan),
            limit=request.page * request.per_page,
            sortedby=_sort(request),
            terms=False,
        )
        start = (request.page - 1) * request.per_page
        ids = [int(hit["id"]) for hit in results[start : start + request.per_page]]
        total = len(results) if results.has_exact_length() else results.scored_length()
        return SearchResult(ids=ids, total=total, plan=plan)

    def document_count(self) -> int:
        """How many products the index holds."""
        return self._searcher().doc_count()

    def versions(self) -> Iterator[tuple[int, int]]:
        """Every indexed product's id and document version (for ``search verify``)."""
        searcher = self._searcher()
        for subsearcher, _offset in searcher.leaf_searchers():
            reader = subsearcher.reader()
            if reader.doc_count() == 0:
                continue
            ids, versions = reader.column_reader("rank"), reader.column_reader("version")
            for docnum in reader.all_doc_ids():
                yield ids[docnum], versions[docnum]

    def close(self) -> None:
        """Release the searcher of this thread (tests and shutdown)."""
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None:
            searcher.close()
            self._local.searcher = None
            self._local.masks = None
