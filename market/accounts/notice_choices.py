"""Who hears what, how: the profile's page where each person chooses channels per kind of notice.

One checkbox per topic and channel the person can be reached on (e-mail needs an address, SMS
and Zalo a mobile number, and only channels this site offers); recalls are not a choice: they
always reach every channel the person has. Plain form, works with JavaScript off.
"""

from dataclasses import dataclass

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from market.accounts.views import bp
from market.extensions import db
from market.forms import Form
from market.notify import CHOOSABLE, Channel, Topic, channels_for, offered_channels, set_channels
from market.notify.labels import channel_names, topic_names
from market.notify.preferences import reachable

# What each topic covers, as the page explains it.
COVERS = {
    Topic.ORDERS: _l(
        "Orders placed, accepted, shipped, delivered or cancelled; for sellers, new orders."
    ),
    Topic.PAYMENTS: _l("Payments received and refunds."),
    Topic.PICKUPS: _l("An order ready for you to pick up."),
    Topic.RECALLS: _l("A product you bought is recalled."),
    Topic.NEWS: _l("News from the market: fairs, new producers, market days."),
}


class NoticeChoicesForm(Form):
    """The choices come as ``topic:channel`` checkbox values; the form carries the CSRF token."""


@dataclass(frozen=True)
class Row:
    """One topic on the page: its name, what it covers, and its channels with their state."""

    topic: Topic
    name: str
    covers: str
    channels: list[tuple[Channel, bool]]
    locked: bool


def _rows(person_channels: list[Channel], chosen: dict[Topic, set[Channel]]) -> list[Row]:
    names = topic_names()
    return [
        Row(
            topic,
            names[topic],
            str(COVERS[topic]),
            [(c, topic == Topic.RECALLS or c in chosen[topic]) for c in person_channels],
            topic == Topic.RECALLS,
        )
        for topic in CHOOSABLE
    ]


def _submitted(person_channels: list[Channel]) -> dict[Topic, set[Channel]] | None:
    """The choices in the form, or None when one names a topic or channel not on offer."""
    allowed = {f"{t.value}:{c.value}": (t, c) for t in CHOOSABLE for c in person_channels}
    chosen: dict[Topic, set[Channel]] = {t: set() for t in CHOOSABLE}
    for value in request.form.getlist("choice"):
        if value not in allowed:
            return None
        topic, channel = allowed[value]
        chosen[topic].add(channel)
    return chosen


@bp.route("/thong-bao", methods=["GET", "POST"])
@login_required
def notice_choices() -> ResponseReturnValue:
    """Choose the channels for each kind of notice (recalls: always every channel)."""
    person_channels = reachable(current_user)
    form = NoticeChoicesForm()
    chosen = {t: set(channels_for(current_user, t)) for t in CHOOSABLE}
    status = 200
    if form.validate_on_submit():
        submitted = _submitted(person_channels)
        if submitted is None:
            flash(_("That choice is not available. Nothing was changed."), "error")
            status = 422
        else:
            for topic in CHOOSABLE:
                if topic != Topic.RECALLS:
                    set_channels(current_user, topic, submitted[topic])
            db.session.commit()
            flash(_("Your notice choices are saved."), "success")
            return redirect(url_for("accounts.notice_choices"))
    elif form.is_submitted():
        status = 400
    missing = [c for c in offered_channels() if c not in person_channels]
    return render_template(
        "accounts/notices.html",
        form=form,
        rows=_rows(person_channels, chosen),
        channel_names=channel_names(),
        missing=missing,
    ), status
