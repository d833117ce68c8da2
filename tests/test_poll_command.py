"""`wirewatch poll` for cron users: one pass over due feeds, then process and alert; a second run
finds nothing due; `--all` polls every feed anyway; a locked database exits 3."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from crawler.demo.feedserver import FeedServer
from crawler.lock import DatabaseLock
from crawler.storage import Store

ROOT = Path(__file__).resolve().parents[1]


def wirewatch(config: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "crawler.cli", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=180,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )


def test_poll_once_then_nothing_due_then_all_and_the_lock(tmp_path):
    with FeedServer(once=True) as server:
        feeds = [d.config_entry() for d in server.feed_definitions(include_broken=False)]
        config = tmp_path / "config.yaml"
        config.write_text(
            yaml.safe_dump(
                {
                    "database": "w.db",
                    "fetch": {
                        "contact": "tests@localhost",
                        "default_interval": "1h",
                        "timeout": "5s",
                    },
                    "feeds": feeds,
                    "alerts": {"channels": [{"name": "console", "type": "console"}]},
                }
            )
        )
        first = wirewatch(config, "poll")
        assert first.returncode == 0, first.stderr
        assert f"feeds polled: {len(feeds)}, errors: 0" in first.stdout
        assert "=== " in first.stdout  # console alerts went out
        with Store(tmp_path / "w.db") as store:
            incidents = store.table_counts()["incidents"]
            sent = store.alert_counts().get("sent", 0)
        assert incidents > 0 and sent > 0

        second = wirewatch(config, "poll")
        assert second.returncode == 0 and "feeds polled: 0" in second.stdout

        forced = wirewatch(config, "poll", "--all")
        assert forced.returncode == 0 and f"feeds polled: {len(feeds)}" in forced.stdout
        assert "articles new: 0" in forced.stdout
        with Store(tmp_path / "w.db") as store:
            assert store.table_counts()["incidents"] == incidents  # nothing counted twice
            assert store.alert_counts().get("sent", 0) == sent  # nothing alerted twice

        with DatabaseLock(tmp_path / "w.db"):
            locked = wirewatch(config, "poll")
        assert locked.returncode == 3
        assert "in use by another wirewatch process" in locked.stderr
