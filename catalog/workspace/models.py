"""Workspace records: staff invitations (the audit log is ``catalog.audit``, stock history
``catalog.stock_history``)."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from catalog.models import Producer
from market.dbtypes import utcnow
from market.extensions import db


class Invitation(db.Model):
    """An owner's invitation for the holder of an email or mobile number to join as staff."""

    __tablename__ = "producer_invitations"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    producer_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("producers.id", ondelete="CASCADE"), index=True
    )
    login: so.Mapped[str] = so.mapped_column(sa.String(254))
    # SHA-256 of the secret in the link; the link itself is never stored.
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    invited_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    expires_at: so.Mapped[datetime]
    accepted_at: so.Mapped[datetime | None]
    revoked_at: so.Mapped[datetime | None]

    producer: so.Mapped[Producer] = so.relationship()

    def is_open(self, now: datetime) -> bool:
        """Neither accepted, revoked nor expired."""
        return self.accepted_at is None and self.revoked_at is None and now < self.expires_at
