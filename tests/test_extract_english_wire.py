"""How the extractor reads the habits of English wire copy and RSS descriptions: "after" clauses,
"U.S." with dots, the day of a statement, a country named for its border, lists of places, two
places of one governorate with no "Iraq" in the text, the span of a rank. Each rule is general;
tests/test_wire_en_rss.py runs a whole set of such items."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.extract import Extractor

SUNDAY = datetime(2020, 2, 16, 7, 0, tzinfo=UTC)  # 10:00 in Baghdad


def _read(ex: Extractor, title: str, text: str):
    return ex.extract(title, text, SUNDAY, lang="en")


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (
            "Oil climbs after U.S. strike kills militia commander",
            "Oil prices rose on Sunday after a U.S. air strike in Baghdad killed a militia "
            "commander, traders said.",
        ),
        (
            "Iraq cancels minister's visit after deadly drone strike",
            "Iraq called off a visit by a foreign minister on Sunday after a drone strike "
            "killed two border guards in the north.",
        ),
    ],
)
def test_after_an_act_of_its_own_the_event_told_is_an_earlier_one(ex, title, text):
    assert not _read(ex, title, text).relevant


def test_after_a_toll_alone_the_event_told_is_its_cause(ex):
    got = _read(
        ex,
        "Two killed after rocket hits house in Baghdad",
        "Two people were killed on Sunday after a rocket hit a house in Baghdad's Dora "
        "district, police said.",
    )
    assert got.relevant and got.attack_type == "rocket" and got.place.governorate == "Baghdad"


def test_the_place_of_an_earlier_event_is_not_the_scene(ex):
    got = _read(
        ex,
        "U.S. strikes militia depots in Iraq after rocket attack on base",
        "U.S. jets struck two militia depots in Iraq on Sunday, a day after a rocket attack "
        "on Camp Taji. Iraqi officials said the depots were near Jurf al-Sakhar.",
    )
    assert got.relevant and got.attack_type == "airstrike"
    assert got.place.id == "city:jurf-al-sakhar"


def test_terms_written_with_us_match_u_s_with_dots(ex):
    got = _read(
        ex,
        "Rockets target base housing U.S. troops in Iraq",
        "Three rockets struck a base housing U.S. troops north of Baghdad on Sunday.",
    )
    assert got.relevant and got.target == "us_military"


def test_a_country_named_for_its_border_does_not_set_the_story_there(ex):
    got = _read(
        ex,
        "Attack kills three soldiers near Iraq border",
        "ANKARA (Reuters) - Three Turkish soldiers were killed on Sunday in an attack by "
        "militants near the border with Iraq, the ministry said.",
    )
    assert not got.relevant and got.reason == "outside_iraq"


def test_the_first_of_a_list_of_places_is_the_scene(ex):
    got = _read(
        ex,
        "Jets strike militants in northern Iraq",
        "Warplanes struck militant targets in Sinjar, Makhmour and Qandil on Sunday, the "
        "ministry said.",
    )
    assert got.relevant and got.place.governorate == "Nineveh"


def test_two_places_of_one_governorate_set_the_story_in_iraq(ex):
    got = _read(
        ex,
        "Roadside bomb hits supply convoy in Babil",
        "A roadside bomb struck a supply convoy on Sunday in Mahawil, north of Hilla, a "
        "security source said, causing no casualties.",
    )
    assert got.relevant and got.place.governorate == "Babil" and got.attack_type == "ied"


def test_the_span_of_a_rank_sums_nothing_up(ex):
    got = _read(
        ex,
        "Three soldiers hurt as Camp Taji hit for second time in a week",
        "A volley of rockets struck the base north of Baghdad on Sunday, officials said.",
    )
    assert got.relevant


def test_a_jihadist_attack_told_without_a_weapon_is_a_clash(ex):
    got = _read(
        ex,
        "Five killed in attack on village in Diyala",
        "Five people were killed on Sunday in an attack on a village in Diyala province, "
        "police said, blaming the Islamic State group.",
    )
    assert got.relevant and got.attack_type == "clash"


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        # the day of the statement is not the event's
        ("Rockets struck the Green Zone in Baghdad, an official said Sunday.", SUNDAY, "unknown"),
        # nor is the day of an earlier event told after "days after"
        (
            "Rockets struck the Green Zone in Baghdad on Saturday, three days after the "
            "Wednesday attack.",
            datetime(2020, 2, 15, 9, 0, tzinfo=UTC),
            "day",
        ),
        # "overnight", said on the day of publication: the night before
        (
            "Rockets struck the Green Zone in Baghdad overnight, the army said on Sunday.",
            datetime(2020, 2, 15, 19, 0, tzinfo=UTC),
            "day",
        ),
    ],
)
def test_the_event_time_leaves_out_other_days(ex, text, expected, precision):
    got = _read(ex, "Iraq: rockets", text)
    assert got.event_time == expected and got.time_precision == precision
