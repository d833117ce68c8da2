"""A database written by an earlier build opens as it is: no migration it already had, every row
read back through the verbs, and it goes on working (tests/data/wirewatch-schema13.sql)."""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from crawler.storage import SCHEMA_VERSION, Store
from crawler.types import Entry

FIXTURE = Path(__file__).parent / "data" / "wirewatch-schema13.sql"
FIXTURE_VERSION = 13
NOW = datetime(2020, 2, 16, 3, 0, tzinfo=timezone.utc)


@pytest.fixture
def old_file(tmp_path: Path) -> Path:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.executescript(FIXTURE.read_text(encoding="utf-8"))
    conn.close()
    return path


def schema(path: Path) -> list[tuple[str, str, str, str | None]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
    finally:
        conn.close()


def test_the_migrations_up_to_its_version_still_build_the_schema_that_file_has(old_file, tmp_path):
    Store(tmp_path / "new.db", migrate_to=FIXTURE_VERSION).close()
    assert schema(tmp_path / "new.db") == schema(old_file)


def test_the_file_opens_with_only_the_migrations_after_its_version(old_file, tmp_path, caplog):
    with caplog.at_level(logging.INFO, logger="crawler.storage.connection"):
        with Store(old_file) as store:
            assert store.schema_version == SCHEMA_VERSION
    migrated = [r.getMessage() for r in caplog.records if r.getMessage().startswith("migrated")]
    assert len(migrated) == SCHEMA_VERSION - FIXTURE_VERSION
    Store(tmp_path / "new.db").close()
    assert schema(old_file) == schema(tmp_path / "new.db")


def test_every_stored_row_reads_back_through_the_verbs(old_file):
    with Store(old_file) as store:
        assert store.feed_row("wire")["etag"] == '"v1"'
        assert store.polls_since(NOW) == 2
        assert store.websub_adverts() == {
            "wire": ("https://hub.example/", "https://wire.example/rss")
        }
        assert store.websub_lease_end("wire") == NOW + timedelta(days=10)
        assert store.delivery_seen("wire", "b1") and not store.delivery_seen("wire", "b2")
        assert store.article(1).title == "Rockets hit near US embassy in Baghdad"
        assert (store.article(2).duplicate_of, store.article(2).pub_status) == (1, "withheld")
        extraction = store.extraction(1)
        assert extraction.place.id == "site:us-embassy-baghdad"
        assert extraction.place.city == "Baghdad"
        assert extraction.evidence == ("rockets", "embassy")
        assert extraction.reported_tally.n == 20
        incident = store.incident(1)
        assert (incident.place_kind, incident.wounded, incident.us_interest) == ("site", 1, True)
        assert store.incident_article_ids(1) == [1, 2]
        assert [t.n for t in store.incident_tallies(1)] == [20]
        assert store.counter_tick("embassy", 1).ordinal == 20
        assert store.counter_definitions()[0]["filter"] == {"us_interest": True}
        assert [store.alert(i).state for i in (1, 2)] == ["sent", "pending"]
        assert store.corrections()[0]["article_ids"] == [2]
        assert store.heartbeat()["pid"] == 4242
        assert store.unprocessed_article_ids() == [3]


def test_it_goes_on_working(old_file):
    def search(store: Store, term: str) -> list[int]:
        rows = store.query("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?", [term])
        return sorted(r["rowid"] for r in rows)

    with Store(old_file) as store:
        assert search(store, "erbil") == []  # stored after the last indexing pass
        assert store.index_pending_articles() == 1
        assert search(store, "erbil") == [3] and search(store, "embassy") == [1]
        entry = Entry("g4", "https://wire.example/4", "Blast in Mosul", "", "A blast.", NOW)
        assert store.upsert_entries("wire", [entry], NOW, lambda e: e.title) == (1, 0)
        assert store.article_id("wire", "g4") == 4
        store.db.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
        store.db.execute("INSERT INTO incidents_fts(incidents_fts) VALUES ('integrity-check')")
