"""Pushed documents: the HTTP receiver on a real local port and the spool watcher on a real
folder, each storing into a real SQLite file through the same reading and storing as a poll.

Refusals (unknown feed, no credentials, wrong token, bad signature, too large, not a feed,
hostile XML) get a clear 4xx and store nothing; the same bytes pushed twice are stored once;
a file still being written is left alone until it is closed; a file dropped while nothing
watched is picked up at start; done/ and failed/ (with its reason) receive the handled files.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
import requests

from crawler.config import config_from_dict
from crawler.daemon import sync_store_with_config
from crawler.push.server import PushApp, PushServer
from crawler.push.spool import SpoolWatcher
from crawler.storage import Store

TOKEN = "token-for-the-tests"
SECRET = "secret-for-the-tests"
MAX_BYTES = 20_000

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Agency</title><link>https://agency.test/</link>
<item><title>{title}</title><link>https://agency.test/{guid}</link><guid>{guid}</guid>
<pubDate>Sun, 16 Feb 2020 00:58:05 GMT</pubDate>
<description>BAGHDAD (Agency) - Rockets struck near the US embassy in Baghdad.</description>
</item></channel></rss>
"""
BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<lolz>&lol3;</lolz>
"""


def rss(guid: str = "story-1", title: str = "Rockets hit near US embassy in Baghdad") -> bytes:
    return RSS.format(guid=guid, title=title).encode()


def make_config(tmp_path: Path):
    return config_from_dict(
        {
            "database": "w.db",
            "fetch": {"max_feed_size": MAX_BYTES},
            "feeds": [
                {"name": "agency", "url": "https://agency.test/feed", "push_token": TOKEN,
                 "push_secret": SECRET, "spool": str(tmp_path / "spool")},
                {"name": "polled", "url": "https://other.test/feed"},
            ],
            "push": {"enabled": True, "port": 0, "spool_scan": "1s"},
        },
        base_dir=tmp_path,
    )  # fmt: skip


@pytest.fixture
def setup(tmp_path):
    config = make_config(tmp_path)
    with Store(config.database) as store:
        sync_store_with_config(store, config)
    return config


@pytest.fixture
def receiver(setup):
    woken = []
    app = PushApp(setup.database, lambda: setup, lambda: woken.append(1))
    server = PushServer(app, host="127.0.0.1", port=0, threads=2, max_body=MAX_BYTES).start()
    yield server, woken
    server.stop()


def push(server, feed="agency", body=None, **headers) -> requests.Response:
    return requests.post(
        f"{server.url}/push/{feed}", data=body or rss(), headers=headers, timeout=10
    )


def bearer(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def signed(body: bytes, secret: str = SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"X-Wirewatch-Signature": f"sha256={digest}"}


def counts(config) -> tuple[int, int, int]:
    with Store(config.database) as store:
        return tuple(
            store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("articles", "polls", "deliveries")
        )


def test_a_push_with_a_token_is_stored_as_a_poll_and_wakes_the_processor(receiver, setup):
    server, woken = receiver
    answer = push(server, **bearer())
    assert answer.status_code == 202 and "1 new" in answer.text
    assert woken == [1]
    with Store(setup.database) as store:
        article = store.query("SELECT feed, guid, title FROM articles")[0]
        poll = store.query("SELECT feed, status FROM polls")[0]
        delivery = store.query("SELECT feed, via, new FROM deliveries")[0]
        feed = store.feed_row("agency")
    assert article == {"feed": "agency", "guid": "story-1",
                       "title": "Rockets hit near US embassy in Baghdad"}  # fmt: skip
    assert poll == {"feed": "agency", "status": "ok"}
    assert delivery == {"feed": "agency", "via": "push", "new": 1}
    assert feed["last_poll"] is None and feed["etag"] is None  # its polls' state is theirs


def test_a_signed_push_is_stored_and_the_same_bytes_again_are_a_no_op(receiver, setup):
    server, woken = receiver
    body = rss()
    assert push(server, body=body, **signed(body)).status_code == 202
    again = push(server, body=body, **signed(body))
    assert again.status_code == 200 and "already stored" in again.text
    assert counts(setup) == (1, 1, 1) and woken == [1]
    changed = rss(title="Rockets hit near US embassy in Baghdad, two wounded")
    assert push(server, body=changed, **bearer()).status_code == 202
    assert counts(setup) == (1, 2, 2)  # the same story, updated


@pytest.mark.parametrize(
    ("feed", "headers", "code", "says"),
    [
        ("nosuch", bearer(), 404, "no feed named 'nosuch'"),
        ("polled", bearer(), 403, "takes no pushes"),
        ("agency", {}, 401, "no credentials"),
        ("agency", bearer("wrong"), 403, "bad signature or wrong token"),
        ("agency", signed(rss(), secret="wrong"), 403, "bad signature or wrong token"),
        ("agency", signed(b"another body"), 403, "bad signature or wrong token"),
    ],
)
def test_refusals_say_why_and_store_nothing(receiver, setup, feed, headers, code, says):
    server, woken = receiver
    answer = push(server, feed=feed, **headers)
    assert answer.status_code == code and says in answer.text
    assert counts(setup) == (0, 0, 0) and woken == []


def test_an_oversized_body_is_refused_before_it_is_read(receiver, setup):
    server, _ = receiver
    body = rss().replace(b"</channel>", b"<!--" + b"x" * MAX_BYTES + b"--></channel>")
    answer = push(server, body=body, **bearer())
    assert answer.status_code == 413
    assert counts(setup) == (0, 0, 0)


@pytest.mark.parametrize(
    ("body", "says"),
    [(BILLION_LAUGHS.encode(), "not a feed"), (b"<html><body>hi</body></html>", "HTML page")],
)
def test_hostile_xml_and_pages_are_refused_as_not_a_feed(receiver, setup, body, says):
    server, woken = receiver
    answer = push(server, body=body, **bearer())
    assert answer.status_code == 422 and says in answer.text
    assert "lol" not in answer.text  # no entity was expanded
    with Store(setup.database) as store:
        polls = store.query("SELECT status, error FROM polls")
    assert polls[0]["status"] == "error" and counts(setup)[0::2] == (0, 0) and woken == []


def test_a_wrong_method_and_path_are_refused(receiver):
    server, _ = receiver
    assert requests.get(f"{server.url}/push/agency", timeout=10).status_code == 405
    assert requests.post(f"{server.url}/elsewhere", timeout=10).status_code == 404


# -- spool folders ---------------------------------------------------------------------------


def wait_for(condition, timeout_s: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_file_dropped_while_nothing_watched_is_taken_at_start(setup):
    spool = setup.feed("agency").spool
    (spool).mkdir(parents=True)
    (spool / "early.xml").write_bytes(rss("early"))
    old = time.time() - 60
    import os

    os.utime(spool / "early.xml", (old, old))
    watcher = SpoolWatcher(setup.database, lambda: setup).start()
    try:
        assert wait_for(lambda: (spool / "done" / "early.xml").exists())
    finally:
        watcher.stop()
    assert counts(setup) == (1, 1, 1)
    assert not (spool / "early.xml").exists()


def test_a_file_is_taken_when_closed_not_while_it_is_written(setup):
    spool = setup.feed("agency").spool
    woken = []
    watcher = SpoolWatcher(setup.database, lambda: setup, lambda: woken.append(1)).start()
    try:
        assert wait_for(lambda: (spool / "done").is_dir())
        body = rss("written-slowly")
        with (spool / "slow.xml").open("wb") as handle:
            handle.write(body[:100])
            handle.flush()
            time.sleep(3.5)  # past the settling time and three scans: still open
            assert (spool / "slow.xml").exists() and counts(setup) == (0, 0, 0)
            handle.write(body[100:])
        assert wait_for(lambda: (spool / "done" / "slow.xml").exists())
        (spool / "renamed.xml.part").write_bytes(rss("renamed"))
        time.sleep(0.3)
        assert (spool / "renamed.xml.part").exists()  # an upload in progress is left alone
        (spool / "renamed.xml.part").rename(spool / "renamed.xml")
        assert wait_for(lambda: (spool / "done" / "renamed.xml").exists())
    finally:
        watcher.stop()
    assert counts(setup)[0] == 2 and woken == [1, 1]


def test_a_bad_file_goes_to_failed_with_its_reason_and_a_repeat_to_done(setup):
    spool = setup.feed("agency").spool
    watcher = SpoolWatcher(setup.database, lambda: setup).start()
    try:
        assert wait_for(lambda: (spool / "done").is_dir())
        (spool / "broken.xml").write_bytes(b"<NewsML><NewsItem></NewsML>")
        (spool / "first.xml").write_bytes(rss())
        assert wait_for(lambda: (spool / "done" / "first.xml").exists())
        (spool / "again.xml").write_bytes(rss())
        assert wait_for(lambda: (spool / "done" / "again.xml").exists())
        assert wait_for(lambda: (spool / "failed" / "broken.xml.reason").exists())
    finally:
        watcher.stop()
    reason = (spool / "failed" / "broken.xml.reason").read_text()
    assert "malformed XML" in reason and reason.count("\n") == 1
    assert counts(setup) == (1, 2, 1)  # the refusal is a failed poll; the repeat is no poll


def test_delivery_time_is_the_clock_of_the_receiver(setup):
    # Stored like a poll: the entries' first_seen is when the document came.
    moment = datetime(2020, 2, 16, 1, 0, tzinfo=timezone.utc)
    app = PushApp(setup.database, lambda: setup, clock=lambda: moment)
    server = PushServer(app, host="127.0.0.1", port=0, threads=1, max_body=MAX_BYTES).start()
    try:
        assert push(server, **bearer()).status_code == 202
    finally:
        server.stop()
    with Store(setup.database) as store:
        assert store.query("SELECT first_seen FROM articles")[0]["first_seen"] == moment.isoformat()


def test_status_shows_how_each_feed_is_fed_and_its_last_delivery(receiver, setup, tmp_path):
    import yaml
    from click.testing import CliRunner

    from crawler.cli import main

    server, _ = receiver
    assert push(server, **bearer()).status_code == 202
    config = {
        "database": "w.db",
        "feeds": [
            {"name": "agency", "url": "https://agency.test/feed", "push_token": TOKEN,
             "spool": "spool"},
            {"name": "polled", "url": "https://other.test/feed"},
        ],
        "push": {"enabled": True},
    }  # fmt: skip
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config))
    result = CliRunner().invoke(main, ["--config", str(tmp_path / "config.yaml"), "status"])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines() if line.startswith("  ")}
    assert "poll+push+spool" in lines["agency"] and "ago (push)" in lines["agency"]
    assert " poll " in lines["polled"] and "(push)" not in lines["polled"]
    assert TOKEN not in result.output


def test_a_feed_without_url_is_fed_by_push_only_and_never_polled(tmp_path):
    from spiders.run import select_feeds

    config = config_from_dict(
        {"database": "w.db",
         "feeds": [{"name": "wire", "push_token": TOKEN}, {"name": "polled", "url": "https://o.test/f"}],
         "push": {"enabled": True, "port": 0}},
        base_dir=tmp_path,
    )  # fmt: skip
    assert not config.feed("wire").polled and config.feed("polled").polled
    now = datetime.now(timezone.utc)
    with Store(config.database) as store:
        sync_store_with_config(store, config)
        assert store.due_feeds(now) == ["polled"]
        assert [f.name for f in select_feeds(config, store, None, now, all_feeds=True)] == [
            "polled"
        ]
        with pytest.raises(Exception, match="'wire' has no url to poll"):
            select_feeds(config, store, ["wire"], now)
    app = PushApp(config.database, lambda: config)
    server = PushServer(app, host="127.0.0.1", port=0, threads=1, max_body=MAX_BYTES).start()
    try:
        assert push(server, feed="wire", **bearer()).status_code == 202
    finally:
        server.stop()
    with Store(config.database) as store:
        assert store.query("SELECT feed, url FROM articles") == [
            {"feed": "wire", "url": "https://agency.test/story-1"}
        ]


def test_a_feed_with_neither_url_nor_push_nor_spool_is_refused(tmp_path):
    from crawler.errors import ConfigError

    with pytest.raises(ConfigError) as refused:
        config_from_dict({"feeds": [{"name": "nothing"}]}, base_dir=tmp_path)
    assert refused.value.problems == [
        "config.yaml: feeds[0]: give the feed a url to poll, or a spool folder or"
        " push_token/push_secret to be fed by its agency"
    ]
