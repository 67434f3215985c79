"""The notice texts: each template says what e-mail, SMS and Zalo send for one kind of notice.

A feature defines its templates once, at import: ``define("order_placed", email_subject=_l(...),
email_body=_l(...), sms=_l(...), zalo_template="123456", zalo_params=lambda p: {...})``. Texts
are translated msgids with ``%(name)s`` placeholders filled from the notice's params in the
person's language. SMS texts are sent unaccented (the gateway's 160-character alphabet), so they
are folded (đ→d, marks dropped) and cut to 160 characters; keep them short.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import LazyString, force_locale

from market.notify.models import Channel
from market.text import strip_marks

Text = str | LazyString
SMS_MAX_CHARS = 160
CODE = "code"  # the template name recorded for one-time codes (send_code), never defined


@dataclass(frozen=True)
class Template:
    """One kind of notice in every channel."""

    name: str
    email_subject: Text
    email_body: Text
    sms: Text
    zalo_template: str | None = None
    zalo_params: Callable[[Mapping[str, str]], dict[str, Any]] | None = None


TEMPLATES: dict[str, Template] = {}


def define(
    name: str,
    *,
    email_subject: Text,
    email_body: Text,
    sms: Text,
    zalo_template: str | None = None,
    zalo_params: Callable[[Mapping[str, str]], dict[str, Any]] | None = None,
) -> Template:
    """Register the texts of one notice; a name is defined once."""
    if name in TEMPLATES or name == CODE:
        raise ValueError(f"Notice template {name!r} is already defined")
    template = Template(name, email_subject, email_body, sms, zalo_template, zalo_params)
    TEMPLATES[name] = template
    return template


def get(name: str) -> Template:
    """The template called ``name``; KeyError when nobody defined it."""
    return TEMPLATES[name]


def sms_text(text: str) -> str:
    """``text`` as an SMS gateway takes it: unaccented ASCII on one line, at most 160 characters."""
    plain = strip_marks(text, compatibility=True).encode("ascii", "ignore").decode()
    plain = " ".join(plain.split())
    if len(plain) <= SMS_MAX_CHARS:
        return plain
    return plain[: SMS_MAX_CHARS - 3].rstrip() + "..."


def render(
    template: Template, channel: Channel, params: Mapping[str, str], locale: str
) -> dict[str, Any] | None:
    """What ``channel`` sends for this notice in ``locale``; None when it has no such form."""
    with force_locale(locale):
        if channel == Channel.EMAIL:
            return {
                "subject": str(template.email_subject) % params,
                "body": str(template.email_body) % params,
            }
        if channel == Channel.SMS:
            return {"text": sms_text(str(template.sms) % params)}
    if template.zalo_template is None:
        return None
    data = template.zalo_params(params) if template.zalo_params else dict(params)
    return {"template_id": template.zalo_template, "data": data}
