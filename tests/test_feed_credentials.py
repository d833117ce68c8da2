"""Credentials in a feed URL (a news agency's subscriber feed) reach the feed's server as HTTP
Basic authentication and a query parameter, and nothing else: not the database (so not
Datasette or exports), not the logs, not `status`, not the links of the stored articles."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import yaml
from werkzeug import Request, Response

from crawler.storage import Store

ROOT = Path(__file__).resolve().parents[1]
USER, PASSWORD, TOKEN = "reader", "s3cr3t-pass", "t0k3n-v4lue"
FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Agency wire</title><link>/</link>
<item><guid>urgent-1</guid><title>Rockets hit near the US embassy in Baghdad</title>
<link>/news/urgent-1</link><description>Several rockets hit near the embassy.</description>
<pubDate>Sun, 16 Feb 2020 00:40:00 GMT</pubDate></item>
<item><guid>urgent-2</guid><title>Oil exports steady</title><link>news/2</link>
<description>Exports hold.</description><pubDate>Sun, 16 Feb 2020 00:50:00 GMT</pubDate></item>
</channel></rss>"""


def wirewatch(config: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "crawler.cli", "--config", str(config), "--log-level", "DEBUG",
         *args],
        capture_output=True,
        text=True,
        timeout=180,
        env=dict(os.environ, PYTHONPATH=str(ROOT), AGENCY_PASSWORD=PASSWORD),
    )  # fmt: skip


def test_feed_credentials_go_to_the_server_only(tmp_path, httpserver):
    seen: list[Request] = []

    def feed(request: Request) -> Response:
        seen.append(request)
        expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        if request.headers.get("Authorization") != expected or request.args.get("token") != TOKEN:
            return Response("who are you?", status=401)
        return Response(FEED, content_type="application/rss+xml")

    httpserver.expect_request("/wire/feed.xml").respond_with_handler(feed)
    host = f"127.0.0.1:{httpserver.port}"
    config = tmp_path / "config.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "database": "w.db",
                "fetch": {"contact": "tests@localhost", "timeout": "5s"},
                "feeds": [
                    {
                        "name": "agency",
                        # the password from the environment, the token written in the file
                        "url": f"http://{USER}:${{AGENCY_PASSWORD}}@{host}/wire/feed.xml"
                        f"?lang=en&token={TOKEN}",
                        "language": "en",
                        "allow_private": True,
                    }
                ],
                "alerts": {"channels": [{"name": "console", "type": "console"}]},
            }
        )
    )

    polled = wirewatch(config, "poll", "--all")
    status = wirewatch(config, "status")

    assert polled.returncode == 0, polled.stderr
    assert seen and all(r.headers.get("Authorization", "").startswith("Basic ") for r in seen)
    with Store(tmp_path / "w.db") as store:
        shown = store.feed_row("agency")["url"]
        links = sorted(r["url"] for r in store.query("SELECT url FROM articles"))
    assert shown == f"http://{host}/wire/feed.xml?lang=en&token=***"
    assert links == [f"http://{host}/news/urgent-1", f"http://{host}/wire/news/2"]
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("w.db*"))
    for secret in (PASSWORD, TOKEN, f"{USER}:"):
        assert secret.encode() not in stored, f"{secret} stored in the database"
        assert secret not in polled.stdout + polled.stderr, f"{secret} in the poll's output"
        assert secret not in status.stdout + status.stderr, f"{secret} in status"
