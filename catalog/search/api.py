"""The public JSON API: product search with facets, and suggestions as you type."""

from typing import Any

from flask import Blueprint, Flask, current_app, jsonify, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from catalog.models import Product
from catalog.search import services
from catalog.search.api_spec import PATHS, SCHEMAS
from catalog.search.documents import current_stars
from catalog.search.facets import facet_options
from catalog.search.params import MAX_QUERY_LENGTH, parse_search
from catalog.search.text import Segment, highlight
from catalog.storefront import image_url
from catalog.templating import area_name, place_of
from market import registry
from market.extensions import limiter
from market.i18n import local_today
from market.urls import public_url

bp = Blueprint("search_api", __name__, url_prefix="/api/v1")


def _limit() -> str:
    return current_app.config["SEARCH_API_RATE_LIMIT"]


def bad_request(fields: dict[str, str]) -> ResponseReturnValue:
    """A 400 naming each parameter that was not valid."""
    message = _("Some parameters are not valid: %(names)s.", names=", ".join(sorted(fields)))
    return jsonify(error={"code": 400, "message": message, "fields": fields}), 400


def _segments(segments: list[Segment]) -> list[dict[str, Any]]:
    return [{"text": s.text, "match": s.match} for s in segments]


def product_item(product: Product, stars: int | None) -> dict[str, Any]:
    """A product as the API shows it."""
    producer = product.producer
    cover = product.cover
    return {
        "id": product.id,
        "slug": product.slug,
        "name": product.name,
        "price": product.price,
        "currency": "VND",
        "unit": product.unit,
        "in_stock": product.stock > 0,
        "producer": {
            "name": producer.name,
            "slug": producer.slug,
            "url": public_url("catalog.producer", slug=producer.slug),
        },
        "area": {"slug": producer.area_slug, "name": area_name(producer.area_slug)},
        "commune": {"code": producer.commune_code, "name": place_of(producer)},
        "stars": stars,
        "thumbnail_url": image_url(cover.key, "card", external=True) if cover else None,
        "url": public_url("catalog.product", slug=product.slug),
    }


def _stars(product: Product) -> int | None:
    return current_stars(product, local_today()) or None


@bp.get("/products")
@limiter.limit(_limit)
def products() -> ResponseReturnValue:
    """Search the public catalog: ranked items, total, facets with counts, did-you-mean."""
    search, errors = parse_search(request.args, current_app.config["PAGE_SIZE"], api=True)
    if errors:
        return bad_request(errors)
    page = services.search_catalog(search)
    facets = facet_options(search, page.facets) if page.facets else {}
    return jsonify(
        query=search.text,
        sort=search.sort,
        page=search.page,
        per_page=search.per_page,
        total=page.total,
        items=[product_item(p, _stars(p)) for p in page.products],
        facets={
            name: [{"value": o.value, "label": o.label, "count": o.count} for o in options]
            for name, options in facets.items()
        },
        did_you_mean=page.did_you_mean,
    )


@bp.get("/suggest")
@limiter.limit(_limit)
def suggest() -> ResponseReturnValue:
    """Products whose words start with what the shopper has typed so far."""
    text = (request.args.get("q") or "").strip()
    if not text:
        return bad_request({"q": _("Type at least one letter.")})
    if len(text) > MAX_QUERY_LENGTH:
        return bad_request(
            {"q": _("Search words can be at most %(n)s characters long.", n=MAX_QUERY_LENGTH)}
        )
    plan, found = services.suggest(text)
    return jsonify(
        query=text,
        suggestions=[
            {
                "id": p.id,
                "name": p.name,
                "highlight": _segments(highlight(p.name, plan.terms, plan.prefixes)),
                "producer": p.producer.name,
                "url": url_for("catalog.product", slug=p.slug),
            }
            for p in found
        ],
        search_url=url_for("search.results", q=text),
    )


def register(app: Flask) -> None:
    """Attach the API and describe it in the OpenAPI document."""
    app.register_blueprint(bp)
    registry.OPENAPI_PATHS.update(app, PATHS)
    registry.OPENAPI_SCHEMAS.update(app, SCHEMAS)
