"""Fast term matching: one Aho-Corasick automaton over folded text, with word-boundary checks.

Terms come from the lexicon files and the gazetteer. Each is folded like the text
(:func:`crawler.extract.normalize.normalize`) and carries a :class:`Tag` (what it means). Syntax
of a term:

* ``rocket*`` — a stem: any word continuation matches ("rockets", "rocketed");
* Arabic terms match after the proclitics a word may carry (و ف ب ل ك and the article ال, e.g.
  "وبالصواريخ" for "صواريخ"), so they are written without the article; a leading ال in a term is
  dropped when it is loaded unless the term starts with ``=`` ("=الاثنين", Monday, must not
  become "اثنين", two);
* a vocabulary term written with capitals ("US", "IS group", "EI") only matches where the text
  has capitals at those letters, so the pronoun "us" is not the United States. Place names are
  not case-sensitive (see the "context" guard in the gazetteer instead).

Why an automaton: a scan is linear in the text whatever the number of terms (thousands with the
gazetteer), where a regex alternation backtracks through every alternative at every position.
Overlaps are resolved within a category (places, attack types, casualty words ...): the longest
match wins, so "US embassy in Baghdad" does not also yield "Baghdad", while "ont été tuées" is
both an event verb and a casualty word.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter

import ahocorasick

from crawler.extract.normalize import ARABIC_ARTICLE, clean, is_arabic, normalize

STEM_MARK = "*"
# French guillemets with their inner space ("une « vague » d'assassinats"), which set off a
# quoted word inside a phrase. (Closed guillemets, "«داعش»", and straight quotes mark names
# and quotations, whose ends a phrase does not cross.)
_GUILLEMETS = re.compile(r"«\s+|\s+»")
PLACE_FAMILY = "place"  # Tag.family of gazetteer names (the rest are lexicon terms)
ARABIC_ACCUSATIVE = "ا"
# Endings an Arabic word may take after a term: the accusative alef and the possessive pronouns
# (not "ه" alone: folded, it is also the ta marbuta that turns "محافظ", governor, into
# "محافظة", governorate).
ARABIC_ENDINGS = frozenset({ARABIC_ACCUSATIVE, "ها", "هم", "هما", "هن"})
ARABIC_LAM_ARTICLE = "لل"  # "ل" + "ال": the preposition absorbs the article's alef
LITERAL_MARK = "="
# A French term may end with an elided article ("sur fond d'", "au nord d'"): the next word
# follows it without a space, and is no part of a longer word.
ELISION = "'"

# Acronyms that English copy also writes with dots ("U.S. strikes", "U.N. envoy"): a term written
# with one matches both spellings. Not an actor's name: "U.S. military personnel were in the
# convoy" names victims, and a state named in a report is taken for the striker.
_DOTTABLE_ACRONYM = re.compile(r"\b(US|UK|UN)\b")
_UNDOTTED_CATEGORIES = frozenset({"actor"})

# Clitics an Arabic word may carry before the term: conjunction, preposition, article.
_CONJUNCTIONS = ("", "و", "ف")
_PREPOSITIONS = ("", "ب", "ل", "ك")
ARABIC_PROCLITICS = frozenset(
    c + p + a for c in _CONJUNCTIONS for p in _PREPOSITIONS for a in ("", "ال")
) | frozenset(c + "لل" for c in _CONJUNCTIONS)
# Shortest Arabic term whose leading ال is the article rather than part of the word.
# (at least four letters must remain: "السبت" stays, "الصواريخ" becomes "صواريخ").
ARABIC_ARTICLE_STRIP_MIN_LEN = 6
# A place name keeps its article unless six letters remain: without it, a short name is a
# common word, or part of one after a clitic ("الرقة", Raqqa; "رقة" in "فرقة", a squad).
ARABIC_PLACE_ARTICLE_STRIP_MIN_LEN = 8


@dataclass(frozen=True, slots=True)
class Tag:
    """What a term means: ``family`` ("place" or "term"), ``category`` and ``value``."""

    family: str
    category: str
    value: str
    lang: str | None = None  # None: any language
    guard: str | None = None  # "context": needs a capital and a place word before it


@dataclass(frozen=True, slots=True)
class Hit:
    start: int
    end: int
    tag: Tag


@dataclass(frozen=True, slots=True)
class _Entry:
    stem: bool
    arabic: bool
    tags: tuple[Tag, ...]
    capitals: tuple[int, ...]  # offsets that must be capital letters in the text


# A span accepted by the scan: (start, end, tag), offsets in the scanned text.
Span = tuple[int, int, Tag]


def fold_term(term: str, place: bool = False) -> tuple[str, bool]:
    """The folded key of a lexicon term (or, ``place``, of a place name) and whether it is a
    stem."""
    stem = term.endswith(STEM_MARK)
    literal = term.startswith(LITERAL_MARK)
    key = normalize(term.rstrip(STEM_MARK).lstrip(LITERAL_MARK))
    if is_arabic(key) and not literal:
        shortest = ARABIC_PLACE_ARTICLE_STRIP_MIN_LEN if place else ARABIC_ARTICLE_STRIP_MIN_LEN
        key = " ".join(
            _strip_article(word, shortest) if i == 0 else word
            for i, word in enumerate(key.split(" "))
        )
    return key, stem


def capital_offsets(term: str) -> tuple[int, ...]:
    """Offsets of the capital letters of a (Latin) term, as matched in cleaned text."""
    text = clean(term.rstrip(STEM_MARK).lstrip(LITERAL_MARK))
    return tuple(i for i, ch in enumerate(text) if ch.isupper())


def arabic_variants(key: str) -> tuple[str, ...]:
    """The folded key and the forms Arabic grammar gives it in running text.

    * A definite phrase puts the article on every word: "عبوة ناسفة" is also written
      "(ال)عبوة الناسفة" (the first word's article is a proclitic, accepted anyway).
    * After the preposition "ل" the article's alef drops: "الحشد" is written "للحشد".
    """
    if not is_arabic(key):
        return (key,)
    variants = [key]
    words = key.split(" ")
    if len(words) > 1:
        definite = [words[0]] + [
            w if w.startswith(ARABIC_ARTICLE) else ARABIC_ARTICLE + w for w in words[1:]
        ]
        variants.append(" ".join(definite))
    for variant in list(variants):
        if variant.startswith(ARABIC_ARTICLE):
            variants.append(ARABIC_LAM_ARTICLE + variant[len(ARABIC_ARTICLE) :])
    return tuple(dict.fromkeys(variants))


def _strip_article(word: str, shortest: int) -> str:
    if word.startswith(ARABIC_ARTICLE) and len(word) >= shortest:
        return word[len(ARABIC_ARTICLE) :]
    return word


# Words after which a guarded place name is read as a place ("in Hit", "la ville de Hit").
PLACE_CONTEXT_WORDS = frozenset(
    """in near of at to from outside around town city district neighbourhood neighborhood area
    province village west east north south northern southern eastern western central the
    a à a de d du pres dans vers ville quartier region localite province village secteur""".split()
)


class Matcher:
    """An automaton over many terms; :meth:`scan` returns accepted, overlap-free hits.

    One automaton per language of the text: it holds only the terms that apply to that
    language, so the scan never visits (and rejects) another language's words. Those of
    ``languages`` are built at once (an extractor then never builds one mid-article), any
    other on first use.
    """

    def __init__(self, terms: Iterable[tuple[str, Tag]], languages: Iterable[str | None] = ()):
        entries: dict[str, _Entry] = {}
        for term, tag in _with_dotted_acronyms(terms):
            key, stem = fold_term(term, place=tag.family == PLACE_FAMILY)
            if not key.strip():
                continue
            capitals = capital_offsets(term) if tag.family == "term" else ()
            literal = term.startswith(LITERAL_MARK)
            for variant in arabic_variants(key) if not literal else (key,):
                previous = entries.get(variant)
                if previous is None:
                    entries[variant] = _Entry(stem, is_arabic(variant), (tag,), capitals)
                elif tag not in previous.tags:
                    # Two spellings of one key: the least demanding one decides.
                    shared = tuple(sorted(set(previous.capitals) & set(capitals)))
                    tags = previous.tags + (tag,)
                    entries[variant] = _Entry(previous.stem or stem, previous.arabic, tags, shared)
        self._entries = entries
        self._automata: dict[str | None, ahocorasick.Automaton | None] = {}
        self.size = len(entries)
        for lang in languages:
            self._automaton(lang)

    def _automaton(self, lang: str | None) -> ahocorasick.Automaton | None:
        if lang not in self._automata:
            automaton = ahocorasick.Automaton()
            for key, entry in self._entries.items():
                tags = tuple(t for t in entry.tags if lang is None or t.lang in (None, lang))
                if tags:
                    guarded = any(t.guard for t in tags)
                    value = (len(key), entry.stem, entry.arabic, entry.capitals, guarded, tags)
                    automaton.add_word(key, value)
            self._automata[lang] = automaton if len(automaton) else None
            if len(automaton):
                automaton.make_automaton()
        return self._automata[lang]

    def scan(self, folded: str, cased: str, lang: str | None = None) -> list[Hit]:
        """Hits in ``folded`` (the fold of ``cased``), keeping only terms of ``lang``."""
        return [Hit(start, end, tag) for start, end, tag in self.spans(folded, cased, lang)]

    def spans(self, folded: str, cased: str, lang: str | None = None) -> list[Span]:
        """:meth:`scan` as plain tuples, sorted by start (for callers that re-base offsets).
        French guillemets do not break a phrase ("une « vague » d'assassinats"): the text is
        matched without them, and the hits are placed back in it."""
        automaton = self._automaton(lang)
        if automaton is None:
            return []
        if _GUILLEMETS.search(cased) is None:
            return self._spans(automaton, folded, cased)
        pieces = _pieces_between_guillemets(cased)
        spans = self._spans(
            automaton,
            "".join(folded[a:b] for a, b in pieces),
            "".join(cased[a:b] for a, b in pieces),
        )
        starts, offsets, total = [], [], 0
        for a, b in pieces:
            starts.append(total)
            offsets.append(a - total)
            total += b - a
        return [
            (
                start + offsets[bisect_right(starts, start) - 1],
                end + offsets[bisect_right(starts, end - 1) - 1],
                tag,
            )
            for start, end, tag in spans
        ]

    def _spans(self, automaton: ahocorasick.Automaton, folded: str, cased: str) -> list[Span]:
        accepted: list[tuple[int, int, tuple[Tag, ...]]] = []
        size = len(folded)
        for last, (length, stem, arabic, capitals, guarded, tags) in automaton.iter(folded):
            end = last + 1
            if not stem and end < size and folded[end].isalnum() and folded[last] != ELISION:
                if not (arabic and _arabic_ending(folded, end)):
                    continue
            start = end - length
            if start and folded[start - 1].isalnum():
                if not (arabic and _after_proclitic(folded, start)):
                    continue
            if capitals and not all(cased[start + i].isupper() for i in capitals):
                continue
            if guarded and not _guard_ok(folded, cased, start, end):
                tags = tuple(t for t in tags if t.guard is None)
                if not tags:
                    continue
            accepted.append((start, -end, tags))
        return _longest_per_category(accepted)


def _pieces_between_guillemets(cased: str) -> list[tuple[int, int]]:
    """The (start, end) pieces of the text without its guillemets and their inner spaces
    ("une « vague » d'" reads "une vague d'"). Read on the cased text: folding makes straight
    quotes of guillemets."""
    pieces, at = [], 0
    for match in _GUILLEMETS.finditer(cased):
        pieces.append((at, match.start()))
        at = match.end()
    pieces.append((at, len(cased)))
    return [(a, b) for a, b in pieces if b > a]


def _with_dotted_acronyms(terms: Iterable[tuple[str, Tag]]) -> Iterable[tuple[str, Tag]]:
    """Every term, and a lexicon term written with "US", "UK" or "UN" also as "U.S." ..."""
    for term, tag in terms:
        yield term, tag
        dottable = tag.family != PLACE_FAMILY and tag.category not in _UNDOTTED_CATEGORIES
        if dottable and _DOTTABLE_ACRONYM.search(term):
            yield _DOTTABLE_ACRONYM.sub(lambda m: ".".join(m.group()) + ".", term), tag


def _arabic_ending(folded: str, end: int) -> bool:
    """The rest of the Arabic word is an ending the term may take: the indefinite accusative
    alef ("مهندسا" for "مهندس") or a possessive pronoun ("غاراتها", its raids)."""
    word_end = end
    while word_end < len(folded) and folded[word_end].isalnum():
        word_end += 1
    return folded[end:word_end] in ARABIC_ENDINGS


def _after_proclitic(folded: str, start: int) -> bool:
    """A match inside an Arabic word is accepted only after clitics ("وبالصواريخ")."""
    word_start = start - 1
    while word_start > 0 and folded[word_start - 1].isalnum():
        word_start -= 1
    return folded[word_start:start] in ARABIC_PROCLITICS


def _guard_ok(folded: str, cased: str, start: int, end: int) -> bool:
    """A guarded name (Hit, Dora, Mansour) counts as written "Hit", after a place word."""
    if is_arabic(folded[start:end]):
        return True
    word = cased[start:end]
    if not word[:1].isupper() or (len(word) > 2 and word.isupper()):
        return False
    before = folded[max(0, start - 30) : start].replace("'", " ").split()
    return bool(before) and before[-1] in PLACE_CONTEXT_WORDS


_SPAN_ORDER = itemgetter(0, 1)  # (start, -end): never equal for two entries, tags not compared


def _longest_per_category(found: list[tuple[int, int, tuple[Tag, ...]]]) -> list[Span]:
    """Overlap resolution within each category, in one pass over spans sorted by start.

    ``found`` holds ``(start, -end, tags)``: sorted, the longest span at each start comes
    first and wins; a span starting inside a taken one of its category is dropped; another
    meaning of the very same words is kept.
    """
    found.sort(key=_SPAN_ORDER)
    taken: dict[str, tuple[int, int]] = {}  # category -> (start, end) of its last kept span
    spans: list[Span] = []
    for start, negative_end, tags in found:
        end = -negative_end
        for tag in tags:
            last = taken.get(tag.category)
            if last is not None and start < last[1] and last != (start, end):
                continue
            taken[tag.category] = (start, end)
            spans.append((start, end, tag))
    return spans
