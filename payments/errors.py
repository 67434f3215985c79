"""Domain errors of payments; each carries a message a person can act on."""

from flask_babel import lazy_gettext as _l


class PaymentError(Exception):
    """Base class: ``message`` is shown to the user as is (translated when it is read)."""

    default_message = _l("The payment could not be processed.")

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or type(self).__name__)
        self._message = message

    @property
    def message(self) -> str:
        """The message for the user, in the current language."""
        return self._message or str(self.default_message)


class UnknownCode(PaymentError):
    """No target knows this payment code."""

    default_message = _l("No order or stall uses this payment code.")


class NotPayable(PaymentError):
    """The target is paid, expired or cancelled."""

    default_message = _l("This payment is no longer open.")


class MethodUnavailable(PaymentError):
    """The payment method is switched off (no keys or no collection account)."""

    default_message = _l("This payment method is not available right now.")


class ProviderError(PaymentError):
    """The payment provider refused or could not be reached."""

    default_message = _l("The payment service is not answering. Please try again in a moment.")


class InvalidAmount(PaymentError):
    """An amount that is not positive or more than is available."""

    default_message = _l("That amount is not possible here.")


class ReferenceRequired(PaymentError):
    """A manual refund or payout needs the bank or receipt reference."""

    default_message = _l("Enter the reference of the bank transfer or receipt.")


class AlreadyHandled(PaymentError):
    """Someone else resolved this notification or entry first."""

    default_message = _l("This was already handled by someone else.")


class UnknownPayment(PaymentError):
    """No payment line with this id."""

    default_message = _l("We could not find that payment.")


class WrongAccount(PaymentError):
    """A transfer that reached another account than the one the code is paid into."""

    default_message = _l(
        "This transfer reached another account than the one this code is paid into, "
        "so it cannot pay it."
    )


class NotMarketMoney(PaymentError):
    """Money paid into a seller's own account: the market neither holds nor returns it."""

    default_message = _l(
        "This money was paid into a seller's own account, not the market's: only the seller "
        "can give it back."
    )
