"""The search results page: products, facets as plain links, did-you-mean, empty state."""

from flask import Blueprint, current_app, render_template, request
from flask.typing import ResponseReturnValue

from catalog import categories
from catalog.search import services
from catalog.search.facets import facet_options, facet_titles
from catalog.search.params import SORTS, canonical_args, parse_search
from market.i18n import local_today

bp = Blueprint("search", __name__)


@bp.get("/tim-kiem", endpoint="results")
def results() -> ResponseReturnValue:
    """Search the catalog; every state (words, facets, sort, page) is a shareable URL."""
    search, errors = parse_search(request.args, current_app.config["PAGE_SIZE"])
    page = services.search_catalog(search)
    options = facet_options(search, page.facets) if page.facets else {}
    return render_template(
        "catalog/search/results.html",
        search=search,
        page=page,
        errors=errors,
        facets={name: found for name, found in options.items() if found},
        facet_titles=facet_titles(),
        sorts={k: v for k, v in SORTS.items() if search.text or k != "relevance"},
        args=lambda **changes: canonical_args(search, **changes),
        groups=categories.top_groups(),
        today=local_today(),
    )
