"""Names people read for channels and topics, and the reasons a message failed, in the current
language (pages, the profile)."""

from flask_babel import gettext as _

from market.notify.models import Channel, Topic


def channel_names() -> dict[Channel, str]:
    """Each channel's name."""
    return {Channel.EMAIL: _("E-mail"), Channel.SMS: _("SMS"), Channel.ZALO: _("Zalo")}


def topic_names() -> dict[Topic, str]:
    """Each topic's name, as the profile's choices show it."""
    return {
        Topic.ORDERS: _("Orders"),
        Topic.PAYMENTS: _("Payments"),
        Topic.PICKUPS: _("Pickups"),
        Topic.RECALLS: _("Recalls"),
        Topic.NEWS: _("Market news"),
        Topic.ACCOUNT: _("Account codes"),
    }


def error_reasons() -> dict[str, str]:
    """The reasons notify and its providers record (in English), each in the current language."""
    return {
        "daily SMS limit reached": _("daily SMS limit reached"),
        "no SMS gateway is configured": _("no SMS gateway is configured"),
        "no gateway is configured for this channel": _("no gateway is configured for this channel"),
        "unexpected answer": _("unexpected answer"),
        "the mail server refused the address": _("the mail server refused the address"),
        "this notice has no ZNS template": _("this notice has no ZNS template"),
        "the network did not deliver it": _("the network did not deliver it"),
        "the OA token could not be refreshed": _("the OA token could not be refreshed"),
        # eSMS
        "the number is blocked by eSMS": _("the number is blocked by eSMS"),
        "eSMS says the number is not valid": _("eSMS says the number is not valid"),
        "the number's network is not registered for this brandname": _(
            "the number's network is not registered for this brandname"
        ),
        "eSMS refused the ApiKey or SecretKey": _("eSMS refused the ApiKey or SecretKey"),
        "eSMS has no price list for this account": _("eSMS has no price list for this account"),
        "the eSMS balance is too low": _("the eSMS balance is too low"),
        "the brandname is not registered with eSMS": _("the brandname is not registered with eSMS"),
        "this server's address is not on eSMS's allowed list": _(
            "this server's address is not on eSMS's allowed list"
        ),
        "the text does not match a registered customer-care template": _(
            "the text does not match a registered customer-care template"
        ),
        # Zalo
        "Zalo says the phone number is not valid": _("Zalo says the phone number is not valid"),
        "no Zalo account uses this phone number": _("no Zalo account uses this phone number"),
        "the ZNS template is not approved": _("the ZNS template is not approved"),
        "the ZNS template does not exist": _("the ZNS template does not exist"),
        "Zalo refused the OA access token (invalid or expired)": _(
            "Zalo refused the OA access token (invalid or expired)"
        ),
    }


def error_text(error: str | None) -> str:
    """A recorded error for people: its provider and code as recorded, the reason translated."""
    source, separator, reason = (error or "").rpartition(": ")
    reason = error_reasons().get(reason, reason)
    return f"{source}{separator}{reason}"
