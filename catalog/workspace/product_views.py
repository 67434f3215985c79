"""Workspace pages for listings: list, create, edit, status, photos, stock, OCOP, quick edit."""

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from catalog.categories import leaf_categories
from catalog.images import ImageRejected, delete_image, store_upload
from catalog.models import Product, ProductStatus
from catalog.stock_history import StockMovement, StockReason, movements_for
from catalog.templating import category_name
from catalog.workspace import areas, bulk, labels, photos, products, stock
from catalog.workspace.blueprint import bp, own_product, uploads
from catalog.workspace.errors import WorkspaceError
from catalog.workspace.forms import (
    ActionForm,
    BulkEditForm,
    OcopClaimForm,
    PhotosForm,
    ProductForm,
    StockForm,
    options,
)
from catalog.workspace.numbers import (
    NumberError,
    is_blank,
    parse_count,
    parse_grams,
    parse_price,
)
from market.extensions import db
from market.forms import form_error
from market.i18n import local_today
from market.urls import site_path

PAGE_SIZE = 30
BULK_PAGE_SIZES = (50, 200, 1000)


def _choices(form: ProductForm) -> None:
    form.category_id.choices = options(
        (c.id, f"{c.code} · {category_name(c)}") for c in leaf_categories()
    )
    form.growing_area_id.choices = options(
        [
            (0, _("— None —")),
            *((a.id, f"{a.code} · {a.crop}") for a in areas.areas_of(g.producer.id)),
        ]
    )


def _data(form: ProductForm) -> products.ProductData:
    return products.ProductData(
        name=form.name.data or "",
        category_id=form.category_id.data,
        unit=form.unit.data or "",
        price=form.price.data or 0,
        description=form.description.data or "",
        certifications=form.certification_values,
        growing_area_id=form.growing_area_id.data or None,
        gtin=form.gtin.data or "",
        sku=form.sku.data or "",
        low_stock_threshold=form.low_stock_threshold.data or 0,
        weight_grams=form.weight_grams.data,
        length_cm=form.length_cm.data,
        width_cm=form.width_cm.data,
        height_cm=form.height_cm.data,
    )


@bp.get("/<int:producer_id>/san-pham")
def product_list(producer_id: int) -> ResponseReturnValue:
    """The producer's listings, filtered by status or text, with low stock marked."""
    status = request.args.get("status", "current")
    status = status if status in labels.STATUS_FILTERS else "current"
    query = sa.select(Product).where(Product.producer_id == producer_id)
    if status == "current":
        query = query.where(Product.status != ProductStatus.ARCHIVED)
    elif status != "all":
        query = query.where(Product.status == ProductStatus(status))
    text = request.args.get("q", "").strip()[:100]
    if text:
        pattern = f"%{text}%"
        query = query.where(sa.or_(Product.name.ilike(pattern), Product.sku.ilike(pattern)))
    if request.args.get("low") == "1":
        query = query.where(
            Product.low_stock_threshold > 0, Product.stock <= Product.low_stock_threshold
        )
    page = db.paginate(
        query.options(so.selectinload(Product.images)).order_by(Product.updated_at.desc()),
        per_page=PAGE_SIZE,
        error_out=False,
    )
    return render_template("workspace/products.html", page=page, status=status, text=text)


@bp.route("/<int:producer_id>/san-pham/moi", methods=["GET", "POST"])
def product_new(producer_id: int) -> ResponseReturnValue:
    """Create a listing, with its starting stock and photos, as a draft."""
    form = ProductForm()
    _choices(form)
    if form.validate_on_submit():
        files = uploads("photos")
        stored = []
        try:
            photos.check_room(None, len(files))
            stored = photos.store_all(files)
            product = products.create_product(
                g.producer, _data(form), form.stock.data or 0, g.actor
            )
        except WorkspaceError as error:
            for image in stored:
                delete_image(image.key)
            form_error(form, error)
        else:
            if stored:
                photos.attach_stored(product, stored, g.actor)
            flash(_("“%(name)s” is saved as a draft.", name=product.name), "success")
            return redirect(
                url_for("workspace.product_edit", producer_id=producer_id, product_id=product.id)
            )
    status = 422 if form.is_submitted() else 200
    return render_template("workspace/product_form.html", form=form, product=None), status


