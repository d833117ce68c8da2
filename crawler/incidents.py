"""Which incident a report belongs to, and what it changes there: pure decisions.

A *report* is one relevant article's extraction. :func:`best_match` compares it with the live
incidents of the same period and returns the best compatible one with a readable reason
("same place city:baghdad, 3.2 h apart, type rocket"), or None for a new incident.
:func:`incident_from_report` opens an incident; :func:`merge_report` folds a later report into it
and lists each changed field, flagging the *material* ones (those worth an "update" alert).

Compatibility, all four required:

* time: the two event times are at most ``incidents.window`` apart (36 h by default); when both
  sides know the hour, at most :data:`EXACT_TIME_TOLERANCE_H`; when both name the day of an
  attack on one site, at most :data:`SITE_DAY_TOLERANCE_H`; when the kinds of attack are
  only loosely related, at most :data:`LOOSE_KIND_WINDOW`, unless both name the same site;
* place: the same place id; a site or district inside the city the other side names; the same
  governorate when one side (or each) only knows the governorate; or within
  ``incidents.distance_km`` (:data:`NEIGHBOURHOOD_KM` for two districts or sites of one city);
  failing that, the same governorate when one side names a city named like its governorate
  ("south of Kirkuk"), or when both tell the same toll of at least :data:`SAME_TOLL_MIN` dead
  within :data:`VAGUE_PLACE_WINDOW`. A report without a place (or "Iraq"), or a match on the
  governorate alone, needs the same or a related attack type (a loosely related one with the
  same hour or the same toll) within :data:`VAGUE_PLACE_WINDOW` (or, failing that, must be the
  only incident of that day it does not contradict); airstrikes by one state
  within :data:`STRIKE_WAVE_WINDOW` are one wave wherever they fell, by two states two events;
* attack type: equal, one side unknown or ``other``, or related (:data:`RELATED_ATTACK_TYPES`;
  a blast and fire from afar, more loosely);
* target: equal, one side unknown, or both on the same side of the US-interest line; any two
  for an airstrike on a site and fire from afar at it within :data:`STRIKE_FLASH_HOURS`, for
  the same kind of attack on one site, and for the same toll in one town or site, within
  :data:`VAGUE_PLACE_WINDOW`.

This module neither reads nor writes anything: ``crawler.pipeline`` fetches candidates and stores
the outcome, ``crawler.counters`` numbers the incidents.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta

from crawler.config import IncidentsConfig
from crawler.types import (
    AIRSTRIKE,
    BAGHDAD,
    PLACE_SPECIFICITY,
    PROTESTERS,
    US_INTEREST_TARGETS,
    VICINITY,
    Extraction,
    Incident,
    Place,
)

# Two reports that both state the hour differ by the UTC/local-time confusion (Iraq is UTC+3)
# plus rounding ("early Sunday", "around midnight"); beyond 6 hours they are two attacks.
EXACT_TIME_TOLERANCE_H = 6
# Two reports of one site (a base, an embassy, an airport) that both name the day (or the part
# of it) differ by the day of a statement made in Washington for a night in Baghdad ("on
# Wednesday" beside "early Thursday": 16 hours) and by the rounding of "late Wednesday"; a full
# day apart ("on Wednesday", "again on Thursday") they are two attacks on it. A city's or a
# province's news told over two days (a toll that rises, a battle) is not held to this.
SITE_DAY_TOLERANCE_H = 20

# Attack types that reports of one event confuse with each other. Indirect fire: the same salvo
# is called rockets, Katyushas, missiles or mortar rounds, and a drone is often first reported as
# a rocket. Explosives: an explosion is first an "IED" and later a suicide bombing, or the
# reverse. Gunfire: a shooting and a clash are the same exchange seen from two sides.
# An airstrike stays apart: it is a different actor (an air force) and a different story.
RELATED_ATTACK_TYPES = (
    ("fire from afar", frozenset({"rocket", "missile", "mortar", "drone", "airstrike"})),
    ("explosion", frozenset({"ied", "suicide_bombing"})),
    ("gunfire", frozenset({"shooting", "clash"})),
)
# A blast is how any strike is first reported ("an explosion at the airport", later a drone):
# an explosion and fire from afar may be one event, on weaker evidence than related types.
BLAST = "ied"
FIRE_FROM_AFAR = RELATED_ATTACK_TYPES[0][1]
SPOT_KINDS = ("site", "district")  # places precise enough to be one spot
# An assault is gunmen and suicide bombers at once ("jihadists attack Kirkuk", later "46 dead,
# suicide bombers blew themselves up"), a raid gunmen who kill and abduct ("jihadists seize
# Sinjar", later "hundreds of Yazidis killed or abducted"): a suicide bombing or a kidnapping
# and gunfire may be one event, on the same weaker evidence.
GUNFIRE = RELATED_ATTACK_TYPES[2][1]
LOOSE_ALLIES = (("assault", frozenset({"suicide_bombing"})), ("raid", frozenset({"kidnapping"})))
# A report that places the event only in the country ("in Iraq", "northern Iraq") joins an
# incident of the same or a related attack type within these hours, not the whole window: on a
# busy day the country has several attacks of one kind.
VAGUE_PLACE_WINDOW = timedelta(hours=12)
# Reports of one governorate and day that tell the same toll of at least this many dead are of
# one attack, wherever in it each places the attack and whichever of two loosely related kinds
# it calls it: a toll of one or two is told of several attacks a day.
SAME_TOLL_MIN = 3
# Tolls this many times apart are not one toll told early and late, when the victims differ too.
TOLLS_APART_RATIO = 2
# Reports whose kinds of attack are only loosely related (one side unknown, a blast beside fire
# from afar) are one event within these hours, unless they name the same site or district.
LOOSE_KIND_WINDOW = timedelta(hours=12)
# One night's airstrikes by one state on several places are one wave, reported place by place
# ("US strikes hit Jurf al-Sakhar", "... and al-Qaim"): they make one incident.
STRIKE_WAVE_WINDOW = timedelta(hours=12)
# A report that names no day tells of an event at most this long before its publication (wire
# copy tells the night's strikes the next morning).
UNDATED_REACH = timedelta(hours=12)
WAVE_SCORE = 0.5

TIME_PRECISION_RANK = {"unknown": 0, "day": 1, "hour": 2}

# An airstrike on a site and fire from afar reported at it within these hours are one event
# whatever target each names (:func:`_flash_and_strike`).
STRIKE_FLASH_HOURS = 3.0
# Two named neighbourhoods or sites of one city are one scene only this close: most of a big
# city lies within ``incidents.distance_km`` of any point in it, and Baghdad has several attacks
# a day in districts a few kilometres apart ("in Bayaa", "in New Baghdad").
NEIGHBOURHOOD_KM = 5.0
# A vicinity ("north of Baghdad") is told of places up to this far from its town (Samarra is
# "north of Baghdad", 125 km away), on its side: within this many degrees of its bearing (a
# side's neighbours half-way: "north" reaches north-west and north-east). Two vicinities of one
# town are one side when their bearings are neighbours (north and north-east) or the same.
VICINITY_REACH_KM = 130.0
VICINITY_HALF_ANGLE = 67.5
VICINITY_SIDE_ANGLE = 45.0
# Not in the town: a town this far from it at least, and no neighbourhood or site of a city
# this close to the town's point (Sadr City is not "north of Baghdad"; Camp Taji, 28 km out, is).
VICINITY_MIN_KM = 5.0
VICINITY_TOWN_KM = 15.0

# Score weights: the place is the strongest evidence that two reports describe one event, the
# time next, type and target last (they are the most often misreported).
SAME_PLACE_SCORE = 3.0
SITE_IN_CITY_SCORE = 2.0
NEARBY_PLACE_SCORE = 2.0
SAME_GOVERNORATE_SCORE = 1.0
EQUAL_SCORE = 1.0
RELATED_SCORE = 0.5
UNKNOWN_SCORE = 0.25

# Bounding box of the places within ``distance_km`` of a report's place, for the indexed
# candidate query: a degree of latitude is at least 110.5 km (111.2 on the sphere haversine
# assumes), a degree of longitude that times the cosine of the latitude. The 10 % margin keeps
# the box a superset of the haversine circle (its edges curve; the other place's latitude
# differs a little); the pure match still decides.
KM_PER_DEGREE_LAT = 110.5
BOX_MARGIN = 1.1

# Fields whose change is worth telling the people who were alerted about the incident.
MATERIAL_FIELDS = frozenset({"killed", "wounded", "place", "claimed_by"})


@dataclass(frozen=True, slots=True)
class Report:
    """One relevant article as incident matching sees it."""

    article_id: int
    title: str
    published: datetime
    first_seen: datetime
    extraction: Extraction

    @property
    def event_time(self) -> datetime:
        """The stated event time, else the publication time (with precision "unknown")."""
        return self.extraction.event_time or self.published

    @property
    def time_precision(self) -> str:
        return self.extraction.time_precision if self.extraction.event_time else "unknown"


@dataclass(frozen=True, slots=True)
class Match:
    """A compatible incident, how well it fits, and why (stored as the merge reason)."""

    incident_id: int
    score: float
    reason: str


@dataclass(frozen=True, slots=True)
class Change:
    """One field of an incident changed by a report."""

    field: str
    old: object
    new: object

    @property
    def material(self) -> bool:
        return self.field in MATERIAL_FIELDS

    def as_dict(self) -> dict[str, object]:
        return {"field": self.field, "old": _shown(self.old), "new": _shown(self.new)}


def candidate_window(report: Report, config: IncidentsConfig) -> tuple[datetime, datetime]:
    """The event-time range in which incidents can match this report (for an indexed query)."""
    return report.event_time - config.window, report.event_time + config.window


def candidate_area(
    report: Report, config: IncidentsConfig
) -> tuple[Place, tuple[float, float]] | None:
    """Where incidents that can match this report lie, for an indexed query: the report's place
    and the half-spans (degrees of latitude, of longitude) of the box around it that holds every
    place within ``distance_km`` (within its reach, for a vicinity); None when any place can
    match (the report's place is vague, or it is an airstrike by a known state, which may
    belong to a wave)."""
    place = report.extraction.place
    if place is None or _vague(place) or math.isnan(place.lat) or math.isnan(place.lon):
        return None
    if report.extraction.attack_type == AIRSTRIKE and report.extraction.claimed_by is not None:
        return None
    reach_km = VICINITY_REACH_KM if place.kind == VICINITY else config.distance_km
    lat_span = reach_km / KM_PER_DEGREE_LAT * BOX_MARGIN
    lon_span = lat_span / max(math.cos(math.radians(place.lat)), 0.01)
    return place, (lat_span, lon_span)


def best_match(
    report: Report, candidates: Iterable[Incident], config: IncidentsConfig
) -> Match | None:
    """The compatible incident with the best score; ties go to the oldest incident (lowest id).
    A report that names only the country and fits none joins the day's only incident it does
    not contradict, when there is exactly one (:func:`sole_incident_that_day`)."""
    candidates = list(candidates)
    matches = [m for m in (match(report, c, config) for c in candidates) if m is not None]
    if not matches:
        return sole_incident_that_day(report, candidates)
    return max(matches, key=lambda m: (m.score, -m.incident_id))


def sole_incident_that_day(report: Report, candidates: Iterable[Incident]) -> Match | None:
    """ "Hundreds storm Sweden's embassy in Iraq" after "Protesters storm Swedish embassy in
    Baghdad": a report without a place whose kind of attack is only loosely related to an
    incident's ("other" beside "other", a blast beside a strike) is that incident when it is
    the only one within :data:`VAGUE_PLACE_WINDOW` whose time, kind and target it does not
    contradict. With two or more, nothing tells which: it opens its own."""
    if not _vague(report.extraction.place):
        return None
    fits = [
        incident
        for incident in candidates
        if time_relation(
            report.event_time,
            report.time_precision,
            incident.event_time,
            incident.time_precision,
            VAGUE_PLACE_WINDOW,
        )
        and attack_type_relation(report.extraction.attack_type, incident.attack_type)
        and target_relation(report.extraction.target, incident.target)
        and report.extraction.claimed_by in (None, incident.claimed_by)
    ]
    if len(fits) != 1:
        return None
    return Match(fits[0].id, 0.0, "place unknown, the only incident of a compatible kind that day")


def match(report: Report, incident: Incident, config: IncidentsConfig) -> Match | None:
    """Is this report about this incident? A scored Match with its reason, or None."""
    extraction = report.extraction
    timing = time_relation(
        report.event_time,
        report.time_precision,
        incident.event_time,
        incident.time_precision,
        config.window,
    )
    attack = attack_type_relation(extraction.attack_type, incident.attack_type)
    if timing is None or attack is None or _two_air_forces(report, incident):
        return None
    gap_h, time_score = timing
    # How close the two events can be, for the windows below: a report that names only the day
    # tells of any hour of it ("on Thursday", said in Washington, of strikes Iraq reports early
    # Friday), and one that names no day is dated at its publication but tells of an event up
    # to UNDATED_REACH before it ("gunmen killed 11", published at night, of the afternoon's
    # attack a dated report put on that day).
    near_h = gap_h
    precisions = {report.time_precision, incident.time_precision}
    if "unknown" in precisions or precisions == {"day", "hour"}:
        near_h = min(gap_h, _span_gap_h(report, incident))
    target = target_relation(extraction.target, incident.target)
    if target is None and near_h <= STRIKE_FLASH_HOURS and _one_strike(extraction, incident):
        target = f"targets {incident.target}~{extraction.target} of one strike", 0.0
    if target is None and _one_site_one_kind(extraction, incident, near_h):
        target = f"targets {incident.target}~{extraction.target} at one site", 0.0
    if target is None and _one_toll_one_place(extraction, incident, near_h):
        target = f"targets {incident.target}~{extraction.target} of one toll", 0.0
    if target is None:
        return None
    if _same_site_another_day(report, incident, gap_h):
        return None
    place = place_relation(extraction.place, incident_place(incident), config.distance_km)
    toll = _same_toll(extraction, incident) and _within(near_h, VAGUE_PLACE_WINDOW)
    if place is None and toll and _one_governorate(extraction.place, incident):
        place = f"same toll in {incident.governorate}", SAME_GOVERNORATE_SCORE
    wave = place is None  # two places: one state's wave of strikes, held to its own window
    if wave:
        place = _strike_wave(report, incident, near_h)
        if place is None:
            return None
    place_label, place_score = place
    if place_score < SAME_PLACE_SCORE and _other_victims_other_toll(extraction, incident):
        return None
    if (
        attack[1] < RELATED_SCORE
        and not _within(near_h, LOOSE_KIND_WINDOW)
        and not _same_spot(extraction.place, incident)
    ):
        return None  # a loosely related kind ("an explosion" beside mortars): the same day
    # The same governorate and the same hour, both stated, is one event whatever each report
    # calls the attack ("stormed an army post" and "attacked an army post" in Diyala at 21:00).
    same_hour = place_score > 0 and report.time_precision == incident.time_precision == "hour"
    if (
        not wave
        and place_score <= SAME_GOVERNORATE_SCORE
        and (
            (attack[1] < RELATED_SCORE and not (same_hour or toll))
            or not _within(near_h, VAGUE_PLACE_WINDOW)
        )
    ):
        # No place, or only a governorate, on one side: a busy governorate has several attacks
        # a day, so only the same or a related kind, the same day
        return None
    score = place_score + time_score + attack[1] + target[1]
    reason = f"{place_label}, {gap_h:.1f} h apart, {attack[0]}, {target[0]}"
    return Match(incident.id, round(score, 6), reason)


def _one_site_one_kind(extraction: Extraction, incident: Incident, near_h: float) -> bool:
    """The same kind of attack on one site the same day, each report naming whom it was aimed
    at ("rockets near a compound of US oil firms", "... near a camp of foreign oil workers"):
    one attack told two ways. Not when one names protesters: a crowd at a site is not its
    occupant, and fire on protesters outside an embassy is another event than fire on it."""
    return (
        PROTESTERS not in (extraction.target, incident.target)
        and extraction.attack_type == incident.attack_type
        and extraction.attack_type not in (None, "other")
        and _same_spot(extraction.place, incident)
        and _within(near_h, VAGUE_PLACE_WINDOW)
    )


def _one_toll_one_place(extraction: Extraction, incident: Incident, near_h: float) -> bool:
    """The same toll in one town or site the same day, each report naming other victims
    ("four foreigners killed in Fallujah", "the four Americans killed in Fallujah worked for a
    security firm"): one attack told two ways, whichever side of the US-interest line each
    report puts it."""
    return (
        _same_toll(extraction, incident)
        and _same_spot(extraction.place, incident, SPOT_KINDS + ("city",))
        and _within(near_h, VAGUE_PLACE_WINDOW)
    )


def _other_victims_other_toll(extraction: Extraction, incident: Incident) -> bool:
    """Two reports of one city or area that name other victims and tolls far apart ("a car
    bomb at a market kills 52", "a suicide bomber at a checkpoint kills 17") tell two attacks
    on the ground: a rising toll keeps its victims, and victims told two ways keep their toll.
    Not fire from afar: a state's strike kills "terrorists" by its own count, civilians by the
    locals', and a salvo's toll climbs as the wounded die."""
    killed, other = extraction.killed, incident.killed
    return (
        FIRE_FROM_AFAR.isdisjoint({extraction.attack_type, incident.attack_type})
        and extraction.target is not None
        and incident.target is not None
        and extraction.target != incident.target
        and killed is not None
        and other is not None
        and max(killed, other) >= TOLLS_APART_RATIO * max(min(killed, other), 1)
    )


def _same_toll(extraction: Extraction, incident: Incident) -> bool:
    """Both tell the same toll, and one large enough to be told of few attacks of a day
    ("kills 10 paramilitary fighters" from Tikrit, "10 PMF fighters killed" near Samarra;
    "gunmen abduct and kill 8", "eight men shot dead")."""
    killed = extraction.killed
    return killed is not None and killed >= SAME_TOLL_MIN and killed == incident.killed


def _one_governorate(place: Place | None, incident: Incident) -> bool:
    return (
        place is not None
        and place.governorate is not None
        and _same_name(place.governorate, incident.governorate)
    )


def _same_site_another_day(report: Report, incident: Incident, gap_h: float) -> bool:
    """One site hit on two days, each report naming its day: two attacks."""
    place = report.extraction.place
    return (
        report.time_precision == incident.time_precision == "day"
        and place is not None
        and place.kind == "site"
        and place.id == incident.place_id
        and gap_h > SITE_DAY_TOLERANCE_H
    )


def _flash_and_strike(
    extraction: Extraction, incident: Incident, flash_reported_first: bool
) -> bool:
    """The report and the incident are the first flash of an airstrike (fire from afar at its
    site, the site's occupant taken for the target) and the strike, on either side of the
    US-interest line: the incident the flash and the report the strike, or the reverse."""
    flash, strike = (incident.attack_type, extraction.attack_type)
    if not flash_reported_first:
        flash, strike = strike, flash
    return (
        strike == AIRSTRIKE
        and flash in FIRE_FROM_AFAR - {AIRSTRIKE}
        and extraction.target is not None
        and extraction.us_interest != incident.us_interest
        and _same_spot(extraction.place, incident)
    )


def _one_strike(extraction: Extraction, incident: Incident) -> bool:
    """An airstrike and the first flash of it, whichever was reported first."""
    return _flash_and_strike(extraction, incident, flash_reported_first=True) or _flash_and_strike(
        extraction, incident, flash_reported_first=False
    )


def _same_spot(
    place: Place | None, incident: Incident, kinds: tuple[str, ...] = SPOT_KINDS
) -> bool:
    """The report names the incident's own place, and one of these kinds (a site or district:
    a spot; a town only where the caller says so)."""
    return place is not None and place.id == incident.place_id and place.kind in kinds


def _strikers(report: Report, incident: Incident) -> tuple[str, str] | None:
    """Who struck from the air on each side, when both are airstrikes by a known striker."""
    striker, other = report.extraction.claimed_by, incident.claimed_by
    if report.extraction.attack_type != AIRSTRIKE or incident.attack_type != AIRSTRIKE:
        return None
    if striker is None or other is None:
        return None
    return striker, other


def _one_air_force(report: Report, incident: Incident) -> bool:
    """Both are airstrikes by the same known state."""
    strikers = _strikers(report, incident)
    return strikers is not None and strikers[0] == strikers[1]


def _two_air_forces(report: Report, incident: Incident) -> bool:
    """Airstrikes by two states (a coalition raid on Hawija, Turkish raids on the PKK the same
    night) are two events, wherever each report places them."""
    strikers = _strikers(report, incident)
    return strikers is not None and strikers[0] != strikers[1]


def _strike_wave(report: Report, incident: Incident, gap_h: float) -> tuple[str, float] | None:
    """Two places struck from the air by the same state within hours: one wave of strikes."""
    if not _one_air_force(report, incident):
        return None
    if _within(gap_h, STRIKE_WAVE_WINDOW):
        return f"strike wave of {report.extraction.claimed_by}", WAVE_SCORE
    return None


def _span_gap_h(report: Report, incident: Incident) -> float:
    """Hours between the spans the two event times stand for: a day its Baghdad day, an undated
    report the :data:`UNDATED_REACH` before its publication, an hour itself."""
    if incident.event_time is None:
        return 0.0
    start, end = _span(report.event_time, report.time_precision)
    other_start, other_end = _span(incident.event_time, incident.time_precision)
    return max(timedelta(0), max(start, other_start) - min(end, other_end)).total_seconds() / 3600


def _span(when: datetime, precision: str) -> tuple[datetime, datetime]:
    if precision == "day":
        start = datetime.combine(when.astimezone(BAGHDAD).date(), time.min, BAGHDAD)
        return start, start + timedelta(days=1)
    if precision == "unknown":
        return when - UNDATED_REACH, when
    return when, when


def _within(gap_h: float, window: timedelta) -> bool:
    return gap_h <= window.total_seconds() / 3600


def time_relation(
    when: datetime,
    precision: str,
    other: datetime | None,
    other_precision: str,
    window: timedelta,
) -> tuple[float, float] | None:
    """(hours apart, score in 0..1) when the two event times are compatible, else None."""
    if other is None:
        return 0.0, 0.0
    allowed = window
    if precision == "hour" and other_precision == "hour":
        allowed = min(window, timedelta(hours=EXACT_TIME_TOLERANCE_H))
    gap = abs(when - other)
    if gap > allowed:
        return None
    return gap.total_seconds() / 3600, 1 - gap / allowed


def place_relation(
    place: Place | None, other: Place | None, distance_km: float
) -> tuple[str, float] | None:
    """(label, score) when the two places can be the scene of one event, else None."""
    if _vague(place) or _vague(other):
        return "place unknown", 0.0
    assert place is not None and other is not None
    if VICINITY in (place.kind, other.kind):
        return _vicinity_relation(place, other)
    if place.id == other.id:
        if place.kind == "governorate":  # a whole governorate is no more precise a scene
            return f"same governorate {place.governorate}", SAME_GOVERNORATE_SCORE
        return f"same place {place.id}", SAME_PLACE_SCORE
    for inner, outer in ((place, other), (other, place)):
        if outer.kind == "city" and inner.city and _same_name(inner.city, _city_named(outer)):
            return f"{inner.id} in {outer.id}", SITE_IN_CITY_SCORE
    for inner, outer in ((place, other), (other, place)):
        if outer.kind == "governorate" and _same_name(inner.governorate, outer.governorate):
            return f"same governorate {outer.governorate}", SAME_GOVERNORATE_SCORE
    if place.kind != "governorate" and other.kind != "governorate":
        km = place.distance_km(other)
        if _neighbourhoods_of_one_city(place, other):
            distance_km = min(distance_km, NEIGHBOURHOOD_KM)
        if km <= distance_km:
            return f"{place.id} {km:.1f} km from {other.id}", NEARBY_PLACE_SCORE * (
                1 - km / (2 * distance_km)
            )
    for inner, outer in ((place, other), (other, place)):
        if _named_like_its_governorate(outer) and _same_name(inner.governorate, outer.governorate):
            return f"{inner.id} in {outer.governorate}", SAME_GOVERNORATE_SCORE
    return None


def _vicinity_relation(place: Place, other: Place) -> tuple[str, float] | None:
    """A vicinity ("north of Baghdad") beside another place: the same side of the same town, a
    place out of the town on that side, or its governorate (the town's, a guess: "north of
    Baghdad" may be in Salahuddin). No better evidence than a governorate: a side of a town is
    as wide as one."""
    near, far = (place, other) if place.kind == VICINITY else (other, place)
    if far.kind == VICINITY:
        if far.town_id == near.town_id and _angle(near.bearing, far.bearing) <= VICINITY_SIDE_ANGLE:
            return f"{near.name} and {far.name}", SAME_GOVERNORATE_SCORE
        return None
    if far.kind == "governorate" or _named_like_its_governorate(far):
        if _same_name(near.governorate, far.governorate):
            return f"{near.name} in {far.governorate}", SAME_GOVERNORATE_SCORE
        return None
    km = near.distance_km(far)
    in_town = far.id == near.town_id or (
        far.kind in SPOT_KINDS and far.city is not None and km <= VICINITY_TOWN_KM
    )
    if in_town or not VICINITY_MIN_KM <= km <= VICINITY_REACH_KM:
        return None
    if _angle(near.bearing, near.bearing_to(far)) > VICINITY_HALF_ANGLE:
        return None
    return f"{far.id} {km:.0f} km {near.name}", SAME_GOVERNORATE_SCORE


def _angle(bearing: float | None, other: float | None) -> float:
    """Degrees between two bearings (0 to 180)."""
    assert bearing is not None and other is not None
    difference = abs(bearing - other) % 360
    return min(difference, 360 - difference)


def _named_like_its_governorate(place: Place) -> bool:
    """A city whose name is also its governorate's ("كمين داعش بكركوك", "south of Kirkuk",
    "a base north of Baghdad"): reports name the province by it, so it may stand for any
    place of the province, as a governorate does."""
    return place.kind == "city" and _same_name(place.name, place.governorate)


def _city_named(place: Place) -> str:
    """The city a city-wide place stands for: itself, or the city it is a side of (Baghdad's
    Rusafa and Karkh banks, each as wide as a town, are no more precise a scene than Baghdad)."""
    return place.city or place.name


def _neighbourhoods_of_one_city(place: Place, other: Place) -> bool:
    return (
        place.kind in ("district", "site")
        and other.kind in ("district", "site")
        and _same_name(place.city, other.city)
    )


def attack_type_relation(kind: str | None, other: str | None) -> tuple[str, float] | None:
    """(label, score) when the attack types are compatible, else None."""
    if kind == other and kind not in (None, "other"):
        return f"type {kind}", EQUAL_SCORE
    if kind in (None, "other") or other in (None, "other"):
        return "type unknown", UNKNOWN_SCORE
    for family, members in RELATED_ATTACK_TYPES:
        if kind in members and other in members:
            return f"{family} {other}~{kind}", RELATED_SCORE
    if {kind, other} <= FIRE_FROM_AFAR | {BLAST} and BLAST in (kind, other):
        return f"blast {other}~{kind}", UNKNOWN_SCORE
    for label, allies in LOOSE_ALLIES:
        if (kind in allies and other in GUNFIRE) or (other in allies and kind in GUNFIRE):
            return f"{label} {other}~{kind}", UNKNOWN_SCORE
    return None


def target_relation(target: str | None, other: str | None) -> tuple[str, float] | None:
    """(label, score) when the targets are compatible, else None."""
    if target is not None and target == other:
        return f"target {target}", EQUAL_SCORE
    if target is None or other is None:
        return "target unknown", UNKNOWN_SCORE
    if (target in US_INTEREST_TARGETS) == (other in US_INTEREST_TARGETS):
        side = "US interest" if target in US_INTEREST_TARGETS else "non-US"
        return f"targets {other}~{target} ({side})", RELATED_SCORE
    return None


def incident_place(incident: Incident) -> Place | None:
    """The incident's place as a Place value (None when it has none)."""
    if incident.place_id is None:
        return None
    return Place(
        id=incident.place_id,
        name=incident.place_name or incident.place_id,
        kind=incident.place_kind or "city",
        governorate=incident.governorate,
        lat=incident.lat if incident.lat is not None else math.nan,
        lon=incident.lon if incident.lon is not None else math.nan,
        city=incident.place_city,
    )


def incident_from_report(report: Report, now: datetime) -> Incident:
    """A new incident (id 0 until stored) described by its first report."""
    extraction = report.extraction
    return Incident(
        id=0,
        event_time=report.event_time,
        time_precision=report.time_precision,
        **_place_fields(extraction.place),
        attack_type=extraction.attack_type,
        target=extraction.target,
        us_interest=extraction.us_interest,
        killed=extraction.killed,
        wounded=extraction.wounded,
        claimed_by=extraction.claimed_by,
        blamed_on=extraction.blamed_on,
        title=report.title,
        first_seen=report.first_seen,
        updated=now,
        version=1,
        languages=(extraction.lang,) if extraction.lang else (),
        sources=0,
    )


def merge_report(
    incident: Incident, report: Report, now: datetime
) -> tuple[Incident, tuple[Change, ...]]:
    """Fold a later report into an incident: the updated incident and what changed.

    Figures only rise (the highest casualty count reported wins: tolls grow as a story
    develops), a place only becomes more specific, and the first claim of responsibility,
    time of the hour, attack type and target stay once known, but for a first flash's: the
    airstrike it turns out to be gives the kind, the target and the side of the US-interest
    line. ``version`` goes up by one when a material change happened.
    """
    extraction = report.extraction
    updates: dict[str, object] = {}
    changes: list[Change] = []
    place = extraction.place
    # A later report may refine a city to a site, never the reverse.
    if place is not None and PLACE_SPECIFICITY[place.kind] > PLACE_SPECIFICITY.get(
        incident.place_kind or "country", -1
    ):
        changes.append(Change("place", incident.place_name, place.name))
        updates.update(_place_fields(place))
    if TIME_PRECISION_RANK[report.time_precision] > TIME_PRECISION_RANK[incident.time_precision]:
        changes.append(Change("event_time", incident.event_time, report.event_time))
        updates.update(event_time=report.event_time, time_precision=report.time_precision)
    for name in ("killed", "wounded"):
        new, old = getattr(extraction, name), getattr(incident, name)
        if new is not None and (old is None or new > old):
            changes.append(Change(name, old, new))
            updates[name] = new
    # The strike behind the incident's first flash, or a late flash of the incident's strike.
    revealed = _flash_and_strike(extraction, incident, flash_reported_first=True)
    late_flash = _flash_and_strike(extraction, incident, flash_reported_first=False)
    if revealed or (
        incident.attack_type in (None, "other") and extraction.attack_type not in (None, "other")
    ):
        changes.append(Change("attack_type", incident.attack_type, extraction.attack_type))
        updates["attack_type"] = extraction.attack_type
    if revealed or (incident.target is None and extraction.target is not None and not late_flash):
        changes.append(Change("target", incident.target, extraction.target))
        updates["target"] = extraction.target
    if extraction.us_interest != incident.us_interest and (
        revealed or (extraction.us_interest and not late_flash)
    ):
        changes.append(Change("us_interest", incident.us_interest, extraction.us_interest))
        updates["us_interest"] = extraction.us_interest
    for name in ("claimed_by", "blamed_on"):
        new = getattr(extraction, name)
        if getattr(incident, name) is None and new is not None:
            changes.append(Change(name, None, new))
            updates[name] = new
    if not changes:
        return incident, ()
    version = incident.version + (1 if any(c.material for c in changes) else 0)
    return replace(incident, **updates, version=version, updated=now), tuple(changes)


def rebuild_incident(reports: Iterable[Report], now: datetime) -> Incident | None:
    """An incident recomputed from its reports in publication order (after a split or merge)."""
    ordered = sorted(reports, key=lambda r: (r.published, r.article_id))
    if not ordered:
        return None
    incident = incident_from_report(ordered[0], now)
    for report in ordered[1:]:
        incident, _ = merge_report(incident, report, now)
    return replace(incident, version=1)


def incident_changes(before: Incident, after: Incident) -> tuple[Change, ...]:
    """Field-by-field differences between two states of one incident (for manual corrections)."""
    fields = (
        "event_time", "time_precision", "place_name", "attack_type", "target", "us_interest",
        "killed", "wounded", "claimed_by", "blamed_on", "languages", "sources",
    )  # fmt: skip
    return tuple(
        Change("place" if name == "place_name" else name, getattr(before, name), value)
        for name in fields
        if (value := getattr(after, name)) != getattr(before, name)
    )


def alert_reference_time(incident: Incident, first_published: datetime) -> datetime:
    """How old an incident is, for the backlog rule.

    The event time when the hour is known; otherwise the later of the (day-level) event time and
    the first publication, so an attack "on Sunday" reported Sunday evening still counts as fresh.
    """
    if incident.event_time is None:
        return first_published
    if incident.time_precision == "hour":
        return incident.event_time
    return max(incident.event_time, first_published)


def is_fresh(
    incident: Incident, first_published: datetime, now: datetime, max_age: timedelta
) -> bool:
    """Alert on a new incident only when it is recent: a first run or a replay of an archive
    must not alert on the backlog."""
    return now - alert_reference_time(incident, first_published) <= max_age


def _place_fields(place: Place | None) -> dict[str, object]:
    if place is None:
        return dict.fromkeys(
            ("place_id", "place_name", "governorate", "lat", "lon", "place_kind", "place_city")
        )
    return {
        "place_id": place.id,
        "place_name": place.name,
        "governorate": place.governorate,
        "lat": place.lat,
        "lon": place.lon,
        "place_kind": place.kind,
        "place_city": place.city,
    }


def _vague(place: Place | None) -> bool:
    return place is None or place.kind == "country"


def _same_name(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a.casefold() == b.casefold()


def _shown(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else value
