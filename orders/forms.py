"""Forms of the cart, checkout, shopper and fulfilment pages; every message is translated."""

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    Field,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from catalog.models import Producer
from market.phone import normalize_phone
from orders import addresses
from orders.addresses import Address
from orders.labels import DELIVERY_LABELS, PAYMENT_LABELS
from orders.models import DeliveryMethod, PaymentMethod
from orders.pickup import PickupStall, not_its_stall

TOO_LONG = _l("This is too long.")


class WholeNumberField(IntegerField):
    """An integer field whose parse error is translated (WTForms ships no Vietnamese)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Read a whole number or record a clear error."""
        if not valuelist or valuelist[0] in ("", None):
            self.data = None
            return
        try:
            self.data = int(str(valuelist[0]).strip())
        except ValueError as error:
            self.data = None
            raise ValueError(_l("Enter a whole number.")) from error


class AddToCartForm(FlaskForm):
    """The buy box on a product page."""

    product_id = WholeNumberField(validators=[InputRequired(message=_l("Unknown product."))])
    quantity = WholeNumberField(
        _l("Quantity"),
        default=1,
        validators=[
            InputRequired(message=_l("Choose a quantity.")),
            NumberRange(min=1, max=99, message=_l("Choose a quantity from 1 to 99.")),
        ],
    )
    next = HiddenField()


class QuantityForm(FlaskForm):
    """Change one cart line; 0 removes it."""

    product_id = WholeNumberField(validators=[InputRequired(message=_l("Unknown product."))])
    quantity = WholeNumberField(
        _l("Quantity"),
        validators=[
            InputRequired(message=_l("Choose a quantity.")),
            NumberRange(min=0, max=99, message=_l("Choose a quantity from 0 to 99.")),
        ],
    )


class RemoveForm(FlaskForm):
    """Take one product out of the cart."""

    product_id = WholeNumberField(validators=[InputRequired(message=_l("Unknown product."))])


class CheckoutForm(FlaskForm):
    """Contact, address, payment; per-producer delivery fields are added by ``checkout_form``."""

    name = StringField(
        _l("Full name"),
        validators=[
            InputRequired(message=_l("Enter your name.")),
            Length(max=120, message=TOO_LONG),
        ],
    )
    phone = StringField(
        _l("Mobile number"), validators=[InputRequired(message=_l("Enter your mobile number."))]
    )
    email = EmailField(
        _l("Email (optional, for order updates)"),
        validators=[
            Optional(),
            Email(message=_l("Enter a valid email address.")),
            Length(max=254, message=TOO_LONG),
        ],
    )
    province = SelectField(_l("Province or city"), validate_choice=False)
    commune = SelectField(_l("Commune or ward"), validate_choice=False)
    district_text = StringField(_l("District"), validators=[Length(max=120, message=TOO_LONG)])
    commune_text = StringField(
        _l("Commune or ward"), validators=[Length(max=120, message=TOO_LONG)]
    )
    street = StringField(
        _l("House number, street, village"), validators=[Length(max=200, message=TOO_LONG)]
    )
    payment_method = RadioField(_l("Payment"), validate_choice=False)
    idempotency_key = HiddenField()
    quote = HiddenField()

    producers: list[Producer]
    methods: list[PaymentMethod]
    stalls: dict[int, list[PickupStall]]

    def validate_phone(self, field: StringField) -> None:
        """Store the number as ``0xxxxxxxxx`` or explain what is wrong."""
        phone = normalize_phone(field.data or "")
        if phone is None:
            raise ValidationError(_l("Enter a Vietnamese mobile number, such as 0912 345 678."))
        field.data = phone

    def delivery_field(self, producer: Producer) -> Field:
        """The delivery choice for one producer's part."""
        return self[f"delivery_{producer.id}"]

    def stall_field(self, producer: Producer) -> Field | None:
        """The stall a producer's part is picked up at; None when it sells at no stall."""
        return self._fields.get(f"pickup_stall_{producer.id}")

    def stall_choice(self, producer: Producer) -> int | None:
        """The id of the chosen stall (validated: one where the producer sells), or None."""
        field = self.stall_field(producer)
        data = field.data if field is not None else None
        return int(data) if data and data.isdigit() else None

    def needs_address(self) -> bool:
        """Some part goes to the shopper's home."""
        return any(self.delivery_field(p).data == DeliveryMethod.HOME.value for p in self.producers)

    def validate(self, extra_validators: Any = None) -> bool:
        """The fields, then the rules that join them: payment, deliveries, address."""
        valid = super().validate(extra_validators)
        if self.payment_method.data not in {m.value for m in self.methods}:
            self.payment_method.errors.append(_l("Choose a payment method."))
            valid = False
        for producer in self.producers:
            choice = self.delivery_field(producer)
            if choice.data not in {option.value for option in choice.choices}:
                choice.errors.append(_l("Choose how this part reaches you."))
                valid = False
            elif choice.data == DeliveryMethod.PICKUP_STALL.value:
                valid = self._validate_stall(producer) and valid
        if self.needs_address():
            valid = self._validate_address() and valid
        return valid

    def _validate_stall(self, producer: Producer) -> bool:
        field = self.stall_field(producer)
        if not field.data:
            field.errors.append(_l("Choose the stall where you will pick up."))
            return False
        if field.data not in {str(stall.id) for stall in self.stalls[producer.id]}:
            field.errors.append(not_its_stall(producer.name))
            return False
        return True

    def _validate_address(self) -> bool:
        valid = True
        if self.province.data not in addresses.provinces():
            self.province.errors.append(_l("Choose a province."))
            return False
        if not (self.street.data or "").strip():
            self.street.errors.append(_l("Enter the house number and street or village."))
            valid = False
        if self.province.data == addresses.home_province_code():
            if addresses.home_address(self.commune.data or "", "") is None:
                self.commune.errors.append(_l("Choose your commune or ward."))
                valid = False
        else:
            for field in (self.district_text, self.commune_text):
                if not (field.data or "").strip():
                    field.errors.append(_l("Enter the district and the commune or ward."))
                    valid = False
        return valid

    def address(self) -> Address | None:
        """The validated delivery address, or None when no part goes to the shopper's home."""
        if not self.needs_address():
            return None
        street = self.street.data.strip()
        if self.province.data == addresses.home_province_code():
            return addresses.home_address(self.commune.data, street)
        return addresses.other_address(
            self.province.data,
            self.district_text.data.strip(),
            self.commune_text.data.strip(),
            street,
        )


