"""Reading a search from URL parameters, shared by the results page and the JSON API."""

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from catalog import listing
from catalog.search.backend import SearchRequest

SORTS = {"relevance": _l("Best match"), **listing.SORTS}
MAX_QUERY_LENGTH = 200
MAX_PAGE = 200
MAX_PER_PAGE = 60
IN_STOCK_VALUES = frozenset({"", "0", "false", "1", "on", "true"})


def parse_search(
    args: MultiDict[str, str], per_page: int, api: bool = False
) -> tuple[SearchRequest, dict[str, str]]:
    """The search the parameters describe, and a message per parameter that made no sense.

    The page ignores a bad parameter and says so; the API answers 400 with the messages.
    """
    rest = MultiDict([(k, v) for k, v in args.items(multi=True) if k != "sort"])
    filters = listing.parse_filters(rest)
    errors = dict(filters.errors)
    text = (args.get("q") or "").strip()
    if len(text) > MAX_QUERY_LENGTH:
        errors["q"] = str(
            _l("Search words can be at most %(n)s characters long.", n=MAX_QUERY_LENGTH)
        )
        text = text[:MAX_QUERY_LENGTH]
    sort = args.get("sort") or ("relevance" if text else "newest")
    if sort not in SORTS:
        errors["sort"] = str(_l("Unknown sort order."))
        sort = "relevance" if text else "newest"
    if sort == "relevance" and not text:
        sort = "newest"
    page = filters.page
    if page > MAX_PAGE:
        errors["page"] = str(_l("Results stop at page %(n)s; narrow the search.", n=MAX_PAGE))
        page = MAX_PAGE
    if api:
        per_page = _per_page(args.get("per_page"), per_page, errors)
        if (args.get("in_stock") or "") not in IN_STOCK_VALUES:
            errors["in_stock"] = str(_l("in_stock is 1 or 0."))
    request = SearchRequest(text=text, filters=filters, sort=sort, page=page, per_page=per_page)
    return request, errors


def _per_page(raw: str | None, default: int, errors: dict[str, str]) -> int:
    if raw is None or raw == "":
        return default
    if raw.isdigit() and 1 <= int(raw) <= MAX_PER_PAGE:
        return int(raw)
    errors["per_page"] = str(_l("per_page goes from 1 to %(n)s.", n=MAX_PER_PAGE))
    return default


def canonical_args(request: SearchRequest, **changes: object) -> dict[str, object]:
    """The query-string arguments of ``request`` with ``changes`` (None removes one)."""
    default_sort = "relevance" if request.text else "newest"
    args: dict[str, object] = {
        "q": request.text or None,
        **request.filters.as_args(sort=None),
        "sort": request.sort if request.sort != default_sort else None,
    }
    args.update(changes)
    return {key: value for key, value in args.items() if value not in (None, "", False)}
