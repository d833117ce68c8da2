"""The incident dashboard: the landing page of ``wirewatch browse``, as datasette-dashboards
configuration built from SQL over the real tables.

:func:`build_dashboard` returns the ``datasette-dashboards`` entry of the Datasette metadata: the
filters (period or dates, governorate, attack type, US interest), the layout, and one chart per
question a reader asks in the morning:

- how many incidents, killed and wounded in the period, how many against US interests, how many
  tally mismatches, how many alerts failed or wait (``metric`` cards of datasette-dashboards);
- where: the map of incidents coloured by attack type (``wirewatch-map``, drawn by this
  project's plugin, :mod:`crawler.browse.plugin`);
- is it getting worse: per counter, incidents per week, the running count and the tallies the
  articles stated, mismatches marked (Vega-Lite, served by datasette-dashboards);
- the latest incidents with their sources per language, the tally mismatches, failing or
  flagged feeds and the alerts that failed or wait (``wirewatch-table``, this project's plugin).

Every filter reaches the SQL as a named parameter (Datasette passes an absent one as ``''``), so
each query runs as it is in Datasette's SQL editor too. The SQL functions ``time_text``,
``place_text``, ``casualties_text`` and ``attack_label`` are the alert wording, registered on
Datasette's connections by the plugin. This module builds data; it serves and queries nothing.
"""

from __future__ import annotations

import re
from typing import Any

from crawler.types import ATTACK_TYPES, GOVERNORATES

DASHBOARD_SLUG = "incidents"
# Periods a reader picks from; each is also a SQLite date modifier once prefixed with '-'.
PERIODS = ("24 hours", "7 days", "30 days", "90 days", "365 days", "all time")
DEFAULT_PERIOD = "30 days"
# Rows in the tables of latest incidents and of tally mismatches: a morning's reading, not an
# archive (the tables and canned queries hold the rest).
LATEST_ROWS = 50
# One colour per attack type, told apart on a map and by most colour-blind readers: the
# categorical "Tableau 10" palette plus a grey for "other".
ATTACK_COLORS = {
    "rocket": "#e15759",
    "mortar": "#f28e2b",
    "drone": "#4e79a7",
    "missile": "#b07aa1",
    "ied": "#9c755f",
    "suicide_bombing": "#000000",
    "shooting": "#edc948",
    "airstrike": "#76b7b2",
    "clash": "#59a14f",
    "kidnapping": "#ff9da7",
    "other": "#bab0ac",
}
assert set(ATTACK_COLORS) == set(ATTACK_TYPES)
WHEN = "coalesce(i.event_time, i.first_seen)"


def incident_filter(alias: str = "i") -> str:
    """The WHERE conditions every incident chart shares: live incidents (neither merged away
    nor withdrawn) in the period (or between
    the dates given, which win over the period), of the governorate, type and US interest
    chosen; an empty parameter means "any"."""
    when = WHEN.replace("i.", f"{alias}.")
    return f"""{alias}.merged_into is null and {alias}.withdrawn is null
  and (case when :since = '' and :until = ''
      then :period in ('', 'all time')
        or {when} >= strftime('%Y-%m-%dT%H:%M:%S', 'now', '-' || :period)
      else (:since = '' or {when} >= :since)
        and (:until = '' or {when} < date(:until, '+1 day')) end)
  and (:governorate = '' or {alias}.governorate = :governorate)
  and (:attack_type = '' or {alias}.attack_type = :attack_type)
  and (:us_interest = '' or {alias}.us_interest = (:us_interest = 'yes'))"""


