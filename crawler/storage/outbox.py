"""The alert outbox: one row per alert or daily digest to send on a channel, claimed by one
dispatcher at a time, sent once, retried on failure.

Owns the table ``alerts`` (key ``incident:<id>:<channel>:v<version>``, or ``:withdrawn``, or a
digest's day; state, attempts, claim, payload). Reads ``incidents``, ``incident_articles``,
``articles``, ``counter_ticks``, ``counters``, ``reported_tallies`` and ``polls`` to give a
dispatcher everything one alert or one day's digest shows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from crawler.storage.connection import Connection
from crawler.storage.values import iso, parse_iso
from crawler.types import Alert


class OutboxStore(Connection):
    """The verbs of the alerts table."""

    def enqueue_alerts(
        self,
        incident_id: int,
        version: int,
        kind: str,
        channels: Iterable[str],
        now: datetime,
        payload: dict[str, Any] | None = None,
    ) -> int:
        """Write one pending alert per channel for this incident version; returns how many.

        Call it inside the transaction that created or changed the incident. The key
        ``incident:<id>:<channel>:v<version>`` (``:withdrawn`` for a withdrawal, whatever the
        version) is unique, so enqueuing twice adds nothing.
        """
        added = 0
        body = json.dumps(payload or {}, sort_keys=True, ensure_ascii=False)
        with self.transaction():
            for channel in channels:
                cursor = self.db.execute(
                    "INSERT OR IGNORE INTO alerts (key, channel, kind, incident_id, version, state,"
                    " attempts, next_attempt, created, payload)"
                    " VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)",
                    [
                        alert_key(incident_id, channel, version, kind),
                        channel,
                        kind,
                        incident_id,
                        version,
                        iso(now),
                        iso(now),
                        body,
                    ],
                )
                added += cursor.rowcount
        return added

    def was_alerted(self, incident_id: int) -> bool:
        """Has a "new" alert been queued for this incident (so its updates are worth sending)?"""
        row = self.db.execute(
            "SELECT 1 FROM alerts WHERE incident_id = ? AND kind = 'new' LIMIT 1", [incident_id]
        ).fetchone()
        return row is not None

    def claim_due_alert(
        self, channel: str, now: datetime, claimant: str, lease_expires: datetime
    ) -> Alert | None:
        """Atomically take the next due alert of ``channel`` for ``claimant``, or None.

        Due means pending with its next attempt come, or being sent by a claimant whose lease
        has expired (that dispatcher died or hung). The single UPDATE ... RETURNING is atomic,
        so two dispatchers, in one process or two, never hold the same alert. Each claim
        counts as an attempt, so an alert that keeps killing its dispatcher still runs out.
        """
        with self.transaction():
            row = self.db.execute(
                "UPDATE alerts SET state = 'sending', claimed_by = ?, claim_expires = ?,"
                " attempts = attempts + 1"
                " WHERE id = (SELECT id FROM alerts WHERE channel = ? AND"
                "  ((state = 'pending' AND next_attempt <= ?)"
                "   OR (state = 'sending' AND claim_expires <= ?))"
                "  ORDER BY next_attempt, id LIMIT 1)"
                " RETURNING *",
                [claimant, iso(lease_expires), channel, iso(now), iso(now)],
            )
            columns = [c[0] for c in row.description]
            fetched = row.fetchone()
        return alert_from_row(dict(zip(columns, fetched, strict=True))) if fetched else None

    def mark_alert_sent(self, alert_id: int, now: datetime) -> bool:
        """Record a delivery. The send happened whoever holds the claim now, so it always counts."""
        with self.transaction():
            cursor = self.db.execute(
                "UPDATE alerts SET state = 'sent', sent_at = ?, last_error = NULL,"
                " claimed_by = NULL, claim_expires = NULL WHERE id = ? AND state != 'sent'",
                [iso(now), alert_id],
            )
        return cursor.rowcount == 1

    def mark_alert_failed(
        self, alert_id: int, claimant: str, error: str, retry_at: datetime | None
    ) -> bool:
        """Record a failed attempt: pending again at ``retry_at``, or failed for good if None.

        Only the current claimant may do it: if its lease expired and another dispatcher took
        the alert over, that one's outcome is the one that counts.
        """
        state = "pending" if retry_at is not None else "failed"
        with self.transaction():
            cursor = self.db.execute(
                "UPDATE alerts SET state = ?, last_error = ?,"
                " next_attempt = coalesce(?, next_attempt), claimed_by = NULL, claim_expires = NULL"
                " WHERE id = ? AND state = 'sending' AND claimed_by = ?",
                [state, error, iso(retry_at), alert_id, claimant],
            )
        return cursor.rowcount == 1

    def requeue_alerts(self, now: datetime, alert_id: int | None = None) -> int:
        """Make failed alerts (or the one given, failed or waiting) due now with fresh attempts."""
        where = (
            "state = 'failed'" if alert_id is None else "id = ? AND state IN ('failed', 'pending')"
        )
        with self.transaction():
            cursor = self.db.execute(
                f"UPDATE alerts SET state = 'pending', attempts = 0, next_attempt = ? WHERE {where}",
                [iso(now)] + ([] if alert_id is None else [alert_id]),
            )
        return cursor.rowcount

    def detach_orphan_alerts(self) -> int:
        """Alerts about incidents that no longer exist keep their row but lose the link."""
        cursor = self.db.execute(
            "UPDATE alerts SET incident_id = NULL WHERE incident_id IS NOT NULL"
            " AND incident_id NOT IN (SELECT id FROM incidents)"
        )
        return cursor.rowcount

    def alert(self, alert_id: int) -> Alert | None:
        rows = self.query("SELECT * FROM alerts WHERE id = ?", [alert_id])
        return alert_from_row(rows[0]) if rows else None

    def alert_rows(self, state: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
        """The outbox, newest first, optionally one state only (for ``wirewatch alerts``)."""
        where, params = ("WHERE state = ?", [state]) if state else ("", [])
        return self.query(
            "SELECT id, key, channel, kind, incident_id, version, state, attempts, next_attempt,"
            f" created, sent_at, last_error, claimed_by FROM alerts {where}"
            " ORDER BY id DESC LIMIT ?",
            params + [limit],
        )

    def alert_counts(self) -> dict[str, int]:
        """Outbox size by state (pending, sending, sent, failed)."""
        rows = self.query("SELECT state, count(*) AS n FROM alerts GROUP BY state")
        return {r["state"]: r["n"] for r in rows}

    def alert_context(self, alert_id: int) -> dict[str, Any] | None:
        """Everything needed to render one alert, as plain data, read in one snapshot.

        Keys: ``alert`` (the row, payload decoded), ``incident`` (its current row, or None),
        ``articles`` (title, url, source, feed, lang, published), ``counters`` (ordinal,
        reported tally, counter description; first configured counter first), ``tallies``
        (which source stated which running count) and ``thread_key`` (the key of the first
        alert about this incident on this channel, None when this alert is the first).
        """
        with self.transaction():
            alerts = self.query("SELECT * FROM alerts WHERE id = ?", [alert_id])
            if not alerts:
                return None
            alert = dict(alerts[0], payload=json.loads(alerts[0]["payload"] or "{}"))
            incident_id = alert["incident_id"]
            incidents = self.query("SELECT * FROM incidents WHERE id = ?", [incident_id])
            articles = self.query(
                "SELECT a.id, a.title, a.url, a.source, a.feed, a.lang, a.published"
                " FROM incident_articles ia JOIN articles a ON a.id = ia.article_id"
                " WHERE ia.incident_id = ? ORDER BY a.published, a.id",
                [incident_id],
            )
            counters = self.query(
                "SELECT t.counter, t.ordinal, t.reported, t.assigned_at, c.description"
                " FROM counter_ticks t LEFT JOIN counters c ON c.name = t.counter"
                " WHERE t.incident_id = ? ORDER BY c.rowid, t.counter",
                [incident_id],
            )
            tallies = self.query(
                "SELECT r.n, r.scope, a.source, a.feed FROM reported_tallies r"
                " JOIN articles a ON a.id = r.article_id WHERE r.incident_id = ? AND r.rank = 1"
                " ORDER BY a.published, a.id",
                [incident_id],
            )
            first = self.query(
                "SELECT key FROM alerts WHERE incident_id = ? AND channel = ?"
                " AND kind IN ('new', 'update') ORDER BY version, id LIMIT 1",
                [incident_id, alert["channel"]],
            )
        thread_key = first[0]["key"] if first and first[0]["key"] != alert["key"] else None
        return {
            "alert": alert,
            "incident": incidents[0] if incidents else None,
            "articles": articles,
            "counters": counters,
            "tallies": tallies,
            "thread_key": thread_key,
        }

    # -- daily digests (crawler.alerts.digest) -----------------------------------------------

    def last_digest_day(self, channel: str) -> date | None:
        """The day of the latest digest enqueued for ``channel`` (keys end with the day)."""
        row = self.db.execute(
            "SELECT max(key) FROM alerts WHERE channel = ? AND kind = 'digest'", [channel]
        ).fetchone()
        return date.fromisoformat(row[0].rsplit(":", 1)[1]) if row and row[0] else None

    def enqueue_digest(self, channel: str, key: str, payload: dict[str, Any], now: datetime) -> int:
        """One pending digest; its unique key makes a second enqueue add nothing (returns 0)."""
        with self.transaction():
            cursor = self.db.execute(
                "INSERT OR IGNORE INTO alerts (key, channel, kind, incident_id, version, state,"
                " attempts, next_attempt, created, payload)"
                " VALUES (?, ?, 'digest', NULL, 1, 'pending', 0, ?, ?, ?)",
                [key, channel, iso(now), iso(now), json.dumps(payload, sort_keys=True)],
            )
        return cursor.rowcount

    def digest_is_empty(self, start: datetime, end: datetime) -> bool:
        """No incident first seen and no poll failed in [start, end)."""
        row = self.db.execute(
            "SELECT EXISTS (SELECT 1 FROM incidents WHERE merged_into IS NULL"
            "  AND withdrawn IS NULL AND first_seen >= ? AND first_seen < ?)"
            " OR EXISTS (SELECT 1 FROM polls WHERE status = 'error'"
            "  AND started >= ? AND started < ?)",
            [iso(start), iso(end), iso(start), iso(end)],
        ).fetchone()
        return not row[0]

    def digest_facts(self, start: datetime, end: datetime) -> dict[str, Any]:
        """What happened in [start, end), read in one snapshot: ``incidents`` first seen then
        (live ones, by event time), their counter ``ticks`` (with the counter's description and
        the incident's title) and the ``failed_feeds`` (failed polls per feed, last error)."""
        window = [iso(start), iso(end)]
        with self.transaction():
            incidents = self.query(
                "SELECT id, title, event_time, time_precision, place_name, governorate,"
                " attack_type, killed, wounded, us_interest FROM incidents"
                " WHERE merged_into IS NULL AND withdrawn IS NULL"
                " AND first_seen >= ? AND first_seen < ?"
                " ORDER BY coalesce(event_time, first_seen), id",
                window,
            )
            ticks = self.query(
                "SELECT t.counter, c.description, t.ordinal, t.reported, t.mismatch,"
                " i.id AS incident_id, i.title FROM counter_ticks t"
                " JOIN incidents i ON i.id = t.incident_id"
                " LEFT JOIN counters c ON c.name = t.counter"
                " WHERE i.merged_into IS NULL AND i.withdrawn IS NULL"
                " AND i.first_seen >= ? AND i.first_seen < ?"
                " ORDER BY c.rowid, t.counter, t.ordinal",
                window,
            )
            failed_feeds = self.query(
                "SELECT p.feed, count(*) AS failures, (SELECT q.error FROM polls q"
                "  WHERE q.feed = p.feed AND q.status = 'error' AND q.started >= ?"
                "  AND q.started < ? ORDER BY q.started DESC LIMIT 1) AS last_error"
                " FROM polls p WHERE p.status = 'error' AND p.started >= ? AND p.started < ?"
                " GROUP BY p.feed ORDER BY failures DESC, p.feed",
                window + window,
            )
        return {"incidents": incidents, "ticks": ticks, "failed_feeds": failed_feeds}


def alert_key(incident_id: int, channel: str, version: int, kind: str = "new") -> str:
    """The idempotence key of an alert: one incident version is sent once per channel, and a
    withdrawal once per incident and channel."""
    if kind == "withdrawn":
        return f"incident:{incident_id}:{channel}:withdrawn"
    return f"incident:{incident_id}:{channel}:v{version}"


def alert_from_row(row: dict[str, Any]) -> Alert:
    return Alert(
        id=row["id"],
        key=row["key"],
        channel=row["channel"],
        kind=row["kind"],
        incident_id=row["incident_id"],
        version=row["version"],
        state=row["state"],
        attempts=row["attempts"],
        next_attempt=parse_iso(row["next_attempt"]),
        created=parse_iso(row["created"]),
        payload=json.loads(row["payload"] or "{}"),
        last_error=row["last_error"],
        sent_at=parse_iso(row["sent_at"]),
    )
