"""The payment methods behind one interface: bank transfer by VietQR, card by Stripe, cash.

Each method says whether it is available, starts a payment for a code, and gives money back:
a card refund goes through Stripe; bank-transfer and cash refunds are made by a person and
recorded with their reference.
"""

import logging
from dataclasses import dataclass
from typing import Protocol

from market.banks import bank_by_bin
from market.extensions import db
from market.idempotency import insert_once
from payments import stripe_gateway, vietqr
from payments.bank_notifications import bank_transfers_enabled, collection_account
from payments.codes import Resolved
from payments.errors import MethodUnavailable
from payments.ledger import add_entry
from payments.models import EntryKind, EntryStatus, LedgerEntry, PaymentMethod
from payments.targets import PaymentStatus

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class VietQRInstructions:
    """Everything a shopper needs to pay by bank transfer, as a QR and as text."""

    code: str
    bank_bin: str
    bank_name: str
    account: str
    holder: str
    amount: int
    memo: str
    payload: str


@dataclass(frozen=True)
class Started:
    """A started payment: where to send the shopper, or what to show them."""

    method: PaymentMethod
    redirect_url: str | None = None
    instructions: VietQRInstructions | None = None


class Method(Protocol):
    """One way of paying."""

    method: PaymentMethod
    needs_reference: bool

    def available(self) -> bool:
        """Whether shoppers may choose this method now."""

    def start(self, resolved: Resolved, status: PaymentStatus, urls: "ReturnUrls") -> Started:
        """Start paying what remains of a code (the caller commits)."""

    def refund(self, payment: LedgerEntry, refund: LedgerEntry) -> tuple[str, EntryStatus]:
        """Give ``refund``'s amount back through the provider if it can; its reference, status."""


@dataclass(frozen=True)
class ReturnUrls:
    """Where a provider sends the shopper back: after paying, and after giving up."""

    success: str
    cancel: str
    locale: str = "vi"


def vietqr_instructions(resolved: Resolved, status: PaymentStatus) -> VietQRInstructions | None:
    """A dynamic VietQR for what remains to pay, or None if nothing remains or no account."""
    account = resolved.due.account or collection_account()
    if account is None or status.remaining <= 0:
        return None
    memo = vietqr.ascii_text(resolved.due.code)
    payload = vietqr.build(
        vietqr.VietQR(
            bank_bin=account.bank_bin, account=account.number, amount=status.remaining, purpose=memo
        )
    )
    bank = bank_by_bin(account.bank_bin)
    return VietQRInstructions(
        code=resolved.due.code,
        bank_bin=account.bank_bin,
        bank_name=bank.short_name if bank else account.bank_bin,
        account=account.number,
        holder=account.holder,
        amount=status.remaining,
        memo=memo,
        payload=payload,
    )


class BankTransferMethod:
    """VietQR into the collection account, confirmed by a bank-notification webhook."""

    method = PaymentMethod.BANK_TRANSFER
    needs_reference = True

    def available(self) -> bool:
        return bank_transfers_enabled()

    def start(self, resolved: Resolved, status: PaymentStatus, urls: ReturnUrls) -> Started:
        _attempt_once(resolved.due.code, self.method, status.remaining)
        return Started(self.method, instructions=vietqr_instructions(resolved, status))

    def refund(self, payment: LedgerEntry, refund: LedgerEntry) -> tuple[str, EntryStatus]:
        return "", EntryStatus.DONE


class CashMethod:
    """Cash on delivery or at pickup; the producer confirms what it received."""

    method = PaymentMethod.CASH
    needs_reference = False

    def available(self) -> bool:
        return True

    def start(self, resolved: Resolved, status: PaymentStatus, urls: ReturnUrls) -> Started:
        _attempt_once(resolved.due.code, self.method, status.remaining)
        return Started(self.method)

    def refund(self, payment: LedgerEntry, refund: LedgerEntry) -> tuple[str, EntryStatus]:
        return "", EntryStatus.DONE


class CarrierCodMethod:
    """Cash a carrier collected on delivery (``payments.carrier_cod``): never chosen by a
    shopper; given back like a bank transfer, by the market, with the transfer's reference."""

    method = PaymentMethod.CARRIER_COD
    needs_reference = True

    def available(self) -> bool:
        return False

    def start(self, resolved: Resolved, status: PaymentStatus, urls: ReturnUrls) -> Started:
        raise MethodUnavailable()

    def refund(self, payment: LedgerEntry, refund: LedgerEntry) -> tuple[str, EntryStatus]:
        return "", EntryStatus.DONE


REFUND_STATUSES = {
    "pending": EntryStatus.PENDING,
    "requires_action": EntryStatus.PENDING,
    "succeeded": EntryStatus.DONE,
    "failed": EntryStatus.FAILED,
    "canceled": EntryStatus.FAILED,
}


def refund_status(stripe_status: object) -> EntryStatus:
    """A Stripe refund status as a ledger line's status (pending until Stripe says otherwise)."""
    return REFUND_STATUSES.get(str(stripe_status), EntryStatus.PENDING)


class CardMethod:
    """Stripe Checkout in VND; offered only when a secret key is configured."""

    method = PaymentMethod.CARD
    needs_reference = False

    def available(self) -> bool:
        return stripe_gateway.card_payments_enabled()

    def start(self, resolved: Resolved, status: PaymentStatus, urls: ReturnUrls) -> Started:
        """Record the attempt first, so its id keys the Stripe call, then open the session."""
        code = resolved.due.code
        attempt = add_entry(
            kind=EntryKind.ATTEMPT,
            method=self.method,
            status=EntryStatus.PENDING,
            amount=status.remaining,
            target_code=code,
        )
        db.session.commit()
        try:
            session = stripe_gateway.create_checkout_session(
                code=code,
                amount=status.remaining,
                description=resolved.due.description,
                success_url=urls.success,
                cancel_url=urls.cancel,
                idempotency_key=f"checkout-{code}-{attempt.id}",
                locale=urls.locale,
            )
        except Exception:
            attempt.status = EntryStatus.FAILED
            db.session.commit()
            raise
        attempt.reference, attempt.status = session.id, EntryStatus.DONE
        return Started(self.method, redirect_url=session.url)

    def refund(self, payment: LedgerEntry, refund: LedgerEntry) -> tuple[str, EntryStatus]:
        made = stripe_gateway.create_refund(
            payment_intent=payment.reference,
            amount=refund.amount,
            idempotency_key=f"refund-{refund.id}",
            ledger_line=refund.id,
        )
        return made.id, refund_status(made.status)


METHODS: dict[PaymentMethod, Method] = {
    m.method: m for m in (BankTransferMethod(), CardMethod(), CashMethod(), CarrierCodMethod())
}


def available_methods() -> list[PaymentMethod]:
    """The methods shoppers may choose now, in the order they are offered."""
    return [name for name, method in METHODS.items() if method.available()]


def _attempt_once(code: str, method: PaymentMethod, amount: int) -> None:
    insert_once(
        LedgerEntry,
        {
            "kind": EntryKind.ATTEMPT,
            "method": method,
            "amount": amount,
            "target_code": code,
            "dedupe_key": f"attempt:{method}:{code}:{amount}",
        },
        unique_on=("dedupe_key",),
    )
    logger.debug("Payment of %s by %s started (%s đồng)", code, method, amount)
