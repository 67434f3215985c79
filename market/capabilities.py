"""What optional features a running app offers, so a lower package can ask a higher one.

Orders must know whether card payments or bank transfers are possible without importing
payments (dependencies point payments → orders). Payments says so at registration through
``market.registry.CAPABILITIES``; orders asks with ``offered``. A capability nobody offered is
simply not available.
"""

from market import registry

CARD_PAYMENTS = "card_payments"
BANK_TRANSFERS = "bank_transfers"


def offered(name: str) -> bool:
    """Whether the current app offers ``name`` right now."""
    check = registry.CAPABILITIES.all().get(name)
    return bool(check and check())
