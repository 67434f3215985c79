"""A helpers' team lead reads the change logs of the households their helpers act for.

A household has no account to read its own log; the lead a manager gave the helpers
(``market.accounts.supervision``) checks what they changed. Read only; anyone else gets 404.
"""

from flask import abort, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from catalog import audit
from catalog.models import Producer
from catalog.permissions import supervises_household, team_households
from catalog.workspace.blueprint import bp
from catalog.workspace.views import AUDIT_PAGE_SIZE
from market.accounts.supervision import team_of
from market.extensions import db


@bp.get("/nhom-ho-tro")
def helper_team() -> ResponseReturnValue:
    """The helpers the user leads and the households they act or acted for (404 for others)."""
    helpers = team_of(current_user)
    if not helpers:
        abort(404)
    return render_template(
        "workspace/helper_team.html", helpers=helpers, households=team_households(current_user)
    )


@bp.get("/nhom-ho-tro/<int:household_id>/nhat-ky")
def household_log(household_id: int) -> ResponseReturnValue:
    """A household's change log, read only, for the lead of a helper who acts or acted for it."""
    if not supervises_household(current_user, household_id):
        abort(404)
    producer = db.get_or_404(Producer, household_id)
    page = db.paginate(audit.entries_for(producer.id), per_page=AUDIT_PAGE_SIZE, error_out=False)
    return render_template("workspace/household_audit.html", producer=producer, page=page)
