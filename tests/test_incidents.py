"""Incident matching and merging decisions (pure), on hand-built extractions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from crawler import incidents
from crawler.config import IncidentsConfig
from crawler.extract.gazetteer import place_from_entry
from crawler.extract.vocabulary import load_places
from crawler.incidents import Report
from crawler.storage import Store
from crawler.types import Place, vicinity
from tests.pipeline_fixtures import (
    AIN_AL_ASAD,
    BAGHDAD,
    BAGHDAD_PROVINCE,
    BALAD_BASE,
    EMBASSY,
    GREEN_ZONE,
    attack,
    utc,
)

NIGHT = utc(2020, 2, 16, 0, 30)
# Three neighbourhoods of Baghdad: Bayaa and Shurta al-Rabia adjoin; New Baghdad is 12 km east.
BAYAA = Place("district:bayaa", "Bayaa", "district", "Baghdad", 33.27, 44.34, city="Baghdad")
SHURTA = Place(
    "district:shurta-rabia", "Shurta al-Rabia", "district", "Baghdad", 33.25, 44.31, city="Baghdad"
)
AIRPORT = Place(
    "site:baghdad-airport", "Baghdad airport", "site", "Baghdad", 33.26, 44.23, city="Baghdad"
)
NEW_BAGHDAD = Place(
    "district:new-baghdad", "New Baghdad", "district", "Baghdad", 33.31, 44.47, city="Baghdad"
)
CONFIG = IncidentsConfig()
# "North of Baghdad", "north-east of Baghdad", "south of Baghdad": outside the city, on that side.
NORTH_OF_BAGHDAD = vicinity(BAGHDAD, 0)
NORTH_EAST_OF_BAGHDAD = vicinity(BAGHDAD, 45)
SOUTH_OF_BAGHDAD = vicinity(BAGHDAD, 180)


def gazetteer_place(place_id: str) -> Place:
    return next(place_from_entry(e) for e in load_places() if e["id"] == place_id)


def us_strike(place, when, precision="hour"):
    """An airstrike the United States is named as flying."""
    return attack(place, when, kind="airstrike", claimed_by="United States", precision=precision)


def report(extraction, published=NIGHT, article_id=1) -> Report:
    return Report(article_id, "title", published, published, extraction)


def killing_in_salahuddin(place_id, kind, killed):
    """Villagers of Salahuddin killed one day, as a report places and calls it: "gunmen abduct
    and kill 8" in the province, "eight men shot dead" in Farhatiya."""
    return attack(
        gazetteer_place(place_id),
        NIGHT,
        kind=kind,
        target="civilians",
        killed=killed,
        precision="day",
    )


def opened(extraction, incident_id=1):
    from dataclasses import replace

    return replace(incidents.incident_from_report(report(extraction), NIGHT), id=incident_id)


