"""Which provider carries each channel, from the configuration.

E-mail is always offered (``market.mail``'s backend). SMS goes through eSMS and Zalo through
ZNS when their credentials are set; without them, development logs the message instead and
production simply has no such channel.
"""

from flask import current_app

from market.notify.channels.base import Provider
from market.notify.channels.esms import EsmsProvider
from market.notify.channels.log import LogProvider
from market.notify.channels.mail import MailProvider
from market.notify.channels.zalo_zns import ZaloZnsProvider
from market.notify.models import Channel


def provider(channel: Channel) -> Provider | None:
    """The provider that carries ``channel`` here, or None when it is not offered."""
    config = current_app.config
    if channel == Channel.EMAIL:
        return MailProvider()
    if channel == Channel.SMS and EsmsProvider.configured(config):
        return EsmsProvider(config)
    if channel == Channel.ZALO and ZaloZnsProvider.configured(config):
        return ZaloZnsProvider(config)
    if config["ENV_NAME"] == "development":
        return LogProvider(channel)
    return None


def offered() -> list[Channel]:
    """The channels this site can send through, in display order."""
    return [channel for channel in Channel if provider(channel) is not None]
