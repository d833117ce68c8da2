"""When a scheduled job polls its feed: a regular poll's next time, set by its child a few
seconds after the job fired, does not hold back the next job; a backoff or a server's wait
does. (The slow end-to-end tests of the daemon are in test_daemon.py.)"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from crawler.config import config_from_dict
from crawler.daemon import Daemon, sync_store_with_config
from crawler.due import due_feeds, poll_lag_tolerance
from crawler.storage import Store

NOW = datetime(2020, 2, 16, 1, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "interval_s, tolerance_s", [(10, 5.0), (60, 15.0), (600, 15.0), (1, 1.0), (0.5, 1.0)]
)
def test_tolerance_is_half_the_interval_within_bounds(interval_s, tolerance_s):
    assert poll_lag_tolerance(timedelta(seconds=interval_s)) == timedelta(seconds=tolerance_s)


@pytest.mark.parametrize(
    "next_poll, polls",
    [
        (None, True),
        (NOW + timedelta(seconds=3.5), True),  # the last child stored its poll 3.5 s late
        (NOW + timedelta(seconds=10), False),  # backoff: one interval more
        (NOW + timedelta(seconds=20), False),
    ],
)
def test_a_job_polls_unless_its_feed_is_held_back(tmp_path, next_poll, polls):
    config = config_from_dict(
        {"database": "w.db", "feeds": [{"name": "f", "url": "https://f.test/", "interval": "10s"}]},
        base_dir=tmp_path,
    )
    with Store(config.database) as store:
        sync_store_with_config(store, config)
        store.db.execute("UPDATE feeds SET next_poll = ?", [next_poll and next_poll.isoformat()])
        daemon = Daemon(tmp_path / "config.yaml", config, config.database, clock=lambda: NOW)
        assert daemon._may_poll(store, "f", NOW) is polls


def test_a_cron_run_at_the_feeds_interval_polls_it_every_time(tmp_path):
    """`wirewatch poll` from cron every 15 minutes: the last poll stored its next time a few
    seconds after that run started, so the feed is due at the next run, not one later; a
    feed held back by a backoff is not."""
    config = config_from_dict(
        {
            "database": "w.db",
            "feeds": [
                {"name": "regular", "url": "https://a.test/", "interval": "15m"},
                {"name": "backed-off", "url": "https://b.test/", "interval": "15m"},
                {"name": "new", "url": "https://c.test/", "interval": "15m"},
                {"name": "off", "url": "https://d.test/", "interval": "15m", "enabled": False},
            ],
        },
        base_dir=tmp_path,
    )
    with Store(config.database) as store:
        sync_store_with_config(store, config)
        late = (NOW + timedelta(seconds=4)).isoformat()
        held = (NOW + timedelta(minutes=15)).isoformat()
        store.db.execute("UPDATE feeds SET next_poll = ? WHERE name = 'regular'", [late])
        store.db.execute("UPDATE feeds SET next_poll = ? WHERE name = 'backed-off'", [held])
        assert due_feeds(config, store, NOW) == ["new", "regular"]
