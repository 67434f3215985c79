"""One-time codes sent by SMS: issue one, check one.

A code is six random digits. Only its HMAC-SHA256 under ``SECRET_KEY`` is stored (a stolen
table cannot be tried offline against a million candidates), bound to the number and purpose.
A code lives ``PHONE_CODE_MINUTES``, allows ``PHONE_CODE_MAX_ATTEMPTS`` wrong tries, works once,
and a new code for the same number and purpose ends the earlier one. Each number may receive,
and each client address ask for, a few codes a day, counted here in the database. The plain
code exists only in this module's locals and in the SMS handed to ``market.notify.send_code``;
nothing here logs it.
"""

import enum
import hashlib
import hmac
import logging
import secrets
from datetime import time, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from market import notify
from market.accounts.models import CodePurpose, PhoneCode, User
from market.accounts.services import AccountError
from market.dbtypes import utcnow
from market.extensions import db
from market.jobs import handler, schedule

logger = logging.getLogger(__name__)

CODE_DIGITS = 6


class Delivery(enum.Enum):
    """What the SMS of a newly issued code carries."""

    CODE = "code"  # the code itself
    NOTICE = "notice"  # a notice that the number already has an account; the code is never sent
    NOTHING = "nothing"  # no SMS (a reset for a number without an account)


class CodeError(AccountError):
    """A code could not be sent or was not accepted."""


class TooManyCodes(CodeError):
    """The number, or the client's address, had its codes for today."""


class NoSmsGateway(CodeError):
    """This site has no SMS gateway: no code can be sent (phone sign-up is not offered)."""


class WrongCode(CodeError):
    """The code entered is not the one sent; ``remaining`` tries are left."""

    def __init__(self, remaining: int) -> None:
        super().__init__(remaining)
        self.remaining = remaining


class CodeSpent(CodeError):
    """The code expired, was used, was replaced by a newer one, or ran out of tries."""


def _digest(phone: str, purpose: CodePurpose, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{phone}|{purpose.value}|{code}".encode(), hashlib.sha256).hexdigest()


def _check_allowance(phone: str, address: str) -> None:
    since = utcnow() - timedelta(days=1)
    config = current_app.config
    for column, value, allowed in (
        (PhoneCode.phone, phone, config["PHONE_CODES_PER_NUMBER_PER_DAY"]),
        (PhoneCode.requested_from, address, config["PHONE_CODES_PER_ADDRESS_PER_DAY"]),
    ):
        sent = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(PhoneCode)
            .where(column == value, PhoneCode.created_at >= since)
        )
        if sent >= allowed:
            logger.warning("Phone codes refused: daily limit reached (%s)", column.key)
            raise TooManyCodes()


def _sms_text(purpose: CodePurpose, code: str) -> str:
    minutes = current_app.config["PHONE_CODE_MINUTES"]
    if purpose is CodePurpose.SIGNUP:
        text = _("Chợ Quê: %(code)s is your code to create your account.", code=code)
    elif purpose is CodePurpose.RESET:
        text = _("Chợ Quê: %(code)s is your code to choose a new password.", code=code)
    else:
        text = _("Chợ Quê: %(code)s is your code to add this number to your account.", code=code)
    return " ".join(
        (text, _("It works for %(minutes)s minutes. Never tell it to anyone.", minutes=minutes))
    )


def _notice_text() -> str:
    # One SMS: at most 160 characters once notify strips the accents.
    return _(
        "Chợ Quê: someone tried to sign up with your number, which already has an account. "
        "To reset your password, ask for a code on the sign-in page."
    )


def issue(
    phone: str,
    purpose: CodePurpose,
    address: str,
    locale: str,
    *,
    delivery: Delivery = Delivery.CODE,
    user: User | None = None,
    name: str | None = None,
    password_hash: str | None = None,
) -> PhoneCode:
    """Record a new code for the number, ending its earlier ones, and queue its SMS; commits.

    Raises ``NoSmsGateway`` without an SMS channel (whatever ``delivery`` is, so the answer
    never depends on the number), ``TooManyCodes`` when the number or the address had its codes
    for today.
    """
    if notify.Channel.SMS not in notify.offered_channels():
        raise NoSmsGateway()
    _check_allowance(phone, address)
    now = utcnow()
    db.session.execute(
        sa.update(PhoneCode)
        .where(
            PhoneCode.phone == phone,
            PhoneCode.purpose == purpose,
            PhoneCode.used_at.is_(None),
            PhoneCode.expires_at > now,
        )
        .values(expires_at=now)
    )
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    row = PhoneCode(
        phone=phone,
        purpose=purpose,
        code_hash=_digest(phone, purpose, code),
        user=user,
        name=name,
        password_hash=password_hash,
        requested_from=address,
        created_at=now,
        expires_at=now + timedelta(minutes=current_app.config["PHONE_CODE_MINUTES"]),
    )
    db.session.add(row)
    if delivery is not Delivery.NOTHING:
        with force_locale(locale):
            text = _sms_text(purpose, code) if delivery is Delivery.CODE else _notice_text()
        notify.send_code(phone, text)
    db.session.commit()
    logger.info("Phone code %s issued for %s", row.id, purpose.value)
    return row


def by_id(code_id: object) -> PhoneCode | None:
    """The code row a session points at, whatever its state."""
    return db.session.get(PhoneCode, code_id) if isinstance(code_id, int) else None


def usable(row: PhoneCode) -> bool:
    """Not used, not expired or replaced, tries left."""
    return (
        row.used_at is None
        and row.expires_at > utcnow()
        and row.attempts < current_app.config["PHONE_CODE_MAX_ATTEMPTS"]
    )


def spend(row: PhoneCode, entered: str) -> None:
    """Mark the code used if ``entered`` is it; the caller commits with what the code allows.

    Raises ``WrongCode`` (the try is counted and committed) or ``CodeSpent``. The single use
    holds across servers: only one ``UPDATE ... WHERE used_at IS NULL`` can succeed.
    """
    if not usable(row):
        raise CodeSpent()
    if not hmac.compare_digest(row.code_hash, _digest(row.phone, row.purpose, entered)):
        db.session.execute(
            sa.update(PhoneCode)
            .where(PhoneCode.id == row.id)
            .values(attempts=PhoneCode.attempts + 1)
        )
        db.session.commit()
        db.session.refresh(row)
        remaining = current_app.config["PHONE_CODE_MAX_ATTEMPTS"] - row.attempts
        logger.info("Phone code %s: wrong code, %s tries left", row.id, max(remaining, 0))
        if remaining <= 0:
            raise CodeSpent()
        raise WrongCode(remaining)
    now = utcnow()
    spent = db.session.execute(
        sa.update(PhoneCode)
        .where(PhoneCode.id == row.id, PhoneCode.used_at.is_(None), PhoneCode.expires_at > now)
        .values(used_at=now)
    )
    if spent.rowcount != 1:
        db.session.rollback()
        raise CodeSpent()


@handler("accounts.phone_codes_prune")
def prune(_payload: dict) -> None:
    """Delete codes over two days old: the daily limits look back one day, and an abandoned
    sign-up's password hash should not linger."""
    db.session.execute(
        sa.delete(PhoneCode).where(PhoneCode.created_at < utcnow() - timedelta(days=2))
    )


schedule.every("phone-codes-prune", "accounts.phone_codes_prune", schedule.DailyAt(time(3, 45)))
