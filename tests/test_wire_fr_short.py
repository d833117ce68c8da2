"""Short French wire dispatches (tests/data/wire_fr_short.jsonl): a title and one to three
paragraphs, 2011-2020, as AFP's French service writes them. Half are reports of incidents in
Iraq of many shapes (bombings, shootings of protesters, kidnappings, executions by the Islamic
State group, Turkish and US air raids, rockets and drones on bases, battles in which ground is
taken), some reported two or three times as the toll rises; half are what such a flow also
carries: attacks in Syria, Europe, Afghanistan, Africa or Yemen with Iraq in the background,
Iraqi politics, trials, anniversaries, features, tallies, threats, arrests, accidents, mass
graves found and reactions.

Unlike tests/test_wire_fr.py, which allows a few misses, every item is checked on its own:
each report is recognised with its governorate and attack type, each negative is rejected, and
the reports of one event make one incident. An item the extractor cannot read without a deeper
change is listed in KNOWN_FAILURES with its cause (a strict xfail: it fails the run once fixed,
so that it leaves the list).
"""

from __future__ import annotations

import pytest

from crawler.types import ATTACK_TYPES, GOVERNORATES
from tests.wire_fixtures import NEGATIVE_KINDS, extract_row, incidents_found, load_wire

ROWS = load_wire("wire_fr_short.jsonl")
FIRST_YEAR, LAST_YEAR = 2011, 2020
MAX_PARAGRAPHS = 3
# What the judge settles before it reads the places of a story.
BEFORE_PLACES = ("no_incident_term", "no_violence", "accident")
# id -> why the extractor gets it wrong (strict xfail).
KNOWN_FAILURES: dict[str, str] = {}


def _cases(relevant: bool) -> list:
    return [
        pytest.param(
            row,
            id=row["id"],
            marks=[pytest.mark.xfail(reason=KNOWN_FAILURES[row["id"]], strict=True)]
            if row["id"] in KNOWN_FAILURES
            else [],
        )
        for row in ROWS
        if row["label"]["relevant"] is relevant
    ]


def test_the_set_has_its_shape():
    assert len({r["id"] for r in ROWS}) == len(ROWS) >= 80
    positives = [r for r in ROWS if r["label"]["relevant"]]
    assert abs(len(positives) - len(ROWS) / 2) <= len(ROWS) / 10
    for row in ROWS:
        label = row["label"]
        assert row["lang"] == "fr" and row["title"]
        assert 1 <= len(row["text"].split("\n\n")) <= MAX_PARAGRAPHS
        assert FIRST_YEAR <= int(row["published"][:4]) <= LAST_YEAR
        if label["relevant"]:
            assert label["attack_type"] in ATTACK_TYPES and label["negative_kind"] is None
            assert label["governorate"] in GOVERNORATES
        else:
            assert label["negative_kind"] in NEGATIVE_KINDS and row["incident"] is None
    groups = [r["incident"] for r in positives if r["incident"]]
    assert any(groups.count(key) >= 3 for key in groups)  # a toll that rises twice


@pytest.mark.parametrize("row", _cases(relevant=True))
def test_a_report_is_recognised_with_its_governorate_and_attack_type(ex, row):
    got = extract_row(ex, row)
    label = row["label"]
    assert got.relevant, (got.reason, got.score, got.evidence)
    assert got.place is not None and got.place.governorate == label["governorate"], got.place
    assert got.attack_type == label["attack_type"]


@pytest.mark.parametrize("row", _cases(relevant=False))
def test_a_negative_is_rejected(ex, row):
    got = extract_row(ex, row)
    assert not got.relevant, (got.score, got.evidence)
    if row["label"]["negative_kind"] == "abroad" and got.reason not in BEFORE_PLACES:
        assert got.reason in ("outside_iraq", "not_in_iraq")


def test_the_reports_of_one_incident_make_one_incident(tmp_path):
    split, mixed = incidents_found(ROWS, tmp_path)
    assert not split, split
    assert not mixed, mixed
