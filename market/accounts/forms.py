"""Account forms; every field is validated on the server."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from market.forms import Form
from market.phone import looks_like_phone, mobile_problem, normalize_phone, vietnamese_mobile

PASSWORD_MIN = 8


def strip_whitespace(value: str | None) -> str | None:
    """Drop the spaces phone keyboards add around a suggested address."""
    return value.strip() if isinstance(value, str) else value


def validate_login_identifier(_form: Form, field: StringField) -> None:
    """Accept an email address or a Vietnamese mobile number, normalised."""
    value = (field.data or "").strip()
    if looks_like_phone(value):
        problem = mobile_problem(value)
        if problem is not None:
            raise ValidationError(str(problem))
        field.data = normalize_phone(value)
        return
    if "@" not in value or value.startswith("@") or value.endswith("@"):
        raise ValidationError(_l("Enter an email address or a mobile number."))
    field.data = value.lower()


class SignupForm(Form):
    """Create an account with an email address or a mobile number."""

    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    login = StringField(
        _l("Email or mobile number"),
        validators=[DataRequired(), Length(max=254), validate_login_identifier],
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(),
            Length(
                min=PASSWORD_MIN,
                max=128,
                message=_l("Use at least %(n)s characters.", n=PASSWORD_MIN),
            ),
        ],
    )
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class LoginForm(Form):
    """Sign in with email or mobile number and password."""

    login = StringField(
        _l("Email or mobile number"),
        validators=[DataRequired(), Length(max=254), validate_login_identifier],
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])
    remember = BooleanField(_l("Keep me signed in"))


class ResetRequestForm(Form):
    """Ask for a password-reset link by email, or a code by SMS for a phone account."""

    login = StringField(
        _l("Email or mobile number"),
        validators=[DataRequired(), Length(max=254), validate_login_identifier],
    )


def code_digits(value: str | None) -> str | None:
    """The code as typed, without the spaces and dashes people put in long numbers."""
    return "".join(value.split()).replace("-", "") if isinstance(value, str) else value


class CodeForm(Form):
    """The one-time code received by SMS."""

    code = StringField(
        _l("Code from the SMS"),
        validators=[
            DataRequired(message=_l("Enter the code from the SMS.")),
            Regexp(r"^\d{6}$", message=_l("The code has 6 digits.")),
        ],
        filters=[code_digits],
    )


class ResetPasswordForm(Form):
    """Choose a new password from a reset link."""

    password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(),
            Length(
                min=PASSWORD_MIN,
                max=128,
                message=_l("Use at least %(n)s characters.", n=PASSWORD_MIN),
            ),
        ],
    )
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class ResetByCodeForm(CodeForm, ResetPasswordForm):
    """The code received by SMS and the new password, on one page."""


class ChangePasswordForm(ResetPasswordForm):
    """Replace the password, proving the current one first."""

    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=128)])


class ProfileForm(Form):
    """Name, contact and language."""

    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(
        _l("Email address"),
        validators=[Optional(), Email(message=_l("Enter a valid email address."))],
        filters=[strip_whitespace],
    )
    phone = StringField(
        _l("Mobile number"), validators=[Optional(), Length(max=20), vietnamese_mobile]
    )
    locale = SelectField(
        _l("Language"),
        choices=[SelectChoice("vi", "Tiếng Việt"), SelectChoice("en", "English")],
    )
