"""Recorded provider answers for ``market.http_api``: no test reaches the network.

A recording is a JSON file of interactions, each a request to match (method, URL without its
query, optionally query parameters and JSON body keys that must be equal) and the answer the
provider gave (status, headers, a JSON body or a text body). ``RecordedTransport`` answers
each request from the first interaction that matches and keeps what was sent, so a test can
assert on it; a request nothing matches fails the test. ``latency`` makes every answer take
that long (benchmarks); ``unreachable`` makes the provider time out.
"""

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from market.http_api import ApiRequest, ApiResponse, ApiUnavailable


@dataclass(frozen=True)
class Interaction:
    """One recorded request with the answer it got."""

    method: str
    url: str
    answer: ApiResponse
    query: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=dict)

    def matches(self, request: ApiRequest) -> bool:
        """The request is this one: method, URL, and every recorded parameter and body key."""
        parts = urlsplit(request.url)
        if request.method.upper() != self.method or parts._replace(query="").geturl() != self.url:
            return False
        query = dict(parse_qsl(parts.query))
        if any(query.get(k) != v for k, v in self.query.items()):
            return False
        sent = request.json if isinstance(request.json, dict) else (request.form or {})
        return all(sent.get(k) == v for k, v in self.body.items())


def interaction(
    method: str,
    url: str,
    status: int = 200,
    answer: Any = None,
    *,
    text: str | None = None,
    headers: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    body: dict[str, Any] | None = None,
) -> Interaction:
    """An interaction written in a test (a JSON answer, or ``text`` for anything else)."""
    content = text.encode() if text is not None else json.dumps(answer).encode()
    kind = "text/plain" if text is not None else "application/json"
    response = ApiResponse(status, {"content-type": kind, **(headers or {})}, content)
    return Interaction(method.upper(), url, response, query or {}, body or {})


def load(path: Path) -> list[Interaction]:
    """The interactions of a recording file."""
    recorded = json.loads(path.read_text(encoding="utf-8"))
    return [
        interaction(
            item["request"]["method"],
            item["request"]["url"],
            item["response"].get("status", 200),
            item["response"].get("json"),
            text=item["response"].get("text"),
            headers=item["response"].get("headers"),
            query=item["request"].get("query"),
            body=item["request"].get("body"),
        )
        for item in recorded
    ]


class RecordedTransport:
    """Answers from recordings; remembers every request it was sent."""

    def __init__(self, interactions: Iterable[Interaction] = (), latency: float = 0.0) -> None:
        self.interactions = list(interactions)
        self.latency = latency
        self.unreachable = False
        self.sent: list[ApiRequest] = []

    def add(self, *interactions: Interaction) -> None:
        """Answer these first (a test's own answers before the recorded ones)."""
        self.interactions[:0] = interactions

    def send(self, request: ApiRequest) -> ApiResponse:
        """The first matching recorded answer; a timeout when ``unreachable``."""
        self.sent.append(request)
        if self.latency:
            time.sleep(self.latency)
        if self.unreachable:
            raise ApiUnavailable(f"timed out calling {urlsplit(request.url).netloc}")
        for recorded in self.interactions:
            if recorded.matches(request):
                return recorded.answer
        raise AssertionError(f"no recorded answer for {request.method} {request.url}")

    def sent_to(self, url_part: str) -> list[ApiRequest]:
        """The requests whose URL contains ``url_part``."""
        return [request for request in self.sent if url_part in request.url]
