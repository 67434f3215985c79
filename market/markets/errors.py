"""Domain errors of markets, stalls, stall sales and approvals; their message is for the user."""

from market.domain_errors import DomainError


class MarketError(DomainError):
    """A change refused with a reason the user can act on; ``field`` names the form field."""