@pytest.mark.parametrize(
    ("first", "second", "reason"),
    [
        (attack(EMBASSY, NIGHT), attack(EMBASSY, NIGHT + timedelta(hours=2)), "same place"),
        (attack(BAGHDAD, NIGHT), attack(GREEN_ZONE, NIGHT), "site:green-zone in city:baghdad"),
        (attack(BAGHDAD_PROVINCE, NIGHT), attack(EMBASSY, NIGHT), "same governorate Baghdad"),
        # the governorate and the hour, both stated: one event whatever each calls the attack
        (
            attack(BAGHDAD_PROVINCE, NIGHT, kind="shooting"),
            attack(BAGHDAD_PROVINCE, NIGHT + timedelta(hours=1), kind="other"),
            "same governorate Baghdad",
        ),
        (attack(GREEN_ZONE, NIGHT), attack(EMBASSY, NIGHT), "km from"),
        (attack(BAYAA, NIGHT, kind="ied"), attack(SHURTA, NIGHT, kind="ied"), "km from"),
        # the first flash of a strike calls it rockets on the airport's US troops
        (
            attack(AIRPORT, NIGHT, target="us_military"),
            attack(AIRPORT, NIGHT + timedelta(hours=1), kind="airstrike", target="pmf"),
            "of one strike",
        ),
        (attack(EMBASSY, NIGHT), attack(EMBASSY, NIGHT, kind="missile"), "fire from afar"),
        (
            attack(AIN_AL_ASAD, NIGHT),
            attack(AIN_AL_ASAD, NIGHT, kind="airstrike"),
            "fire from afar",
        ),
        (attack(EMBASSY, NIGHT, kind="ied"), attack(EMBASSY, NIGHT), "blast ied~rocket"),
        # a strike's toll by the state that flew it and by the locals: "4 terrorists", "2
        # civilians"; a bombing's early toll and its victims told two ways, on one spot
        (
            attack(BAGHDAD, NIGHT, kind="airstrike", target="pmf", killed=8, precision="day"),
            attack(GREEN_ZONE, NIGHT, kind="airstrike", target="civilians", killed=2),
            "site:green-zone in city:baghdad",
        ),
        (
            attack(GREEN_ZONE, NIGHT, kind="ied", target="government", killed=3),
            attack(GREEN_ZONE, NIGHT, kind="ied", target="civilians", killed=20),
            "same place",
        ),
        # "a bomb north of Baghdad", then the town: Taji, 28 km out, Balad's base, 70 km
        (
            attack(NORTH_OF_BAGHDAD, NIGHT, kind="ied"),
            attack(gazetteer_place("district:taji"), NIGHT, kind="ied"),
            "km north of Baghdad",
        ),
        (attack(BALAD_BASE, NIGHT), attack(NORTH_OF_BAGHDAD, NIGHT), "km north of Baghdad"),
        (
            attack(NORTH_OF_BAGHDAD, NIGHT, kind="ied"),
            attack(NORTH_EAST_OF_BAGHDAD, NIGHT, kind="ied"),
            "north-east of Baghdad and north of Baghdad",
        ),
        # an assault: gunmen first, the suicide bombers and the toll later in the day
        (
            attack(BAGHDAD, NIGHT, kind="clash", target="iraqi_security", precision="day"),
            attack(
                BAGHDAD,
                NIGHT + timedelta(hours=7),
                kind="suicide_bombing",
                target="iraqi_security",
                precision="day",
            ),
            "assault clash~suicide_bombing",
        ),
        (
            attack(GREEN_ZONE, NIGHT, kind="airstrike", target="pmf", claimed_by="United States"),
            attack(BALAD_BASE, NIGHT, kind="airstrike", target="pmf", claimed_by="United States"),
            "strike wave of United States",
        ),
        # "on Thursday" from Washington, and the next morning's report that names no day
        (
            us_strike(GREEN_ZONE, NIGHT, precision="day"),
            us_strike(BALAD_BASE, NIGHT + timedelta(hours=30), precision="unknown"),
            "strike wave of United States",
        ),
        # the day's attack in the governorate, and a report that names no day, published 13 h
        # after that day's noon: it may tell of that day's afternoon
        (
            attack(BAGHDAD_PROVINCE, NIGHT + timedelta(hours=8), kind="shooting", precision="day"),
            attack(BAGHDAD, NIGHT + timedelta(hours=21), kind="clash", precision="unknown"),
            "same governorate Baghdad",
        ),
        # Baghdad's east bank, and a neighbourhood on it 5 km from the point that stands for it
        (
            attack(gazetteer_place("district:rusafa"), NIGHT, kind="shooting"),
            attack(gazetteer_place("district:camp-sarah"), NIGHT, kind="shooting"),
            "district:camp-sarah in district:rusafa",
        ),
        # "a PMF convoy ambushed near Hawija", then "the Kirkuk ambush toll rises": a city named
        # like its governorate names the province, as the governorate does
        (
            attack(gazetteer_place("city:hawija"), NIGHT, kind="clash", target="pmf"),
            attack(gazetteer_place("city:kirkuk"), NIGHT, kind="clash", target="pmf"),
            "city:hawija in Kirkuk",
        ),
        (
            attack(gazetteer_place("site:camp-taji"), NIGHT, target="us_military"),
            attack(BAGHDAD, NIGHT + timedelta(hours=5), target="us_military"),
            "site:camp-taji in Baghdad",
        ),
        # "jihadists seize Sinjar", then "hundreds of Yazidis killed or abducted": one raid
        (
            attack(gazetteer_place("city:sinjar"), NIGHT, kind="clash", target="civilians"),
            attack(gazetteer_place("city:sinjar"), NIGHT, kind="kidnapping", target="civilians"),
            "raid clash~kidnapping",
        ),
        (attack(EMBASSY, NIGHT), attack(EMBASSY, NIGHT, kind=None), "type unknown"),
        (attack(EMBASSY, NIGHT), attack(EMBASSY, NIGHT, target="us_military"), "US interest"),
        (attack(EMBASSY, NIGHT), attack(None, None, kind="rocket"), "place unknown"),
        (
            attack(EMBASSY, NIGHT, precision="day"),
            attack(EMBASSY, NIGHT + timedelta(hours=30)),
            "30.0 h apart",
        ),
        # "on Wednesday" from Washington, "early Thursday" from Baghdad: both name the day
        (
            attack(AIN_AL_ASAD, NIGHT, precision="day"),
            attack(AIN_AL_ASAD, NIGHT + timedelta(hours=16), precision="day"),
            "16.0 h apart",
        ),
        # "on Thursday" from Washington, "early Friday" from Baghdad, the place named on one
        # side only: a day stands for all its hours
        (
            us_strike(None, NIGHT - timedelta(hours=12), precision="day"),
            us_strike(gazetteer_place("city:karbala"), NIGHT + timedelta(hours=7)),
            "place unknown",
        ),
        # a report that names no day (the publication time) may come out a day later
        (
            attack(AIN_AL_ASAD, NIGHT, precision="day"),
            attack(AIN_AL_ASAD, NIGHT + timedelta(hours=26), precision="unknown"),
            "26.0 h apart",
        ),
        # rockets on one site the same day, aimed at a US firm's staff or at foreign workers
        (
            attack(AIRPORT, NIGHT, target="us_contractor", precision="day"),
            attack(AIRPORT, NIGHT + timedelta(hours=9), target="civilians", precision="day"),
            "at one site",
        ),
        # one toll of ten the same night, from a dateline and from a town 50 km from it
        (
            attack(gazetteer_place("city:samarra"), NIGHT, kind="clash", target="pmf", killed=10),
            attack(gazetteer_place("city:tikrit"), NIGHT, kind="clash", target="pmf", killed=10),
            "same toll in Salahuddin",
        ),
        # gunmen who abduct and kill eight, and eight shot dead in a village of the province
        (
            killing_in_salahuddin("gov:salahuddin", "kidnapping", 8),
            killing_in_salahuddin("city:farhatiya", "shooting", 8),
            "same governorate Salahuddin",
        ),
        # "four foreigners killed in Fallujah", then "the four were US security contractors"
        (
            attack(
                gazetteer_place("city:fallujah"), NIGHT, kind="clash", target="civilians", killed=4
            ),
            attack(
                gazetteer_place("city:fallujah"),
                NIGHT + timedelta(hours=6),
                kind="clash",
                target="us_contractor",
                killed=4,
            ),
            "of one toll",
        ),
    ],
)
def test_compatible_reports_match_with_a_reason(first, second, reason):
    published = second.event_time or NIGHT + timedelta(hours=1)
    found = incidents.match(report(second, published), opened(first), CONFIG)
    assert found is not None and reason in found.reason


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (attack(GREEN_ZONE, NIGHT), attack(BALAD_BASE, NIGHT)),  # same night, 70 km apart
        # one state's strikes on two places on two named days: two waves
        (
            us_strike(GREEN_ZONE, NIGHT, precision="day"),
            us_strike(BALAD_BASE, NIGHT + timedelta(hours=24), precision="day"),
        ),
        # a car bomb at a market kills 52 in Baghdad, a suicide bomber at a checkpoint 17 in
        # Kadhimiya: other victims, tolls far apart, two attacks
        (
            attack(BAGHDAD, NIGHT, kind="ied", target="civilians", killed=52, precision="day"),
            attack(
                gazetteer_place("district:kadhimiya"),
                NIGHT,
                kind="suicide_bombing",
                target="iraqi_security",
                killed=17,
                precision="day",
            ),
        ),
        # a side of Baghdad is not a neighbourhood of the city (Sadr City), nor another side
        (
            attack(gazetteer_place("district:sadr-city"), NIGHT, kind="ied"),
            attack(NORTH_OF_BAGHDAD, NIGHT, kind="ied"),
        ),
        (attack(SOUTH_OF_BAGHDAD, NIGHT, kind="ied"), attack(NORTH_OF_BAGHDAD, NIGHT, kind="ied")),
        (
            attack(gazetteer_place("district:mahmudiyah"), NIGHT, kind="ied"),
            attack(NORTH_OF_BAGHDAD, NIGHT, kind="ied"),
        ),
        # two neighbourhoods of one city 12 km apart: within the radius, but two bombings
        (attack(NEW_BAGHDAD, NIGHT, kind="ied"), attack(BAYAA, NIGHT, kind="ied")),
        # rockets on the airport's US troops, and an airstrike on a militia there hours later
        (
            attack(AIRPORT, NIGHT, target="us_military"),
            attack(AIRPORT, NIGHT + timedelta(hours=5), kind="airstrike", target="pmf"),
        ),
        (attack(GREEN_ZONE, NIGHT), attack(GREEN_ZONE, NIGHT + timedelta(days=7))),
        (attack(EMBASSY, NIGHT), attack(EMBASSY, NIGHT + timedelta(hours=8))),  # both to the hour
        # one base on two days, each report naming its day ("again on Thursday")
        (
            attack(AIN_AL_ASAD, NIGHT, precision="day"),
            attack(AIN_AL_ASAD, NIGHT + timedelta(hours=24), precision="day"),
        ),
        (attack(EMBASSY, NIGHT), attack(EMBASSY, NIGHT, kind="kidnapping")),
        (attack(EMBASSY, NIGHT, kind="ied"), attack(EMBASSY, NIGHT, kind="shooting")),
        # no place: the same kind of attack, but the next day (a day stands for all its hours)
        (attack(EMBASSY, NIGHT), attack(None, NIGHT + timedelta(hours=32), precision="day")),
        # airstrikes on two places by two states, or by a state then nobody known
        (
            attack(GREEN_ZONE, NIGHT, kind="airstrike", target="pmf", claimed_by="United States"),
            attack(BALAD_BASE, NIGHT, kind="airstrike", target="pmf", claimed_by="Turkey"),
        ),
        (
            attack(GREEN_ZONE, NIGHT, kind="airstrike", target="pmf", claimed_by="United States"),
            attack(BALAD_BASE, NIGHT, kind="airstrike", target="pmf"),
        ),
        (attack(EMBASSY, NIGHT), attack(EMBASSY, NIGHT, target="protesters")),
        # two air forces the same night, even where one report names only the country
        (
            attack(GREEN_ZONE, NIGHT, kind="airstrike", target="pmf", claimed_by="United States"),
            attack(None, NIGHT, kind="airstrike", target="pmf", claimed_by="Turkey"),
        ),
        (attack(EMBASSY, NIGHT), attack(None, None, kind=None)),  # no place, no type: too vague
        (attack(BAGHDAD_PROVINCE, NIGHT), attack(AIN_AL_ASAD, NIGHT)),
        # a city named like its governorate is no more than the governorate: another kind of
        # attack elsewhere in the province is another event
        (
            attack(gazetteer_place("city:hawija"), NIGHT, kind="ied", precision="day"),
            attack(gazetteer_place("city:kirkuk"), NIGHT, kind="shooting", precision="day"),
        ),
        # only the governorate on one side: a busy governorate has several attacks a day, so
        # neither another kind of attack nor the same kind the next day
        (
            attack(BAGHDAD_PROVINCE, NIGHT, precision="day"),
            attack(EMBASSY, NIGHT, kind=None, precision="day"),
        ),
        # ... but not one whose twelve hours of reach end more than 12 h after that day
        (
            attack(BAGHDAD_PROVINCE, NIGHT + timedelta(hours=8), kind="shooting", precision="day"),
            attack(BAGHDAD, NIGHT + timedelta(hours=50), kind="clash", precision="unknown"),
        ),
        # the same governorate named on both sides is still only the governorate
        (
            attack(BAGHDAD_PROVINCE, NIGHT, precision="day"),
            attack(BAGHDAD_PROVINCE, NIGHT + timedelta(hours=20), precision="day"),
        ),
        # an assault's kinds in one city: the same day only
        (
            attack(BAGHDAD, NIGHT, kind="clash", precision="day"),
            attack(BAGHDAD, NIGHT + timedelta(hours=20), kind="suicide_bombing", precision="day"),
        ),
        # a loosely related kind in one city: the same day only
        (
            attack(BAGHDAD, NIGHT, kind="ied", precision="day"),
            attack(BAGHDAD, NIGHT + timedelta(hours=20), kind="mortar", precision="day"),
        ),
        (
            attack(BAGHDAD_PROVINCE, NIGHT, precision="day"),
            attack(EMBASSY, NIGHT + timedelta(hours=20), precision="day"),
        ),
        # two towns of one province 50 km apart: a toll of two is told of several attacks a
        # day, and ten told on two days are two attacks
        (
            attack(gazetteer_place("city:samarra"), NIGHT, kind="clash", target="pmf", killed=2),
            attack(gazetteer_place("city:tikrit"), NIGHT, kind="clash", target="pmf", killed=2),
        ),
        (
            attack(gazetteer_place("city:samarra"), NIGHT, kind="clash", killed=10),
            attack(
                gazetteer_place("city:tikrit"), NIGHT + timedelta(days=2), kind="clash", killed=10
            ),
        ),
        # a kidnapping and gunfire in the province without a shared toll: two events
        (
            killing_in_salahuddin("gov:salahuddin", "kidnapping", 8),
            killing_in_salahuddin("city:farhatiya", "shooting", 3),
        ),
    ],
)
def test_incompatible_reports_do_not_match(first, second):
    published = second.event_time or NIGHT
    assert incidents.match(report(second, published), opened(first), CONFIG) is None


