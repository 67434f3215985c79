"""Helper teams in the manager console (``/quan-ly/nhom-ho-tro``), provincial managers only.

A provincial manager makes a helper the team lead of other helpers; the lead may then read
the change logs of the households those helpers act for (``catalog.workspace.team_lead_views``).
"""

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from market.accounts import supervision
from market.forms import form_error
from market.markets.forms import ActionForm, SupervisionForm
from market.markets.views.console import bp
from market.permissions import provincial_manager_required


@bp.route("/nhom-ho-tro", methods=["GET", "POST"])
@provincial_manager_required
def helper_teams() -> ResponseReturnValue:
    """Every helper's team lead; give a helper a lead (or another one)."""
    form = SupervisionForm()
    if form.validate_on_submit():
        try:
            made = supervision.assign_supervisor(
                form.helper.data or "", form.supervisor.data or "", by=current_user
            )
        except supervision.SupervisionError as error:
            form_error(form, error)
        else:
            flash(
                _(
                    "%(lead)s now leads %(helper)s.",
                    lead=made.supervisor.name,
                    helper=made.helper.name,
                ),
                "success",
            )
            return redirect(url_for(".helper_teams"))
    return render_template(
        "markets/helper_teams.html",
        form=form,
        action=ActionForm(),
        supervisions=supervision.supervisions(),
    )


@bp.post("/nhom-ho-tro/<int:helper_id>/ket-thuc")
@provincial_manager_required
def helper_team_end(helper_id: int) -> ResponseReturnValue:
    """Take a helper out of their lead's team."""
    if ActionForm().validate_on_submit():
        if supervision.end_supervision(helper_id, by=current_user):
            flash(_("The helper has no team lead any more."), "success")
        else:
            flash(_("That helper has no team lead."), "error")
    return redirect(url_for(".helper_teams"))
