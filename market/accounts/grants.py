"""The provincial grant: an admin gives a manager the whole province, or takes it back.

A provincial manager sees the marketplace's money, payouts, refunds and approvals and every
market; any other manager runs only the markets assigned to them (``market.permissions``).
"""

import logging

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from market.accounts.models import Role, User
from market.accounts.services import AccountError, account_for
from market.extensions import db

logger = logging.getLogger(__name__)


class NotAManager(AccountError):
    """The grant names an account that is missing or not a manager's."""


def find_manager_account(login: str) -> User:
    """The manager account with this e-mail or mobile number; raises ``NotAManager``."""
    user = account_for(login)
    if user is None:
        raise NotAManager(_l("No account has this e-mail or mobile number."))
    if user.role != Role.MANAGER:
        raise NotAManager(_l("Only a manager's account can be given the province."))
    return user


def set_provincial(login: str, granted: bool, *, by: str) -> User:
    """Give (or take back) a manager's provincial grant; commits and logs who did it."""
    user = find_manager_account(login)
    user.provincial = granted
    db.session.commit()
    logger.info("Provincial grant of user %s set to %s by %s", user.id, granted, by)
    return user


def provincial_managers() -> list[User]:
    """Managers holding the provincial grant, by name."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.role == Role.MANAGER, User.provincial)
            .order_by(User.name, User.id)
        )
    )
