"""Batch analysis of a JSON-lines file through exactly the daemon's pipeline.

``wirewatch analyze`` feeds articles given as JSON lines (``{id, url, title, text, published,
lang, source}``; ``id`` and a ``text`` or a ``title`` required: a headline alone is analysed) one by one, in the order given, through
:mod:`crawler.pipeline`, on a temporary database unless ``db_path`` is given, and writes one JSON
line per input article: its relevance, the incident it was merged into with that incident's
(merged) facts, the input id of the article it duplicates, its stated tally, and the incident's
counter ordinals. Each line shows the incident as it stands when that line is processed (later
lines may still raise its toll): the output streams, it is not rewritten at the end.

Streaming: one line is read, stored, processed and answered before the next is read, so memory
does not grow with the input (the database does). A bad line is reported with its line number
and skipped. No alert is ever enqueued: analysis has no channels.

What this module leaves to others: the extraction (``crawler.extract``), every decision
(``crawler.pipeline`` and the pure modules behind it), and argument parsing (``crawler.cli``).
"""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TextIO

from crawler import pipeline
from crawler.config import Config
from crawler.errors import InputError
from crawler.ingest import entry_fingerprint
from crawler.storage import Store
from crawler.types import Entry
from crawler.urls import canonical_url

log = logging.getLogger(__name__)

# The pseudo-feed analysed articles are stored under: re-running on the same database finds
# them again by (feed, guid) and adds nothing.
ANALYZE_FEED = "analyze"


@dataclass(slots=True)
class AnalyzeSummary:
    read: int = 0
    written: int = 0
    skipped: int = 0


def analyze(
    in_path: str | Path,
    out_path: str | Path,
    config: Config,
    *,
    db_path: str | Path | None = None,
    progress: Callable[[AnalyzeSummary], None] | None = None,
    extractor: pipeline.ArticleExtractor | None = None,
    now: datetime | None = None,
) -> AnalyzeSummary:
    """Analyse ``in_path`` (JSON lines) into ``out_path`` (JSON lines); returns the counts.

    ``progress`` is called after every input line. ``extractor`` defaults to the one
    config.yaml describes; ``now`` (the time of a missing ``published``) to the current time.
    """
    now = now or datetime.now(timezone.utc)
    extractor = extractor or _configured_extractor(config)
    analysis = config.model_copy(
        update={"alerts": config.alerts.model_copy(update={"channels": ()})}
    )
    summary = AnalyzeSummary()
    with tempfile.TemporaryDirectory(prefix="wirewatch-analyze-") as scratch:
        store = Store(db_path or Path(scratch) / "analyze.db")
        try:
            pipeline.recompute_counters(store, analysis.counters, now)
            settings = pipeline.Processing(analysis, now, channels=())
            with (
                open(in_path, encoding="utf-8") as source,
                open(out_path, "w", encoding="utf-8") as sink,
            ):
                for number, line in enumerate(source, start=1):
                    _analyze_line(store, extractor, settings, number, line, sink, summary)
                    if progress is not None:
                        progress(summary)
            if db_path is not None:  # a kept database is searchable like the daemon's
                store.index_pending_articles()
                store.index_pending_incidents()
        finally:
            store.close()
    log.info(
        "analyzed read=%d written=%d skipped=%d", summary.read, summary.written, summary.skipped
    )
    return summary


def _analyze_line(
    store: Store,
    extractor: pipeline.ArticleExtractor,
    settings: pipeline.Processing,
    number: int,
    line: str,
    sink: TextIO,
    summary: AnalyzeSummary,
) -> None:
    if not line.strip():
        return
    summary.read += 1
    try:
        given = parse_line(line, settings.now)
    except InputError as e:
        log.warning("skipped input line=%d error=%s", number, e)
        summary.skipped += 1
        return
    entry, key = given
    store.upsert_entries(ANALYZE_FEED, [entry], settings.now, entry_fingerprint)
    article_id = store.article_id(ANALYZE_FEED, entry.guid)
    assert article_id is not None
    with store.transaction():
        store.set_external_id(article_id, str(key))
    if not store.is_processed(article_id):
        pipeline.process_article(store, extractor, settings, article_id, pipeline.ProcessSummary())
    sink.write(json.dumps(result_row(store, article_id, key), ensure_ascii=False) + "\n")
    summary.written += 1


