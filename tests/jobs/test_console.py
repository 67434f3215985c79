"""Provincial managers see failed jobs with their error and can retry them (CSRF-protected)."""

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from market.accounts.models import Role, User
from market.extensions import db
from market.jobs import enqueue
from market.jobs.models import Job, JobState
from market.jobs.queue import HANDLERS
from market.jobs.runner import run_now

PAGE = "/quan-ly/cong-viec/"


@pytest.fixture
def failed_job(app: Flask, monkeypatch: pytest.MonkeyPatch) -> int:
    def broken(_payload: dict) -> None:
        raise ValueError("bad <payload>")

    monkeypatch.setitem(HANDLERS, "test.broken", broken)
    with app.app_context():
        job_id = enqueue("test.broken", max_attempts=1)
        db.session.commit()
        run_now(job_id)
    return job_id


def test_a_failed_job_is_listed_with_its_error_and_retried_from_the_console(
    app: Flask,
    client: FlaskClient,
    login_as: Callable[..., User],
    failed_job: int,
    calls: list[dict],
) -> None:
    login_as(Role.ADMIN)
    page = client.get(PAGE).get_data(as_text=True)
    assert "test.broken" in page and "ValueError: bad &lt;payload&gt;" in page
    HANDLERS["test.broken"] = calls.append
    response = client.post(f"{PAGE}{failed_job}/thu-lai")
    assert response.status_code == 302
    with app.app_context():
        job = db.session.get(Job, failed_job)
        assert (job.state, job.attempts) == (JobState.QUEUED, 0)
        assert run_now(failed_job) is JobState.DONE
    assert calls == [{}]
    assert "Chưa có công việc nào thất bại" in client.get(PAGE).get_data(as_text=True)


def test_the_retry_button_needs_a_csrf_token(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], failed_job: int
) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    login_as(Role.ADMIN)
    assert client.post(f"{PAGE}{failed_job}/thu-lai").status_code == 400
    with app.app_context():
        assert db.session.get(Job, failed_job).state is JobState.FAILED


@pytest.mark.parametrize("role", [Role.SHOPPER, Role.HELPER])
def test_only_managers_open_the_jobs_console(
    client: FlaskClient, login_as: Callable[..., User], role: Role
) -> None:
    login_as(role)
    assert client.get(PAGE).status_code == 403