def test_a_report_without_a_place_joins_the_only_incident_it_fits_that_day():
    stormed = opened(attack(BAGHDAD, NIGHT, kind="other", target="other"), incident_id=1)
    vague = report(attack(None, NIGHT + timedelta(hours=2), kind="other", target="other"))
    assert incidents.match(vague, stormed, CONFIG) is None  # "other" beside "other": too loose
    found = incidents.best_match(vague, [stormed], CONFIG)
    assert found.incident_id == 1 and "only incident" in found.reason
    # two that fit: nothing tells which
    bombed = opened(attack(BALAD_BASE, NIGHT, kind="ied", target="other"), incident_id=2)
    assert incidents.best_match(vague, [stormed, bombed], CONFIG) is None
    # the next day, or an incident with a place on the report's side: no
    later = report(attack(None, NIGHT + timedelta(hours=14), kind="other", target="other"))
    assert incidents.best_match(later, [stormed], CONFIG) is None
    # a strike by a named state is not the day's bombing
    struck = report(attack(None, NIGHT, kind="airstrike", target="other", claimed_by="Turkey"))
    assert incidents.best_match(struck, [bombed], CONFIG) is None
    placed = report(attack(GREEN_ZONE, NIGHT, kind="other", target="other"))
    assert incidents.best_match(placed, [opened(attack(BALAD_BASE, NIGHT))], CONFIG) is None


