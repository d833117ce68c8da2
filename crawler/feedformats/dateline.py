"""Wire-story datelines: the place word(s) that open a dispatch.

Agencies start a story with where it was filed: ``BAGDAD, 16 fév 2020 (AFP) -``,
``Baghdad (AFP) -``, ``بغداد (أ ف ب) -``, ``MOSUL, Iraq, Feb 16 (Reuters) -``, or in newspapers
``BAGHDAD — Rockets struck ...``. :func:`parse_dateline` returns the place as written ("BAGDAD",
"Baghdad", "بغداد", "MOSUL") so the extractor can weigh it; it does not look the place up.

Two shapes are recognised at the very start of the text:

1. one to four words, optionally a country in parentheses, optionally a comma and up to 40
   characters of country or date, then an agency in parentheses, then a dash or colon;
2. one to four words in capitals, optionally a comma and a short qualifier, then an en or em dash.

:func:`dateline_place` reads a dateline that a format states in a field of its own (NewsML
``dateline``, ``DateLine``): one of the shapes above, else a bare place ("Bagdad", "Mossoul,
Irak") taken up to its first comma when that is short enough to be a place name and holds no
digit (agencies also put a bare date there).

What this module leaves to others: matching the place to the gazetteer (crawler.extract).
"""

from __future__ import annotations

import re

_AGENCY = r"(?:AFP|Reuters|AP|dpa|DPA|ANSA|Xinhua|Anadolu|UPI|EFE|KUNA|INA|[A-Z]{2,6}|أ\s?ف\s?ب|أ\.ف\.ب|رويترز|د\s?ب\s?أ|واع)"
_WORD = r"[^\W\d_][^\W\d_'’.-]*"
_PLACE = rf"(?P<place>{_WORD}(?:[ '’.-]+{_WORD}){{0,3}})"
_DASH = r"[-–—:]"
# A dateline field without an agency mark ("Bagdad", "Mossoul, Irak") is taken up to its first
# comma when that is short enough to be a place name rather than a sentence.
BARE_DATELINE_MAX_CHARS = 40

_COUNTRY = r"(?:\s*\([^()\n]{1,30}\))?"  # "DIWANIYA (Irak), 15 fév 2020 (AFP) -"
_AGENCY_DATELINE = re.compile(
    rf"^\s*{_PLACE}{_COUNTRY}\s*(?:,[^()\n]{{0,40}})?\(\s*{_AGENCY}\s*\)\s*{_DASH}"
)
_AGENCY_MARK = re.compile(rf"\s*\(\s*{_AGENCY}\s*\)\s*$")  # "نيويورك (أ ف ب)"
_CAPITALS_DATELINE = re.compile(
    r"^\s*(?P<place>[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’.-]+(?: [A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’.-]+){0,3})"
    r"(?:,[^—–\n]{0,30})?\s+[—–]\s"
)


def parse_dateline(text: str | None) -> str | None:
    """The place word(s) of the dateline opening ``text``, or None when it has none."""
    if not text:
        return None
    head = text[:160]
    # Each shape needs a character most openings lack (the agency's parenthesis, the dash):
    # looking for them first spares most texts two backtracking matches.
    if "(" not in head and "—" not in head and "–" not in head:
        return None
    match = _AGENCY_DATELINE.match(head) or _CAPITALS_DATELINE.match(head)
    return match.group("place").strip(" '’.-") if match else None


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
