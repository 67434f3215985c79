"""Notices to people where they are: e-mail, SMS and Zalo, each a provider module.

``notify(topic, template, params, user=...)`` records one ``Message`` per channel the person
chose for the topic and a job to send each; ``send_code(phone, text)`` queues a one-time code by
SMS. Templates (``templates.define``) hold each notice's texts; ``channels_for(user, topic)``
says who hears what; the managers' page (``/quan-ly/tin-nhan``) shows messages and their cost
per month, and the failed ones with a retry. See docs/notifications.md.
"""

from flask import Flask

from market.notify import templates
from market.notify.channels import offered as offered_channels
from market.notify.models import Channel, Message, MessageStatus, NotificationPreference, Topic
from market.notify.preferences import CHOOSABLE, channels_for, set_channels
from market.notify.sending import notify, send_code

__all__ = [
    "CHOOSABLE",
    "Channel",
    "Message",
    "MessageStatus",
    "NotificationPreference",
    "Topic",
    "channels_for",
    "notify",
    "offered_channels",
    "register",
    "send_code",
    "set_channels",
    "templates",
]


def register(app: Flask) -> None:
    """Attach the managers' messages page and the providers' delivery reports."""
    from market.notify import callbacks, views

    app.register_blueprint(views.bp)
    app.register_blueprint(callbacks.bp)