@bp.route("/<int:producer_id>/san-pham/<int:product_id>", methods=["GET", "POST"])
def product_edit(producer_id: int, product_id: int) -> ResponseReturnValue:
    """Edit a listing's facts; publish, pause or archive it."""
    product = own_product(product_id)
    form = ProductForm(obj=product)
    _choices(form)
    if request.method == "GET":
        form.certifications.data = [c.value for c in product.certifications]
        form.growing_area_id.data = product.growing_area_id or 0
    if form.validate_on_submit():
        try:
            products.update_product(product, _data(form), g.actor)
        except WorkspaceError as error:
            form_error(form, error)
            product = own_product(product_id)
        else:
            flash(_("Saved."), "success")
            return redirect(
                url_for("workspace.product_edit", producer_id=producer_id, product_id=product_id)
            )
    status = 422 if form.is_submitted() else 200
    return render_template(
        "workspace/product_form.html",
        form=form,
        product=product,
        action_form=ActionForm(),
        transitions=sorted(products.TRANSITIONS[product.status]),
        today=local_today(),
    ), status


@bp.post("/<int:producer_id>/san-pham/<int:product_id>/trang-thai/<status>")
def product_status(producer_id: int, product_id: int, status: str) -> ResponseReturnValue:
    """Publish, pause, archive or restore a listing."""
    product = own_product(product_id)
    try:
        wanted = ProductStatus(status)
    except ValueError:
        abort(404)
    if ActionForm().validate_on_submit():
        try:
            products.set_status(product, wanted, g.actor)
        except WorkspaceError as error:
            flash(str(error), "error")
        else:
            flash(
                _("The listing's status is now: %(status)s.", status=labels.PRODUCT_STATUS[wanted]),
                "success",
            )
    return redirect(
        url_for("workspace.product_edit", producer_id=producer_id, product_id=product_id)
    )


@bp.route("/<int:producer_id>/san-pham/<int:product_id>/anh", methods=["GET", "POST"])
def product_photos(producer_id: int, product_id: int) -> ResponseReturnValue:
    """See, add, reorder and remove a listing's photos."""
    product = own_product(product_id)
    form = PhotosForm()
    if form.validate_on_submit():
        try:
            added = photos.add_photos(product, uploads("photos"), g.actor)
        except WorkspaceError as error:
            form.photos.errors = [str(error)]
        else:
            flash(_("%(num)s photo(s) added.", num=added), "success")
            return redirect(site_path(request.path))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "workspace/photos.html",
        product=product,
        form=form,
        action_form=ActionForm(),
        max_photos=photos.MAX_PHOTOS,
    ), status


@bp.post("/<int:producer_id>/san-pham/<int:product_id>/anh/<int:image_id>/<action>")
def photo_action(
    producer_id: int, product_id: int, image_id: int, action: str
) -> ResponseReturnValue:
    """Move a photo earlier or later, make it the cover, or delete it."""
    product = own_product(product_id)
    handlers = {
        "len": lambda: photos.move_photo(product, image_id, -1, g.actor),
        "xuong": lambda: photos.move_photo(product, image_id, 1, g.actor),
        "anh-bia": lambda: photos.make_cover(product, image_id, g.actor),
        "xoa": lambda: photos.delete_photo(product, image_id, g.actor),
    }
    if action not in handlers:
        abort(404)
    if ActionForm().validate_on_submit():
        try:
            handlers[action]()
        except WorkspaceError as error:
            flash(str(error), "error")
    return redirect(
        url_for("workspace.product_photos", producer_id=producer_id, product_id=product_id)
    )


@bp.route("/<int:producer_id>/san-pham/<int:product_id>/kho", methods=["GET", "POST"])
def product_stock(producer_id: int, product_id: int) -> ResponseReturnValue:
    """Add or remove units with a reason, and see the product's stock history."""
    product = own_product(product_id)
    form = StockForm()
    if form.validate_on_submit():
        try:
            stock.adjust_stock(
                product,
                form.change.data,
                StockReason(form.reason.data),
                g.actor,
                form.note.data or "",
            )
        except WorkspaceError as error:
            form.change.errors = [str(error)]
            product = own_product(product_id)
        else:
            flash(_("Stock is now %(n)s.", n=product.stock), "success")
            return redirect(site_path(request.path))
    history = db.paginate(
        movements_for(producer_id, product.id).options(so.joinedload(StockMovement.actor)),
        per_page=PAGE_SIZE,
        error_out=False,
    )
    status = 422 if form.is_submitted() else 200
    return render_template(
        "workspace/stock.html", product=product, form=form, history=history
    ), status