def test_best_match_prefers_the_better_fit_then_the_older_incident():
    city = opened(attack(BAGHDAD, NIGHT), incident_id=1)
    site = opened(attack(EMBASSY, NIGHT), incident_id=2)
    twin = opened(attack(EMBASSY, NIGHT), incident_id=3)
    new = report(attack(EMBASSY, NIGHT + timedelta(hours=1)))
    assert incidents.best_match(new, [city, twin, site], CONFIG).incident_id == 2
    assert incidents.best_match(new, [], CONFIG) is None


def test_merge_refines_and_raises_but_never_lowers():
    base = opened(attack(BAGHDAD, NIGHT, precision="day", kind=None, killed=3))
    later = report(attack(EMBASSY, NIGHT, kind="rocket", killed=2, wounded=4, claimed_by="X"))
    merged, changes = incidents.merge_report(base, later, NIGHT + timedelta(hours=2))
    assert merged.place_id == EMBASSY.id and merged.place_kind == "site"
    assert merged.killed == 3 and merged.wounded == 4 and merged.claimed_by == "X"
    assert merged.time_precision == "hour" and merged.attack_type == "rocket"
    assert merged.version == 2
    assert {c.field for c in changes if c.material} == {"place", "wounded", "claimed_by"}
    vaguer = report(attack(BAGHDAD_PROVINCE, None, kind=None))
    assert incidents.merge_report(merged, vaguer, NIGHT) == (merged, ())


