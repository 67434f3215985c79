"""What a payment code pays for: the small interface orders (and chợ 4.0 stalls) implement.

A *target* is anything a shopper can pay with a payment code. Payments never reads another
package's tables: it asks the registered target what the code expects (``due``), and tells it
the code's new state after every change to the ledger (``payment_changed``). Both calls run
inside the payments transaction, after payments has locked the code: a target must not
commit, and should lock its own row in ``due`` so its state cannot change underneath.
"""

import enum
from dataclasses import dataclass, field
from typing import Protocol

from market import registry


class DueState(enum.StrEnum):
    """Whether a target still accepts payment."""

    OPEN = "open"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class PayState(enum.StrEnum):
    """A code's payment state as the ledger shows it."""

    UNPAID = "unpaid"
    PARTIAL = "partial"
    PAID = "paid"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class BankAccount:
    """A receiving bank account: NAPAS BIN, account number and holder name."""

    bank_bin: str
    number: str
    holder: str


@dataclass(frozen=True)
class PartDue:
    """One producer's share of a target (an order part); ``ref`` is stable and unique.

    ``withdrawn``: the part was cancelled or refunded after it was paid, so what the market
    holds for it goes back to the payer and is never owed to the producer.
    """

    ref: str
    producer_id: int
    amount: int
    withdrawn: bool = False


@dataclass(frozen=True)
class PaymentDue:
    """What a code expects now. ``account`` None means the market's collection account."""

    code: str
    amount: int
    parts: tuple[PartDue, ...]
    state: DueState = DueState.OPEN
    description: str = ""
    account: BankAccount | None = None
    return_url: str | None = None

    def part(self, ref: str) -> PartDue | None:
        """The part with this reference, or None."""
        return next((p for p in self.parts if p.ref == ref), None)


@dataclass(frozen=True)
class PaymentStatus:
    """A code's money as the ledger has it.

    ``paid`` is what counts towards the amount due (received, minus what is flagged for refund
    and refunds beyond that); ``parts_paid`` are the refs of parts whose share is paid.
    """

    code: str
    state: PayState
    amount_due: int
    paid: int
    refunded: int = 0
    refund_due: int = 0
    parts_paid: frozenset[str] = field(default_factory=frozenset)

    @property
    def remaining(self) -> int:
        """What is still to pay (never negative)."""
        return max(0, self.amount_due - self.paid)

    @property
    def is_paid(self) -> bool:
        """True once the whole amount is paid."""
        return self.state == PayState.PAID


class PaymentTarget(Protocol):
    """Implemented by each kind of thing that can be paid (orders, market stalls)."""

    def due(self, code: str) -> PaymentDue | None:
        """What ``code`` expects now, or None if this target does not know the code."""

    def reopen(self, code: str) -> bool:
        """A payment arrived after expiry or cancellation: re-reserve; True if it may be paid."""

    def payment_changed(self, code: str, status: PaymentStatus) -> None:
        """Apply the ledger's new state: mark parts in ``status.parts_paid`` paid, and so on."""


def registered_targets() -> dict[str, PaymentTarget]:
    """The targets of the current app, by kind, in registration order."""
    return {kind: entry.target for kind, entry in registry.PAYMENT_TARGETS.all().items()}


def own_account_kinds() -> frozenset[str]:
    """Kinds of target paid into accounts of their own, not the market's collection account."""
    return frozenset(
        kind for kind, entry in registry.PAYMENT_TARGETS.all().items() if entry.own_account
    )
