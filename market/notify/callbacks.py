"""Providers' delivery reports: eSMS calls ``/webhooks/notify/esms/<message>/<signature>``.

The signature in the address is checked first (``esms.callback_signature``): nothing of the
query is read before. The report must name the SMS id eSMS gave that message; a report for
another one, or one still on its way, is answered OK and ignored, so eSMS stops calling.
"""

import hmac

from flask import Blueprint, abort, current_app, request
from flask.typing import ResponseReturnValue

from market.extensions import db
from market.notify import sending
from market.notify.channels import esms

bp = Blueprint("notify_callbacks", __name__, url_prefix="/webhooks/notify")


@bp.get("/esms/<int:message_id>/<signature>")
def esms_status(message_id: int, signature: str) -> ResponseReturnValue:
    """Record the delivery status eSMS reports for one SMS."""
    expected = esms.callback_signature(message_id)
    if not current_app.config["ESMS_CALLBACKS"] or not hmac.compare_digest(
        signature.encode(), expected.encode()
    ):
        abort(404)
    report = esms.parse_callback(request.args)
    if report is not None:
        sending.record_delivery(esms.EsmsProvider.code, message_id, report)
        db.session.commit()
    return "OK", 200, {"Content-Type": "text/plain; charset=utf-8"}
