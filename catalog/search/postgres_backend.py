"""The scale-out backend: search rows in PostgreSQL, folded by unaccent, matched by trigrams.

Several app servers share one database, so the index is a table: ``search_documents`` holds each
product's words folded by ``search_fold()`` (unaccent) and a trigram index serves ``LIKE``. The
catalog's own SQL (``catalog.listing``) filters, sorts and counts, so visibility, OCOP stars and
stock are always current; only the text waits for the outbox.
"""

from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.dialects.postgresql import insert as pg_insert

from catalog import listing
from catalog.categories import descendant_ids, top_groups
from catalog.listing import ListingFilters
from catalog.models import Producer, Product, ProductCertification
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
from catalog.search.models import SearchDocument, SearchWord
from catalog.search.plan import QueryPlan, TermGroup
from catalog.search.text import words
from catalog.storefront import local_today
from market.extensions import db

# pg_advisory_xact_lock key: one index writer at a time across every app server.
WRITER_LOCK = 0x63686F7175  # "choqu"


def _padded(text: str) -> str:
    return f" {text} "


def _matches(column: sa.ColumnElement[str], group: TermGroup) -> list[sa.ColumnElement[bool]]:
    clauses = [column.like(f"% {group.word} %")]
    clauses += [column.like(f"% {c} %") for c in group.corrections]
    if group.prefix:
        where = SearchDocument.name_folded if group.short_prefix else column
        clauses.append(where.like(f"% {group.word}%"))
    return clauses


def _weighted(column: sa.ColumnElement[str], group: TermGroup, weight: float) -> sa.Case:
    whens = [(column.like(f"% {group.word} %"), weight)]
    whens += [(column.like(f"% {c} %"), weight * CORRECTION) for c in group.corrections]
    if group.prefix and (column is SearchDocument.name_folded or not group.short_prefix):
        whens.append((column.like(f"% {group.word}%"), weight * PREFIX))
    return sa.case(*whens, else_=0.0)


def _score(plan: QueryPlan) -> sa.ColumnElement[float]:
    doc = SearchDocument
    parts: list[sa.ColumnElement[float]] = []
    for group in plan.groups:
        parts.append(_weighted(doc.text_folded, group, 1.0))
        parts.append(_weighted(doc.name_folded, group, NAME))
        parts.append(_weighted(doc.meta_folded, group, META))
        if group.toned:
            parts.append(sa.case((doc.exact.like(f"% {group.toned} %"), TONE), else_=0.0))
    if len(plan.groups) > 1:
        phrase = " ".join(g.word for g in plan.groups)
        parts.append(sa.case((doc.name_folded.like(f"% {phrase} %"), PHRASE), else_=0.0))
    return sum(parts[1:], parts[0])


def _matched(plan: QueryPlan, filters: ListingFilters, today: date, sort: str) -> sa.Select:
    order = sort if sort in listing.SORTS else "newest"
    query = listing.filtered_products(replace(filters, sort=order), today)
    if plan.groups:
        query = query.join(SearchDocument, SearchDocument.product_id == Product.id).where(
            *(sa.or_(*_matches(SearchDocument.text_folded, g)) for g in plan.groups)
        )
    return query


def _price_bucket() -> sa.Case:
    return sa.case(
        *(
            (Product.price <= high, index)
            for index, (_low, high) in enumerate(PRICE_BUCKETS)
            if high is not None
        ),
        else_=len(PRICE_BUCKETS) - 1,
    )


class _Writer:
    """Index rows written in the drain's own transaction, under an advisory lock."""

    def __init__(self, session: so.Session, rebuild: bool) -> None:
        self._session = session
        if rebuild:
            session.execute(sa.delete(SearchDocument))
            session.execute(sa.delete(SearchWord))

    def put(self, documents: Sequence[ProductDocument]) -> None:
        if not documents:
            return
        fold = sa.func.search_fold
        rows = [
            {
                "product_id": doc.id,
                "name_folded": fold(doc.name),
                "meta_folded": fold(doc.meta),
                "text_folded": fold(doc.text),
                "exact": _padded(" ".join(words(doc.exact))),
            }
            for doc in documents
        ]
        statement = pg_insert(SearchDocument).values(rows)
        self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[SearchDocument.product_id],
                set_={
                    name: statement.excluded[name]
                    for name in ("name_folded", "meta_folded", "text_folded", "exact")
                },
            )
        )
        self._session.execute(
            sa.text(
                "INSERT INTO search_words (word) "
                "SELECT DISTINCT w FROM search_documents d, "
                "unnest(string_to_array(btrim(d.text_folded), ' ')) AS w "
                "WHERE d.product_id = ANY(:ids) AND w <> '' AND length(w) <= 100 "
                "ON CONFLICT DO NOTHING"
            ),
            {"ids": [doc.id for doc in documents]},
        )

    def remove(self, product_ids: Collection[int]) -> None:
        if product_ids:
            self._session.execute(
                sa.delete(SearchDocument).where(SearchDocument.product_id.in_(product_ids))
            )

    def commit(self) -> None:
        self._session.flush()

    def cancel(self) -> None:
        self._session.rollback()


