"""Who claimed the attack, and who is blamed for it, when the article says so.

A claim word ("claimed by", "revendiquée par", "تبنى") or a blame word ("blames", "accuse",
"اتهمت") takes the named actor of the same sentence nearest after it ("claimed by the Islamic
State group"), else nearest before it ("IS claimed the attack"). A negated claim ("not claimed",
"n'a été revendiquée", "لم تتبن") claims nothing. Actors are the canonical names of the
lexicon's ``actors`` section.

A state strikes from the air in the open: the state a headline or first sentence names with an
airstrike ("Turkish drone strike", "غارات تركية", "US strikes"), or the US-led coalition they
name, is the one that claims it, when no claim word says otherwise.
"""

from __future__ import annotations

from crawler.extract.classify import COALITION
from crawler.extract.document import Document, Segment
from crawler.extract.lexicon import Hit
from crawler.extract.place import after_allegiance_word
from crawler.extract.violence import STATE_ACTORS
from crawler.types import AIRSTRIKE

UNITED_STATES = "United States"
# The word of a passive claim that introduces its agent ("claimed by", "revendiqué par").
PASSIVE_AGENT_WORDS = ("by", "par")
# Words that may stand between a state's name and the person it qualifies: the possessive's
# "s", a rank, a unit ("Iran's top general", "Iranian Quds Force commander").
PERSON_REACH_WORDS = 3
# Words after a state's name that make it an allegiance (folded: hyphens are spaces).
ALLEGIANCE_AFTER = (
    " backed",
    " aligned",
    " allied",
    " linked",
    " made",
    " sponsored",
    " supported",
)


def _actor_for(
    segment: Segment, hit: Hit, exclude: str | None = None, subject_first: bool = False
) -> str | None:
    """The actor nearest after the hit, else nearest before it; with ``subject_first``, the
    other way round."""
    actors = [
        a for a in segment.of("actor") if a.tag.value != exclude and not _allegiance(segment, a)
    ]
    after = [a for a in actors if a.start >= hit.end]
    before = [a for a in actors if a.end <= hit.start]
    nearest_after = min(after, key=lambda a: a.start).tag.value if after else None
    nearest_before = max(before, key=lambda a: a.end).tag.value if before else None
    if subject_first:
        return nearest_before or nearest_after
    return nearest_after or nearest_before


def _allegiance(segment: Segment, hit: Hit) -> bool:
    """The actor names whom a group serves, not who acts: "pro-Iran", "Iran-backed"."""
    after = segment.folded[hit.end : hit.end + 12]
    return after_allegiance_word(segment, hit.start) or after.startswith(ALLEGIANCE_AFTER)


def _claimant(document: Document, segment: Segment, hit: Hit) -> str | None:
    """Who makes a claim: in English and French the subject before an active verb ("IS claims
    the attack on a US base", "l'EI revendique"), the agent after a passive one ("claimed by",
    "revendiqué par"); in Arabic, whose verb comes first ("تبنى تنظيم داعش"), the actor after."""
    last_word = segment.folded[hit.start : hit.end].split()[-1:]
    next_word = segment.folded[hit.end : hit.end + 6].split()[:1]
    passive = any(word in PASSIVE_AGENT_WORDS for word in last_word + next_word)
    return _actor_for(segment, hit, subject_first=document.lang != "ar" and not passive)


def striker(document: Document) -> str | None:
    """The air force of an airstrike's report: the state its title or first sentence names
    beside the strike ("a US strike killed the Iranian general": the United States, not Iran),
    else the first state they name; the US-led coalition counts as the United States
    ("غارة لطيران التحالف الدولي", "coalition air strikes"): reports call its raids US-led or
    the coalition's, and one name keeps a wave of them one incident and apart from another air
    force's the same night."""
    named: list[str] = []  # the forces in the order the lead names them
    beside_a_strike: list[tuple[int, str]] = []  # (distance to a strike word, force)
    for segment in document.lead(1):
        strikes = [hit.start for hit in segment.of("type") if hit.tag.value == AIRSTRIKE]
        for hit, force in _forces(segment):
            named.append(force)
            if strikes:
                beside_a_strike.append((min(abs(hit.start - s) for s in strikes), force))
    if beside_a_strike:
        return min(beside_a_strike, key=lambda pair: pair[0])[1]
    return named[0] if named else None


def _forces(segment: Segment) -> list[tuple[Hit, str]]:
    """The air forces a sentence names: states (not as allegiances, nor as whose a person is)
    and the coalition."""
    states = [
        (hit, hit.tag.value)
        for hit in segment.of("actor")
        if hit.tag.value in STATE_ACTORS
        and not _allegiance(segment, hit)
        and not _whose_person(segment, hit)
    ]
    coalition = [(hit, UNITED_STATES) for hit in segment.of("target") if hit.tag.value == COALITION]
    return states + coalition


def _whose_person(segment: Segment, hit: Hit) -> bool:
    """The state's name qualifies a person a few words on ("Iran's top general", "an Iranian
    Quds Force commander"): it says whose the person is, not who struck."""
    return any(
        0 <= person.start - hit.end
        and len(segment.folded[hit.end : person.start].split()) <= PERSON_REACH_WORDS
        for person in segment.of("state_person")
    )


def attribution(document: Document) -> tuple[str | None, str | None]:
    """(claimed_by, blamed_on) as the article states them."""
    claimed = blamed = None
    for segment in document.segments:
        for hit in segment.of("claim"):
            if claimed is None and not segment.negated(hit):
                claimed = _claimant(document, segment, hit)
        for hit in segment.of("blame"):
            if blamed is None:
                # "Washington blames pro-Iran factions": the accuser is not the accused.
                blamed = _actor_for(segment, hit, exclude=UNITED_STATES)
    return claimed, blamed