def build_dashboard(
    db: str,
    counters: list[dict[str, Any]],
    *,
    tiles: str | None,
    attribution: str,
) -> dict[str, Any]:
    """The ``datasette-dashboards`` plugin configuration for database ``db``.

    ``counters`` are the counter rows (name, description) in display order; ``tiles`` is the
    map tile URL template, None for markers on a plain background.
    """
    charts: dict[str, dict[str, Any]] = {}
    charts.update(_metrics(db))
    charts["map"] = _map(db, tiles, attribution)
    counter_slugs = []
    for counter in counters:
        slug = "counter-" + re.sub(r"[^a-z0-9-]", "-", counter["name"])
        charts[slug] = _counter_chart(db, counter["name"], counter.get("description") or "")
        counter_slugs.append(slug)
    charts["latest"] = _latest(db)
    charts["mismatches"] = _mismatches(db)
    charts["feeds"] = _feed_health(db)
    charts["outbox"] = _outbox(db)
    return {
        DASHBOARD_SLUG: {
            "title": "wirewatch: incidents in Iraq",
            "description": "What happened, where, and whether it is getting worse. Times are "
            "UTC with Baghdad time; counters, tallies and feeds as stored by wirewatch.",
            "settings": {"allow_fullscreen": True, "autorefresh": 5},
            "layout": _layout(counter_slugs),
            "filters": _filters(),
            "charts": charts,
        }
    }


def _filters() -> dict[str, dict[str, Any]]:
    return {
        "period": {
            "name": "Period",
            "type": "select",
            "options": list(PERIODS),
            "default": DEFAULT_PERIOD,
        },
        "since": {"name": "From (instead of the period)", "type": "date"},
        "until": {"name": "To", "type": "date"},
        "governorate": {"name": "Governorate", "type": "select", "options": list(GOVERNORATES)},
        "attack_type": {"name": "Attack type", "type": "select", "options": list(ATTACK_TYPES)},
        "us_interest": {"name": "US interest", "type": "select", "options": ["yes", "no"]},
    }


def _layout(counter_slugs: list[str]) -> list[list[str]]:
    """Rows of six columns: figures; the map beside the first counter; further counters two by
    two; latest incidents; mismatches beside feed health; the outbox."""
    metrics = ["m-incidents", "m-killed", "m-wounded", "m-us", "m-mismatches", "m-alerts"]
    rows = [metrics]
    first, rest = counter_slugs[:1], counter_slugs[1:]
    rows.append(["map"] * 3 + first * 3 if first else ["map"] * 6)
    for i in range(0, len(rest), 2):
        pair = rest[i : i + 2]
        rows.append([pair[0]] * 3 + [pair[1]] * 3 if len(pair) == 2 else [pair[0]] * 6)
    rows.append(["latest"] * 6)
    rows.append(["mismatches"] * 3 + ["feeds"] * 3)
    rows.append(["outbox"] * 6)
    return rows


def _metric(db: str, title: str, sql: str) -> dict[str, Any]:
    return {"title": title, "db": db, "query": sql, "library": "metric", "display": {"field": "n"}}


def _metrics(db: str) -> dict[str, dict[str, Any]]:
    where = incident_filter()
    return {
        "m-incidents": _metric(
            db, "Incidents", f"select count(*) as n from incidents i where {where}"
        ),
        "m-killed": _metric(
            db, "Killed", f"select coalesce(sum(i.killed), 0) as n from incidents i where {where}"
        ),
        "m-wounded": _metric(
            db,
            "Wounded",
            f"select coalesce(sum(i.wounded), 0) as n from incidents i where {where}",
        ),
        "m-us": _metric(
            db,
            "Against US interests",
            f"select count(*) as n from incidents i where {where} and i.us_interest = 1",
        ),
        "m-mismatches": _metric(
            db,
            "Tally mismatches",
            "select count(*) as n from counter_ticks t join incidents i on i.id = t.incident_id"
            f" where t.mismatch = 1 and {where}",
        ),
        "m-alerts": _metric(
            db,
            "Alerts failed / waiting",
            "select coalesce(sum(state = 'failed'), 0) || ' / '"
            " || coalesce(sum(state in ('pending', 'sending')), 0) as n from alerts",
        ),
    }


