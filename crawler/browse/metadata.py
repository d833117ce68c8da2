"""Datasette metadata for browsing a wirewatch database: titles, descriptions, canned queries,
the dashboard and the plugins' settings.

:func:`build_metadata` gives titles and descriptions of every table and column users look at,
canned queries (latest incidents, one incident with its articles, counter history, tally
mismatches, full-text search), the incident dashboard (:mod:`crawler.browse.dashboard`) as the
landing page, datasette-cluster-map on any table with ``latitude``/``longitude`` columns, and,
when users are configured, password sign-in for every page (:func:`access_rules`).

It builds data only: no serving, no querying, no reading of secrets (Datasette reads the
password hashes from its environment, named in the metadata as ``{"$env": NAME}``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from crawler.browse.dashboard import DASHBOARD_SLUG, build_dashboard
from crawler.config import BrowseConfig

DATABASE_NAME_NOTE = "wirewatch: security incidents in Iraq, merged from news wires"

CANNED_QUERIES: dict[str, dict[str, Any]] = {
    "latest_incidents": {
        "title": "Latest incidents",
        "description": "The 100 most recent incidents, with place, type, target and casualties.",
        "sql": """select id, event_time, title, place_name, governorate, attack_type, target,
  us_interest, killed, wounded, claimed_by, languages, sources, latitude, longitude
from incidents where merged_into is null and withdrawn is null
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
    "stated_counts": {
        "title": "Counts stated by articles",
        "description": "Round-ups' and reports' counts of the attacks since a date (\"attacked at "
        'least 66 times since Oct. 17"): a lower bound when at_least, another series than '
        "Iraq's when beyond_iraq. `wirewatch counters` sets each beside our counter then.",
        "sql": """select a.published, coalesce(a.source, a.feed) as source, t.n, t.at_least,
  t.since, t.beyond_iraq, t.us_interest, t.scope, a.title, t.article_id, t.incident_id
from reported_tallies t join articles a on a.id = t.article_id
where t.rank = 0 order by a.published desc""",
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
            "withdrawn": "When every report of it was withheld or canceled by its agency "
            "(NewsML pubStatus); such an incident is not counted, mapped nor exported until "
            "a new report supports it",
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
    "deliveries": {
        "title": "Deliveries",
        "description": "Each document pushed to wirewatch (via: push, spool, websub), stored "
        "once per feed; the same bytes again are not stored twice.",
        "sort_desc": "received",
    },
    "websub_subscriptions": {
        "title": "WebSub subscriptions",
        "description": "One per feed whose document names a WebSub hub: its hub, topic, state "
        "(pending, verified, expired, denied, failed, unsubscribing) and lease end. "
        "Secrets are derived from the configuration, never stored.",
        "columns": {
            "pending": "The request (subscribe, unsubscribe) waiting for the hub to verify it",
            "lease_end": "When the hub stops delivering unless the subscription is renewed",
        },
    },
}


def build_metadata(
    db_path: Path, counter_summaries: list[dict[str, Any]], browse: BrowseConfig
) -> dict[str, Any]:
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
    plugins: dict[str, Any] = {
        "datasette-cluster-map": {
            "latitude_column": "latitude",
            "longitude_column": "longitude",
        },
        "datasette-dashboards": build_dashboard(
            name, counter_summaries, tiles=browse.tiles, attribution=browse.tiles_attribution
        ),
        "wirewatch": {"landing": f"/-/dashboards/{DASHBOARD_SLUG}"},
    }
    if browse.tiles:
        plugins["datasette-cluster-map"]["tile_layer"] = browse.tiles
        plugins["datasette-cluster-map"]["tile_layer_options"] = {
            "attribution": browse.tiles_attribution,
            "maxZoom": 18,
        }
    access = access_rules(browse)
    plugins.update(access.pop("plugins", {}))
    metadata: dict[str, Any] = {
        "title": "wirewatch",
        "description": description,
        "databases": {
            name: {
                "description": description,
                "tables": tables,
                "queries": CANNED_QUERIES,
            }
        },
        "plugins": plugins,
    }
    metadata.update(access)
    return metadata


def access_rules(browse: BrowseConfig) -> dict[str, Any]:
    """With users configured: HTTP basic authentication on every request (401 without it, so
    browsers ask) and every page allowed to the named users only (403 for anyone else). Nobody
    writes through Datasette: corrections stay in the command line. Without users: nothing."""
    if not browse.users:
        return {}
    passwords: dict[str, Any] = {"http_basic_auth": True}
    for user in browse.users:
        passwords[f"{user.name}_password_hash"] = {"$env": user.password_hash_env}
    return {
        "allow": {"id": [user.name for user in browse.users]},
        "plugins": {"datasette-auth-passwords": passwords},
    }
