"""Phone-first accounts: sign-up, password reset and a changed number, each proved by an SMS code.

What the person asking learns is the same whether or not a number has an account: a sign-up
for a number that has one sends its owner a notice instead of a code, and a reset for a number
without an account (or whose number was never proved and has an email to reset by) sends
nothing. Only someone holding the phone finds out, from the SMS, and nobody can use a number's
existence to list the marketplace's customers.
"""

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from market.accounts import phone_codes
from market.accounts.models import CodePurpose, PhoneCode, User, password_hash_method
from market.accounts.phone_codes import Delivery
from market.accounts.services import LoginTaken, find_by_login
from market.dbtypes import utcnow
from market.extensions import db


def start_signup(phone: str, name: str, password: str, address: str, locale: str) -> PhoneCode:
    """Send a sign-up code to the number, keeping the name and password hash until it is back."""
    return _signup_code(
        phone,
        name.strip(),
        generate_password_hash(password, password_hash_method()),
        address,
        locale,
    )


def _signup_code(phone: str, name: str, password_hash: str, address: str, locale: str) -> PhoneCode:
    taken = find_by_login(phone) is not None
    return phone_codes.issue(
        phone,
        CodePurpose.SIGNUP,
        address,
        locale,
        delivery=Delivery.NOTICE if taken else Delivery.CODE,
        name=name,
        password_hash=password_hash,
    )


def resettable_by_sms(user: User | None) -> bool:
    """An active account whose number is its only login or was proved by a code."""
    return (
        user is not None
        and user.active
        and user.phone is not None
        and (user.email is None or user.phone_verified_at is not None)
    )


def start_reset(phone: str, address: str, locale: str) -> PhoneCode:
    """Send a reset code if the number's account may reset by SMS; record a code either way."""
    user = find_by_login(phone)
    if not resettable_by_sms(user):
        return phone_codes.issue(
            phone, CodePurpose.RESET, address, locale, delivery=Delivery.NOTHING
        )
    assert user is not None
    return phone_codes.issue(phone, CodePurpose.RESET, address, user.locale, user=user)


def start_phone_change(user: User, phone: str, address: str) -> PhoneCode:
    """Send a code to the new number of a signed-in account."""
    return phone_codes.issue(phone, CodePurpose.CHANGE_PHONE, address, user.locale, user=user)


def resend(row: PhoneCode, address: str, locale: str) -> PhoneCode:
    """Start the same request again with a new code (the earlier one ends)."""
    if row.purpose is CodePurpose.SIGNUP:
        return _signup_code(row.phone, row.name or "", row.password_hash or "", address, locale)
    if row.purpose is CodePurpose.RESET:
        return start_reset(row.phone, address, locale)
    assert row.user is not None
    return start_phone_change(row.user, row.phone, address)


def finish_signup(row: PhoneCode, entered: str, locale: str) -> User:
    """Create the shopper account once the code is right; the number counts as proved.

    Raises the code's errors, or ``LoginTaken`` if the number got an account meanwhile.
    """
    phone_codes.spend(row, entered)
    if find_by_login(row.phone) is not None:
        db.session.commit()  # the code is spent either way
        raise LoginTaken(row.phone)
    user = User(
        name=row.name or "",
        phone=row.phone,
        password_hash=row.password_hash or "",
        locale=locale,
        phone_verified_at=utcnow(),
    )
    row.password_hash = None  # no copy of it left behind
    db.session.add(user)
    _commit_or_taken(row.phone)
    return user


def finish_reset(row: PhoneCode, entered: str, password: str) -> User:
    """Set a new password once the code is right; every session of the account ends."""
    phone_codes.spend(row, entered)
    user = row.user
    if user is None or not user.active or user.phone != row.phone:
        db.session.commit()
        raise phone_codes.CodeSpent()
    user.set_password(password)
    user.end_sessions()
    user.phone_verified_at = user.phone_verified_at or utcnow()
    db.session.commit()
    return user


def finish_phone_change(row: PhoneCode, entered: str, user: User) -> None:
    """Give the account the new number once the code sent to it is right.

    Raises ``LoginTaken`` when another account has the number: only the number's holder, who
    just proved it, learns that.
    """
    if row.user_id != user.id:
        raise phone_codes.CodeSpent()
    phone_codes.spend(row, entered)
    owner = find_by_login(row.phone)
    if owner is not None and owner.id != user.id:
        db.session.commit()
        raise LoginTaken(row.phone)
    user.phone = row.phone
    user.phone_verified_at = utcnow()
    _commit_or_taken(row.phone)


def _commit_or_taken(phone: str) -> None:
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        raise LoginTaken(phone) from None
