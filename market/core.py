"""Site-wide routes: the health check."""

import sqlalchemy as sa
from flask import Blueprint, Flask, jsonify
from flask.typing import ResponseReturnValue

from market.extensions import db
from market.urls import public_url

bp = Blueprint("core", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """Answer 200 when the database answers, 503 otherwise."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


def register(app: Flask) -> None:
    """Attach the core routes, site-wide commands and the helpers templates use."""
    from market.cli import i18n_cli
    from market.permissions import is_provincial

    app.register_blueprint(bp)
    app.jinja_env.globals.update(is_provincial=is_provincial, public_url=public_url)
    app.cli.add_command(i18n_cli)
