"""Outgoing mail, always through a job: a logging backend by default, SMTP when configured.

``send_mail`` records a ``mail.send`` job in the caller's transaction, so a message exists only
if the change that caused it commits, and is sent by the worker even if the web process dies
right after the commit. No request waits on SMTP. Delivery is at least once: a worker killed
between the SMTP answer and recording the job as done sends that message again.
"""

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

from market.jobs import enqueue, handler

logger = logging.getLogger(__name__)


def send_mail(to: str, subject: str, body: str, key: str | None = None) -> None:
    """Queue a plain-text message in the current transaction; the caller commits.

    A ``key`` makes the message unique: asking again with the same key queues nothing.
    """
    enqueue("mail.send", {"to": to, "subject": subject, "body": body}, key=key)


@handler("mail.send")
def deliver(payload: dict) -> None:
    """Send one queued message through the configured backend."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = payload["to"]
    message["Subject"] = payload["subject"]
    message.set_content(payload["body"])
    backend = config["MAIL_BACKEND"]
    if backend == "smtp" and config["MAIL_SERVER"]:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=15) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
        logger.info("Mail to %s sent: %s", payload["to"], payload["subject"])
        return
    if backend == "memory":
        current_app.extensions.setdefault("mail_outbox", []).append(message)
    logger.info("Mail to %s: %s\n%s", payload["to"], payload["subject"], payload["body"])
