"""The SQLite store: schema creation and migration, WAL, transactions, idempotent upserts."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from crawler.errors import StorageError
from crawler.storage import SCHEMA_VERSION, Store
from crawler.types import Entry, PollResult

NOW = datetime(2020, 2, 16, 3, 0, tzinfo=timezone.utc)


def entry(guid: str, title: str = "Rockets hit Baghdad", **kw) -> Entry:
    values = dict(
        guid=guid,
        url=f"https://example.org/{guid}",
        title=title,
        summary="",
        content="text",
        published=NOW - timedelta(hours=1),
    )
    values.update(kw)
    return Entry(**values)


def content_hash(e: Entry) -> str:
    return f"{e.title}|{e.content}"


def test_new_database_has_every_table_and_wal(tmp_path):
    with Store(tmp_path / "w.db") as store:
        assert store.schema_version == SCHEMA_VERSION
        tables = set(store.db.table_names())
        assert {
            "feeds",
            "polls",
            "articles",
            "incidents",
            "incident_articles",
            "counters",
            "counter_ticks",
            "reported_tallies",
            "alerts",
            "articles_fts",
            "incidents_fts",
        } <= tables
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert {"latitude", "longitude"} <= set(store.db["incidents"].columns_dict)


def insert_as_of_old(store: Store, guid: str, title: str) -> None:
    """An article written as an older schema had it: today's verbs know columns added since."""
    store.db.execute(
        "INSERT INTO articles (feed, guid, title, published, first_seen, updated, content_hash)"
        " VALUES ('f', ?, ?, ?, ?, ?, 'h')",
        [guid, title, *[NOW.isoformat()] * 3],
    )


def test_database_from_an_older_schema_is_migrated(tmp_path):
    path = tmp_path / "old.db"
    with Store(path, migrate_to=1) as old:
        assert old.schema_version == 1
        assert "articles_fts" not in old.db.table_names()
        insert_as_of_old(old, "a1", "Rockets near the embassy")
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        hits = store.query("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'embassy'")
        assert len(hits) == 1  # rows stored before the migration are searchable


def test_dedup_keys_are_indexed_once_set_and_looked_up_through_their_index(tmp_path):
    with Store(tmp_path / "w.db") as store:
        store.upsert_entries("f", [entry("a"), entry("b")], NOW, content_hash)
        counts = {
            index: store.db.execute(f"SELECT count(*) FROM articles INDEXED BY {index}"
                                    f" WHERE {column} IS NOT NULL").fetchone()[0]
            for index, column in (("articles_fingerprint", "fingerprint"),
                                  ("articles_duplicate_of", "duplicate_of"))
        }  # fmt: skip
        assert counts == {"articles_fingerprint": 0, "articles_duplicate_of": 0}
        for column in ("fingerprint", "duplicate_of"):
            plan = store.db.execute(
                f"EXPLAIN QUERY PLAN SELECT id FROM articles WHERE {column} = ?", ["x"]
            ).fetchall()
            assert f"INDEX articles_{column} ({column}=?)" in " ".join(str(row) for row in plan)
        a = store.query("SELECT id FROM articles WHERE guid = 'a'")[0]["id"]
        store.db.execute("UPDATE articles SET fingerprint = 'fp', processed_at = ? WHERE id = ?",
                         [NOW.isoformat(), a])  # fmt: skip
        b = store.query("SELECT id FROM articles WHERE guid = 'b'")[0]["id"]
        assert store.processed_original_with("fingerprint", "fp", b) == a


def test_articles_queued_for_search_before_migration_11_are_indexed_after_it(tmp_path):
    path = tmp_path / "v10.db"
    with Store(path, migrate_to=10) as old:  # its triggers queue every new article
        insert_as_of_old(old, "a", "Rockets near the embassy")
        old.db.execute(  # what indexing was then
            "INSERT INTO articles_fts (rowid, title, summary, text) SELECT a.id, a.title,"
            " a.summary, a.text FROM articles_fts_queue q JOIN articles a ON a.id = q.article_id"
        )
        old.db.execute("DELETE FROM articles_fts_queue")
        insert_as_of_old(old, "b", "Drone over Erbil")
        old.db.execute("UPDATE articles SET title = 'Rockets near the airport' WHERE guid = 'a'")
    with Store(path) as store:
        assert store.index_pending_articles() == 2
        assert search(store, "erbil") == [2] and search(store, "airport") == [1]
        assert search(store, "embassy") == []


