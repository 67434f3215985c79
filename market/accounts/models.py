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
    # A manager's grant to the whole province (money, payouts, approvals, every market); an
    # admin gives it. A manager without it runs only the markets assigned to them.
    provincial: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    last_login_at: so.Mapped[datetime | None]
    # When a code sent by SMS proved the number is the person's (sign-up, number changed);
    # None for numbers typed before codes existed.
    phone_verified_at: so.Mapped[datetime | None]
    # Part of every session and remember-me cookie (``get_id``): raising it signs the account
    # out everywhere (password changed or reset, "sign out on all devices").
    session_version: so.Mapped[int] = so.mapped_column(default=0, server_default="0")

    def get_id(self) -> str:
        """What the session and the remember-me cookie hold: ``<id>:<session version>``."""
        return f"{self.id}:{self.session_version}"

    def end_sessions(self) -> None:
        """Make every session and remember-me cookie issued so far stop working."""
        self.session_version += 1

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

    @property
    def is_provincial(self) -> bool:
        """Admins, and managers an admin granted the whole province."""
        return self.role == Role.ADMIN or (self.role == Role.MANAGER and self.provincial)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.login}>"


class CodePurpose(enum.StrEnum):
    """What a one-time code sent by SMS proves the number for."""

    SIGNUP = "signup"
    RESET = "reset"
    CHANGE_PHONE = "change_phone"


class PhoneCode(db.Model):
    """A one-time code sent by SMS: single use, short-lived, a few tries, only its keyed hash kept.

    A new code for the same number and purpose ends the earlier one. Rows stay after use so the
    codes sent to a number, or asked for from an address, can be counted across app servers.
    """

    __tablename__ = "phone_codes"
    __table_args__ = (
        sa.Index("ix_phone_codes_phone_created_at", "phone", "created_at"),
        sa.Index("ix_phone_codes_requested_from_created_at", "requested_from", "created_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    phone: so.Mapped[str] = so.mapped_column(sa.String(15))
    purpose: so.Mapped[CodePurpose] = so.mapped_column(str_enum(CodePurpose, "code_purpose"))
    # HMAC-SHA256 of the code under SECRET_KEY: a stolen table cannot be tried offline.
    code_hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    # The account a reset or a number change is for; None for a sign-up.
    user_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # A sign-up's name and password hash, kept here until the code proves the number.
    name: so.Mapped[str | None] = so.mapped_column(sa.String(120))
    password_hash: so.Mapped[str | None] = so.mapped_column(sa.String(256))
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    requested_from: so.Mapped[str] = so.mapped_column(sa.String(45))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    expires_at: so.Mapped[datetime]
    used_at: so.Mapped[datetime | None]

    user: so.Mapped[User | None] = so.relationship()


class HelperSupervision(db.Model):
    """A helper's team lead: a manager assigns one to each community digital-technology helper.

    The team lead (a helper too) may read the change log of every household the helpers they
    lead act or acted for (``catalog.permissions.supervises_household``). One lead per helper.
    """

    __tablename__ = "helper_supervisions"
    __table_args__ = (sa.CheckConstraint("helper_id <> supervisor_id", name="not_self"),)

    helper_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    supervisor_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    assigned_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    helper: so.Mapped[User] = so.relationship(foreign_keys=[helper_id])
    supervisor: so.Mapped[User] = so.relationship(foreign_keys=[supervisor_id])
