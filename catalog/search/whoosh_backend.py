"""The default backend: a Whoosh index in the instance folder, one writer at a time.

Every process reads the index; whichever process gets the writer lock (without waiting) applies
the outbox. Readers keep a searcher per thread and refresh it when a newer commit exists, so a
change committed by any worker is seen by the others on their next query.
"""

import logging
import threading
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path

import sqlalchemy.orm as so
from whoosh import index, query, sorting
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, Token
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError
from whoosh.searching import Searcher
from whoosh.writing import CLEAR, SegmentWriter

from catalog.listing import ListingFilters
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
)
from catalog.search.documents import ProductDocument
from catalog.search.plan import QueryPlan, TermGroup
from catalog.search.text import WORD, fold

logger = logging.getLogger(__name__)

# Bump when the schema or analysis changes: a new index name makes every process build afresh.
INDEX_NAME = "products_v1"
FILL_MARKER = f"{INDEX_NAME}.needs-fill"
REBUILD_LOCK_WAIT = 120.0


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
    return Schema(
        id=ID(stored=True, unique=True),
        rank=NUMERIC(int, bits=64, sortable=True),
        name=TEXT(analyzer=folded, phrase=True),
        meta=TEXT(analyzer=folded, phrase=False),
        text=TEXT(analyzer=folded, phrase=False),
        exact=TEXT(analyzer=toned, phrase=False),
        category=KEYWORD,
        group=ID(sortable=True),
        district=ID(sortable=True),
        stars=NUMERIC(int, sortable=True),
        cert=KEYWORD,
        price=NUMERIC(int, bits=64, sortable=True),
        in_stock=ID(sortable=True),
        created=NUMERIC(int, bits=64, sortable=True),
    )


def _fields(doc: ProductDocument) -> dict[str, object]:
    return {
        "id": str(doc.id),
        "rank": doc.id,
        "name": doc.name,
        "meta": doc.meta,
        "text": doc.text,
        "exact": doc.exact,
        "category": " ".join(str(c) for c in doc.category_ids),
        "group": str(doc.group_id),
        "district": doc.district_code,
        "stars": doc.stars,
        "cert": " ".join(doc.cert_codes),
        "price": doc.price,
        "in_stock": "1" if doc.in_stock else "0",
        "created": int(doc.created_at.timestamp() * 1_000_000),
    }


def _alternatives(field: str, group: TermGroup, weight: float) -> list[query.Query]:
    clauses: list[query.Query] = [query.Term(field, group.word, boost=weight)]
    clauses += [query.Term(field, c, boost=weight * CORRECTION) for c in group.corrections]
    if group.prefix:
        clauses.append(query.Prefix(field, group.word, boost=weight * PREFIX))
    return clauses


def build_query(plan: QueryPlan) -> query.Query:
    """Every group must match in "text"; name, meta, tones and phrase add to the score."""
    if not plan.groups:
        return query.Every()
    required = query.And([query.Or(_alternatives("text", g, 1.0)) for g in plan.groups])
    ranking: list[query.Query] = []
    for group in plan.groups:
        ranking += _alternatives("name", group, NAME)
        ranking += _alternatives("meta", group, META)
        if group.toned:
            ranking.append(query.Term("exact", group.toned, boost=TONE))
    if len(plan.groups) > 1:
        ranking.append(query.Phrase("name", [g.word for g in plan.groups], boost=PHRASE))
    return query.AndMaybe(required, query.Or(ranking))


def filter_query(filters: ListingFilters) -> query.Query | None:
    """The catalog listing's filters as a Whoosh filter (same meaning as the SQL)."""
    parts: list[query.Query] = []
    if filters.category is not None:
        parts.append(query.Term("category", str(filters.category.id)))
    if filters.district is not None:
        parts.append(query.Term("district", filters.district.code))
    if filters.min_stars is not None:
        parts.append(query.NumericRange("stars", filters.min_stars, None))
    if filters.certification is not None:
        parts.append(query.Term("cert", filters.certification.value))
    if filters.price_min is not None or filters.price_max is not None:
        parts.append(query.NumericRange("price", filters.price_min, filters.price_max))
    if filters.in_stock:
        parts.append(query.Term("in_stock", "1"))
    return query.And(parts) if parts else None


def _facet(name: str) -> sorting.FacetType:
    if name == "cert":
        codes = ("vietgap", "globalgap", "organic")
        return sorting.QueryFacet({c: query.Term("cert", c) for c in codes}, allow_overlap=True)
    if name == "price":
        return sorting.QueryFacet(
            {i: query.NumericRange("price", lo, hi) for i, (lo, hi) in enumerate(PRICE_BUCKETS)}
        )
    return sorting.FieldFacet(name)


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


def _store(groups: dict, facets: Facets, name: str) -> None:
    counts = {key: value for key, value in groups.items() if key is not None}
    if name == "group":
        facets.group = {int(k): v for k, v in counts.items()}
    elif name == "in_stock":
        facets.in_stock = {k == "1": v for k, v in counts.items()}
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
            (self.directory / FILL_MARKER).touch()
            logger.warning("Created an empty search index in %s.", self.directory)
            return ix
        finally:
            lock.release()

    def needs_fill(self) -> bool:
        """True when the index was created empty and every product must be queued."""
        self._index()
        return (self.directory / FILL_MARKER).exists()

    def filled(self) -> None:
        """Record that every product has been queued (or indexed)."""
        (self.directory / FILL_MARKER).unlink(missing_ok=True)

    def _searcher(self) -> Searcher:
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None and not searcher.up_to_date():
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

    def search(self, request: SearchRequest, plan: QueryPlan) -> SearchResult:
        """Match, filter, count facets, sort and page with Whoosh."""
        searcher = self._searcher()
        q = build_query(plan)
        active = request.active_facets() if request.facets else []
        grouped = {n: _facet(n) for n in FACETS if request.facets and n not in active}
        results = searcher.search(
            q,
            filter=filter_query(request.filters),
            limit=request.page * request.per_page,
            sortedby=_sort(request),
            groupedby=grouped or None,
            maptype=sorting.Count,
            terms=False,
        )
        start = (request.page - 1) * request.per_page
        ids = [int(hit["id"]) for hit in results[start : start + request.per_page]]
        facets = None
        if request.facets:
            facets = Facets()
            for name in grouped:
                _store(results.groups(name), facets, name)
            for name in active:
                other = searcher.search(
                    q,
                    filter=filter_query(request.without(name)),
                    limit=1,
                    groupedby={name: _facet(name)},
                    maptype=sorting.Count,
                    terms=False,
                )
                _store(other.groups(name), facets, name)
        return SearchResult(ids=ids, total=len(results), plan=plan, facets=facets)

    def document_count(self) -> int:
        """How many products the index holds."""
        return self._searcher().doc_count()

    def close(self) -> None:
        """Release the searcher of this thread (tests and shutdown)."""
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None:
            searcher.close()
            self._local.searcher = None
