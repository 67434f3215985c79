"""User accounts and their global role."""

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from market.dbtypes import str_enum, utcnow
from market.extensions import db


def password_hash_method() -> str:
    """The KDF for new password hashes: scrypt in production, a cheaper one only in tests."""
    return current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if current_app else "scrypt"


class Role(enum.StrEnum):
    """A user's global role; producer membership is separate (owner or staff)."""

    SHOPPER = "shopper"
    HELPER = "helper"
    MANAGER = "manager"
    ADMIN = "admin"


class User(UserMixin, db.Model):
    """Anyone who signs in: shoppers, producer members, helpers, managers, admins."""

    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint("email IS NOT NULL OR phone IS NOT NULL", name="has_login"),
        sa.CheckConstraint("locale IN ('vi', 'en')", name="locale"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str | None] = so.mapped_column(sa.String(254), unique=True)
    phone: so.Mapped[str | None] = so.mapped_column(sa.String(15), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(256))
    role: so.Mapped[Role] = so.mapped_column(str_enum(Role, "user_role"), default=Role.SHOPPER)
    locale: so.Mapped[str] = so.mapped_column(sa.String(5), default="vi")
    active: so.Mapped[bool] = so.mapped_column(default=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    last_login_at: so.Mapped[datetime | None]

    def set_password(self, password: str) -> None:
        """Store a salted hash of the password (scrypt unless configured otherwise)."""
        self.password_hash = generate_password_hash(password, method=password_hash_method())

    def check_password(self, password: str) -> bool:
        """True when the password matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    @property
    def login(self) -> str:
        """The identifier the user signs in with."""
        return self.email or self.phone or ""

    @property
    def is_manager(self) -> bool:
        """Market managers and admins run markets and approvals."""
        return self.role in (Role.MANAGER, Role.ADMIN)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.login}>"
