"""The stalls orders may offer for pickup (``orders.pickup.StallDirectory``, registered by this
package): an online part picked up at a stall belongs to that stall's market in the reports."""

from collections.abc import Collection

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import has_request_context, url_for

from market import places
from market.extensions import db
from market.markets.models import Market, Stall
from orders.pickup import PickupStall


def _pickup(stall: Stall) -> PickupStall:
    market = stall.market
    where = [market.address, places.display(market.commune_code)]
    return PickupStall(
        id=stall.id,
        producer_id=stall.producer_id,
        number=stall.number,
        market_name=market.name,
        address=", ".join(part for part in where if part),
        market_days=market.market_days,
        # Pages link the stall; mail and commands (no request) need only the words.
        url=url_for("stall_public.stall", code=stall.code) if has_request_context() else "",
    )


class MarketStalls:
    """Stalls answering orders' questions (see ``orders.pickup.StallDirectory``)."""

    def stalls_of(self, producer_ids: Collection[int]) -> dict[int, list[PickupStall]]:
        """Each producer's stalls in use at open markets, by market name and stall number."""
        found: dict[int, list[PickupStall]] = {}
        rows = db.session.scalars(
            sa.select(Stall)
            .join(Stall.market)
            .options(so.contains_eager(Stall.market))
            .where(Stall.producer_id.in_(sorted(producer_ids)), Stall.active, Market.active)
            .order_by(Market.name, Stall.number)
        )
        for stall in rows:
            found.setdefault(stall.producer_id, []).append(_pickup(stall))
        return found

    def stalls(self, stall_ids: Collection[int]) -> dict[int, PickupStall]:
        """Stalls by id, open or not."""
        rows = db.session.scalars(
            sa.select(Stall).options(so.joinedload(Stall.market)).where(Stall.id.in_(stall_ids))
        )
        return {stall.id: _pickup(stall) for stall in rows}
