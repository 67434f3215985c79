"""A search costs the database one statement, however many facets it counts."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.datastructures import MultiDict

from catalog.search import indexing
from catalog.search.params import parse_search
from catalog.search.plan import plan_query
from market.extensions import db

SEARCHES = {
    "plain": {"q": "cam"},
    "multi-word": {"q": "mat ong rung"},
    "filtered with facets": {"q": "na hang", "min_stars": "3", "area": "na-hang"},
    "typo": {"q": "mein dong"},
    "prefix": {"q": "che shan tuy"},
    "every product, sorted by price": {"sort": "price_asc", "cert": "organic"},
}


@contextmanager
def _statements() -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


@pytest.mark.parametrize("args", SEARCHES.values(), ids=SEARCHES.keys())
def test_a_search_runs_one_statement(
    app: Flask, catalog: dict[str, int], args: dict[str, str]
) -> None:
    with app.test_request_context():
        indexing.apply_pending()
        backend = indexing.backend()
        request, errors = parse_search(MultiDict(args), per_page=24)
        assert errors == {}
        plan = plan_query(request.text, backend, prefix_known=True)
        with _statements() as seen:
            result = backend.search(request, plan)
        assert result.total > 0
        assert len(seen) == (1 if backend.name == "postgres" else 0), seen
