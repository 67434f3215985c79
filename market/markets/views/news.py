"""The managers' market news page (``/quan-ly/tin-cho``): write, preview who hears it, send.

A provincial manager addresses the whole province or any market; a market's manager only the
markets assigned to them (another market is a 404). Preview and send are two plain posts, so
the page works without JavaScript; who hears what is ``market.markets.news``.
"""

import secrets

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from wtforms import HiddenField, SelectField, StringField, TextAreaField

from market.extensions import db
from market.forms import Form, form_error
from market.markets import news
from market.markets.access import market_ids_for, market_or_404, visible
from market.markets.errors import MarketError
from market.markets.labels import template_labels
from market.markets.models import Market
from market.notify.labels import channel_names
from market.permissions import is_provincial, manager_required

bp = Blueprint("market_news", __name__, url_prefix="/quan-ly/tin-cho")
bp.context_processor(template_labels)


class NewsForm(Form):
    """Who hears the news (the province or a market), its title and text."""

    scope = SelectField(_l("Send to"), validate_choice=False)
    title = StringField(_l("Title"))
    text = TextAreaField(_l("News"))
    submission = HiddenField()  # the preview's one-time token, so "Send" twice sends once


def _scopes() -> list[tuple[str, str]]:
    """What the current manager may address: the province (provincial only), their markets."""
    markets = db.session.scalars(
        sa.select(Market)
        .where(visible(Market.id, current_user), Market.active)
        .order_by(Market.name)
    )
    province = [("", _("The whole province"))] if is_provincial(current_user) else []
    return province + [(str(m.id), m.name) for m in markets]


def _market(scope: str | None) -> Market | None:
    """The market addressed (None: the province), 404 for one the manager may not see; a
    market's manager who names no market is told to choose one (MarketError)."""
    if not scope:
        if not is_provincial(current_user):
            raise MarketError(_("Choose the market to send to."), field="scope")
        return None
    if not scope.isdigit():
        abort(404)
    return market_or_404(int(scope))


@bp.route("", methods=["GET", "POST"])
@manager_required
def page() -> ResponseReturnValue:
    """The form, a preview of who hears it and its cost, and the news sent before."""
    form = NewsForm()
    form.scope.choices = _scopes()
    preview = None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            market = _market(form.scope.data)
            if request.form.get("action") == "send":
                sent, created = news.send(
                    market,
                    form.title.data or "",
                    form.text.data or "",
                    current_user,
                    form.submission.data or "",
                )
                db.session.commit()
                if created:
                    message = ngettext(
                        "The news is on its way to %(num)s person.",
                        "The news is on its way to %(num)s people.",
                        sent.audience,
                    )
                    flash(message, "success")
                else:
                    flash(_("This news was sent already."), "info")
                return redirect(url_for("market_news.page"))
            form.title.data, form.text.data = news.clean(
                form.title.data or "", form.text.data or ""
            )
            preview = news.preview(market.id if market is not None else None)
            form.submission.data = form.submission.data or secrets.token_urlsafe(24)
        except MarketError as error:
            form_error(form, error)
    return render_template(
        "markets/news.html",
        form=form,
        preview=preview,
        channel_names=channel_names(),
        history=news.history(market_ids_for(current_user)),
        title_max=news.TITLE_MAX,
        text_max=news.TEXT_MAX,
    )
