"""The provider HTTP client: recorded answers in tests, unreadable answers unavailable."""

import logging

import pytest
from flask import Flask

from market import http_api
from market.http_api import ApiRequest, ApiUnavailable
from tests.recorded_http import RecordedTransport, interaction


def test_a_plugged_transport_answers_and_keeps_what_was_sent(
    app: Flask, recorded_http: RecordedTransport
) -> None:
    recorded_http.add(
        interaction("POST", "https://api.example.vn/fee", answer={"fee": 32000}, body={"w": 500})
    )
    with app.app_context():
        answer = http_api.send(
            ApiRequest("POST", "https://api.example.vn/fee", json={"w": 500, "to": "01"})
        )
    assert answer.status == 200
    assert answer.json() == {"fee": 32000}
    assert [r.json for r in recorded_http.sent_to("/fee")] == [{"w": 500, "to": "01"}]


def test_a_request_nothing_recorded_matches_fails_the_test(
    app: Flask, recorded_http: RecordedTransport
) -> None:
    recorded_http.add(interaction("POST", "https://api.example.vn/fee", body={"w": 500}))
    with app.app_context(), pytest.raises(AssertionError, match="no recorded answer"):
        http_api.send(ApiRequest("POST", "https://api.example.vn/fee", json={"w": 900}))


def test_an_answer_that_is_not_json_is_unavailable(
    app: Flask, recorded_http: RecordedTransport
) -> None:
    recorded_http.add(interaction("GET", "https://api.example.vn/x", 502, text="<html>Bad gateway"))
    with app.app_context():
        answer = http_api.send(ApiRequest("GET", "https://api.example.vn/x"))
    with pytest.raises(ApiUnavailable, match="HTTP 502"):
        answer.json()


def test_an_unreachable_provider_raises_and_the_log_keeps_no_query(
    app: Flask, recorded_http: RecordedTransport, caplog: pytest.LogCaptureFixture
) -> None:
    recorded_http.unreachable = True
    caplog.set_level(logging.INFO, logger="market.http_api")
    with app.app_context(), pytest.raises(ApiUnavailable):
        http_api.send(ApiRequest("GET", "https://sms.example.vn/send?ApiKey=secret&Phone=0912"))
    assert "sms.example.vn/send" in caplog.text
    assert "secret" not in caplog.text and "0912" not in caplog.text


def test_the_real_transport_turns_a_refused_connection_into_unavailable() -> None:
    transport = http_api.RequestsTransport()
    with pytest.raises(ApiUnavailable, match=r"127\.0\.0\.1:9"):
        transport.send(ApiRequest("GET", "http://127.0.0.1:9/", timeout=2))
