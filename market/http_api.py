"""The one HTTP client every provider module calls (carriers, SMS gateways, Zalo): pluggable.

A provider module builds an ``ApiRequest`` and hands it to ``send``; the transport that carries
it is ``RequestsTransport`` (``requests``, with a timeout) unless the app has another one in
``app.extensions[TRANSPORT_EXTENSION]`` — the tests plug in a transport that answers from
recorded responses, so no test ever reaches the network. Network failures, timeouts and
answers that are not JSON become ``ApiUnavailable``; what the provider answered is left to the
provider module to judge (each API reports its own errors in its own way).
"""

import json
import logging
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit

import requests
from flask import current_app

logger = logging.getLogger(__name__)

TRANSPORT_EXTENSION = "http_api_transport"
DEFAULT_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class ApiRequest:
    """One call to a provider: method, absolute URL, headers and a JSON or form body."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    json: Any = None
    form: dict[str, str] | None = None
    timeout: float = DEFAULT_TIMEOUT_SECONDS


@dataclass(frozen=True)
class ApiResponse:
    """What came back: the status, the headers (lower-case names) and the raw body."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body as JSON; ``ApiUnavailable`` when it is not (a proxy's error page, say)."""
        try:
            return json.loads(self.body)
        except ValueError as error:
            raise ApiUnavailable(f"answer is not JSON (HTTP {self.status})") from error


class ApiUnavailable(Exception):
    """The provider could not be reached, timed out, or answered something unreadable."""


class Transport(Protocol):
    """Carries one request and returns the answer; raises ``ApiUnavailable`` on a network error."""

    def send(self, request: ApiRequest) -> ApiResponse:
        """Send ``request`` and return the provider's answer, whatever its status."""
        ...


class RequestsTransport:
    """The real transport: ``requests`` with one pooled session per process."""

    def __init__(self) -> None:
        self._session = requests.Session()

    def send(self, request: ApiRequest) -> ApiResponse:
        """Send over the network; connection errors and timeouts become ``ApiUnavailable``."""
        try:
            answer = self._session.request(
                request.method,
                request.url,
                headers=request.headers,
                json=request.json,
                data=request.form,
                timeout=request.timeout,
            )
        except requests.RequestException as error:
            where = urlsplit(request.url).netloc
            raise ApiUnavailable(f"{type(error).__name__} calling {where}") from error
        headers = {name.lower(): value for name, value in answer.headers.items()}
        return ApiResponse(answer.status_code, headers, answer.content)


def transport() -> Transport:
    """The app's transport: a plugged-in one (tests) or the real one, made once per app."""
    extensions = current_app.extensions
    if TRANSPORT_EXTENSION not in extensions:
        extensions[TRANSPORT_EXTENSION] = RequestsTransport()
    return extensions[TRANSPORT_EXTENSION]


def send(request: ApiRequest) -> ApiResponse:
    """Send ``request`` through the app's transport and log the outcome.

    The log names the host and path only: a query string or a body may carry a key, a phone
    number or a one-time code.
    """
    parts = urlsplit(request.url)
    where = f"{request.method} {parts.netloc}{parts.path}"
    try:
        response = transport().send(request)
    except ApiUnavailable:
        logger.warning("%s: no answer", where)
        raise
    logger.info("%s: HTTP %s", where, response.status)
    return response