@bp.get("/<int:producer_id>/kho")
def stock_history(producer_id: int) -> ResponseReturnValue:
    """Every stock movement of the producer, newest first."""
    history = db.paginate(
        movements_for(producer_id).options(
            so.joinedload(StockMovement.actor), so.joinedload(StockMovement.product)
        ),
        per_page=PAGE_SIZE,
        error_out=False,
    )
    return render_template("workspace/stock_history.html", history=history)


@bp.route("/<int:producer_id>/san-pham/<int:product_id>/ocop", methods=["GET", "POST"])
def product_ocop(producer_id: int, product_id: int) -> ResponseReturnValue:
    """Claim an OCOP rating for a listing, with the decision's scan; see earlier claims."""
    product = own_product(product_id)
    form = OcopClaimForm()
    if form.validate_on_submit():
        files = uploads("scan")
        try:
            if not files:
                raise WorkspaceError(_("Add a photo or scan of the decision."), field="scan")
            scan = store_upload(files[0][1])
            products.claim_recognition(
                product,
                form.stars.data,
                form.decision_number.data,
                form.decision_date.data,
                scan.key,
                g.actor,
                local_today(),
            )
        except ImageRejected as error:
            form.scan.errors = [str(error)]
        except WorkspaceError as error:
            form_error(form, error)
        else:
            flash(_("Claim sent. It shows as pending until a market manager checks it."), "success")
            return redirect(site_path(request.path))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "workspace/ocop.html", product=product, form=form, today=local_today()
    ), status


def _bulk_rows(page_products: list[Product]) -> tuple[list[bulk.RowEdit], dict[int, str]]:
    rows, problems = [], {}
    for product in page_products:
        key = str(product.id)
        raw = {
            name: request.form.get(f"{name}-{key}", "")
            for name in ("price", "stock", "stock_was", "low", "weight")
        }
        if not any(raw.values()):
            continue
        try:
            rows.append(
                bulk.RowEdit(
                    product_id=product.id,
                    price=parse_price(raw["price"]),
                    stock=parse_count(raw["stock"]),
                    stock_was=parse_count(raw["stock_was"]),
                    low_stock_threshold=parse_count(raw["low"]),
                    weight_grams=None if is_blank(raw["weight"]) else parse_grams(raw["weight"]),
                )
            )
        except NumberError as error:
            problems[product.id] = str(error)
    return rows, problems


@bp.route("/<int:producer_id>/gia-va-kho", methods=["GET", "POST"])
def bulk_edit(producer_id: int) -> ResponseReturnValue:
    """Edit price, stock and low-stock threshold of many listings in one save."""
    per_page = request.args.get("per_page", type=int)
    per_page = per_page if per_page in BULK_PAGE_SIZES else BULK_PAGE_SIZES[0]
    form = BulkEditForm()
    problems: dict[int, str] = {}
    if form.validate_on_submit():
        ids = [int(v) for v in request.form.getlist("id") if v.isdigit()]
        submitted = list(products.products_of(producer_id, ids).values())
        rows, problems = _bulk_rows(submitted)
        if not problems:
            try:
                result = bulk.save_bulk_edit(
                    producer_id, rows, StockReason(form.reason.data), g.actor
                )
            except bulk.BulkEditError as error:
                problems = error.problems
            except WorkspaceError as error:
                flash(str(error), "error")
            else:
                flash(_("%(num)s product(s) updated.", num=result.changed), "success")
                return redirect(site_path(request.full_path))
        if problems:
            flash(_("Nothing was saved: correct the rows marked below."), "error")
    query = (
        sa.select(Product)
        .where(Product.producer_id == producer_id, Product.status != ProductStatus.ARCHIVED)
        .order_by(Product.name, Product.id)
    )
    page = db.paginate(query, per_page=per_page, error_out=False)
    status = 422 if form.is_submitted() else 200
    return render_template(
        "workspace/bulk.html",
        page=page,
        form=form,
        problems=problems,
        submitted=request.form if problems else None,
        per_page=per_page,
        page_sizes=BULK_PAGE_SIZES,
    ), status
