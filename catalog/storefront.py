"""Public catalog pages: home, listing, product, producers, and product photos."""

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Blueprint, abort, current_app, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale

from catalog import categories, images, listing
from catalog.models import (
    Producer,
    ProducerStatus,
    Product,
    ProductStatus,
)
from market import places
from market.extensions import db
from market.i18n import local_today

bp = Blueprint("catalog", __name__)

ONE_YEAR = 365 * 24 * 3600


def _card_options() -> tuple:
    return (
        so.selectinload(Product.images),
        so.selectinload(Product.recognitions),
        so.contains_eager(Product.producer),
    )


@bp.get("/")
def home() -> ResponseReturnValue:
    """Featured OCOP products, the OCOP groups, districts and new arrivals."""
    today = local_today()
    stars = listing.current_stars_by_product(today)
    featured = db.session.scalars(
        listing.public_products()
        .join(stars, stars.c.product_id == Product.id)
        .where(stars.c.stars >= 4)
        .options(*_card_options())
        .order_by(stars.c.stars.desc(), Product.created_at.desc(), Product.id.desc())
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
        districts=places.districts(),
        today=today,
    )


@bp.get("/san-pham", endpoint="listing")
def listing_page() -> ResponseReturnValue:
    """The catalog with filters and sorts, paginated, every state a shareable URL."""
    filters = listing.parse_filters(request.args)
    today = local_today()
    query = listing.filtered_products(filters, today).options(*_card_options())
    page = db.paginate(
        query, page=filters.page, per_page=current_app.config["PAGE_SIZE"], error_out=False
    )
    return render_template(
        "catalog/listing.html",
        page=page,
        filters=filters,
        groups=categories.top_groups(),
        districts=places.districts(),
        sorts=listing.SORTS,
        today=today,
    )


@bp.get("/san-pham/<slug>")
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
        locale=str(get_locale()),
    )


@bp.get("/nha-san-xuat")
def producers() -> ResponseReturnValue:
    """Verified producers, optionally of one district."""
    district = places.district_by_slug(request.args.get("district"))
    query = sa.select(Producer).where(Producer.status == ProducerStatus.VERIFIED)
    if district is not None:
        query = query.where(Producer.district_code == district.code)
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
        district=district,
        districts=places.districts(),
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
    return render_template(
        "catalog/producer.html", producer=item, products=products, today=local_today()
    )


@bp.get("/anh/<key>/<rendition>.webp")
def image(key: str, rendition: str) -> ResponseReturnValue:
    """Serve a stored photo rendition as WebP with a year-long cache."""
    path = images.rendition_path(key, rendition)
    if path is None or not path.is_file():
        abort(404)
    response = send_file(path, mimetype="image/webp", max_age=ONE_YEAR, conditional=True)
    response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    response.headers["Content-Disposition"] = "inline"
    return response


def product_jsonld(item: Product) -> dict:
    """schema.org Product markup, so search engines and chat apps show price and stock."""
    url = url_for("catalog.product", slug=item.slug, _external=True)
    seller = {"@type": "Organization", "name": item.producer.name}
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": item.name,
        "description": item.description,
        "sku": item.sku or item.slug,
        "image": [
            url_for("catalog.image", key=i.key, rendition="zoom", _external=True)
            for i in item.images
        ],
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


def image_url(key: str, rendition: str = "card") -> str:
    """The URL of a photo rendition."""
    return url_for("catalog.image", key=key, rendition=rendition)
