"""Mail is recorded in the request's transaction and sent by the worker, never in the request."""

from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from market.accounts.models import User
from market.extensions import db
from market.jobs.models import Job, JobState
from market.jobs.worker import Worker


def test_a_reset_mail_waits_for_the_worker_and_is_sent_once(
    app: Flask, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user(email="an@example.vn")
    client.post("/tai-khoan/quen-mat-khau", data={"login": "an@example.vn"})
    assert app.extensions.get("mail_outbox", []) == []
    with app.app_context():
        [job] = db.session.scalars(sa.select(Job)).all()
        assert (job.kind, job.state, job.payload["to"]) == (
            "mail.send",
            JobState.QUEUED,
            "an@example.vn",
        )
        Worker(app).run(burst=True)  # also records and runs the schedule's due jobs
        db.session.refresh(job)
        assert job.state is JobState.DONE
        assert Worker(app).run(burst=True) == 0
    [message] = app.extensions["mail_outbox"]
    assert message["To"] == "an@example.vn"
