"""Corpus-driven tests: every feed file in tests/data/feeds/ against its ``.expected.json``.

Each ``NAME.expected.json`` describes the feed file ``NAME.<ext>`` beside it: the arguments of
``parse_feed`` (``url``, optional ``content_type``, ``feed_lang``, ``source``), the feed-level
results (``format``, ``parser``, ``title``, ``lang``, ``problems``) and one object per entry, in
order, holding the Entry fields to check (fields left out are not checked). A second test
checks that the lxml fast path and feedparser give identical entries on every corpus feed the
fast path accepts.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.feedformats.normalise import build_parsed_feed
from crawler.feeds import parse_feed, read_document

CORPUS = Path(__file__).parent / "data" / "feeds"
NOW = datetime(2020, 2, 16, 12, 0, tzinfo=UTC)
FEED_LEVEL_FIELDS = ("format", "parser", "title", "lang", "problems")


def corpus_cases() -> list[tuple[Path, dict]]:
    cases = []
    for expected_path in sorted(CORPUS.glob("*.expected.json")):
        name = expected_path.name.removesuffix(".expected.json")
        bodies = [p for p in CORPUS.glob(f"{name}.*") if not p.name.endswith(".expected.json")]
        assert len(bodies) == 1, f"{expected_path.name} needs exactly one feed file beside it"
        cases.append((bodies[0], json.loads(expected_path.read_text(encoding="utf-8"))))
    return cases


CASES = corpus_cases()


def parse_case(body_path: Path, expected: dict, **options):
    return parse_feed(
        body_path.read_bytes(),
        url=expected["url"],
        now=NOW,
        content_type=expected.get("content_type"),
        feed_lang=expected.get("feed_lang"),
        source=expected.get("source"),
        **options,
    )


def entry_as_json(entry) -> dict:
    values = {name: getattr(entry, name) for name in entry.__slots__}
    values["published"] = entry.published.isoformat()
    return values


@pytest.mark.parametrize(("body_path", "expected"), CASES, ids=[p.name for p, _ in CASES])
def test_corpus_feed(body_path, expected):
    parsed = parse_case(body_path, expected)
    for field in FEED_LEVEL_FIELDS:
        if field in expected:
            got = list(parsed.problems) if field == "problems" else getattr(parsed, field)
            assert got == expected[field], f"{field}: {got!r}"
    assert len(parsed.entries) == len(expected["entries"])
    for index, (entry, wanted) in enumerate(zip(parsed.entries, expected["entries"], strict=True)):
        got = entry_as_json(entry)
        for field, value in wanted.items():
            assert got[field] == value, f"entry {index} {field}: {got[field]!r}"


FAST_CASES = [(p, e) for p, e in CASES if e.get("parser") == "fast"]


@pytest.mark.parametrize(("body_path", "expected"), FAST_CASES, ids=[p.name for p, _ in FAST_CASES])
def test_fast_path_gives_the_same_entries_as_feedparser(body_path, expected):
    body = body_path.read_bytes()
    built = []
    for fast_path in (True, False):
        raw = read_document(
            body,
            url=expected["url"],
            content_type=expected.get("content_type"),
            fast_path=fast_path,
        )
        built.append(
            build_parsed_feed(raw, url=expected["url"], now=NOW, feed_lang=None, source=None)
        )
    fast, reference = built
    assert (fast.parser, reference.parser) == ("fast", "feedparser")
    assert (fast.format, fast.title, fast.lang) == (
        reference.format,
        reference.title,
        reference.lang,
    )
    assert fast.entries == reference.entries


def test_corpus_covers_every_format_and_both_paths():
    formats = {e["format"] for _, e in CASES}
    parsers = {e.get("parser") for _, e in CASES}
    assert {"rss", "atom", "jsonfeed", "newsml", "unknown"} <= formats
    assert {"fast", "feedparser"} <= parsers


@pytest.mark.parametrize(("body_path", "expected"), FAST_CASES, ids=[p.name for p, _ in FAST_CASES])
def test_known_items_leave_out_exactly_their_entries(body_path, expected):
    full = parse_case(body_path, expected)
    known = full.item_hashes[::2]
    again = parse_case(body_path, expected, known_items=known)
    if again.unchanged_items:
        by_hash = dict(zip(full.item_hashes, full.entries, strict=True))
        assert again.unchanged_items == len(known)
        assert again.entries == tuple(e for h, e in by_hash.items() if h not in known)
    else:
        assert again.entries == full.entries
    assert sorted(again.item_hashes) == sorted(full.item_hashes)
    assert again.problems == full.problems


def test_most_fast_corpus_feeds_can_leave_known_items_out():
    skipping = [p for p, e in FAST_CASES if parse_case(p, e).item_hashes]
    assert len(skipping) >= len(FAST_CASES) // 2
