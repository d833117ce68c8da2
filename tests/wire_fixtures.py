"""Self-written wire sets (tests/data/wire_*.jsonl, French and Arabic): reading them, extracting
one of their items, and running a whole set through the daemon's pipeline (``wirewatch analyze``) to
see which reports were joined into which incident.

A row is one dispatch as a portal republishes it (id, url, title, text, published, lang,
source), with ``incident`` (a key shared by the reports of one event, None for a lone report or
a negative) and ``label`` (relevant, governorate, attack_type, negative_kind).
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from crawler.analyze import analyze
from crawler.config import config_from_dict
from crawler.extract import Extractor
from crawler.types import Extraction

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


def extract_row(ex: Extractor, row: dict) -> Extraction:
    published = datetime.fromisoformat(row["published"])
    return ex.extract(row["title"], row["text"], published, row["lang"])


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
