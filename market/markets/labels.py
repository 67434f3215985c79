"""Words for stall-sale states and managers' decisions, shown in templates."""

from flask_babel import lazy_gettext as _l

from catalog.models import ocop_valid_until
from market.markets.approvals import Decision
from market.markets.models import SaleStatus

SALE_STATUS = {
    SaleStatus.AWAITING: _l("Waiting for the transfer"),
    SaleStatus.PARTIAL: _l("Partly paid"),
    SaleStatus.PAID: _l("Paid"),
    SaleStatus.CANCELLED: _l("Cancelled"),
}
SALE_BADGES = {
    SaleStatus.AWAITING: "badge warn",
    SaleStatus.PARTIAL: "badge bad",
    SaleStatus.PAID: "badge",
    SaleStatus.CANCELLED: "badge bad",
}

# The button of each decision.
DECISION_BUTTONS = {
    Decision.VERIFY: _l("Verify"),
    Decision.REJECT: _l("Reject"),
    Decision.SUSPEND: _l("Suspend"),
    Decision.REINSTATE: _l("Reinstate"),
    Decision.OCOP_APPROVE: _l("Approve"),
    Decision.OCOP_REJECT: _l("Reject"),
    Decision.AREA_APPROVE: _l("Approve"),
    Decision.AREA_REJECT: _l("Reject"),
    Decision.AREA_SUSPEND: _l("Suspend"),
    Decision.AREA_CANCEL: _l("Cancel the code"),
    Decision.AREA_REINSTATE: _l("Reinstate"),
}

# How the decision log tells each decision (and the stall changes recorded beside them).
LOG_ACTIONS = {
    Decision.VERIFY.value: _l("Verified the producer"),
    Decision.REJECT.value: _l("Rejected the producer"),
    Decision.SUSPEND.value: _l("Suspended the producer"),
    Decision.REINSTATE.value: _l("Reinstated the producer"),
    Decision.OCOP_APPROVE.value: _l("Approved an OCOP rating"),
    Decision.OCOP_REJECT.value: _l("Rejected an OCOP rating"),
    Decision.AREA_APPROVE.value: _l("Approved a growing-area code"),
    Decision.AREA_REJECT.value: _l("Rejected a growing-area code"),
    Decision.AREA_SUSPEND.value: _l("Suspended a growing-area code"),
    Decision.AREA_CANCEL.value: _l("Cancelled a growing-area code"),
    Decision.AREA_REINSTATE.value: _l("Reinstated a growing-area code"),
    "stall.create": _l("Set up a market stall"),
    "stall.update": _l("Changed a market stall"),
}
# Fields of a stall as its producer's change log shows them (the others are the workspace's).
LOG_FIELDS = {"number": _l("Stall number"), "producer_id": _l("Producer")}


def template_labels() -> dict:
    """The label tables for the markets templates' context."""
    return {
        "sale_status_labels": SALE_STATUS,
        "sale_badges": SALE_BADGES,
        "decision_buttons": DECISION_BUTTONS,
        "decision_log_labels": LOG_ACTIONS,
        "decision_enum": Decision,
        "ocop_valid_until": ocop_valid_until,
    }
