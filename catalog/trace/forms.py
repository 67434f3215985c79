"""Forms of the trace workspace: events, processing, recalls and label sheets."""

from datetime import datetime, time

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from catalog.gs1 import gtin_check_digit
from catalog.trace.labels import DEFAULT_SIZE, MAX_SHEETS, SIZES
from catalog.trace.models import BizStep, EventType
from market.forms import Form, SubForm

EVENT_TYPES = {
    EventType.HARVEST: _l("Harvest"),
    EventType.PROCESSING: _l("Processing"),
    EventType.PACKING: _l("Packing"),
    EventType.SHIPPING: _l("Shipping"),
    EventType.RECEIVING: _l("Receiving"),
    EventType.SELLING: _l("Selling"),
}
BIZ_STEPS = {
    BizStep.COMMISSIONING: _l("Harvest and first registration"),
    BizStep.CREATING_CLASS_INSTANCE: _l("Producing a new lot"),
    BizStep.INSPECTING: _l("Inspecting"),
    BizStep.PACKING: _l("Packing"),
    BizStep.STORING: _l("Storing"),
    BizStep.SHIPPING: _l("Shipping"),
    BizStep.TRANSPORTING: _l("Transporting"),
    BizStep.RECEIVING: _l("Receiving"),
    BizStep.RETAIL_SELLING: _l("Selling to shoppers"),
}
QUANTITY = (Optional(), NumberRange(min=0.01, max=10**9, message=_l("Enter a positive amount.")))


def validate_gln(_form: Form, field: StringField) -> None:
    """A GS1 Global Location Number: 13 digits with a valid check digit."""
    value = (field.data or "").strip()
    if value and not (
        len(value) == 13 and value.isdigit() and gtin_check_digit(value[:-1]) == int(value[-1])
    ):
        raise ValidationError(_l("A GLN has 13 digits and a valid check digit."))
    field.data = value or None


class WhenMixin:
    """Local date and time of an event, not in the future."""

    day = DateField(_l("Date"), validators=[DataRequired(_l("Enter the date."))])
    at = TimeField(_l("Time"), validators=[DataRequired(_l("Enter the time."))])

    def local_moment(self) -> datetime:
        """The date and time as entered, in Asia/Ho_Chi_Minh."""
        return datetime.combine(self.day.data, self.at.data or time(0))


class PlaceMixin:
    """Where it happened, and an optional certificate."""

    place = StringField(
        _l("Place"), validators=[DataRequired(_l("Say where it happened.")), Length(max=200)]
    )
    gln = StringField(_l("GLN of the place (optional)"), validators=[validate_gln])
    certificate = StringField(
        _l("Certificate (optional)"), validators=[Optional(), Length(max=300)]
    )
    certificate_ref = StringField(
        _l("Certificate number or link (optional)"), validators=[Optional(), Length(max=300)]
    )


class EventForm(WhenMixin, PlaceMixin, Form):
    """Record one event on a lot."""

    type = SelectField(
        _l("What happened"),
        choices=[
            SelectChoice(t.value, label)
            for t, label in EVENT_TYPES.items()
            if t != EventType.PROCESSING
        ],
    )
    biz_step = SelectField(
        _l("Business step"),
        choices=[
            SelectChoice("", _l("The usual step for this event")),
            *(SelectChoice(step.value, label) for step, label in BIZ_STEPS.items()),
        ],
        default="",
    )
    quantity = DecimalField(_l("Quantity (optional)"), places=2, validators=list(QUANTITY))


class InputRow(SubForm):
    """One candidate input lot: use it or not, and how much of it."""

    lot_id = HiddenField()
    use = BooleanField(_l("Use this lot"))
    quantity = DecimalField(_l("Quantity used"), places=2, validators=list(QUANTITY))


class ProcessingForm(WhenMixin, PlaceMixin, Form):
    """Make a new lot of a product from input lots."""

    inputs = FieldList(FormField(InputRow), label=_l("Input lots"))
    product = SelectField(_l("Product made"), coerce=int)
    code = StringField(
        _l("New lot code (optional)"),
        validators=[Optional(), Length(max=20)],
        description=_l("Letters, digits, dots and hyphens; leave empty for a generated code."),
    )
    quantity = DecimalField(
        _l("Quantity made"),
        places=2,
        validators=[
            DataRequired(_l("Enter the quantity made.")),
            NumberRange(min=0.01, max=10**9, message=_l("Enter a positive amount.")),
        ],
    )


class RecallForm(Form):
    """Recall a lot with a reason everyone will see."""

    reason = TextAreaField(
        _l("Reason for the recall"),
        validators=[
            DataRequired(_l("Say why the lot is recalled.")),
            Length(min=5, max=500, message=_l("Between 5 and 500 characters.")),
        ],
    )
    confirm = BooleanField(
        _l("I understand the recall is shown to every shopper at once and cannot be undone."),
        validators=[DataRequired(_l("Tick the box to confirm the recall."))],
    )


class LabelForm(Form):
    """Choose the label size and how many sheets to print (a GET form, no CSRF needed)."""

    class Meta:
        csrf = False

    size = SelectField(
        _l("Label size"),
        choices=[SelectChoice(key, size.name) for key, size in SIZES.items()],
        default=DEFAULT_SIZE,
    )
    sheets = IntegerField(
        _l("Sheets"),
        default=1,
        validators=[
            Optional(),
            NumberRange(
                min=1, max=MAX_SHEETS, message=_l("Between 1 and %(n)s sheets.", n=MAX_SHEETS)
            ),
        ],
    )
