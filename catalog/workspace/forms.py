"""Workspace forms; every value is checked again by the services."""

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from catalog.models import AreaStatus, Certification, ProducerKind
from catalog.stock_history import REASON_LABELS, StockReason
from catalog.templating import CERTIFICATIONS, PRODUCER_KINDS
from catalog.workspace.numbers import (
    NumberError,
    parse_centimetres,
    parse_count,
    parse_grams,
    parse_price,
)
from market import banks
from market.accounts.forms import validate_login_identifier
from market.forms import Form, MultiCheckboxField, options, place_choices
from market.phone import vietnamese_mobile

# A hint for the phone's file picker; the server checks the content whatever the browser sends.
IMAGE_TYPES = "image/jpeg,image/png,image/webp"
# With JavaScript on, photos are made smaller in the browser before they are sent (static/js/
# photos.js): a cheap phone's 4 MB picture crosses a weak signal as a few hundred kilobytes.
PHOTO_INPUT = {
    "accept": IMAGE_TYPES,
    "data-downscale": "2560",
    "data-downscale-note": _l("Made smaller for a faster upload: %(before)s → %(after)s."),
}


class NumberField(StringField):
    """A text box for whole numbers as people type them (``125.000``); ``data`` is an int."""

    def __init__(self, *args: Any, parser: Any = parse_count, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parser = parser
        self.raw: str | None = None

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Parse the submitted text, keeping it for redisplay."""
        self.raw = valuelist[0] if valuelist else ""
        self.data = None
        if self.raw and self.raw.strip():
            try:
                self.data = self.parser(self.raw)
            except NumberError as error:
                raise ValueError(str(error)) from None

    def _value(self) -> str:
        if self.raw is not None:
            return self.raw
        return "" if self.data is None else str(self.data)


def _bank_choices() -> list[SelectChoice]:
    return options([("", _l("— No bank account (cash only) —")), *banks.bank_choices()])


class BankFields(Form):
    """Bank, account number and holder: where VietQR transfers go."""

    bank_bin = SelectField(_l("Bank"), choices=[], validate_choice=False)
    bank_account = StringField(_l("Account number"), validators=[Optional(), Length(max=30)])
    bank_holder = StringField(_l("Account holder's name"), validators=[Optional(), Length(max=60)])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.bank_bin.choices = _bank_choices()


class ProfileForm(Form):
    """What shoppers see about a producer."""

    kind = SelectField(
        _l("You are a"), choices=options((k.value, label) for k, label in PRODUCER_KINDS.items())
    )
    name = StringField(_l("Name shoppers will see"), validators=[DataRequired(), Length(max=200)])
    place = SelectField(_l("Commune or ward"), validators=[DataRequired()])
    area = SelectField(_l("Area of origin"), default="")
    address = StringField(_l("Village and street (optional)"), validators=[Length(max=300)])
    phone = StringField(_l("Contact mobile number"), validators=[DataRequired(), vietnamese_mobile])
    story = TextAreaField(_l("Your story"), validators=[Length(max=5000)])
    photo = FileField(_l("A photo of you, your farm or workshop (optional)"), render_kw=PHOTO_INPUT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        place_choices(self.place, self.area)

    @property
    def kind_value(self) -> ProducerKind:
        """The chosen producer kind."""
        return ProducerKind(self.kind.data)


class OnboardingForm(ProfileForm, BankFields):
    """A new producer's profile and, optionally, its bank account."""


class BankForm(BankFields):
    """Change the bank account (owner only)."""


class ProductForm(Form):
    """A listing's facts; stock is set on creation and changed later through the stock page."""

    name = StringField(_l("Product name"), validators=[DataRequired(), Length(max=200)])
    category_id = SelectField(_l("Product group (OCOP)"), coerce=int, validate_choice=False)
    unit = StringField(_l("Unit sold"), validators=[DataRequired(), Length(max=40)], default="kg")
    price = NumberField(
        _l("Price per unit (đồng)"), parser=parse_price, validators=[InputRequired()]
    )
    stock = NumberField(_l("Units in stock now"), default=0)
    low_stock_threshold = NumberField(_l("Warn me when stock falls to"), default=5)
    weight_grams = NumberField(_l("Weight of one unit, packed (grams)"), parser=parse_grams)
    length_cm = NumberField(_l("Length (cm)"), parser=parse_centimetres)
    width_cm = NumberField(_l("Width (cm)"), parser=parse_centimetres)
    height_cm = NumberField(_l("Height (cm)"), parser=parse_centimetres)
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    certifications = MultiCheckboxField(
        _l("Certifications"),
        choices=options((c.value, label) for c, label in CERTIFICATIONS.items()),
        validate_choice=True,
    )
    growing_area_id = SelectField(_l("Growing area"), coerce=int, validate_choice=False)
    gtin = StringField(_l("Barcode (GTIN), optional"), validators=[Length(max=20)])
    sku = StringField(_l("Your product code (SKU), optional"), validators=[Length(max=64)])
    photos = MultipleFileField(_l("Photos (up to 8)"), render_kw=PHOTO_INPUT)

    @property
    def certification_values(self) -> list[Certification]:
        """The ticked certifications."""
        return [Certification(value) for value in self.certifications.data or []]


class StockForm(Form):
    """Add or remove units, saying why."""

    change = IntegerField(
        _l("Units to add (use a minus sign to remove)"),
        validators=[InputRequired(message=_l("Enter a whole number, such as 10 or -3."))],
    )
    reason = SelectField(
        _l("Why"),
        choices=options(
            (reason.value, REASON_LABELS[reason])
            for reason in (StockReason.RESTOCK, StockReason.CORRECTION)
        ),
    )
    note = StringField(_l("Note (optional)"), validators=[Length(max=200)])


class BulkEditForm(Form):
    """The quick-edit table: the rows are read from the request; this carries CSRF and reason."""

    reason = SelectField(
        _l("Stock changes are a"),
        choices=options(
            (reason.value, REASON_LABELS[reason])
            for reason in (StockReason.RESTOCK, StockReason.CORRECTION)
        ),
    )


class PhotosForm(Form):
    """Add photos to a listing."""

    photos = MultipleFileField(_l("Add photos"), render_kw=PHOTO_INPUT)


class ActionForm(Form):
    """A button that changes something: only the CSRF token."""


class OcopClaimForm(Form):
    """An OCOP recognition claim with the scan of the decision."""

    stars = SelectField(_l("Stars"), choices=options((n, f"{n} ★") for n in (3, 4, 5)), coerce=int)
    decision_number = StringField(
        _l("Decision number"), validators=[DataRequired(), Length(max=40)]
    )
    decision_date = DateField(_l("Decision date"), validators=[InputRequired()])
    scan = FileField(_l("Photo or scan of the decision"), render_kw=PHOTO_INPUT)


class AreaForm(Form):
    """A growing area and its code."""

    code = StringField(_l("Growing-area code"), validators=[DataRequired(), Length(max=40)])
    crop = StringField(_l("Crop"), validators=[DataRequired(), Length(max=120)])
    variety = StringField(_l("Variety (optional)"), validators=[Length(max=120)])
    area_ha = DecimalField(
        _l("Area (ha)"), places=2, validators=[Optional(), NumberRange(min=0.01, max=10**7)]
    )
    households = IntegerField(
        _l("Households"), validators=[Optional(), NumberRange(min=0, max=100_000)]
    )
    place = SelectField(_l("Commune or ward"), validators=[DataRequired()])
    area = SelectField(_l("Area of origin"), default="")
    latitude = DecimalField(
        _l("Latitude (optional)"), places=6, validators=[Optional(), NumberRange(-90, 90)]
    )
    longitude = DecimalField(
        _l("Longitude (optional)"), places=6, validators=[Optional(), NumberRange(-180, 180)]
    )
    certification = SelectField(
        _l("Certification"),
        choices=options(
            [("", _l("None")), *((c.value, label) for c, label in CERTIFICATIONS.items())]
        ),
    )
    target_market = StringField(_l("Target market (optional)"), validators=[Length(max=120)])
    issuing_body = StringField(_l("Issued by (optional)"), validators=[Length(max=200)])
    status = SelectField(
        _l("Status"),
        choices=options(
            [
                (AreaStatus.ACTIVE.value, _l("Active")),
                (AreaStatus.SUSPENDED.value, _l("Suspended")),
                (AreaStatus.CANCELLED.value, _l("Cancelled")),
            ]
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        place_choices(self.place, self.area)


class LotForm(Form):
    """A harvest lot."""

    product_id = SelectField(_l("Product"), coerce=int, validate_choice=False)
    growing_area_id = SelectField(_l("Growing area"), coerce=int, validate_choice=False)
    harvest_date = DateField(_l("Harvest date"), validators=[InputRequired()])
    quantity = DecimalField(
        _l("Quantity harvested (in the product's unit)"),
        places=2,
        validators=[InputRequired(), NumberRange(min=0.01, max=10**9)],
    )


class LoginForm(Form):
    """An email address or mobile number of the person to invite or grant."""

    login = StringField(
        _l("Email or mobile number"),
        validators=[DataRequired(), Length(max=254), validate_login_identifier],
    )


class HelperGrantForm(LoginForm):
    """A helper to grant access to, and whether the household's notices reach them too."""

    notices = BooleanField(_l("Send my order and payment notices to this helper too"))


class ImportForm(Form):
    """A CSV or XLSX file of listings."""

    file = FileField(
        _l("CSV or XLSX file"),
        render_kw={
            "accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument"
            ".spreadsheetml.sheet"
        },
    )


class ImportConfirmForm(Form):
    """Confirm an import that was checked."""

    token = HiddenField(validators=[DataRequired()])
