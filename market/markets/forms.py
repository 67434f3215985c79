"""Forms of the manager console and the stall seller's screen; services check every value again."""

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from market import banks
from market.forms import Form, MultiCheckboxField, options, place_choices
from market.markets.sales import MAX_QUANTITY, Item
from market.markets.scopes import Grain
from payments.forms import MoneyField


def at_most(characters: int) -> Length:
    """A length limit whose message is translated (WTForms' own is English only)."""
    return Length(max=characters, message=_l("At most %(max)d characters."))


def whole_number(value: object) -> int:
    """A submitted id as an int; 0 (no such row) for anything else, so services explain."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 12 else 0


def required(message: object) -> DataRequired:
    """A required field with our own, translated message."""
    return DataRequired(message=message)


class MarketForm(Form):
    """A market's name, place and days."""

    name = StringField(
        _l("Market name"), validators=[required(_l("Enter the market's name.")), at_most(120)]
    )
    place = SelectField(
        _l("Commune or ward"),
        validators=[required(_l("Choose the commune from the list."))],
        validate_choice=False,
    )
    area = SelectField(_l("Area of origin"), default="", validate_choice=False)
    address = StringField(_l("Address (optional)"), validators=[at_most(300)])
    market_days = StringField(
        _l("Market days"),
        validators=[at_most(120)],
        description=_l(
            "As people say it: every day, Saturdays and Sundays, the 5th, 10th… (lunar)."
        ),
    )
    active = BooleanField(_l("Open (stalls can sell)"), default=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        place_choices(self.place, self.area)


class ManagerForm(Form):
    """Assign a manager's account to the market."""

    login = StringField(
        _l("Manager's e-mail or mobile number"),
        validators=[required(_l("Enter the manager's e-mail or mobile number.")), at_most(254)],
    )


class ProvincialGrantForm(Form):
    """Give a manager's account the whole province, or take it back."""

    login = StringField(
        _l("Manager's e-mail or mobile number"),
        validators=[required(_l("Enter the manager's e-mail or mobile number.")), at_most(254)],
    )
    grant = HiddenField(default="1")


class SupervisionForm(Form):
    """Make a helper the team lead of another helper."""

    helper = StringField(
        _l("Helper's e-mail or mobile number"),
        validators=[required(_l("Enter the helper's e-mail or mobile number.")), at_most(254)],
    )
    supervisor = StringField(
        _l("Team lead's e-mail or mobile number"),
        validators=[required(_l("Enter the team lead's e-mail or mobile number.")), at_most(254)],
    )


class RemoveManagerForm(Form):
    """Take a manager off the market."""

    user_id = HiddenField(validators=[required(_l("Unknown manager."))])


class StallForm(Form):
    """A stall's number, producer and receiving account."""

    number = StringField(
        _l("Stall number"),
        validators=[
            required(_l("Enter the stall number (up to 10 letters and digits).")),
            at_most(20),
        ],
    )
    name = StringField(
        _l("Name on the poster (optional)"),
        validators=[at_most(120)],
        description=_l("Left empty, the producer's name is used."),
    )
    producer_id = SelectField(_l("Producer"), coerce=whole_number, validate_choice=False)
    bank_bin = SelectField(_l("Bank"), choices=[], validate_choice=False)
    bank_account = StringField(_l("Account number"), validators=[at_most(30)])
    bank_holder = StringField(_l("Account holder's name"), validators=[at_most(60)])
    active = BooleanField(_l("In use"), default=True)

    def __init__(self, *args: Any, producers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.producer_id.choices = options([(0, _l("— Choose the producer —")), *producers])
        self.bank_bin.choices = options(
            [("", _l("— The producer's own account —")), *banks.bank_choices()]
        )


class StallProductsForm(Form):
    """The products sold at the stall."""

    products = MultiCheckboxField(_l("Products sold at this stall"), coerce=int)


class SaleForm(Form):
    """A sale at the stall: the amount, the method (the button pressed) and any products."""

    amount = MoneyField(_l("Amount (đồng)"), validators=[Optional()])
    method = HiddenField()

    def items(self, form_data: Any, product_ids: list[int]) -> list[Item] | None:
        """The quantities typed for the stall's products; None (with an error) if one is bad."""
        items = []
        for product_id in product_ids:
            raw = (form_data.get(f"qty-{product_id}") or "").strip()
            if not raw or raw == "0":
                continue
            if not raw.isdigit() or not 0 < int(raw) <= MAX_QUANTITY:
                self.amount.errors = [
                    *self.amount.errors,
                    str(_l("A quantity is a whole number from 1 to 999.")),
                ]
                return None
            items.append(Item(product_id, int(raw)))
        return items


class ActionForm(Form):
    """A button that changes something (only the CSRF token)."""


class PlaceReviewForm(Form):
    """A manager's choice of the official commune (and area of origin) for an unmapped place."""

    commune = SelectField(_l("Commune or ward"), default="", validate_choice=False)
    area = SelectField(_l("Area of origin"), default="", validate_choice=False)


class ClaimForm(Form):
    """Link an unmatched transfer to a sale."""

    notification_id = IntegerField(
        validators=[required(_l("That transfer cannot be linked to this sale."))]
    )


class DecisionForm(Form):
    """A manager's decision on a producer, an OCOP claim or a growing area, with the reason."""

    decision = HiddenField(validators=[required(_l("Choose a decision."))])
    reason = TextAreaField(
        _l("Reason (shown to the producer; required to reject, suspend or cancel)"),
        validators=[at_most(500)],
    )


class ReportForm(Form):
    """What a report covers (a GET form: no CSRF); the values are checked again by scopes."""

    class Meta:
        csrf = False

    scope = SelectField(_l("Scope"), validate_choice=False)
    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])
    grain = SelectField(
        _l("Group by"),
        choices=options(
            [
                (Grain.DAY.value, _l("Day")),
                (Grain.WEEK.value, _l("Week")),
                (Grain.MONTH.value, _l("Month")),
            ]
        ),
        validate_choice=False,
    )
