"""Attack counters: which incidents a counter counts, their ordinals, and stated tallies.

A counter is derived from the incident table, never incremented by hand: its ordinals are the
matching live incidents (neither merged away nor withdrawn) since the counter's date, numbered
in order of event time (then incident id) after the ``start`` value (``start: 18`` -> the first
incident wirewatch sees is #19). So a split or a merge of incidents fixes the numbers by
recomputing them (:func:`plan_ticks`), and an incident reported late, about an earlier night,
takes its place in the sequence. An incident whose every report was withdrawn leaves the
sequence the same way, and takes its place again when a report supports it anew.

Tally reconciliation: an article that states "the 19th attack on US interests since October 28"
gives a :class:`~crawler.types.ReportedTally`; :func:`tally_applies` says whether it speaks of
the same series as a counter, and :func:`reported_for` picks the figure shown beside our ordinal.
A round-up's count of the series ("US forces have been attacked at least 40 times in Iraq since
Oct. 17") is compared with the counter's value when it was published: :func:`count_applies`,
:func:`count_disagrees`. A scope past Iraq ("in Iraq and Syria") is another series.

Pure: ``crawler.pipeline`` loads incidents and ticks and stores the plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta, timezone
from typing import Any

from crawler.config import CounterConfig
from crawler.types import CounterTick, Incident, ReportedTally

# Outlets round the start of a campaign ("since late October", "depuis fin octobre"): a stated
# since-date within a week of the counter's date speaks of the same series.
TALLY_SINCE_TOLERANCE = timedelta(days=7)


def counter_definition(counter: CounterConfig) -> dict[str, Any]:
    """A counter as the ``counters`` table stores it (``Store.sync_counters``)."""
    return {
        "name": counter.name,
        "description": counter.description,
        "since": counter.since.isoformat(),
        "start": counter.start,
        "filter": counter.filter.model_dump(mode="json", exclude_defaults=True),
    }


def counts(counter: CounterConfig, incident: Incident) -> bool:
    """Does this counter count this incident? (Empty filter lists mean "any".)"""
    rule = counter.filter
    if incident.withdrawn is not None:
        return False
    if incident.event_time is None or event_date(incident.event_time) < counter.since:
        return False
    if rule.us_interest is not None and incident.us_interest != rule.us_interest:
        return False
    if rule.governorates and not _named_in(incident.governorate, rule.governorates):
        return False
    if rule.places and not any(
        _named_in(name, rule.places)
        for name in (incident.place_id, incident.place_name, incident.place_city)
    ):
        return False
    if rule.targets and incident.target not in rule.targets:
        return False
    return not rule.attack_types or incident.attack_type in rule.attack_types


def counter_since(counter: CounterConfig) -> datetime:
    """The first instant the counter counts (midnight UTC of its date)."""
    return datetime(counter.since.year, counter.since.month, counter.since.day, tzinfo=timezone.utc)


def ordinals(counter: CounterConfig, incidents: Iterable[Incident]) -> dict[int, int]:
    """incident id -> ordinal for every counted incident, in event-time order (then id)."""
    counted = sorted(
        (i for i in incidents if counts(counter, i)), key=lambda i: (i.event_time, i.id)
    )
    return {incident.id: counter.start + n for n, incident in enumerate(counted, start=1)}


def plan_ticks(
    counter: CounterConfig,
    incidents: Iterable[Incident],
    existing: Mapping[int, CounterTick],
    reported: Mapping[int, int | None],
    now: datetime,
) -> list[CounterTick]:
    """The counter's complete set of ticks, recomputed.

    An incident whose ordinal did not change keeps the time it was assigned; a new or renumbered
    one is assigned ``now``. ``reported`` maps incident id to the tally its articles stated.
    """
    plan = []
    for incident_id, ordinal in ordinals(counter, incidents).items():
        old = existing.get(incident_id)
        assigned_at = old.assigned_at if old is not None and old.ordinal == ordinal else now
        plan.append(
            CounterTick(counter.name, incident_id, ordinal, assigned_at, reported.get(incident_id))
        )
    return plan


def follows(incident: Incident, last: Incident | None) -> bool:
    """Does the incident come after the counter's last counted one (so it can simply be appended)?"""
    if last is None:
        return True
    assert incident.event_time is not None and last.event_time is not None
    return (incident.event_time, incident.id) > (last.event_time, last.id)


def tally_applies(counter: CounterConfig, tally: ReportedTally) -> bool:
    """Does a stated rank count the same series as this counter?

    Only US-interest tallies are compared, and only with counters filtered on US interests:
    "the 19th attack" means nothing against a counter of, say, IEDs in Anbar; nor does "the
    61st attack on US forces in Iraq and Syria" against a count of Iraq's. A stated since-date
    must fall within :data:`TALLY_SINCE_TOLERANCE` of the counter's date.
    """
    return tally.rank and _same_series(counter, tally)


def count_applies(counter: CounterConfig, tally: ReportedTally) -> bool:
    """Does a stated count of the series measure this counter? As a rank does, and it must say
    since when it counts: "more than 60 attacks" alone could count anything."""
    return not tally.rank and tally.since is not None and _same_series(counter, tally)


def count_disagrees(tally: ReportedTally, value: int) -> bool:
    """Our counter's ``value`` when a count was published disagrees with it: below its lower
    bound ("at least 40"), or other than an exact count."""
    return value < tally.n if tally.at_least else value != tally.n


def _same_series(counter: CounterConfig, tally: ReportedTally) -> bool:
    if not (tally.us_interest and counter.filter.us_interest) or tally.beyond_iraq:
        return False
    return tally.since is None or abs(tally.since - counter.since) <= TALLY_SINCE_TOLERANCE


def reported_for(counter: CounterConfig, tallies: Sequence[ReportedTally]) -> int | None:
    """The tally shown beside an incident's ordinal: the latest applicable statement."""
    applicable = [t.n for t in tallies if tally_applies(counter, t)]
    return applicable[-1] if applicable else None


def event_date(moment: datetime) -> date:
    return moment.astimezone(timezone.utc).date()


def _named_in(name: str | None, names: Iterable[str]) -> bool:
    return name is not None and name.casefold() in {n.casefold() for n in names}
