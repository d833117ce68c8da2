"""Wire-story datelines: where a dispatch says it was filed, and where its story begins.

Agencies open a story with the place it was filed from: ``BAGDAD, 16 fév 2020 (AFP) -``,
``Baghdad (AFP) -``, ``بغداد (أ ف ب) -``, ``MOSUL, Iraq, Feb 16 (Reuters) -``, ``ERBIL (Irak),
13 mars 2022 (AFP) -`` (AFP's French copy names the country after a city it thinks little
known), ``BASRA/BAGHDAD (Reuters) -`` (filed from two cities: the first is the place),
``بغداد 26 فبراير 2018 (شينخوا)`` (Xinhua's Arabic copy: a date, no comma, no dash);
newspapers write ``BAGHDAD — Rockets struck ...`` or ``BAGHDAD: Rockets struck ...``; Arabic
papers open with where or who, then a dash, a slash or a colon: ``بغداد - ...``,
``الرياض/ ...``, ``عين اليوم – بغداد ...`` (an outlet, then the city), ``محمد علي – ...`` (a
reporter), ``بغداد: حمزة الساعدي`` (a city, then the paper's correspondent).

:func:`split_dateline` finds one of these at the very start of a text, maybe after the reporter's
byline ("Par Ali CHOUKRI - BAGDAD (AFP) -"): the place as written, the date text when there is
one, and where the story begins. A portal that republishes agency copy puts its own lead first
and the dispatch after it, dateline and all: :func:`dateline_after_lead` finds an agency's
dateline at the head of the second paragraph. Feeds store the place with their items
(``crawler.feedformats.normalise``) and the extractor reads the story from where it begins
(``crawler.extract.document``): one reader, so that a story polled from a feed and the same
story given to ``wirewatch analyze`` are read alike. :func:`dateline_place` reads a dateline that
a format states in a field of its own (NewsML ``dateline``, ``DateLine``): one of the shapes
above, else a bare place ("Bagdad", "Mossoul, Irak") up to its first comma, when that is short
enough to be a place name and holds no digit (agencies also put a bare date there).

What this module leaves to others: whether the words are a place at all — an Arabic byline's
may be an outlet or a reporter — is for the gazetteer to say (``crawler.extract.place``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Dateline:
    """``BAGDAD, 16 fév 2020 (AFP) -`` → place "BAGDAD", date text "16 fév 2020", and the offset
    in the text where the story begins."""

    place: str
    date_text: str | None
    end: int


_AGENCY = (
    r"(?:Reuters|dpa|Xinhua|Anadolu|Rudaw|Kurdistan24|[A-Z]{2,6}|"
    r"[أا]\s?ف\s?ب|أ\.ف\.ب|رويترز|د\s?ب\s?[أا]|الأناضول|واع|شينخوا|كونا)"
)
_WORD = r"[^\W\d_][^\W\d_'’.-]*"
_NAME = rf"{_WORD}(?:[ '’.-]+{_WORD}){{0,3}}"
# The first of the cities a story was filed from ("BASRA/BAGHDAD (Reuters) -").
_PLACE = rf"(?P<place>{_NAME})(?:\s*/\s*{_NAME}){{0,2}}"
_COUNTRY = r"(?:\s*\([^()\n]{1,30}\))?"  # "ERBIL (Irak), ..."
_AGENCY_DATELINE = re.compile(
    rf"^\s*{_PLACE}{_COUNTRY}\s*(?:,\s*(?P<date>[^()\n]{{0,40}}?)\s*)?"
    rf"\(\s*{_AGENCY}\s*\)\s*[-–—:]+\s*"
)
# A date (a day, its month, maybe the year) between the place and the agency may stand without
# a comma, and the story may follow the agency without a dash ("بغداد 26 فبراير 2018 (شينخوا)
# قتل ..."): the date makes it a dateline.
_DATED_AGENCY_DATELINE = re.compile(
    rf"^\s*{_PLACE}{_COUNTRY}\s*,?\s*(?P<date>\d{{1,2}}\s+{_WORD}\.?(?:\s+\d{{4}})?)\s*"
    rf"\(\s*{_AGENCY}\s*\)\s*[-–—:]*\s*"
)
_AGENCY_SHAPES = (_AGENCY_DATELINE, _DATED_AGENCY_DATELINE)
# "BAGHDAD — ", "BAGHDAD: " (Arab News) without an agency: only words in capitals count (three
# letters at least: "US - Iran talks" is a headline), or we would take real sentences for
# datelines.
_CAPITAL_WORD = r"[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’.-]"
_CAPITALS_DATELINE = re.compile(
    rf"^\s*(?P<place>{_CAPITAL_WORD}{{2,}}(?: {_CAPITAL_WORD}+){{0,3}})"
    r"(?:,\s*(?P<date>[^—–\n-]{1,30}?))?\s*(?:[—–-]{1,2}|:)\s+"
)
# One to three words of Arabic letters, then a dash, a slash or a colon ("بغداد: حمزة الساعدي"
# opens a paper's own correspondent's story).
_ARABIC_BYLINE = re.compile(
    r"^\s*(?P<place>[\u0621-\u064a]+(?: [\u0621-\u064a]+){0,2})\s*[-\u2013\u2014/:]\s*"
)
_SHAPES = (*_AGENCY_SHAPES, _CAPITALS_DATELINE, _ARABIC_BYLINE)
# The reporter's byline before an agency dateline: "Par Ali CHOUKRI - BAGDAD (AFP) -", "By Jane
# DOE - BAGHDAD (AFP) -" (a name has no " - " inside: "Jean-Marc" is one word).
_BYLINE = re.compile(r"^\s*(?:Par|By)\s+[^\W\d_][^\n]{1,80}?\s[-\u2013\u2014]\s+")
_PARAGRAPH_BREAK = re.compile(r"\n\s*")
# A one-sentence summary the paper puts before the story (and its byline).
ABSTRACT_CHARS = 400
_INNER_SENTENCE_END = re.compile(r"[.!?؟]\s+\S")
# Every shape needs one of these characters in the text's head: most openings lack them all,
# and looking for them first spares those the backtracking matches.
_MARKS = frozenset("(-–—/:")
HEAD_CHARS = 160
_AGENCY_MARK = re.compile(rf"\s*\(\s*{_AGENCY}\s*\)\s*$")  # "نيويورك (أ ف ب)"
# A dateline field without an agency mark is taken up to its first comma when that is short
# enough to be a place name rather than a sentence.
BARE_DATELINE_MAX_CHARS = 40


def split_dateline(text: str | None) -> Dateline | None:
    """The dateline opening ``text`` (an agency's may follow the reporter's byline), or None
    when it has none."""
    if not text:
        return None
    head = text[:HEAD_CHARS]
    if _MARKS.isdisjoint(head):
        return None
    dispatch = _without_byline(text)
    if dispatch is not text:
        found = _shape_at(dispatch[:HEAD_CHARS], _AGENCY_SHAPES)
        if found:  # the story begins after the byline and the dateline
            return Dateline(found.place, found.date_text, len(text) - len(dispatch) + found.end)
    return _shape_at(head, _SHAPES)


def dateline_after_lead(text: str | None) -> tuple[str, Dateline, str] | None:
    """A portal's own lead or a paper's abstract, the dateline that opens the dispatch after it
    (maybe after the reporter's byline), and the dispatch: "Le bilan s'alourdit.\n\nPar Ali
    CHOUKRI - BAGDAD (AFP) - Le kamikaze ...", "summary.\n\nالسومرية نيوز/ ديالى\nأفاد ...".
    After an abstract (one sentence of at most :data:`ABSTRACT_CHARS`) any shape counts; after
    a longer lead only an agency's dateline does, since a word in capitals or an Arabic word and
    a dash may open any paragraph. None when the second paragraph opens with none."""
    if not text:
        return None
    parts = _PARAGRAPH_BREAK.split(text.strip(), maxsplit=1)
    if len(parts) < 2:
        return None
    lead, rest = parts
    dispatch = _without_byline(rest)
    shapes = _SHAPES if _is_abstract(lead) else _AGENCY_SHAPES
    found = _shape_at(dispatch[:HEAD_CHARS], shapes)
    if found is None:
        return None
    return lead, found, dispatch[found.end :]


def _is_abstract(lead: str) -> bool:
    return len(lead) <= ABSTRACT_CHARS and not _INNER_SENTENCE_END.search(lead.strip())


def _without_byline(text: str) -> str:
    """The text after the reporter's byline that opens it, if one does."""
    byline = _BYLINE.match(text[:HEAD_CHARS])
    return text[byline.end() :] if byline else text


def _shape_at(head: str, shapes: tuple[re.Pattern[str], ...]) -> Dateline | None:
    for shape in shapes:
        match = shape.match(head)
        if match:
            place = match.group("place").strip(" '’.-")
            date_text = match.groupdict().get("date")
            return Dateline(place, date_text.strip() if date_text else None, match.end())
    return None


def parse_dateline(text: str | None) -> str | None:
    """The place of the dateline opening ``text`` (or its dispatch, after a portal's own lead),
    as written, or None."""
    found = split_dateline(text)
    if found is None:
        after = dateline_after_lead(text)
        found = after[1] if after else None
    return found.place if found else None


def dateline_place(field: str | None) -> str | None:
    """The place of a dateline stated in a field of its own (module docstring), or None."""
    if not field:
        return None
    place = parse_dateline(field)
    if place:
        return place
    head = _AGENCY_MARK.sub("", field.split(",", 1)[0]).strip(" -–—")
    if not head or len(head) > BARE_DATELINE_MAX_CHARS or any(c.isdigit() for c in head):
        return None  # a sentence, or a date ("4/4/2018", "January 21")
    return head