def _map(db: str, tiles: str | None, attribution: str) -> dict[str, Any]:
    sql = f"""select i.id, i.title, time_text(i.event_time, i.time_precision) as time,
  place_text(i.place_name, i.governorate) as place, i.attack_type,
  attack_label(i.attack_type) as attack_label, casualties_text(i.killed, i.wounded) as casualties,
  (select group_concat(t.counter || ' #' || t.ordinal, ', ') from counter_ticks t
    where t.incident_id = i.id) as counters,
  i.articles, i.languages, i.latitude, i.longitude
from incidents i
where {incident_filter()} and i.latitude is not null and i.longitude is not null
order by {WHEN} desc, i.id desc"""
    return {
        "title": "Where: incidents by attack type",
        "db": db,
        "query": sql,
        "library": "wirewatch-map",
        "display": {
            "tiles": tiles,
            "attribution": attribution,
            "colors": ATTACK_COLORS,
        },
    }


def _counter_chart(db: str, counter: str, description: str) -> dict[str, Any]:
    name = counter.replace("'", "''")
    sql = f"""select {WHEN} as event_time, t.ordinal, t.reported,
  case when t.reported is null then null when t.mismatch then 'mismatch' else 'matches' end
    as tally,
  i.id as incident_id, i.title, place_text(i.place_name, i.governorate) as place
from counter_ticks t join incidents i on i.id = t.incident_id
where t.counter = '{name}' and {incident_filter()}
order by t.ordinal"""
    x = {
        "field": "event_time",
        "type": "temporal",
        "title": None,
        "axis": {"format": "%Y-%m", "labelAngle": 0},
    }
    tick_tooltip = [
        {"field": "ordinal", "title": "we count #"},
        {"field": "title"},
        {"field": "place"},
        {"field": "event_time", "type": "temporal", "format": "%Y-%m-%d %H:%M UTC"},
    ]
    tally_tooltip = [
        {"field": "reported", "title": "articles say #"},
        {"field": "ordinal", "title": "we count #"},
        {"field": "tally"},
        {"field": "title"},
    ]
    return {
        "title": f"Is it getting worse: {description or counter}",
        "db": db,
        "query": sql,
        "library": "vega-lite",
        "display": {
            # SVG rather than canvas: each point is an element a reader's tools (and the tests)
            # can find.
            "usermeta": {"embedOptions": {"renderer": "svg", "actions": False}},
            "height": 300,
            "layer": [
                {
                    "name": "weeks",
                    "mark": {"type": "bar", "color": "#c9d3dc"},
                    "encoding": {
                        "x": {**x, "timeUnit": "utcyearweek"},
                        "y": {
                            "aggregate": "count",
                            "title": "incidents per week",
                            "axis": {"orient": "right", "tickMinStep": 1, "format": "d"},
                        },
                        "tooltip": [
                            {"field": "event_time", "timeUnit": "utcyearweek", "title": "week"},
                            {"aggregate": "count", "title": "incidents"},
                        ],
                    },
                },
                {
                    "layer": [
                        {
                            "name": "count",
                            "mark": {
                                "type": "line",
                                "interpolate": "step-after",
                                "color": "#1f4e79",
                            },
                            "encoding": {
                                "x": x,
                                "y": {
                                    "field": "ordinal",
                                    "type": "quantitative",
                                    "title": "running count (ours) and tallies stated",
                                    "scale": {"zero": False},
                                },
                            },
                        },
                        {
                            "name": "ticks",
                            "mark": {"type": "point", "filled": True, "color": "#1f4e79"},
                            "encoding": {
                                "x": x,
                                "y": {"field": "ordinal", "type": "quantitative"},
                                "tooltip": tick_tooltip,
                            },
                        },
                        {
                            "name": "gaps",
                            "transform": [{"filter": "datum.tally == 'mismatch'"}],
                            "mark": {"type": "rule", "color": "#d32f2f", "strokeDash": [3, 2]},
                            "encoding": {
                                "x": x,
                                "y": {"field": "ordinal", "type": "quantitative"},
                                "y2": {"field": "reported"},
                            },
                        },
                        {
                            "name": "tallies",
                            "transform": [{"filter": "datum.reported != null"}],
                            "mark": {
                                "type": "point",
                                "shape": "diamond",
                                "size": 90,
                                "filled": True,
                            },
                            "encoding": {
                                "x": x,
                                "y": {"field": "reported", "type": "quantitative"},
                                "color": {
                                    "field": "tally",
                                    "type": "nominal",
                                    "title": "tally stated",
                                    "scale": {
                                        "domain": ["matches", "mismatch"],
                                        "range": ["#2e7d32", "#d32f2f"],
                                    },
                                },
                                "tooltip": tally_tooltip,
                            },
                        },
                    ]
                },
            ],
            "resolve": {"scale": {"y": "independent"}},
        },
    }


