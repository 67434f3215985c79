"""Who may act for a producer.

A producer's things are visible only to its members (owner, staff), to helpers it granted
access, and to admins; anyone else gets a 404 so ids cannot be probed.
"""

from typing import Literal

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from catalog.models import HelperGrant, Producer, ProducerMember
from market.accounts.models import Role, User
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
