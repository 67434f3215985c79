"""A signed-in shopper's saved delivery addresses: add, edit, delete, choose one at checkout.

An entry holds official codes (``market.places``) and the street as typed; names are read from
the codes when shown. Every lookup is by owner, so another shopper's address is simply not found.
"""

import contextlib
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from market import places
from market.dbtypes import utcnow
from market.extensions import db
from orders.addresses import Address, address_at

MAX_ADDRESSES = 20


class SavedAddress(db.Model):
    """One address in a shopper's address book."""

    __tablename__ = "saved_addresses"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # The shopper's own name for it: "Nhà", "Cơ quan", "Nhà mẹ".
    label: so.Mapped[str] = so.mapped_column(sa.String(60), default="")
    province_code: so.Mapped[str] = so.mapped_column(sa.String(2))
    commune_code: so.Mapped[str] = so.mapped_column(sa.String(5))
    street: so.Mapped[str] = so.mapped_column(sa.String(200))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    # Chosen at checkout or edited most recently: listed first, and chosen first at checkout.
    used_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    @property
    def address(self) -> Address | None:
        """The delivery address it stands for; None if its commune is no longer known."""
        return address_at(self.commune_code, self.street)

    @property
    def place(self) -> str:
        """ "Phường Hoàn Kiếm, Hà Nội": the commune and province."""
        return places.display(self.commune_code) or self.commune_code


class AddressBookFull(Exception):
    """The shopper already keeps as many addresses as allowed."""


@dataclass(frozen=True)
class AddressEntry:
    """What the add and edit forms give: a label and a validated address."""

    label: str
    address: Address


def addresses_of(user_id: int) -> list[SavedAddress]:
    """The shopper's addresses, the most recently used first."""
    return list(
        db.session.scalars(
            sa.select(SavedAddress)
            .where(SavedAddress.user_id == user_id)
            .order_by(SavedAddress.used_at.desc(), SavedAddress.id.desc())
        )
    )


def owned_address(user_id: int, address_id: int) -> SavedAddress | None:
    """One of the shopper's addresses; None for an unknown id or another shopper's."""
    return db.session.scalar(
        sa.select(SavedAddress).where(
            SavedAddress.id == address_id, SavedAddress.user_id == user_id
        )
    )


def _fill(saved: SavedAddress, entry: AddressEntry) -> None:
    saved.label = entry.label
    saved.province_code = entry.address.province_code
    saved.commune_code = entry.address.commune_code
    saved.street = entry.address.street
    saved.used_at = utcnow()


def add_address(user_id: int, entry: AddressEntry) -> SavedAddress:
    """Keep a new address for the shopper."""
    count = db.session.scalar(
        sa.select(sa.func.count(SavedAddress.id)).where(SavedAddress.user_id == user_id)
    )
    if count >= MAX_ADDRESSES:
        raise AddressBookFull
    saved = SavedAddress(user_id=user_id)
    _fill(saved, entry)
    db.session.add(saved)
    db.session.commit()
    return saved


def update_address(saved: SavedAddress, entry: AddressEntry) -> None:
    """Change an address the shopper owns (the caller found it with ``owned_address``)."""
    _fill(saved, entry)
    db.session.commit()


def delete_address(saved: SavedAddress) -> None:
    """Remove an address the shopper owns; orders placed with it keep their own copy."""
    db.session.delete(saved)
    db.session.commit()


def remember_address(user_id: int, address: Address, keep_new: bool) -> None:
    """After an order: mark the same saved address used, or keep a new one when asked (room
    allowing)."""
    existing = db.session.scalar(
        sa.select(SavedAddress).where(
            SavedAddress.user_id == user_id,
            SavedAddress.commune_code == address.commune_code,
            SavedAddress.street == address.street,
        )
    )
    if existing is not None:
        existing.used_at = utcnow()
        db.session.commit()
    elif keep_new:
        # The order is placed; a full book only means this address is not kept.
        with contextlib.suppress(AddressBookFull):
            add_address(user_id, AddressEntry("", address))
