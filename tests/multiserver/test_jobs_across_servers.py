"""Background work on several servers (#13.6): jobs enqueued through A and B run exactly once,
a worker killed mid-job leaves its job to another, a web process killed right after its commit
still gets its mail sent. The mail of the invitations under test reaches the site's SMTP sink.
"""

import http.client
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

import pytest
import redis
import sqlalchemy as sa
from flask import Flask

from catalog.workspace.models import Invitation
from market.accounts.models import User
from market.extensions import db
from market.jobs.models import Job, JobState
from tests import factories
from tests.multiserver.conftest import LEASE_SECONDS, Browser, Site
from tests.servers import wait_for

JOBS = 500


@dataclass
class Team:
    """A producer's owner signed in on both servers, with the team page's form token."""

    producer_id: int
    a: Browser
    b: Browser
    token: str

    @property
    def invite_path(self) -> str:
        return f"/ban-hang/{self.producer_id}/nhom/moi"

    def invite(self, server: Browser, login: str) -> int:
        """Post the invitation form on ``server``; return the status."""
        form = {"csrf_token": self.token, "invite-login": login}
        status, _ = server.request("POST", self.invite_path, form, remember=False)
        return status


@pytest.fixture
def team(app: Flask, make_user: Callable[..., User], site: Site, shared_redis: redis.Redis) -> Team:
    owner = make_user(email="chu@example.vn")
    with app.app_context():
        producer_id = factories.producer(name="HTX Chè Shan tuyết", owner=owner).id
        db.session.commit()
    shared_redis.flushdb()  # sign-in attempts of earlier tests
    for worker in site.workers:
        worker.mark()
    a, b = site.browsers()
    assert a.sign_in("chu@example.vn", "correct horse") == 302
    # One session on both servers (they share the secret key that signs it), so one form token.
    b.cookies = dict(a.cookies)
    return Team(producer_id, a, b, a.csrf_token(f"/ban-hang/{producer_id}/nhom"))


def _mail_jobs(app: Flask) -> list[Job]:
    with app.app_context():
        jobs = db.session.scalars(
            sa.select(Job).where(Job.kind == "mail.send").order_by(Job.id)
        ).all()
        db.session.expunge_all()
        return list(jobs)


def _mail_job_to(app: Flask, recipient: str) -> Job:
    (job,) = [job for job in _mail_jobs(app) if job.payload["to"] == recipient]
    return job


def test_jobs_enqueued_across_both_servers_each_run_exactly_once_with_two_workers(
    app: Flask, site: Site, team: Team
) -> None:
    logins = [f"nguoi{n}@example.vn" for n in range(JOBS)]

    def invite(n: int) -> int:
        return team.invite(team.a if n % 2 == 0 else team.b, logins[n])

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(invite, range(JOBS)))
    assert statuses == [302] * JOBS

    wait_for(
        lambda: all(job.state is JobState.DONE for job in _mail_jobs(app)),
        seconds=300,
        what="every mail job done",
    )
    jobs = _mail_jobs(app)
    assert sorted(job.payload["to"] for job in jobs) == sorted(logins)
    assert [job.attempts for job in jobs] == [1] * JOBS
    # Every message reached the SMTP server exactly once: no job ran on both workers.
    assert {login: site.sink.count(login) for login in logins} == dict.fromkeys(logins, 1)
    assert sum(site.sink.arrivals[login] for login in logins) == JOBS
    # Both workers took part, each claiming from the one queue.
    shares = [
        sum(worker.logged(f"Job {job.id} (mail.send) done") for job in jobs)
        for worker in site.workers
    ]
    assert sum(shares) == JOBS and min(shares) > 0, shares


def test_a_worker_killed_mid_job_leaves_the_job_to_the_other_worker_which_completes_it_once(
    app: Flask, site: Site, team: Team
) -> None:
    arrived = site.sink.hold("cham@example.vn")
    assert team.invite(team.b, "cham@example.vn") == 302
    assert arrived.wait(60), "no worker began sending the mail"
    job = _mail_job_to(app, "cham@example.vn")
    assert (job.state, job.attempts) == (JobState.RUNNING, 1)
    (holder,) = [
        w for w in site.workers if w.logged(f"Job {job.id} (mail.send) started, attempt 1")
    ]
    (other,) = [w for w in site.workers if w is not holder]

    # The job outlives its first lease while the other worker polls: the holder's heartbeat
    # renews the lease, so nobody takes the job over from a live worker.
    first_until = job.locked_until
    wait_for(
        lambda: (
            _mail_job_to(app, "cham@example.vn").locked_until
            > first_until + timedelta(seconds=LEASE_SECONDS + 1)
        ),
        what="the lease renewed past its first expiry",
    )
    assert site.sink.arrivals["cham@example.vn"] == 1
    assert _mail_job_to(app, "cham@example.vn").attempts == 1

    site.kill_worker(holder)
    wait_for(
        lambda: _mail_job_to(app, "cham@example.vn").state is JobState.DONE,
        what="the other worker to complete the job",
    )
    job = _mail_job_to(app, "cham@example.vn")
    assert job.attempts == 2
    assert other.logged(f"Job {job.id} (mail.send) done")
    assert site.sink.count("cham@example.vn") == 1
    holder.start()  # the site as it was, for the next test


def test_a_web_process_killed_right_after_its_commit_still_gets_its_mail_sent_once(
    app: Flask, site: Site, team: Team
) -> None:
    site.kill_after_commit(team.invite_path)
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        team.invite(team.a, "moi@example.vn")  # server A dies before it can answer
    with app.app_context():
        invited = sa.select(Invitation.id).where(Invitation.login == "moi@example.vn")
        assert db.session.scalar(invited) is not None  # the change committed

    wait_for(lambda: site.sink.count("moi@example.vn") == 1, what="the invitation's mail")
    wait_for(lambda: _mail_job_to(app, "moi@example.vn").state is JobState.DONE)
    assert _mail_job_to(app, "moi@example.vn").attempts == 1
    assert site.sink.count("moi@example.vn") == 1
    site.wait_until_healthy()  # gunicorn replaced its killed worker process
    status, _ = team.a.request("GET", f"/ban-hang/{team.producer_id}/nhom")
    assert status == 200