def _table(
    db: str, title: str, sql: str, *, empty: str, links: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    """A ``wirewatch-table``: columns shown as text; a column of ``links`` links to the row
    ``[table, id column]``; columns whose name starts with ``_`` are not shown."""
    return {
        "title": title,
        "db": db,
        "query": sql,
        "library": "wirewatch-table",
        "display": {"empty": empty, "links": links or {}},
    }


def _latest(db: str) -> dict[str, Any]:
    sql = f"""select i.id as _id, time_text(i.event_time, i.time_precision) as "when",
  i.title as incident, place_text(i.place_name, i.governorate) as place,
  attack_label(i.attack_type) as type, casualties_text(i.killed, i.wounded) as casualties,
  (select group_concat(line, ' · ') from (
    select coalesce(a.lang, '?') || ': ' || group_concat(distinct coalesce(a.source, a.feed))
      as line
    from incident_articles ia join articles a on a.id = ia.article_id
    where ia.incident_id = i.id group by a.lang order by a.lang)) as sources
from incidents i where {incident_filter()}
order by {WHEN} desc, i.id desc limit {LATEST_ROWS}"""
    return _table(
        db,
        "Latest incidents, with their sources per language",
        sql,
        empty="No incident in this period.",
        links={"incident": ["incidents", "_id"]},
    )


def _mismatches(db: str) -> dict[str, Any]:
    sql = f"""select i.id as _id, t.counter, t.ordinal as "we count", t.reported as "articles say",
  (select group_concat(distinct coalesce(a.source, a.feed)) from reported_tallies r
    join articles a on a.id = r.article_id
    where r.incident_id = i.id and r.rank = 1 and r.n = t.reported) as "said by",
  i.title as incident
from counter_ticks t join incidents i on i.id = t.incident_id
where t.mismatch = 1 and {incident_filter()}
order by {WHEN} desc limit {LATEST_ROWS}"""
    return _table(
        db,
        "Tally mismatches: we may have missed or double-counted incidents",
        sql,
        empty="No tally mismatch in this period.",
        links={"incident": ["incidents", "_id"]},
    )


def _feed_health(db: str) -> dict[str, Any]:
    sql = """select f.name as feed,
  case when f.flagged then 'flagged' else 'failing' end as state,
  f.consecutive_errors as "errors in a row", coalesce(f.last_success, 'never') as "last success",
  f.last_error as "last error"
from feeds f where f.enabled and (f.flagged or f.consecutive_errors > 0)
order by f.flagged desc, f.consecutive_errors desc, f.name"""
    return _table(
        db,
        "Feed health: failing or flagged feeds",
        sql,
        empty="Every enabled feed answered at its last poll.",
        links={"feed": ["feeds", "feed"]},
    )


def _outbox(db: str) -> dict[str, Any]:
    sql = """select a.channel, sum(a.state = 'failed') as failed,
  sum(a.state in ('pending', 'sending')) as waiting, max(a.sent_at) as "last sent",
  (select b.last_error from alerts b where b.channel = a.channel and b.last_error is not null
    and b.state != 'sent' order by b.id desc limit 1) as "last error"
from alerts a group by a.channel
having sum(a.state != 'sent') > 0 order by failed desc, waiting desc"""
    return _table(
        db,
        "Alerts failed or waiting, per channel",
        sql,
        empty="Every alert was sent.",
    )
