"""Payment words for people: methods, outcomes and states, in the current language."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from market.i18n import format_vnd
from payments.cod_models import CodRemittance, RemittanceOutcome
from payments.models import Outcome, PaymentMethod, RefundRequestStatus
from payments.targets import PaymentStatus, PayState

METHODS = {
    PaymentMethod.BANK_TRANSFER: _l("Bank transfer (VietQR)"),
    PaymentMethod.CARD: _l("Card"),
    PaymentMethod.CASH: _l("Cash"),
    PaymentMethod.CARRIER_COD: _l("Cash collected by the carrier"),
}

OUTCOMES = {
    Outcome.EXACT: _l("paid exactly"),
    Outcome.PARTIAL: _l("paid in part"),
    Outcome.OVERPAID: _l("overpaid"),
    Outcome.LATE: _l("paid late"),
    Outcome.UNMATCHED: _l("unmatched"),
    Outcome.IGNORED: _l("ignored"),
    Outcome.FAILED: _l("failed"),
}


REASONS = {
    "debit": _l("a debit, not a payment"),
    "no_code": _l("no known payment code in the description"),
    "wrong_account": _l("paid into another account than the code's"),
    "duplicate": _l("the same bank transfer, already credited from another notification service"),
}


REQUEST_STATES = {
    RefundRequestStatus.PENDING: _l("waiting for the market"),
    RefundRequestStatus.APPROVED: _l("refunded"),
    RefundRequestStatus.REJECTED: _l("rejected"),
}


def request_status_label(status: RefundRequestStatus | str) -> str:
    """Where a refund request stands, in words."""
    return str(REQUEST_STATES.get(status, status))  # type: ignore[call-overload]


def method_label(method: PaymentMethod | str | None) -> str:
    """A payment method in words."""
    return str(METHODS.get(method, method or ""))  # type: ignore[call-overload]


def outcome_label(outcome: Outcome | str | None) -> str:
    """A payment outcome in words."""
    return str(OUTCOMES.get(outcome, outcome or ""))  # type: ignore[call-overload]


def reason_label(reason: str) -> str:
    """Why a bank notification came to what it did, in words."""
    return str(REASONS.get(reason) or OUTCOMES.get(reason) or reason)  # type: ignore[call-overload]


def status_label(status: PaymentStatus) -> str:
    """A code's payment state in words for shoppers, sellers and managers."""
    if status.state == PayState.PAID:
        if status.refund_due:
            return _(
                "Paid: the %(amount)s received beyond what is due will be refunded",
                amount=format_vnd(status.refund_due),
            )
        return _("Paid")
    if status.state == PayState.PARTIAL:
        return _(
            "Partly paid: %(paid)s of %(due)s",
            paid=format_vnd(status.paid),
            due=format_vnd(status.amount_due),
        )
    if status.state == PayState.EXPIRED:
        if status.refund_due:
            return _(
                "Expired: the %(amount)s received will be refunded",
                amount=format_vnd(status.refund_due),
            )
        return _("Expired")
    if status.state == PayState.CANCELLED:
        if status.refund_due:
            return _(
                "Cancelled: the %(amount)s received will be refunded",
                amount=format_vnd(status.refund_due),
            )
        return _("Cancelled")
    return _("Waiting for payment")


def remittance_label(line: CodRemittance) -> str:
    """What a remitted line that did not simply settle means, in words."""
    if line.outcome is RemittanceOutcome.SHORT:
        held = line.receivable.outstanding if line.receivable else 0
        return _("short-paid: %(held)s still held by the carrier", held=format_vnd(held))
    if line.outcome is RemittanceOutcome.OVER:
        return _("over-paid by %(extra)s", extra=format_vnd(line.amount - line.applied))
    if line.outcome is RemittanceOutcome.DUPLICATE:
        return _("paid twice: this parcel's cash was remitted already")
    if line.outcome is RemittanceOutcome.UNKNOWN:
        return _("unknown tracking code: no cash on delivery by this carrier under it")
    return _("settled")