def test_the_strike_behind_a_first_flash_gives_its_kind_target_and_side():
    # "rockets hit Baghdad airport" (its US troops), then the airstrike on a militia convoy
    flash = opened(attack(AIRPORT, NIGHT, target="us_military"))
    assert flash.us_interest
    strike = report(attack(AIRPORT, NIGHT + timedelta(hours=1), kind="airstrike", target="pmf"))
    merged, _ = incidents.merge_report(flash, strike, NIGHT + timedelta(hours=2))
    assert (merged.attack_type, merged.target, merged.us_interest) == ("airstrike", "pmf", False)
    # a late flash joins the strike without making it an attack on US troops again
    late = report(attack(AIRPORT, NIGHT + timedelta(hours=1), target="us_military"))
    assert incidents.match(late, merged, CONFIG) is not None
    again, _ = incidents.merge_report(merged, late, NIGHT + timedelta(hours=3))
    assert (again.attack_type, again.target, again.us_interest) == ("airstrike", "pmf", False)
    # nor gives a strike of no stated target the airport's US troops
    unnamed = opened(attack(AIRPORT, NIGHT, kind="airstrike", target=None))
    flashed, _ = incidents.merge_report(unnamed, late, NIGHT + timedelta(hours=3))
    assert (flashed.target, flashed.us_interest) == (None, False)