def checkout_form(
    producers: list[Producer],
    methods: list[PaymentMethod],
    stalls: dict[int, list[PickupStall]],
    **kwargs: Any,
) -> CheckoutForm:
    """A checkout form with one delivery choice per producer in the cart, and for a producer
    that sells at chợ 4.0 stalls, the choice of those stalls (``stalls`` by producer id)."""

    class Form(CheckoutForm):
        pass

    for producer in producers:
        its_stalls = stalls.get(producer.id, [])
        ways = [m for m in DeliveryMethod if its_stalls or m is not DeliveryMethod.PICKUP_STALL]
        setattr(
            Form,
            f"delivery_{producer.id}",
            RadioField(
                _l("Delivery"),
                choices=[SelectChoice(m.value, DELIVERY_LABELS[m]) for m in ways],
                default=DeliveryMethod.HOME.value,
                validate_choice=False,
            ),
        )
        if its_stalls:
            setattr(
                Form,
                f"pickup_stall_{producer.id}",
                RadioField(
                    _l("Which stall"),
                    choices=[SelectChoice(str(s.id), s.label) for s in its_stalls],
                    default=str(its_stalls[0].id) if len(its_stalls) == 1 else None,
                    validate_choice=False,
                ),
            )
    form = Form(**kwargs)
    form.producers, form.methods, form.stalls = producers, methods, stalls
    form.payment_method.choices = [SelectChoice(m.value, PAYMENT_LABELS[m]) for m in methods]
    form.province.choices = [SelectChoice(*pair) for pair in addresses.province_choices()]
    form.commune.choices = [SelectChoice("", _l("Choose…"))] + [
        SelectChoice(value, name, optgroup=district)
        for district, communes in addresses.commune_choices().items()
        for value, name in communes
    ]
    return form


class ShopperCancelForm(FlaskForm):
    """The shopper cancels one part (or the whole order when ``part`` is empty)."""

    part = WholeNumberField(validators=[Optional()])
    reason = StringField(_l("Reason (optional)"), validators=[Length(max=500, message=TOO_LONG)])


class BuyAgainForm(FlaskForm):
    """Put an earlier order's products back in the cart."""


class AdvanceForm(FlaskForm):
    """A producer moves a part along; the note is the tracking number when shipping."""

    action = HiddenField(validators=[InputRequired(message=_l("Unknown action."))])
    note = StringField(
        _l("Note or tracking number (optional)"), validators=[Length(max=200, message=TOO_LONG)]
    )


class ProducerCancelForm(FlaskForm):
    """A producer cancels a part and tells the shopper why."""

    reason = TextAreaField(
        _l("Reason for the shopper"),
        validators=[
            InputRequired(message=_l("Say why you cancel, so the shopper understands.")),
            Length(max=500, message=TOO_LONG),
        ],
    )


class BulkForm(FlaskForm):
    """One action on several parts at once."""

    action = SelectField(_l("Action"), validate_choice=False)
    note = StringField(
        _l("Note or tracking number (optional)"), validators=[Length(max=200, message=TOO_LONG)]
    )
