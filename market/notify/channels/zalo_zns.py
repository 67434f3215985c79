"""Zalo ZNS template messages from the marketplace's Official Account.

One call per message to ``POST https://business.openapi.zalo.me/message/template`` with the OA's
access token in the ``access_token`` header and a JSON body: the phone in ``84xxxxxxxxx`` form,
the approved ``template_id``, the template's ``template_data`` and our message id as
``tracking_id``. Zalo answers ``error`` 0 with ``data.msg_id`` when it took the message, and a
negative ``error`` code otherwise. The access token comes from ``zalo_oauth``: refreshed through
Zalo's OAuth when the app is configured (and once more when Zalo calls it invalid, −124), else
``ZALO_OA_ACCESS_TOKEN`` from the environment. The answer carries no price, so the cost comes
from the configuration.
"""

from collections.abc import Mapping
from typing import Any

from market.http_api import ApiRequest, ApiUnavailable, send
from market.notify.channels import zalo_oauth
from market.notify.channels.base import Outgoing, SendFailed, SendRefused, Sent
from market.notify.models import Channel

# Codes where this person will never get this message through Zalo.
REFUSED = {
    -108: "Zalo says the phone number is not valid",
    -118: "no Zalo account uses this phone number",
    -131: "the ZNS template is not approved",
    -132: "the ZNS template does not exist",
}
# Account problems a manager must fix; the message is tried again, then shown as failed.
INVALID_TOKEN = -124
ACCOUNT = {
    INVALID_TOKEN: "Zalo refused the OA access token (invalid or expired)",
}


def zalo_phone(phone: str) -> str:
    """``0912345678`` → ``84912345678``, the form ZNS wants."""
    return "84" + phone[1:] if phone.startswith("0") else phone


class ZaloZnsProvider:
    """ZNS through the Official Account's access token."""

    code = "zalo_zns"
    channel = Channel.ZALO

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = config
        self.url = config["ZALO_ZNS_URL"]

    @staticmethod
    def configured(config: Mapping[str, Any]) -> bool:
        """True when the OA's access token is set, or the app can refresh one."""
        return bool(config["ZALO_OA_ACCESS_TOKEN"]) or zalo_oauth.can_refresh(config)

    def send(self, outgoing: Outgoing) -> Sent:
        """Send one template message; error 0 is accepted, the rest is an error."""
        if not outgoing.template_id:
            raise SendRefused("this notice has no ZNS template")
        body = {
            "phone": zalo_phone(outgoing.recipient),
            "template_id": outgoing.template_id,
            "template_data": outgoing.template_data,
            "tracking_id": outgoing.reference,
        }
        token = zalo_oauth.current_token(self.config)
        answer = self._post(token, body)
        if answer.get("error") == INVALID_TOKEN and zalo_oauth.can_refresh(self.config):
            answer = self._post(zalo_oauth.refresh(self.config, stale=token), body)
        code = answer.get("error")
        if code == 0:
            data = answer.get("data") or {}
            return Sent(provider_message_id=str(data.get("msg_id") or "") or None)
        if code in REFUSED:
            raise SendRefused(f"Zalo {code}: {REFUSED[code]}")
        reason = ACCOUNT.get(code) or str(answer.get("message") or "")
        raise SendFailed(f"Zalo {code}: {reason[:200]}")

    def _post(self, token: str, body: dict[str, Any]) -> dict[str, Any]:
        request = ApiRequest(
            "POST",
            self.url,
            headers={"access_token": token, "Content-Type": "application/json"},
            json=body,
        )
        try:
            answer = send(request).json()
        except ApiUnavailable as error:
            raise SendFailed(f"Zalo: {error}") from error
        if not isinstance(answer, dict):
            raise SendFailed("Zalo: unexpected answer")
        return answer
