"""The schedule in code: each slot recorded once across workers, daily times in Vietnam."""

from datetime import datetime, time

import sqlalchemy as sa
from flask import Flask

from market.extensions import db
from market.jobs import schedule
from market.jobs.models import Job
from market.jobs.queue import HANDLERS


def test_each_slot_of_the_schedule_is_recorded_once_whatever_the_number_of_workers(
    app: Flask,
) -> None:
    now = datetime(2026, 12, 7, 8, 30, 20)
    with app.app_context():
        first = schedule.record_due(now, {})
        second = schedule.record_due(now, {})  # another worker, same minute
        assert first == len(schedule.SCHEDULE) and second == 0
        keys = set(db.session.scalars(sa.select(Job.key)))
        assert "schedule:orders-expire:2026-12-07T08:30:00" in keys
        assert schedule.record_due(datetime(2026, 12, 7, 8, 31, 1), {}) >= 1


def test_the_schedule_covers_expiry_ocop_payments_search_and_settlement(app: Flask) -> None:
    entries = {name: (entry.kind, entry.when) for name, entry in schedule.SCHEDULE.items()}
    assert entries["orders-expire"] == ("orders.expire", schedule.Every(60))
    assert entries["ocop-expiry"] == ("catalog.expired_stars", schedule.DailyAt(time(0, 5)))
    assert entries["payments-reprocess"] == ("payments.reprocess", schedule.Every(300))
    assert entries["search-verify"] == ("catalog.search_verify", schedule.DailyAt(time(2, 0)))
    assert entries["payments-settle"] == ("payments.settle", schedule.Every(3600))
    assert "search-outbox" in schedule.POLLERS
    # Every entry's kind has a handler, so a worker can run what the schedule records.
    assert {kind for kind, _when in entries.values()} <= set(HANDLERS)


def test_a_daily_time_is_vietnam_time() -> None:
    daily = schedule.DailyAt(time(0, 5))
    # 17:05 UTC is 00:05 the next day in Vietnam (UTC+7).
    assert daily.slot(datetime(2026, 12, 7, 17, 6)) == datetime(2026, 12, 7, 17, 5)
    assert daily.slot(datetime(2026, 12, 7, 17, 4)) == datetime(2026, 12, 6, 17, 5)
    assert schedule.Every(60).slot(datetime(2026, 12, 7, 8, 30, 59)) == datetime(2026, 12, 7, 8, 30)
