"""Domain errors of payments; each carries a message a person can act on."""

from flask_babel import lazy_gettext as _l

from market.domain_errors import DomainError


class PaymentError(DomainError):
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


class PartsRequired(PaymentError):
    """A refund beyond the money flagged to go back must name the parts it refunds."""

    default_message = _l(
        "Only money flagged for refund can be given back on its own: choose the order parts "
        "this refund is for."
    )


class ReasonRequired(PaymentError):
    """Cancelling a part still being fulfilled needs a reason the shopper and producer see."""

    default_message = _l("Say why the part is cancelled and refunded, so the producer knows.")


class InvalidRate(PaymentError):
    """A commission or VAT rate outside 0–100 %."""

    default_message = _l("Enter a rate between 0 and 100 %.")


class NothingToPay(PaymentError):
    """No producer's payable balance reaches the run's minimum."""

    default_message = _l("No producer has a payable balance above the minimum.")


class LineClosed(PaymentError):
    """The payout line was already confirmed, returned or cancelled."""

    default_message = _l("This payout is already settled.")


class AccountNotChecked(PaymentError):
    """A payout or poster needs a payout account a manager has checked."""

    default_message = _l("The producer has no checked payout account yet.")


class InvalidAccount(PaymentError):
    """A payout account no banking app could pay into."""

    default_message = _l("Check the bank, the account number and the holder's name.")


class CarrierCollects(PaymentError):
    """A carrier delivers the part and collects its cash: the producer never holds it."""

    default_message = _l(
        "The carrier collects this part's cash from the shopper; it is recorded when the "
        "carrier reports the delivery."
    )
