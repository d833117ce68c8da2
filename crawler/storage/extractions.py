"""What was read in each article: its extraction and the running tally it stated.

Owns the tables ``extractions`` (one row per processed article: relevance, place, time, type,
target, casualties, claims) and ``reported_tallies`` (the "Nth attack since ..." an article
states, counted for the incident the article joined). Reads ``articles`` for publication order.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from crawler.storage.connection import Connection
from crawler.storage.values import iso, parse_iso
from crawler.types import Extraction, Place, ReportedTally


class ExtractionStore(Connection):
    """The verbs of the extractions and reported_tallies tables."""

    def save_extraction(self, article_id: int, extraction: Extraction, now: datetime) -> None:
        place = extraction.place
        self.db.execute(
            "INSERT OR REPLACE INTO extractions (article_id, relevant, score, lang, reason,"
            " evidence, event_time, time_precision, place_id, place_name, governorate, latitude,"
            " longitude, place_kind, place_city, attack_type, target, us_interest, killed,"
            " wounded, claimed_by, blamed_on, extracted_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                article_id,
                int(extraction.relevant),
                extraction.score,
                extraction.lang,
                extraction.reason,
                json.dumps(list(extraction.evidence), ensure_ascii=False),
                iso(extraction.event_time),
                extraction.time_precision,
                place.id if place else None,
                place.name if place else None,
                place.governorate if place else None,
                place.lat if place else None,
                place.lon if place else None,
                place.kind if place else None,
                place.city if place else None,
                extraction.attack_type,
                extraction.target,
                int(extraction.us_interest),
                extraction.killed,
                extraction.wounded,
                extraction.claimed_by,
                extraction.blamed_on,
                iso(now),
            ],
        )

    def extraction(self, article_id: int) -> Extraction | None:
        rows = self.query("SELECT * FROM extractions WHERE article_id = ?", [article_id])
        if not rows:
            return None
        tally = self.query("SELECT * FROM reported_tallies WHERE article_id = ?", [article_id])
        return extraction_from_row(rows[0], tally[0] if tally else None)

    def save_tally(self, article_id: int, incident_id: int | None, tally: ReportedTally) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO reported_tallies (article_id, incident_id, n, since, scope,"
            " us_interest, rank, at_least, beyond_iraq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                article_id,
                incident_id,
                tally.n,
                tally.since.isoformat() if tally.since else None,
                tally.scope,
                int(tally.us_interest),
                int(tally.rank),
                int(tally.at_least),
                int(tally.beyond_iraq),
            ],
        )

    def incident_tallies(self, incident_id: int) -> list[ReportedTally]:
        """Tallies stated by an incident's articles, in publication order."""
        rows = self.query(
            "SELECT t.* FROM reported_tallies t JOIN articles a ON a.id = t.article_id"
            " WHERE t.incident_id = ? ORDER BY a.published, a.id",
            [incident_id],
        )
        return [tally_from_row(r) for r in rows]

    def stated_counts(self, limit: int) -> list[tuple[dict[str, Any], ReportedTally]]:
        """Counts of the series articles stated ("attacked at least 66 times since Oct. 17"),
        latest first, each with its article's id, publication time, source and title."""
        rows = self.query(
            "SELECT t.*, a.published, coalesce(a.source, a.feed) AS source, a.title"
            " FROM reported_tallies t JOIN articles a ON a.id = t.article_id WHERE t.rank = 0"
            " ORDER BY a.published DESC, a.id DESC LIMIT ?",
            [limit],
        )
        article_keys = ("article_id", "published", "source", "title")
        return [({k: r[k] for k in article_keys}, tally_from_row(r)) for r in rows]

    def _file_tally(self, article_id: int, incident_id: int) -> None:
        """The tally an article stated (if any) now counts for the incident it joined."""
        self.db.execute(
            "UPDATE reported_tallies SET incident_id = ? WHERE article_id = ?",
            [incident_id, article_id],
        )

    def _clear_tallies(self) -> None:
        self.db.execute("DELETE FROM reported_tallies")

    def _clear_extractions(self) -> None:
        self.db.execute("DELETE FROM extractions")


def extraction_from_row(row: dict[str, Any], tally: dict[str, Any] | None = None) -> Extraction:
    place = None
    if row["place_id"] is not None:
        place = Place(
            id=row["place_id"],
            name=row["place_name"] or row["place_id"],
            kind=row["place_kind"] or "city",
            governorate=row["governorate"],
            lat=row["latitude"],
            lon=row["longitude"],
            city=row["place_city"],
        )
    return Extraction(
        relevant=bool(row["relevant"]),
        score=row["score"],
        lang=row["lang"],
        evidence=tuple(json.loads(row["evidence"] or "[]")),
        reason=row["reason"],
        event_time=parse_iso(row["event_time"]),
        time_precision=row["time_precision"] or "unknown",
        place=place,
        attack_type=row["attack_type"],
        target=row["target"],
        us_interest=bool(row["us_interest"]),
        killed=row["killed"],
        wounded=row["wounded"],
        claimed_by=row["claimed_by"],
        blamed_on=row["blamed_on"],
        reported_tally=tally_from_row(tally) if tally else None,
    )


def tally_from_row(row: dict[str, Any]) -> ReportedTally:
    return ReportedTally(
        n=row["n"],
        scope=row["scope"],
        since=date.fromisoformat(row["since"]) if row["since"] else None,
        us_interest=bool(row["us_interest"]),
        rank=bool(row["rank"]),
        at_least=bool(row["at_least"]),
        beyond_iraq=bool(row["beyond_iraq"]),
    )
