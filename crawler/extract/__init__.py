"""Incident extraction: one article in French, English or Arabic -> one :class:`Extraction`.

Public API::

    from crawler.extract import Extractor, extract
    ex = Extractor(extra_places=(), extra_terms=None, max_age_h=72.0, facts_from=0.2)
    result = ex.extract(title, text, published, lang=None, dateline=None)
    ex.gazetteer.lookup("Aïn al-Assad")   # -> Place | None, any language or spelling
    ex.gazetteer.get("site:ain-al-asad")

Pure: no network, no database, no Scrapy; the data files beside the code (``data/``) are read
once when an :class:`Extractor` is built, and one Aho-Corasick automaton per language, over the
gazetteer and that language's lexicon, does all the matching of an article in one pass.

User additions (config.yaml ``extract:`` section), merged into the data files:

* ``extra_places``: gazetteer entries, e.g. ``{"id": "site:camp-x", "name": "Camp X",
  "kind": "site", "governorate": "Anbar", "city": "Ramadi", "lat": 33.4, "lon": 43.3,
  "en": ["Camp X"], "fr": ["camp X"], "ar": ["معسكر اكس"], "target": "us_military"}``
  (an entry with a known id replaces it; ``guard: context`` for names that are also words);
* ``extra_terms``: per language, sections of the lexicon files, e.g.
  ``{"en": {"attack_types": {"drone": ["loitering munition*"]}, "negative": {"other": ["drill"]}}}``
  (lists are extended, mappings merged).

What the extractor leaves to others: merging reports into incidents and counting attacks
(``crawler.incidents``), storage, alerting.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from crawler.extract.attribution import attribution, striker
from crawler.extract.classify import Verdict, attack_type, is_us_interest, judge, target
from crawler.extract.document import Document, read_document
from crawler.extract.gazetteer import Gazetteer
from crawler.extract.lexicon import Matcher
from crawler.extract.numbers import casualties
from crawler.extract.place import Whereabouts, locate, names_elsewhere
from crawler.extract.relevance import Weights
from crawler.extract.tally import reported_tally, series_count
from crawler.extract.timeparse import EventTime, event_time
from crawler.extract.vocabulary import load_places, load_vocabularies
from crawler.lang import detect_language
from crawler.types import AIRSTRIKE, BAGHDAD, LANGUAGES, SETTLED_REASONS, Extraction, ReportedTally

__all__ = ["Extractor", "Reading", "extract"]

log = logging.getLogger(__name__)

DEFAULT_MAX_AGE_H = 72.0
# The score from which a story that is no report still gets its facts read (place, time, kind
# ...): it may join an incident (config.yaml extraction.join_min_score).
DEFAULT_FACTS_FROM = 0.2
FALLBACK_LANG = "en"


class _Facts:
    """What is read from a document only when asked for, once: its event time and the tally
    it states (most articles are settled before either matters)."""

    def __init__(self, document: Document, published: datetime, max_age_h: float, numbers):
        self._document, self._published, self._max_age_h = document, published, max_age_h
        self._numbers = numbers
        self._when: EventTime | None = None
        self._tally: list[ReportedTally | None] = []

    def when(self) -> EventTime:
        if self._when is None:
            self._when = event_time(self._document, self._published)
        return self._when

    def stale(self) -> bool:
        return _is_stale(self.when(), self._published, self._max_age_h)

    def tally(self) -> ReportedTally | None:
        if not self._tally:
            self._tally.append(reported_tally(self._document, self._numbers, self._published))
        return self._tally[0]


@dataclass(frozen=True, slots=True)
class Reading:
    """One article as the extractor read it (see :meth:`Extractor.read`)."""

    lang: str
    published: datetime
    document: Document
    where: Whereabouts
    verdict: Verdict
    facts: _Facts

    @property
    def when(self) -> EventTime:
        """The event time (read from the document on first use)."""
        return self.facts.when()


class Extractor:
    """Loads the data files once; :meth:`extract` is then pure and thread-safe."""

    def __init__(
        self,
        extra_places: Iterable[Mapping[str, Any]] = (),
        extra_terms: Mapping[str, Any] | None = None,
        max_age_h: float = DEFAULT_MAX_AGE_H,
        facts_from: float = DEFAULT_FACTS_FROM,
    ):
        self.max_age_h = max_age_h
        self.facts_from = facts_from
        self.gazetteer = Gazetteer(load_places(extra_places))
        self.vocabularies = load_vocabularies(extra_terms)
        self.weights = Weights.load()
        self._locatives = {lang: v.locatives for lang, v in self.vocabularies.items()}
        terms = self.gazetteer.terms()
        for vocabulary in self.vocabularies.values():
            terms += vocabulary.terms()
        self._matcher = Matcher(terms, LANGUAGES)
        log.info("extractor ready places=%d terms=%d", len(self.gazetteer), self._matcher.size)

    def read(
        self,
        title: str,
        text: str,
        published: datetime,
        lang: str | None = None,
        dateline: str | None = None,
    ) -> Reading:
        """The article read and judged: its document, place, time and verdict (with the signals
        that were weighed). :meth:`extract` turns this into an Extraction; training and
        diagnostics use it as it is."""
        if published.tzinfo is None:
            published = published.replace(tzinfo=UTC)
        lang = lang if lang in LANGUAGES else detect_language(f"{title}\n{text}") or FALLBACK_LANG
        document = read_document(self._matcher, title, text, lang, dateline)
        where = locate(document, self.gazetteer, self._locatives[lang])
        numbers = self.vocabularies[lang].numbers
        facts = _Facts(document, published, self.max_age_h, numbers)
        verdict = judge(document, where, facts, numbers, self.weights, published)
        return Reading(lang, published, document, where, verdict, facts)

    def extract(
        self,
        title: str,
        text: str,
        published: datetime,
        lang: str | None = None,
        dateline: str | None = None,
    ) -> Extraction:
        reading = self.read(title, text, published, lang, dateline)
        lang, published, document = reading.lang, reading.published, reading.document
        where, when, verdict = reading.where, reading.when, reading.verdict
        vocabulary = self.vocabularies[lang]
        if not verdict.relevant and (
            verdict.reason in SETTLED_REASONS or verdict.score < self.facts_from
        ):
            return Extraction(
                relevant=False,
                score=verdict.score,
                lang=lang,
                evidence=verdict.evidence,
                reason=verdict.reason,
                place=where.place,
                # a round-up's count of the series still tells the counters something
                reported_tally=series_count(document, vocabulary.numbers, published),
            )
        kind = attack_type(document) or "other"
        day = (when.when or published).date()
        site_target = self.gazetteer.site_target(where.place.id, day) if where.place else None
        hit = target(document, kind, site_target)
        killed, wounded = casualties(
            document,
            vocabulary.numbers,
            partial(names_elsewhere, scene=where.place, gazetteer=self.gazetteer),
            published.date(),
        )
        claimed_by, blamed_on = attribution(document)
        if kind == AIRSTRIKE and claimed_by is None:
            claimed_by = striker(document)
        return Extraction(
            relevant=verdict.relevant,
            score=verdict.score,
            lang=lang,
            evidence=verdict.evidence,
            reason=verdict.reason,
            event_time=when.when,
            time_precision=when.precision,
            place=where.place,
            attack_type=kind,
            target=hit,
            us_interest=is_us_interest(hit),
            killed=killed,
            wounded=wounded,
            claimed_by=claimed_by,
            blamed_on=blamed_on,
            reported_tally=reading.facts.tally(),
        )


def _is_stale(when: EventTime, published: datetime, max_age_h: float) -> bool:
    """The text dates the event more than ``max_age_h`` before publication. A day counts to
    its last minute (Baghdad time): "Saturday" in a Tuesday-morning story is 3 days old."""
    if not when.explicit_day:
        return False
    latest = when.when
    if when.precision == "day":
        local_day = when.when.astimezone(BAGHDAD).date()
        latest = datetime.combine(local_day + timedelta(days=1), datetime.min.time(), BAGHDAD)
    return latest < published - timedelta(hours=max_age_h)


_default: Extractor | None = None


def extract(
    title: str, text: str, published: datetime, lang: str | None = None, dateline: str | None = None
) -> Extraction:
    """:meth:`Extractor.extract` with a shared default extractor, built on first use."""
    global _default
    if _default is None:
        _default = Extractor()
    return _default.extract(title, text, published, lang=lang, dateline=dateline)
