"""The processing pipeline on a real SQLite file: dedup, merging, counters, tallies, alerts."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from crawler.errors import InputError
from crawler.pipeline import merge_incidents, process_pending, reprocess, split_incident
from crawler.storage import Store
from tests.pipeline_fixtures import (
    AIN_AL_ASAD,
    BAGHDAD,
    BAGHDAD_PROVINCE,
    BALAD_BASE,
    EMBASSY,
    GREEN_ZONE,
    ScriptedExtractor,
    add_article,
    attack,
    make_config,
    utc,
)

NIGHT = utc(2020, 2, 16, 0, 30)
COUNTER = "us-interests-iraq"

# The embassy attack of 16 February 2020 as twelve reports in three languages over 20 hours:
# a flash, updates, reprints, other outlets; places from the site to the governorate, types
# from "rockets" to "missiles" to unknown, times from the hour to nothing at all.
EMBASSY_REPORTS = [
    ("fr flash roquettes ambassade", 0.3, "AFP", attack(EMBASSY, NIGHT, lang="fr")),
    ("en rockets near US embassy", 0.8, "Reuters", attack(EMBASSY, NIGHT + timedelta(hours=1))),
    ("ar sirens green zone", 1.2, "Al Sumaria", attack(GREEN_ZONE, None, lang="ar", kind=None)),
    ("fr 19e attaque", 1.5, "AFP", attack(EMBASSY, NIGHT, lang="fr", tally=19)),
    ("en missiles hit baghdad", 2.0, "AP", attack(BAGHDAD, NIGHT, precision="day", kind="missile")),
    ("en embassy attack update", 3.0, "Reuters", attack(EMBASSY, NIGHT, wounded=0)),
    ("ar rockets embassy", 4.0, "Al Jazeera", attack(EMBASSY, NIGHT, lang="ar")),
    ("fr zone verte", 6.0, "France 24", attack(GREEN_ZONE, NIGHT, lang="fr", target=None)),
    ("en baghdad province rockets", 9.0, "Rudaw", attack(BAGHDAD_PROVINCE, None)),
    ("en us condemns embassy attack", 12.0, "AP", attack(EMBASSY, NIGHT, precision="day")),
    ("ar embassy second report", 16.0, "INA", attack(EMBASSY, NIGHT, lang="ar", tally=19)),
    ("fr bilan ambassade", 20.0, "AFP", attack(EMBASSY, NIGHT, lang="fr", precision="day")),
]


def store_reports(store: Store, reports, feed_by_source: bool = True) -> ScriptedExtractor:
    table = {}
    for title, hours, source, extraction in reports:
        add_article(
            store, title, NIGHT + timedelta(hours=hours), feed=source.lower(), source=source
        )
        table[title] = extraction
    return ScriptedExtractor(table)


def incident_count(store: Store) -> int:
    return store.query("SELECT count(*) AS n FROM incidents WHERE merged_into IS NULL")[0]["n"]


def ticks(store: Store) -> list[tuple[int, int, int | None, int]]:
    rows = store.query(
        "SELECT incident_id, ordinal, reported, mismatch FROM counter_ticks ORDER BY ordinal"
    )
    return [(r["incident_id"], r["ordinal"], r["reported"], r["mismatch"]) for r in rows]


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "wirewatch.db") as store:
        yield store


def test_twelve_reports_in_three_languages_over_20_hours_make_one_incident(store):
    extractor = store_reports(store, EMBASSY_REPORTS)
    summary = process_pending(store, extractor, make_config(), NIGHT + timedelta(hours=21))
    assert summary["processed"] == 12 and summary["new_incidents"] == 1
    [incident] = store.query("SELECT * FROM incidents")
    assert incident["articles"] == 12
    assert incident["languages"] == "ar,en,fr"
    assert incident["sources"] == 8
    assert incident["place_id"] == EMBASSY.id and incident["attack_type"] == "rocket"
    assert ticks(store) == [(incident["id"], 19, 19, 0)]
    reasons = [r["reason"] for r in store.query("SELECT reason FROM incident_articles")]
    assert "new" in reasons
    assert any(r.startswith("same place site:us-embassy-baghdad") for r in reasons)


def test_processing_again_adds_nothing(store):
    extractor = store_reports(store, EMBASSY_REPORTS)
    config = make_config()
    process_pending(store, extractor, config, NIGHT + timedelta(hours=21))
    before = store.table_counts()
    again = process_pending(store, extractor, config, NIGHT + timedelta(hours=22))
    assert again["processed"] == 0
    assert store.table_counts() == before
    assert len(ticks(store)) == 1


def test_publication_order_decides_not_insertion_order(tmp_path):
    counts = []
    for n, order in enumerate((EMBASSY_REPORTS, EMBASSY_REPORTS[::-1])):
        with Store(tmp_path / f"{n}.db") as store:
            extractor = store_reports(store, order)
            process_pending(store, extractor, make_config(), NIGHT + timedelta(hours=21))
            counts.append((incident_count(store), ticks(store)))
    assert counts[0] == counts[1]


def test_balad_and_green_zone_the_same_night_are_two_incidents(store):
    extractor = store_reports(
        store,
        [
            ("green zone rockets", 0.5, "AFP", attack(GREEN_ZONE, NIGHT, target="us_embassy")),
            ("balad rockets", 1.0, "AFP", attack(BALAD_BASE, NIGHT, target="us_military")),
            ("baghdad rockets", 1.5, "AP", attack(BAGHDAD, NIGHT, target="us_embassy")),
            ("balad base rockets", 2.0, "AP", attack(BALAD_BASE, NIGHT, target="coalition")),
        ],
    )
    process_pending(store, extractor, make_config(), NIGHT + timedelta(hours=3))
    assert incident_count(store) == 2
    assert [t[1] for t in ticks(store)] == [19, 20]


def test_green_zone_a_week_apart_is_two_incidents(store):
    later = NIGHT + timedelta(days=7)
    extractor = ScriptedExtractor(
        {"first": attack(GREEN_ZONE, NIGHT), "second": attack(GREEN_ZONE, later)}
    )
    add_article(store, "first", NIGHT + timedelta(hours=1))
    add_article(store, "second", later + timedelta(hours=1))
    process_pending(store, extractor, make_config(), later + timedelta(hours=2))
    assert incident_count(store) == 2


def test_incompatible_type_or_target_opens_another_incident(store):
    extractor = ScriptedExtractor(
        {
            "rockets": attack(EMBASSY, NIGHT),
            "protest shooting": attack(BAGHDAD, NIGHT, kind="shooting", target="protesters"),
        }
    )
    add_article(store, "rockets", NIGHT)
    add_article(store, "protest shooting", NIGHT + timedelta(hours=1))
    process_pending(store, extractor, make_config(), NIGHT + timedelta(hours=2))
    assert incident_count(store) == 2


def test_a_stated_tally_that_differs_from_the_ordinal_is_flagged(store):
    extractor = ScriptedExtractor({"twentieth": attack(EMBASSY, NIGHT, tally=20)})
    add_article(store, "twentieth", NIGHT)
    process_pending(store, extractor, make_config(), NIGHT + timedelta(hours=1))
    [(incident_id, ordinal, reported, mismatch)] = ticks(store)
    assert (ordinal, reported, mismatch) == (19, 20, 1)
    [flagged] = store.tally_mismatches()
    assert flagged["counter"] == COUNTER and flagged["reported"] == 20
    [tally] = store.query("SELECT * FROM reported_tallies")
    assert tally["incident_id"] == incident_id and tally["n"] == 20


def test_a_late_report_of_an_earlier_attack_renumbers_the_counter(store):
    extractor = ScriptedExtractor(
        {
            "later attack": attack(AIN_AL_ASAD, NIGHT + timedelta(days=2), target="us_military"),
            "earlier attack": attack(EMBASSY, NIGHT),
        }
    )
    add_article(store, "later attack", NIGHT + timedelta(days=2, hours=1))
    add_article(store, "earlier attack", NIGHT + timedelta(days=2, hours=2))
    process_pending(store, extractor, make_config(), NIGHT + timedelta(days=3))
    by_place = {
        r["place_id"]: r["ordinal"]
        for r in store.query(
            "SELECT i.place_id, t.ordinal FROM counter_ticks t JOIN incidents i"
            " ON i.id = t.incident_id"
        )
    }
    assert by_place == {EMBASSY.id: 19, AIN_AL_ASAD.id: 20}


def test_split_and_merge_fix_the_counter(store):
    extractor = store_reports(
        store,
        [
            ("embassy rockets", 0.5, "AFP", attack(EMBASSY, NIGHT)),
            ("embassy rockets again", 1.0, "AP", attack(EMBASSY, NIGHT)),
            ("green zone drone", 2.0, "Reuters", attack(GREEN_ZONE, NIGHT, kind="drone")),
        ],
    )
    now = NIGHT + timedelta(hours=3)
    process_pending(store, extractor, make_config(), now)
    [incident] = store.query("SELECT id FROM incidents")
    drone_article = store.article_id("reuters", "urn:reuters:green zone drone")
    new_id = split_incident(store, incident["id"], [drone_article], now + timedelta(hours=1))
    assert incident_count(store) == 2
    assert [t[1] for t in ticks(store)] == [19, 20]
    [moved] = store.query("SELECT * FROM incidents WHERE id = ?", [new_id])
    assert moved["attack_type"] == "drone" and moved["articles"] == 1
    reasons = store.query("SELECT reason FROM incident_articles WHERE incident_id = ?", [new_id])
    assert reasons == [{"reason": f"split from incident {incident['id']}"}]

    merge_incidents(store, incident["id"], new_id, now + timedelta(hours=2))
    assert incident_count(store) == 1
    assert [t[1] for t in ticks(store)] == [19]
    [kept] = store.query("SELECT * FROM incidents WHERE id = ?", [incident["id"]])
    assert kept["articles"] == 3 and kept["version"] == 3


def split_off_the_drone(store: Store, now) -> tuple[ScriptedExtractor, int, int]:
    """Embassy rockets twice and a Green Zone drone, merged by matching, then split by hand:
    (extractor, rockets incident id, drone incident id)."""
    extractor = store_reports(
        store,
        [
            ("embassy rockets", 0.5, "AFP", attack(EMBASSY, NIGHT)),
            ("embassy rockets again", 1.0, "AP", attack(EMBASSY, NIGHT)),
            ("green zone drone", 2.0, "Reuters", attack(GREEN_ZONE, NIGHT, kind="drone")),
        ],
    )
    process_pending(store, extractor, make_config(), now)
    [incident] = store.query("SELECT id FROM incidents")
    drone_article = store.article_id("reuters", "urn:reuters:green zone drone")
    drone_id = split_incident(store, incident["id"], [drone_article], now)
    return extractor, incident["id"], drone_id


def live_incidents(store: Store) -> list[tuple[str, ...]]:
    """Each live incident as the sorted titles of its articles."""
    rows = store.query(
        "SELECT ia.incident_id, group_concat(a.title, '|') AS titles FROM incident_articles ia"
        " JOIN articles a ON a.id = ia.article_id JOIN incidents i ON i.id = ia.incident_id"
        " WHERE i.merged_into IS NULL GROUP BY ia.incident_id"
    )
    return sorted(tuple(sorted(r["titles"].split("|"))) for r in rows)


def test_a_split_survives_reprocess_and_its_counter_follows(store):
    now = NIGHT + timedelta(hours=3)
    extractor, _, _ = split_off_the_drone(store, now)
    split = live_incidents(store)
    assert split == [("embassy rockets", "embassy rockets again"), ("green zone drone",)]

    reprocess(store, extractor, make_config(), now + timedelta(hours=1))
    assert live_incidents(store) == split
    assert [t[1] for t in ticks(store)] == [19, 20]
    [drone] = store.query("SELECT attack_type, articles FROM incidents WHERE attack_type = 'drone'")
    assert drone == {"attack_type": "drone", "articles": 1}
    assert [r["kind"] for r in store.query("SELECT kind FROM corrections")] == ["split"]


def test_a_merge_survives_reprocess_and_its_counter_follows(store):
    now = NIGHT + timedelta(hours=3)
    extractor, rockets_id, drone_id = split_off_the_drone(store, now)
    merge_incidents(store, rockets_id, drone_id, now + timedelta(hours=1))
    merged = live_incidents(store)
    assert len(merged) == 1

    reprocess(store, extractor, make_config(), now + timedelta(hours=2))
    # Replayed in order: the split, then the merge that undid it.
    assert live_incidents(store) == merged
    assert [t[1] for t in ticks(store)] == [19]
    kinds = [r["kind"] for r in store.query("SELECT kind FROM corrections ORDER BY id")]
    assert kinds == ["split", "merge"]


def test_a_merge_of_incidents_matching_keeps_apart_survives_reprocess(store):
    extractor = store_reports(
        store,
        [
            ("embassy rockets", 0.5, "AFP", attack(EMBASSY, NIGHT)),
            ("balad rockets", 1.0, "AP", attack(BALAD_BASE, NIGHT, target="us_military")),
        ],
    )
    now = NIGHT + timedelta(hours=3)
    process_pending(store, extractor, make_config(), now)
    assert [t[1] for t in ticks(store)] == [19, 20]
    embassy, balad = (r["id"] for r in store.query("SELECT id FROM incidents ORDER BY id"))
    merge_incidents(store, embassy, balad, now)

    reprocess(store, extractor, make_config(), now + timedelta(hours=1))
    assert live_incidents(store) == [("balad rockets", "embassy rockets")]
    assert [t[1] for t in ticks(store)] == [19]


def test_a_correction_whose_articles_left_every_incident_is_skipped(store, caplog):
    now = NIGHT + timedelta(hours=3)
    extractor, _, _ = split_off_the_drone(store, now)
    extractor.table.pop("green zone drone")  # now read as not relevant: in no incident
    with caplog.at_level("WARNING", logger="crawler.pipeline"):
        reprocess(store, extractor, make_config(), now + timedelta(hours=1))
    assert live_incidents(store) == [("embassy rockets", "embassy rockets again")]
    assert [t[1] for t in ticks(store)] == [19]
    [line] = [r.getMessage() for r in caplog.records if "correction skipped" in r.getMessage()]
    assert "kind=split" in line and "no longer in any incident" in line


def test_incident_search_follows_changes_at_the_end_of_the_pass(store):
    extractor = store_reports(
        store,
        [
            ("embassy rockets", 0.5, "AFP", attack(EMBASSY, NIGHT)),
            ("embassy rockets claimed", 1.0, "AP", attack(EMBASSY, NIGHT, claimed_by="Ashab")),
        ],
    )
    process_pending(store, extractor, make_config(), NIGHT + timedelta(hours=2))

    def found(term: str) -> list[int]:
        return [
            r["rowid"]
            for r in store.query(
                "SELECT rowid FROM incidents_fts WHERE incidents_fts MATCH ?", [term]
            )
        ]

    assert found("Ashab") == found("embassy") == [1]
    store.db.execute("INSERT INTO incidents_fts(incidents_fts) VALUES ('integrity-check')")


def test_split_refuses_articles_of_another_incident(store):
    extractor = ScriptedExtractor({"a": attack(EMBASSY, NIGHT), "b": attack(EMBASSY, NIGHT)})
    add_article(store, "a", NIGHT)
    add_article(store, "b", NIGHT)
    process_pending(store, extractor, make_config(), NIGHT)
    with pytest.raises(InputError):
        split_incident(store, 1, [999], NIGHT)
    with pytest.raises(InputError):
        split_incident(store, 1, [1, 2], NIGHT)  # nothing would stay


def test_copies_are_linked_to_the_first_article_and_join_its_incident(store):
    body = (
        "BAGHDAD, Feb 16 (AFP) - Several rockets struck early on Sunday near the US embassy in"
        " Baghdad, a security source said, in the nineteenth attack on American interests in"
        " Iraq in nearly four months. Sirens sounded inside the compound and no casualties were"
        " reported, according to the source, who asked not to be named."
    )
    reprint = body.replace("BAGHDAD, Feb 16 (AFP) - ", "").replace("a security source", "a source")
    extractor = ScriptedExtractor({"Rockets hit near US embassy": attack(EMBASSY, NIGHT)})
    first = add_article(store, "Rockets hit near US embassy", NIGHT, text=body, feed="afp")
    same_text = add_article(
        store, "ROCKETS HIT NEAR US EMBASSY!", NIGHT + timedelta(minutes=5), text=body.upper(),
        feed="outlet-a",
    )  # fmt: skip
    edited = add_article(
        store, "Rockets near US embassy", NIGHT + timedelta(minutes=9), text=reprint,
        feed="outlet-b",
    )  # fmt: skip
    unrelated = add_article(
        store, "Rockets near US embassy", NIGHT + timedelta(minutes=12), feed="outlet-c",
        text="Markets in Erbil were calm on Sunday as traders awaited the budget vote in"
        " parliament, with prices of staple goods unchanged over the week, officials said.",
    )  # fmt: skip
    process_pending(store, extractor, make_config(), NIGHT + timedelta(hours=1))
    rows = {
        r["id"]: r for r in store.query("SELECT id, duplicate_of, duplicate_reason FROM articles")
    }
    assert rows[first]["duplicate_of"] is None
    assert rows[same_text]["duplicate_of"] == first
    assert rows[same_text]["duplicate_reason"] == "same text"
    assert rows[edited]["duplicate_of"] == first
    assert rows[edited]["duplicate_reason"].startswith("near-identical text")
    assert rows[unrelated]["duplicate_of"] is None
    joined = store.query("SELECT article_id, reason FROM incident_articles ORDER BY article_id")
    assert joined == [
        {"article_id": first, "reason": "new"},
        {"article_id": same_text, "reason": f"duplicate of article {first}"},
        {"article_id": edited, "reason": f"duplicate of article {first}"},
    ]


def test_the_same_url_in_two_feeds_is_one_article(store):
    url = "https://news.example.test/2020/02/16/rockets"
    extractor = ScriptedExtractor({"rockets": attack(EMBASSY, NIGHT)})
    first = add_article(store, "rockets", NIGHT, feed="world", url=url)
    second = add_article(store, "rockets", NIGHT + timedelta(minutes=1), feed="mideast", url=url)
    process_pending(store, extractor, make_config(), NIGHT)
    assert store.article(second).duplicate_of == first
    assert store.query("SELECT duplicate_reason FROM articles WHERE id = ?", [second]) == [
        {"duplicate_reason": "same url"}
    ]


def test_new_incident_alerts_every_enabled_channel_once(store):
    config = make_config(
        alerts={
            "channels": [
                {"name": "console", "type": "console"},
                {"name": "off", "type": "console", "enabled": False},
                {"name": "second", "type": "console"},
            ]
        }
    )
    extractor = ScriptedExtractor({"a": attack(EMBASSY, NIGHT), "b": attack(EMBASSY, NIGHT)})
    add_article(store, "a", NIGHT)
    add_article(store, "b", NIGHT + timedelta(minutes=30))
    process_pending(store, extractor, config, NIGHT + timedelta(hours=1))
    alerts = store.query("SELECT channel, kind, version FROM alerts ORDER BY channel")
    assert alerts == [
        {"channel": "console", "kind": "new", "version": 1},
        {"channel": "second", "kind": "new", "version": 1},
    ]


def test_old_incidents_do_not_alert_on_a_first_run(store):
    extractor = ScriptedExtractor(
        {"old": attack(EMBASSY, NIGHT), "older": attack(BALAD_BASE, NIGHT)}
    )
    add_article(store, "old", NIGHT)
    add_article(store, "older", NIGHT)
    summary = process_pending(store, extractor, make_config(), NIGHT + timedelta(hours=7))
    assert summary["new_incidents"] == 2
    assert store.query("SELECT count(*) AS n FROM alerts") == [{"n": 0}]


def test_material_change_sends_one_update_and_minor_change_none(store):
    extractor = ScriptedExtractor(
        {
            "flash": attack(BAGHDAD, NIGHT),
            "another outlet": attack(BAGHDAD, NIGHT, lang="fr"),
            "toll": attack(EMBASSY, NIGHT, wounded=2),
        }
    )
    add_article(store, "flash", NIGHT, feed="afp")
    add_article(store, "another outlet", NIGHT + timedelta(minutes=20), feed="france24")
    process_pending(store, extractor, make_config(), NIGHT + timedelta(minutes=30))
    assert [a["kind"] for a in store.query("SELECT kind FROM alerts")] == ["new"]
    add_article(store, "toll", NIGHT + timedelta(hours=1), feed="reuters")
    process_pending(store, extractor, make_config(), NIGHT + timedelta(hours=1))
    [update] = store.query("SELECT * FROM alerts WHERE kind = 'update'")
    assert update["version"] == 2
    assert '"field": "wounded"' in update["payload"] and '"field": "place"' in update["payload"]
    changed = {r["field"] for r in store.query("SELECT field FROM incident_changes")}
    assert {"languages", "sources", "wounded", "place"} <= changed


def test_a_failing_article_is_marked_and_the_others_go_on(store):
    extractor = ScriptedExtractor(
        {"bad": ValueError("lexicon broke"), "good": attack(EMBASSY, NIGHT)}
    )
    bad = add_article(store, "bad", NIGHT)
    add_article(store, "good", NIGHT + timedelta(minutes=1))
    summary = process_pending(store, extractor, make_config(), NIGHT)
    assert summary["errors"] == 1 and summary["new_incidents"] == 1
    [row] = store.query("SELECT processed_at, process_error FROM articles WHERE id = ?", [bad])
    assert row["processed_at"] and row["process_error"] == "ValueError: lexicon broke"
    assert store.extraction(bad) is None


def test_reprocess_rebuilds_the_same_result_and_sends_nothing(store):
    extractor = store_reports(store, EMBASSY_REPORTS[:6])
    extractor.table.update({"balad": attack(BALAD_BASE, NIGHT, target="us_military")})
    add_article(store, "balad", NIGHT + timedelta(hours=2))
    now = NIGHT + timedelta(hours=3)
    process_pending(store, extractor, make_config(), now)
    alerts = store.query("SELECT * FROM alerts ORDER BY id")

    def snapshot():
        return (
            store.query("SELECT * FROM incidents ORDER BY id"),
            store.query("SELECT article_id, incident_id, reason FROM incident_articles"),
            ticks(store),
            store.query("SELECT id, duplicate_of FROM articles ORDER BY id"),
        )

    reprocess(store, extractor, make_config(), now)
    first = snapshot()
    reprocess(store, extractor, make_config(), now)
    assert snapshot() == first
    assert store.query("SELECT * FROM alerts ORDER BY id") == alerts
    assert len(first[0]) == 2


def test_candidate_incidents_are_found_through_the_event_time_index(store):
    statements = []
    store.db.conn.set_trace_callback(statements.append)
    store.incidents_between(NIGHT, NIGHT + timedelta(hours=1), EMBASSY, (0.15, 0.18))
    store.db.conn.set_trace_callback(None)
    [query] = [s for s in statements if s.startswith("SELECT * FROM incidents")]
    plan = store.query(f"EXPLAIN QUERY PLAN {query}")
    assert any("incidents_event_time" in row["detail"] for row in plan)


def _weak(extraction, score: float):
    """The extraction of a story weighed below the alert threshold."""
    return replace(extraction, relevant=False, score=score, reason="weak_evidence")


def test_a_weaker_report_joins_the_incident_a_clearer_one_opened(store):
    extractor = ScriptedExtractor(
        {
            "Rockets hit near US embassy": attack(EMBASSY, NIGHT),
            "Embassy rockets: what we know": _weak(attack(EMBASSY, NIGHT, killed=1), 0.35),
            "Rockets and politics": _weak(attack(EMBASSY, NIGHT), 0.05),
        }
    )
    first = add_article(store, "Rockets hit near US embassy", NIGHT, feed="afp")
    weak = add_article(store, "Embassy rockets: what we know", NIGHT + timedelta(hours=1))
    faint = add_article(store, "Rockets and politics", NIGHT + timedelta(hours=2), feed="other")
    summary = process_pending(store, extractor, make_config(), NIGHT + timedelta(hours=3))
    incident = store.incident_of_article(first)
    assert summary["new_incidents"] == 1 and store.incident_of_article(weak) == incident
    assert store.extraction(weak).relevant and store.incident(incident).killed == 1
    assert store.incident_of_article(faint) is None  # below extraction.join_min_score


def test_a_weaker_report_never_opens_an_incident(store):
    extractor = ScriptedExtractor(
        {"Embassy rockets: what we know": _weak(attack(EMBASSY, NIGHT), 0.4)}
    )
    article = add_article(store, "Embassy rockets: what we know", NIGHT)
    summary = process_pending(store, extractor, make_config(), NIGHT + timedelta(hours=1))
    assert summary["new_incidents"] == 0 and summary["alerts"] == 0
    assert store.incident_of_article(article) is None and not store.extraction(article).relevant
