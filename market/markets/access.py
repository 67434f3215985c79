"""Who sees which market, and who may sell at which stall; checked on the server for every route.

A provincial manager (an admin, or a manager an admin granted the province: ``User.provincial``,
see ``market.permissions``) sees every market. Any other manager sees only the markets assigned
to them — none if they are assigned to none: any other market or stall is a 404, as if it did
not exist. A stall's sellers are the members of its producer and the helpers the producer
granted access.
"""

import sqlalchemy as sa
from flask import abort, g
from flask_login import current_user

from catalog.models import HelperGrant, ProducerMember
from catalog.permissions import Access, producer_access
from market.accounts.models import Role, User
from market.extensions import db
from market.markets.models import Market, MarketManager, Stall


def assigned_market_ids(user: User) -> set[int]:
    """The markets a user is assigned to manage."""
    return set(
        db.session.scalars(
            sa.select(MarketManager.market_id).where(MarketManager.user_id == user.id)
        )
    )


def market_ids_for(user: User) -> set[int] | None:
    """The markets ``user`` may see: None means every market; an empty set none."""
    if not user.is_authenticated or not user.is_manager:
        return set()
    if "market_ids" not in g:
        g.market_ids = None if user.is_provincial else assigned_market_ids(user)
    return g.market_ids


def visible(column: sa.ColumnElement[int], user: User) -> sa.ColumnElement[bool]:
    """A condition keeping rows whose market ``column`` the user may see."""
    ids = market_ids_for(user)
    return sa.true() if ids is None else column.in_(sorted(ids))


def market_or_404(market_id: int) -> Market:
    """The market if the current manager may see it, else 404."""
    return db.first_or_404(
        sa.select(Market).where(Market.id == market_id, visible(Market.id, current_user))
    )


def stall_or_404(stall_id: int) -> Stall:
    """The stall if the current manager may see its market, else 404."""
    return db.first_or_404(
        sa.select(Stall).where(Stall.id == stall_id, visible(Stall.market_id, current_user))
    )


def seller_access(user: User, stall: Stall) -> Access | None:
    """How ``user`` may sell at the stall (owner, staff, helper), or None."""
    return producer_access(user, stall.producer_id) if stall.active else None


def seller_stall_or_404(stall_id: int) -> tuple[Stall, Access]:
    """The active stall the current user sells at, with their standing, else 404."""
    stall = db.get_or_404(Stall, stall_id)
    access = seller_access(current_user, stall)
    if access is None:
        abort(404)
    return stall, access


def stalls_for_seller(user: User) -> sa.Select:
    """Active stalls of the producers the user works for or helps, by market and number."""
    member_of = sa.select(ProducerMember.producer_id).where(ProducerMember.user_id == user.id)
    helping = sa.select(HelperGrant.producer_id).where(
        HelperGrant.helper_id == user.id, HelperGrant.revoked_at.is_(None)
    )
    producers = member_of.union(helping) if user.role == Role.HELPER else member_of
    return (
        sa.select(Stall)
        .join(Stall.market)
        .where(Stall.active, Stall.producer_id.in_(producers))
        .order_by(Market.name, Stall.number)
    )


def sells_somewhere(user: User) -> bool:
    """True if the user may sell at at least one active stall (for the header link)."""
    if not user.is_authenticated:
        return False
    if "sells_somewhere" not in g:
        found = db.session.scalar(stalls_for_seller(user).with_only_columns(Stall.id).limit(1))
        g.sells_somewhere = found is not None
    return g.sells_somewhere
