"""Forms of the cart, checkout, shopper and fulfilment pages; every message is translated."""

from dataclasses import replace
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
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
)

from catalog.models import Producer
from market.forms import Form
from market.phone import vietnamese_mobile
from orders.address_book import SavedAddress
from orders.address_forms import TOO_LONG, AddressFields
from orders.addresses import Address
from orders.delivery import DeliveryOption, OptionsResult, does_not_deliver
from orders.labels import DELIVERY_LABELS, PAYMENT_LABELS
from orders.models import DeliveryMethod, PaymentMethod
from orders.pickup import PickupStall, not_its_stall

NEW_ADDRESS = "new"
# The one radio value of a pickup at a stall; the stall is chosen in its own field.
STALL_PICKUP = DeliveryMethod.PICKUP_STALL.value
OWN = "own"


def _is_home(value: str | None) -> bool:
    """The radio value is a home delivery: the producer's own, or a carrier's."""
    return value == OWN or (value or "").startswith("carrier:")


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


class AddToCartForm(Form):
    """The buy box on a product page: no session-bound token, so product pages stay cacheable
    and cookie-free; the view refuses requests from other sites instead."""

    class Meta:
        csrf = False

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


class QuantityForm(Form):
    """Change one cart line; 0 removes it."""

    product_id = WholeNumberField(validators=[InputRequired(message=_l("Unknown product."))])
    quantity = WholeNumberField(
        _l("Quantity"),
        validators=[
            InputRequired(message=_l("Choose a quantity.")),
            NumberRange(min=0, max=99, message=_l("Choose a quantity from 0 to 99.")),
        ],
    )


class RemoveForm(Form):
    """Take one product out of the cart."""

    product_id = WholeNumberField(validators=[InputRequired(message=_l("Unknown product."))])


class CheckoutForm(AddressFields):
    """Contact, address, payment; per-producer delivery fields are added by ``checkout_form``
    and their options (quoted for the address given) by ``offer``."""

    name = StringField(
        _l("Full name"),
        validators=[
            InputRequired(message=_l("Enter your name.")),
            Length(max=120, message=TOO_LONG),
        ],
    )
    phone = StringField(
        _l("Mobile number"),
        validators=[InputRequired(message=_l("Enter your mobile number.")), vietnamese_mobile],
    )
    email = EmailField(
        _l("Email (optional, for order updates)"),
        validators=[
            Optional(),
            Email(message=_l("Enter a valid email address.")),
            Length(max=254, message=TOO_LONG),
        ],
    )
    # A signed-in shopper's saved addresses (ids) and "new"; absent for a guest.
    saved_address = RadioField(_l("Deliver to"), validate_choice=False)
    save_address = BooleanField(_l("Keep this address in my address book"))
    payment_method = RadioField(_l("Payment"), validate_choice=False)
    idempotency_key = HiddenField()
    quote = HiddenField()

    producers: list[Producer]
    methods: list[PaymentMethod]
    stalls: dict[int, list[PickupStall]]
    saved: list[SavedAddress]
    # Per producer: each radio value → the option it stands for (stall pickups share one value).
    options: dict[int, dict[str, DeliveryOption]]
    notes: dict[int, list[str]]

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

    def offer(self, options: dict[int, OptionsResult]) -> None:
        """Offer each producer's delivery options (quoted for the address given, if any)."""
        self.options, self.notes = {}, {}
        for producer in self.producers:
            result = options[producer.id]
            by_value: dict[str, DeliveryOption] = {}
            for option in result.options:
                stall = option.method is DeliveryMethod.PICKUP_STALL
                by_value.setdefault(STALL_PICKUP if stall else option.key, option)
            self.options[producer.id] = by_value
            self.notes[producer.id] = list(result.notes)
            self.delivery_field(producer).choices = [
                SelectChoice(value, DELIVERY_LABELS[o.method] if value == STALL_PICKUP else o.label)
                for value, o in by_value.items()
            ]

    def chosen_option(self, producer: Producer) -> DeliveryOption | None:
        """The option chosen for a producer's part, once it is one offered."""
        value = self.delivery_field(producer).data
        option = self.options.get(producer.id, {}).get(value or "")
        if option is not None and value == STALL_PICKUP:
            stall = self.stall_choice(producer)
            return replace(option, key=f"{STALL_PICKUP}:{stall}", stall_id=stall)
        return option

    def needs_address(self) -> bool:
        """Some part is to go to the shopper's home (an option chosen on an earlier page may
        not be offered for the address as it is now: its fields then say what is missing)."""
        return any(_is_home(self.delivery_field(p).data) for p in self.producers)

    def saved_choice(self) -> SavedAddress | None:
        """The saved address chosen (only the shopper's own are offered), or None for a new one."""
        return next((a for a in self.saved if str(a.id) == self.saved_address.data), None)

    def given_address(self) -> Address | None:
        """The address given so far (saved or typed whole), to quote delivery to; None before."""
        saved = self.saved_choice()
        return saved.address if saved is not None else self.typed_address()

    def delivery_total(self) -> int:
        """The fees of the options chosen."""
        return sum(o.fee for p in self.producers if (o := self.chosen_option(p)) is not None)

    def validate(self, extra_validators: Any = None) -> bool:
        """The fields, then the rules that join them: payment, deliveries, address."""
        valid = super().validate(extra_validators)
        if self.payment_method.data not in {m.value for m in self.methods}:
            self.payment_method.errors.append(_l("Choose a payment method."))
            valid = False
        for producer in self.producers:
            choice = self.delivery_field(producer)
            if choice.data not in {option.value for option in choice.choices}:
                choice.errors.append(self._not_offered(producer, choice.data))
                valid = False
            elif choice.data == STALL_PICKUP:
                valid = self._validate_stall(producer) and valid
        if self.needs_address():
            valid = self._validate_address() and valid
        return valid

    def _not_offered(self, producer: Producer, value: str | None) -> str:
        """Why a way chosen is not one offered for the address as it is now."""
        address = self.given_address()
        if not _is_home(value) or address is None:
            return str(_l("Choose how this part reaches you."))
        if value == OWN:
            return does_not_deliver(producer, address.province_code)
        return " ".join(
            [
                str(_l("This delivery is not offered for this address now.")),
                *self.notes[producer.id],
            ]
        )

    def _validate_stall(self, producer: Producer) -> bool:
        field = self.stall_field(producer)
        if field is None or not field.data:
            if field is not None:
                field.errors.append(_l("Choose the stall where you will pick up."))
            return False
        if field.data not in {str(stall.id) for stall in self.stalls[producer.id]}:
            field.errors.append(not_its_stall(producer.name))
            return False
        return True

    def _validate_address(self) -> bool:
        if self.saved and self.saved_address.data != NEW_ADDRESS:
            if self.saved_choice() is None or self.saved_choice().address is None:
                self.saved_address.errors.append(_l("Choose one of your addresses."))
                return False
            return True
        return self.validate_address_fields()

    def address(self) -> Address | None:
        """The validated delivery address, or None when no part goes to the shopper's home."""
        if not self.needs_address():
            return None
        return self.given_address()


