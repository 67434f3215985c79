"""Account use cases: register, authenticate, password reset tokens."""

import hashlib
import hmac
from functools import cache

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from market.accounts.models import Role, User, password_hash_method
from market.dbtypes import utcnow
from market.domain_errors import DomainError
from market.extensions import db
from market.phone import normalize_phone


class AccountError(DomainError):
    """A domain error the view shows to the user."""


class LoginTaken(AccountError):
    """Another account already uses this email or phone."""


def find_by_login(login: str) -> User | None:
    """The user whose email or phone is ``login`` (already normalised)."""
    column = User.email if "@" in login else User.phone
    return db.session.scalar(sa.select(User).where(column == login))


def account_for(login: str) -> User | None:
    """The account whose e-mail or mobile number is ``login`` as a person typed it."""
    login = login.strip()
    return find_by_login(normalize_phone(login) or login.lower())


def register_user(name: str, login: str, password: str, locale: str = "vi") -> User:
    """Create a shopper account; raise ``LoginTaken`` if the login is in use."""
    if find_by_login(login) is not None:
        raise LoginTaken(login)
    user = User(name=name.strip(), role=Role.SHOPPER, locale=locale)
    if "@" in login:
        user.email = login
    else:
        user.phone = login
    user.set_password(password)
    db.session.add(user)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        # Two sign-ups with the same login at the same moment: the unique index decides.
        db.session.rollback()
        raise LoginTaken(login) from None
    return user


@cache
def _dummy_hash() -> str:
    # Checked when the login is unknown, so timing does not reveal which accounts exist.
    return generate_password_hash("not-a-real-password", method=password_hash_method())


def authenticate(login: str, password: str) -> User | None:
    """The active user with this login and password, or None."""
    user = find_by_login(login)
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not user.active or not user.check_password(password):
        return None
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _password_fingerprint(user: User) -> str:
    # Part of the token: changing the password invalidates every earlier link (single use).
    return hmac.new(
        current_app.config["SECRET_KEY"].encode(), user.password_hash.encode(), hashlib.sha256
    ).hexdigest()[:16]


def make_reset_token(user: User) -> str:
    """A signed token for a password reset link, valid once and for a limited time."""
    return _serializer().dumps({"uid": user.id, "fp": _password_fingerprint(user)})


def user_for_reset_token(token: str) -> User | None:
    """The user a valid, unused, unexpired token belongs to, or None."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        return None
    user = db.session.get(User, data["uid"])
    if user is None or not user.active:
        return None
    if not hmac.compare_digest(str(data.get("fp", "")), _password_fingerprint(user)):
        return None
    return user


def reset_password(user: User, password: str) -> None:
    """Set a new password, which spends every outstanding reset link and ends every session."""
    user.set_password(password)
    user.end_sessions()
    db.session.commit()


class WrongPassword(AccountError):
    """The current password given to change it is not the account's."""


def change_password(user: User, current: str, new: str) -> None:
    """Replace the password after checking the current one; every session of the account ends."""
    if not user.check_password(current):
        raise WrongPassword()
    user.set_password(new)
    user.end_sessions()
    db.session.commit()


def sign_out_everywhere(user: User) -> None:
    """End every session and remember-me cookie of the account, on every device."""
    user.end_sessions()
    db.session.commit()
