"""Counter filters, ordinals and tally reconciliation (pure)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest

from crawler import counters
from crawler.config import CounterConfig
from crawler.types import CounterTick, Incident, ReportedTally

T0 = datetime(2020, 2, 16, 0, 30, tzinfo=timezone.utc)
US = CounterConfig(name="us", since=date(2019, 10, 28), start=18, filter={"us_interest": True})


def incident(id: int, when: datetime = T0, **fields) -> Incident:
    values = dict(
        id=id, event_time=when, time_precision="hour", place_id="site:green-zone",
        place_name="Green Zone", governorate="Baghdad", lat=33.3, lon=44.39,
        attack_type="rocket", target="us_embassy", us_interest=True, killed=None, wounded=None,
        claimed_by=None, blamed_on=None, title="t", first_seen=when, updated=when,
        place_city="Baghdad",
    )  # fmt: skip
    values.update(fields)
    return Incident(**values)


def test_filter_fields():
    anbar_ied = CounterConfig(
        name="anbar",
        since=date(2020, 1, 1),
        filter={"governorates": ["anbar"], "attack_types": ["ied"], "places": ["Ramadi"]},
    )
    ied = incident(1, governorate="Anbar", attack_type="ied", place_city="Ramadi")
    assert counters.counts(anbar_ied, ied)
    assert not counters.counts(anbar_ied, incident(2, attack_type="ied"))  # Baghdad
    assert not counters.counts(anbar_ied, incident(3, T0.replace(year=2019), governorate="Anbar"))
    assert counters.counts(US, incident(4))
    assert not counters.counts(US, incident(5, target="civilians", us_interest=False))
    by_place = CounterConfig(name="gz", since=date(2019, 1, 1), filter={"places": ["Baghdad"]})
    assert counters.counts(by_place, incident(6))  # a site inside the named city


def test_ordinals_follow_event_time_then_id_after_start():
    late, early, same_time = incident(1, T0 + timedelta(days=1)), incident(2), incident(3)
    assert counters.ordinals(US, [late, early, same_time]) == {2: 19, 3: 20, 1: 21}


def test_plan_keeps_assignment_time_of_unchanged_ordinals():
    then, now = T0, T0 + timedelta(days=3)
    existing = {1: CounterTick("us", 1, 19, then), 2: CounterTick("us", 2, 20, then)}
    inserted = incident(3, T0 + timedelta(hours=1))
    plan = counters.plan_ticks(
        US, [incident(1), incident(2, T0 + timedelta(days=1)), inserted], existing, {3: 21}, now
    )
    assert [(t.incident_id, t.ordinal, t.assigned_at, t.reported) for t in plan] == [
        (1, 19, then, None),
        (3, 20, now, 21),
        (2, 21, now, None),
    ]
    assert plan[1].mismatch


def test_tallies_apply_only_to_the_same_series():
    assert counters.tally_applies(US, ReportedTally(19, "attacks", date(2019, 10, 28), True))
    assert counters.tally_applies(US, ReportedTally(19, "attacks", None, True))
    assert counters.tally_applies(US, ReportedTally(19, "attacks", date(2019, 11, 1), True))
    assert not counters.tally_applies(US, ReportedTally(19, "attacks", date(2019, 9, 1), True))
    assert not counters.tally_applies(US, ReportedTally(110, "attacks", None, False))
    anbar = CounterConfig(name="a", since=date(2019, 10, 28), filter={"governorates": ["Anbar"]})
    assert not counters.tally_applies(anbar, ReportedTally(19, "attacks", None, True))
    stated = [ReportedTally(19, "a", None, True), ReportedTally(20, "b", None, True)]
    assert counters.reported_for(US, stated) == 20
    assert counters.reported_for(US, []) is None


def test_a_series_past_iraq_or_a_count_is_no_rank_of_ours():
    since = date(2019, 10, 28)
    region = ReportedTally(61, "attacks in Iraq and Syria", since, True, beyond_iraq=True)
    assert not counters.tally_applies(US, region)
    assert not counters.count_applies(US, replace(region, rank=False))
    count = ReportedTally(40, "times in Iraq since Oct. 28", since, True, rank=False)
    assert not counters.tally_applies(US, count) and counters.count_applies(US, count)
    assert not counters.count_applies(US, replace(count, since=None))  # since when?
    assert not counters.count_applies(US, replace(count, us_interest=False))
    assert counters.reported_for(US, [count]) is None


@pytest.mark.parametrize(
    ("n", "at_least", "ours", "disagrees"),
    [(40, False, 40, False), (40, False, 39, True), (40, False, 41, True),
     (40, True, 40, False), (40, True, 45, False), (40, True, 39, True)],
)  # fmt: skip
def test_a_count_disagrees_when_ours_is_other_or_below_its_lower_bound(
    n, at_least, ours, disagrees
):
    tally = ReportedTally(n, "attacks", date(2019, 10, 28), True, rank=False, at_least=at_least)
    assert counters.count_disagrees(tally, ours) is disagrees


def test_follows_orders_by_time_then_id():
    assert counters.follows(incident(2), None)
    assert counters.follows(incident(2), incident(1))
    assert not counters.follows(incident(1), incident(2))
    assert not counters.follows(incident(9), incident(1, T0 + timedelta(hours=1)))
