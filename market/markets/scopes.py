"""What a report covers: a period of Vietnam days with a grain, and a scope of markets.

Scopes: every sale (provincial managers), one area of origin, one market, or for a market's manager
the markets assigned to them. An online order part picked up at a chợ 4.0 stall belongs to the
stall's market (and area); other online parts belong to no market: they count in the
province and area scopes (by the producer's area of origin), never in a market's.
"""

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from market import places
from market.accounts.models import User
from market.extensions import db
from market.i18n import utc_day_bounds
from market.markets.access import market_ids_for
from market.markets.models import Market

MAX_DAYS = 5 * 366


class Grain(enum.StrEnum):
    """How sales are grouped over time."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True)
class Period:
    """Vietnam days ``start`` to ``end`` inclusive, grouped by ``grain``."""

    start: date
    end: date
    grain: Grain

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """The naive UTC instants the period starts at and ends before."""
        return utc_day_bounds(self.start, self.end)

    @property
    def days(self) -> int:
        """How many days the period covers."""
        return (self.end - self.start).days + 1


def default_grain(start: date, end: date) -> Grain:
    """Days for a month or less, weeks up to four months, months beyond."""
    days = (end - start).days + 1
    if days <= 31:
        return Grain.DAY
    return Grain.WEEK if days <= 122 else Grain.MONTH


def parse_period(
    start: str | None, end: str | None, grain: str | None, today: date
) -> tuple[Period, list[str]]:
    """The period the URL asks for, and messages about what was wrong and replaced.

    Defaults to this month so far; a bad date falls back to the default, reversed dates are
    swapped, and a period longer than five years is cut.
    """
    problems: list[str] = []
    first, last = today.replace(day=1), today
    try:
        if start:
            first = date.fromisoformat(start)
        if end:
            last = date.fromisoformat(end)
    except ValueError:
        problems.append(_("A date was not understood (use YYYY-MM-DD); showing this month."))
        first, last = today.replace(day=1), today
    if first > last:
        first, last = last, first
        problems.append(_("The start came after the end, so they were swapped."))
    if (last - first).days + 1 > MAX_DAYS:
        first = last - timedelta(days=MAX_DAYS - 1)
        problems.append(_("Reports cover at most five years; the period was shortened."))
    try:
        chosen = Grain(grain) if grain else default_grain(first, last)
    except ValueError:
        chosen = default_grain(first, last)
        problems.append(_("Unknown grouping; grouped by the default instead."))
    return Period(first, last, chosen), problems


@dataclass(frozen=True)
class Scope:
    """Which sales a report counts."""

    key: str
    label: str
    market_ids: tuple[int, ...] | None  # None: every market, and online orders of no market
    area_slug: str | None = None  # an area of origin (former district): its markets and producers


ALL = "all"
MINE = "mine"


def _markets(ids: set[int] | None) -> list[Market]:
    statement = sa.select(Market).order_by(Market.area_slug, Market.name)
    if ids is not None:
        statement = statement.where(Market.id.in_(sorted(ids)))
    return list(db.session.scalars(statement))


def scope_choices(user: User) -> list[tuple[str, str]]:
    """The scopes ``user`` may choose, as (key, label) pairs, the default first."""
    ids = market_ids_for(user)
    markets = [(f"market:{m.id}", m.name) for m in _markets(ids)]
    if ids is not None:
        return [(MINE, _("All my markets")), *markets]
    areas = [(f"area:{a.slug}", _("Area %(name)s", name=a.short_name)) for a in places.areas()]
    return [(ALL, _("Whole province (markets and online)")), *areas, *markets]


def resolve_scope(key: str | None, user: User) -> tuple[Scope, list[str]]:
    """The scope named by ``key`` if the user may see it, else their default (with a note)."""
    ids = market_ids_for(user)
    key = key or (MINE if ids is not None else ALL)
    kind, _sep, value = key.partition(":")
    if ids is None and key == ALL:
        return Scope(ALL, _("Whole province (markets and online)"), None), []
    if ids is not None and key == MINE:
        return Scope(MINE, _("All my markets"), tuple(sorted(ids))), []
    if kind == "market" and value.isdigit():
        market = db.session.get(Market, int(value))
        if market is not None and (ids is None or market.id in ids):
            return Scope(key, market.name, (market.id,)), []
    if kind == "area" and ids is None:
        area = places.area(value)
        if area is not None:
            return Scope(
                key, _("Area %(name)s", name=area.short_name), None, area_slug=area.slug
            ), []
    default, _none = resolve_scope(None, user)
    return default, [_("That scope is not available to you; showing %(s)s.", s=default.label)]
