"""An article read once: cleaned and folded text, sentences, and every lexicon/gazetteer hit.

Segment 0 is the title (the first sentence when there is no title); segments 1.. are the
sentences of the body's first :data:`READ_CHARS` characters, the dateline removed. A body may
open with a portal's lead or a paper's abstract, then the dispatch's dateline or byline ("Le
bilan s'alourdit.\n\nBAGDAD (AFP) - ...", "summary.\n\nالسومرية نيوز/ ديالى\nأفاد ..."): that
dateline is read and removed too, and ``Document.opening`` is the sentence the dispatch starts
with. An "after" behind an act the sentence states is read as the background word it then is
("US strikes militia sites after rocket attack"), and tyres set on fire are a protest's road
block, not an arson attack ("أحرقوا الإطارات"); a place name right after a given name is a
surname ("Hassan Ramadi"), and one between quotation marks a name ("the film 'Mosul'"). Every
deciding module works on this structure and never scans the text again, so the one automaton
pass is the whole cost of matching. The lead (title and first sentences) is where wire copy puts
the facts; later sentences are background.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import cached_property
from typing import NamedTuple

from crawler.dateline import Dateline, dateline_after_lead, split_dateline
from crawler.extract.lexicon import Hit, Matcher
from crawler.extract.normalize import QUOTE_MARKS, clean, fold, sentence_starts

# Body sentences that, with the title, make the lead of a wire story.
LEAD_SENTENCES = 2
# How much of a body is read: the lead and the paragraphs after it, where wire copy gives the
# toll, the claim and the tally. A long feature's tail would cost time and say nothing more.
READ_CHARS = 3000

# Hits that state an act of the sentence's own: an "after" behind one of them tells an earlier
# event ("US strikes militia sites after rocket attack", "oil jumps after strike kills general").
OWN_ACT_CATEGORIES = ("type", "incident", "negative", "accident", "disaster")
AFTER_ACT = "after_act"
BACKGROUND = "background"
# Time words right after "after" date this event ("after midnight", "after 10 pm").
TIME_CATEGORIES = frozenset({"part", "weekday", "relday", "month", "tz"})
TIME_REACH_CHARS = 2
VIOLENT_OTHER = "other"  # the attack type of arson, grenades, storming; what accidents produce
# Tyres set on fire are a protest's road block: how far after the fire word they may be named
# ("أحرقوا الإطارات", "set fire to tyres", "brûlé des pneus").
TYRES = "tyres"
TYRE_REACH_CHARS = 12
FIRE_ACT_CATEGORIES = frozenset({"type", "incident", "event", "agent_act", "outcome"})
# A violence word right before one of these is a figure of speech: "يفجر مفاجأة" (springs a
# surprise) tells a football upset. How far before it the word may end ("فجر الفريق مفاجأة").
FIGURE = "figure"
FIGURE_REACH_CHARS = 12
FIGURE_ACT_CATEGORIES = FIRE_ACT_CATEGORIES | {"type_weak"}
# A weapon or act word right after "anti" names a defence against it ("anti-missile systems",
# "murs anti-explosions"), not an act.
DEFENCE_PREFIX = "anti "
# A place name right after one of these given names is a surname ("Hassan Ramadi").
GIVEN_NAME = "given_name"
PLACE_CATEGORIES = frozenset({"place", "anchor"})
# Quotation marks around a place name make it the name of something else.
QUOTES = frozenset(QUOTE_MARKS)

NEGATIONS = frozenset(
    {"not", "no", "none", "never", "without", "pas", "aucune", "aucun", "ni", "jamais", "n", "sans"}
    | {"لم", "لا", "ليس", "بلا", "دون", "بدون"}
)
# How many words before a word a negation may stand ("n'a pas encore été revendiquée").
NEGATION_REACH_WORDS = 4
NEGATION_REACH_CHARS = 40
ARABIC_CONJUNCTION_PREFIXES = ("و", "ف")
# Words that deny the noun right after them ("without clashes", "sans combats", "دون مواجهات"),
# or after a noun of occurring ("دون وقوع اشتباكات", "عدم تسجيل خرق"), and the determiner "any"
# that a negation a few words back makes one ("did not record any clash", "لم تسفر عن أي اشتباك").
PRIVATIVES = frozenset({"without", "no", "sans", "aucun", "aucune", "دون", "بدون", "بلا", "عدم"})
OCCURRING = frozenset({"وقوع", "تسجيل", "حدوث", "حصول"})
ANY = frozenset({"any", "اي"})
# What ends a clause within a sentence: a comma, a semicolon, a colon, a bracket.
CLAUSE_MARKS = ",;:()"
SPACED_DASHES = (" - ", " – ", " — ")

_TOKEN = re.compile(r"\d+(?:[,.\u202f]\d{3})+(?!\d)|\w+")


class Token(NamedTuple):
    """A word or number of a segment's folded text (a tuple: many are made per article)."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Segment:
    index: int  # 0 = title, 1.. = body sentences
    cased: str
    folded: str
    hits: tuple[Hit, ...]

    by_category: dict[str, list[Hit]]

    def has(self, category: str) -> bool:
        return category in self.by_category

    def of(self, category: str) -> list[Hit]:
        return self.by_category.get(category, [])

    def clause_end(self, start: int, marks: str = CLAUSE_MARKS) -> int:
        """Where the clause going on at ``start`` ends: the next of ``marks``, else the end of
        the sentence."""
        ends = [i for i in (self.folded.find(mark, start) for mark in marks) if i >= 0]
        return min(ends, default=len(self.folded))

    def one_clause(self, start: int, end: int) -> bool:
        """No clause mark stands between ``start`` and ``end`` (a cheaper test than
        :meth:`clause_end` when both ends are known). A spaced dash, which folding blanks,
        also ends a clause ("gunmen kill two policemen - security sources")."""
        return all(self.folded.find(mark, start, end) < 0 for mark in CLAUSE_MARKS) and all(
            self.cased.find(dash, start, end) < 0 for dash in SPACED_DASHES
        )

    def word_end(self, offset: int, limit: int) -> int:
        """Where the word ``offset`` falls in ends, at most ``limit``: a stem's hit ends inside
        its word ("frappe" of "frappes", "bombard" of "bombardment")."""
        while offset < limit and self.folded[offset].isalnum():
            offset += 1
        return offset

    def negated(self, hit: Hit) -> bool:
        """A negation just before the hit ("no one", "n'a pas", "aucune attaque n'a", "لم")."""
        return any(_one_of(w, NEGATIONS) for w in self._words_before(hit)[-NEGATION_REACH_WORDS:])

    def denied(self, hit: Hit) -> bool:
        """The thing the hit names is said not to be there: a privative word right before it
        ("without clashes", "no attack", "دون مواجهات", "دون وقوع اشتباكات", "من دون أي خرق"),
        or "any" under a negation ("did not record any clash", "لم تسفر عن أي اشتباك"). Unlike
        :meth:`negated`, a negation further back denies nothing: "no group claimed the attack"
        tells one."""
        words = self._words_before(hit)
        if not words:
            return False
        if _one_of(words[-1], ANY):
            return any(
                _one_of(w, NEGATIONS) or _one_of(w, PRIVATIVES)
                for w in words[-NEGATION_REACH_WORDS:-1]
            )
        if _one_of(words[-1], OCCURRING):
            return len(words) > 1 and _one_of(words[-2], PRIVATIVES)
        return _one_of(words[-1], PRIVATIVES)

    def _words_before(self, hit: Hit) -> list[str]:
        """The words of the :data:`NEGATION_REACH_CHARS` before the hit, elisions split."""
        before = self.folded[max(0, hit.start - NEGATION_REACH_CHARS) : hit.start]
        return before.replace("'", " ").split()

    def keeping(self, keep: Callable[[Hit], bool]) -> Segment:
        """This segment with only the hits ``keep`` accepts."""
        return _segment(self.index, self.cased, self.folded, [h for h in self.hits if keep(h)])

    @cached_property
    def tokens(self) -> list[Token]:
        return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(self.folded)]


@dataclass(frozen=True, slots=True)
class Document:
    lang: str
    segments: tuple[Segment, ...]
    dateline: Dateline | None
    dateline_text: str | None  # as given by the feed, else as read from the body
    opening: int = 1  # the segment the story starts with after the byline

    @property
    def title(self) -> Segment:
        return self.segments[0]

    def lead(self, sentences: int = LEAD_SENTENCES) -> tuple[Segment, ...]:
        return self.segments[: 1 + sentences]

    def body(self) -> tuple[Segment, ...]:
        return self.segments[1:]

    def hits(self, category: str, segments: tuple[Segment, ...] | None = None) -> Iterator[Hit]:
        for segment in segments if segments is not None else self.segments:
            yield from segment.of(category)


def _head_of(text: str) -> str:
    """The first :data:`READ_CHARS` characters of a text, cut at a space."""
    if len(text) <= READ_CHARS:
        return text
    cut = text.rfind(" ", 0, READ_CHARS)
    return text[: cut if cut > 0 else READ_CHARS]


def _one_of(word: str, words: frozenset[str]) -> bool:
    """The word, or the word without an Arabic conjunction ("ودون"), is one of ``words``."""
    return word in words or _without_conjunction(word) in words


def _without_conjunction(word: str) -> str:
    """An Arabic word without its conjunction prefix ("ولم" -> "لم")."""
    return word[1:] if len(word) > 2 and word[0] in ARABIC_CONJUNCTION_PREFIXES else word


def _read_hits(cased: str, folded: str, hits: list[Hit]) -> list[Hit]:
    """A sentence's hits as the deciding modules read them: without the place names that name
    someone or something else, without a protest's tyre fires or a figure of speech's act words,
    with "after" an earlier event's background where it is one."""
    names = _without_quoted_names(cased, _without_surnames(hits))
    acts = _without_defences(folded, _without_figures(_without_protest_fires(names)))
    return _after_acts_as_background(folded, acts)


def _without_quoted_names(cased: str, hits: list[Hit]) -> list[Hit]:
    """A one-word place name between quotation marks is the name of something else: a film
    ('Mosul'), a restaurant ("Basra"), a ship; its place and anchor hits are dropped."""

    def quoted(hit: Hit) -> bool:
        word = cased[hit.start : hit.end]
        before, after = cased[: hit.start].rstrip()[-1:], cased[hit.end :].lstrip()[:1]
        return " " not in word.strip() and before in QUOTES and after in QUOTES

    return [hit for hit in hits if hit.tag.category not in PLACE_CATEGORIES or not quoted(hit)]


def _without_surnames(hits: list[Hit]) -> list[Hit]:
    """A place name right after a given name is a surname ("Hassan Ramadi", "Ali Basra"), not a
    place: its place and anchor hits are dropped."""
    given = {hit.end + 1 for hit in hits if hit.tag.category == GIVEN_NAME}
    if not given:
        return hits
    return [
        hit for hit in hits if hit.tag.category not in PLACE_CATEGORIES or hit.start not in given
    ]


def _without_protest_fires(hits: list[Hit]) -> list[Hit]:
    """Burning tyres is how protesters block a road ("أحرقوا الإطارات", "burned tyres", "brûlé
    des pneus"), not an arson attack: the act words of a fire whose object is tyres are
    dropped, so that the protest is told by whatever else its sentence says."""
    tyres = [hit for hit in hits if hit.tag.category == TYRES]
    if not tyres:
        return hits
    fires = [
        hit
        for hit in hits
        if hit.tag.category == "type"
        and hit.tag.value == VIOLENT_OTHER
        and any(0 <= tyre.start - hit.end <= TYRE_REACH_CHARS for tyre in tyres)
    ]
    return [
        hit
        for hit in hits
        if hit.tag.category not in FIRE_ACT_CATEGORIES
        or not any(fire.start <= hit.start < fire.end for fire in fires)
    ]


def _without_figures(hits: list[Hit]) -> list[Hit]:
    """The act words right before a figure's noun ("فجر الفريق مفاجأة": the team sprang a
    surprise) are dropped: they tell no act."""
    figures = [hit for hit in hits if hit.tag.category == FIGURE]
    if not figures:
        return hits
    return [
        hit
        for hit in hits
        if hit.tag.category not in FIGURE_ACT_CATEGORIES
        or not any(0 <= figure.start - hit.end <= FIGURE_REACH_CHARS for figure in figures)
    ]


