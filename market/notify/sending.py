"""Recording notices and sending them: one ``Message`` and one ``notify.send`` job per channel.

``notify`` and ``send_code`` write in the caller's transaction, so a notice exists only if the
change behind it commits; the worker sends it (never the request). A provider's temporary
failure is retried with the jobs' backoff; after the last attempt, or at once when the provider
refuses for good, the message is marked failed and shown to managers, who may retry it. An SMS
beyond the person's daily limit is recorded as refused and not sent.
"""

import logging
from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app

from market.accounts.models import User
from market.dbtypes import utcnow
from market.extensions import db
from market.i18n import LOCAL_TIMEZONE
from market.jobs import enqueue, handler, schedule
from market.jobs.models import Job
from market.jobs.runner import current_claim
from market.notify import channels, templates
from market.notify.channels.base import DeliveryReport, Outgoing, SendFailed, SendRefused
from market.notify.models import Channel, Message, MessageStatus, Topic
from market.notify.preferences import address, channels_for
from market.phone import normalize_phone

logger = logging.getLogger(__name__)

SEND_JOB = "notify.send"
ERROR_CHARS = 500


def _local_day_start() -> datetime:
    """Midnight of today in Việt Nam, as naive UTC."""
    midnight = datetime.now(LOCAL_TIMEZONE).replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight.astimezone(UTC).replace(tzinfo=None)


def sms_today(user_id: int | None, phone: str) -> int:
    """SMS recorded today (Việt Nam's day) for this person or this number, refused ones aside."""
    who = Message.recipient == phone
    if user_id is not None:
        who = sa.or_(who, Message.user_id == user_id)
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Message)
        .where(
            Message.channel == Channel.SMS,
            Message.status != MessageStatus.REFUSED,
            Message.created_at >= _local_day_start(),
            who,
        )
    )


def _chosen_channels(
    topic: Topic, user: User | None, phone: str | None, email: str | None, every_channel: bool
) -> list[Channel]:
    if every_channel:
        return [c for c in channels.offered() if address(c, phone, email)]
    if user is not None:
        return channels_for(user, topic)
    if email:
        return [Channel.EMAIL]
    return [Channel.SMS] if phone and channels.provider(Channel.SMS) else []


def _record(message: Message) -> Message | None:
    """Add ``message`` (its job too when queued); None when its key was recorded already."""
    if message.key is None:
        db.session.add(message)
        db.session.flush()
    else:
        try:  # the key's unique index decides, also against a transaction running meanwhile
            with db.session.begin_nested():
                db.session.add(message)
        except sa.exc.IntegrityError:
            return None
    if message.status == MessageStatus.QUEUED:
        enqueue(SEND_JOB, {"message_id": message.id})
    return message


def notify(
    topic: Topic,
    template: str,
    params: dict[str, str],
    *,
    user: User | None = None,
    phone: str | None = None,
    email: str | None = None,
    locale: str | None = None,
    key: str | None = None,
    every_channel: bool = False,
) -> list[Message]:
    """Record one Message per channel the person chose for ``topic`` (every channel they have
    when ``every_channel``, e.g. recalls), in the caller's transaction, each with a job to send
    it. Guests (no user) are reached by the phone/email given. ``key`` makes it idempotent."""
    definition = templates.get(template)
    if user is not None:
        phone = phone or user.phone
        email = email or user.email
        locale = locale or user.locale
    locale = locale or "vi"
    phone = normalize_phone(phone) if phone else None
    wanted = _chosen_channels(topic, user, phone, email, every_channel)
    if Channel.ZALO in wanted and definition.zalo_template is None:
        # No ZNS template for this notice: the same phone hears it by SMS instead.
        wanted.remove(Channel.ZALO)
        if Channel.SMS not in wanted and channels.provider(Channel.SMS) and phone:
            wanted.append(Channel.SMS)
    recorded = []
    for channel in wanted:
        recipient = address(channel, phone, email)
        if recipient is None:
            continue
        message = Message(
            channel=channel,
            topic=topic,
            template=template,
            recipient=recipient,
            user_id=user.id if user is not None else None,
            locale=locale,
            status=MessageStatus.QUEUED,
            content=templates.render(definition, channel, params, locale),
            key=f"{key}:{channel.value}" if key else None,
            attempts=0,
            cost=0,
            created_at=utcnow(),
        )
        limit = current_app.config["SMS_DAILY_LIMIT"]
        if channel == Channel.SMS and sms_today(message.user_id, recipient) >= limit:
            message.status = MessageStatus.REFUSED
            message.error = "daily SMS limit reached"
        if _record(message) is not None:
            recorded.append(message)
    return recorded


