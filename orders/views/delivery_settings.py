"""The producer's delivery settings under the workspace: packaging, farm pickup, carriers and
the zone rates of its own delivery (add, change, remove; plain forms, no script needed).

Every route checks on the server that the user acts for the producer in the URL (another
producer's page, or rate, is a 404 like an unknown one).
"""

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from catalog.audit import Actor
from catalog.models import Producer
from catalog.permissions import require_producer_access
from market.extensions import db, login_manager
from market.forms import form_error
from orders import carriers, delivery_settings
from orders.delivery import ZoneRate, enabled_carriers, parcel_weight, rates_of
from orders.delivery_forms import DeliverySettingsForm, RateForm, RemoveRateForm
from orders.delivery_rates import DeliveryRate
from orders.delivery_settings import DeliverySettingsError, RateInput
from orders.views import keep_private

bp = Blueprint("delivery_settings", __name__, url_prefix="/ban-hang")
bp.after_request(keep_private)


@bp.before_request
def _acting_for() -> ResponseReturnValue | None:
    """Sign-in, then membership or a helper grant, as every workspace page (404 otherwise)."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    producer_id = (request.view_args or {})["producer_id"]
    access = require_producer_access(producer_id)
    g.producer = db.get_or_404(Producer, producer_id)
    g.actor = Actor(current_user.id, access)
    return None


def _rate_form(producer: Producer, **kwargs: object) -> RateForm:
    form = RateForm(**kwargs)
    form.zone.choices = [SelectChoice("", _("— Choose —"))] + [
        SelectChoice(value, label) for value, label in delivery_settings.zone_choices(producer)
    ]
    return form


def _rate_input(form: RateForm) -> RateInput:
    return RateInput(
        form.zone.data or "", form.up_to_grams.data, form.fee.data, form.free_above.data
    )


def _page(
    settings: DeliverySettingsForm | None = None,
    rate_form: RateForm | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    producer: Producer = g.producer
    configured = carriers.configured()
    if settings is None:
        settings = DeliverySettingsForm(
            packaging_grams=producer.packaging_grams,
            farm_pickup=producer.farm_pickup,
            carriers=enabled_carriers(producer.id),
        )
    settings.carriers.choices = [
        SelectChoice(code, carrier.name) for code, carrier in configured.items()
    ]
    unweighed = [p for p in producer.products if parcel_weight(producer, [(p, 1)]) is None]
    return render_template(
        "orders/delivery_settings.html",
        form=settings,
        rate_form=rate_form or _rate_form(producer),
        remove_form=RemoveRateForm(),
        rates=[(row, ZoneRate.of(row).zone_name()) for row in rates_of(producer.id)],
        unweighed=unweighed,
        any_carrier=bool(configured),
    ), status


@bp.get("/<int:producer_id>/giao-hang")
def edit(producer_id: int) -> ResponseReturnValue:
    """The delivery settings and the zone rates."""
    return _page()


@bp.post("/<int:producer_id>/giao-hang")
def save(producer_id: int) -> ResponseReturnValue:
    """Save packaging, farm pickup and carriers."""
    form = DeliverySettingsForm()
    form.carriers.choices = [SelectChoice(code, code) for code in carriers.configured()]
    if form.validate_on_submit():
        try:
            delivery_settings.save_settings(
                g.producer,
                form.packaging_grams.data,
                form.farm_pickup.data,
                list(form.carriers.data or []),
                g.actor,
            )
        except DeliverySettingsError as error:
            db.session.rollback()
            form_error(form, error)
        else:
            flash(_("Your delivery settings are saved."), "success")
            return redirect(url_for("delivery_settings.edit", producer_id=producer_id), 303)
    return _page(settings=form, status=422)


@bp.post("/<int:producer_id>/giao-hang/muc")
def add(producer_id: int) -> ResponseReturnValue:
    """Add a zone rate."""
    form = _rate_form(g.producer)
    if form.validate_on_submit():
        try:
            delivery_settings.add_rate(g.producer, _rate_input(form), g.actor)
        except DeliverySettingsError as error:
            db.session.rollback()
            form_error(form, error)
        else:
            flash(_("The delivery fee is added."), "success")
            return redirect(url_for("delivery_settings.edit", producer_id=producer_id), 303)
    return _page(rate_form=form, status=422)


def _rate(rate_id: int) -> DeliveryRate:
    row = delivery_settings.producer_rate(g.producer, rate_id)
    if row is None:
        abort(404)
    return row


@bp.route("/<int:producer_id>/giao-hang/muc/<int:rate_id>", methods=["GET", "POST"])
def change(producer_id: int, rate_id: int) -> ResponseReturnValue:
    """Change one zone rate."""
    row = _rate(rate_id)
    form = _rate_form(
        g.producer,
        zone=f"{row.zone_kind.value}:{row.zone_code}",
        up_to_grams=row.up_to_grams,
        fee=row.fee,
        free_above=row.free_above,
    )
    if form.validate_on_submit():
        try:
            delivery_settings.change_rate(g.producer, row, _rate_input(form), g.actor)
        except DeliverySettingsError as error:
            db.session.rollback()
            form_error(form, error)
        else:
            flash(_("The delivery fee is changed."), "success")
            return redirect(url_for("delivery_settings.edit", producer_id=producer_id), 303)
    status = 422 if form.is_submitted() else 200
    return render_template(
        "orders/delivery_rate.html", form=form, zone=ZoneRate.of(row).zone_name()
    ), status


@bp.post("/<int:producer_id>/giao-hang/muc/<int:rate_id>/xoa")
def remove(producer_id: int, rate_id: int) -> ResponseReturnValue:
    """Remove one zone rate."""
    row = _rate(rate_id)
    if RemoveRateForm().validate_on_submit():
        delivery_settings.remove_rate(g.producer, row, g.actor)
        flash(_("The delivery fee is removed."), "success")
    return redirect(url_for("delivery_settings.edit", producer_id=producer_id), 303)
