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

from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

from crawler.extract.normalize import ARABIC_ARTICLE, clean, is_arabic, normalize
from crawler.types import LANGUAGES

STEM_MARK = "*"
ARABIC_ACCUSATIVE = "ا"
LITERAL_MARK = "="

# Clitics an Arabic word may carry before the term: conjunction, preposition, article.
_CONJUNCTIONS = ("", "و", "ف")
_PREPOSITIONS = ("", "ب", "ل", "ك")
ARABIC_PROCLITICS = frozenset(
    c + p + a for c in _CONJUNCTIONS for p in _PREPOSITIONS for a in ("", "ال")
) | frozenset(c + "لل" for c in _CONJUNCTIONS)
# Shortest Arabic term whose leading ال is the article rather than part of the word.
# (at least four letters must remain: "السبت" stays, "الصواريخ" becomes "صواريخ").
ARABIC_ARTICLE_STRIP_MIN_LEN = 6


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


def fold_term(term: str) -> tuple[str, bool]:
    """The folded key of a lexicon term and whether it is a stem."""
    stem = term.endswith(STEM_MARK)
    literal = term.startswith(LITERAL_MARK)
    key = normalize(term.rstrip(STEM_MARK).lstrip(LITERAL_MARK))
    if is_arabic(key) and not literal:
        key = " ".join(
            _strip_article(word) if i == 0 else word for i, word in enumerate(key.split(" "))
        )
    return key, stem


def capital_offsets(term: str) -> tuple[int, ...]:
    """Offsets of the capital letters of a (Latin) term, as matched in cleaned text."""
    text = clean(term.rstrip(STEM_MARK).lstrip(LITERAL_MARK))
    return tuple(i for i, ch in enumerate(text) if ch.isupper())


def _strip_article(word: str) -> str:
    if word.startswith(ARABIC_ARTICLE) and len(word) >= ARABIC_ARTICLE_STRIP_MIN_LEN:
        return word[len(ARABIC_ARTICLE) :]
    return word


# Words after which a guarded place name is read as a place ("in Hit", "la ville de Hit").
PLACE_CONTEXT_WORDS = frozenset(
    """in near of at to from outside around town city district neighbourhood neighborhood area
    province village west east north south northern southern eastern western central the
    a à a de d du pres dans vers ville quartier region localite province village secteur""".split()
)


class Matcher:
    """An automaton over many terms; :meth:`scan` returns accepted, overlap-free hits."""

    def __init__(self, terms: Iterable[tuple[str, Tag]]):
        entries: dict[str, _Entry] = {}
        for term, tag in terms:
            key, stem = fold_term(term)
            if not key.strip():
                continue
            capitals = capital_offsets(term) if tag.family == "term" else ()
            previous = entries.get(key)
            if previous is None:
                entries[key] = _Entry(stem, is_arabic(key), (tag,), capitals)
            elif tag not in previous.tags:
                # Two spellings of one key: the least demanding one decides.
                shared = tuple(sorted(set(previous.capitals) & set(capitals)))
                tags = previous.tags + (tag,)
                entries[key] = _Entry(previous.stem or stem, previous.arabic, tags, shared)
        self._automaton = ahocorasick.Automaton()
        for key, entry in entries.items():
            self._automaton.add_word(key, (len(key), entry, _tags_by_lang(entry.tags)))
        self.size = len(entries)
        if entries:
            self._automaton.make_automaton()

    def scan(self, folded: str, cased: str, lang: str | None = None) -> list[Hit]:
        """Hits in ``folded`` (the fold of ``cased``), keeping only terms of ``lang``."""
        if not self.size:
            return []
        accepted: list[tuple[int, int, tuple[Tag, ...]]] = []
        size = len(folded)
        for last, (length, entry, by_lang) in self._automaton.iter(folded):
            tags = by_lang.get(lang, ())
            if not tags:
                continue
            end = last + 1
            if not entry.stem and end < size and folded[end].isalnum():
                if not (entry.arabic and _accusative_ending(folded, end)):
                    continue
            start = end - length
            if start and folded[start - 1].isalnum() and not _after_proclitic(folded, start, entry):
                continue
            if entry.capitals and not all(cased[start + i].isupper() for i in entry.capitals):
                continue
            if any(t.guard for t in tags):
                guarded = _guard_ok(folded, cased, start, end)
                tags = tuple(t for t in tags if t.guard is None or guarded)
            if tags:
                accepted.append((start, end, tags))
        return _longest_per_category(accepted)


def _tags_by_lang(tags: tuple[Tag, ...]) -> dict[str | None, tuple[Tag, ...]]:
    """The tags that apply to a text of each language (None: any language)."""
    table: dict[str | None, tuple[Tag, ...]] = {None: tags}
    for lang in LANGUAGES:
        table[lang] = tuple(t for t in tags if t.lang is None or t.lang == lang)
    return table


def _accusative_ending(folded: str, end: int) -> bool:
    """An Arabic indefinite accusative alef ends the word ("مهندسا" for "مهندس")."""
    return folded[end] == ARABIC_ACCUSATIVE and (
        end + 1 == len(folded) or not folded[end + 1].isalnum()
    )


def _after_proclitic(folded: str, start: int, entry: _Entry) -> bool:
    """A match inside a word is accepted only after Arabic clitics ("وبالصواريخ")."""
    if not entry.arabic:
        return False
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


def _longest_per_category(found: list[tuple[int, int, tuple[Tag, ...]]]) -> list[Hit]:
    by_category: dict[str, list[tuple[int, int, Tag]]] = {}
    for start, end, tags in found:
        for tag in tags:
            by_category.setdefault(tag.category, []).append((start, -end, tag))
    hits: list[Hit] = []
    for spans in by_category.values():
        spans.sort(key=lambda s: (s[0], s[1]))
        taken_until = -1
        longest_start = longest_end = -1
        for start, negative_end, tag in spans:
            end = -negative_end
            if (start, end) == (longest_start, longest_end):
                hits.append(Hit(start, end, tag))  # another meaning of the same words
                continue
            if start < taken_until:
                continue
            # Longest at this start wins; a longer one starting inside this span is dropped.
            taken_until, longest_start, longest_end = end, start, end
            hits.append(Hit(start, end, tag))
    hits.sort(key=lambda h: h.start)
    return hits
