"""Payment words for people: methods, outcomes and states, in the current language."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from market.i18n import format_vnd
from payments.models import NotificationStatus, Outcome, PaymentMethod
from payments.targets import PaymentStatus, PayState

METHODS = {
    PaymentMethod.BANK_TRANSFER: _l("Bank transfer (VietQR)"),
    PaymentMethod.CARD: _l("Card"),
    PaymentMethod.CASH: _l("Cash"),
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

NOTIFICATION_STATUSES = {
    NotificationStatus.RECEIVED: _l("received"),
    NotificationStatus.CREDITED: _l("credited"),
    NotificationStatus.UNMATCHED: _l("unmatched"),
    NotificationStatus.ASSIGNED: _l("assigned by hand"),
    NotificationStatus.RETURNING: _l("to be returned"),
    NotificationStatus.IGNORED: _l("ignored"),
}


def method_label(method: PaymentMethod | str | None) -> str:
    """A payment method in words."""
    return str(METHODS.get(method, method or ""))  # type: ignore[call-overload]


def outcome_label(outcome: Outcome | str | None) -> str:
    """A payment outcome in words."""
    return str(OUTCOMES.get(outcome, outcome or ""))  # type: ignore[call-overload]


def status_label(status: PaymentStatus) -> str:
    """A code's payment state in words for shoppers, sellers and managers."""
    if status.state == PayState.PAID:
        return _("Paid")
    if status.state == PayState.PARTIAL:
        return _(
            "Partly paid: %(paid)s of %(due)s",
            paid=format_vnd(status.paid),
            due=format_vnd(status.amount_due),
        )
    if status.state == PayState.EXPIRED:
        return _("Expired")
    if status.state == PayState.CANCELLED:
        return _("Cancelled")
    return _("Waiting for payment")
