"""English RSS items (tests/data/wire_en_rss.jsonl): a title and a one- to three-sentence
description, as the feeds of wires, broadcasters, Kurdish, Gulf and military outlets carry them,
in 2020 (the strike that killed Soleimani, Iran's missiles on Ain al-Asad and Erbil, rockets on
the US embassy, Camp Taji, Balad, Besmaya and Erbil airport, US strikes on Kataib Hezbollah,
roadside bombs on coalition supply convoys, Islamic State raids, protesters shot, Turkish strikes,
assassinations, a kidnapping) and from October to December 2023 (drones and rockets on Ain
al-Asad, Harir, Erbil air base, Victory base and Union III; US strikes near Abu Ghraib, in Jurf
al-Sakhar, Kirkuk and Hillah; rockets at the US embassy). Half are reports of those incidents,
several told by two or three outlets; half are what such feeds also carry: attacks on US bases
in Syria the same night, Gaza, Lebanon, the Houthis, Iran, embassies elsewhere, the Pentagon's
tallies and statements, sanctions, politics, trials, features, anniversaries, sport, oil, arrests
and follow-ups.

Every item is checked on its own: each report is recognised with its governorate and attack
type, each negative is rejected, and the reports of one incident make one incident while two
attacks on one base a day apart stay two. An item the extractor cannot read without a deeper
change is listed in KNOWN_FAILURES with its cause (a strict xfail: it fails the run once fixed,
so that it leaves the list); an incident whose reports it cannot yet join, in KNOWN_SPLITS.
"""

from __future__ import annotations

import pytest

from tests.wire_fixtures import (
    check_labels,
    check_negative,
    check_report,
    incidents_found,
    load_wire,
    reports_per_incident,
    split_wire,
    wire_cases,
)

ROWS = load_wire("wire_en_rss.jsonl")
REPORTS, NEGATIVES = split_wire(ROWS)
NEGATIVE_KINDS = {
    "abroad", "tally", "followup", "reaction", "politics", "briefing", "sanctions", "trial",
    "feature", "anniversary", "ambiguous", "economy", "arrest", "threat", "accident",
}  # fmt: skip
ERAS = ("2020-", "2023-1")
# id -> why the extractor gets it wrong (strict xfail).
KNOWN_FAILURES: dict[str, str] = {}
# incident -> why its reports make two incidents.
KNOWN_SPLITS: dict[str, str] = {}


def test_the_set_has_its_shape():
    assert len({r["id"] for r in ROWS}) == len(ROWS) >= 120
    assert abs(len(REPORTS) - len(ROWS) / 2) <= len(ROWS) / 10
    for row in ROWS:
        assert row["lang"] == "en" and row["title"] and row["published"].startswith(ERAS)
        assert 1 <= len(row["text"].split("\n\n")) <= 3
        check_labels(row, NEGATIVE_KINDS)
    told = reports_per_incident(REPORTS)
    assert sum(n > 1 for n in told) >= 15
    assert max(told) >= 3


@pytest.mark.parametrize("row", wire_cases(REPORTS, KNOWN_FAILURES))
def test_a_report_is_recognised_with_its_governorate_and_attack_type(ex, row):
    check_report(ex, row)


@pytest.mark.parametrize("row", wire_cases(NEGATIVES, KNOWN_FAILURES))
def test_a_negative_is_not_a_report(ex, row):
    check_negative(ex, row)


def test_the_reports_of_one_incident_make_one_incident(tmp_path):
    split, mixed = incidents_found(ROWS, tmp_path)
    assert set(split) == set(KNOWN_SPLITS), split
    assert not mixed, mixed
