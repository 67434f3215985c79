"""Orders' scheduled work: unpaid parts whose hold ran out expire every minute."""

import logging

from market.jobs import handler, schedule

logger = logging.getLogger(__name__)


@handler("orders.expire")
def expire(_payload: dict) -> None:
    """Cancel unpaid order parts whose hold has run out and put their stock back on sale."""
    from orders.services import expire_overdue

    if expired := expire_overdue():
        logger.info("Expired %s unpaid order part(s)", expired)


schedule.every("orders-expire", "orders.expire", schedule.Every(60))
