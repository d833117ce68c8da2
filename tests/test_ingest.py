"""crawler.ingest: the pure decisions (health, backoff, Retry-After) and prepare/commit on a real
SQLite file, without any HTTP (the spider is tested in test_spiders / test_bad_feeds)."""

from __future__ import annotations

import logging
import random
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from crawler import ingest
from crawler.config import FetchConfig, config_from_dict
from crawler.storage import Store
from crawler.types import PollResult

NOW = datetime(2020, 2, 16, 0, 45, tzinfo=timezone.utc)
MIN = timedelta(minutes=1)
FETCH = FetchConfig(backoff_max=timedelta(hours=24), flag_after_failures=3)


class FixedRandom(random.Random):
    """random() always returns the given value (0 = no jitter, ~1 = the most jitter)."""

    def __init__(self, value: float):
        super().__init__()
        self.value = value

    def random(self) -> float:
        return self.value


# failed, errors before, interval, asked wait, rng value -> next poll offset, errors, flagged
HEALTH_TABLE = [
    # a success polls again after the interval and resets everything
    (False, 0, 10 * MIN, None, 0.0, 10 * MIN, 0, False),
    (False, 7, 10 * MIN, None, 0.0, 10 * MIN, 0, False),
    # ... unless the server asked for a longer wait (max-age, Retry-After)
    (False, 0, 10 * MIN, 30 * MIN, 0.0, 30 * MIN, 0, False),
    # ... a shorter wait than the interval changes nothing
    (False, 0, 10 * MIN, 2 * MIN, 0.0, 10 * MIN, 0, False),
    # errors double the wait: 1x, 2x, 4x the interval
    (True, 0, 10 * MIN, None, 0.0, 10 * MIN, 1, False),
    (True, 1, 10 * MIN, None, 0.0, 20 * MIN, 2, False),
    (True, 2, 10 * MIN, None, 0.0, 40 * MIN, 3, True),  # third failure: flagged
    # capped at backoff_max, even after very many failures
    (True, 20, 10 * MIN, None, 0.0, timedelta(hours=24), 21, True),
    (True, 10_000, 10 * MIN, None, 0.0, timedelta(hours=24), 10_001, True),
    # jitter shortens the wait by up to a quarter
    (True, 1, 10 * MIN, None, 0.5, 17.5 * MIN, 2, False),
    (True, 20, 10 * MIN, None, 1.0, timedelta(hours=18), 21, True),
    # Retry-After longer than the backoff wins, on errors too
    (True, 0, 10 * MIN, timedelta(hours=2), 0.9, timedelta(hours=2), 1, False),
    # a backoff longer than Retry-After wins
    (True, 5, 10 * MIN, 15 * MIN, 0.0, 320 * MIN, 6, True),
]


@pytest.mark.parametrize(
    "failed, errors, interval, asked, jitter, wait, errors_after, flagged", HEALTH_TABLE
)
def test_plan_health(failed, errors, interval, asked, jitter, wait, errors_after, flagged):
    health = ingest.plan_health(
        failed=failed,
        consecutive_errors=errors,
        now=NOW,
        interval=interval,
        fetch=FETCH,
        rng=FixedRandom(jitter),
        asked_wait=asked,
    )
    assert health == ingest.FeedHealth(NOW + wait, errors_after, flagged)


