"""Incident merging with the real extractor on labelled wire reports (tests/data/devset.jsonl):
one incident reported 12 times in 3 languages over 20 hours is ONE incident and ONE counter tick,
in any order; attacks in two places the same night, or on one place a week apart, stay apart;
re-running adds nothing; a stated tally that differs from our ordinal is flagged."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from crawler.analyze import analyze
from crawler.config import config_from_dict
from crawler.storage import Store

DEVSET = Path(__file__).parent / "data" / "devset.jsonl"
ROWS = [json.loads(line) for line in DEVSET.read_text(encoding="utf-8").splitlines()]
FIELDS = ("id", "url", "title", "text", "published", "lang", "source")


def group(key: str) -> list[dict]:
    return sorted((r for r in ROWS if r["incident"] == key), key=lambda r: r["published"])


def run(tmp_path: Path, rows: list[dict], *, start: int = 0, name: str = "run") -> list[dict]:
    config = config_from_dict(
        {
            "counters": [
                {
                    "name": "us",
                    "since": "2019-10-28",
                    "start": start,
                    "filter": {"us_interest": True},
                }
            ]
        }
    )
    source, sink = tmp_path / f"{name}.jsonl", tmp_path / f"{name}.out.jsonl"
    source.write_text(
        "".join(json.dumps({k: r[k] for k in FIELDS}, ensure_ascii=False) + "\n" for r in rows),
        encoding="utf-8",
    )
    analyze(source, sink, config, db_path=tmp_path / f"{name}.db")
    return [json.loads(line) for line in sink.read_text(encoding="utf-8").splitlines()]


def incidents_of(results: list[dict]) -> set[int]:
    return {r["incident"] for r in results if r["incident"] is not None}


EMBASSY = "2020-02-16-baghdad-embassy-rockets"


def test_twelve_reports_in_three_languages_over_twenty_hours_are_one_incident(tmp_path):
    reports = group(EMBASSY)
    assert len(reports) == 12 and {r["lang"] for r in reports} == {"fr", "en", "ar"}
    results = run(tmp_path, reports, start=18)
    assert all(r["relevant"] for r in results)
    assert len(incidents_of(results)) == 1
    assert {r["counters"]["us"] for r in results} == {19}  # one tick: the 19th attack
    with Store(tmp_path / "run.db") as store:
        ticks = store.query("SELECT ordinal, reported, mismatch FROM counter_ticks")
    assert ticks == [{"ordinal": 19, "reported": 19, "mismatch": 0}]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_shuffled_order_gives_the_same_incidents(tmp_path, seed):
    keys = [
        EMBASSY,
        "2020-01-04-baghdad-green-zone-rockets",
        "2020-01-04-balad-air-base-rockets",
        "2020-12-13-green-zone-rockets",
        "2020-12-20-green-zone-rockets",
    ]
    reports = [r for key in keys for r in group(key)]
    in_order = run(tmp_path, sorted(reports, key=lambda r: r["published"]), name="ordered")
    random.Random(seed).shuffle(reports)
    shuffled = run(tmp_path, reports, name="shuffled")
    assert len(incidents_of(shuffled)) == len(incidents_of(in_order)) == len(keys)


def test_two_places_the_same_night_stay_two_incidents(tmp_path):
    green_zone = group("2020-01-04-baghdad-green-zone-rockets")
    balad = group("2020-01-04-balad-air-base-rockets")
    results = run(tmp_path, sorted(green_zone + balad, key=lambda r: r["published"]))
    by_id = {r["id"]: r["incident"] for r in results}
    assert len({by_id[r["id"]] for r in green_zone}) == 1
    assert len({by_id[r["id"]] for r in balad}) == 1
    assert incidents_of(results) == {by_id[green_zone[0]["id"]], by_id[balad[0]["id"]]}
    assert by_id[green_zone[0]["id"]] != by_id[balad[0]["id"]]


def test_one_place_a_week_apart_stays_two_incidents(tmp_path):
    first, second = group("2020-12-13-green-zone-rockets"), group("2020-12-20-green-zone-rockets")
    results = run(tmp_path, first + second)
    by_id = {r["id"]: r["incident"] for r in results}
    assert len({by_id[r["id"]] for r in first}) == 1 and len({by_id[r["id"]] for r in second}) == 1
    assert by_id[first[0]["id"]] != by_id[second[0]["id"]]


def test_rerunning_the_same_input_adds_nothing(tmp_path):
    reports = group(EMBASSY)
    run(tmp_path, reports, name="same")
    with Store(tmp_path / "same.db") as store:
        before = store.table_counts()
    run(tmp_path, reports, name="same")
    with Store(tmp_path / "same.db") as store:
        assert store.table_counts() == before


def test_a_tally_that_differs_from_our_ordinal_is_flagged(tmp_path):
    # Joining mid-campaign without a starting value: we count #1 where AFP says 19th.
    run(tmp_path, group(EMBASSY), start=0)
    with Store(tmp_path / "run.db") as store:
        (tick,) = store.query("SELECT ordinal, reported, mismatch FROM counter_ticks")
        assert tick == {"ordinal": 1, "reported": 19, "mismatch": 1}
        (summary,) = store.counter_summaries()
        assert summary["mismatches"] == 1


def test_the_same_wording_about_another_town_is_another_story(tmp_path):
    # Wires reuse one wording for attacks in different towns; a copy is the same text about
    # the same place, so these must be two incidents, not a duplicate of the first.
    def report(number: int, town: str) -> dict:
        return {
            "id": f"t{number}",
            "url": None,
            "source": "AFP",
            "lang": "en",
            "published": f"2021-06-0{number}T09:00:00+00:00",
            "title": f"Roadside bomb kills two soldiers near {town}",
            "text": f"A roadside bomb exploded as an Iraqi army patrol passed near {town}, "
            "killing two soldiers and wounding three, a security official told AFP. "
            "No group immediately claimed the attack.",
        }

    results = run(tmp_path, [report(1, "Sinjar"), report(2, "Karbala")])
    assert [r["duplicate_of"] for r in results] == [None, None]
    assert len(incidents_of(results)) == 2
    # The same text about the same town a little later is a copy, and joins the first.
    copy = dict(report(1, "Sinjar"), id="t3", published="2021-06-01T10:00:00+00:00")
    copy["title"] = "Roadside bomb kills two soldiers near Sinjar - security official"
    results = run(tmp_path, [report(1, "Sinjar"), copy], name="copy")
    assert results[1]["incident"] == results[0]["incident"]
