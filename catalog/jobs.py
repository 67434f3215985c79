"""The catalog's background work: the index follows its outbox, is verified, loses lapsed stars."""

import logging
from datetime import time

from catalog.ocop import refresh_stars
from catalog.search import indexing
from market.i18n import local_today
from market.jobs import handler, schedule

logger = logging.getLogger(__name__)

# How much of the search outbox one poll applies before the worker looks at its jobs again.
SEARCH_BATCH = 1000


def apply_search_outbox() -> None:
    """Apply the search outbox to this host's index (every worker, every half second)."""
    while indexing.apply_pending(limit=SEARCH_BATCH) == SEARCH_BATCH:
        pass


@handler("catalog.search_verify")
def search_verify(_payload: dict) -> None:
    """Rewrite index documents that differ from the database (``flask search verify``)."""
    from catalog.search.verify import verify

    result = verify(repair=True)
    if result.wrong:
        logger.warning(
            "Search verify repaired %s document(s): %s stale, %s missing, %s extra",
            result.repaired,
            len(result.stale),
            len(result.missing),
            len(result.extra),
        )


@handler("catalog.expired_stars")
def expired_stars(_payload: dict) -> None:
    """Drop lapsed OCOP stars from the products' stored stars and from the index."""
    today = local_today()
    if changed := refresh_stars(today):
        logger.info("%s product(s) lost expired OCOP stars", changed)
    indexing.enqueue_expired_stars(today)


@handler("catalog.search_feed_prune")
def search_feed_prune(_payload: dict) -> None:
    """Drop change-feed rows older than ``SEARCH_FEED_RETENTION_HOURS``."""
    if pruned := indexing.prune_feed():
        logger.info("Pruned %s search change-feed row(s)", pruned)


schedule.poll("search-outbox", 0.5, apply_search_outbox)
# Just after midnight in Vietnam, when yesterday's last valid day has ended.
schedule.every("ocop-expiry", "catalog.expired_stars", schedule.DailyAt(time(0, 5)))
schedule.every("search-verify", "catalog.search_verify", schedule.DailyAt(time(2, 0)))
schedule.every("search-feed-prune", "catalog.search_feed_prune", schedule.DailyAt(time(3, 15)))