@pytest.mark.parametrize(
    "value, wait",
    [
        ("120", timedelta(seconds=120)),
        (" 0 ", timedelta(0)),
        ("Sun, 16 Feb 2020 02:45:00 GMT", timedelta(hours=2)),
        ("Sun, 16 Feb 2020 00:00:00 GMT", timedelta(0)),  # in the past: now
        ("soon", None),
        ("-5", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after(value, wait):
    assert ingest.parse_retry_after(value, NOW) == wait


@pytest.mark.parametrize(
    "value, wait",
    [
        ("max-age=300", timedelta(seconds=300)),
        ("public, max-age=60, must-revalidate", timedelta(seconds=60)),
        ('max-age="90"', timedelta(seconds=90)),
        ("s-maxage=600", None),
        ("no-cache", None),
        (None, None),
    ],
)
def test_parse_max_age(value, wait):
    assert ingest.parse_max_age(value) == wait


def test_asked_wait_takes_the_longest_and_caps_it():
    fetched = ingest.Fetched(
        feed="f", url="u", started=NOW, duration_s=0, retry_after="60", cache_control="max-age=600"
    )
    assert ingest.asked_wait(fetched, NOW, timedelta(hours=1)) == timedelta(seconds=600)
    year = ingest.Fetched(feed="f", url="u", started=NOW, duration_s=0, retry_after="31536000")
    assert ingest.asked_wait(year, NOW, timedelta(hours=24)) == timedelta(hours=24)


# -- prepare and commit on a real database ---------------------------------------------------


def rss(*items: tuple[str, str], extra: str = "") -> bytes:
    """An RSS 2.0 body with (guid, title) items."""
    body = "".join(
        f"<item><guid>{guid}</guid><title>{title}</title><link>https://wire.example/{guid}</link>"
        f"<pubDate>Sun, 16 Feb 2020 00:30:00 GMT</pubDate>"
        f"<description>{title}. Les sirènes ont retenti dans la zone verte.</description>{extra}</item>"
        for guid, title in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Wire</title>'
        f"<link>https://wire.example/</link>{body}</channel></rss>"
    ).encode()


FIRST = rss(("a1", "Roquettes tirées vers la zone verte"), ("a2", "Un convoi visé près de Bassora"))


@pytest.fixture
def config():
    return config_from_dict(
        {
            "fetch": {"flag_after_failures": 2},
            "feeds": [{"name": "wire", "url": "https://wire.example/rss", "interval": "10m"}],
        }
    )


@pytest.fixture
def store(tmp_path: Path, config):
    with Store(tmp_path / "w.db") as store:
        store.sync_feeds([("wire", "https://wire.example/rss", True)])
        yield store


def poll(store, config, now=NOW, **fetched):
    fields = {"feed": "wire", "url": "https://wire.example/rss", "started": now, "duration_s": 0.1}
    prepared = ingest.prepare(
        store,
        ingest.Fetched(**(fields | fetched)),
        now,
        max_bytes=config.fetch.max_feed_size,
        feed=config.feed("wire"),
    )
    return ingest.commit(store, config, prepared, now, FixedRandom(0.0))


def prepared_poll(store, config, feed="wire", **fetched):
    fields = {"feed": feed, "url": "https://wire.example/rss", "started": NOW, "duration_s": 0.1}
    return ingest.prepare(
        store, ingest.Fetched(**(fields | fetched)), NOW, max_bytes=config.fetch.max_feed_size
    )


def test_polls_stored_together_lose_only_the_one_whose_writes_fail(store, config, caplog):
    store.sync_feeds(
        [("wire", "https://wire.example/rss", True), ("other", "https://o.example", True)]
    )
    polls = [
        ingest.ReadyPoll(prepared_poll(store, config, http_status=200, body=FIRST)),
        # no such feed row: the poll record breaks its foreign key, after its entries were written
        ingest.ReadyPoll(prepared_poll(store, config, feed="ghost", http_status=200, body=FIRST)),
        ingest.ReadyPoll(prepared_poll(store, config, feed="other", http_status=304)),
    ]
    with caplog.at_level(logging.INFO, logger="crawler.ingest"):
        results = ingest.commit_polls(store, config, polls, NOW, FixedRandom(0.0))
    assert [(r.feed, r.status, r.new) for r in results] == [
        ("wire", "ok", 2),
        ("other", "not_modified", 0),
    ]
    assert store.query("SELECT DISTINCT feed FROM articles") == [{"feed": "wire"}]  # ghost's undone
    assert [p["feed"] for p in store.query("SELECT feed FROM polls ORDER BY id")] == [
        "wire",
        "other",
    ]
    assert store.feed_row("other")["last_status"] == "not_modified"
    assert "poll not stored feed=ghost" in caplog.text
    assert "poll feed=wire status=ok" in caplog.text and "poll feed=other" in caplog.text


def articles(store):
    return store.query("SELECT guid, title, first_seen, updated FROM articles ORDER BY guid")


def test_first_poll_stores_entries_poll_and_validators(store, config):
    result = poll(store, config, http_status=200, body=FIRST, etag='"v1"', last_modified="x")
    assert (result.status, result.new, result.updated) == ("ok", 2, 0)
    assert [a["guid"] for a in articles(store)] == ["a1", "a2"]
    feed = store.feed_row("wire")
    assert (feed["etag"], feed["last_modified"], feed["last_status"]) == ('"v1"', "x", "ok")
    assert feed["next_poll"] == (NOW + timedelta(minutes=10)).isoformat()
    assert store.query("SELECT status, new FROM polls") == [{"status": "ok", "new": 2}]


def test_repolling_is_idempotent_and_a_changed_entry_keeps_its_first_seen(store, config):
    poll(store, config, http_status=200, body=FIRST)
    later = NOW + timedelta(minutes=10)
    again = poll(store, config, now=later, http_status=200, body=FIRST + b" ")
    assert (again.status, again.new, again.updated) == ("ok", 0, 0)
    changed = rss(
        ("a1", "Roquettes tirées vers la zone verte, aucune victime"),
        ("a2", "Un convoi visé près de Bassora"),
    )
    result = poll(store, config, now=later, http_status=200, body=changed)
    assert (result.new, result.updated) == (0, 1)
    a1 = articles(store)[0]
    assert a1["title"].endswith("aucune victime")
    assert (a1["first_seen"], a1["updated"]) == (NOW.isoformat(), later.isoformat())


def test_same_body_is_unchanged_and_not_parsed(store, config, monkeypatch):
    poll(store, config, http_status=200, body=FIRST)

    def parse_must_not_run(*args, **kwargs):
        raise AssertionError("an identical body was parsed again")

    monkeypatch.setattr(ingest, "parse_feed", parse_must_not_run)
    assert poll(store, config, http_status=200, body=FIRST).status == "unchanged"
    assert poll(store, config, http_status=304).status == "not_modified"
    assert store.query("SELECT count(*) AS n FROM polls") == [{"n": 3}]


def test_known_items_are_not_read_again_and_the_articles_are_the_same(tmp_path, config):
    """A poll reads only the items that changed since the last body; what it stores is what a
    poll reading every item (compare_body=False) stores."""
    a1, a2 = ("a1", "Roquettes tirées vers la zone verte"), ("a2", "Un convoi visé près de Bassora")
    a1_changed = ("a1", "Roquettes tirées vers la zone verte, aucune victime")
    a3 = ("a3", "Drone abattu à Erbil")
    bodies = [rss(a1, a2), rss(a1_changed, a2), rss(a3, a2, a1_changed), rss(a1, a3), rss(a1, a3)]
    read, stored = [], []
    for compare_body in (True, False):
        with Store(tmp_path / f"{compare_body}.db") as store:
            store.sync_feeds([("wire", "https://wire.example/rss", True)])
            for minutes, body in enumerate(bodies):
                now = NOW + minutes * MIN
                fetched = ingest.Fetched(
                    feed="wire", url="https://wire.example/rss", started=now, duration_s=0.1,
                    http_status=200, body=body + b" " * minutes,  # never the same bytes twice
                )  # fmt: skip
                prepared = ingest.prepare(
                    store, fetched, now, max_bytes=10**6, feed=config.feed("wire"),
                    compare_body=compare_body,
                )  # fmt: skip
                ingest.commit(store, config, prepared, now, FixedRandom(0.0))
                read.append([e.guid for e in prepared.entries])
            stored.append(store.query("SELECT * FROM articles ORDER BY guid"))
    assert read[:5] == [["a1", "a2"], ["a1"], ["a3"], ["a1"], []]
    assert read[5:] == [["a1", "a2"], ["a1", "a2"], ["a3", "a2", "a1"], ["a1", "a3"], ["a1", "a3"]]
    assert stored[0] == stored[1]
    assert [a["title"] for a in stored[0]] == [a1[1], a2[1], a3[1]]


def test_304_keeps_validators_it_does_not_restate(store, config):
    poll(store, config, http_status=200, body=FIRST, etag='"v1"', last_modified="x")
    poll(store, config, http_status=304)
    assert store.feed_row("wire")["etag"] == '"v1"'
    poll(store, config, http_status=304, etag='"v2"')
    assert store.feed_row("wire")["etag"] == '"v2"'


def test_errors_keep_articles_back_off_flag_once_and_recover(store, config, caplog):
    poll(store, config, http_status=200, body=FIRST)
    caplog.set_level(logging.INFO, logger="crawler.ingest")
    for status in (500, 503, 500):
        assert poll(store, config, http_status=status, body=b"oops").status == "error"
    feed = store.feed_row("wire")
    assert (feed["consecutive_errors"], feed["flagged"], feed["last_error"]) == (3, 1, "HTTP 500")
    assert feed["next_poll"] == (NOW + timedelta(minutes=40)).isoformat()
    assert len(articles(store)) == 2
    flagged = [r for r in caplog.records if r.getMessage().startswith("feed flagged")]
    assert len(flagged) == 1 and flagged[0].levelno == logging.WARNING
    assert len([r for r in caplog.records if r.getMessage().startswith("poll failed")]) == 3

    assert poll(store, config, http_status=200, body=FIRST).status == "unchanged"
    feed = store.feed_row("wire")
    assert (feed["consecutive_errors"], feed["flagged"], feed["last_error"]) == (0, 0, None)
    assert any(r.getMessage().startswith("feed recovered") for r in caplog.records)


@pytest.mark.parametrize(
    "fetched, error",
    [
        ({"error": "TimeoutError: took longer than 30 s"}, "TimeoutError: took longer than 30 s"),
        ({"http_status": 200, "body": b"  \n"}, "empty body"),
        ({"http_status": 200, "body": b"<html><body>Accueil</body></html>"}, "not a feed"),
        ({"http_status": 410, "body": b"gone"}, "HTTP 410"),
    ],
)
def test_failures_are_errors_with_a_reason(store, config, fetched, error):
    result = poll(store, config, **fetched)
    assert result.status == "error" and result.error.startswith(error)
    assert store.feed_row("wire")["consecutive_errors"] == 1


def test_an_error_body_never_becomes_the_unchanged_reference(store, config):
    html = b"<html><body>Maintenance</body></html>"
    poll(store, config, http_status=200, body=html)
    assert poll(store, config, http_status=200, body=html).status == "error"


def test_duplicate_guids_count_once_and_are_reported(store, config):
    body = rss(("a1", "Premier"), ("a1", "Doublon"), ("a2", "Second"))
    result = poll(store, config, http_status=200, body=body)
    assert (result.status, result.new, result.updated) == ("ok", 2, 0)
    assert "repeat" in result.error  # reported by parse_feed, logged by the poll line
    assert articles(store)[0]["title"] == "Premier"


def test_full_text_feeds_want_pages_of_new_and_changed_entries_only(store, tmp_path):
    config = config_from_dict(
        {"feeds": [{"name": "wire", "url": "https://wire.example/rss", "full_text": True}]}
    )
    fetched = ingest.Fetched(
        feed="wire", url="https://wire.example/rss", started=NOW, duration_s=0, http_status=200
    )

    def prepare(body):
        return ingest.prepare(
            store, replace(fetched, body=body), NOW, max_bytes=2**20, feed=config.feed("wire")
        )

    first = prepare(FIRST)
    assert [e.guid for e in first.wanted_pages] == ["a1", "a2"]
    page = (
        "<html><body><article>"
        + "<p>Plusieurs roquettes sont tombées.</p>" * 40
        + "</article></body></html>"
    )
    ingest.commit(store, config, first, NOW, FixedRandom(0), pages={"a1": page})
    stored = store.query("SELECT guid, text FROM articles ORDER BY guid")
    assert "Plusieurs roquettes" in stored[0]["text"] and len(stored[0]["text"]) > 500
    # The full text does not make the entry look changed at the next poll.
    changed = rss(
        ("a1", "Roquettes tirées vers la zone verte"), ("a2", "Convoi visé: deux blessés")
    )
    assert [e.guid for e in prepare(changed).wanted_pages] == ["a2"]


def test_replay_names_feeds_from_config_and_leaves_live_state(tmp_path, store):
    saved = tmp_path / "saved"
    saved.mkdir()
    (saved / "b-wire.xml").write_bytes(FIRST)
    (saved / "a-other.xml").write_bytes(rss(("o1", "Attaque au drone près d'Erbil")))
    (saved / ".hidden").write_bytes(b"ignored")
    config = config_from_dict(
        {"feeds": [{"name": "wire", "url": (saved / "b-wire.xml").resolve().as_uri()}]}
    )
    store.sync_feeds([("wire", config.feed("wire").url, True)])
    results = ingest.replay(store, config, saved, NOW, FixedRandom(0))
    assert [(r.feed, r.status, r.new) for r in results] == [
        ("replay:a-other.xml", "ok", 1),
        ("wire", "ok", 2),
    ]
    assert store.feed_row("replay:a-other.xml")["enabled"] == 0
    assert store.feed_row("wire")["next_poll"] is None  # live schedule untouched
    again = ingest.replay(store, config, saved, NOW, FixedRandom(0))
    assert sum(r.new + r.updated for r in again) == 0


def test_replay_refuses_an_oversized_file_without_reading_it(tmp_path, store):
    big = tmp_path / "big.xml"
    big.write_bytes(FIRST + b" " * 2048)
    config = config_from_dict({"fetch": {"max_feed_size": 1024}})
    [result] = ingest.replay(store, config, big, NOW, FixedRandom(0))
    assert result.status == "error" and "exceeds" in result.error


def test_summarize_counts_statuses():
    results = [
        PollResult("a", NOW, 0.1, "ok", 200, 10, new=2, updated=1),
        PollResult("b", NOW, 0.1, "error", 500, 0, error="HTTP 500"),
        PollResult("c", NOW, 0.1, "not_modified", 304),
    ]
    assert ingest.summarize(results) == {
        "feeds": 3, "new": 2, "updated": 1, "bytes": 10,
        "ok": 1, "not_modified": 1, "unchanged": 0, "errors": 1,
    }  # fmt: skip
