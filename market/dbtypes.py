"""Column types and defaults shared by every package's models."""

import enum
from datetime import UTC, datetime

import sqlalchemy as sa


def utcnow() -> datetime:
    """The current time in UTC, naive, as every timestamp is stored."""
    return datetime.now(UTC).replace(tzinfo=None)


def str_enum(enum_class: type[enum.StrEnum], name: str) -> sa.Enum:
    """A portable enum column stored as its string values, checked by the database."""
    return sa.Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_class),
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
