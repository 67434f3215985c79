"""Role checks for routes; producer-level checks live in ``catalog.permissions``."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required

from market.accounts.models import Role


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
