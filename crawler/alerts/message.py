"""What an alert says: plain data built from an incident's current state, ready for templates.

:func:`build_message` turns the plain data that ``Store.alert_context`` reads (the alert row,
the incident, its articles, counter ticks and stated tallies) into one frozen :class:`Message`:
labels instead of codes, times in UTC and Baghdad time, casualties in words, counter ordinals
and tally mismatches, the update's changes in a sentence, safe links only.

It is pure: no I/O, no clock (``now`` is given). Escaping is NOT done here: every string that
came from a feed is kept as it is and escaped by the template environment of the channel it
goes to (HTML, Slack mrkdwn, plain text, JSON), see :mod:`crawler.alerts.templates`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

from crawler.storage import parse_iso
from crawler.types import BAGHDAD

# Zoom level of the map link: 14 shows the streets around a site in a city.
MAP_ZOOM = 14

ATTACK_LABELS = {
    "rocket": "Rocket attack",
    "mortar": "Mortar or artillery fire",
    "drone": "Drone attack",
    "missile": "Missile attack",
    "ied": "Roadside bomb (IED)",
    "suicide_bombing": "Suicide bombing",
    "shooting": "Shooting",
    "airstrike": "Airstrike",
    "clash": "Armed clash",
    "kidnapping": "Kidnapping",
    "other": "Security incident",
}
TARGET_LABELS = {
    "us_embassy": "US embassy",
    "us_military": "US forces",
    "coalition": "Coalition forces",
    "us_contractor": "US contractor",
    "logistics_convoy": "Logistics convoy",
    "iraqi_security": "Iraqi security forces",
    "pmf": "Popular Mobilisation Forces",
    "civilians": "Civilians",
    "protesters": "Protesters",
    "government": "Government",
    "other": "Other target",
}
FIELD_LABELS = {
    "attack_type": "type",
    "target": "target",
    "place_name": "place",
    "governorate": "governorate",
    "event_time": "time",
    "claimed_by": "claimed by",
    "blamed_on": "blamed on",
    "title": "title",
}
CASUALTY_FIELDS = ("killed", "wounded")


@dataclass(frozen=True, slots=True)
class CounterLine:
    counter: str
    description: str
    ordinal: int
    reported: int | None
    mismatch: str | None  # "AFP says 19th, we count #20"


@dataclass(frozen=True, slots=True)
class SourceLine:
    title: str
    url: str | None  # http(s) only: anything else (javascript:, data:) is dropped
    outlet: str
    lang: str | None


@dataclass(frozen=True, slots=True)
class Message:
    """One alert, rendered from the incident's current state. Strings from feeds are raw."""

    key: str
    kind: str  # "new" | "update" | "withdrawn" | "test"
    channel: str
    incident_id: int | None
    version: int
    thread_key: str | None  # key of the first alert about this incident on this channel
    headline: str  # "#20 Rocket attack — Green Zone, Baghdad — US embassy"
    title: str
    time_text: str
    event_time_utc: str | None
    place_text: str | None
    lat: float | None
    lon: float | None
    map_url: str | None
    attack_type: str | None
    attack_label: str
    target: str | None
    target_label: str | None
    us_interest: bool
    killed: int | None
    wounded: int | None
    casualties: str
    claimed_by: str | None
    blamed_on: str | None
    ordinal: int | None  # on the first counter that counts this incident
    counters: tuple[CounterLine, ...]
    sources: tuple[SourceLine, ...]
    changes: tuple[dict[str, Any], ...]
    # "Update: casualties now 3 killed (was 1)"; for a withdrawal, what was withdrawn.
    update_text: str | None
    rendered_at: str

    def as_data(self) -> dict[str, Any]:
        """JSON-ready dict (the generic webhook's body)."""
        return asdict(self)


def build_message(context: dict[str, Any], now: datetime) -> Message:
    """The plain data of ``Store.alert_context`` -> a :class:`Message`."""
    alert, incident = context["alert"], context["incident"] or {}
    counters = tuple(_counter_line(c, context["tallies"]) for c in context["counters"])
    ordinal = counters[0].ordinal if counters else None
    lat, lon = incident.get("latitude"), incident.get("longitude")
    changes = tuple(alert["payload"].get("changes", ()))
    attack_type, target = incident.get("attack_type"), incident.get("target")
    place = place_text(incident.get("place_name"), incident.get("governorate"))
    title = incident.get("title") or ""
    return Message(
        key=alert["key"],
        kind=alert["kind"],
        channel=alert["channel"],
        incident_id=alert["incident_id"],
        version=alert["version"],
        thread_key=context["thread_key"],
        headline=headline(ordinal, attack_type, place, target, title),
        title=title,
        time_text=time_text(parse_iso(incident.get("event_time")), incident.get("time_precision")),
        event_time_utc=incident.get("event_time"),
        place_text=place,
        lat=lat,
        lon=lon,
        map_url=map_url(lat, lon),
        attack_type=attack_type,
        attack_label=ATTACK_LABELS.get(attack_type or "other", ATTACK_LABELS["other"]),
        target=target,
        target_label=TARGET_LABELS.get(target) if target else None,
        us_interest=bool(incident.get("us_interest")),
        killed=incident.get("killed"),
        wounded=incident.get("wounded"),
        casualties=casualties_text(incident.get("killed"), incident.get("wounded")),
        claimed_by=incident.get("claimed_by"),
        blamed_on=incident.get("blamed_on"),
        ordinal=ordinal,
        counters=counters,
        sources=tuple(_source_line(a) for a in context["articles"]),
        changes=changes,
        update_text=_follow_up_text(alert["kind"], changes, alert["payload"]),
        rendered_at=now.astimezone(timezone.utc).isoformat(),
    )


