"""Notify's test fixtures: notice templates, running retries (eSMS, Zalo: tests/conftest.py)."""

from collections.abc import Callable
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_babel import lazy_gettext as _l

from market.dbtypes import utcnow
from market.extensions import db
from market.jobs import runner
from market.jobs.models import Job, JobState
from market.notify import templates

templates.define(
    "test_order_placed",
    email_subject=_l("Order %(reference)s placed"),
    email_body=_l("Thank you: order %(reference)s is placed."),
    sms=_l("Cho Que: order %(reference)s placed."),
    zalo_template="248791",
    zalo_params=lambda p: {"order_code": p["reference"]},
)
templates.define(
    "test_news",
    email_subject=_l("Market news"),
    email_body=_l("%(text)s"),
    sms=_l("%(text)s"),
)


@pytest.fixture
def run_retries(app: Flask) -> Callable[[], int]:
    """Make every job waiting for its retry due now and run it; return how many ran."""

    def run() -> int:
        with app.app_context():
            db.session.execute(
                sa.update(Job)
                .where(Job.state == JobState.QUEUED)
                .values(run_after=utcnow() - timedelta(seconds=1))
            )
            db.session.commit()
            ids = db.session.scalars(sa.select(Job.id).where(Job.state == JobState.QUEUED)).all()
        for job_id in ids:
            with app.app_context():
                runner.run_now(job_id)
        return len(ids)

    return run
