"""Accounts: sign-up, sign-in, password reset and profile."""

import sqlalchemy as sa
from flask import Flask
from flask_babel import lazy_gettext as _l

from market.accounts.models import User
from market.extensions import db, login_manager


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Load the signed-in user for Flask-Login."""
    if not user_id.isdigit():
        return None
    return db.session.scalar(sa.select(User).where(User.id == int(user_id), User.active))


def register(app: Flask) -> None:
    """Attach the accounts blueprint and configure Flask-Login."""
    from market.accounts.views import bp

    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    app.register_blueprint(bp)
