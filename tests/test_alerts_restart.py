"""A dispatcher process killed in the middle of a send loses nothing and, once restarted,
sends every alert exactly once (real subprocesses, a real local HTTP server for Slack)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from crawler.alerts import outbox_counts
from crawler.alerts.dispatch import claim_lease
from crawler.storage import Store
from tests.alerts_fixtures import HttpSink, add_alerted_incident

REPO = Path(__file__).resolve().parent.parent
SLACK_TIMEOUT_S = 60
# The dispatcher as the daemon runs it; argv: config path, seconds to add to the clock (to
# play a restart after the dead process's claim has expired without waiting for it).
DISPATCHER = """
import sys
from datetime import datetime, timedelta, timezone
from crawler.alerts import dispatch_due
from crawler.config import load_config
from crawler.storage import Store

config = load_config(sys.argv[1])
now = datetime.now(timezone.utc) + timedelta(seconds=float(sys.argv[2]))
with Store(config.database) as store:
    summary = dispatch_due(store, config, now)
print(summary.sent)
"""


def run_dispatcher(config: Path, clock_offset_s: float = 0) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", DISPATCHER, str(config), str(clock_offset_s)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen) -> int:
    out, _ = process.communicate(timeout=60)
    assert process.returncode == 0
    return int(out.strip())


@pytest.fixture
def sink():
    sink = HttpSink()
    yield sink
    sink.close()


def test_a_killed_dispatcher_loses_nothing_and_sends_nothing_twice(tmp_path, sink):
    config = tmp_path / "config.yaml"
    config.write_text(
        f"""
database: {tmp_path / "wirewatch.db"}
alerts:
  channels:
    - {{name: slack, type: slack, webhook_url: "{sink.url}", timeout: {SLACK_TIMEOUT_S}s}}
"""
    )
    with Store(tmp_path / "wirewatch.db") as store:
        now = datetime.now(timezone.utc)
        for ordinal in (20, 21, 22):
            add_alerted_incident(store, now, ("slack",), ordinal=ordinal, reported=ordinal)

    sink.script.append("hang")
    first = run_dispatcher(config)
    assert sink.hanging.wait(30), "the dispatcher never called Slack"
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=30)
    sink.release.set()

    # Restarted at once: the other alerts go, the one whose send was cut off stays claimed.
    assert finish(run_dispatcher(config)) == 2
    # Restarted after the dead process's claim expired: that alert goes too, once.
    lease_s = claim_lease(SLACK_TIMEOUT_S).total_seconds()
    assert finish(run_dispatcher(config, clock_offset_s=lease_s + 1)) == 1
    assert finish(run_dispatcher(config, clock_offset_s=lease_s * 10)) == 0

    headers = [r["body"]["blocks"][0]["text"]["text"].split()[0] for r in sink.received]
    assert headers[0] == "#20"  # the request that hung when the process was killed
    delivered = [b["blocks"][0]["text"]["text"].split()[0] for b in sink.delivered]
    assert sorted(delivered) == ["#20", "#21", "#22"]
    with Store(tmp_path / "wirewatch.db") as store:
        assert outbox_counts(store) == {"pending": 0, "sending": 0, "sent": 3, "failed": 0}