def test_minor_changes_keep_the_version():
    base = opened(attack(EMBASSY, NIGHT, kind=None, precision="day"))
    merged, changes = incidents.merge_report(base, report(attack(EMBASSY, NIGHT)), NIGHT)
    assert {c.field for c in changes} == {"event_time", "attack_type"}
    assert merged.version == 1


def test_rebuild_is_independent_of_the_order_reports_are_given():
    reports = [
        report(attack(BAGHDAD, NIGHT, killed=1), NIGHT, 1),
        report(attack(EMBASSY, NIGHT, killed=5), NIGHT + timedelta(hours=3), 2),
        report(attack(GREEN_ZONE, NIGHT, wounded=2), NIGHT + timedelta(hours=1), 3),
    ]
    now = NIGHT + timedelta(hours=4)
    rebuilt = incidents.rebuild_incident(reports, now)
    assert rebuilt == incidents.rebuild_incident(reports[::-1], now)
    assert (rebuilt.place_id, rebuilt.killed, rebuilt.wounded) == (GREEN_ZONE.id, 5, 2)


def test_backlog_incidents_are_not_fresh():
    max_age = timedelta(hours=6)
    hour = opened(attack(EMBASSY, NIGHT))
    assert incidents.is_fresh(hour, NIGHT, NIGHT + timedelta(hours=5), max_age)
    assert not incidents.is_fresh(hour, NIGHT, NIGHT + timedelta(hours=7), max_age)
    # known to the day only: judged by its first publication, the later of the two
    day = opened(attack(EMBASSY, NIGHT, precision="day"))
    late_report = NIGHT + timedelta(hours=18)
    assert incidents.is_fresh(day, late_report, late_report + timedelta(hours=1), max_age)


def test_the_candidate_query_returns_every_incident_whose_place_can_match(tmp_path):
    """The indexed pre-filter on place never drops an incident that place_relation accepts:
    checked for every pair of places of the real gazetteer (and an incident without place)."""
    places = [
        place_from_entry(entry) for entry in load_places() if entry.get("country", "IQ") == "IQ"
    ]
    towns = [
        place for place in places if place.id in ("city:baghdad", "city:kirkuk", "site:k1-base")
    ]
    places += [vicinity(town, bearing) for town in towns for bearing in (0, 90, 180, 270)]
    with Store(tmp_path / "candidates.db") as store:
        ids = {
            place.id: store.save_incident(
                incidents.incident_from_report(report(attack(place, NIGHT)), NIGHT)
            )
            for place in places
        }
        placeless = store.save_incident(
            incidents.incident_from_report(report(attack(None, NIGHT)), NIGHT)
        )
        window = (NIGHT - timedelta(hours=1), NIGHT + timedelta(hours=1))
        for place in places:
            area = incidents.candidate_area(report(attack(place, NIGHT)), CONFIG)
            if area is None:
                assert place.kind == "country"
                continue
            found = {i.id for i in store.incidents_between(*window, *area)}
            expected = {
                ids[other.id]
                for other in places
                if incidents.place_relation(place, other, CONFIG.distance_km) is not None
            }
            assert expected | {placeless} <= found, place.id
            assert len(found) < len(places) / 2 or place.kind == "vicinity"  # and it does filter
