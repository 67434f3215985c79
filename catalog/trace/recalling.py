"""A recall submitted from a lot page: the producer's and the market board's pages share it."""

from flask import flash
from flask_babel import gettext as _
from flask_login import current_user

from catalog.models import Lot
from catalog.trace import services
from catalog.trace.forms import RecallForm


def submit_recall(lot: Lot, by_manager: bool = False) -> None:
    """Recall ``lot`` from the posted recall form, flashing the outcome or what is wrong."""
    form = RecallForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return
    try:
        done = services.recall_lot(lot, form.reason.data, current_user, by_manager=by_manager)
    except services.TraceError as error:
        flash(str(error), "error")
        return
    flash(
        _("Lot %(code)s is recalled. Its buyers are being emailed.", code=done.lot.code),
        "success",
    )
