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

from tests.wire_fixtures import (
    NEGATIVE_KINDS,
    check_labels,
    check_negative,
    check_one_incident_each,
    check_report,
    load_wire,
    reports_per_incident,
    split_wire,
    wire_cases,
)

ROWS = load_wire("wire_fr_short.jsonl")
REPORTS, NEGATIVES = split_wire(ROWS)
FIRST_YEAR, LAST_YEAR = 2011, 2020
MAX_PARAGRAPHS = 3


def test_the_set_has_its_shape():
    assert len({r["id"] for r in ROWS}) == len(ROWS) >= 80
    assert abs(len(REPORTS) - len(ROWS) / 2) <= len(ROWS) / 10
    for row in ROWS:
        assert row["lang"] == "fr" and row["title"]
        assert 1 <= len(row["text"].split("\n\n")) <= MAX_PARAGRAPHS
        assert FIRST_YEAR <= int(row["published"][:4]) <= LAST_YEAR
        check_labels(row, NEGATIVE_KINDS)
    assert max(reports_per_incident(REPORTS)) >= 3  # a toll that rises twice


@pytest.mark.parametrize("row", wire_cases(REPORTS))
def test_a_report_is_recognised_with_its_governorate_and_attack_type(ex, row):
    check_report(ex, row)


@pytest.mark.parametrize("row", wire_cases(NEGATIVES))
def test_a_negative_is_rejected(ex, row):
    check_negative(ex, row)


def test_the_reports_of_one_incident_make_one_incident(tmp_path):
    check_one_incident_each(ROWS, tmp_path)
