"""Public catalog pages: home, listing, product, producers, and product photos."""

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue

from catalog import categories, images, listing
from catalog.models import (
    Producer,
    ProducerStatus,
    Product,
    ProductStatus,
)
from catalog.trace import chain
from market import media, places
from market.config import ROOT
from market.discovery import SitemapEntry
from market.extensions import db
from market.i18n import local_today
from market.pagecache import cached_page
from market.urls import public_url

bp = Blueprint("catalog", __name__)


def _card_options() -> tuple:
    # Cards show the stars stored on the product (catalog.ocop): no recognitions to load.
    return (so.selectinload(Product.images), so.contains_eager(Product.producer))


def _cards_in_order(ids: list[int]) -> list[Product]:
    """The products with these ids, loaded for cards, in the order given."""
    found = {
        p.id: p
        for p in db.session.scalars(
            listing.public_products().where(Product.id.in_(ids)).options(*_card_options())
        )
    }
    return [found[i] for i in ids if i in found]


@bp.get("/")
@cached_page
def home() -> ResponseReturnValue:
    """Featured OCOP products, the OCOP groups, areas of origin and new arrivals."""
    featured = db.session.scalars(
        listing.public_products()
        .where(Product.ocop_stars >= 4)
        .options(*_card_options())
        .order_by(Product.ocop_stars.desc(), Product.created_at.desc(), Product.id.desc())
        .limit(8)
    ).all()
    newest = db.session.scalars(
        listing.public_products()
        .options(*_card_options())
        .order_by(Product.created_at.desc(), Product.id.desc())
        .limit(8)
    ).all()
    return render_template(
        "catalog/home.html",
        featured=featured,
        newest=newest,
        groups=categories.top_groups(),
        areas=places.areas(),
    )


@bp.get("/san-pham", endpoint="listing")
@cached_page
def listing_page() -> ResponseReturnValue:
    """The catalog with filters and sorts, paginated, every state a shareable URL."""
    filters = listing.parse_filters(request.args)
    # Count and order ids from the listing index alone, then load just the products shown.
    ids = listing.filtered_products(filters).with_only_columns(Product.id)
    page = db.paginate(
        ids, page=filters.page, per_page=current_app.config["PAGE_SIZE"], error_out=False
    )
    page.items = _cards_in_order(page.items)
    return render_template(
        "catalog/listing.html",
        page=page,
        filters=filters,
        groups=categories.top_groups(),
        areas=places.areas(),
        communes=places.communes(places.HOME_PROVINCE),
        sorts=listing.SORTS,
    )


@bp.get("/san-pham/<slug>")
@cached_page
def product(slug: str) -> ResponseReturnValue:
    """A product's page: photos, price, stock, producer, OCOP rating and origin."""
    item = db.session.scalar(
        listing.public_products()
        .where(Product.slug == slug)
        .options(
            so.selectinload(Product.images),
            so.selectinload(Product.recognitions),
            so.contains_eager(Product.producer),
            so.joinedload(Product.growing_area),
            so.joinedload(Product.category),
        )
    )
    if item is None:
        abort(404)
    more = db.session.scalars(
        listing.public_products()
        .where(Product.producer_id == item.producer_id, Product.id != item.id)
        .options(*_card_options())
        .order_by(Product.created_at.desc())
        .limit(4)
    ).all()
    return render_template(
        "catalog/product.html",
        product=item,
        jsonld=product_jsonld(item),
        more=more,
        today=local_today(),
        recognition=item.current_recognition(local_today()),
        lots=chain.current_lots(item.id),
    )


@bp.get("/nha-san-xuat")
def producers() -> ResponseReturnValue:
    """Verified producers, optionally of one area of origin."""
    area = places.area(request.args.get("area"))
    query = sa.select(Producer).where(Producer.status == ProducerStatus.VERIFIED)
    if area is not None:
        query = query.where(Producer.area_slug == area.slug)
    counts = (
        sa.select(Product.producer_id, sa.func.count().label("n"))
        .where(Product.status == ProductStatus.ACTIVE)
        .group_by(Product.producer_id)
        .subquery()
    )
    rows = db.session.execute(
        query.add_columns(sa.func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.producer_id == Producer.id)
        .order_by(Producer.name)
    ).all()
    return render_template(
        "catalog/producers.html",
        rows=rows,
        area=area,
        areas=places.areas(),
    )


@bp.get("/nha-san-xuat/<slug>")
def producer(slug: str) -> ResponseReturnValue:
    """A verified producer's story and its public products."""
    item = db.first_or_404(
        sa.select(Producer).where(Producer.slug == slug, Producer.status == ProducerStatus.VERIFIED)
    )
    products = db.session.scalars(
        listing.public_products()
        .where(Product.producer_id == item.id)
        .options(*_card_options())
        .order_by(Product.created_at.desc())
    ).all()
    return render_template("catalog/producer.html", producer=item, products=products)


