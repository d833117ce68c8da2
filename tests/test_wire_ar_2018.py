"""Arabic news of 2018 as Iraqi and Arab outlets wrote it (tests/data/wire_ar_2018.jsonl): the
post-ISIS insurgency (roadside and sticky bombs, raids on villages and posts, fake checkpoints,
kidnapped shepherds and truffle hunters), the Basra summer (protesters shot, the Iranian consulate
burned, an activist assassinated), Katyusha rockets on the Green Zone and on Basra airport, Turkish
strikes on Qandil, Sinjar, Makhmour and Amadiya; and the news beside them that is no incident in
Iraq: Syria, Yemen, Gaza, Libya and Sinai, the elections and the new government, mass graves,
arrests and foiled plots, trials, Mosul's reconstruction, UN monthly tolls, condemnations and
funerals. Every report is recognised with its governorate and attack type, no negative is, and
the two or three reports of one incident make one incident through the daemon's pipeline."""

from __future__ import annotations

import pytest

from tests.wire_fixtures import (
    check_labels,
    check_negative,
    check_one_incident_each,
    check_report,
    load_wire,
    reports_per_incident,
    split_wire,
    wire_cases,
)

ROWS = load_wire("wire_ar_2018.jsonl")
REPORTS, NEGATIVES = split_wire(ROWS)
NEGATIVE_KINDS = {
    "abroad", "politics", "mass_grave", "arrest", "trial", "reconstruction", "tally",
    "reaction", "threat", "accident", "economy", "anniversary", "operation",
}  # fmt: skip


def test_the_set_has_its_shape():
    assert len(ROWS) == 80 and len({r["id"] for r in ROWS}) == 80
    assert len(REPORTS) == 40
    for row in ROWS:
        assert row["lang"] == "ar" and row["title"] and row["published"].startswith("2018-")
        assert 1 <= len(row["text"].split("\n\n")) <= 3
        check_labels(row, NEGATIVE_KINDS)
    assert sum(n > 1 for n in reports_per_incident(REPORTS)) >= 8


@pytest.mark.parametrize("row", wire_cases(REPORTS))
def test_a_report_is_recognised_with_its_governorate_and_attack_type(ex, row):
    check_report(ex, row)


@pytest.mark.parametrize("row", wire_cases(NEGATIVES))
def test_a_negative_is_not_a_report(ex, row):
    check_negative(ex, row)


def test_the_reports_of_one_incident_make_one_incident(tmp_path):
    check_one_incident_each(ROWS, tmp_path)
