"""The daemon as users run it: a real `wirewatch run` subprocess against the local feed server,
alerting a local Slack-like sink. Started and stopped with SIGTERM (exit 0); killed with SIGKILL
in the middle of a poll and restarted (nothing lost, nothing duplicated); a hanging feed does not
hold back the other feeds' alerts; SIGHUP with a bad config keeps the running one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import yaml

from crawler.demo.feedserver import FeedServer
from crawler.demo.sinks import SlackSink
from crawler.storage import Store

ROOT = Path(__file__).resolve().parents[1]
# Generous bounds on waiting for the daemon: they only stop a broken run from hanging the suite.
SETTLE_TIMEOUT_S = 90
QUIET_FOR_S = 6  # nothing new for this long = the daemon has caught up

pytestmark = pytest.mark.slow


def write_config(tmp_path: Path, server: FeedServer, slack: SlackSink, **fetch) -> Path:
    config = {
        "database": "w.db",
        "fetch": {
            "contact": "tests@localhost",
            "default_interval": "2s",
            "timeout": "5s",
            "batch_timeout": "60s",
            **fetch,
        },
        "feeds": [d.config_entry() for d in server.feed_definitions()],
        "counters": [
            {
                "name": "us-interests-iraq",
                "since": "2019-10-28",
                "start": 18,
                "filter": {"us_interest": True},
            }
        ],
        "alerts": {
            "retry_base": "1s",
            "channels": [
                {"name": "slack", "type": "slack", "webhook_url": slack.url, "timeout": "5s"}
            ],
        },
        "daemon": {"heartbeat": "1s", "jitter": "0s", "shutdown_grace": "10s"},
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def start_daemon(config: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "--config", str(config), "run"],
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def snapshot(db: Path) -> tuple[int, int, int]:
    with Store(db) as store:
        counts = store.table_counts()
        sent = store.alert_counts().get("sent", 0)
    return counts["articles"], counts["incidents"], sent


def wait_until_settled(db: Path, proc: subprocess.Popen) -> tuple[int, int, int]:
    """Wait until articles, incidents and sent alerts stop changing (and something happened)."""
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    last, since = None, time.monotonic()
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read()[-3000:]
        current = snapshot(db) if db.exists() else None
        if current != last:
            last, since = current, time.monotonic()
        elif current and current[1] > 0 and time.monotonic() - since > QUIET_FOR_S:
            return current
        time.sleep(0.5)
    pytest.fail(f"the daemon did not settle: {last}")


def stop(proc: subprocess.Popen) -> int:
    proc.send_signal(signal.SIGTERM)
    return proc.wait(timeout=30)


def sent_keys(db: Path) -> list[str]:
    with Store(db) as store:
        return [r["key"] for r in store.query("SELECT key FROM alerts WHERE state = 'sent'")]


def test_run_alerts_every_incident_once_and_stops_cleanly_on_sigterm(tmp_path):
    with FeedServer(once=True) as server, SlackSink() as slack:
        config = write_config(tmp_path, server, slack)
        proc = start_daemon(config)
        try:
            articles, incidents, sent = wait_until_settled(tmp_path / "w.db", proc)
        finally:
            code = stop(proc)
        assert code == 0
        assert articles > 0 and incidents > 0
        assert sent == len(slack.received)  # every alert sent, and delivered once
        with Store(tmp_path / "w.db") as store:
            kinds = Counter(r["kind"] for r in store.query("SELECT kind FROM alerts"))
            assert kinds["new"] == incidents  # one "new" alert per incident (plus updates)
            beat = store.heartbeat()
            assert beat is not None and beat["pid"] == proc.pid
            feeds = {r["name"]: r for r in store.feed_rows()}
            broken = store.query(
                "SELECT error FROM polls WHERE feed = 'broken' ORDER BY id LIMIT 1"
            )[0]
        # Every feed was polled; the broken one's problems were recorded, the rest went on.
        assert all(row["last_poll"] for row in feeds.values())
        assert "malformed" in broken["error"]
        assert all(r["consecutive_errors"] == 0 for n, r in feeds.items() if n != "broken")


def test_sigkill_mid_poll_then_restart_loses_and_repeats_nothing(tmp_path):
    # Reference: an undisturbed run over the same wire.
    with FeedServer(once=True) as server, SlackSink() as slack:
        reference_dir = tmp_path / "reference"
        reference_dir.mkdir()
        proc = start_daemon(write_config(reference_dir, server, slack))
        try:
            reference = wait_until_settled(reference_dir / "w.db", proc)
        finally:
            stop(proc)

    with FeedServer(once=True) as server, SlackSink() as slack:
        config = write_config(tmp_path, server, slack)
        server.set_behaviour("/afp-ar.json", "hang")  # a poll stays in flight
        proc = start_daemon(config)
        db = tmp_path / "w.db"
        deadline = time.monotonic() + SETTLE_TIMEOUT_S
        while not (db.exists() and snapshot(db)[0] > 0) and time.monotonic() < deadline:
            time.sleep(0.2)
        os.killpg(proc.pid, signal.SIGKILL)  # the daemon and its poll child, mid-poll
        proc.wait()
        server.set_behaviour("/afp-ar.json", "ok")

        proc = start_daemon(config)
        try:
            after = wait_until_settled(db, proc)
        finally:
            assert stop(proc) == 0
        # The same articles and incidents as undisturbed: nothing lost, nothing counted twice.
        assert after[:2] == reference[:2]
        keys = sent_keys(db)
        assert len(keys) == len(set(keys))
        assert len(slack.received) == after[2]  # each sent alert delivered exactly once


def test_a_hanging_feed_does_not_hold_back_the_other_feeds_alerts(tmp_path):
    with FeedServer(once=True) as server, SlackSink() as slack:
        config = write_config(tmp_path, server, slack, timeout="60s")
        server.set_behaviour("/afp-fr.xml", "hang")
        proc = start_daemon(config)
        try:
            deadline = time.monotonic() + SETTLE_TIMEOUT_S
            while not slack.received and time.monotonic() < deadline:
                assert proc.poll() is None
                time.sleep(0.2)
            assert slack.received, "no alert arrived"
            with Store(tmp_path / "w.db") as store:
                hung = store.query("SELECT count(*) AS n FROM polls WHERE feed = 'afp-fr'")
            assert hung[0]["n"] == 0  # alerts came while the hanging poll was still open
        finally:
            server.set_behaviour("/afp-fr.xml", "ok")
            assert stop(proc) == 0


def test_sighup_with_a_bad_config_keeps_the_running_one(tmp_path):
    with FeedServer(once=True) as server, SlackSink() as slack:
        config = write_config(tmp_path, server, slack)
        proc = start_daemon(config)
        try:
            wait_until_settled(tmp_path / "w.db", proc)
            good = config.read_text()
            config.write_text(good.replace("default_interval: 2s", "default_interval: often"))
            proc.send_signal(signal.SIGHUP)
            time.sleep(2)
            assert proc.poll() is None  # still running on the old config
        finally:
            code = stop(proc)
        assert code == 0
        assert "config reload refused" in proc.stderr.read()
