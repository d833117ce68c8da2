"""Counters and their ticks: the configured running counts of attacks and the ordinal each
incident holds on each.

Owns the tables ``counters`` (the configured definitions) and ``counter_ticks`` (one row per
counter and incident: its ordinal, the tally an article reported, whether the two disagree).
Reads ``incidents`` for the incident holding an ordinal and for the reports.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from crawler.storage.connection import Connection
from crawler.storage.incidents import incident_from_row
from crawler.storage.values import iso, parse_iso
from crawler.types import CounterTick, Incident


class CounterStore(Connection):
    """The verbs of the counters and counter_ticks tables."""

    def sync_counters(self, counters: Iterable[dict[str, Any]]) -> None:
        """Store the configured counters' definitions (name, description, since, start, filter)."""
        with self.transaction():
            for counter in counters:
                row = dict(counter, filter=json.dumps(counter.get("filter", {}), sort_keys=True))
                self.db["counters"].upsert(row, pk="name")

    def counter_definitions(self) -> list[dict[str, Any]]:
        """The stored counters as configured (filter decoded from JSON)."""
        rows = self.query("SELECT name, description, since, start, filter FROM counters")
        return [dict(r, filter=json.loads(r["filter"])) for r in rows]

    def counter_ticks(self, counter: str) -> list[CounterTick]:
        rows = self.query(
            "SELECT * FROM counter_ticks WHERE counter = ? ORDER BY ordinal", [counter]
        )
        return [tick_from_row(r) for r in rows]

    def counter_tick(self, counter: str, incident_id: int) -> CounterTick | None:
        rows = self.query(
            "SELECT * FROM counter_ticks WHERE counter = ? AND incident_id = ?",
            [counter, incident_id],
        )
        return tick_from_row(rows[0]) if rows else None

    def last_counted_incident(self, counter: str) -> Incident | None:
        """The incident holding the counter's highest ordinal (by index)."""
        rows = self.query(
            "SELECT i.* FROM counter_ticks t JOIN incidents i ON i.id = t.incident_id"
            " WHERE t.counter = ? ORDER BY t.ordinal DESC LIMIT 1",
            [counter],
        )
        return incident_from_row(rows[0]) if rows else None

    def incident_with_ordinal(self, counter: str, ordinal: int) -> Incident | None:
        rows = self.query(
            "SELECT i.* FROM counter_ticks t JOIN incidents i ON i.id = t.incident_id"
            " WHERE t.counter = ? AND t.ordinal = ?",
            [counter, ordinal],
        )
        return incident_from_row(rows[0]) if rows else None

    def incident_ordinals(self, incident_id: int) -> dict[str, int]:
        """counter name -> this incident's ordinal on it."""
        rows = self.db.execute(
            "SELECT counter, ordinal FROM counter_ticks WHERE incident_id = ? ORDER BY counter",
            [incident_id],
        ).fetchall()
        return {r[0]: r[1] for r in rows}

    def save_ticks(self, ticks: Iterable[CounterTick]) -> None:
        """Insert or overwrite ticks (reported tally and mismatch flag included)."""
        self.db.conn.executemany(
            "INSERT INTO counter_ticks (counter, incident_id, ordinal, assigned_at, reported,"
            " mismatch) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(counter, incident_id) DO UPDATE SET"
            " ordinal = excluded.ordinal, assigned_at = excluded.assigned_at,"
            " reported = excluded.reported, mismatch = excluded.mismatch",
            [
                (
                    t.counter,
                    t.incident_id,
                    t.ordinal,
                    iso(t.assigned_at),
                    t.reported,
                    int(t.mismatch),
                )  # fmt: skip
                for t in ticks
            ],
        )

    def replace_counter_ticks(self, counter: str, ticks: list[CounterTick]) -> None:
        """Make the counter's ticks exactly ``ticks`` (after a recomputation)."""
        keep = [t.incident_id for t in ticks]
        self.db.execute(
            "DELETE FROM counter_ticks WHERE counter = ? AND incident_id NOT IN"
            " (SELECT value FROM json_each(?))",
            [counter, json.dumps(keep)],
        )
        self.save_ticks(ticks)

    def tally_mismatches(self, counter: str | None = None) -> list[dict[str, Any]]:
        """Ticks where the tally an article stated differs from our ordinal, latest first."""
        return self.query(
            "SELECT t.counter, t.ordinal, t.reported, t.incident_id, i.event_time, i.title,"
            " i.place_name FROM counter_ticks t JOIN incidents i ON i.id = t.incident_id"
            " WHERE t.mismatch = 1 AND (:counter IS NULL OR t.counter = :counter)"
            " ORDER BY t.counter, t.ordinal DESC",
            {"counter": counter},
        )

    def counter_summaries(self) -> list[dict[str, Any]]:
        """Per counter: its definition, incidents counted, current value and tally mismatches."""
        return self.query(
            "SELECT c.name, c.description, c.since, c.start,"
            " count(t.id) AS incidents, c.start + count(t.id) AS value,"
            " max(t.assigned_at) AS last_tick, coalesce(sum(t.mismatch), 0) AS mismatches"
            " FROM counters c LEFT JOIN counter_ticks t ON t.counter = c.name"
            " GROUP BY c.name ORDER BY c.name"
        )

    def counted_by(self, counter: str, moment: str) -> int:
        """How many incidents the counter had counted whose event came at or before ``moment``
        (an ISO time): its value then, less its ``start``."""
        return self.db.execute(
            "SELECT count(*) FROM counter_ticks t JOIN incidents i ON i.id = t.incident_id"
            " WHERE t.counter = ? AND i.event_time <= ?",
            [counter, moment],
        ).fetchone()[0]

    def counter_history(self, counter: str, limit: int = 50) -> list[dict[str, Any]]:
        """The latest ticks of one counter with their incident, newest first."""
        return self.query(
            "SELECT t.ordinal, t.assigned_at, t.reported, t.mismatch, i.id AS incident_id,"
            " i.event_time, i.title, i.place_name, i.attack_type, i.target"
            " FROM counter_ticks t JOIN incidents i ON i.id = t.incident_id"
            " WHERE t.counter = ? ORDER BY t.ordinal DESC LIMIT ?",
            [counter, limit],
        )

    def _clear_ticks(self) -> None:
        self.db.execute("DELETE FROM counter_ticks")


def tick_from_row(row: dict[str, Any]) -> CounterTick:
    return CounterTick(
        counter=row["counter"],
        incident_id=row["incident_id"],
        ordinal=row["ordinal"],
        assigned_at=parse_iso(row["assigned_at"]),
        reported=row["reported"],
    )
