"""Places to resolve (``/quan-ly/dia-ban``): pre-2025 places the 2025 migration could not map.

Only provincial managers decide; the choice goes through ``market.markets.place_reviews``.
"""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from market import places
from market.markets import place_reviews
from market.markets.errors import MarketError
from market.markets.forms import PlaceReviewForm
from market.markets.labels import template_labels
from market.permissions import provincial_manager_required

bp = Blueprint("place_reviews", __name__, url_prefix="/quan-ly/dia-ban")
bp.context_processor(template_labels)


def _page(status: int = 200, errors: dict[int, str] | None = None) -> ResponseReturnValue:
    return render_template(
        "markets/place_reviews.html",
        reviews=place_reviews.open_reviews(),
        resolved=place_reviews.resolved_reviews(),
        areas=places.areas(),
        form=PlaceReviewForm(),
        errors=errors or {},
        record_kinds={
            "producers": _("Producer"),
            "markets": _("Market"),
            "growing_areas": _("Growing area"),
            "orders": _("Order"),
        },
        place_display=places.display,
        reasons=_reasons(),
    ), status


def _reasons() -> dict[str, str]:
    """Why migration 0018 could not decide, as it recorded it, in the current language."""
    return {
        "split between several new communes": _("split between several new communes"),
        "not a commune in 2025 (merged earlier); no mapping": _(
            "not a commune in 2025 (merged earlier); no mapping"
        ),
        "not in the pre-2025 place list": _("not in the pre-2025 place list"),
        "several communes of today have this name": _("several communes of today have this name"),
        "no commune of today has this name": _("no commune of today has this name"),
        "unknown province": _("unknown province"),
    }


@bp.get("")
@provincial_manager_required
def queue() -> ResponseReturnValue:
    """Every place still to resolve, with the communes it may be, and the latest decisions."""
    return _page()


@bp.post("/<int:review_id>")
@provincial_manager_required
def resolve(review_id: int) -> ResponseReturnValue:
    """Give one place the commune the manager chose."""
    form = PlaceReviewForm()
    if not form.validate_on_submit():
        return _page(400, {review_id: _("The form expired; try again.")})
    try:
        review = place_reviews.resolve(
            review_id, form.commune.data or "", form.area.data or "", current_user
        )
    except MarketError as error:
        if error.field is None:  # not about the choice (the place was resolved meanwhile)
            flash(str(error), "error")
            return _page(422)
        return _page(422, {review_id: str(error)})
    flash(
        _("Saved: %(place)s.", place=places.display(review.resolved_code)),
        "success",
    )
    return redirect(url_for(".queue"))
