"""Role checks for routes; producer-level checks live in ``catalog.permissions``.

Managers come in two kinds. A *provincial* manager sees the whole marketplace: its money, every
producer's payouts, the approvals, every market. That is a grant of its own
(``User.provincial``), given by an admin in the console or with ``flask --app market accounts
provincial``; admins always hold it. Any other manager runs only the markets assigned to them,
and a manager assigned to no market manages nothing.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required

from market.accounts.models import Role, User


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
admin_required = role_required(Role.ADMIN)


def is_provincial(user: User) -> bool:
    """True for admins and for managers granted the whole province."""
    return bool(user.is_authenticated and user.is_provincial)


def provincial_manager_required(view: Callable) -> Callable:
    """Decorator: provincial managers and admins only; other managers get 403."""

    @wraps(view)
    @manager_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not is_provincial(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapped
