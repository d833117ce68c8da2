"""The demo's sample wire: loading the dispatches of ``data/wire.yaml`` and filling in their times.

A :class:`SampleItem` is one dispatch as written: text with ``{day}`` and ``{time}`` placeholders,
a link path and an offset in seconds from the start of the demo. :func:`fill_in` turns those
placeholders into the weekday and GMT time of the event in the item's language, so the texts agree
with the publication dates whenever the demo runs. The incidents block of the file says what a
reader should conclude from each incident's reports (:class:`SampleIncident`), for tests of the
whole pipeline.

This module only reads and checks data. When items are published and how feeds look is the
feed server's business (:mod:`crawler.demo.feedserver`, :mod:`crawler.demo.render`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from crawler.errors import InputError
from crawler.types import ATTACK_TYPES, LANGUAGES, TARGETS

SAMPLE_PATH = Path(__file__).with_name("data") / "wire.yaml"

# Minutes between the event of an unrelated story (a vote, a verdict) and its first report: only
# its weekday is ever shown, so any plausible figure does.
UNRELATED_LEAD_MIN = 45.0

# Agencies give event times to the nearest few minutes ("vers 00H30 GMT"), never to the second.
EVENT_TIME_STEP_MIN = 5

_WEEKDAYS = {
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "ar": ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"),
}
_TIME_FORMATS = {"fr": "{h:02d}H{m:02d}", "en": "{h:02d}:{m:02d}", "ar": "{h:02d}:{m:02d}"}
_PLACEHOLDER = re.compile(r"\{(day|time)\}")
_ITEM_KEYS = {"id", "feed", "outlet", "lang", "story", "offset_s", "link", "title", "body"}
_OPTIONAL_ITEM_KEYS = {"dateline"}
_INCIDENT_KEYS = {
    "lead_min",
    "attack_type",
    "target",
    "us_interest",
    "governorate",
    "killed",
    "wounded",
    "tally",
}


@dataclass(frozen=True, slots=True)
class SampleItem:
    """One dispatch of the sample wire, as written (placeholders not filled in).

    ``feed`` names the feed that first publishes it (``afp-fr``, ``outlet-rudaw`` ...); ``link`` is
    a path on the feed server; ``offset_s`` is when it appears, in seconds after the demo starts;
    ``lead_min`` is how long before the first report of its story the event happened.
    """

    id: str
    feed: str
    outlet: str
    lang: str
    story: str
    title: str
    body: tuple[str, ...]
    link: str
    offset_s: float = 0.0
    dateline: str | None = None
    lead_min: float = UNRELATED_LEAD_MIN


@dataclass(frozen=True, slots=True)
class SampleIncident:
    """What every report of one incident story adds up to (final figures, after updates)."""

    story: str
    lead_min: float
    attack_type: str
    target: str
    us_interest: bool
    governorate: str
    killed: int | None
    wounded: int | None
    tally: int | None  # the running count the agency states, None when it states none


@dataclass(frozen=True, slots=True)
class Sample:
    """The whole sample wire: its items in file order and its incident stories by name."""

    items: tuple[SampleItem, ...]
    incidents: Mapping[str, SampleIncident]


def load_sample(path: Path = SAMPLE_PATH) -> Sample:
    """Read and check a sample wire file; raise :class:`InputError` naming every problem."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise InputError(f"{path}: cannot read the sample wire: {e}") from e
    if not isinstance(document, dict):
        raise InputError(f"{path}: expected a mapping with 'incidents' and 'items'")
    problems: list[str] = []
    incidents = _incidents(document.get("incidents") or {}, problems)
    items = _items(document.get("items") or [], incidents, problems)
    if problems:
        raise InputError("\n".join(f"{path}: {problem}" for problem in problems))
    return Sample(items=tuple(items), incidents=incidents)


def fill_in(item: SampleItem, event_time: datetime) -> SampleItem:
    """Return ``item`` with ``{day}`` and ``{time}`` replaced by ``event_time`` (aware, UTC)."""
    step_min = EVENT_TIME_STEP_MIN
    values = {
        "day": _WEEKDAYS[item.lang][event_time.weekday()],
        "time": _TIME_FORMATS[item.lang].format(
            h=event_time.hour, m=event_time.minute // step_min * step_min
        ),
    }

    def substitute(text: str) -> str:
        return _PLACEHOLDER.sub(lambda match: values[match[1]], text)

    return replace(item, title=substitute(item.title), body=tuple(substitute(p) for p in item.body))


def item_problems(item: SampleItem) -> list[str]:
    """What is wrong with one item, as short phrases (empty when it can be served)."""
    problems = []
    if item.lang not in LANGUAGES:
        problems.append(f"lang {item.lang!r} is not one of {LANGUAGES}")
    if not item.link.startswith("/"):
        problems.append(f"link {item.link!r} must be a path starting with '/'")
    if not item.body:
        problems.append("body has no paragraph")
    if item.offset_s < 0:
        problems.append(f"offset_s {item.offset_s} is negative")
    return problems


def _incidents(raw: Any, problems: list[str]) -> dict[str, SampleIncident]:
    if not isinstance(raw, dict):
        problems.append("incidents: expected a mapping of story name to facts")
        return {}
    incidents = {}
    for story, facts in raw.items():
        where = f"incidents.{story}"
        if not isinstance(facts, dict) or set(facts) != _INCIDENT_KEYS:
            problems.append(f"{where}: expected exactly the keys {sorted(_INCIDENT_KEYS)}")
            continue
        if facts["attack_type"] not in ATTACK_TYPES:
            problems.append(f"{where}.attack_type: {facts['attack_type']!r} is not in ATTACK_TYPES")
        if facts["target"] not in TARGETS:
            problems.append(f"{where}.target: {facts['target']!r} is not in TARGETS")
        incidents[story] = SampleIncident(story=story, **facts)
    return incidents


def _items(
    raw: Any, incidents: Mapping[str, SampleIncident], problems: list[str]
) -> list[SampleItem]:
    if not isinstance(raw, list):
        problems.append("items: expected a list")
        return []
    items: list[SampleItem] = []
    seen: set[str] = set()
    for index, fields in enumerate(raw):
        where = f"items[{index}]"
        if not isinstance(fields, dict):
            problems.append(f"{where}: expected a mapping")
            continue
        missing = _ITEM_KEYS - set(fields)
        unknown = set(fields) - _ITEM_KEYS - _OPTIONAL_ITEM_KEYS
        if missing or unknown:
            problems.append(f"{where}: missing {sorted(missing)}, unknown {sorted(unknown)}")
            continue
        item = _item(fields, incidents)
        problems.extend(f"{where} ({item.id}): {problem}" for problem in item_problems(item))
        if item.id in seen:
            problems.append(f"{where}: duplicate id {item.id!r}")
        seen.add(item.id)
        items.append(item)
    return items


def _item(fields: dict[str, Any], incidents: Mapping[str, SampleIncident]) -> SampleItem:
    incident = incidents.get(fields["story"])
    return SampleItem(
        id=str(fields["id"]),
        feed=str(fields["feed"]),
        outlet=str(fields["outlet"]),
        lang=str(fields["lang"]),
        story=str(fields["story"]),
        title=str(fields["title"]),
        body=tuple(str(p) for p in fields["body"]),
        link=str(fields["link"]),
        offset_s=float(fields["offset_s"]),
        dateline=fields.get("dateline"),
        lead_min=incident.lead_min if incident else UNRELATED_LEAD_MIN,
    )
