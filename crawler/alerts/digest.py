"""The daily digest: per channel, the last 24 hours in one message, through the alert outbox.

A channel with ``digest: "07:00 Asia/Baghdad"`` gets, each day at that local time, one message:
new incidents by governorate and type, casualty totals, counter movements, tally mismatches, the
incidents themselves, and the feeds that failed. It goes through the outbox like any alert, so
it inherits its guarantees:

- exactly once per channel and day: the outbox key ``digest:<channel>:<day>`` is unique, so a
  restart, a second dispatcher or a second pass enqueues nothing more;
- sent late rather than never: :func:`enqueue_due_digests` runs at every dispatch pass and
  enqueues the days whose time has come since the channel's last digest (at most
  :data:`CATCH_UP_DAYS` back, so a channel given a digest today is not sent a week of them),
  and a channel that is down keeps its digest pending with the outbox's retries;
- a day without any incident or feed failure is said in one line, or, with
  ``digest_empty: skip``, not sent at all.

What the digest says is read when it is sent (:func:`build_digest` over
``Store.digest_facts``), like alerts, and rendered by each channel's ``digest_<type>.j2``.
Deciding which days are due (:func:`due_digest_days`) is a pure function of its inputs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from crawler.alerts.message import (
    ATTACK_LABELS,
    casualties_text,
    ordinal_word,
    place_text,
    time_text,
)
from crawler.config import parse_digest_time
from crawler.storage import Store, iso, parse_iso

DIGEST_WINDOW = timedelta(hours=24)
# Days caught up after a downtime, counted back from the last one due.
CATCH_UP_DAYS = 3
# Incidents listed one per line; beyond, the digest counts them and points to the dashboard.
LISTED_INCIDENTS_MAX = 40


def digest_key(channel: str, day: date) -> str:
    return f"digest:{channel}:{day.isoformat()}"


def due_digest_days(spec: str, now: datetime, last_day: date | None) -> list[tuple[date, datetime]]:
    """The days whose digest is due at ``now`` and not yet enqueued, oldest first, each with the
    moment its 24 hours end. Only the latest day when none was ever enqueued."""
    at, zone = parse_digest_time(spec)
    local_now = now.astimezone(zone)
    latest = local_now.date()
    if datetime.combine(latest, at, zone) > local_now:
        latest -= timedelta(days=1)
    first = (
        latest
        if last_day is None
        else max(last_day + timedelta(days=1), latest - timedelta(days=CATCH_UP_DAYS - 1))
    )
    days = []
    day = first
    while day <= latest:
        days.append((day, datetime.combine(day, at, zone).astimezone(timezone.utc)))
        day += timedelta(days=1)
    return days


def enqueue_due_digests(store: Store, config: Any, now: datetime, channels: Iterable[str]) -> int:
    """Put the due digests of ``channels`` (names of enabled channels) in the outbox; how many."""
    wanted = set(channels)
    added = 0
    for channel in config.enabled_channels:
        if channel.name not in wanted or not channel.digest:
            continue
        for day, end in due_digest_days(channel.digest, now, store.last_digest_day(channel.name)):
            start = end - DIGEST_WINDOW
            if channel.digest_empty == "skip" and store.digest_is_empty(start, end):
                continue
            payload = {
                "day": day.isoformat(),
                "start": iso(start),
                "end": iso(end),
                "at": channel.digest,
            }
            added += store.enqueue_digest(channel.name, digest_key(channel.name, day), payload, now)
    return added


@dataclass(frozen=True, slots=True)
class Digest:
    """One day's digest, ready for templates. Strings from feeds are raw: templates escape."""

    key: str
    channel: str
    day: str
    period_text: str  # "24 hours to 2024-05-02 07:00 (Asia/Baghdad)"
    headline: str  # "Daily digest 2024-05-02: 3 new incidents, 5 killed, 2 wounded"
    empty: bool
    incidents_total: int
    killed: int
    wounded: int
    by_governorate: tuple[str, ...]  # "Baghdad: 2"
    by_type: tuple[str, ...]  # "Rocket attack: 2"
    counters: tuple[str, ...]  # "Attacks on US interests: +2, now #21"
    mismatches: tuple[str, ...]  # "AFP says 19th, we count #20: <title>"
    incidents: tuple[str, ...]  # "<time> — <type> — <place> — <casualties> — <title>"
    incidents_not_listed: int
    failed_feeds: tuple[str, ...]  # "feed: 3 failed polls, last: <error>"
    rendered_at: str
    kind: str = "digest"
    thread_key: str | None = None
    incident_id: int | None = None
    version: int = 1

    def as_data(self) -> dict[str, Any]:
        return asdict(self)