def test_processes_opening_one_new_file_at_once_migrate_it_once(tmp_path):
    # The daemon and its first poll child open a new database together.
    opener = (
        "import os, sys, time\n"
        "from crawler.storage import Store\n"
        "print('ready', flush=True)\n"
        "while not os.path.exists(sys.argv[2]): time.sleep(0.001)\n"
        "Store(sys.argv[1]).close()\n"
    )
    for attempt in range(3):
        path, go = tmp_path / f"new{attempt}.db", tmp_path / f"go{attempt}"
        children = [
            subprocess.Popen(
                [sys.executable, "-c", opener, str(path), str(go)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for _ in range(4)
        ]
        for child in children:
            assert child.stdout.readline() == b"ready\n"
        go.touch()
        errors = [child.communicate(timeout=60)[1].decode() for child in children]
        assert [child.returncode for child in children] == [0] * 4, errors
        with Store(path) as store:
            assert store.schema_version == SCHEMA_VERSION


def test_a_newer_schema_is_refused_with_advice(tmp_path):
    path = tmp_path / "new.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StorageError, match="upgrade wirewatch"):
        Store(path)


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are not the tables you are looking for" * 100)
    with pytest.raises(StorageError, match="cannot open database"):
        Store(path)


def test_upsert_is_idempotent_and_keeps_first_seen(tmp_path):
    with Store(tmp_path / "w.db") as store:
        assert store.upsert_entries("f", [entry("a"), entry("b")], NOW, content_hash) == (2, 0)
        later = NOW + timedelta(hours=2)
        assert store.upsert_entries("f", [entry("a"), entry("b")], later, content_hash) == (0, 0)
        changed = entry("a", title="Rockets hit Baghdad, two wounded")
        assert store.upsert_entries("f", [changed], later, content_hash) == (0, 1)
        row = store.query("SELECT * FROM articles WHERE guid = 'a'")[0]
        assert row["title"].endswith("two wounded")
        assert row["first_seen"] == NOW.isoformat() and row["updated"] == later.isoformat()
        assert row["processed_at"] is None  # an update is processed again


def test_a_text_equal_to_the_summary_is_stored_once_and_read_back_whole(tmp_path):
    one_text = "Des roquettes sont tombées près de l'ambassade."
    with Store(tmp_path / "w.db") as store:
        store.upsert_entries(
            "f",
            [
                entry("same", summary=one_text, content=one_text),
                entry("more", summary="Roquettes à Bagdad.", content=one_text),
            ],
            NOW,
            content_hash,
        )
        rows = {r["guid"]: r for r in store.query("SELECT id, guid, text FROM articles")}
        assert rows["same"]["text"] == "" and rows["more"]["text"] == one_text
        assert store.article(rows["same"]["id"]).text == one_text
        assert store.article(rows["more"]["id"]).summary == "Roquettes à Bagdad."
        store.index_pending_articles()
        found = store.query("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'ambassade'")
        assert {r["rowid"] for r in found} == {rows["same"]["id"], rows["more"]["id"]}


def test_a_failed_transaction_changes_nothing(tmp_path):
    with Store(tmp_path / "w.db") as store:
        with pytest.raises(RuntimeError):
            with store.transaction():
                store.upsert_entries("f", [entry("a")], NOW, content_hash)
                raise RuntimeError("crash in the middle")
        assert store.query("SELECT count(*) AS n FROM articles")[0]["n"] == 0


def test_feeds_follow_the_config_and_polls_are_recorded(tmp_path):
    with Store(tmp_path / "w.db") as store:
        store.sync_feeds([("a", "https://x.org/a", True), ("b", "https://x.org/b", True)])
        store.record_poll(
            PollResult(
                feed="a",
                started=NOW,
                duration_s=0.2,
                status="ok",
                http_status=200,
                bytes=1000,
                new=3,
            ),
            {"etag": '"v1"', "last_poll": NOW, "next_poll": NOW + timedelta(minutes=5)},
        )
        assert store.due_feeds(NOW) == ["b"]
        assert store.feed_row("a")["etag"] == '"v1"'
        # A changed URL forgets the validators; a dropped feed is disabled, not deleted.
        store.sync_feeds([("a", "https://x.org/a2", True)])
        assert store.feed_row("a")["etag"] is None
        assert store.feed_row("b")["enabled"] == 0
        assert store.query("SELECT count(*) AS n FROM polls")[0]["n"] == 1


def test_the_search_index_follows_inserts_changes_and_deletes_in_any_order(tmp_path):
    with Store(tmp_path / "w.db") as store:
        titles = {"a": "Rockets near the embassy", "b": "Drone over Erbil", "c": "IED in Mosul"}
        store.upsert_entries("f", [entry(g, title=t) for g, t in titles.items()], NOW, content_hash)
        store.index_pending_articles()
        store.upsert_entries("f", [entry("b", title="Drone over Kirkuk")], NOW, content_hash)
        store.upsert_entries("f", [entry("d", title="Mortar on Balad")], NOW, content_hash)
        store.upsert_entries("f", [entry("d", title="Mortars on Balad base")], NOW, content_hash)
        assert store.index_pending_articles() == 2  # b changed, d new (indexed once, latest text)
        assert search(store, "erbil") == [] and search(store, "kirkuk") == [2]
        assert search(store, "mortars") == [4] and search(store, "mortar") == []
        # Deleting the newest articles: their ids come back, and are indexed as new ones.
        store.db.execute("DELETE FROM articles WHERE guid IN ('c', 'd')")
        assert search(store, "mosul") == [] and search(store, "balad") == []
        store.upsert_entries("f", [entry("e", title="Katyusha on Taji")], NOW, content_hash)
        store.db.execute("DELETE FROM articles WHERE guid = 'a'")
        assert store.index_pending_articles() == 1
        assert search(store, "taji") == [3] and search(store, "embassy") == []
        store.db.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")


def test_enqueue_alerts_is_idempotent_per_key(tmp_path):
    with Store(tmp_path / "w.db") as store:
        store.db["incidents"].insert(
            {"id": 1, "title": "t", "first_seen": NOW.isoformat(), "updated": NOW.isoformat()}
        )
        assert store.enqueue_alerts(1, 1, "new", ["console", "slack"], NOW) == 2
        assert store.enqueue_alerts(1, 1, "new", ["console", "slack"], NOW) == 0
        assert store.alert_counts() == {"pending": 2}


def search(store: Store, term: str) -> list[int]:
    rows = store.query("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?", [term])
    return sorted(r["rowid"] for r in rows)


def test_articles_are_searchable_once_indexed_and_changes_replace_their_terms(tmp_path):
    with Store(tmp_path / "w.db") as store:
        store.upsert_entries("f", [entry("a", title="Rockets near the embassy")], NOW, content_hash)
        assert search(store, "embassy") == []  # queued, not yet indexed
        assert store.index_pending_articles() == 1
        assert search(store, "embassy") == [1]
        # A changed indexed article: its old terms leave the index, the new ones come in.
        store.upsert_entries(
            "f", [entry("a", title="Drone strike on the airport")], NOW, content_hash
        )
        assert search(store, "embassy") == [] and search(store, "airport") == []
        # Changed twice before indexing: indexed once, with its latest text.
        store.upsert_entries(
            "f", [entry("a", title="Drone strike on Erbil airport")], NOW, content_hash
        )
        assert store.index_pending_articles() == 1
        assert search(store, "airport") == [1] and search(store, "drone") == [1]
        store.db.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
