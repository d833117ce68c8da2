"""Batch analysis of JSON lines through the pipeline, with a scripted extractor."""

from __future__ import annotations

import json
import random
from datetime import timedelta

from crawler.analyze import analyze
from crawler.storage import Store
from tests.pipeline_fixtures import (
    BALAD_BASE,
    EMBASSY,
    GREEN_ZONE,
    ScriptedExtractor,
    attack,
    make_config,
    utc,
)

NIGHT = utc(2020, 2, 16, 0, 30)
BODY = (
    "Several rockets struck early on Sunday near the US embassy in Baghdad, a security source"
    " said, in the nineteenth attack on American interests in Iraq in nearly four months."
)
TABLE = {
    "embassy": attack(EMBASSY, NIGHT, wounded=0),
    "embassy toll": attack(EMBASSY, NIGHT, wounded=2, lang="fr", tally=20),
    "green zone": attack(GREEN_ZONE, NIGHT, kind="missile", lang="ar"),
    "balad": attack(BALAD_BASE, NIGHT, target="us_military"),
}


def lines() -> list[dict]:
    return [
        {"id": "a1", "title": "embassy", "text": BODY, "published": "2020-02-16T00:50:00Z",
         "url": "https://x.example.test/a1?utm_source=feed", "source": "AFP"},
        {"id": 2, "title": "embassy", "text": "BAGHDAD (AFP) - " + BODY.upper(),
         "published": "2020-02-16T01:00:00+00:00"},
        {"id": "a3", "title": "embassy toll", "text": "Deux blessés.",
         "published": "2020-02-16T05:00:00+00:00"},
        {"id": "a4", "title": "green zone", "text": "صواريخ", "published": "2020-02-16T02:00:00"},
        {"id": "a5", "title": "balad", "text": "Rockets on Balad.",
         "published": "2020-02-16T03:00:00+00:00"},
        {"id": "a6", "title": "weather", "text": "Sunny in Basra."},
    ]  # fmt: skip


def write_lines(path, rows, extra: list[str] = ()) -> None:
    text = [json.dumps(r, ensure_ascii=False) for r in rows] + list(extra)
    path.write_text("\n".join(text) + "\n", encoding="utf-8")


def run(tmp_path, rows, extra=(), db_path=None):
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_lines(source, rows, extra)
    summary = analyze(
        source, out, make_config(), db_path=db_path, extractor=ScriptedExtractor(TABLE),
        now=NIGHT + timedelta(hours=6),
    )  # fmt: skip
    return summary, [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_one_line_out_per_article_with_the_incident_facts(tmp_path):
    summary, out = run(tmp_path, lines())
    assert (summary.read, summary.written, summary.skipped) == (6, 6, 0)
    by_id = {row["id"]: row for row in out}
    assert [row["id"] for row in out] == ["a1", 2, "a3", "a4", "a5", "a6"]
    assert by_id[2]["duplicate_of"] == "a1"
    embassy = by_id["a1"]["incident"]
    assert by_id[2]["incident"] == by_id["a3"]["incident"] == by_id["a4"]["incident"] == embassy
    assert by_id["a5"]["incident"] not in (None, embassy)
    assert by_id["a3"]["wounded"] == 2 and by_id["a3"]["place"] == "US embassy"
    assert by_id["a3"]["reported_tally"] == {"n": 20, "since": "2019-10-28"}
    assert by_id["a3"]["counters"] == {"us-interests-iraq": 19}
    assert by_id["a5"]["counters"] == {"us-interests-iraq": 20}
    assert by_id["a3"]["event_date"] == "2020-02-16" and by_id["a3"]["us_interest"] is True
    weather = by_id["a6"]
    assert weather["relevant"] is False and weather["incident"] is None
    assert weather["counters"] == {} and weather["place"] is None
    assert set(weather) == set(by_id["a1"])


def test_bad_lines_are_reported_with_their_number_and_skipped(tmp_path, caplog):
    bad = [
        '{"id": "x1"',
        '{"text": "no id"}',
        '{"id": "x3", "text": "t", "published": "soon"}',
        '{"id": "x4", "title": " ", "text": ""}',
    ]
    summary, out = run(tmp_path, lines()[:2], extra=bad)
    assert (summary.read, summary.written, summary.skipped) == (6, 2, 4)
    skipped = [r.getMessage() for r in caplog.records if r.getMessage().startswith("skipped")]
    assert [m.split()[2] for m in skipped] == ["line=3", "line=4", "line=5", "line=6"]
    assert "missing text and title" in skipped[-1]


def test_a_headline_alone_is_analysed(tmp_path):
    headline = {"id": "h1", "title": "balad", "text": "", "published": "2020-02-16T03:00:00Z"}
    summary, out = run(tmp_path, [headline])
    assert (summary.read, summary.written, summary.skipped) == (1, 1, 0)
    assert out[0]["id"] == "h1" and out[0]["relevant"] is True and out[0]["incident"] == 1


def test_shuffled_input_gives_the_same_number_of_incidents(tmp_path):
    rows = lines()
    counts = set()
    for seed in range(4):
        random.Random(seed).shuffle(rows)
        _, out = run(tmp_path, rows)
        counts.add(len({row["incident"] for row in out if row["incident"] is not None}))
    assert counts == {2}


def test_rerunning_on_the_same_database_adds_nothing(tmp_path):
    db = tmp_path / "kept.db"
    _, first = run(tmp_path, lines(), db_path=db)
    with Store(db) as store:
        before = store.table_counts()
    _, second = run(tmp_path, lines(), db_path=db)
    # Each line carries the incident as it stood when the line was read; on the second run
    # every line sees the final state (the toll of 2 wounded reported by line 3).
    assert [(r["id"], r["incident"], r["duplicate_of"]) for r in second] == [
        (r["id"], r["incident"], r["duplicate_of"]) for r in first
    ]
    assert (first[0]["wounded"], second[0]["wounded"]) == (0, 2)
    with Store(db) as store:
        assert store.table_counts() == before
        assert store.query("SELECT count(*) AS n FROM alerts") == [{"n": 0}]


def test_a_kept_database_is_searchable(tmp_path):
    db = tmp_path / "kept.db"
    run(tmp_path, lines(), db_path=db)
    with Store(db) as store:
        articles = store.query("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'Balad'")
        incidents = store.query(
            "SELECT i.place_name FROM incidents_fts f JOIN incidents i ON i.id = f.rowid"
            " WHERE incidents_fts MATCH 'Balad'"
        )
        queued = store.query("SELECT count(*) AS n FROM incidents_fts_queue")
    assert len(articles) == 1
    assert incidents == [{"place_name": "Balad air base"}]
    assert queued == [{"n": 0}]
