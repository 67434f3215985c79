"""The provincial managers' messages page: sent, failed and refused per month with their cost,
and the failed messages with a retry button."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from market.extensions import db
from market.forms import Form
from market.notify import reports, sending
from market.notify.labels import channel_names, error_text
from market.notify.models import Message
from market.notify.templates import CODE
from market.permissions import provincial_manager_required

bp = Blueprint("notify", __name__, url_prefix="/quan-ly/tin-nhan")


class RetryForm(Form):
    """The retry button (only the CSRF token)."""


@bp.get("")
@provincial_manager_required
def messages() -> ResponseReturnValue:
    """Messages per month and channel with their cost, and the latest failures."""
    return render_template(
        "notify/messages.html",
        months=reports.monthly(),
        failed=reports.failed(),
        channel_names=channel_names(),
        error_text=error_text,
        code_template=CODE,
        form=RetryForm(),
    )


@bp.post("/<int:message_id>/thu-lai")
@provincial_manager_required
def retry(message_id: int) -> ResponseReturnValue:
    """Queue a failed message again."""
    if not RetryForm().validate_on_submit():
        abort(400)
    if db.session.get(Message, message_id) is None:
        abort(404)
    if sending.retry(message_id):
        db.session.commit()
        flash(_("Message %(id)s is queued again.", id=message_id), "success")
    else:
        flash(_("Message %(id)s cannot be sent again.", id=message_id), "info")
    return redirect(url_for("notify.messages"))
