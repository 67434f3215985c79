"""SePay and Casso webhooks: verifying who sent them and reading their transaction.

Both are checked before anything else is read: SePay by its API key (``Authorization: Apikey
<KEY>``), Casso v2 by an HMAC-SHA512 over ``t + "." + canonical JSON`` with a timestamp that
must be within 5 minutes. Comparisons run in constant time.
"""

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l

from payments.models import BankProvider

CASSO_TOLERANCE_SECONDS = 300
# Unix milliseconds have 13 digits until the year 2286; a longer "number" is not a timestamp
# (and Python refuses to read one of more than 4,300 digits).
CASSO_TIMESTAMP = re.compile(r"[0-9]{1,16}")
MAX_AMOUNT = 10**13
VIETNAM_OFFSET = timedelta(hours=7)


class VerificationError(Exception):
    """The request does not prove it comes from the provider."""


class PayloadError(ValueError):
    """A verified request whose body is not a transaction we can read; the message is lazy, so
    it is kept in English (``force_locale``) and shown to a manager in their language."""


@dataclass(frozen=True)
class BankTransaction:
    """One transaction on the watched account, as a provider reported it."""

    provider: BankProvider
    tx_id: str
    is_credit: bool
    amount: int
    account_number: str
    virtual_account: str
    description: str
    provider_code: str | None
    bank_reference: str
    transacted_at: datetime | None


def verify_sepay(authorization: str | None, api_key: str) -> None:
    """Accept only ``Authorization: Apikey <KEY>`` with the configured key."""
    if not api_key:
        raise VerificationError("SEPAY_API_KEY is not configured.")
    scheme, _, token = (authorization or "").strip().partition(" ")
    if scheme.lower() != "apikey" or not hmac.compare_digest(
        token.strip().encode(), api_key.encode()
    ):
        raise VerificationError("Wrong or missing SePay API key.")


def canonical_json(data: Any) -> str:
    """JSON with object keys sorted recursively and no spaces, as Casso signs it."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def casso_signature(key: str, timestamp: str, data: Any) -> str:
    """The hex HMAC-SHA512 Casso sends in ``v1``."""
    message = f"{timestamp}.{canonical_json(data)}".encode()
    return hmac.new(key.encode(), message, hashlib.sha512).hexdigest()


def verify_casso(body: str, header: str | None, key: str, now: float) -> Any:
    """Check ``X-Casso-Signature`` and its timestamp; returns the parsed body."""
    if not key:
        raise VerificationError("CASSO_CHECKSUM_KEY is not configured.")
    parts = dict(item.strip().partition("=")[::2] for item in (header or "").split(","))
    timestamp, signature = parts.get("t", ""), parts.get("v1", "")
    if not CASSO_TIMESTAMP.fullmatch(timestamp) or not signature:
        raise VerificationError("Missing or malformed X-Casso-Signature.")
    if abs(now - int(timestamp) / 1000) > CASSO_TOLERANCE_SECONDS:
        raise VerificationError("Stale Casso signature timestamp.")
    try:
        data = read_json(body)
        expected = casso_signature(key, timestamp, data)
    except (ValueError, RecursionError):  # not JSON, nested too deep, or lone surrogates
        raise VerificationError("A Casso body must be JSON to be verified.") from None
    if not hmac.compare_digest(expected.encode(), signature.lower().encode()):
        raise VerificationError("Wrong Casso signature.")
    return data


def read_json(body: str) -> Any:
    """Parse a webhook body; any body that is not JSON (also one nested too deep) is refused."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise PayloadError(_l("The body is not JSON.")) from None


def parse_sepay(data: Any) -> BankTransaction:
    """Read SePay's transaction body."""
    if not isinstance(data, dict):
        raise PayloadError(_l("A SePay body is a JSON object."))
    direction = data.get("transferType")
    if direction not in ("in", "out"):
        raise PayloadError(_l("transferType must be 'in' or 'out'."))
    content = _text(data.get("content"))
    return BankTransaction(
        provider=BankProvider.SEPAY,
        tx_id=_tx_id(data.get("id")),
        is_credit=direction == "in",
        amount=_amount(data.get("transferAmount")),
        account_number=_text(data.get("accountNumber"), 40),
        virtual_account=_text(data.get("subAccount"), 40),
        description=content or _text(data.get("description")),
        provider_code=_text(data.get("code"), 64) or None,
        bank_reference=_text(data.get("referenceCode"), 120),
        transacted_at=_local_time(data.get("transactionDate")),
    )


def parse_casso(data: Any) -> BankTransaction:
    """Read Casso v2's ``data`` object; a negative amount is a debit."""
    record = data.get("data") if isinstance(data, dict) else None
    if not isinstance(record, dict):
        raise PayloadError(_l("A Casso body holds the transaction under 'data'."))
    signed_amount = record.get("amount")
    if isinstance(signed_amount, bool) or not isinstance(signed_amount, int):
        raise PayloadError(_l("The amount must be a whole number of đồng."))
    return BankTransaction(
        provider=BankProvider.CASSO,
        tx_id=_tx_id(record.get("id")),
        is_credit=signed_amount > 0,
        amount=_amount(abs(signed_amount)),
        account_number=_text(record.get("accountNumber"), 40),
        virtual_account=_text(record.get("virtualAccountNumber"), 40),
        description=_text(record.get("description")),
        provider_code=None,
        bank_reference=_text(record.get("reference"), 120),
        transacted_at=_local_time(record.get("transactionDateTime")),
    )


def _tx_id(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | str) or str(value).strip() == "":
        raise PayloadError(_l("The transaction id is missing."))
    text = str(value).strip()
    if len(text) > 64:
        raise PayloadError(_l("The transaction id is too long."))
    if not text.isprintable():
        raise PayloadError(_l("The transaction id holds control characters."))
    return text


def _amount(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < MAX_AMOUNT:
        raise PayloadError(_l("The amount must be a whole number of đồng."))
    return value


def _text(value: Any, limit: int = 500) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int):
        raise PayloadError(_l("A text field has an unexpected type."))
    # NUL and lone surrogates are legal in JSON ("\\u0000", "\\ud800") but no database text
    # column holds them; the raw body keeps them, the fields we read drop them.
    text = str(value).encode("utf-8", "replace").decode().replace("\x00", "")
    return text.strip()[:limit]


def _local_time(value: Any) -> datetime | None:
    """Providers give Vietnam local time ``YYYY-MM-DD HH:MM:SS``; stored as naive UTC."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S") - VIETNAM_OFFSET
    except ValueError:
        return None
