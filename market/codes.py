"""Short codes people read out and type into bank memos: one alphabet, one generator.

Orders draw their order codes here, and an order's payment code (what goes into the transfer
memo) is the configured ``PAYMENT_CODE_PREFIX`` followed by the order code, so the bank
description carries a code that payments finds again and orders recognise.
"""

import secrets

from flask import current_app

# No 0/O, 1/I/L: codes are read out on the phone and copied by hand.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def random_code(length: int) -> str:
    """A random code of ``length`` characters from the unambiguous alphabet."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def payment_prefix() -> str:
    """The configured payment-code prefix, upper-case."""
    return current_app.config["PAYMENT_CODE_PREFIX"].upper()


def payment_code(reference: str) -> str:
    """The payment code for a reference (an order code): the prefix, then the reference."""
    return payment_prefix() + reference


def reference_of(code: str) -> str | None:
    """The reference inside a payment code, or None if it does not carry the prefix."""
    prefix = payment_prefix()
    return code[len(prefix) :] if code.startswith(prefix) and len(code) > len(prefix) else None
