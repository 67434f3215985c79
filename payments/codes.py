"""Payment codes: short ASCII codes for the transfer memo, found again in bank descriptions.

A code is the configured prefix (``PAYMENT_CODE_PREFIX``, ``CQ`` by default) and 6 characters
from an alphabet without look-alikes. Banks copy the memo into the transfer description but may
add text around it, change case or drop spaces, so matching looks for the prefix anywhere in the
description, reduced to upper-case letters and digits, and checks each candidate against the
codes the targets know.
"""

import re
from dataclasses import dataclass

import sqlalchemy as sa

from market.codes import payment_code, payment_prefix, random_code
from market.extensions import db
from market.idempotency import insert_once
from payments.models import PaymentCode
from payments.targets import PaymentDue, PaymentTarget, own_account_kinds, registered_targets
from payments.vietqr import ascii_text

BODY_LENGTH = 6
# Codes issued elsewhere (say by orders) may be a little shorter or longer; all are tried.
BODY_LENGTHS = (BODY_LENGTH, *range(12, 3, -1))
_PREFIX = re.compile(r"[A-Z0-9]{2,6}")
_NOT_ALNUM = re.compile(r"[^0-9A-Z]")


@dataclass(frozen=True)
class Resolved:
    """A code with the target that answers for it and what it expects."""

    kind: str
    target: PaymentTarget
    due: PaymentDue
    known: bool = True  # payments has the code in ``payment_codes`` already


def prefix() -> str:
    """The configured code prefix, upper-case."""
    return payment_prefix()


def check_prefix(value: str) -> None:
    """Refuse a prefix that could not be found reliably in a bank description."""
    if not _PREFIX.fullmatch(value.upper()):
        raise RuntimeError("PAYMENT_CODE_PREFIX must be 2 to 6 ASCII letters or digits.")


def generate_code() -> str:
    """A fresh random code: the prefix and 6 characters without look-alikes."""
    return payment_code(random_code(BODY_LENGTH))


def compact(text: str) -> str:
    """Text reduced to upper-case ASCII letters and digits, as codes are compared."""
    return _NOT_ALNUM.sub("", ascii_text(text, limit=len(text)).upper())


def candidates(description: str) -> list[str]:
    """Every substring of the description that could be a code, most likely first."""
    text, start = compact(description), prefix()
    found: list[str] = []
    position = text.find(start)
    while position != -1:
        body = text[position + len(start) :]
        found.extend(start + body[:n] for n in BODY_LENGTHS if len(body) >= n)
        position = text.find(start, position + 1)
    return list(dict.fromkeys(found))


def find_due(code: str) -> Resolved | None:
    """The target answering for ``code`` and what it expects, or None if no target knows it."""
    code = compact(code)
    kind = db.session.scalar(sa.select(PaymentCode.kind).where(PaymentCode.code == code))
    return _resolve(code, kind)


def _resolve(code: str, kind: str | None) -> Resolved | None:
    """Ask the target of ``kind`` (or, for a code payments never saw, every target)."""
    targets = registered_targets()
    for name in [kind] if kind is not None else list(targets):
        target = targets.get(name)
        due = target.due(code) if target is not None else None
        if due is not None:
            return Resolved(name, target, due, known=kind is not None)
    return None


def match_description(description: str, hint: str | None = None) -> Resolved | None:
    """The first known code in a provider's code ``hint`` or the transfer description."""
    options = list(dict.fromkeys(([compact(hint)] if hint else []) + candidates(description)))
    if not options:
        return None
    rows = db.session.execute(
        sa.select(PaymentCode.code, PaymentCode.kind).where(PaymentCode.code.in_(options))
    )
    known = {code: kind for code, kind in rows}
    for code in sorted(options, key=lambda option: option not in known):
        resolved = _resolve(code, known.get(code))
        if resolved is not None:
            return resolved
    return None


def own_account_codes() -> sa.Select:
    """The codes whose money lands in an account of their own (a stall's), as a subquery."""
    return sa.select(PaymentCode.code).where(PaymentCode.kind.in_(sorted(own_account_kinds())))


def paid_into_own_account(code: str | None) -> bool:
    """Whether money for ``code`` lands in its target's own account, not the market's."""
    if code is None:
        return False
    kind = db.session.scalar(sa.select(PaymentCode.kind).where(PaymentCode.code == code))
    return kind in own_account_kinds()


def ensure_code(code: str, kind: str) -> None:
    """Remember which kind of target issued ``code`` (once)."""
    insert_once(PaymentCode, {"code": code, "kind": kind}, unique_on=("code",))


def lock_code(resolved: Resolved) -> None:
    """Serialise changes to one code's money: a row lock on PostgreSQL, the write lock on SQLite.

    Taken before reading the ledger, so two notifications for one code never both see it unpaid.
    """
    code = resolved.due.code
    if not resolved.known:
        ensure_code(code, resolved.kind)
    db.session.execute(
        sa.update(PaymentCode)
        .where(PaymentCode.code == code)
        .values(revision=PaymentCode.revision + 1, amount_due=resolved.due.amount)
        .execution_options(synchronize_session=False)
    )


def remember_amount_due(code: str, amount: int) -> None:
    """Keep the target's latest amount due beside the code, for reconciliation in SQL."""
    db.session.execute(
        sa.update(PaymentCode)
        .where(PaymentCode.code == code, PaymentCode.amount_due != amount)
        .values(amount_due=amount)
        .execution_options(synchronize_session=False)
    )