def checkout_form(
    producers: list[Producer],
    methods: list[PaymentMethod],
    stalls: dict[int, list[PickupStall]],
    saved: list[SavedAddress] | None = None,
    **kwargs: Any,
) -> CheckoutForm:
    """A checkout form with one delivery choice per producer in the cart, and for a producer
    that sells at chợ 4.0 stalls, the choice of those stalls (``stalls`` by producer id);
    ``saved`` are a signed-in shopper's addresses, offered before a new one. The delivery
    choices are filled by ``CheckoutForm.offer`` once the address is read."""

    class Form(CheckoutForm):
        pass

    for producer in producers:
        its_stalls = stalls.get(producer.id, [])
        # No default: delivery may cost money, so the shopper chooses it (#16.13).
        setattr(
            Form,
            f"delivery_{producer.id}",
            RadioField(
                _l("Delivery"),
                choices=[],
                description=_l("How %(producer)s's part reaches you", producer=producer.name),
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
                    description=_l("Stall for %(producer)s", producer=producer.name),
                    default=str(its_stalls[0].id) if len(its_stalls) == 1 else None,
                    validate_choice=False,
                ),
            )
    saved = saved or []
    if saved:
        # The most recently used address is the likely one (it costs nothing by itself).
        kwargs.setdefault("saved_address", str(saved[0].id))
    form = Form(**kwargs)
    form.producers, form.methods, form.stalls, form.saved = producers, methods, stalls, saved
    form.options, form.notes = {}, {}
    form.payment_method.choices = [SelectChoice(m.value, PAYMENT_LABELS[m]) for m in methods]
    form.saved_address.choices = [SelectChoice(str(a.id), a.label or a.street) for a in saved] + [
        SelectChoice(NEW_ADDRESS, _l("A new address"))
    ]
    form.set_address_choices()
    return form


class ShopperCancelForm(Form):
    """The shopper cancels one part (or the whole order when ``part`` is empty)."""

    part = WholeNumberField(validators=[Optional()])
    reason = StringField(_l("Reason (optional)"), validators=[Length(max=500, message=TOO_LONG)])


class BuyAgainForm(Form):
    """Put an earlier order's products back in the cart."""


class AdvanceForm(Form):
    """A producer moves a part along; the note is the tracking number when shipping."""

    action = HiddenField(validators=[InputRequired(message=_l("Unknown action."))])
    note = StringField(
        _l("Note or tracking number (optional)"), validators=[Length(max=200, message=TOO_LONG)]
    )


class AcceptForm(Form):
    """A producer accepts a new cash order (only the CSRF token)."""


class ProducerCancelForm(Form):
    """A producer cancels a part and tells the shopper why."""

    reason = TextAreaField(
        _l("Reason for the shopper"),
        validators=[
            InputRequired(message=_l("Say why you cancel, so the shopper understands.")),
            Length(max=500, message=TOO_LONG),
        ],
    )


class BulkForm(Form):
    """One action on several parts at once."""

    action = SelectField(_l("Action"), validate_choice=False)
    note = StringField(
        _l("Note or tracking number (optional)"), validators=[Length(max=200, message=TOO_LONG)]
    )


class AddressBookForm(AddressFields):
    """One address of the shopper's address book."""

    label = StringField(
        _l("Name for this address (optional)"),
        validators=[Length(max=60, message=TOO_LONG)],
    )

    def validate(self, extra_validators: Any = None) -> bool:
        """The label, then province, commune and street."""
        valid = super().validate(extra_validators)
        return self.validate_address_fields() and valid


class DeleteAddressForm(Form):
    """Delete one saved address (only the CSRF token)."""
