"""What comes without a poll: documents pushed over HTTP or dropped in a spool folder, and the
WebSub subscriptions that make hubs push.

Owns the tables ``deliveries`` (one row per accepted body per feed: how it came, when, what it
stored) and ``websub_subscriptions`` (one per feed: hub, topic, state, lease). Reads no other
table; the hub a feed's document named is a column of ``feeds`` (:mod:`crawler.storage.feeds`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from crawler.storage.connection import Connection
from crawler.storage.values import iso, iso_values, parse_iso


class PushStore(Connection):
    """The verbs of the deliveries and websub_subscriptions tables."""

    def delivery_seen(self, feed: str, body_hash: str) -> bool:
        """Were these bytes (by hash) already stored for this feed?"""
        return (
            self.db.execute(
                "SELECT 1 FROM deliveries WHERE feed = ? AND body_hash = ?", [feed, body_hash]
            ).fetchone()
            is not None
        )

    def record_delivery(
        self, feed: str, via: str, body_hash: str, now: datetime, origin: str | None, size: int
    ) -> bool:
        """Record an accepted body; False when the same bytes were recorded for the feed."""
        with self.transaction():
            cursor = self.db.execute(
                "INSERT OR IGNORE INTO deliveries (feed, via, body_hash, received, origin, bytes)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [feed, via, body_hash, iso(now), origin, size],
            )
        return cursor.rowcount == 1

    def count_delivery(self, feed: str, body_hash: str, new: int, updated: int) -> None:
        with self.transaction():
            self.db.execute(
                "UPDATE deliveries SET new = ?, updated = ? WHERE feed = ? AND body_hash = ?",
                [new, updated, feed, body_hash],
            )

    def last_deliveries(self) -> dict[str, dict[str, str]]:
        """Feed -> way of delivery -> when the last document came that way."""
        rows = self.db.execute(
            "SELECT feed, via, max(received) FROM deliveries GROUP BY feed, via"
        ).fetchall()
        found: dict[str, dict[str, str]] = {}
        for feed, via, received in rows:
            found.setdefault(feed, {})[via] = received
        return found

    def websub_subscription(self, feed: str) -> dict[str, Any] | None:
        rows = self.query("SELECT * FROM websub_subscriptions WHERE feed = ?", [feed])
        return rows[0] if rows else None

    def websub_subscriptions(self) -> dict[str, dict[str, Any]]:
        return {r["feed"]: r for r in self.query("SELECT * FROM websub_subscriptions")}

    def save_websub_subscription(self, feed: str, values: dict[str, Any]) -> None:
        """Update a feed's subscription with the given columns, or create it (then ``hub``,
        ``topic`` and ``state`` must be among them)."""
        values = iso_values(values)
        with self.transaction():
            assignments = ", ".join(f"{column} = ?" for column in values)
            cursor = self.db.execute(
                f"UPDATE websub_subscriptions SET {assignments} WHERE feed = ?",
                [*values.values(), feed],
            )
            if cursor.rowcount == 0:
                columns = ["feed", *values]
                self.db.execute(
                    f"INSERT INTO websub_subscriptions ({', '.join(columns)})"
                    f" VALUES ({', '.join('?' * len(columns))})",
                    [feed, *values.values()],
                )

    def forget_websub_subscription(self, feed: str) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM websub_subscriptions WHERE feed = ?", [feed])

    def websub_lease_end(self, feed: str) -> datetime | None:
        """When the feed's verified subscription ends (None: none verified)."""
        row = self.db.execute(
            "SELECT lease_end FROM websub_subscriptions WHERE feed = ? AND state = 'verified'",
            [feed],
        ).fetchone()
        return parse_iso(row[0]) if row else None
