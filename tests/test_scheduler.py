"""Feed scheduling: cron parsing, first runs from stored next-poll times, job errors survived."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest

from crawler.scheduler import FeedScheduler, next_cron_time, parse_cron


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        ("*/10 * * * *", "2020-02-16T00:05:00", "2020-02-16T00:10:00"),
        ("0 * * * *", "2020-02-16T00:00:00", "2020-02-16T01:00:00"),
        # Weekdays as in a crontab: Monday = 1, Sunday = 0 or 7 (2020-02-16 was a Sunday).
        ("30 6 * * 1", "2020-02-16T00:00:00", "2020-02-17T06:30:00"),
        ("30 6 * * 0", "2020-02-15T00:00:00", "2020-02-16T06:30:00"),
        ("30 6 * * 7", "2020-02-15T00:00:00", "2020-02-16T06:30:00"),
        ("30 6 * * 6", "2020-02-16T00:00:00", "2020-02-22T06:30:00"),
        ("30 6 * * 1-5", "2020-02-15T00:00:00", "2020-02-17T06:30:00"),
        ("30 6 * * */6", "2020-02-16T07:00:00", "2020-02-22T06:30:00"),
        ("30 6 * * mon-fri", "2020-02-15T00:00:00", "2020-02-17T06:30:00"),
    ],
)
def test_next_cron_time(expression, after, expected):
    moment = datetime.fromisoformat(after).replace(tzinfo=timezone.utc)
    assert next_cron_time(expression, moment).isoformat() == expected + "+00:00"


@pytest.mark.parametrize(
    "expression", ["often", "* * *", "61 * * * *", "* * * * * *", "0 0 * * 8", "0 0 * * 5-2"]
)
def test_bad_cron_is_a_value_error_with_a_hint(expression):
    with pytest.raises(ValueError, match="expected a 5-field cron expression"):
        parse_cron(expression)


def test_jobs_fire_at_their_first_run_and_a_failing_job_is_counted_not_fatal():
    fired: list[str] = []
    done = threading.Event()

    def on_due(name: str) -> None:
        if name == "bad":
            raise RuntimeError("boom")
        fired.append(name)
        done.set()

    scheduler = FeedScheduler(on_due, jitter=timedelta(0), misfire_grace=timedelta(seconds=30))
    now = datetime.now(timezone.utc)
    scheduler.start()
    try:
        scheduler.schedule("bad", interval=timedelta(hours=1), cron=None, first_run=now)
        scheduler.schedule(
            "good",
            interval=timedelta(hours=1),
            cron=None,
            first_run=now + timedelta(milliseconds=300),
        )
        scheduler.schedule(
            "later", interval=timedelta(hours=1), cron=None, first_run=now + timedelta(hours=1)
        )
        assert done.wait(10)
        assert fired == ["good"]
        deadline = datetime.now(timezone.utc) + timedelta(seconds=5)
        while scheduler.job_errors == 0 and datetime.now(timezone.utc) < deadline:
            threading.Event().wait(0.05)
        assert scheduler.job_errors == 1
        times = scheduler.next_run_times()
        assert times["later"] >= now + timedelta(minutes=59)
        scheduler.unschedule_all_but({"good"})
        assert set(scheduler.next_run_times()) == {"good"}
    finally:
        scheduler.shutdown()


def test_the_misfire_grace_is_each_feeds_interval_unless_configured():
    scheduler = FeedScheduler(lambda name: None, jitter=timedelta(0))
    first = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
    scheduler.schedule("quarter", interval=timedelta(minutes=15), cron=None, first_run=first)
    scheduler.schedule("hourly", interval=None, cron="0 * * * *", first_run=first)
    fixed = FeedScheduler(lambda name: None, jitter=timedelta(0), misfire_grace=timedelta(5))
    fixed.schedule("quarter", interval=timedelta(minutes=15), cron=None, first_run=first)
    graces = {job.id: job.misfire_grace_time for job in scheduler._scheduler.get_jobs()}
    assert graces == {"quarter": 15 * 60, "hourly": 3600}
    assert fixed._scheduler.get_jobs()[0].misfire_grace_time == 5 * 86400
