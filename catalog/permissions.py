"""Who may act for a producer.

A producer's things are visible only to its members (owner, staff), to helpers it granted
access, and to admins; anyone else gets a 404 so ids cannot be probed. A helpers' team lead
(``market.accounts.supervision``) may read, not change, the change log of the households
their helpers act or acted for.
"""

from typing import Literal

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from catalog.models import HelperGrant, Producer, ProducerMember
from market.accounts.models import HelperSupervision, Role, User
from market.extensions import db

Access = Literal["owner", "staff", "helper"]


def producer_access(user: User, producer_id: int) -> Access | None:
    """How ``user`` may act for a producer: ``owner``, ``staff``, ``helper`` or None."""
    if not user.is_authenticated:
        return None
    member = db.session.scalar(
        sa.select(ProducerMember.role).where(
            ProducerMember.producer_id == producer_id, ProducerMember.user_id == user.id
        )
    )
    if member is not None:
        return member.value  # type: ignore[return-value]
    granted = db.session.scalar(
        sa.select(HelperGrant.id).where(
            HelperGrant.producer_id == producer_id,
            HelperGrant.helper_id == user.id,
            HelperGrant.revoked_at.is_(None),
        )
    )
    if granted is not None and user.role == Role.HELPER:
        return "helper"
    return None


def require_producer_access(producer_id: int, *allowed: Access) -> Access:
    """Abort with 404 unless the current user may act for the producer in one of ``allowed``."""
    access = producer_access(current_user, producer_id)
    if access is None or (allowed and access not in allowed):
        abort(404)
    return access


def producers_for(user: User) -> list[Producer]:
    """Producers the user owns, works for, or helps (through an active grant)."""
    member_of = sa.select(ProducerMember.producer_id).where(ProducerMember.user_id == user.id)
    helping = sa.select(HelperGrant.producer_id).where(
        HelperGrant.helper_id == user.id, HelperGrant.revoked_at.is_(None)
    )
    return list(
        db.session.scalars(
            sa.select(Producer)
            .where(sa.or_(Producer.id.in_(member_of), Producer.id.in_(helping)))
            .order_by(Producer.name)
        )
    )


def _team_grants(supervisor: User) -> sa.Select:
    """Grants (held now or before) of the helpers ``supervisor`` leads as their team lead."""
    team = sa.select(HelperSupervision.helper_id).where(
        HelperSupervision.supervisor_id == supervisor.id
    )
    return sa.select(HelperGrant).where(HelperGrant.helper_id.in_(team))


def supervises_household(user: User, producer_id: int) -> bool:
    """True when a helper ``user`` leads acts, or acted, for the producer (a household).

    A revoked grant still counts: the lead answers for what the helper did while it held it.
    """
    if not user.is_authenticated or user.role != Role.HELPER:
        return False
    grants = _team_grants(user).where(HelperGrant.producer_id == producer_id).subquery()
    return db.session.scalar(sa.select(sa.exists().select_from(grants))) or False


def team_households(supervisor: User) -> list[tuple[Producer, list[User]]]:
    """Each producer the helpers of ``supervisor``'s team act or acted for, with those helpers."""
    if supervisor.role != Role.HELPER:
        return []
    grants = _team_grants(supervisor).subquery()
    rows = db.session.execute(
        sa.select(Producer, User)
        .join(grants, grants.c.producer_id == Producer.id)
        .join(User, User.id == grants.c.helper_id)
        .distinct()
        .order_by(Producer.name, Producer.id, User.name, User.id)
    )
    households: dict[int, tuple[Producer, list[User]]] = {}
    for producer, helper in rows:
        households.setdefault(producer.id, (producer, []))[1].append(helper)
    return list(households.values())
