"""The Store: one database file with every verb of wirewatch's tables.

What this module does NOT do: decide anything. Which article duplicates which, which incident an
article joins, when an alert is due: those are decided by the pure modules and handed here to be
stored.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from crawler.storage.articles import ArticleStore
from crawler.storage.counters import CounterStore
from crawler.storage.extractions import ExtractionStore
from crawler.storage.feeds import FeedStore
from crawler.storage.incidents import IncidentStore
from crawler.storage.outbox import OutboxStore
from crawler.storage.push import PushStore
from crawler.storage.values import iso


class Store(
    FeedStore, PushStore, ArticleStore, ExtractionStore, IncidentStore, CounterStore, OutboxStore
):
    """A wirewatch database file. Use as a context manager or call :meth:`close`."""

    # -- verbs that span aggregates: each part writes its own tables -------------------------

    def link_article(self, article_id: int, incident_id: int, reason: str, now: datetime) -> None:
        """Attach an article to an incident (replacing an earlier link), count it there, and
        count the tally it stated (if any) for that incident."""
        self._attach_article(article_id, incident_id, reason, now)
        self._file_tally(article_id, incident_id)

    def reset_processing(self) -> None:
        """Forget everything derived from the articles (extractions, duplicate links, incidents,
        counter ticks, tallies, the LSH index) and queue every article again. The outbox is kept.
        Call it in the transaction that rebuilds, then :meth:`detach_orphan_alerts`."""
        # Incidents are rebuilt with the same ids when the result is the same; the outbox
        # still refers to them, so foreign keys are checked at commit, not row by row.
        self.db.execute("PRAGMA defer_foreign_keys = ON")
        self._clear_ticks()
        self._clear_tallies()
        self._clear_incidents()
        self._clear_extractions()
        self._clear_dedup()

    # -- articles ----------------------------------------------------------------------------

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

    # -- outbox ------------------------------------------------------------------------------

    # -- daily digests (crawler.alerts.digest) -----------------------------------------------

    # -- processing: extraction, dedup, incidents, counters, tallies -------------------------
    # Called by crawler.pipeline inside its one-transaction-per-article.

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

    # -- reporting (read-only views for the CLI, exports and browsing) ----------------------

    def table_counts(self) -> dict[str, int]:
        return {
            name: self.db.execute(f"SELECT count(*) FROM [{name}]").fetchone()[0]
            for name in ("feeds", "articles", "incidents", "alerts")
        }

    # -- health ------------------------------------------------------------------------------

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
