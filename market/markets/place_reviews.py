"""Places from before 2025 that migration ``0021_places`` could not map: a provincial manager
chooses the official commune (never guessed by the code), and the record gets it.

A producer, market or growing area is in the home province; an order address in the province
the migration found (or any province when it found none). The review row stays as the record of
who decided what.
"""

import logging
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from catalog.models import GrowingArea, Producer
from market import places
from market.accounts.models import User
from market.dbtypes import utcnow
from market.extensions import db
from market.markets.errors import MarketError
from market.markets.models import Market, PlaceReview
from orders.models import Order

logger = logging.getLogger(__name__)

RECORDS: dict[str, type] = {
    "producers": Producer,
    "markets": Market,
    "growing_areas": GrowingArea,
    "orders": Order,
}


@dataclass(frozen=True)
class OpenReview:
    """A place waiting for a manager, with what it belongs to and the communes it may be."""

    review: PlaceReview
    label: str
    candidates: tuple[places.Commune, ...]
    choices: tuple[places.Commune, ...]

    @property
    def has_area(self) -> bool:
        """Producers, markets and growing areas keep an area of origin; orders do not."""
        return self.review.record_table != "orders"


def _label(review: PlaceReview, record: object | None) -> str:
    if isinstance(record, Producer | Market):
        return record.name
    if isinstance(record, GrowingArea):
        return record.code
    if isinstance(record, Order):
        return record.code
    return f"{review.record_table} {review.record_id}"


def open_count() -> int:
    """How many places still wait for a manager."""
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(PlaceReview).where(PlaceReview.resolved_at.is_(None))
    )


def open_reviews() -> list[OpenReview]:
    """The places still to resolve, oldest first, each with its candidates and choices."""
    found = []
    for review in db.session.scalars(
        sa.select(PlaceReview).where(PlaceReview.resolved_at.is_(None)).order_by(PlaceReview.id)
    ):
        record = db.session.get(RECORDS[review.record_table], review.record_id)
        province = review.province_code or places.HOME_PROVINCE
        candidates = tuple(c for code in review.candidate_codes if (c := places.commune(code)))
        found.append(
            OpenReview(review, _label(review, record), candidates, places.communes(province))
        )
    return found


def resolved_reviews(limit: int = 20) -> list[PlaceReview]:
    """The latest decisions, newest first."""
    return list(
        db.session.scalars(
            sa.select(PlaceReview)
            .where(PlaceReview.resolved_at.is_not(None))
            .order_by(PlaceReview.resolved_at.desc(), PlaceReview.id.desc())
            .limit(limit)
        )
    )


def resolve(review_id: int, commune_code: str, area_slug: str, manager: User) -> PlaceReview:
    """Give the record the chosen commune (and area of origin); commits. Raises MarketError."""
    review = db.session.get(PlaceReview, review_id)
    if review is None or review.resolved_at is not None:
        raise MarketError(_l("This place has already been resolved."))
    commune = places.commune(commune_code)
    province = review.province_code
    if commune is None or (province and commune.province_code != province):
        raise MarketError(_l("Choose the commune from the list."), field="commune")
    record = db.session.get(RECORDS[review.record_table], review.record_id)
    if record is None:
        raise MarketError(_l("This place has already been resolved."))
    if isinstance(record, Order):
        record.province_code = commune.province_code
        record.province_name = commune.province.name
        record.commune_code = commune.code
        record.commune_name = commune.name
    else:
        place = places.home_place(commune.code, area_slug or record.area_slug)
        if place is None:
            raise MarketError(_l("Choose the commune from the list."), field="commune")
        if isinstance(record, Market) and db.session.scalar(
            sa.select(Market.id).where(
                Market.commune_code == place[0], Market.name == record.name, Market.id != record.id
            )
        ):
            raise MarketError(
                _l("This commune already has a market of that name."), field="commune"
            )
        record.commune_code, record.area_slug = place
    review.resolved_code = commune.code
    review.resolved_at = utcnow()
    review.resolved_by_id = manager.id
    db.session.commit()
    logger.info("Place review %s resolved to %s", review.id, commune.code)
    return review
