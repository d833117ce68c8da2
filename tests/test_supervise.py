"""Loops that survive passing faults (crawler.supervise) and the status flag of a daemon that
no longer completes polls (crawler.daemon.polls_stalled)."""

from __future__ import annotations

import errno
import json
import sqlite3
from datetime import datetime, timedelta, timezone

from crawler.config import config_from_dict
from crawler.daemon import polls_stalled, shortest_interval
from crawler.errors import StorageError
from crawler.supervise import Backoff, fault_text

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
CONFIG = config_from_dict(
    {
        "feeds": [
            {"name": "fast", "url": "https://a.example/rss", "interval": "5m"},
            {"name": "slow", "url": "https://b.example/rss", "interval": "1h"},
            {"name": "off", "url": "https://c.example/rss", "interval": "1m", "enabled": False},
            {"name": "cron", "url": "https://d.example/rss", "cron": "0 */2 * * *"},
        ]
    }
)


def test_backoff_doubles_up_to_its_cap_and_resets_after_a_success():
    backoff = Backoff(first_s=1, max_s=8)
    assert [backoff.failed() for _ in range(5)] == [1, 2, 4, 8, 8]
    backoff.succeeded()
    assert backoff.failed() == 1


def test_fault_text_speaks_of_the_fault_not_its_class():
    emfile = OSError(errno.EMFILE, "Too many open files")
    assert fault_text(emfile) == "Too many open files"
    assert fault_text(StorageError("database or disk is full: /x.db")) == (
        "database or disk is full: /x.db"
    )
    assert fault_text(sqlite3.OperationalError("database is locked")) == "database is locked"
    assert fault_text(KeyError("feed")) == "KeyError: 'feed'"  # a bug keeps its class name


def test_shortest_interval_counts_enabled_feeds_and_cron_gaps():
    assert shortest_interval(CONFIG, NOW) == timedelta(minutes=5)
    only_cron = config_from_dict({"feeds": [CONFIG.feeds[3].model_dump()]})
    assert shortest_interval(only_cron, NOW) == timedelta(hours=2)
    assert shortest_interval(config_from_dict({}), NOW) is None


def beat(last_poll_ok: datetime | None, started: datetime = NOW - timedelta(days=1)) -> dict:
    state = {"last_poll_ok": last_poll_ok.isoformat() if last_poll_ok else None}
    return {"started": started.isoformat(), "state": json.dumps(state)}


def test_a_daemon_without_a_completed_poll_while_feeds_are_due_is_stalled():
    overdue = lambda moment: ["fast"]  # noqa: E731
    assert polls_stalled(beat(NOW - timedelta(minutes=9)), CONFIG, NOW, overdue) is None
    assert polls_stalled(beat(NOW - timedelta(minutes=11)), CONFIG, NOW, overdue) == timedelta(
        minutes=11
    )
    # Never a completed poll: counted from the daemon's start.
    started = NOW - timedelta(minutes=30)
    assert polls_stalled(beat(None, started), CONFIG, NOW, overdue) == timedelta(minutes=30)


def test_feeds_all_waiting_out_a_backoff_are_not_a_stalled_daemon():
    nothing_due = lambda moment: []  # noqa: E731
    assert polls_stalled(beat(NOW - timedelta(hours=5)), CONFIG, NOW, nothing_due) is None


def test_a_feed_fed_only_by_push_has_no_interval_to_keep():
    push_only = config_from_dict({"feeds": [{"name": "wire", "push_token": "t"}]})
    assert shortest_interval(push_only, NOW) is None
