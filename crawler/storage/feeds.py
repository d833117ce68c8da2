"""Feeds and their polls: which feeds are configured and due, and what each poll found.

Owns the tables ``feeds`` (one row per configured feed: its URL, conditional-GET validators,
health, next poll and the WebSub hub its last document named) and ``polls`` (one row per poll).
Reads no other table. Pushed deliveries and WebSub subscriptions are :mod:`crawler.storage.push`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from crawler.storage.connection import Connection
from crawler.storage.values import iso, iso_values, parse_iso
from crawler.types import PollResult


class FeedStore(Connection):
    """The verbs of the feeds and polls tables."""

    def sync_feeds(self, feeds: Iterable[tuple[str, str | None, bool]]) -> None:
        """Make the feeds table match the configuration: (name, url, enabled) per feed.

        Feeds dropped from the config are kept (their articles refer to them) but disabled.
        A changed URL resets the conditional-GET validators. A feed without a URL (fed by
        push or spool only) is stored with an empty one and is never due for a poll.
        """
        feeds = [(name, url or "", enabled) for name, url, enabled in feeds]
        names = {name for name, _, _ in feeds}
        with self.transaction():
            # One read of them all: a query per feed was a tenth of a second per batch at
            # 2,000 feeds, paid by every poll child before its first request.
            stored = {
                row["name"]: row for row in self._stream("SELECT name, url, enabled FROM feeds")
            }
            for name, url, enabled in feeds:
                row = stored.get(name)
                if row is None:
                    self.db["feeds"].insert({"name": name, "url": url, "enabled": int(enabled)})
                elif row["url"] != url:
                    self.db["feeds"].update(
                        name,
                        {
                            "url": url,
                            "enabled": int(enabled),
                            "etag": None,
                            "last_modified": None,
                            "body_hash": None,
                        },
                    )
                elif row["enabled"] != int(enabled):
                    self.db["feeds"].update(name, {"enabled": int(enabled)})
            for name, row in stored.items():
                if row["enabled"] and name not in names:
                    self.db["feeds"].update(name, {"enabled": 0})

    def feed_row(self, name: str) -> dict[str, Any] | None:
        rows = self.query("SELECT * FROM feeds WHERE name = ?", [name])
        return rows[0] if rows else None

    def feed_rows(self) -> list[dict[str, Any]]:
        return self.query("SELECT * FROM feeds ORDER BY name")

    def due_feeds(self, now: datetime) -> list[str]:
        """Enabled, polled feeds never polled or whose next poll time has come."""
        return list(self.poll_schedule(now))

    def poll_schedule(self, until: datetime) -> dict[str, datetime | None]:
        """Enabled, polled feeds never polled (None) or whose next poll comes by ``until``:
        name -> next poll, by name."""
        rows = self.query(
            "SELECT name, next_poll FROM feeds WHERE enabled = 1 AND url != ''"
            " AND (next_poll IS NULL OR next_poll <= ?) ORDER BY name",
            [iso(until)],
        )
        return {r["name"]: parse_iso(r["next_poll"]) for r in rows}

    def record_poll(self, result: PollResult, feed_update: dict[str, Any]) -> None:
        """Store one poll and the feed state it leads to, in one transaction.

        Plain SQL: sqlite-utils' insert() and update() introspect the table on every call, a
        third of the cost of recording a 304 (bench/poll.py, conditional pass).
        """
        with self.transaction():
            self._insert_poll(result)
            if feed_update:
                values = iso_values(feed_update)
                assignments = ", ".join(f"{column} = ?" for column in values)
                self.db.execute(
                    f"UPDATE feeds SET {assignments} WHERE name = ?",
                    [*values.values(), result.feed],
                )

    def ensure_feed(self, name: str, url: str) -> None:
        """Add a feed that is not in the configuration (a replayed file) if it is missing.

        It is added disabled, so ``sync_feeds`` and ``due_feeds`` never poll it.
        """
        with self.transaction():
            self.db.execute(
                "INSERT OR IGNORE INTO feeds (name, url, enabled) VALUES (?, ?, 0)", [name, url]
            )

    def polls_since(self, moment: datetime) -> int:
        """How many polls started at or after ``moment`` (progress of a running batch)."""
        return self.db.execute(
            "SELECT count(*) FROM polls WHERE started >= ?", [iso(moment)]
        ).fetchone()[0]

    def _insert_poll(self, result: PollResult) -> None:
        self.db.execute(
            "INSERT INTO polls (feed, started, duration_s, status, http_status, bytes, new,"
            " updated, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                result.feed,
                iso(result.started),
                round(result.duration_s, 4),
                result.status,
                result.http_status,
                result.bytes,
                result.new,
                result.updated,
                result.error,
            ],
        )

    def websub_adverts(self) -> dict[str, tuple[str | None, str | None]]:
        """Feed -> (hub, topic) its last parsed document named, for every feed that named one."""
        rows = self.db.execute(
            "SELECT name, websub_hub, websub_topic FROM feeds WHERE websub_hub IS NOT NULL"
        ).fetchall()
        return {name: (hub, topic) for name, hub, topic in rows}

    def poll_feed_now(self, feed: str, now: datetime) -> None:
        """Bring a feed's next poll forward to ``now`` (its WebSub subscription lapsed, so its
        slow safety-net schedule no longer holds)."""
        with self.transaction():
            self.db.execute(
                "UPDATE feeds SET next_poll = ? WHERE name = ? AND (next_poll IS NULL OR"
                " next_poll > ?)",
                [iso(now), feed, iso(now)],
            )
