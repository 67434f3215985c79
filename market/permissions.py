"""Role checks for routes; producer-level checks live in ``catalog.permissions``.

Managers come in two kinds. A *provincial* manager sees the whole marketplace: its money, every
producer's payouts, the approvals. Whether a manager is provincial is decided by the feature that
gives managers a narrower scope (the chợ 4.0 markets: a manager assigned to markets runs only
those); that feature says so with ``set_provincial_check``. Without such a feature every manager
is provincial. Admins always are.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, abort, current_app
from flask_login import current_user, login_required

from market.accounts.models import Role, User

PROVINCIAL_CHECK = "permissions.provincial_check"


def role_required(*roles: Role) -> Callable:
    """Decorator: the signed-in user must hold one of ``roles`` (admins always pass)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role != Role.ADMIN and current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


manager_required = role_required(Role.MANAGER)


def set_provincial_check(app: Flask, check: Callable[[User], bool]) -> None:
    """Let a feature decide which managers (not admins) are provincial; one check per app."""
    app.extensions[PROVINCIAL_CHECK] = check


def is_provincial(user: User) -> bool:
    """True for admins and for managers whose scope is the whole province."""
    if not (user.is_authenticated and user.is_manager):
        return False
    check = current_app.extensions.get(PROVINCIAL_CHECK)
    return user.role == Role.ADMIN or check is None or check(user)


def provincial_manager_required(view: Callable) -> Callable:
    """Decorator: provincial managers and admins only; other managers get 403."""

    @wraps(view)
    @manager_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not is_provincial(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapped
