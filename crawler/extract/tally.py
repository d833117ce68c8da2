"""The running count an article states: the rank of its incident ("la 19e attaque contre des
intérêts américains en Irak", "the 20th attack since October 28", "الهجوم التاسع عشر", "الهجوم
الـ22"), or the size of the series when it was written ("US forces have been attacked at least 66
times in Iraq and Syria since Oct. 17", "more than 60 attacks since October 17").

Three forms are read:

* a rank: an ordinal next to an attack noun, or followed by "against"/"contre" ("la 21e contre
  des intérêts américains"), or in Arabic before its noun ("تاسع عشر هجوم"): digits with a suffix
  (19e, 19ème, 19th), words ("dix-neuvième", "nineteenth", "vingt et unième", "twenty-first",
  "التاسع عشر", "الحادي والعشرين"), Arabic "الـ22" or "رقم 22" after the noun;
* a rank as a definite cardinal count of attacks with a start date ("Aucune des 19 attaques
  recensées depuis le 28 octobre", "the 19 attacks since October 28");
* a count of the series, with a start date: a figure before an attack noun or, after one, before
  "times" ("66 attacks since", "attacked at least 66 times since", "plus de 60 fois depuis",
  "أكثر من 60 هجوما منذ"). It is what the round-ups and the Pentagon's briefings state; "at
  least" and "more than" make it a lower bound, and a foreign place or "the region" in its scope
  makes it a count of another series than Iraq's.

``since`` is the most recent such day before publication; without a day of the month ("depuis
fin octobre", "in nearly four months") it is None. The counting itself is left to
``crawler.incidents`` and its reconciliation to ``crawler.counters``; this only reports what the
article says.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from crawler.extract.document import Document, Segment, Token
from crawler.extract.gazetteer import ANCHOR
from crawler.extract.normalize import sentence_starts
from crawler.extract.numbers import YEAR_MIN, read_number, read_number_words, times_after_act
from crawler.extract.place import anchors_iraq
from crawler.extract.timeparse import day_number_near
from crawler.extract.vocabulary import Numbers
from crawler.types import BAGHDAD, ReportedTally

_ORDINAL_DIGITS = re.compile(r"^(\d{1,3})(?:e|eme|ieme|er|ere|th|st|nd|rd)$")
_ARABIC_DEFINITE_DIGITS = re.compile(r"^ال(\d{1,3})$")
ARABIC_NUMBER_WORD = "رقم"
ARABIC_TEEN = "عشر"
# Tokens between an ordinal and its attack noun ("the 19th such attack", "la 19e attaque").
NOUN_REACH_TOKENS = 3
SCOPE_MAX_CHARS = 140
# Body sentences searched: wires state the rank in the lead or the paragraph after it.
TALLY_SENTENCES = 6
# "The first attack since ..." ranks nothing: a running count starts at two.
TALLY_MIN = 2
# A rank is definite ("the 19th attack", "la 19e", "sa 19e"); "a second rocket" is no tally.
DEFINITE = frozenset({"the", "its", "their", "la", "le", "l", "sa", "son", "leur"})


def _ordinal_at(tokens: list[Token], i: int, numbers: Numbers) -> tuple[int, int] | None:
    """(value, end token) of an ordinal at token ``i``."""
    text = tokens[i].text
    word = text[2:] if text.startswith("ال") else text
    if not (
        text[0].isdigit()
        or word[:1].isdigit()
        or word in numbers.ordinal
        or word in numbers.cardinal
        or text == ARABIC_NUMBER_WORD
    ):
        return None  # the cheap test first: most words after "the" are no number
    if m := _ORDINAL_DIGITS.match(text):
        return int(m.group(1)), i + 1
    if m := _ARABIC_DEFINITE_DIGITS.match(text):
        return int(m.group(1)), i + 1
    if text == ARABIC_NUMBER_WORD and i + 1 < len(tokens) and tokens[i + 1].text.isdigit():
        return int(tokens[i + 1].text), i + 2
    if word in numbers.ordinal:  # Arabic: unit ordinal, then "عشر" or "و" + tens
        value, j = numbers.ordinal[word], i + 1
        if j < len(tokens) and tokens[j].text == ARABIC_TEEN:
            return value + 10, j + 1
        if j < len(tokens):
            tens, k = read_number_words(tokens, j, numbers)
            if k > j and tokens[j].text.startswith("و"):
                return value + tens, k
        return value, j
    tens, j = read_number_words(tokens, i, numbers)  # "dix neuvieme", "twenty first"
    if j > i and j < len(tokens) and tokens[j].text in numbers.ordinal:
        return tens + numbers.ordinal[tokens[j].text], j + 1
    return None


def _starts(segment: Segment, category: str) -> set[int]:
    return {h.start for h in segment.of(category)}


def _since(segment: Segment, from_offset: int, published: datetime) -> date | None:
    since_hits = [h for h in segment.of("since") if h.start >= from_offset]
    if not since_hits:
        return None
    reach = since_hits[0].end + 25
    today = published.astimezone(BAGHDAD).date()
    for month_hit in segment.of("month"):
        if since_hits[0].end <= month_hit.start <= reach:
            day = day_number_near(segment, month_hit)
            if day is None:
                return None
            year_match = re.match(r"\s*(?:,\s*)?((?:19|20)\d\d)", segment.folded[month_hit.end :])
            if year_match:
                return date(int(year_match.group(1)), int(month_hit.tag.value), day)
            for year in (today.year, today.year - 1):
                try:
                    candidate = date(year, int(month_hit.tag.value), day)
                except ValueError:
                    continue
                if candidate < today + timedelta(days=1):
                    return candidate
    return None


def _scope(segment: Segment, start: int) -> str:
    """The words from the figure to the end of its clause ("66 times in Iraq and Syria since
    Oct. 17, a Pentagon spokesman said")."""
    text = segment.cased[start : start + SCOPE_MAX_CHARS]
    starts = sentence_starts(text)
    if len(starts) > 1:
        text = text[: starts[1]]
    cut = text.find(";")
    return (text[:cut] if cut > 0 else text).strip(" ,.")


def _is_us_scope(segment: Segment, start: int) -> bool:
    return any(h.start >= start for h in segment.of("us"))


@dataclass(frozen=True, slots=True)
class _Found:
    n: int
    start: int  # offset of the figure in its sentence
    rank: bool = True
    at_least: bool = False


def _ordinal_tally(segment: Segment, tokens: list[Token], numbers: Numbers) -> _Found | None:
    nouns = _starts(segment, "tally_noun")
    noun_ends = {h.end for h in segment.of("tally_noun")}
    for i in range(len(tokens)):
        # The cheap tests first: a rank follows its noun (Arabic) or a definite word.
        noun_before = any(0 <= tokens[i].start - e <= 2 for e in noun_ends)  # Arabic order
        definite = i > 0 and tokens[i - 1].text in DEFINITE
        # Arabic construct state: the rank before its noun is definite ("تاسع عشر هجوم").
        construct = any(t.start in nouns for t in tokens[i + 1 : i + 3]) and (
            "\u0600" <= tokens[i].text[0] <= "\u06ff"
        )
        if not (noun_before or definite or construct):
            continue
        found = _ordinal_at(tokens, i, numbers)
        if found is None or found[0] < TALLY_MIN:
            continue
        value, end = found
        after = [t.start for t in tokens[end : end + NOUN_REACH_TOKENS]]
        noun_after = any(s in nouns for s in after)
        if (
            construct
            and not (noun_before or definite)
            and not (end < len(tokens) and tokens[end].start in nouns)
        ):
            continue
        scope_next = (
            end < len(tokens)
            and tokens[end].text in numbers.tally_scope
            and bool(nouns or segment.of("us"))
        )
        if noun_after or scope_next or noun_before:
            return _Found(value, tokens[i].start)
    return None


def _count_tally(segment: Segment, tokens: list[Token], numbers: Numbers) -> _Found | None:
    """A count of attacks with a start date after it: a rank when definite ("the 19 attacks
    since ..."), else the series' size ("66 attacks since ...", "attacked 66 times since ...")."""
    if not segment.of("since"):
        return None
    nouns = _starts(segment, "tally_noun")
    for i in range(len(tokens) - 1):
        reading = read_number(tokens, i, numbers)
        if reading is None or reading.weak or reading.vague:
            continue
        if not TALLY_MIN <= reading.value < YEAR_MIN or reading.end >= len(tokens):
            continue
        after = tokens[reading.end]
        counted = after.start in nouns
        times = times_after_act(segment, after, numbers)  # "attacked 66 times", "تعرضت ... مرة"
        if not (counted or times):
            continue
        start = tokens[i].start
        if not any(h.start > start for h in segment.of("since")):
            continue
        at_least = _after_phrase(tokens, i, numbers.tally_at_least)
        definite = counted and i > 0 and tokens[i - 1].text in numbers.tally_determiner
        return _Found(reading.value, start, rank=definite and not at_least, at_least=at_least)
    return None


def _after_phrase(tokens: list[Token], i: int, phrases: tuple[tuple[str, ...], ...]) -> bool:
    """Tokens right before ``i`` spell one of ``phrases`` ("at least", "لأكثر من")."""
    return any(
        i >= len(phrase) and tuple(t.text for t in tokens[i - len(phrase) : i]) == phrase
        for phrase in phrases
    )


def reported_tally(
    document: Document, numbers: Numbers, published: datetime
) -> ReportedTally | None:
    """The first rank the lead states, else its first count of the series. A rank's start date
    may come from a later sentence that states the same rank (a headline's "la 21e" and the
    body's "la 21e ... depuis le 28 octobre")."""
    tallies = list(_tallies(document, numbers, published))
    ranks = [t for t in tallies if t.rank]
    if not ranks:
        return tallies[0] if tallies else None
    first = ranks[0]
    if first.since is None:
        dated = next((t for t in ranks[1:] if t.n == first.n and t.since is not None), None)
        if dated is not None:
            return replace(first, since=dated.since)
    return first


def series_count(document: Document, numbers: Numbers, published: datetime) -> ReportedTally | None:
    """The first count of the series of attacks on US interests the lead states (no rank): what
    a story that is no report (a round-up, a briefing) still tells the counters."""
    tallies = _tallies(document, numbers, published, ranks=False)
    return next((t for t in tallies if t.us_interest), None)


def _tallies(
    document: Document, numbers: Numbers, published: datetime, ranks: bool = True
) -> Iterator[ReportedTally]:
    for segment in document.segments[: 1 + TALLY_SENTENCES]:
        if not (segment.of("tally_noun") or segment.of("us")):
            continue
        if not ranks and not (segment.of("since") and segment.of("us")):
            continue
        tokens = segment.tokens
        found = (ranks and _ordinal_tally(segment, tokens, numbers)) or _count_tally(
            segment, tokens, numbers
        )
        if found is None or (found.rank and not ranks):
            continue
        since = _since(segment, found.start, published)
        if since is None and not found.rank:
            continue  # "more than 110 attacks since mid-October": a count of no stated series
        scope = _scope(segment, found.start)
        yield ReportedTally(
            n=found.n,
            scope=scope,
            since=since,
            # A rank's scope follows it ("the 19th attack on US interests"); a count's subject
            # comes first ("US forces have been attacked 66 times").
            us_interest=_is_us_scope(segment, found.start if found.rank else 0),
            rank=found.rank,
            at_least=found.at_least,
            beyond_iraq=_beyond_iraq(segment, found.start, found.start + len(scope), numbers),
        )


def _beyond_iraq(segment: Segment, start: int, end: int, numbers: Numbers) -> bool:
    """The scope names a place outside Iraq ("in Iraq and Syria") or a region ("in the region")."""
    us = {(h.start, h.end) for h in segment.of("us")}
    for hit in segment.of("place") + segment.of(ANCHOR):
        if start <= hit.start < end and (hit.start, hit.end) not in us:
            if not anchors_iraq(hit.tag.value):
                return True
    tokens = [t for t in segment.tokens if start <= t.start < end]
    return any(_after_phrase(tokens, i, numbers.tally_beyond) for i in range(1, len(tokens) + 1))
