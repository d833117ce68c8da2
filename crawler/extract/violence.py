"""What counts as an act of violence in a sentence: the gate every incident report passes.

A weapon or an act ("rockets", "a car bomb", "set fire"), an attack word ("attack", "استهداف"),
gunmen or an explosion; and, with no weapon named, deaths among armed men or protesters, deaths
in an operation ("killed in a counterterrorism operation"), or ground taken from armed men
("Iraqi forces retake the centre of Fallujah"). Deaths alone ("five killed") or a fire alone are
not: a bus crash kills, a gas cylinder explodes. Used by the judge's hard rules
(:mod:`crawler.extract.classify`) and as a signal of the weighing (:mod:`crawler.extract.relevance`).
"""

from __future__ import annotations

from crawler.extract.document import VIOLENT_OTHER, Segment
from crawler.extract.lexicon import Hit
from crawler.types import PROTESTERS

# Words an act of violence is told with: a weapon or act, an attack word; of the generic acts,
# only gunmen and assassinations ("an explosion" may be a gas cylinder).
VIOLENT_WEAK_TYPES = ("shooting",)
# "An explosion killed five in a Baghdad market": in Iraq most such leads report a bombing, but
# gas cylinders and arms depots explode too. Violence enough to be judged, not enough to
# outweigh an accident's cues.
ACCIDENT_PRONE_WEAK_TYPES = ("ied",)
# Victims whose deaths are violence even when the lead names no weapon: armed men, protesters.
ARMED_TARGETS = ("iraqi_security", "pmf", "coalition", "us_military", "protesters", "other")
# Actors that are states: naming them beside a death says nothing of a fight.
STATE_ACTORS = ("Iran", "United States", "Turkey")
# How far after an advance word the people it frees may be named ("free the kidnapped
# merchants", "تحرير الرهائن").
FREED_REACH_CHARS = 16
# How far after a verb of taking its place may be named ("seize Iraq's second-largest city of
# Mosul"), and the words that make that place where the taking happened, not what was taken
# ("captured in Mosul").
CAPTURED_REACH_CHARS = 40
NOT_TAKEN_WORDS = frozenset({"in", "at", "near", "from", "outside", "inside", "on", "by", "with"})


def violent(segment: Segment, weapons_only: bool) -> bool:
    """An act of violence is stated: a weapon or act, an attack word, gunmen, an explosion.
    With ``weapons_only``, what a fire or an accident also produces ("set fire", "l'incendie":
    type "other"; "an explosion") does not count, so that an accident's cues still win."""
    if any(hit.tag.value != VIOLENT_OTHER or not weapons_only for hit in segment.of("type")):
        return True
    weak = VIOLENT_WEAK_TYPES if weapons_only else VIOLENT_WEAK_TYPES + ACCIDENT_PRONE_WEAK_TYPES
    if segment.has("incident") or any(hit.tag.value in weak for hit in segment.of("type_weak")):
        return True
    return not weapons_only and (deaths_in_fighting(segment) or ground_taken(segment))


def ground_taken(segment: Segment) -> bool:
    """Forces take ground from armed men, or armed men take it: "Iraqi forces retake Fallujah's
    centre", "les forces irakiennes reprennent", "القوات العراقية تستعيد جامعة الأنبار من داعش",
    "militants overran Mosul". Freeing people is not taking ground ("الشرطة تحرر تاجرا
    مختطفا"), nor is a crowd storming a building ("protesters stormed parliament")."""
    freed = segment.of("freed")
    crowds = [hit.end for hit in segment.of("target") if hit.tag.value == PROTESTERS]
    advances = [
        hit
        for hit in [*segment.of("advance"), *_captures(segment)]
        if not any(0 <= person.start - hit.end <= FREED_REACH_CHARS for person in freed)
        and not any(end <= hit.start for end in crowds)
    ]
    return bool(advances) and (
        any(hit.tag.value in ARMED_TARGETS for hit in segment.of("target"))
        or names_armed_group(segment)
        or segment.has("armed_men")
    )


def _captures(segment: Segment) -> list[Hit]:
    """The verbs of taking whose object is a place ("seize Mosul", "captured the city of
    Ramadi")."""
    return [
        hit
        for hit in segment.of("capture")
        if any(
            0 <= place.start - hit.end <= CAPTURED_REACH_CHARS
            and not NOT_TAKEN_WORDS & set(segment.folded[hit.end : place.start].split())
            for place in segment.of("place")
        )
    ]


def names_armed_group(segment: Segment) -> bool:
    """An armed group is named ("ISIS", "الكردستاني", "les jihadistes"), not only a state."""
    return bool(armed_groups(segment))


def armed_groups(segment: Segment) -> list[Hit]:
    """The actors a segment names that are armed groups, not states."""
    return [hit for hit in segment.of("actor") if hit.tag.value not in STATE_ACTORS]


def deaths_in_fighting(segment: Segment) -> bool:
    """Casualties among armed men or protesters, or in an operation: "five soldiers killed",
    "مقتل 15 من عناصر داعش", "tué lors d'une opération antijihadiste", "protests turn deadly"."""
    if not (segment.has("killed") or segment.has("wounded")):
        return False
    return (
        segment.has("operation")
        or any(hit.tag.value in ARMED_TARGETS for hit in segment.of("target"))
        or names_armed_group(segment)
    )
