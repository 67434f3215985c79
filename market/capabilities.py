"""What optional features a running app offers, so a lower package can ask a higher one.

Orders must know whether card payments or bank transfers are possible without importing
payments (dependencies point payments → orders). Payments says so at registration with
``offer``; orders asks with ``offered``. A capability nobody offered is simply not available.
"""

from collections.abc import Callable

from flask import Flask, current_app

EXTENSION = "capabilities"
CARD_PAYMENTS = "card_payments"
BANK_TRANSFERS = "bank_transfers"


def offer(app: Flask, name: str, check: Callable[[], bool]) -> None:
    """Declare that ``name`` is available whenever ``check()`` says so (read per call)."""
    app.extensions.setdefault(EXTENSION, {})[name] = check


def offered(name: str) -> bool:
    """Whether the current app offers ``name`` right now."""
    check = current_app.extensions.get(EXTENSION, {}).get(name)
    return bool(check and check())
