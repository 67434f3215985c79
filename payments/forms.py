"""Forms of the manager's reconciliation pages."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import TextInput

from payments.models import PaymentMethod

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


class PeriodForm(FlaskForm):
    """The days the reconciliation covers (a GET form: no CSRF)."""

    class Meta:
        csrf = False

    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])


class AssignForm(FlaskForm):
    """Credit an unmatched transfer to a payment code."""

    code = StringField(_l("Payment code"), validators=[DataRequired(), Length(max=32)])


class ReturnForm(FlaskForm):
    """Flag an unmatched transfer to be sent back (only the CSRF token)."""


class RefundForm(FlaskForm):
    """Give back money from one payment."""

    amount = MoneyField(
        _l("Amount to refund (đồng)"), validators=[DataRequired(), NumberRange(min=1)]
    )
    reference = StringField(_l("Bank transfer or receipt reference"), validators=[Length(max=120)])


class PayoutForm(FlaskForm):
    """Record money paid to a producer."""

    producer = SelectField(_l("Producer"), coerce=int, validators=[DataRequired()])
    amount = MoneyField(_l("Amount paid (đồng)"), validators=[DataRequired(), NumberRange(min=1)])
    method = SelectField(
        _l("Paid by"),
        choices=[
            SelectChoice(PaymentMethod.BANK_TRANSFER.value, _l("Bank transfer")),
            SelectChoice(PaymentMethod.CASH.value, _l("Cash")),
        ],
        default=PaymentMethod.BANK_TRANSFER.value,
    )
    reference = StringField(
        _l("Bank transfer or receipt reference"), validators=[DataRequired(), Length(max=120)]
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=500)])
