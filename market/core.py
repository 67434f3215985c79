"""Site-wide routes: health check and the language switch."""

import sqlalchemy as sa
from flask import Blueprint, Flask, current_app, jsonify, redirect, request, session
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.exceptions import BadRequest

from market.extensions import db
from market.urls import safe_next_url

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


@bp.post("/lang")
def set_language() -> ResponseReturnValue:
    """Switch the interface language and go back where the user was."""
    lang = request.form.get("lang", "")
    if lang not in current_app.config["LANGUAGES"]:
        raise BadRequest()
    session["lang"] = lang
    if current_user.is_authenticated:
        current_user.locale = lang
        db.session.commit()
    return redirect(safe_next_url(request.form.get("next")))


def register(app: Flask) -> None:
    """Attach the core routes, site-wide commands and the role checks templates use."""
    from market.cli import i18n_cli
    from market.permissions import is_provincial

    app.register_blueprint(bp)
    app.jinja_env.globals.update(is_provincial=is_provincial)
    app.cli.add_command(i18n_cli)
