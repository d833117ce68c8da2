"""The database's upkeep: the daemon's heartbeat, the deferred full-text indexing of articles and
incidents, and the row counts ``wirewatch status`` shows.

Owns the tables ``heartbeat`` (one row per running daemon: pid, last beat, state),
``search_index`` (the id up to which articles are indexed), ``articles_fts_queue`` and
``incidents_fts_queue`` (changed rows waiting to be indexed again, filled by the triggers of
migrations 7 and 11) and the FTS5 indexes ``articles_fts`` and ``incidents_fts``. Reads
``articles`` and ``incidents`` to index them, and counts the rows of ``feeds``, ``articles``,
``incidents`` and ``alerts``.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from crawler.storage.connection import Connection
from crawler.storage.values import iso


class UpkeepStore(Connection):
    """The verbs of the heartbeat, the search indexes and their queues."""

    def beat(
        self, name: str, pid: int, started: datetime, now: datetime, state: dict[str, Any]
    ) -> None:
        with self.transaction():
            self.db["heartbeat"].upsert(
                {
                    "name": name,
                    "pid": pid,
                    "started": iso(started),
                    "beat": iso(now),
                    "state": json.dumps(state, sort_keys=True),
                },
                pk="name",
            )

    def heartbeat(self, name: str = "daemon") -> dict[str, Any] | None:
        rows = self.query("SELECT * FROM heartbeat WHERE name = ?", [name])
        return rows[0] if rows else None

    def index_pending_articles(self) -> int:
        """Add new and changed articles to the full-text index; returns how many.

        New: above the ``search_index`` watermark; changed: queued by the update trigger
        (migration 11). One transaction, so no article is stored between the two reads.
        """
        with self.transaction():
            upto = self.db.execute(
                "SELECT indexed_upto FROM search_index WHERE name = 'articles'"
            ).fetchone()[0]
            indexed = self.db.execute(
                "INSERT INTO articles_fts (rowid, title, summary, text)"
                " SELECT id, title, summary, text FROM articles WHERE id > ?"
                " UNION ALL SELECT a.id, a.title, a.summary, a.text"
                " FROM articles_fts_queue q JOIN articles a ON a.id = q.article_id",
                [upto],
            ).rowcount
            self.db.execute(
                "UPDATE search_index SET indexed_upto = (SELECT coalesce(max(id), ?) FROM articles)"
                " WHERE name = 'articles'",
                [upto],
            )
            self.db.execute("DELETE FROM articles_fts_queue")
            return indexed

    def index_pending_incidents(self) -> int:
        """Add queued new or changed incidents to the full-text index; returns how many."""
        with self.transaction():
            self.db.execute(
                "INSERT INTO incidents_fts (rowid, title, place_name, governorate, attack_type,"
                " target, claimed_by, blamed_on) SELECT i.id, i.title, i.place_name,"
                " i.governorate, i.attack_type, i.target, i.claimed_by, i.blamed_on"
                " FROM incidents_fts_queue q JOIN incidents i ON i.id = q.incident_id"
            )
            return self.db.execute("DELETE FROM incidents_fts_queue").rowcount

    def table_counts(self) -> dict[str, int]:
        return {
            name: self.db.execute(f"SELECT count(*) FROM [{name}]").fetchone()[0]
            for name in ("feeds", "articles", "incidents", "alerts")
        }
