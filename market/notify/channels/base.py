"""The one interface every channel provider implements, and the errors it raises."""

from dataclasses import dataclass, field
from typing import Any, Protocol

from market.notify.models import Channel


@dataclass(frozen=True)
class Outgoing:
    """One message as a provider sends it.

    ``reference`` is our message id, given to providers that deduplicate or track by it;
    ``secret`` marks a one-time code, whose text no log may show.
    """

    recipient: str
    reference: str
    text: str = ""
    subject: str = ""
    template_id: str | None = None
    template_data: dict[str, Any] = field(default_factory=dict)
    secret: bool = False


@dataclass(frozen=True)
class Sent:
    """The provider accepted the message: its id for it, and its cost if it said (đồng)."""

    provider_message_id: str | None = None
    cost: int | None = None


@dataclass(frozen=True)
class DeliveryReport:
    """What a provider later says about a message it took: delivered or not, and its price."""

    provider_message_id: str
    delivered: bool
    error: str | None = None
    cost: int | None = None


class SendFailed(Exception):
    """The provider did not take the message this time (timeout, busy): try again later."""


class SendRefused(SendFailed):
    """The provider refused the message for good (bad number, no Zalo account): do not retry."""


class Provider(Protocol):
    """A channel's gateway: one module around one provider's HTTP API."""

    code: str
    channel: Channel

    def send(self, outgoing: Outgoing) -> Sent:
        """Hand the message over; raise ``SendFailed`` or ``SendRefused`` when it was not taken."""
        ...
