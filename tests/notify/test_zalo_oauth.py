"""The OA token is refreshed through Zalo's OAuth and each next refresh token kept at once."""

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from market.accounts.models import User
from market.dbtypes import utcnow
from market.extensions import db
from market.http_api import TRANSPORT_EXTENSION, ApiRequest, ApiResponse
from market.notify import Channel, Message, MessageStatus, Topic, notify, set_channels
from market.notify.models import ProviderToken
from tests.recorded_http import RecordedTransport, load

RECORDED = Path(__file__).parent / "recorded"
OAUTH_URL = "https://oauth.zaloapp.com/v4/oa/access_token"
ZNS_URL = "https://business.openapi.zalo.me/message/template"


class ZaloTransport(RecordedTransport):
    """Zalo as recorded, which also calls a token invalid (-124) once it was replaced."""

    def __init__(self, *recordings: Path) -> None:
        super().__init__([i for path in recordings for i in load(path)])
        self.revoked: set[str] = set()

    def send(self, request: ApiRequest) -> ApiResponse:
        """-124 for a revoked token, else the recorded answer."""
        if request.url == ZNS_URL and request.headers.get("access_token") in self.revoked:
            self.sent.append(request)
            body = b'{"error": -124, "message": "Access token invalid"}'
            return ApiResponse(200, {"content-type": "application/json"}, body)
        return super().send(request)


@pytest.fixture
def zalo_app(app: Flask) -> ZaloTransport:
    """Zalo configured to refresh its token from a first refresh token."""
    app.config.update(
        ZALO_APP_ID="4291763606161179100",
        ZALO_APP_SECRET="app-secret-key",
        ZALO_OA_REFRESH_TOKEN="first-refresh-token",
    )
    transport = ZaloTransport(RECORDED / "zalo_zns.json", RECORDED / "zalo_oauth.json")
    app.extensions[TRANSPORT_EXTENSION] = transport
    return transport


def _send(app: Flask, make_user: Callable[..., User], phone: str = "0912345678") -> Message:
    user = make_user(email=None, phone=phone)
    with app.app_context():
        user = db.session.merge(user)
        set_channels(user, Topic.ORDERS, [Channel.ZALO])
        [message] = notify(Topic.ORDERS, "test_order_placed", {"reference": "Z"}, user=user)
        db.session.commit()
        db.session.refresh(message)
        db.session.expunge(message)
        return message


def _stored(app: Flask) -> tuple[str, str]:
    with app.app_context():
        row = db.session.get(ProviderToken, "zalo_zns")
        return row.access_token, row.refresh_token


def test_the_first_message_refreshes_the_token_and_keeps_the_next_refresh_token(
    app: Flask, zalo_app: ZaloTransport, make_user: Callable[..., User]
) -> None:
    assert _send(app, make_user).status == MessageStatus.SENT
    [oauth] = zalo_app.sent_to(OAUTH_URL)
    assert oauth.headers == {"secret_key": "app-secret-key"}
    assert oauth.form == {
        "refresh_token": "first-refresh-token",
        "app_id": "4291763606161179100",
        "grant_type": "refresh_token",
    }
    assert zalo_app.sent_to(ZNS_URL)[0].headers["access_token"] == "fresh-access-token"
    assert _stored(app) == ("fresh-access-token", "second-refresh-token")
    # The next message uses the kept token: no second refresh.
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.phone == "0912345678"))
        notify(Topic.ORDERS, "test_order_placed", {"reference": "Z2"}, user=user)
        db.session.commit()
    assert [r.headers["access_token"] for r in zalo_app.sent_to(ZNS_URL)] == [
        "fresh-access-token",
        "fresh-access-token",
    ]
    assert len(zalo_app.sent_to(OAUTH_URL)) == 1


def test_a_token_zalo_calls_invalid_is_refreshed_and_the_message_sent_again(
    app: Flask, zalo_app: ZaloTransport, make_user: Callable[..., User]
) -> None:
    with app.app_context():
        db.session.add(
            ProviderToken(
                provider="zalo_zns",
                access_token="revoked-token",
                refresh_token="second-refresh-token",
                expires_at=utcnow() + timedelta(hours=10),
            )
        )
        db.session.commit()
    zalo_app.revoked.add("revoked-token")
    message = _send(app, make_user)
    assert (message.status, message.attempts) == (MessageStatus.SENT, 1)
    assert [r.headers["access_token"] for r in zalo_app.sent_to(ZNS_URL)] == [
        "revoked-token",
        "third-access-token",
    ]
    assert _stored(app) == ("third-access-token", "third-refresh-token")


def test_an_expired_token_is_refreshed_before_use(
    app: Flask, zalo_app: ZaloTransport, make_user: Callable[..., User]
) -> None:
    with app.app_context():
        db.session.add(
            ProviderToken(
                provider="zalo_zns",
                access_token="old-token",
                refresh_token="second-refresh-token",
                expires_at=utcnow() + timedelta(minutes=1),
            )
        )
        db.session.commit()
    assert _send(app, make_user).status == MessageStatus.SENT
    assert [r.headers["access_token"] for r in zalo_app.sent_to(ZNS_URL)] == ["third-access-token"]


def test_a_refused_refresh_keeps_the_message_for_a_retry_and_the_stored_pair(
    app: Flask, zalo_app: ZaloTransport, make_user: Callable[..., User]
) -> None:
    with app.app_context():
        db.session.add(
            ProviderToken(
                provider="zalo_zns",
                access_token="old-token",
                refresh_token="used-refresh-token",
                expires_at=utcnow() - timedelta(hours=1),
            )
        )
        db.session.commit()
    message = _send(app, make_user)
    assert message.status == MessageStatus.QUEUED
    assert "Invalid refresh token" in message.error
    assert zalo_app.sent_to(ZNS_URL) == []
    assert _stored(app) == ("old-token", "used-refresh-token")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ProviderToken)) == 1
