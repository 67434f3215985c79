"""Payments' scheduled work: stored notifications retried, earnings settled hourly."""

import logging

from market.dbtypes import utcnow
from market.jobs import handler, schedule

logger = logging.getLogger(__name__)


def reprocess_stored() -> tuple[int, int]:
    """Process bank notifications and Stripe events stored but never processed; their counts."""
    from payments import bank_notifications, stripe_events

    notifications = bank_notifications.pending_ids()
    for notification_id in notifications:
        bank_notifications.process(notification_id)
    events = stripe_events.pending_ids()
    for event_id in events:
        stripe_events.process(event_id)
    return len(notifications), len(events)


@handler("payments.reprocess")
def reprocess(_payload: dict) -> None:
    """Retry what a webhook stored but could not process (a crash, a lock, a late order)."""
    notifications, events = reprocess_stored()
    if notifications or events:
        logger.info("Reprocessed %s notification(s) and %s event(s)", notifications, events)


schedule.every("payments-reprocess", "payments.reprocess", schedule.Every(300))


@handler("payments.settle")
def settle(_payload: dict) -> None:
    """Make earnings payable once their holding period has passed."""
    from payments.settlement import settle_due_earnings

    if settled := settle_due_earnings(utcnow()):
        logger.info("%s order part(s) became payable", settled)


schedule.every("payments-settle", "payments.settle", schedule.Every(3600))
