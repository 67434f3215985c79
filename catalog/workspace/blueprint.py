"""The workspace blueprint and the access check every one of its routes goes through.

Every URL below ``/ban-hang`` needs a signed-in user. A URL naming a producer
(``/ban-hang/<producer_id>/...``) answers 404 to anyone who is not its owner, staff or granted
helper — the same answer as for a producer that does not exist, so ids cannot be probed. Routes
for the owner alone answer 403 to staff and helpers, who can see that the page exists.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, g, redirect, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from catalog.audit import Actor
from catalog.models import Producer, Product
from catalog.permissions import require_producer_access
from catalog.workspace.labels import template_labels
from market import registry
from market.extensions import db, login_manager
from market.urls import site_path

bp = Blueprint("workspace", __name__, url_prefix="/ban-hang")
bp.context_processor(template_labels)


@bp.app_template_global()
def workspace_menu_links() -> list[tuple[str, object]]:
    """The menu links other packages added (``market.registry.WORKSPACE_MENU``)."""
    return registry.WORKSPACE_MENU.all()


@bp.before_request
def check_access() -> ResponseReturnValue | None:
    """Sign-in for every page; membership or a helper grant for a producer's pages."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    producer_id = (request.view_args or {}).get("producer_id")
    if producer_id is not None:
        access = require_producer_access(producer_id)
        g.producer = db.get_or_404(Producer, producer_id)
        g.actor = Actor(current_user.id, access)
    return None


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_error: RequestEntityTooLarge) -> ResponseReturnValue:
    """Uploads over the request limit: say so on the page the user came from."""
    flash(_("The files are too large together. Send fewer or smaller photos at a time."), "error")
    return redirect(site_path(request.path))


@bp.app_template_filter("ws_value")
def shown_value(value: Any) -> str:
    """A logged value as text: lists joined, empty as a dash, long text shortened."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    text = str(value)
    return text if len(text) <= 120 else text[:117] + "…"


def owner_only(view: Callable) -> Callable:
    """Decorator: staff and helpers may not open this page (403)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.actor.access != "owner":
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def own_product(product_id: int) -> Product:
    """The current producer's product with this id, else 404."""
    return db.first_or_404(
        sa.select(Product).where(Product.id == product_id, Product.producer_id == g.producer.id)
    )


def uploads(field_name: str) -> list[tuple[str, bytes]]:
    """The files sent in a form field as (name, content), skipping empty file inputs."""
    return [
        (storage.filename or "", storage.read())
        for storage in request.files.getlist(field_name)
        if storage.filename
    ]
