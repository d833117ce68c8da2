"""Pushed wire as users run it: a real `wirewatch run` with the push receiver and a spool
folder, alerting on the console. A NewsML-G2 file dropped while the daemon was down and a
document POSTed to it both alert; a canceled version of an alerted story sends one "withdrawn"
follow-up and nothing new; an embargoed story alerts only once its embargo ends. A feed whose
document names a WebSub hub is subscribed by the daemon, and what the hub delivers alerts."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests
import yaml

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "daemon-test-token"
pytestmark = pytest.mark.slow

G2 = """<?xml version="1.0" encoding="UTF-8"?>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:newsml:agency.test:{key}"
  version="{version}" standard="NewsML-G2" standardversion="2.25" xml:lang="en">
  <itemMeta><itemClass qcode="ninat:text"/><provider qcode="nprov:AGENCY"/>
    <versionCreated>{now}</versionCreated><firstCreated>{now}</firstCreated>
    <pubStatus qcode="stat:{status}"/>{embargo}</itemMeta>
  <contentMeta><headline>Roadside bomb kills two soldiers near {town}</headline>
    <dateline>{upper}, Iraq (Agency) -</dateline></contentMeta>
  <contentSet><inlineXML contenttype="application/xhtml+xml">
    <html xmlns="http://www.w3.org/1999/xhtml"><body>
    <p>A roadside bomb exploded as an Iraqi army patrol passed near {town}, killing two
    soldiers and wounding three, a security official said.</p></body></html>
  </inlineXML></contentSet>
</newsItem>
"""


def item(town: str, *, version=1, status="usable", embargo: datetime | None = None) -> bytes:
    now = datetime.now(timezone.utc).replace(microsecond=0)
    tag = f"<embargoed>{embargo.isoformat()}</embargoed>" if embargo else ""
    return G2.format(
        key=town.lower(), version=version, status=status, embargo=tag, town=town,
        upper=town.upper(), now=now.isoformat(),
    ).encode()  # fmt: skip


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Console:
    """The daemon's stdout, read on a thread: the alert blocks it printed."""

    def __init__(self, stream):
        self.text = ""
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream) -> None:
        for line in stream:
            self.text += line

    def wait_for(self, words: str, timeout_s: float = 30) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if words in self.text:
                return True
            time.sleep(0.1)
        return False


def test_dropped_and_pushed_wire_alerts_withdrawals_do_not_embargoes_wait(tmp_path):
    port = free_port()
    spool = tmp_path / "spool"
    spool.mkdir()
    config = {
        "database": "w.db",
        "fetch": {"contact": "tests@localhost", "timeout": "5s"},
        "feeds": [{"name": "agency", "url": "http://127.0.0.1:9/feed.xml", "interval": "1h",
                   "allow_private": True, "language": "en", "push_token": TOKEN,
                   "spool": str(spool)}],
        "alerts": {"channels": [{"name": "console", "type": "console"}]},
        "daemon": {"heartbeat": "1s", "jitter": "0s", "shutdown_grace": "10s"},
        "push": {"enabled": True, "port": port, "spool_scan": "2s"},
    }  # fmt: skip
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    (spool / "early.xml").write_bytes(item("Fallujah"))  # dropped while the daemon is down
    old = time.time() - 30
    os.utime(spool / "early.xml", (old, old))
    daemon = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "--config", str(path), "run"],
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True,
    )  # fmt: skip
    console = Console(daemon.stdout)
    url = f"http://127.0.0.1:{port}/push/agency"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    try:
        assert console.wait_for("near Fallujah"), console.text
        assert (spool / "done" / "early.xml").exists()
        deadline = time.monotonic() + 30
        while True:  # the receiver listens once the daemon has started
            try:
                answer = requests.post(url, data=item("Samarra"), headers=auth, timeout=5)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline
                time.sleep(0.2)
        assert answer.status_code == 202, answer.text
        assert console.wait_for("near Samarra"), console.text
        alerts = console.text.count("Incident #")
        canceled = item("Samarra", version=2, status="canceled")
        assert requests.post(url, data=canceled, headers=auth, timeout=5).status_code == 202
        # In whole seconds, as a feed's dates are read: the embargo the daemon honours.
        until = (datetime.now(timezone.utc) + timedelta(seconds=6)).replace(microsecond=0)
        embargoed = item("Basra", embargo=until)
        assert requests.post(url, data=embargoed, headers=auth, timeout=5).status_code == 202
        assert console.wait_for("=== WITHDRAWN ")
        assert not console.wait_for("near Basra", timeout_s=4)
        assert console.wait_for("near Basra", timeout_s=20)
        assert datetime.now(timezone.utc) >= until
        time.sleep(2)
        assert console.text.count("Incident #") == alerts + 2  # the withdrawal, then Basra
        assert console.text.count("=== WITHDRAWN ") == 1
    finally:
        daemon.terminate()
        assert daemon.wait(timeout=30) == 0


def test_a_websub_hub_delivery_alerts_through_the_daemon(tmp_path, httpserver):
    from tests.websub_hub import Hub, feed_document

    port = free_port()
    hub = Hub(httpserver).install()
    topic = httpserver.url_for("/feed")
    httpserver.expect_request("/feed").respond_with_data(
        feed_document(hub.url, topic), content_type="application/rss+xml"
    )
    config = {
        "database": "w.db",
        "fetch": {"contact": "tests@localhost", "timeout": "5s"},
        "feeds": [{"name": "agency", "url": topic, "interval": "5m", "allow_private": True,
                   "language": "en"}],
        "alerts": {"channels": [{"name": "console", "type": "console"}]},
        "daemon": {"heartbeat": "1s", "jitter": "0s", "shutdown_grace": "10s"},
        "push": {"enabled": True, "port": port,
                 "websub": {"callback": f"http://127.0.0.1:{port}", "secret": "${WS_SECRET}"}},
    }  # fmt: skip
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    env = dict(os.environ, PYTHONPATH=str(ROOT), WS_SECRET="daemon-websub-secret")
    daemon = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "--config", str(path), "run"], env=env,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True,
    )  # fmt: skip
    console = Console(daemon.stdout)
    try:
        deadline = time.monotonic() + 60
        while topic not in hub.subscriptions and time.monotonic() < deadline:
            time.sleep(0.2)  # first poll, discovery, subscription, verification
        assert topic in hub.subscriptions, (hub.requests, hub.verifications)
        story = {"guid": "websub-1", "title": "Roadside bomb kills two soldiers near Tikrit",
                 "text": "A roadside bomb exploded as an Iraqi army patrol passed near Tikrit,"
                 " killing two soldiers, a security official said.",
                 "date": datetime.now(timezone.utc).strftime("%a, %d %b %Y %H:%M:%S GMT")}  # fmt: skip
        sent = time.monotonic()
        assert hub.publish(topic, feed_document(hub.url, topic, [story])).status_code == 202
        assert console.wait_for("near Tikrit"), console.text
        assert time.monotonic() - sent < 10
        status = subprocess.run(
            [sys.executable, "-m", "crawler.cli", "--config", str(path), "status"], env=env,
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert "poll+websub until" in status.stdout, status.stdout + status.stderr
        assert "ago (websub)" in status.stdout
    finally:
        daemon.terminate()
        assert daemon.wait(timeout=30) == 0
