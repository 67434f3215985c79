"""The address fields shared by checkout and the address book: a province, then one of its
communes or wards, then the street. Without JavaScript the commune list comes with "Show the
communes" (a submit that re-shows the form); with it, ``static/js/address.js`` fills the list."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from market import places
from market.forms import Form
from orders import addresses
from orders.addresses import Address

TOO_LONG = _l("This is too long.")
# The submit that re-shows a form with the fields its choices need, judging nothing yet.
UPDATE_ACTION = "update"


class AddressFields(Form):
    """Province, commune or ward, street; call ``set_address_choices`` after construction."""

    province = SelectField(_l("Province or city"), validate_choice=False)
    commune = SelectField(_l("Commune or ward"), validate_choice=False)
    street = StringField(
        _l("House number, street, village"),
        validators=[Length(max=200, message=TOO_LONG)],
    )

    def set_address_choices(self) -> None:
        """Every province; the communes of the province chosen (none before one is)."""
        self.province.choices = [SelectChoice("", _l("Choose…"))] + [
            SelectChoice(*pair) for pair in places.province_choices()
        ]
        province = self.chosen_province()
        communes = places.commune_choices(province) if province else []
        first = _l("Choose…") if communes else _l("Choose the province first")
        self.commune.choices = [SelectChoice("", first)] + [
            SelectChoice(*pair) for pair in communes
        ]

    def chosen_province(self) -> str | None:
        """The code of the province chosen, if it is one."""
        found = places.province(self.province.data)
        return found.code if found else None

    def validate_address_fields(self) -> bool:
        """Province, then a commune of that province, then a street; errors on each field."""
        valid = True
        if self.chosen_province() is None:
            self.province.errors.append(_l("Choose a province."))
            valid = False
        elif addresses.in_province(self.chosen_province(), self.commune.data, "") is None:
            self.commune.errors.append(_l("Choose your commune or ward."))
            valid = False
        if not (self.street.data or "").strip():
            self.street.errors.append(_l("Enter the house number and street or village."))
            valid = False
        return valid

    def typed_address(self) -> Address | None:
        """The address the fields give, or None while they do not give a whole one."""
        street = (self.street.data or "").strip()
        if not street:
            return None
        return addresses.in_province(self.chosen_province(), self.commune.data, street)
