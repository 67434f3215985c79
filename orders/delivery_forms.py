"""Forms of the producer's delivery settings page."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField
from wtforms.validators import InputRequired

from catalog.workspace.forms import NumberField
from catalog.workspace.numbers import parse_grams, parse_price
from market.forms import Form, MultiCheckboxField


class DeliverySettingsForm(Form):
    """Packaging weight, farm pickup and the carriers the producer sends with."""

    packaging_grams = NumberField(
        _l("Packaging per parcel (grams)"),
        validators=[InputRequired(message=_l("Write the packaging weight in grams, or 0."))],
    )
    farm_pickup = BooleanField(_l("Shoppers may pick up their order at my farm or shop"))
    carriers = MultiCheckboxField(_l("Carriers I send parcels with"), validate_choice=False)


class RateForm(Form):
    """One own-delivery zone rate: where, up to which weight, what fee, free above what value."""

    zone = SelectField(_l("Where"), validate_choice=False)
    up_to_grams = NumberField(_l("For parcels up to (grams)"), parser=parse_grams)
    fee = NumberField(
        _l("Fee (đồng)"),
        parser=parse_price,
        validators=[InputRequired(message=_l("Write the fee, or 0 for free delivery."))],
    )
    free_above = NumberField(_l("Free for orders from (đồng)"), parser=parse_price)


class RemoveRateForm(Form):
    """Remove one zone rate (the CSRF token is the whole form)."""
