"""Self-written wire sets (tests/data/wire_*.jsonl): reading them, their test cases, checking
one item's reading and labels, and running a whole set through the daemon's pipeline
(``wirewatch analyze``) to see which reports were joined into which incident.

A row is one dispatch as a portal republishes it (id, url, title, text, published, lang,
source), with ``incident`` (a key shared by the reports of one event, None for a lone report or
a negative) and ``label`` (relevant, governorate, attack_type, negative_kind).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

import pytest

from crawler.analyze import analyze
from crawler.config import config_from_dict
from crawler.extract import Extractor
from crawler.types import ATTACK_TYPES, GOVERNORATES, Extraction

DATA = Path(__file__).parent / "data"
# What a French wire item is not, when it is no report of a new incident in Iraq.
NEGATIVE_KINDS = frozenset(
    {
        "abroad", "recap", "trial", "anniversary", "reaction", "politics", "threat", "feature",
        "accident", "economy", "arrest",
    }
)  # fmt: skip
ARTICLE_KEYS = ("id", "url", "title", "text", "published", "lang", "source")


def load_wire(name: str) -> list[dict]:
    """The rows of tests/data/<name>."""
    text = (DATA / name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def split_wire(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """The rows that report an incident, and the negatives."""
    return [r for r in rows if r["label"]["relevant"]], [
        r for r in rows if not r["label"]["relevant"]
    ]


def reports_per_incident(reports: list[dict]) -> list[int]:
    """How many reports tell each labelled incident (a lone report has no incident key)."""
    return list(Counter(r["incident"] for r in reports if r["incident"]).values())


def extract_row(ex: Extractor, row: dict) -> Extraction:
    published = datetime.fromisoformat(row["published"])
    return ex.extract(row["title"], row["text"], published, row["lang"])


# What the judge settles before it reads the places of a story: such a negative abroad is ruled
# out without its places being weighed.
BEFORE_PLACES = ("no_incident_term", "no_violence", "accident")


def wire_cases(rows: list[dict], known_failures: Mapping[str, str] | None = None) -> list:
    """The rows as test parameters named by their id; those the extractor gets wrong are strict
    xfails with the reason (so that the test fails once they are read right)."""
    failures = known_failures or {}
    return [
        pytest.param(
            row,
            id=row["id"],
            marks=[pytest.mark.xfail(reason=failures[row["id"]], strict=True)]
            if row["id"] in failures
            else [],
        )
        for row in rows
    ]


def check_labels(row: dict, negative_kinds: frozenset[str]) -> None:
    """A report's label names its attack type and governorate, and no negative kind; a
    negative's names its kind, and the row no incident."""
    label = row["label"]
    if label["relevant"]:
        assert label["attack_type"] in ATTACK_TYPES and label["negative_kind"] is None
        assert label["governorate"] in GOVERNORATES
    else:
        assert label["negative_kind"] in negative_kinds and row["incident"] is None


def check_report(ex: Extractor, row: dict) -> None:
    """A report is recognised, with its governorate and its attack type."""
    got = extract_row(ex, row)
    label = row["label"]
    assert got.relevant, (got.reason, got.score, got.evidence)
    assert got.place is not None and got.place.governorate == label["governorate"], got.place
    assert got.attack_type == label["attack_type"]


def check_negative(ex: Extractor, row: dict) -> None:
    """A negative is no report; one abroad is ruled out by its places."""
    got = extract_row(ex, row)
    assert not got.relevant, (got.score, got.evidence)
    if row["label"]["negative_kind"] == "abroad" and got.reason not in BEFORE_PLACES:
        assert got.reason in ("outside_iraq", "not_in_iraq")


def check_one_incident_each(rows: list[dict], workdir: Path) -> None:
    """The reports of one labelled event make one incident, and no incident mixes two."""
    split, mixed = incidents_found(rows, workdir)
    assert not split, split
    assert not mixed, mixed


def incidents_found(rows: list[dict], workdir: Path) -> tuple[dict, dict]:
    """Run the rows through ``analyze``; returns the incidents the reports of one labelled
    event were split into (only events split in two or more) and the incidents that joined
    reports of two or more labelled events."""
    source, sink = workdir / "in.jsonl", workdir / "out.jsonl"
    source.write_text(
        "".join(
            json.dumps({k: r[k] for k in ARTICLE_KEYS}, ensure_ascii=False) + "\n" for r in rows
        ),
        encoding="utf-8",
    )
    analyze(source, sink, config_from_dict({}))
    results = {r["id"]: r for r in map(json.loads, sink.read_text(encoding="utf-8").splitlines())}
    groups = defaultdict(set)
    for row in rows:
        if row["incident"]:
            groups[row["incident"]].add(results[row["id"]]["incident"])
    split = {key: ids - {None} for key, ids in groups.items() if len(ids - {None}) > 1}
    keys_of = defaultdict(set)
    for key, ids in groups.items():
        for incident in ids - {None}:
            keys_of[incident].add(key)
    mixed = {incident: keys for incident, keys in keys_of.items() if len(keys) > 1}
    return split, mixed
