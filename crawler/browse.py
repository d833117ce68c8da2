"""Datasette set-up for browsing a wirewatch database: metadata, canned queries, the map.

``wirewatch browse`` runs Datasette (a separate process: it owns its own event loop and can be
stopped with Ctrl-C) on 127.0.0.1 with the metadata built here: titles and descriptions of every
table and column users look at, canned queries (latest incidents, one incident with its articles,
counter history, tally mismatches, full-text search), and datasette-cluster-map, which draws any
table or query with ``latitude``/``longitude`` columns on a map.

This module builds data and a command line; it neither serves nor queries anything itself, except
reading the counter summaries so the metadata can state current tally mismatches.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

DATABASE_NAME_NOTE = "wirewatch: security incidents in Iraq, merged from news wires"

CANNED_QUERIES: dict[str, dict[str, Any]] = {
    "latest_incidents": {
        "title": "Latest incidents",
        "description": "The 100 most recent incidents, with place, type, target and casualties.",
        "sql": """select id, event_time, title, place_name, governorate, attack_type, target,
  us_interest, killed, wounded, claimed_by, languages, sources, latitude, longitude
from incidents where merged_into is null
order by coalesce(event_time, first_seen) desc limit 100""",
    },
    "incident_articles": {
        "title": "One incident and its articles",
        "description": "Every article merged into an incident, with the reason of the merge.",
        "sql": """select a.id as article_id, a.published, a.source, a.lang, a.title, a.url,
  ia.reason, a.duplicate_of
from incident_articles ia join articles a on a.id = ia.article_id
where ia.incident_id = :incident_id order by a.published""",
    },
    "incident_changes": {
        "title": "What changed in an incident",
        "description": "Each field a later report changed (casualties, place, claim).",
        "sql": """select at, version, field, old, new, article_id from incident_changes
where incident_id = :incident_id order by id""",
    },
    "counter_history": {
        "title": "Counter history",
        "description": "Every incident a counter counted, with its ordinal and the tally the articles stated.",
        "sql": """select t.counter, t.ordinal, t.assigned_at, t.reported, t.mismatch,
  i.id as incident_id, i.event_time, i.title, i.place_name, i.attack_type, i.target
from counter_ticks t join incidents i on i.id = t.incident_id
where t.counter = :counter order by t.ordinal desc""",
    },
    "tally_mismatches": {
        "title": "Tally mismatches",
        "description": "Incidents whose ordinal differs from the running count an article stated: "
        "we may have missed or double-counted incidents.",
        "sql": """select t.counter, t.ordinal, t.reported, i.id as incident_id, i.event_time, i.title
from counter_ticks t join incidents i on i.id = t.incident_id
where t.mismatch = 1 order by i.event_time desc""",
    },
    "search_articles": {
        "title": "Search articles",
        "description": "Full-text search over article titles, summaries and texts.",
        "sql": """select a.id, a.published, a.source, a.lang, a.title, a.url
from articles_fts f join articles a on a.id = f.rowid
where articles_fts match :q order by rank limit 100""",
    },
    "search_incidents": {
        "title": "Search incidents",
        "description": "Full-text search over incident titles, places, types, targets and claims.",
        "sql": """select i.id, i.event_time, i.title, i.place_name, i.attack_type, i.target
from incidents_fts f join incidents i on i.id = f.rowid
where incidents_fts match :q order by rank limit 100""",
    },
}

TABLES: dict[str, dict[str, Any]] = {
    "incidents": {
        "title": "Incidents",
        "description": "One row per real-world incident, however many articles reported it.",
        "sort_desc": "event_time",
        "columns": {
            "event_time": "When it happened (UTC), as precise as time_precision says",
            "place_name": "Most specific place named (site > district > city > governorate)",
            "attack_type": "rocket, mortar, drone, missile, ied, suicide_bombing, shooting, "
            "airstrike, clash, kidnapping or other",
            "target": "Who or what was attacked",
            "us_interest": "1 if the target is US or coalition (embassy, bases, contractors, convoys)",
            "killed": "Killed (empty when not stated; 0 when none)",
            "wounded": "Wounded (empty when not stated; 0 when none)",
            "version": "Bumped by each material change (casualties, place, claim)",
            "merged_into": "Set when merged by hand into another incident",
        },
    },
    "articles": {
        "title": "Articles",
        "description": "Every feed item seen; duplicates are kept and linked by duplicate_of.",
        "sort_desc": "published",
        "columns": {
            "summary": "The item's text as the feed gave it (plain text)",
            "text": "The full text when the feed or the article page gave more than the "
            "summary; empty when the summary is the whole text",
            "published": "Publication time (UTC); date_flag says when it was missing or clamped",
            "duplicate_of": "The first copy of this article, when it is one",
        },
    },
    "extractions": {
        "title": "Extractions",
        "description": "What the extractor read in each article: whether it reports a new "
        "incident in Iraq, its score, and the facts of the event it tells.",
        "columns": {
            "reason": "Why it is no report: the rule that settled it (no_incident_term, "
            "no_violence, accident, outside_iraq, not_in_iraq, stale) or, for a story of "
            "violence in Iraq, what weighed most against it (trial, anniversary, reaction, "
            "feature, threat, politics, economy, recap, past, statement, other_news, "
            "vague_place ...)",
            "score": "0 to 1: the weighing of the lead's signals; from extraction.min_score a "
            "report, from extraction.join_min_score a story that may join an incident",
            "evidence": "The incident words of the lead",
        },
    },
    "counter_ticks": {
        "title": "Counter ticks",
        "description": "Ordinal of each counted incident; `reported` is the tally the articles "
        "stated and `mismatch` flags a difference.",
    },
    "alerts": {
        "title": "Alert outbox",
        "description": "One row per message per channel: pending, sending, sent or failed.",
        "sort_desc": "created",
    },
    "feeds": {"title": "Feeds", "description": "Polling state and health of each feed."},
    "polls": {
        "title": "Polls",
        "description": "One row per poll of a feed.",
        "sort_desc": "started",
    },
}


def build_metadata(db_path: Path, counter_summaries: list[dict[str, Any]]) -> dict[str, Any]:
    """Datasette metadata for one wirewatch database."""
    name = db_path.stem
    mismatch_notes = [
        f"{c['name']}: {c['mismatches']} tally mismatch(es)"
        for c in counter_summaries
        if c.get("mismatches")
    ]
    counters_text = "; ".join(
        f"{c['name']} = {c['value']} ({c['description']})" for c in counter_summaries
    )
    description = DATABASE_NAME_NOTE + (f". Counters: {counters_text}" if counters_text else "")
    if mismatch_notes:
        description += ". Warning: " + "; ".join(mismatch_notes) + " (see tally_mismatches)"
    tables = {k: dict(v) for k, v in TABLES.items()}
    return {
        "title": "wirewatch",
        "description": description,
        "databases": {
            name: {
                "description": description,
                "tables": tables,
                "queries": CANNED_QUERIES,
            }
        },
        "plugins": {
            "datasette-cluster-map": {
                "latitude_column": "latitude",
                "longitude_column": "longitude",
            }
        },
    }


def datasette_command(db_path: Path, metadata_path: Path, *, host: str, port: int) -> list[str]:
    """The command line that serves ``db_path`` read-only with its metadata."""
    return [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        str(db_path),
        "--metadata",
        str(metadata_path),
        "--host",
        host,
        "--port",
        str(port),
        "--setting",
        "sql_time_limit_ms",
        "3000",
    ]
