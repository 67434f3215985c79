"""The development channel: messages are written to the log instead of a phone.

It stands in for SMS and Zalo where no gateway is configured, in development only (production
never offers it). A one-time code is shown only in development, so a developer can sign in.
The last messages are also kept in ``app.extensions["notify_outbox"]`` for tests and the demo.
"""

import logging
from typing import Any

from flask import current_app

from market.notify.channels.base import Outgoing, Sent
from market.notify.models import Channel

logger = logging.getLogger(__name__)

OUTBOX = "notify_outbox"
KEPT = 100


class LogProvider:
    """Logs each message; costs nothing."""

    code = "log"

    def __init__(self, channel: Channel) -> None:
        self.channel = channel

    def send(self, outgoing: Outgoing) -> Sent:
        """Write the message to the log (a code only in development) and keep it in the outbox."""
        shown: Any = outgoing.text or outgoing.template_data
        if outgoing.secret and current_app.config["ENV_NAME"] != "development":
            shown = "(one-time code hidden)"
        logger.info("%s to %s: %s", self.channel.value.upper(), outgoing.recipient, shown)
        outbox: list[tuple[Channel, Outgoing]] = current_app.extensions.setdefault(OUTBOX, [])
        outbox.append((self.channel, outgoing))
        del outbox[:-KEPT]
        return Sent(provider_message_id=f"log-{outgoing.reference}", cost=0)
