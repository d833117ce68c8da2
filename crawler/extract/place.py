"""Where: the incident's place, and whether the incident is outside Iraq.

The place is the most specific place of Iraq named in the lead (title and first sentences):
a site beats a district, a district a city, a city a governorate; among equals the first named.
The dateline is the fallback when the lead names none. A name shared by several places
("Qadisiya": a Baghdad district and a governorate) takes the one whose governorate the article
names elsewhere (dateline or other places), else the first in the gazetteer.

Outside Iraq: a foreign place leads (title, else first sentence) with no place of Iraq beside it,
or the dateline is foreign and the lead names no place of Iraq. An Iraqi faction claiming an
attack in Syria does not make it an Iraqi incident: the adjective "Iraqi" is not a place.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from crawler.extract.document import Document, Segment
from crawler.extract.gazetteer import SPECIFICITY, Gazetteer
from crawler.types import Place

IRAQ = "IQ"
# A place name after these is an allegiance, not a location (folded: "pro-Iran" -> "pro iran").
ALLEGIANCE_PREFIXES = ("pro ", "anti ")
# Body sentences (after the title) searched for the incident's place.
PLACE_LEAD_SENTENCES = 2


@dataclass(frozen=True, slots=True)
class Located:
    segment: int
    start: int
    place: Place


@dataclass(frozen=True, slots=True)
class Whereabouts:
    place: Place | None
    in_iraq: bool  # some place of Iraq is named in the lead or the dateline
    outside_iraq: bool  # the incident is located abroad
    dateline_place: Place | None


def _places_by_span(segment: Segment, gazetteer: Gazetteer) -> dict[tuple[int, int], list[Place]]:
    spans: dict[tuple[int, int], list[Place]] = defaultdict(list)
    for hit in segment.of("place"):
        if segment.folded[max(0, hit.start - 5) : hit.start].endswith(ALLEGIANCE_PREFIXES):
            continue  # "pro-Iran factions" are not in Iran
        place = gazetteer.get(hit.tag.value)
        if place is not None:
            spans[(hit.start, hit.end)].append(place)
    return spans


def _resolve(candidates: list[Place], context_governorates: set[str]) -> Place:
    if len(candidates) > 1:
        for place in candidates:
            if place.governorate in context_governorates and place.kind != "governorate":
                return place
    return candidates[0]


def locate(document: Document, gazetteer: Gazetteer) -> Whereabouts:
    dateline_place = gazetteer.lookup(document.dateline_text) if document.dateline_text else None
    segments = document.lead(PLACE_LEAD_SENTENCES)
    raw = [
        (seg.index, span, places)
        for seg in segments
        for span, places in _places_by_span(seg, gazetteer).items()
    ]
    context = {
        p.governorate for _, _, places in raw if len(places) == 1 for p in places if p.governorate
    }
    if dateline_place is not None and dateline_place.governorate:
        context.add(dateline_place.governorate)
    located = [Located(index, span[0], _resolve(places, context)) for index, span, places in raw]
    iraqi = [loc for loc in located if loc.place.country == IRAQ]
    foreign = [loc for loc in located if loc.place.country != IRAQ]

    outside = _leads_abroad(iraqi, foreign, dateline_place)
    place = None
    if iraqi:
        best = max(iraqi, key=lambda loc: (SPECIFICITY[loc.place.kind], -loc.segment, -loc.start))
        place = best.place
    if dateline_place is not None and dateline_place.country == IRAQ:
        # Only when the lead names no more than the country: a named governorate stands.
        if place is None or place.kind == "country":
            place = dateline_place
    in_iraq = bool(iraqi) or (dateline_place is not None and dateline_place.country == IRAQ)
    return Whereabouts(place, in_iraq, outside, dateline_place)


def _leads_abroad(iraqi: list[Located], foreign: list[Located], dateline: Place | None) -> bool:
    for segment in (0, 1):
        here = [loc for loc in iraqi if loc.segment == segment]
        abroad = [loc for loc in foreign if loc.segment == segment]
        if abroad and not here:
            return True
        if here and not abroad:
            return False
        if here and abroad and segment == 1:
            return len(abroad) > len(here)
    if dateline is not None and dateline.country != IRAQ:
        return not any(loc.segment <= 1 for loc in iraqi)
    return False