def headline(
    ordinal: int | None, attack_type: str | None, place: str | None, target: str | None, title: str
) -> str:
    """``#20 Rocket attack — Green Zone, Baghdad — US embassy``; the title when the type is unknown."""
    what = ATTACK_LABELS.get(attack_type) if attack_type else None
    parts = [what or title or ATTACK_LABELS["other"]]
    if place:
        parts.append(place)
    if target and target in TARGET_LABELS and target != "other":
        parts.append(TARGET_LABELS[target])
    prefix = f"#{ordinal} " if ordinal is not None else ""
    return prefix + " — ".join(parts)


def place_text(place_name: str | None, governorate: str | None) -> str | None:
    """``Green Zone, Baghdad``; one name when the place is the governorate itself."""
    names = [n for n in (place_name, governorate) if n]
    if len(names) == 2 and names[0].casefold() == names[1].casefold():
        names = names[:1]
    return ", ".join(names) or None


def time_text(moment: datetime | None, precision: str | None) -> str:
    """``2020-02-16 00:30 UTC (03:30 Baghdad)``; the day only when the hour is not known."""
    if moment is None:
        return "time not stated"
    utc, local = moment.astimezone(timezone.utc), moment.astimezone(BAGHDAD)
    if precision != "hour":
        return f"{utc:%Y-%m-%d} (hour not stated)"
    day = "" if local.date() == utc.date() else f"{local:%Y-%m-%d} "
    return f"{utc:%Y-%m-%d %H:%M} UTC ({day}{local:%H:%M} Baghdad)"


def map_url(lat: float | None, lon: float | None) -> str | None:
    if lat is None or lon is None:
        return None
    return f"https://www.openstreetmap.org/?mlat={lat:.5f}&mlon={lon:.5f}#map={MAP_ZOOM}/{lat:.5f}/{lon:.5f}"


def casualties_text(killed: int | None, wounded: int | None) -> str:
    """None means "not stated", which is not the same as zero."""
    if killed is None and wounded is None:
        return "casualties not stated"
    if not killed and not wounded:
        return "no casualties"
    parts = [f"{killed} killed" if killed is not None else None]
    parts.append(f"{wounded} wounded" if wounded is not None else None)
    return ", ".join(p for p in parts if p)


def ordinal_word(n: int) -> str:
    """19 -> ``19th``, 21 -> ``21st``, 112 -> ``112th``."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def update_text(changes: tuple[dict[str, Any], ...]) -> str:
    """``Update: casualties now 3 killed (was 1)``; one clause per changed field."""
    casualties = [
        f"{c.get('new')} {c['field']} (was {_shown(c.get('old'))})"
        for c in changes
        if c.get("field") in CASUALTY_FIELDS
    ]
    clauses = [f"casualties now {', '.join(casualties)}"] if casualties else []
    clauses += [
        f"{FIELD_LABELS.get(c.get('field'), c.get('field'))} now {_value_label(c.get('field'), c.get('new'))}"
        f" (was {_value_label(c.get('field'), c.get('old'))})"
        for c in changes
        if c.get("field") not in CASUALTY_FIELDS
    ]
    return "Update: " + ("; ".join(clauses) if clauses else "new reports")


def withdrawn_text(withdrawn: dict[str, Any]) -> str:
    """``Withdrawn: AFP canceled "Rockets hit ..."; no other report supports this incident``."""
    status = withdrawn.get("status") or "withdrew"
    verb = {"canceled": "canceled", "withheld": "withheld"}.get(status, "withdrew")
    outlet = withdrawn.get("outlet") or "the agency"
    return (
        f'Withdrawn: {outlet} {verb} "{withdrawn.get("title") or "its story"}";'
        " no other report supports this incident"
    )


def _follow_up_text(
    kind: str, changes: tuple[dict[str, Any], ...], payload: dict[str, Any]
) -> str | None:
    if kind == "update":
        return update_text(changes)
    if kind == "withdrawn":
        return withdrawn_text(payload.get("withdrawn") or {})
    return None


def safe_url(url: str | None) -> str | None:
    """The URL if it is http(s), else None: a feed must not slip a javascript: link in."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def _value_label(field: str | None, value: Any) -> str:
    if value is None or value == "":
        return "not stated"
    if field == "attack_type":
        return ATTACK_LABELS.get(value, str(value))
    if field == "target":
        return TARGET_LABELS.get(value, str(value))
    return str(value)


def _shown(value: Any) -> str:
    return "not stated" if value is None else str(value)


def _counter_line(tick: dict[str, Any], tallies: list[dict[str, Any]]) -> CounterLine:
    ordinal, reported = tick["ordinal"], tick["reported"]
    mismatch = None
    if reported is not None and reported != ordinal:
        sayers = [t for t in tallies if t["n"] == reported]
        who = (sayers[0]["source"] or sayers[0]["feed"]) if sayers else None
        mismatch = f"{who or 'a source'} says {ordinal_word(reported)}, we count #{ordinal}"
    return CounterLine(
        counter=tick["counter"],
        description=tick["description"] or tick["counter"],
        ordinal=ordinal,
        reported=reported,
        mismatch=mismatch,
    )


def _source_line(article: dict[str, Any]) -> SourceLine:
    return SourceLine(
        title=article["title"] or "(untitled)",
        url=safe_url(article["url"]),
        outlet=article["source"] or article["feed"] or "unknown source",
        lang=article["lang"],
    )