def parse_line(line: str, now: datetime) -> tuple[Entry, str | int]:
    """One input line -> (entry to store, the caller's id). Raises InputError."""
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as e:
        raise InputError(f"invalid JSON: {e.msg} at column {e.colno}") from e
    if not isinstance(raw, dict):
        raise InputError("expected a JSON object")
    key = raw.get("id")
    if isinstance(key, bool) or not isinstance(key, (str, int)) or key == "":
        raise InputError("missing id (a string or an integer)")
    text = _optional_text(raw, "text") or ""
    title = _optional_text(raw, "title") or ""
    if not text.strip() and not title.strip():
        raise InputError("missing text and title (a headline alone is enough)")
    url = raw.get("url")
    entry = Entry(
        guid=json.dumps(key),  # keeps 17 and "17" apart, and gives back the caller's type
        url=canonical_url(url) if isinstance(url, str) else None,
        title=title,
        summary="",
        content=text,
        published=_published(raw.get("published"), now),
        lang=_optional_text(raw, "lang"),
        source=_optional_text(raw, "source"),
    )
    return entry, key


def result_row(store: Store, article_id: int, key: str | int) -> dict[str, Any]:
    """The output line for one analysed article (incident facts when it joined one)."""
    article = store.article(article_id)
    extraction = store.extraction(article_id)
    assert article is not None
    incident_id = store.incident_of_article(article_id)
    incident = store.incident(incident_id) if incident_id is not None else None
    duplicate_key = None
    if article.duplicate_of is not None:
        original = store.article(article.duplicate_of)
        duplicate_key = json.loads(original.guid) if original is not None else None
    tally = extraction.reported_tally if extraction else None
    tally = tally if tally is not None and tally.rank else None  # a count ranks no incident
    row: dict[str, Any] = {
        "id": key,
        "relevant": bool(extraction and extraction.relevant),
        "score": extraction.score if extraction else None,
        "lang": extraction.lang if extraction else article.lang,
        "duplicate_of": duplicate_key,
        "incident": incident_id,
    }
    if incident is not None:
        row.update(
            event_date=_date(incident.event_time),
            place=incident.place_name,
            governorate=incident.governorate,
            lat=incident.lat,
            lon=incident.lon,
            attack_type=incident.attack_type,
            target=incident.target,
            us_interest=incident.us_interest,
            killed=incident.killed,
            wounded=incident.wounded,
        )
    else:
        place = extraction.place if extraction else None
        row.update(
            event_date=_date(extraction.event_time if extraction else None),
            place=place.name if place else None,
            governorate=place.governorate if place else None,
            lat=place.lat if place else None,
            lon=place.lon if place else None,
            attack_type=extraction.attack_type if extraction else None,
            target=extraction.target if extraction else None,
            us_interest=bool(extraction and extraction.us_interest),
            killed=extraction.killed if extraction else None,
            wounded=extraction.wounded if extraction else None,
        )
    row["reported_tally"] = (
        {"n": tally.n, "since": tally.since.isoformat() if tally.since else None} if tally else None
    )
    row["counters"] = store.incident_ordinals(incident_id) if incident_id is not None else {}
    return row


def _published(value: Any, now: datetime) -> datetime:
    if value is None or value == "":
        return now
    if not isinstance(value, str):
        raise InputError("published: expected an ISO-8601 date-time")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as e:
        raise InputError(f"published: not an ISO-8601 date-time: {value!r}") from e
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def _optional_text(raw: dict[str, Any], key: str) -> str | None:
    value = raw.get(key)
    if value is not None and not isinstance(value, str):
        raise InputError(f"{key}: expected a string")
    return value or None


def _date(moment: datetime | None) -> str | None:
    return moment.astimezone(timezone.utc).date().isoformat() if moment else None


def _configured_extractor(config: Config) -> pipeline.ArticleExtractor:
    from crawler.daemon import make_extractor  # the same extractor as the daemon's

    return make_extractor(config)
