"""Long French wire copy as a portal republishes AFP's 2011-2020 dispatches
(tests/data/wire_fr_long.jsonl): a title, the portal's own lead, then the dispatch with its
dateline, often after the reporter's byline ("Par ... - BAGDAD (AFP) -"), and four to eight
paragraphs of background — earlier attacks and their tolls, the year's figures, quotes,
reactions. Half are reports of incidents in Iraq (car bombs and suicide attacks in Baghdad,
battles for Mosul, Ramadi, Fallujah and Kirkuk, Islamic State raids after 2017, protesters shot,
the strike that killed Soleimani, Iran's missiles, rockets on the US embassy and Taji, Turkish
strikes, kidnappings), a third of them told two or three times (first version, update "(MAJ)",
another portal's copy); half are long stories where Iraq is only background: attacks in France,
Europe, the United States, Syria, Tunisia, Libya, Yemen, Afghanistan, Mali, Turkey and Kuwait,
trials, politics, reactions, anniversaries, features, tallies, threats, arrests and accidents.

Every report is recognised with its governorate and attack type, every negative is rejected
(one set abroad for its places), and the reports of one incident make one incident; a case the
extractor still gets wrong is listed in KNOWN_FAILURES with its cause.
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

ROWS = load_wire("wire_fr_long.jsonl")
REPORTS, NEGATIVES = split_wire(ROWS)
FIRST_YEAR, LAST_YEAR = 2011, 2020
MIN_PARAGRAPHS = 4
# id -> why the extractor gets it wrong (strict xfail: it fails the run once fixed).
KNOWN_FAILURES: dict[str, str] = {}


def test_the_set_has_its_shape():
    assert len({r["id"] for r in ROWS}) == len(ROWS) >= 90
    assert abs(len(REPORTS) - len(ROWS) / 2) <= len(ROWS) / 10
    for row in ROWS:
        assert row["lang"] == "fr" and row["title"]
        assert len(row["text"].split("\n\n")) >= MIN_PARAGRAPHS
        assert FIRST_YEAR <= int(row["published"][:4]) <= LAST_YEAR
        check_labels(row, NEGATIVE_KINDS)
    told = reports_per_incident(REPORTS)
    assert sum(n > 1 for n in told) >= 10
    assert max(told) >= 3  # a toll that rises twice
    assert any("(AFP) -" in r["text"].split("\n\n")[1] for r in ROWS)  # the portal's own lead


@pytest.mark.parametrize("row", wire_cases(REPORTS, KNOWN_FAILURES))
def test_a_report_is_recognised_with_its_governorate_and_attack_type(ex, row):
    check_report(ex, row)


@pytest.mark.parametrize("row", wire_cases(NEGATIVES, KNOWN_FAILURES))
def test_a_negative_is_rejected(ex, row):
    check_negative(ex, row)


def test_the_reports_of_one_incident_make_one_incident(tmp_path):
    check_one_incident_each(ROWS, tmp_path)
