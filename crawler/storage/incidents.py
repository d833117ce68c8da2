"""Incidents: the events reports are merged into, which articles tell each one, how each
changed, and the splits and merges an analyst made by hand.

Owns the tables ``incidents`` (one row per incident, ``merged_into`` set when it was folded into
another, ``withdrawn`` set while every report of it is withheld or canceled by its agency), ``incident_articles`` (an article's link to its incident), ``incident_changes`` (one
row per changed field per version) and ``corrections`` (manual splits and merges, by article).
Reads ``articles`` and ``extractions`` for an incident's coverage, supporting reports, outlets
and publication order, and ``counter_ticks`` for the export's ordinals. The incidents' full-text
index is kept by :mod:`crawler.storage.upkeep`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from crawler.storage.connection import Connection
from crawler.storage.values import iso, parse_iso
from crawler.types import VICINITY, Incident, Place


class IncidentStore(Connection):
    """The verbs of the incidents, incident_articles, incident_changes and corrections tables."""

    def incident(self, incident_id: int) -> Incident | None:
        rows = self.query("SELECT * FROM incidents WHERE id = ?", [incident_id])
        return incident_from_row(rows[0]) if rows else None

    def incident_of_article(self, article_id: int) -> int | None:
        row = self.db.execute(
            "SELECT incident_id FROM incident_articles WHERE article_id = ?", [article_id]
        ).fetchone()
        return row[0] if row else None

    def incidents_between(
        self,
        start: datetime,
        end: datetime,
        near: Place | None = None,
        span_deg: tuple[float, float] = (0.0, 0.0),
    ) -> list[Incident]:
        """Live (not merged away) incidents whose event time is in [start, end], by the index.
        Withdrawn ones are among them: a new report of the event brings one back.

        With ``near``, only those whose place could be the same scene: no place or only the
        country, a town's vicinity (it reaches far), the same place, the same governorate, the
        city ``near`` lies in or a place lying in the city ``near`` is, or a point within
        ``span_deg`` (degrees of latitude, of longitude) of ``near``'s point. A superset of what
        ``crawler.incidents.place_relation`` accepts: it filters, the pure function decides.
        Names compare as SQLite's NOCASE does (ASCII case only).
        """
        sql = "SELECT * FROM incidents WHERE event_time BETWEEN ? AND ? AND merged_into IS NULL"
        params: list[Any] = [iso(start), iso(end)]
        if near is not None:
            lat_span, lon_span = span_deg
            sql += (
                " AND (place_id IS NULL OR place_kind IN ('country', ?) OR place_id = ?"
                " OR governorate = ? COLLATE NOCASE OR place_city = ? COLLATE NOCASE"
                " OR (place_kind = 'city' AND place_name = ? COLLATE NOCASE)"
                " OR (latitude BETWEEN ? AND ? AND longitude BETWEEN ? AND ?))"
            )
            params += [VICINITY, near.id, near.governorate, near.name, near.city]
            params += [near.lat - lat_span, near.lat + lat_span]
            params += [near.lon - lon_span, near.lon + lon_span]
        return [incident_from_row(r) for r in self._stream(sql + " ORDER BY id", params)]

    def live_incidents_since(self, start: datetime) -> list[Incident]:
        rows = self.query(
            "SELECT * FROM incidents WHERE event_time >= ? AND merged_into IS NULL ORDER BY id",
            [iso(start)],
        )
        return [incident_from_row(r) for r in rows]

    def save_incident(self, incident: Incident) -> int:
        """Insert a new incident (id 0) or overwrite a stored one; returns its id."""
        values = {
            "title": incident.title,
            "event_time": iso(incident.event_time),
            "time_precision": incident.time_precision,
            "place_id": incident.place_id,
            "place_name": incident.place_name,
            "governorate": incident.governorate,
            "latitude": incident.lat,
            "longitude": incident.lon,
            "place_kind": incident.place_kind,
            "place_city": incident.place_city,
            "attack_type": incident.attack_type,
            "target": incident.target,
            "us_interest": int(incident.us_interest),
            "killed": incident.killed,
            "wounded": incident.wounded,
            "claimed_by": incident.claimed_by,
            "blamed_on": incident.blamed_on,
            "languages": ",".join(incident.languages),
            "sources": incident.sources,
            "first_seen": iso(incident.first_seen),
            "updated": iso(incident.updated),
            "version": incident.version,
            "withdrawn": iso(incident.withdrawn),
        }
        # Plain SQL: sqlite-utils' update() and insert() introspect the table on every call,
        # a third of the cost of saving an incident once per processed article.
        if incident.id:
            assignments = ", ".join(f"{column} = ?" for column in values)
            self.db.execute(
                f"UPDATE incidents SET {assignments} WHERE id = ?", [*values.values(), incident.id]
            )
            return incident.id
        columns, marks = ", ".join(values), ", ".join("?" * len(values))
        cursor = self.db.execute(
            f"INSERT INTO incidents ({columns}) VALUES ({marks})", list(values.values())
        )
        return cursor.lastrowid

    def _attach_article(
        self, article_id: int, incident_id: int, reason: str, now: datetime
    ) -> None:
        """Attach an article to an incident (replacing an earlier link) and count it there."""
        previous = self.incident_of_article(article_id)
        self.db.execute(
            "INSERT OR REPLACE INTO incident_articles (article_id, incident_id, reason, added)"
            " VALUES (?, ?, ?, ?)",
            [article_id, incident_id, reason, iso(now)],
        )
        for changed in {previous, incident_id} - {None}:
            self.db.execute(
                "UPDATE incidents SET articles ="
                " (SELECT count(*) FROM incident_articles WHERE incident_id = ?) WHERE id = ?",
                [changed, changed],
            )

    def incident_article_ids(self, incident_id: int) -> list[int]:
        rows = self.db.execute(
            "SELECT i.article_id FROM incident_articles i JOIN articles a ON a.id = i.article_id"
            " WHERE i.incident_id = ? ORDER BY a.published, a.id",
            [incident_id],
        ).fetchall()
        return [r[0] for r in rows]

    def incident_coverage(self, incident_id: int) -> tuple[tuple[str, ...], int]:
        """(languages, number of distinct outlets) of the articles attached to an incident."""
        row = self.db.execute(
            "SELECT group_concat(DISTINCT e.lang), count(DISTINCT coalesce(a.source, a.feed, a.id))"
            " FROM incident_articles i JOIN articles a ON a.id = i.article_id"
            " LEFT JOIN extractions e ON e.article_id = i.article_id WHERE i.incident_id = ?",
            [incident_id],
        ).fetchone()
        languages = tuple(sorted(set((row[0] or "").split(",")) - {""}))
        return languages, row[1]

    def first_published(self, incident_id: int) -> datetime | None:
        row = self.db.execute(
            "SELECT min(a.published) FROM incident_articles i JOIN articles a"
            " ON a.id = i.article_id WHERE i.incident_id = ?",
            [incident_id],
        ).fetchone()
        return parse_iso(row[0])

    def supporting_reports(self, incident_id: int) -> int:
        """How many of an incident's articles still speak for it: reports (relevant
        extractions) that their agency has not withdrawn."""
        return self.db.execute(
            "SELECT count(*) FROM incident_articles i JOIN articles a ON a.id = i.article_id"
            " JOIN extractions e ON e.article_id = i.article_id"
            " WHERE i.incident_id = ? AND e.relevant = 1 AND a.pub_status IS NULL",
            [incident_id],
        ).fetchone()[0]

    def mark_merged(self, incident_id: int, into: int, now: datetime) -> None:
        self.db.execute(
            "UPDATE incidents SET merged_into = ?, updated = ?, articles = 0 WHERE id = ?",
            [into, iso(now), incident_id],
        )

    def merged_into(self, incident_id: int) -> int | None:
        row = self.db.execute(
            "SELECT merged_into FROM incidents WHERE id = ?", [incident_id]
        ).fetchone()
        return row[0] if row else None

    def record_incident_changes(
        self,
        incident_id: int,
        version: int,
        article_id: int | None,
        changes: Iterable[dict[str, Any]],
        now: datetime,
    ) -> None:
        """One incident_changes row per changed field ({field, old, new})."""
        self.db.conn.executemany(
            "INSERT INTO incident_changes (incident_id, at, version, article_id, field, old, new)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    incident_id,
                    iso(now),
                    version,
                    article_id,
                    c["field"],
                    _text(c["old"]),
                    _text(c["new"]),
                )  # fmt: skip
                for c in changes
            ],
        )

    def record_correction(
        self,
        kind: str,
        article_ids: Iterable[int],
        other_article_ids: Iterable[int],
        now: datetime,
    ) -> int:
        """Remember a manual split or merge by the articles involved; returns its id."""
        cursor = self.db.execute(
            "INSERT INTO corrections (kind, made_at, article_ids, other_article_ids)"
            " VALUES (?, ?, ?, ?)",
            [kind, iso(now), json.dumps(list(article_ids)), json.dumps(list(other_article_ids))],
        )
        return cursor.lastrowid

    def corrections(self) -> list[dict[str, Any]]:
        """Every manual correction in the order it was made (article id lists decoded)."""
        return [
            dict(
                r,
                article_ids=json.loads(r["article_ids"]),
                other_article_ids=json.loads(r["other_article_ids"]),
            )
            for r in self._stream("SELECT * FROM corrections ORDER BY id")
        ]

    def latest_incidents(self, limit: int = 20) -> list[dict[str, Any]]:
        """Most recent live incidents (not merged away nor withdrawn), newest event first."""
        return self.query(
            "SELECT * FROM incidents WHERE merged_into IS NULL AND withdrawn IS NULL"
            " ORDER BY coalesce(event_time, first_seen) DESC, id DESC LIMIT ?",
            [limit],
        )

    def incidents_for_export(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        *,
        withdrawn: bool = False,
    ) -> Iterator[dict[str, Any]]:
        """Live incidents that happened (or, time unknown, were first seen) in [since, until),
        either bound optional, with their counter ordinals and outlets, oldest first, streamed.
        Withdrawn incidents only with ``withdrawn``."""
        yield from self._stream(
            "SELECT i.*, (SELECT group_concat(t.counter || '#' || t.ordinal, ' ')"
            " FROM counter_ticks t WHERE t.incident_id = i.id) AS counters,"
            " (SELECT group_concat(DISTINCT coalesce(a.source, a.feed))"
            "  FROM incident_articles ia JOIN articles a ON a.id = ia.article_id"
            "  WHERE ia.incident_id = i.id) AS outlets"
            " FROM incidents i WHERE i.merged_into IS NULL"
            " AND (:withdrawn OR i.withdrawn IS NULL)"
            " AND (:since IS NULL OR coalesce(i.event_time, i.first_seen) >= :since)"
            " AND (:until IS NULL OR coalesce(i.event_time, i.first_seen) < :until)"
            " ORDER BY coalesce(i.event_time, i.first_seen), i.id",
            {"since": iso(since), "until": iso(until), "withdrawn": int(withdrawn)},
        )

    def _clear_incidents(self) -> None:
        self.db.execute("DELETE FROM incident_changes")
        self.db.execute("DELETE FROM incident_articles")
        self.db.execute("DELETE FROM incidents")


def incident_from_row(row: dict[str, Any]) -> Incident:
    return Incident(
        id=row["id"],
        event_time=parse_iso(row["event_time"]),
        time_precision=row["time_precision"],
        place_id=row["place_id"],
        place_name=row["place_name"],
        governorate=row["governorate"],
        lat=row["latitude"],
        lon=row["longitude"],
        attack_type=row["attack_type"],
        target=row["target"],
        us_interest=bool(row["us_interest"]),
        killed=row["killed"],
        wounded=row["wounded"],
        claimed_by=row["claimed_by"],
        blamed_on=row["blamed_on"],
        title=row["title"],
        first_seen=parse_iso(row["first_seen"]),
        updated=parse_iso(row["updated"]),
        version=row["version"],
        languages=tuple(x for x in row["languages"].split(",") if x),
        sources=row["sources"],
        place_kind=row["place_kind"],
        place_city=row["place_city"],
        withdrawn=parse_iso(row["withdrawn"]),
    )


def _text(value: Any) -> str | None:
    """A changed value as incident_changes stores it (lists as JSON, None stays NULL)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return iso(value)
    return json.dumps(value, ensure_ascii=False)
