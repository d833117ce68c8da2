"""Who claimed the attack, and who is blamed for it, when the article says so.

A claim word ("claimed by", "revendiquée par", "تبنى") or a blame word ("blames", "accuse",
"اتهمت") takes the named actor of the same sentence nearest after it ("claimed by the Islamic
State group"), else nearest before it ("IS claimed the attack"). A negated claim ("not claimed",
"n'a été revendiquée", "لم تتبن") claims nothing. Actors are the canonical names of the
lexicon's ``actors`` section.

A state strikes from the air in the open: the state a headline or first sentence names with an
airstrike ("Turkish drone strike", "غارات تركية", "US strikes") is the one that claims it, when
no claim word says otherwise.
"""

from __future__ import annotations

from crawler.extract.document import Document, Segment
from crawler.extract.lexicon import Hit
from crawler.extract.violence import STATE_ACTORS


def _actor_for(segment: Segment, hit: Hit, exclude: str | None = None) -> str | None:
    actors = [a for a in segment.of("actor") if a.tag.value != exclude]
    after = [a for a in actors if a.start >= hit.end]
    if after:
        return min(after, key=lambda a: a.start).tag.value
    before = [a for a in actors if a.end <= hit.start]
    if before:
        return max(before, key=lambda a: a.end).tag.value
    return None


def striker(document: Document) -> str | None:
    """The state named in the title or first sentence of an airstrike's report."""
    for segment in document.lead(1):
        for hit in segment.of("actor"):
            if hit.tag.value in STATE_ACTORS:
                return hit.tag.value
    return None


def attribution(document: Document) -> tuple[str | None, str | None]:
    """(claimed_by, blamed_on) as the article states them."""
    claimed = blamed = None
    for segment in document.segments:
        for hit in segment.of("claim"):
            if claimed is None and not segment.negated(hit):
                claimed = _actor_for(segment, hit)
        for hit in segment.of("blame"):
            if blamed is None:
                # "Washington blames pro-Iran factions": the accuser is not the accused.
                blamed = _actor_for(segment, hit, exclude="United States")
    return claimed, blamed
