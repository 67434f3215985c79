"""Search use cases: a results page (products, facets, did-you-mean) and suggestions."""

from dataclasses import dataclass, replace

import sqlalchemy as sa
from flask import current_app

from catalog.listing import public_products
from catalog.models import Product
from catalog.search import indexing
from catalog.search.backend import Facets, SearchRequest
from catalog.search.plan import QueryPlan, plan_query
from catalog.search.text import Segment, accented_form, highlight
from catalog.storefront import _card_options
from catalog.templating import area_name
from market.extensions import db

SUGGESTIONS = 8


@dataclass
class SearchPage:
    """What a results page or the products API shows."""

    request: SearchRequest
    products: list[Product]
    total: int
    facets: Facets | None
    plan: QueryPlan
    did_you_mean: str | None

    @property
    def pages(self) -> int:
        """How many pages the results fill."""
        return max(1, -(-self.total // self.request.per_page))

    def highlighted(self, text: str) -> list[Segment]:
        """``text`` split into segments, the words the query matched marked."""
        return highlight(text, self.plan.terms, self.plan.prefixes)


def _load(ids: list[int]) -> list[Product]:
    """The public products with these ids, in this order (the index may lag a moment)."""
    if not ids:
        return []
    found = db.session.scalars(
        public_products().where(Product.id.in_(ids)).options(*_card_options())
    ).all()
    by_id = {p.id: p for p in found}
    return [by_id[i] for i in ids if i in by_id]


def _texts(products: list[Product]) -> list[str]:
    return [
        f"{p.name} {p.producer.name} {area_name(p.producer.area_slug)} {p.description}"
        for p in products
    ]


def _suggestion(request: SearchRequest, plan: QueryPlan, total: int) -> str | None:
    """A query likely to find more: typos fixed, or (when nothing matched) fewer words."""
    backend = indexing.backend()
    candidates: list[str] = []
    if plan.corrected:
        candidates.append(plan.corrected)
    if total == 0:
        words = [g.word for g in plan.groups]
        candidates += [" ".join(words[:n]) for n in range(len(words) - 1, 0, -1)]
    for text in candidates:
        trial = plan_query(text, backend, prefix_last=False)
        probe = replace(request, page=1, per_page=3, facets=False, sort="relevance")
        found = backend.search(replace(probe, text=text), trial)
        if found.total:
            texts = _texts(_load(found.ids))
            return " ".join(accented_form(g.word, texts) for g in trial.groups)
    return None


def search_catalog(request: SearchRequest) -> SearchPage:
    """Search the public catalog: ranked products, facet counts and a did-you-mean."""
    indexing.sync_before_search(current_app._get_current_object())
    backend = indexing.backend()
    # The last word may be unfinished even when it is a word ("thit tra" → trâu), as in the
    # suggestions; whole-word matches still rank first.
    plan = plan_query(request.text, backend, prefix_known=True)
    result = backend.search(request, plan)
    did_you_mean = _suggestion(request, plan, result.total) if plan.groups else None
    return SearchPage(
        request=request,
        products=_load(result.ids),
        total=result.total,
        facets=result.facets,
        plan=plan,
        did_you_mean=did_you_mean,
    )


def suggest(text: str) -> tuple[QueryPlan, list[Product]]:
    """Products whose words start as the shopper types, best first."""
    indexing.sync_before_search(current_app._get_current_object())
    backend = indexing.backend()
    plan = plan_query(text, backend, min_prefix=1, prefix_known=True)
    if not plan.groups:
        return plan, []
    request = SearchRequest(text=text, per_page=SUGGESTIONS, facets=False)
    return plan, _load(backend.search(request, plan).ids)


def total_public() -> int:
    """How many products shoppers can see (for the status command)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(public_products().subquery()))