def _without_defences(folded: str, hits: list[Hit]) -> list[Hit]:
    """The act words of a defence ("anti-explosion walls", "anti-drone systems") are dropped."""
    return [
        hit
        for hit in hits
        if hit.tag.category not in FIGURE_ACT_CATEGORIES
        or not folded.endswith(DEFENCE_PREFIX, 0, hit.start)
    ]


def _after_acts_as_background(folded: str, hits: list[Hit]) -> list[Hit]:
    """An "after" or "following" behind an act the sentence states opens a clause about an
    earlier event, as "a day after" does; behind a toll alone ("two killed after a rocket hit
    their house") it tells the cause of this one, and before a time word ("after midnight") it
    dates it."""
    if not any(hit.tag.category == AFTER_ACT for hit in hits):
        return hits
    kept = []
    for hit in hits:
        if hit.tag.category == AFTER_ACT:
            if _after_an_act(folded, hit, hits):
                kept.append(Hit(hit.start, hit.end, replace(hit.tag, category=BACKGROUND)))
            continue
        kept.append(hit)
    return kept


def _after_an_act(folded: str, after: Hit, hits: list[Hit]) -> bool:
    if any(
        other.tag.category in TIME_CATEGORIES
        and other.end > after.start
        and other.start - after.end <= TIME_REACH_CHARS
        for other in hits
    ):
        return False
    if folded[after.end : after.end + TIME_REACH_CHARS + 1].strip()[:1].isdigit():
        return False
    return any(
        other.tag.category in OWN_ACT_CATEGORIES and other.end <= after.start for other in hits
    )


def _segment(index: int, cased: str, folded: str, hits: list[Hit]) -> Segment:
    by_category: dict[str, list[Hit]] = {}
    for hit in hits:
        by_category.setdefault(hit.tag.category, []).append(hit)
    return Segment(index, cased, folded, tuple(hits), by_category)


def read_document(
    matcher: Matcher, title: str, text: str, lang: str, dateline: str | None = None
) -> Document:
    cased_title = clean(title)
    title_folded = fold(cased_title)
    title_hits = matcher.scan(title_folded, cased_title, lang)
    segments = [
        _segment(0, cased_title, title_folded, _read_hits(cased_title, title_folded, title_hits))
    ]

    body, head, opening_at = _story(_head_of(text))
    folded = fold(body)
    starts = sentence_starts(body)
    if opening_at not in starts:
        starts = sorted({*starts, opening_at})
    ends = starts[1:] + [len(body)]
    per_sentence: list[list[Hit]] = [[] for _ in starts]
    index, offset, next_start = 0, 0, ends[0]
    for start, end, tag in matcher.spans(folded, body, lang):  # sorted by start
        while start >= next_start:
            index += 1
            offset, next_start = starts[index], ends[index]
        per_sentence[index].append(Hit(start - offset, end - offset, tag))
    opening = 1
    for i, (start, end) in enumerate(zip(starts, ends, strict=True)):
        if body[start:end].strip():
            if start == opening_at:
                opening = len(segments)
            sentence = folded[start:end]
            hits = _read_hits(body[start:end], sentence, per_sentence[i])
            segments.append(_segment(len(segments), body[start:end], sentence, hits))
    if not cased_title.strip() and len(segments) > 1:
        # No headline: the first sentence is one, as it is in wire copy.
        segments = [replace(seg, index=i) for i, seg in enumerate(segments[1:])]
        opening -= 1
    dateline_text = dateline or (head.place if head else None)
    return Document(lang, tuple(segments), head, dateline_text, opening)


def _story(raw: str) -> tuple[str, Dateline | None, int]:
    """The cleaned body with its dateline cut out, the dateline, and where the story after the
    dateline begins in that body: at its head, or after a portal's lead or a paper's abstract
    (:func:`crawler.dateline.dateline_after_lead`), which stays as the first sentence."""
    body = clean(raw)
    head = split_dateline(body)
    if head is not None:
        return body[head.end :], head, 0
    after = dateline_after_lead(raw)
    if after is None:
        return body, None, 0
    lead, head, rest = after
    lead = clean(lead)
    return f"{lead} {clean(rest)}", head, len(lead) + 1
