"""A full disk under the database, on a real small file system (a tmpfs mounted for the test):
`wirewatch poll` says so in one line and exits non-zero, the daemon keeps running and retries,
and both carry on once space is freed, with nothing half-stored.

Mounting needs root (or CAP_SYS_ADMIN); elsewhere these tests are skipped, saying why.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from crawler.demo.feedserver import FeedServer
from crawler.demo.sample import load_sample
from crawler.demo.sinks import SlackSink
from crawler.storage import Store
from tests.test_daemon import ROOT
from tests.test_daemon_faults import daemon_log, poll_count, start_daemon, stop, wait_for

pytestmark = pytest.mark.slow

FILESYSTEM_SIZE = "8m"


@pytest.fixture
def small_filesystem(tmp_path: Path) -> Iterator[Path]:
    """A fresh tmpfs of FILESYSTEM_SIZE mounted in tmp_path, unmounted afterwards."""
    mount_point = tmp_path / "small"
    mount_point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={FILESYSTEM_SIZE}", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(filesystem: Path) -> Path:
    """Write a file until the file system is full; returns it (delete it to free the space)."""
    filler = filesystem / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (1 << 16, 4096, 512, 1):  # down to the last byte
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError as e:
                assert e.errno == errno.ENOSPC
    finally:
        os.close(fd)
    return filler


def write_config(directory: Path, database: Path, server: FeedServer, slack: SlackSink) -> Path:
    config = {
        "database": str(database),
        "fetch": {"contact": "tests@localhost", "default_interval": "2s", "timeout": "5s"},
        "feeds": [d.config_entry() for d in server.feed_definitions(include_broken=False)],
        "alerts": {
            "retry_base": "1s",
            "channels": [{"name": "slack", "type": "slack", "webhook_url": slack.url}],
        },
        "daemon": {"heartbeat": "1s", "jitter": "0s", "shutdown_grace": "10s"},
    }
    path = directory / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def wirewatch(config: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "crawler.cli", "--config", str(config), *args],
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        timeout=180,
    )


def article_count(db: Path) -> int:
    with Store(db) as store:
        return store.table_counts()["articles"]


def test_poll_on_a_full_disk_says_so_in_one_line_and_exits_non_zero(tmp_path, small_filesystem):
    db = small_filesystem / "wirewatch.db"
    with FeedServer(once=True) as server, SlackSink() as slack:
        config = write_config(tmp_path, db, server, slack)
        assert wirewatch(config, "init").returncode == 0
        filler = fill(small_filesystem)

        full = wirewatch(config, "poll", "--all")

        assert full.returncode == 1, full.stderr
        assert "Traceback" not in full.stderr
        assert f"database or disk is full: {db}; free space and run again" in full.stderr
        problem_lines = [line for line in full.stderr.splitlines() if "disk is full" in line]
        assert problem_lines[-1] == (
            f"wirewatch: database or disk is full: {db}; free space and run again"
        )
        filler.unlink()
        assert article_count(db) == 0  # nothing half-stored

        again = wirewatch(config, "poll", "--all")
        assert again.returncode == 0, again.stderr
        assert article_count(db) > 0
        assert slack.received  # and the alerts went out


def test_the_daemon_rides_out_a_full_disk_and_carries_on_once_space_is_freed(
    tmp_path, small_filesystem
):
    sample = load_sample().items
    db = small_filesystem / "wirewatch.db"
    with FeedServer(sample[:4], once=True) as server, SlackSink() as slack:
        config = write_config(tmp_path, db, server, slack)
        proc = start_daemon(config)
        try:
            wait_for(lambda: len(slack.received) > 0, proc, "a first alert")
            filler = fill(small_filesystem)
            for item in sample[4:]:
                server.publish(item)
            time.sleep(8)  # polls fail on the full disk: the daemon keeps running
            assert proc.poll() is None
            alerts_during = len(slack.received)
            filler.unlink()
            polls_freed = poll_count(db)
            wait_for(lambda: poll_count(db) > polls_freed + 8, proc, "polls once space is freed")
            wait_for(lambda: len(slack.received) > alerts_during, proc, "alerts after")
        finally:
            code = stop(proc)
        log = daemon_log(config)
        assert code == 0
        assert "Traceback" not in log
        assert f"database or disk is full: {db}" in log