def send_code(phone: str, text: str) -> Message:
    """An SMS one-time code, queued in the caller's transaction; its text is never stored or logged
    after sending (store only a hash/nothing), counted against the per-number daily limit."""
    number = normalize_phone(phone)
    if number is None:
        raise ValueError("send_code needs a Vietnamese mobile number")
    message = Message(
        channel=Channel.SMS,
        topic=Topic.ACCOUNT,
        template=templates.CODE,
        recipient=number,
        locale="vi",
        status=MessageStatus.QUEUED,
        content={"text": templates.sms_text(text)},
        attempts=0,
        cost=0,
        created_at=utcnow(),
    )
    if channels.provider(Channel.SMS) is None:
        message.status = MessageStatus.REFUSED
        message.content = None
        message.error = "no SMS gateway is configured"
    _record(message)
    return message


def _outgoing(message: Message) -> Outgoing:
    content = message.content or {}
    return Outgoing(
        recipient=message.recipient,
        reference=str(message.id),
        text=content.get("text") or content.get("body") or "",
        subject=content.get("subject") or "",
        template_id=content.get("template_id"),
        template_data=content.get("data") or {},
        secret=message.template == templates.CODE,
    )


def _last_attempt() -> bool:
    """True unless the job running this send has attempts left."""
    claim = current_claim.get()
    job = db.session.get(Job, claim.job_id) if claim is not None else None
    return job is None or job.attempts >= job.max_attempts


def _give_up(message: Message, error: str) -> None:
    message.status = MessageStatus.FAILED
    message.error = error[:ERROR_CHARS]
    if message.template == templates.CODE:
        message.content = None


@handler(SEND_JOB)
def deliver(payload: dict) -> None:
    """Send one queued message through its channel's provider and record what happened."""
    message = db.session.get(Message, payload["message_id"])
    if message is None or message.status != MessageStatus.QUEUED:
        return
    provider = channels.provider(message.channel)
    if provider is None:
        _give_up(message, "no gateway is configured for this channel")
        return
    message.attempts += 1
    try:
        sent = provider.send(_outgoing(message))
    except SendRefused as error:
        _give_up(message, str(error))
        logger.warning("Message %s refused: %s", message.id, error)
        return
    except SendFailed as error:
        if _last_attempt():
            _give_up(message, str(error))
            logger.error("Message %s failed for good: %s", message.id, error)
            return
        message.error = str(error)[:ERROR_CHARS]
        db.session.commit()  # keep the attempt and its error; the job is retried later
        raise
    message.status = MessageStatus.SENT
    message.provider = provider.code
    message.provider_message_id = sent.provider_message_id
    message.cost = sent.cost if sent.cost is not None else _configured_cost(provider.code)
    message.error = None
    message.sent_at = utcnow()
    if message.template == templates.CODE:
        message.content = None


def _configured_cost(provider_code: str) -> int:
    """The configured price of one message through this provider, in đồng."""
    return current_app.config["NOTIFY_COSTS"].get(provider_code, 0)


def retry(message_id: int) -> bool:
    """Queue a failed message again (a new job); False if it is not failed or has no text."""
    message = db.session.get(Message, message_id)
    if message is None or message.status != MessageStatus.FAILED or message.content is None:
        return False
    message.status = MessageStatus.QUEUED
    message.error = None
    enqueue(SEND_JOB, {"message_id": message.id})
    return True


def record_delivery(provider_code: str, message_id: int, report: DeliveryReport) -> Message | None:
    """Apply a provider's delivery report to the message it sent; None if it does not match."""
    message = db.session.scalar(
        sa.select(Message).where(
            Message.id == message_id,
            Message.provider == provider_code,
            Message.provider_message_id == report.provider_message_id,
        )
    )
    if message is None or message.status not in (MessageStatus.SENT, MessageStatus.DELIVERED):
        logger.info("Delivery report for no sent message (%s)", provider_code)
        return None
    message.status = MessageStatus.DELIVERED if report.delivered else MessageStatus.FAILED
    message.error = report.error
    if report.cost is not None:
        message.cost = report.cost
    return message


@handler("notify.forget_texts")
def forget_texts(_payload: dict) -> None:
    """Wipe the texts of messages older than ``NOTIFY_KEEP_TEXT_DAYS``; counts and cost stay."""
    before = utcnow() - timedelta(days=current_app.config["NOTIFY_KEEP_TEXT_DAYS"])
    db.session.execute(
        sa.update(Message)
        .where(Message.created_at < before, Message.content.is_not(None))
        .values(content=None)
    )


schedule.every("notify-forget-texts", "notify.forget_texts", schedule.DailyAt(time(3, 45)))
