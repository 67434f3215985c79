"""Workspace pages for origin: growing areas and harvest lots."""

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from catalog.models import AreaStatus, Certification, GrowingArea, Lot, Product, ProductStatus
from catalog.workspace import areas
from catalog.workspace.blueprint import bp
from catalog.workspace.errors import WorkspaceError
from catalog.workspace.forms import AreaForm, LotForm
from market.extensions import db
from market.forms import form_error, options
from market.i18n import local_today

PAGE_SIZE = 30


def _area_data(form: AreaForm) -> areas.AreaData:
    return areas.AreaData(
        code=form.code.data or "",
        crop=form.crop.data or "",
        commune_code=form.place.data or "",
        area_slug=form.area.data or "",
        variety=form.variety.data or "",
        area_ha=form.area_ha.data,
        households=form.households.data,
        latitude=form.latitude.data,
        longitude=form.longitude.data,
        certification=Certification(form.certification.data) if form.certification.data else None,
        target_market=form.target_market.data or "",
        issuing_body=form.issuing_body.data or "",
        status=AreaStatus(form.status.data),
    )


@bp.get("/<int:producer_id>/vung-trong")
def area_list(producer_id: int) -> ResponseReturnValue:
    """The producer's growing areas with their review state."""
    return render_template("workspace/areas.html", areas=areas.areas_of(producer_id))


@bp.route("/<int:producer_id>/vung-trong/moi", methods=["GET", "POST"])
def area_new(producer_id: int) -> ResponseReturnValue:
    """Register a growing area."""
    form = AreaForm()
    if request.method == "GET":
        form.place.data = g.producer.commune_code or ""
        form.area.data = g.producer.area_slug or ""
    if form.validate_on_submit():
        try:
            areas.create_area(producer_id, _area_data(form), g.actor)
        except WorkspaceError as error:
            form_error(form, error)
        else:
            flash(_("Growing area registered; a market manager will review the code."), "success")
            return redirect(url_for("workspace.area_list", producer_id=producer_id))
    status = 422 if form.is_submitted() else 200
    return render_template("workspace/area_form.html", form=form, area=None), status


@bp.route("/<int:producer_id>/vung-trong/<int:area_id>", methods=["GET", "POST"])
def area_edit(producer_id: int, area_id: int) -> ResponseReturnValue:
    """Edit a growing area; a changed code goes back to review."""
    area = db.first_or_404(
        sa.select(GrowingArea).where(
            GrowingArea.id == area_id, GrowingArea.producer_id == producer_id
        )
    )
    form = AreaForm(obj=area)
    if request.method == "GET":
        form.place.data = area.commune_code or ""
        form.area.data = area.area_slug or ""
        form.certification.data = area.certification.value if area.certification else ""
        form.status.data = area.status.value
    if form.validate_on_submit():
        try:
            areas.update_area(area, _area_data(form), g.actor)
        except WorkspaceError as error:
            db.session.rollback()
            form_error(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("workspace.area_list", producer_id=producer_id))
    status = 422 if form.is_submitted() else 200
    return render_template("workspace/area_form.html", form=form, area=area), status


@bp.route("/<int:producer_id>/lo-hang", methods=["GET", "POST"])
def lots(producer_id: int) -> ResponseReturnValue:
    """Record harvest lots and list the latest ones."""
    form = LotForm()
    form.product_id.choices = options(
        (p.id, p.name)
        for p in db.session.scalars(
            sa.select(Product)
            .where(Product.producer_id == producer_id, Product.status != ProductStatus.ARCHIVED)
            .order_by(Product.name)
        )
    )
    form.growing_area_id.choices = options(
        [(0, _("— None —")), *((a.id, f"{a.code} · {a.crop}") for a in areas.areas_of(producer_id))]
    )
    if request.method == "GET" and not form.harvest_date.data:
        form.harvest_date.data = local_today()
    if form.validate_on_submit():
        try:
            lot = areas.create_lot(
                producer_id,
                form.product_id.data,
                form.growing_area_id.data or None,
                form.harvest_date.data,
                form.quantity.data,
                g.actor,
                local_today(),
            )
        except WorkspaceError as error:
            form_error(form, error)
        else:
            flash(_("Lot %(code)s recorded.", code=lot.code), "success")
            return redirect(url_for("workspace.lots", producer_id=producer_id))
    page = db.paginate(
        areas.lots_of(producer_id).options(
            so.contains_eager(Lot.product), so.joinedload(Lot.growing_area)
        ),
        per_page=PAGE_SIZE,
        error_out=False,
    )
    status = 422 if form.is_submitted() else 200
    return render_template("workspace/lots.html", form=form, page=page), status
