"""Domain errors of the orders package; each carries a message fit to show the user."""

from dataclasses import dataclass

from market.domain_errors import DomainError


class OrderError(DomainError):
    """A use case refused; ``message`` says why in the user's language."""


class CartError(OrderError):
    """A cart change was refused (unknown product, bad quantity, not enough stock)."""


class InvalidTransition(OrderError):
    """The part cannot move to that state now (wrong state, wrong person, changed meanwhile)."""


class AmountMismatch(OrderError):
    """A payment or refund amount does not fit the part or order."""


class CheckoutError(OrderError):
    """The order could not be placed as submitted; nothing was reserved or charged."""


class GuestLimit(CheckoutError):
    """A guest's order asks for more units or value than an order without an account may."""


class TooManyOrders(CheckoutError):
    """The account or phone number placed as many orders as it may in the last hour."""


@dataclass(frozen=True)
class Shortage:
    """A product the shopper wants more of than is left."""

    product_id: int
    name: str
    wanted: int
    available: int


class OutOfStock(CheckoutError):
    """Some products are sold out or short; no stock was taken."""

    def __init__(self, message: str, shortages: list[Shortage]) -> None:
        super().__init__(message)
        self.shortages = shortages


@dataclass(frozen=True)
class PriceChange:
    """A price (or delivery fee) that differs from what the shopper was shown."""

    label: str
    shown: int
    now: int


class PricesChanged(CheckoutError):
    """Prices or fees changed since the shopper saw them; they must confirm again."""

    def __init__(self, message: str, changes: list[PriceChange]) -> None:
        super().__init__(message)
        self.changes = changes


class ProductUnavailable(CheckoutError):
    """A product in the cart is no longer sold."""
