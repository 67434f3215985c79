"""What the carrier modules share around one HTTP call: errors, tokens, times and event ids.

Every carrier call goes through ``market.http_api.send``; here its network failures become
``CarrierUnavailable`` with a message for people, a parcel over a carrier's limit is refused
before any call, and a webhook's shared token is compared in constant time.
"""

import hashlib
import hmac
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

from flask_babel import gettext as _

from market.http_api import ApiRequest, ApiResponse, ApiUnavailable, send
from market.i18n import LOCAL_TIMEZONE
from orders.carriers.base import CarrierError, CarrierUnavailable, Parcel, WebhookRefused

logger = logging.getLogger(__name__)
# A checkout page waits for its quotes: a carrier slower than this is left out of it (creating,
# cancelling and labels keep http_api's longer default: the producer is waiting for that one).
QUOTE_TIMEOUT_SECONDS = 3.0
QUERY_HEADER = "x-query-string"  # the webhook URL's query string, added by the view


def call(name: str, request: ApiRequest) -> ApiResponse:
    """Send ``request`` to carrier ``name``; no answer becomes ``CarrierUnavailable``."""
    try:
        return send(request)
    except ApiUnavailable as error:
        raise unavailable(name) from error


def answer_json(name: str, response: ApiResponse) -> Any:
    """The answer's JSON body; an unreadable answer (a proxy's error page) is ``unavailable``."""
    try:
        return response.json()
    except ApiUnavailable as error:
        raise unavailable(name) from error


def unavailable(name: str) -> CarrierUnavailable:
    """The error shown when carrier ``name`` does not answer usefully."""
    return CarrierUnavailable(
        _("%(carrier)s is not answering right now; try again in a few minutes.", carrier=name)
    )


def refused(name: str, said: object) -> CarrierError:
    """The carrier's refusal, with the carrier's own words (they are in Vietnamese)."""
    said = str(said or "").strip() or _("no reason given")
    logger.info("%s refused: %s", name, said)
    return CarrierError(_("%(carrier)s refused: %(reason)s", carrier=name, reason=said))


def check_weight(name: str, max_grams: int, parcel: Parcel) -> None:
    """Refuse a parcel over the carrier's limit before asking the carrier anything."""
    if parcel.weight_grams <= 0:
        raise CarrierError(_("The parcel has no weight; weigh it before asking a carrier."))
    if parcel.weight_grams > max_grams:
        raise CarrierError(
            _(
                "The parcel weighs %(weight)s kg; %(carrier)s carries up to %(limit)s kg.",
                weight=kilograms(parcel.weight_grams),
                carrier=name,
                limit=kilograms(max_grams),
            )
        )


def kilograms(grams: int) -> str:
    """Grams as kilograms for a message: ``1.25``, ``30``."""
    return f"{grams / 1000:g}"


def check_token(expected: str, given: str | None) -> None:
    """Refuse a webhook whose shared token is missing or wrong (constant-time comparison)."""
    if not expected or not given or not hmac.compare_digest(expected.encode(), given.encode()):
        raise WebhookRefused("bad or missing webhook token")


def given_token(headers: Mapping[str, str], header: str = "", query: str = "") -> str | None:
    """The shared token a webhook call carries in header ``header`` or URL parameter ``query``.

    The webhook view passes ``webhook_headers(request)``: the headers plus the URL's query
    string as ``x-query-string``, since carriers that sign nothing put our token in the URL.
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    if header and lowered.get(header.lower()):
        return lowered[header.lower()]
    if query:
        values = parse_qs(lowered.get(QUERY_HEADER, "")).get(query)
        return values[0] if values else None
    return None


def event_id(*parts: object) -> str:
    """A stable id for a carrier event that has none: a hash of what identifies it."""
    return hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()[:32]


def naive_utc(moment: datetime) -> datetime:
    """A carrier's time as naive UTC; a time without zone is Vietnam's (UTC+7)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_TIMEZONE)
    return moment.astimezone(UTC).replace(tzinfo=None)
