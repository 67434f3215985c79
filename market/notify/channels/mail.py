"""E-mail as a notify channel: the message goes out through ``market.mail``'s backend."""

import smtplib

from market import mail
from market.notify.channels.base import Outgoing, SendFailed, SendRefused, Sent
from market.notify.models import Channel


class MailProvider:
    """Sends through the configured mail backend (logging, memory or SMTP); costs nothing."""

    code = "mail"
    channel = Channel.EMAIL

    def send(self, outgoing: Outgoing) -> Sent:
        """Deliver now, in this job, with the same code the ``mail.send`` job runs."""
        try:
            mail.deliver(
                {"to": outgoing.recipient, "subject": outgoing.subject, "body": outgoing.text}
            )
        except smtplib.SMTPRecipientsRefused as error:
            raise SendRefused("the mail server refused the address") from error
        except (OSError, smtplib.SMTPException) as error:
            raise SendFailed(f"mail server: {type(error).__name__}") from error
        return Sent(cost=0)
