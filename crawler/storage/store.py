"""The Store: one object with the verbs of every aggregate, over one connection.

Each aggregate's verbs are a class of its own module (:class:`FeedStore`, :class:`ArticleStore`
...), a subclass of :class:`crawler.storage.connection.Connection` that writes only its own
tables; :class:`Store` inherits them all, so its verbs share one connection and one
transaction, and callers say ``store.upsert_entries(...)`` as they always did. Each part is a
complete store on its own too (``OutboxStore(path)`` opens the file with the outbox's verbs
only). What belongs here is only the verbs that span aggregates, made of each part's own
writes: linking an article to an incident, and forgetting everything processing derived.

What this module does NOT do: hold SQL of a table, or decide anything. Which article
duplicates which, which incident an article joins, when an alert is due: those are decided by the
pure modules and handed here to be stored.
"""

from __future__ import annotations

from datetime import datetime

from crawler.storage.articles import ArticleStore
from crawler.storage.counters import CounterStore
from crawler.storage.extractions import ExtractionStore
from crawler.storage.feeds import FeedStore
from crawler.storage.incidents import IncidentStore
from crawler.storage.outbox import OutboxStore
from crawler.storage.push import PushStore
from crawler.storage.upkeep import UpkeepStore


class Store(
    FeedStore,
    PushStore,
    ArticleStore,
    ExtractionStore,
    IncidentStore,
    CounterStore,
    OutboxStore,
    UpkeepStore,
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