@bp.get("/anh/<key>/<rendition>.webp")
def image(key: str, rendition: str) -> ResponseReturnValue:
    """Serve a stored photo rendition as WebP with a year-long cache (or send to its URL)."""
    name = images.rendition_key(key, rendition)
    if name is None:
        abort(404)
    if images.is_pending(key):
        return _photo_pending()
    direct = media.store().public_url(name)
    if direct is not None:
        return redirect(direct, code=301)
    data = media.store().get(name)
    if data is None:
        return _larger_rendition(key, rendition)
    response = Response(data, mimetype="image/webp")
    response.headers["Cache-Control"] = media.CACHE_FOREVER
    response.headers["Content-Disposition"] = "inline"
    response.set_etag(f"{key}-{rendition}")  # a key's files never change
    return response.make_conditional(request)


@bp.get("/anh/<key>/<rendition>.jpg")
def image_jpeg(key: str, rendition: str) -> ResponseReturnValue:
    """Serve a photo rendition as JPEG, for link previewers that reject WebP.

    A copy not made yet is asked of a job; meanwhile the WebP answers (no request encodes).
    """
    data = images.jpeg_rendition(key, rendition)
    if data is None:
        if not images.queue_jpeg(key, rendition):
            abort(404)
        response = redirect(url_for("catalog.image", key=key, rendition=rendition))
        response.headers["Cache-Control"] = "no-store"
        return response
    response = Response(data, mimetype="image/jpeg")
    response.headers["Cache-Control"] = media.CACHE_FOREVER
    response.headers["Content-Disposition"] = "inline"
    response.set_etag(f"{key}-{rendition}-jpeg")  # a key's files never change
    return response.make_conditional(request)


def _larger_rendition(key: str, rendition: str) -> ResponseReturnValue:
    """A size not yet written for an older photo (``flask catalog images backfill``): the next
    larger one, revalidated each time so the right file replaces it once written."""
    for larger in images.larger_renditions(rendition):
        data = images.read_rendition(key, larger)
        if data is not None:
            response = Response(data, mimetype="image/webp")
            response.headers["Cache-Control"] = "no-cache"
            return response
    abort(404)


def _photo_pending() -> ResponseReturnValue:
    """A placeholder while a photo's renditions are being made; never cached."""
    response = send_file(
        ROOT / "static" / "img" / "photo-pending.svg", mimetype="image/svg+xml", max_age=0
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def product_jsonld(item: Product) -> dict:
    """schema.org Product markup, so search engines and chat apps show price and stock."""
    url = public_url("catalog.product", slug=item.slug)
    seller = {"@type": "Organization", "name": item.producer.name}
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": item.name,
        "description": item.description,
        "sku": item.sku or item.slug,
        "image": [image_url(i.key, "zoom", external=True) for i in item.images],
        "brand": seller,
        "offers": {
            "@type": "Offer",
            "url": url,
            "priceCurrency": "VND",
            "price": item.price,
            "availability": "https://schema.org/" + ("InStock" if item.stock > 0 else "OutOfStock"),
            "seller": seller,
        },
    }
    if item.gtin:
        data["gtin14"] = item.gtin
    return data


def image_url(key: str, rendition: str = "card", external: bool = False) -> str:
    """The URL of a photo rendition: the media store's own URL, or the app's route."""
    name = images.rendition_key(key, rendition)
    direct = media.store().public_url(name) if name else None
    if direct:
        return direct
    if external:  # links that leave the site start with PUBLIC_BASE_URL
        return public_url("catalog.image", key=key, rendition=rendition)
    return url_for("catalog.image", key=key, rendition=rendition)


def sitemap_entries() -> list[SitemapEntry]:
    """The catalog's public pages: every public product and every verified producer."""
    products = db.session.execute(
        listing.public_products()
        .with_only_columns(Product.slug, Product.updated_at)
        .order_by(Product.id)
    ).all()
    latest = (
        listing.public_products()
        .with_only_columns(Product.producer_id, sa.func.max(Product.updated_at).label("updated_at"))
        .group_by(Product.producer_id)
        .subquery()
    )
    producers = db.session.execute(
        sa.select(Producer.slug, Producer.created_at, latest.c.updated_at)
        .outerjoin(latest, latest.c.producer_id == Producer.id)
        .where(Producer.status == ProducerStatus.VERIFIED)
        .order_by(Producer.id)
    ).all()
    entries = [SitemapEntry(public_url("catalog.listing"))]
    entries += [SitemapEntry(public_url("catalog.producers"))]
    entries += [
        SitemapEntry(public_url("catalog.product", slug=slug), updated)
        for slug, updated in products
    ]
    entries += [
        SitemapEntry(public_url("catalog.producer", slug=slug), max(created, updated or created))
        for slug, created, updated in producers
    ]
    return entries
