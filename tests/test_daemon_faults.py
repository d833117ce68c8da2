"""The daemon through faults from outside, as users meet them: a real `wirewatch run` subprocess
against the local feed server and a local Slack-like sink.

- the process runs out of file descriptors for a few seconds: polling resumes afterwards;
- config.yaml is broken and SIGHUP sent: the reload is refused and polls and alerts go on with
  the running configuration.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.demo.feedserver import FeedServer
from crawler.demo.sample import load_sample
from crawler.demo.sinks import SlackSink
from crawler.storage import Store
from tests.test_daemon import ROOT, SETTLE_TIMEOUT_S, write_config

pytestmark = pytest.mark.slow


def start_daemon(config: Path) -> subprocess.Popen:
    """`wirewatch run` logging to daemon.log beside its config (a pipe nobody reads while the
    test waits would fill up and block the daemon)."""
    with open(config.parent / "daemon.log", "w") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "crawler.cli", "--config", str(config), "run"],
            env=dict(os.environ, PYTHONPATH=str(ROOT)),
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,
        )


def stop(proc: subprocess.Popen) -> int:
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise


def daemon_log(config: Path) -> str:
    return (config.parent / "daemon.log").read_text()


def wait_for(condition: Callable[[], bool], proc, what: str) -> None:
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"the daemon exited with code {proc.returncode}"
        if condition():
            return
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}")


def heartbeat_state(db: Path) -> dict:
    if not db.exists():
        return {}
    with Store(db) as store:
        beat = store.heartbeat()
    return json.loads(beat["state"]) if beat else {}


def poll_count(db: Path) -> int:
    if not db.exists():
        return 0
    with Store(db) as store:
        return store.query("SELECT count(*) AS n FROM polls")[0]["n"]


@contextmanager
def no_file_descriptor_left(pid: int) -> Iterator[None]:
    """Lower the process's open-file limit to its lowest free descriptor number, so that every
    open, socket, pipe or fork with pipes fails with EMFILE; restore it on exit."""
    soft, hard = resource.prlimit(pid, resource.RLIMIT_NOFILE)
    taken = {int(fd) for fd in os.listdir(f"/proc/{pid}/fd")}
    lowest_free = next(fd for fd in range(len(taken) + 1) if fd not in taken)
    resource.prlimit(pid, resource.RLIMIT_NOFILE, (lowest_free, hard))
    try:
        yield
    finally:
        resource.prlimit(pid, resource.RLIMIT_NOFILE, (soft, hard))


def test_polling_resumes_after_the_daemon_ran_out_of_file_descriptors(tmp_path):
    with FeedServer(once=True) as server, SlackSink() as slack:
        config = write_config(tmp_path, server, slack)
        db = tmp_path / "w.db"
        proc = start_daemon(config)
        try:
            wait_for(lambda: heartbeat_state(db).get("batches", 0) >= 1, proc, "a first batch")
            wait_for(lambda: not heartbeat_state(db).get("running_batches"), proc, "no batch")
            with no_file_descriptor_left(proc.pid):
                time.sleep(5)  # feeds fall due every 2 s: polls are tried and fail
            fault_over = datetime.now(UTC)
            polls_after_fault = poll_count(db)
            # Polling comes back once descriptors are free again: several new polls stored, and
            # the heartbeat (written every second, so it may trail the polls) reports it healthy.
            wait_for(lambda: poll_count(db) >= polls_after_fault + 16, proc, "polls to resume")
            wait_for(
                lambda: heartbeat_state(db).get("poll_failures") == 0, proc, "a healthy heartbeat"
            )
            state = heartbeat_state(db)
        finally:
            code = stop(proc)
        log = daemon_log(config)
        assert code == 0
        assert "poll run failed: Too many open files" in log
        assert "Traceback" not in log
        assert datetime.fromisoformat(state["last_poll_ok"]) > fault_over


def test_a_refused_reload_keeps_polling_and_alerting_with_the_running_config(tmp_path):
    sample = load_sample().items
    first, later = sample[:4], sample[4:]  # the fourth is the first incident
    with FeedServer(first, once=True) as server, SlackSink() as slack:
        config = write_config(tmp_path, server, slack)
        db = tmp_path / "w.db"
        proc = start_daemon(config)
        try:
            wait_for(lambda: len(slack.received) > 0, proc, "a first alert")
            config.write_text(config.read_text().replace("default_interval: 2s", "x: [unclosed"))
            proc.send_signal(signal.SIGHUP)
            time.sleep(1)  # the reload is refused at once; the next polls are due in 2 s
            polls_before, alerts_before = poll_count(db), len(slack.received)
            for item in later:
                server.publish(item)
            wait_for(lambda: len(slack.received) > alerts_before, proc, "alerts after the reload")
            wait_for(lambda: poll_count(db) >= polls_before + 16, proc, "polls after the reload")
            with Store(db) as store:
                failed = store.query(
                    "SELECT count(*) AS n FROM polls WHERE id > ? AND status = 'error'"
                    " AND feed != 'broken'",
                    [polls_before],
                )[0]["n"]
        finally:
            code = stop(proc)
        log = daemon_log(config)
        assert code == 0
        assert "config reload refused" in log
        assert failed == 0
        assert "poll batch exited with code" not in log
