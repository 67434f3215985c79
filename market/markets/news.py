"""Market news: a manager writes a short item, sees who will hear it and what it costs, sends it.

Who hears it: for the whole province (provincial managers only), every active account; for one
market, "its people": the accounts that ordered from a producer with an active stall at that
market (a pickup at one of its stalls is such an order). That is one query over orders, cheap
and close to "people who buy here"; walk-in buyers at the stalls have no account and are not
reached. Of those, only people whose ``channels_for(user, Topic.NEWS)`` is not empty hear it
(their own choice; without one, e-mail for people with an address and nothing for the others).
Only accounts with an e-mail or a news choice are asked (one preference query each): enough for
a province's accounts; a preview of the province reads them all.

Sending needs the preview's one-time token (a second "Send" of the same preview records
nothing) and records a ``MarketNews`` and one job; the job fans out one ``notify`` per person with
the key ``news:<id>:<user>``, so running it again sends nothing twice, and notify's SMS daily
limit applies as for any notice.
"""

from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from market.accounts.models import User
from market.dbtypes import utcnow
from market.extensions import db
from market.jobs import enqueue, handler
from market.markets.errors import MarketError
from market.markets.models import Market, MarketNews, Stall
from market.notify import Channel, NotificationPreference, Topic, channels_for, notify, templates
from market.urls import public_url
from orders.models import Order, OrderPart

TITLE_MAX = 80
TEXT_MAX = 300
SUBMISSION_MAX = 64
SEND_JOB = "markets.news"
TEMPLATE = "market_news"
# The ZNS template approved for market news on the Official Account (see orders.notice_templates).
ZNS_MARKET_NEWS = "412130"
# What one message costs through each channel, by notify's configured provider prices.
PROVIDER_OF = {Channel.SMS: "esms", Channel.ZALO: "zalo_zns"}

templates.define(
    TEMPLATE,
    email_subject=_l("%(sender)s: %(title)s"),
    email_body=_l(
        "%(title)s\n\n%(text)s\n\n%(sender)s\n\n"
        "You receive market news because you chose to. Change that here:\n%(link)s"
    ),
    sms=_l("%(sender)s: %(title)s"),
    zalo_template=ZNS_MARKET_NEWS,
    zalo_params=lambda p: {"sender": p["sender"], "title": p["title"]},
)


@dataclass(frozen=True)
class Preview:
    """Who would hear a news item: people per channel and the estimated cost (đồng)."""

    people: int
    per_channel: dict[Channel, int]
    cost: int


def _candidates(market_id: int | None) -> sa.Select:
    """Active accounts in the audience who may have chosen news (an e-mail, or a choice)."""
    chose_news = sa.select(NotificationPreference.user_id).where(
        NotificationPreference.topic == Topic.NEWS, NotificationPreference.enabled
    )
    query = sa.select(User).where(
        User.active, sa.or_(User.email.is_not(None), User.id.in_(chose_news))
    )
    if market_id is not None:
        producers = sa.select(Stall.producer_id).where(Stall.market_id == market_id, Stall.active)
        buyers = (
            sa.select(Order.user_id)
            .join(OrderPart, OrderPart.order_id == Order.id)
            .where(Order.user_id.is_not(None), OrderPart.producer_id.in_(producers))
        )
        query = query.where(User.id.in_(buyers))
    return query.order_by(User.id)


def audience(market_id: int | None) -> list[tuple[User, list[Channel]]]:
    """The people who hear news for ``market_id`` (None: the province) and their channels."""
    found = []
    for user in db.session.scalars(_candidates(market_id)):
        chosen = channels_for(user, Topic.NEWS)
        if chosen:
            found.append((user, chosen))
    return found


def preview(market_id: int | None) -> Preview:
    """How many people hear news here, per channel, and what SMS and Zalo would cost."""
    people = audience(market_id)
    per_channel = Counter(channel for _user, chosen in people for channel in chosen)
    costs = current_app.config["NOTIFY_COSTS"]
    cost = sum(n * costs.get(PROVIDER_OF.get(c, ""), 0) for c, n in per_channel.items())
    return Preview(len(people), dict(per_channel), cost)


def clean(title: str, text: str) -> tuple[str, str]:
    """The title on one line and the text trimmed; MarketError when empty or too long."""
    title, text = " ".join(title.split()), text.strip()
    if not title:
        raise MarketError(_l("Write a title."), field="title")
    if len(title) > TITLE_MAX:
        raise MarketError(_l("The title is at most %(n)s characters.", n=TITLE_MAX), field="title")
    if not text:
        raise MarketError(_l("Write the news."), field="text")
    if len(text) > TEXT_MAX:
        raise MarketError(_l("The news is at most %(n)s characters.", n=TEXT_MAX), field="text")
    return title, text


def send(
    market: Market | None, title: str, text: str, sender: User, submission: str
) -> tuple[MarketNews, bool]:
    """Record a news item and queue its fan-out (in the caller's transaction); with the
    ``submission`` token of an item recorded before, that item and False (nothing new)."""
    title, text = clean(title, text)
    if not submission or len(submission) > SUBMISSION_MAX:
        raise MarketError(_l("Check who hears it before sending."))
    found = db.session.scalar(sa.select(MarketNews).where(MarketNews.submission == submission))
    if found is not None:
        return found, False
    market_id = market.id if market is not None else None
    news = MarketNews(
        market_id=market_id,
        title=title,
        text=text,
        submission=submission,
        sender_id=sender.id,
        audience=len(audience(market_id)),
        created_at=utcnow(),
    )
    try:  # the unique token decides, also against a second "Send" running meanwhile
        with db.session.begin_nested():
            db.session.add(news)
    except sa.exc.IntegrityError:
        found = db.session.scalar(sa.select(MarketNews).where(MarketNews.submission == submission))
        return found, False
    enqueue(SEND_JOB, {"news_id": news.id})
    return news, True


def history(market_ids: set[int] | None) -> list[MarketNews]:
    """The latest news items the manager may see (None: every item, the province's too)."""
    query = sa.select(MarketNews).order_by(MarketNews.created_at.desc(), MarketNews.id.desc())
    if market_ids is not None:
        query = query.where(MarketNews.market_id.in_(sorted(market_ids)))
    return list(db.session.scalars(query.limit(50)))


@handler(SEND_JOB)
def fan_out(payload: dict) -> None:
    """Record one notice per person who chose market news; a second run records nothing."""
    news = db.session.get(MarketNews, payload["news_id"])
    if news is None:
        return
    params = {
        "title": news.title,
        "text": news.text,
        "sender": news.market.name if news.market is not None else "Chợ Quê",
        "link": public_url("accounts.notice_choices"),
    }
    recorded = 0
    for user, _chosen in audience(news.market_id):
        key = f"news:{news.id}:{user.id}"
        recorded += len(notify(Topic.NEWS, TEMPLATE, params, user=user, key=key))
    news.messages += recorded
    news.fanned_out_at = utcnow()
