"""What `wirewatch poll` says when feeds fail, in the user's words: a host that does not
resolve is a DNS lookup failure (not a refusal, no library class names) in the log and in
`status`; the command exits 1 when every feed failed, so that cron mails the user, and 0 when
some feed answered."""

from __future__ import annotations

import re

import yaml

from tests.test_feed_credentials import wirewatch

# A reserved top-level domain: it never resolves (RFC 6761), online or not.
UNRESOLVABLE = "https://www.wirewatch-test.invalid/rss"
CLASS_NAME = re.compile(r"\b(?:IgnoreRequest|DNSLookupError|FeedError|gaierror|TimeoutError)\b")


def write_config(tmp_path, feeds):
    config = tmp_path / "config.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "database": "w.db",
                "fetch": {"contact": "tests@localhost", "timeout": "5s"},
                "feeds": feeds,
                "alerts": {"channels": []},
            }
        )
    )
    return config


def test_every_feed_failing_offline_is_a_dns_failure_and_a_non_zero_exit(tmp_path):
    config = write_config(
        tmp_path,
        [
            {"name": "one", "url": UNRESOLVABLE, "obey_robots": False},
            {"name": "two", "url": UNRESOLVABLE + "?page=2", "obey_robots": False},
        ],
    )
    polled = wirewatch(config, "poll", "--all")
    status = wirewatch(config, "status")

    assert polled.returncode == 1
    assert polled.stderr.strip().splitlines()[-1] == (
        "wirewatch: every feed polled failed (2 of 2); see `wirewatch status`"
    )
    assert "DNS lookup failed for www.wirewatch-test.invalid" in status.stdout
    assert "not allowed" not in status.stdout + polled.stderr
    shown = status.stdout + "\n".join(
        line for line in polled.stderr.splitlines() if " INFO " in line or " WARNING " in line
    )
    assert not CLASS_NAME.search(shown), CLASS_NAME.search(shown)


def test_some_feeds_answering_is_a_zero_exit(tmp_path, httpserver):
    httpserver.expect_request("/rss").respond_with_data(
        '<rss version="2.0"><channel><title>t</title></channel></rss>',
        content_type="application/rss+xml",
    )
    config = write_config(
        tmp_path,
        [
            {"name": "down", "url": UNRESOLVABLE, "obey_robots": False},
            {
                "name": "up",
                "url": httpserver.url_for("/rss"),
                "allow_private": True,
                "obey_robots": False,
            },
        ],  # fmt: skip
    )
    polled = wirewatch(config, "poll", "--all")
    assert polled.returncode == 0, polled.stderr
    assert "feeds polled: 2, errors: 1" in polled.stdout
