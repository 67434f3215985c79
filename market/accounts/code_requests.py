"""What the pages that send SMS codes share: their rate limits and the code a session waits for.

``sends_codes`` limits a form that may send a code, per client address and per number, over
every such form together (sign-up, reset, number change, "send a new code"); the daily counts
in ``phone_codes`` stand behind these when the limiter's storage is per process.
"""

from collections.abc import Callable
from typing import TypeVar

from flask import current_app, request, session
from flask_login import current_user

from market.accounts import phone_codes
from market.accounts.models import PhoneCode
from market.extensions import limiter
from market.phone import normalize_phone

SESSION_KEY = "phone_code_id"
F = TypeVar("F", bound=Callable[..., object])


def client_address() -> str:
    """The client's address as the rate limiter sees it (behind trusted proxies only)."""
    return request.remote_addr or "unknown"


def waiting_code() -> PhoneCode | None:
    """The code this session last asked for, used or not."""
    return phone_codes.by_id(session.get(SESSION_KEY))


def remember(row: PhoneCode) -> None:
    """Make ``row`` the code this session waits for."""
    session[SESSION_KEY] = row.id


def forget() -> None:
    """The session waits for no code any more."""
    session.pop(SESSION_KEY, None)


def _target_number() -> str | None:
    """The number this POST would send a code to, if any."""
    if request.endpoint == "accounts.resend_code":
        row = waiting_code()
        return row.phone if row is not None else None
    for name in ("login", "phone"):
        number = normalize_phone(request.form.get(name, ""))
        if number is not None:
            if current_user.is_authenticated and number == current_user.phone:
                return None  # the profile saved without a new number
            return number
    return None


def _number_key() -> str:
    return f"phone:{_target_number()}"


def _no_code() -> bool:
    return _target_number() is None


def sends_codes(view: F) -> F:
    """Limit a form that may send an SMS code, per client address and per number."""
    by_address = limiter.shared_limit(
        lambda: current_app.config["PHONE_CODE_ADDRESS_RATE_LIMIT"],
        scope="phone-codes-address",
        methods=["POST"],
        exempt_when=_no_code,
    )
    by_number = limiter.shared_limit(
        lambda: current_app.config["PHONE_CODE_NUMBER_RATE_LIMIT"],
        scope="phone-codes-number",
        key_func=_number_key,
        methods=["POST"],
        exempt_when=_no_code,
    )
    return by_address(by_number(view))
