"""Accounts: sign-up, sign-in, password reset and profile."""

import sqlalchemy as sa
from flask import Flask
from flask_babel import lazy_gettext as _l

from market.accounts.models import User
from market.extensions import db, login_manager


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The active user a session or remember-me cookie names, if its session version is current."""
    user_part, _, version = user_id.partition(":")
    if not (user_part.isdigit() and version.isdigit()):
        return None  # also a cookie from before session versions: sign in again
    return db.session.scalar(
        sa.select(User).where(
            User.id == int(user_part), User.session_version == int(version), User.active
        )
    )


def register(app: Flask) -> None:
    """Attach the accounts blueprint and configure Flask-Login."""
    from market.accounts import (
        notice_choices,  # noqa: F401  (the notices page joins it too)
        phone_views,  # noqa: F401  (the code pages join the blueprint)
    )
    from market.accounts.cli import accounts_cli
    from market.accounts.views import bp

    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    app.register_blueprint(bp)
    app.cli.add_command(accounts_cli)
