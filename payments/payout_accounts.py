"""The bank accounts producers are paid into: only accounts a manager checked (catalog's rule)."""

from collections.abc import Collection

from catalog.bank_checks import usable_accounts
from payments.targets import BankAccount


def payout_accounts(producer_ids: Collection[int]) -> dict[int, BankAccount]:
    """The account each producer may be paid into now (producers without one are left out)."""
    return {
        producer_id: BankAccount(account.bank_bin, account.number, account.holder)
        for producer_id, account in usable_accounts(producer_ids).items()
    }
