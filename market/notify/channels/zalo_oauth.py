"""The Zalo OA access token ZNS calls carry: refreshed through Zalo's OAuth when configured.

An OA access token lasts about a day. With the Zalo app's id and secret key and a first refresh
token in the environment, the provider trades the refresh token at
``POST oauth.zaloapp.com/v4/oa/access_token`` (header ``secret_key``, form ``refresh_token``,
``app_id``, ``grant_type=refresh_token``) for a new access token and the *next* refresh token —
each works once — and keeps the pair in ``notify_provider_tokens`` at once, in its own
transaction, so a message that then fails cannot lose it. Without that configuration the token
is ``ZALO_OA_ACCESS_TOKEN`` from the environment.
"""

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from market.dbtypes import utcnow
from market.extensions import db
from market.http_api import ApiRequest, ApiUnavailable, send
from market.notify.channels.base import SendFailed
from market.notify.models import ProviderToken

PROVIDER = "zalo_zns"
# A token this close to its end is refreshed before use.
MARGIN = timedelta(minutes=5)


def can_refresh(config: Mapping[str, Any]) -> bool:
    """True when the app's id and secret and a first refresh token are configured."""
    return bool(
        config["ZALO_APP_ID"] and config["ZALO_APP_SECRET"] and config["ZALO_OA_REFRESH_TOKEN"]
    )


def _stored(connection: sa.Connection, lock: bool = False) -> sa.Row | None:
    query = sa.select(
        ProviderToken.access_token, ProviderToken.refresh_token, ProviderToken.expires_at
    ).where(ProviderToken.provider == PROVIDER)
    if lock and connection.dialect.name == "postgresql":
        query = query.with_for_update()
    return connection.execute(query).first()


def current_token(config: Mapping[str, Any]) -> str:
    """The access token to send with: the stored one while fresh, else a refreshed one."""
    if not can_refresh(config):
        return config["ZALO_OA_ACCESS_TOKEN"]
    with db.engine.connect() as connection:
        row = _stored(connection)
    if row is not None and row.expires_at > utcnow() + MARGIN:
        return row.access_token
    return refresh(config, stale=row.access_token if row is not None else None)


def refresh(config: Mapping[str, Any], stale: str | None) -> str:
    """Trade the refresh token for a new pair, kept at once; return the new access token.

    ``stale`` is the token that did not work: if another worker has already replaced it, its
    new token is used instead of spending the refresh token again.
    """
    with db.engine.begin() as connection:
        row = _stored(connection, lock=True)
        if row is not None and row.access_token != stale and row.expires_at > utcnow() + MARGIN:
            return row.access_token
        refresh_token = row.refresh_token if row is not None else config["ZALO_OA_REFRESH_TOKEN"]
        request = ApiRequest(
            "POST",
            config["ZALO_OAUTH_URL"],
            headers={"secret_key": config["ZALO_APP_SECRET"]},
            form={
                "refresh_token": refresh_token,
                "app_id": config["ZALO_APP_ID"],
                "grant_type": "refresh_token",
            },
        )
        try:
            answer = send(request).json()
        except ApiUnavailable as error:
            raise SendFailed(f"Zalo OAuth: {error}") from error
        if not isinstance(answer, dict) or not answer.get("access_token"):
            reason = (
                answer.get("error_name") or answer.get("error") if isinstance(answer, dict) else ""
            )
            raise SendFailed(f"Zalo OAuth ({reason}): the OA token could not be refreshed")
        values = {
            "access_token": answer["access_token"],
            "refresh_token": answer.get("refresh_token") or refresh_token,
            "expires_at": utcnow() + timedelta(seconds=int(answer.get("expires_in") or 3600)),
            "updated_at": utcnow(),
        }
        if row is None:
            connection.execute(sa.insert(ProviderToken).values(provider=PROVIDER, **values))
        else:
            connection.execute(
                sa.update(ProviderToken).where(ProviderToken.provider == PROVIDER).values(**values)
            )
    return values["access_token"]