def build_digest(
    alert_key: str, channel: str, payload: dict[str, Any], facts: dict[str, Any], now: datetime
) -> Digest:
    """The outbox row's key and payload, and ``Store.digest_facts`` of its window -> a Digest."""
    incidents = facts["incidents"]
    killed = sum(i["killed"] or 0 for i in incidents)
    wounded = sum(i["wounded"] or 0 for i in incidents)
    end = parse_iso(payload["end"])
    _at, zone = parse_digest_time(payload["at"])
    period = f"24 hours to {end.astimezone(zone):%Y-%m-%d %H:%M} ({zone.key})"
    failed = tuple(
        f"{f['feed']}: {f['failures']} failed poll{'s' if f['failures'] != 1 else ''}"
        + (f", last: {f['last_error']}" if f["last_error"] else "")
        for f in facts["failed_feeds"]
    )
    empty = not incidents and not failed
    if empty:
        headline = f"Daily digest {payload['day']}: no new incident"
    else:
        headline = f"Daily digest {payload['day']}: {_plural(len(incidents), 'new incident')}" + (
            f", {casualties_text(killed, wounded)}" if incidents else ""
        )
    return Digest(
        key=alert_key,
        channel=channel,
        day=payload["day"],
        period_text=period,
        headline=headline,
        empty=empty,
        incidents_total=len(incidents),
        killed=killed,
        wounded=wounded,
        by_governorate=_tally(i["governorate"] or "governorate not stated" for i in incidents),
        by_type=_tally(
            ATTACK_LABELS.get(i["attack_type"] or "other", ATTACK_LABELS["other"])
            for i in incidents
        ),
        counters=_counter_lines(facts["ticks"]),
        mismatches=tuple(
            f"{t['description'] or t['counter']}: the articles say {ordinal_word(t['reported'])},"
            f" we count #{t['ordinal']}: {t['title']}"
            for t in facts["ticks"]
            if t["mismatch"]
        ),
        incidents=tuple(_incident_line(i) for i in incidents[:LISTED_INCIDENTS_MAX]),
        incidents_not_listed=max(0, len(incidents) - LISTED_INCIDENTS_MAX),
        failed_feeds=failed,
        rendered_at=now.astimezone(timezone.utc).isoformat(),
    )


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _tally(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(f"{name}: {n}" for name, n in Counter(values).most_common())


def _counter_lines(ticks: list[dict[str, Any]]) -> tuple[str, ...]:
    moved: dict[str, list[dict[str, Any]]] = {}
    for tick in ticks:
        moved.setdefault(tick["counter"], []).append(tick)
    lines = []
    for counter, rows in moved.items():
        label = rows[0]["description"] or counter
        mismatches = sum(1 for r in rows if r["mismatch"])
        line = f"{label}: +{len(rows)}, now #{max(r['ordinal'] for r in rows)}"
        if mismatches:
            line += f" ({mismatches} tally mismatch{'' if mismatches == 1 else 'es'})"
        lines.append(line)
    return tuple(lines)


def _incident_line(incident: dict[str, Any]) -> str:
    parts = [
        time_text(parse_iso(incident["event_time"]), incident["time_precision"]),
        ATTACK_LABELS.get(incident["attack_type"] or "other", ATTACK_LABELS["other"]),
        place_text(incident["place_name"], incident["governorate"]) or "place not stated",
        casualties_text(incident["killed"], incident["wounded"]),
        incident["title"],
    ]
    return " — ".join(parts)