class PostgresBackend:
    """Search with unaccent and pg_trgm inside the shared PostgreSQL database."""

    name = "postgres"

    def __init__(self) -> None:
        self._filled = False

    def writer(self, session: so.Session, rebuild: bool = False) -> _Writer:
        """Take the advisory writer lock for this transaction (a rebuild waits for it)."""
        if rebuild:
            session.execute(sa.select(sa.func.pg_advisory_xact_lock(WRITER_LOCK)))
        elif not session.scalar(sa.select(sa.func.pg_try_advisory_xact_lock(WRITER_LOCK))):
            raise IndexBusy
        return _Writer(session, rebuild)

    def known_words(self, words: Collection[str]) -> set[str]:
        """The words the index holds."""
        return set(db.session.scalars(sa.select(SearchWord.word).where(SearchWord.word.in_(words))))

    def word_counts(self, words: Collection[str]) -> dict[str, int]:
        """How many documents hold each word."""
        return {
            word: db.session.scalar(
                sa.select(sa.func.count()).where(SearchDocument.text_folded.like(f"% {word} %"))
            )
            for word in words
        }

    def search(self, request: SearchRequest, plan: QueryPlan) -> SearchResult:
        """Match in SQL, filter and sort with the catalog's own query, count facets in SQL."""
        today = local_today()
        query = _matched(plan, request.filters, today, request.sort)
        if request.sort == "relevance" and plan.groups:
            query = query.order_by(None).order_by(
                _score(plan).desc(), Product.created_at.desc(), Product.id.desc()
            )
        ids = list(
            db.session.scalars(
                query.with_only_columns(Product.id, maintain_column_froms=True)
                .offset((request.page - 1) * request.per_page)
                .limit(request.per_page)
            )
        )
        if not request.facets:
            total = db.session.scalar(
                sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
            )
            return SearchResult(ids=ids, total=total, plan=plan)
        facets = Facets()
        active = request.active_facets()
        # Facets without a filter of their own share the request's matches: one GROUPING SETS
        # pass counts them all and the total; a facet whose filter is set counts without it.
        shared = [name for name in FACETS if name not in active]
        total = self._count(facets, shared, _matched(plan, request.filters, today, "newest"), today)
        for name in active:
            self._count(
                facets, [name], _matched(plan, request.without(name), today, "newest"), today
            )
        return SearchResult(ids=ids, total=total, plan=plan, facets=facets)

    def _count(self, facets: Facets, names: list[str], matched: sa.Select, today: date) -> int:
        """Count ``names`` over ``matched`` into ``facets``; return how many rows matched."""
        rows = matched.order_by(None).with_only_columns(
            Product.id.label("id"),
            Product.category_id.label("group"),
            Producer.district_code.label("district"),
            sa.func.coalesce(listing.current_stars(today), 0).label("stars"),
            _price_bucket().label("price"),
            (Product.stock > 0).label("in_stock"),
            maintain_column_froms=True,
        )
        sub = rows.subquery()
        if "cert" in names:
            query = (
                sa.select(ProductCertification.code, sa.func.count())
                .join(sub, sub.c.id == ProductCertification.product_id)
                .group_by(ProductCertification.code)
            )
            facets.cert = {code.value: n for code, n in db.session.execute(query)}
        columns = [sub.c[name] for name in names if name != "cert"]
        sets = [sa.tuple_(column) for column in columns] + [sa.tuple_()]
        grouped = db.session.execute(
            sa.select(
                *columns,
                *(sa.func.grouping(column) for column in columns),
                sa.func.count(),
            ).group_by(sa.func.grouping_sets(*sets))
        ).all()
        total, counts = 0, {column.name: {} for column in columns}
        for row in grouped:
            values, rolled, n = row[: len(columns)], row[len(columns) : -1], row[-1]
            if all(rolled):
                total = n
                continue
            index = rolled.index(0)
            counts[columns[index].name][values[index]] = n
        for name, found in counts.items():
            _store(facets, name, found)
        return total

    def needs_fill(self) -> bool:
        """True while no product has index rows but products exist (say, a switch from Whoosh)."""
        if not self._filled:
            has_rows = db.session.scalar(sa.select(SearchDocument.product_id).limit(1))
            self._filled = (
                has_rows is not None or db.session.scalar(sa.select(Product.id).limit(1)) is None
            )
        return not self._filled

    def filled(self) -> None:
        """Every product has been queued."""
        self._filled = True

    def document_count(self) -> int:
        """How many public products have index rows."""
        return db.session.scalar(
            sa.select(sa.func.count()).select_from(
                listing.public_products()
                .join(SearchDocument, SearchDocument.product_id == Product.id)
                .subquery()
            )
        )


def _store(facets: Facets, name: str, counts: dict) -> None:
    if name == "group":
        roots = _roots()
        facets.group = {}
        for category_id, n in counts.items():
            root = roots[category_id]
            facets.group[root] = facets.group.get(root, 0) + n
    elif name == "in_stock":
        facets.in_stock = {bool(k): v for k, v in counts.items()}
    else:
        setattr(facets, name, counts)


def _roots() -> dict[int, int]:
    """Every category id mapped to its top-level group id."""
    return {leaf: group.id for group in top_groups() for leaf in descendant_ids(group)}
