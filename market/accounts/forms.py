"""Account forms; every field is validated on the server."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from market.phone import looks_like_phone, normalize_phone

PASSWORD_MIN = 8


def strip_whitespace(value: str | None) -> str | None:
    """Drop the spaces phone keyboards add around a suggested address."""
    return value.strip() if isinstance(value, str) else value


def validate_login_identifier(_form: FlaskForm, field: StringField) -> None:
    """Accept an email address or a Vietnamese mobile number, normalised."""
    value = (field.data or "").strip()
    if looks_like_phone(value):
        phone = normalize_phone(value)
        if phone is None:
            raise ValidationError(_l("Enter a Vietnamese mobile number, such as 0912 345 678."))
        field.data = phone
        return
    if "@" not in value or value.startswith("@") or value.endswith("@"):
        raise ValidationError(_l("Enter an email address or a mobile number."))
    field.data = value.lower()


class SignupForm(FlaskForm):
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


class LoginForm(FlaskForm):
    """Sign in with email or mobile number and password."""

    login = StringField(
        _l("Email or mobile number"),
        validators=[DataRequired(), Length(max=254), validate_login_identifier],
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])
    remember = BooleanField(_l("Keep me signed in"))


class ResetRequestForm(FlaskForm):
    """Ask for a password-reset link."""

    email = EmailField(
        _l("Email address"),
        validators=[DataRequired(), Email(message=_l("Enter a valid email address."))],
        filters=[strip_whitespace],
    )


class ResetPasswordForm(FlaskForm):
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


class ProfileForm(FlaskForm):
    """Name, contact and language."""

    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(
        _l("Email address"),
        validators=[Optional(), Email(message=_l("Enter a valid email address."))],
        filters=[strip_whitespace],
    )
    phone = StringField(_l("Mobile number"), validators=[Optional(), Length(max=20)])
    locale = SelectField(
        _l("Language"),
        choices=[SelectChoice("vi", "Tiếng Việt"), SelectChoice("en", "English")],
    )

    def validate_phone(self, field: StringField) -> None:
        """Normalise the mobile number or explain what is wrong."""
        if field.data:
            phone = normalize_phone(field.data)
            if phone is None:
                raise ValidationError(_l("Enter a Vietnamese mobile number, such as 0912 345 678."))
            field.data = phone
