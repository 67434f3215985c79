"""Helper teams: a manager makes a helper the team lead (supervisor) of other helpers.

A community digital-technology team's lead answers for what its helpers do for households
that have no account of their own, so the lead may read those households' change logs
(``catalog.permissions.supervises_household``). Each helper has at most one lead; assigning
another replaces the first; ending the supervision ends the lead's reading at once.
"""

import logging

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from market.accounts.models import HelperSupervision, Role, User
from market.accounts.services import AccountError, account_for
from market.extensions import db

logger = logging.getLogger(__name__)


class SupervisionError(AccountError):
    """The assignment cannot be made; ``field`` names the form field to show it beside."""


def _helper_account(login: str, field: str) -> User:
    user = account_for(login)
    if user is None:
        raise SupervisionError(_l("No account has this e-mail or mobile number."), field)
    if user.role != Role.HELPER or not user.active:
        raise SupervisionError(_l("This account is not an active helper's."), field)
    return user


def assign_supervisor(helper_login: str, supervisor_login: str, *, by: User) -> HelperSupervision:
    """Make one helper the team lead of another (replacing any lead they had); commits."""
    helper = _helper_account(helper_login, "helper")
    supervisor = _helper_account(supervisor_login, "supervisor")
    if helper.id == supervisor.id:
        raise SupervisionError(_l("A helper cannot lead themselves."), "supervisor")
    supervision = db.session.get(HelperSupervision, helper.id)
    if supervision is None:
        supervision = HelperSupervision(helper_id=helper.id)
        db.session.add(supervision)
    supervision.supervisor_id = supervisor.id
    supervision.assigned_by_id = by.id
    db.session.commit()
    logger.info("Helper %s now led by %s (set by user %s)", helper.id, supervisor.id, by.id)
    return supervision


def end_supervision(helper_id: int, *, by: User) -> bool:
    """Take a helper out of their lead's team; False when they had no lead. Commits."""
    supervision = db.session.get(HelperSupervision, helper_id)
    if supervision is None:
        return False
    db.session.delete(supervision)
    db.session.commit()
    logger.info("Helper %s has no team lead any more (set by user %s)", helper_id, by.id)
    return True


def supervisions() -> list[HelperSupervision]:
    """Every helper with a team lead, by lead then helper name."""
    lead = so.aliased(User)
    helper = so.aliased(User)
    return list(
        db.session.scalars(
            sa.select(HelperSupervision)
            .join(lead, lead.id == HelperSupervision.supervisor_id)
            .join(helper, helper.id == HelperSupervision.helper_id)
            .options(
                so.contains_eager(HelperSupervision.supervisor.of_type(lead)),
                so.contains_eager(HelperSupervision.helper.of_type(helper)),
            )
            .order_by(lead.name, lead.id, helper.name, helper.id)
        )
    )


def team_of(supervisor: User) -> list[User]:
    """The helpers ``supervisor`` leads, by name."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(HelperSupervision, HelperSupervision.helper_id == User.id)
            .where(HelperSupervision.supervisor_id == supervisor.id)
            .order_by(User.name, User.id)
        )
    )
