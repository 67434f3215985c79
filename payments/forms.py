"""Forms of the manager's reconciliation pages."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import TextInput

from market.forms import Form, MultiCheckboxField

_AMOUNT_DECORATION = re.compile(r"[\s.,₫]|đ|dong|vnd", re.IGNORECASE)


class MoneyField(IntegerField):
    """Whole đồng, typed the Vietnamese way or not: ``150.000``, ``150 000 ₫``, ``150000``."""

    widget = TextInput()

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        digits = _AMOUNT_DECORATION.sub("", valuelist[0])
        if not digits.isdigit() or len(digits) > 13:
            self.data = None
            raise ValueError(str(_l("Enter an amount in whole đồng, for example 150.000.")))
        self.data = int(digits)


class PeriodForm(Form):
    """The days the reconciliation covers (a GET form: no CSRF)."""

    class Meta:
        csrf = False

    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])


class AssignForm(Form):
    """Credit an unmatched transfer to a payment code."""

    code = StringField(_l("Payment code"), validators=[DataRequired(), Length(max=32)])


class ReturnForm(Form):
    """A one-button action: flag a transfer for return, confirm cash (only the CSRF token)."""


class RefundForm(Form):
    """Give back money from one payment."""

    amount = MoneyField(
        _l("Amount to refund (đồng)"), validators=[DataRequired(), NumberRange(min=1)]
    )
    reference = StringField(_l("Bank transfer or receipt reference"), validators=[Length(max=120)])


class RefundRequestForm(Form):
    """A producer asks the market to refund part of a card or transfer payment."""

    amount = MoneyField(
        _l("Amount to refund (đồng)"), validators=[DataRequired(), NumberRange(min=1)]
    )
    reason = StringField(
        _l("Why (the market's managers read it)"), validators=[DataRequired(), Length(max=500)]
    )


class RefundDecisionForm(Form):
    """A provincial manager approves (with the transfer's reference) or rejects a request."""

    reference = StringField(_l("Bank transfer reference"), validators=[Length(max=120)])
    note = StringField(_l("Note to the producer"), validators=[Length(max=500)])


class PaymentRefundForm(Form):
    """A provincial manager gives back money from one payment, naming what it is for: the
    money flagged to go back, and whole order parts."""

    flagged = MoneyField(
        _l("Flagged money to give back (đồng)"), validators=[Optional(), NumberRange(min=1)]
    )
    parts = MultiCheckboxField(
        _l("Order parts to refund in full"), choices=[], validate_choice=True
    )
    reason = StringField(
        _l("Why the parts are refunded (the producer and the shopper see it)"),
        validators=[Length(max=500)],
    )
    reference = StringField(_l("Bank transfer or receipt reference"), validators=[Length(max=120)])


class FeeRuleForm(Form):
    """Set the commission of the default, an OCOP group or one producer."""

    scope = SelectField(_l("Applies to"), validators=[DataRequired()])
    rate = DecimalField(
        _l("Commission (%)"),
        places=2,
        validators=[InputRequired(), NumberRange(min=0, max=100)],
    )
    delivery_carries = BooleanField(_l("Delivery fees carry the commission too"))
    note = StringField(_l("Why (for example: pilot year)"), validators=[Length(max=300)])


class PayoutRunForm(Form):
    """Create a payout run for balances from a minimum."""

    minimum = MoneyField(
        _l("Smallest balance to pay (đồng)"), validators=[InputRequired(), NumberRange(min=1)]
    )


class ConfirmLineForm(Form):
    """Record by hand that a payout line's transfer was made."""

    reference = StringField(
        _l("Bank transfer reference"), validators=[DataRequired(), Length(max=120)]
    )


class CodStatementForm(Form):
    """A carrier's COD statement to import: which carrier, and the file (CSV or XLSX)."""

    carrier = SelectField(_l("Carrier"), validate_choice=False)
    statement = FileField(
        _l("COD statement (CSV or XLSX: tracking code, amount, date)"),
        validators=[FileRequired(message=_l("Choose the statement file."))],
        render_kw={"accept": ".csv,.xlsx,text/csv"},
    )
