"""The gazetteer: places of Iraq (and the foreign places that rule an incident out) by alias.

Loads ``data/gazetteer.yaml`` plus the user's extra places (same shape, see that file's header),
turns each entry into a :class:`crawler.types.Place`, and offers alias lookup in any language.
Choosing which of the places an article names is the incident's location is left to
:mod:`crawler.extract.place`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from crawler.errors import ConfigError
from crawler.extract.lexicon import ARABIC_PROCLITICS, LITERAL_MARK, Matcher, Tag, fold_term
from crawler.extract.normalize import ARABIC_ARTICLE, clean, fold, is_arabic
from crawler.types import GAZETTEER_KINDS, PLACE_SPECIFICITY, Place

log = logging.getLogger(__name__)

ALIAS_LANGS = ("en", "fr", "ar")
# The matcher category of the names that set an article in a country on their own (an anchor
# place's aliases and the country's demonyms); a demonym's tag value is DEMONYM_PREFIX + the id.
ANCHOR = "anchor"
DEMONYM_PREFIX = "demonym:"
# English words that name an area after its name, or before it with "of".
AREA_WORDS = ("province", "governorate")


def place_from_entry(entry: Mapping[str, Any]) -> Place:
    """A :class:`Place` from one gazetteer entry; raises ConfigError on a malformed one."""
    missing = [k for k in ("id", "name", "kind", "lat", "lon") if k not in entry]
    if missing:
        raise ConfigError([f"gazetteer entry {entry.get('id', '?')}: missing {', '.join(missing)}"])
    if entry["kind"] not in GAZETTEER_KINDS:
        raise ConfigError([f"gazetteer entry {entry['id']}: kind must be one of {GAZETTEER_KINDS}"])
    country = entry.get("country", "IQ")
    return Place(
        id=str(entry["id"]),
        name=str(entry["name"]),
        kind=str(entry["kind"]),
        governorate=entry.get("governorate") if country == "IQ" else None,
        lat=float(entry["lat"]),
        lon=float(entry["lon"]),
        city=entry.get("city"),
        country=country,
    )


Period = tuple[date, date | None]  # from, until (None: still)


def target_periods_of(entry: Mapping[str, Any]) -> list[Period]:
    """The entry's ``target_periods`` as dates; raises ConfigError on a malformed one."""
    periods = []
    for span in entry.get("target_periods") or ():
        try:
            start, until = span
            periods.append((_as_date(start), None if until is None else _as_date(until)))
        except (TypeError, ValueError):
            raise ConfigError(
                [
                    f"gazetteer entry {entry.get('id', '?')}: target_periods must be a list of "
                    f"[from, until] dates (YYYY-MM-DD, until may be null), got {span!r}"
                ]
            ) from None
    return periods


def _as_date(value: Any) -> date:
    """A YAML date, or its ISO text (a config merged from JSON)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def aliases_of(entry: Mapping[str, Any]) -> list[str]:
    """The entry's name and aliases; an English "Kirkuk province" also in the other word order
    wires use ("Iraq's northern province of Kirkuk")."""
    names = [str(entry["name"])]
    for lang in ALIAS_LANGS:
        names.extend(str(a) for a in entry.get(lang) or ())
    for alias in entry.get("en") or ():
        head, _, word = str(alias).rpartition(" ")
        if head and word in AREA_WORDS:
            names.append(f"{word} of {head}")
    return names


class Gazetteer:
    """Places by id and by alias; ``terms()`` feeds the shared matcher."""

    def __init__(self, entries: Iterable[Mapping[str, Any]]):
        self._places: dict[str, Place] = {}
        self._guards: dict[str, str | None] = {}
        self._targets: dict[str, str | None] = {}
        self._target_periods: dict[str, list[Period]] = {}
        self._seats: set[str] = set()
        self._anchors: dict[str, list[str]] = {}  # place id -> the aliases that anchor
        self._demonyms: dict[str, list[str]] = {}
        self._aliases: dict[str, list[str]] = {}
        for entry in entries:
            place = place_from_entry(entry)
            self._places[place.id] = place  # a user entry with a known id replaces it
            self._guards[place.id] = entry.get("guard")
            self._targets[place.id] = entry.get("target")
            self._target_periods[place.id] = target_periods_of(entry)
            if entry.get("seat"):
                self._seats.add(place.id)
            if entry.get("anchor"):
                self._anchors[place.id] = _anchoring_aliases(entry)
            demonyms = entry.get("demonyms") or {}
            self._demonyms[place.id] = [
                str(d) for lang in ALIAS_LANGS for d in demonyms.get(lang) or ()
            ]
            self._aliases[place.id] = aliases_of(entry)
        self._seats_by_governorate = {
            self._places[place_id].governorate: self._places[place_id] for place_id in self._seats
        }
        self._by_alias: dict[str, list[Place]] = {}
        for place_id, names in self._aliases.items():
            for name in names:
                key, _ = fold_term(name, place=True)
                bucket = self._by_alias.setdefault(key, [])
                if self._places[place_id] not in bucket:
                    bucket.append(self._places[place_id])
        self._matcher = Matcher(self.terms())
        log.debug("gazetteer loaded places=%d aliases=%d", len(self._places), len(self._by_alias))

    def __len__(self) -> int:
        return len(self._places)

    def terms(self) -> list[tuple[str, Tag]]:
        """Every alias as a place; anchors' aliases and demonyms also as anchors."""
        terms = [
            (name, Tag("place", "place", place_id, None, self._guards[place_id]))
            for place_id, names in self._aliases.items()
            for name in names
        ]
        for place_id, names in self._anchors.items():
            tag = Tag("place", ANCHOR, place_id, None, self._guards[place_id])
            terms += [(_with_article(name), tag) for name in names]
        for place_id, demonyms in self._demonyms.items():
            tag = Tag("place", ANCHOR, DEMONYM_PREFIX + place_id)
            terms += [(demonym, tag) for demonym in demonyms]
        return terms

    def get(self, place_id: str) -> Place | None:
        return self._places.get(place_id)

    def site_target(self, place_id: str, day: date | None = None) -> str | None:
        """What an attack on this site on this day is aimed at when the text does not say (Ain
        al-Asad: the US troops it hosts), from the entry's ``target`` field; nothing on a day
        outside its ``target_periods`` (Camp Taji in 2012)."""
        periods = self._target_periods.get(place_id)
        if periods and day is not None:
            if not any(
                start <= day and (until is None or day <= until) for start, until in periods
            ):
                return None
        return self._targets.get(place_id)

    def seat(self, governorate: str | None) -> Place | None:
        """The seat of this governorate (``seat: true``), as a place."""
        return self._seats_by_governorate.get(governorate) if governorate else None

    def is_seat(self, place_id: str) -> bool:
        """The place is the seat of its governorate (``seat: true`` in its entry)."""
        return place_id in self._seats

    def candidates(self, alias_key: str) -> list[Place]:
        """Every place an already-folded alias may mean (homonyms: Qadisiya, Rabia ...)."""
        return self._by_alias.get(alias_key, [])

    def named(self, name: str) -> Place | None:
        """The place the whole name is one of the names of ("Bagdad", "عين الأسد"), if any."""
        if not name or not name.strip():
            return None
        if name in self._places:
            return self._places[name]
        key, _ = fold_term(name, place=True)
        for candidate in (key, *_without_proclitic(key)):
            if found := self._by_alias.get(candidate):
                return found[0]
        return None

    def lookup(self, name: str) -> Place | None:
        """Resolve a name in any language ("Bagdad", "عين الأسد", "Ain al-Assad air base"), or
        the most specific place a longer phrase names."""
        if found := self.named(name):
            return found
        # A longer phrase ("the Green Zone in Baghdad"): its most specific place, first seen.
        cased = clean(name)
        hits = self._matcher.scan(fold(cased), cased)
        places = [self._places[h.tag.value] for h in hits]
        if not places:
            return None
        return max(places, key=lambda p: PLACE_SPECIFICITY[p.kind])


def _anchoring_aliases(entry: Mapping[str, Any]) -> list[str]:
    """The aliases of an entry that set a story in Iraq on their own: all of them (``anchor:
    true``), those of the languages listed (``[en, fr]``), or the aliases listed themselves
    (``[محافظة ميسان]``: "Maysan province" is Iraq's, "ميسان" alone is also a first name)."""
    anchor = entry["anchor"]
    if anchor is True:
        return [
            *(str(a) for lang in ALIAS_LANGS for a in entry.get(lang) or ()),
            str(entry["name"]),
        ]
    aliases = set(aliases_of(entry))
    chosen = []
    for item in anchor:
        if item in ALIAS_LANGS:
            chosen += [str(a) for a in entry.get(item) or ()]
        elif item in aliases:
            chosen.append(str(item))
        else:
            raise ConfigError(
                [
                    f"gazetteer entry {entry['id']}: anchor {item!r} is neither a language "
                    f"({', '.join(ALIAS_LANGS)}) nor one of the entry's aliases"
                ]
            )
    return chosen


def _with_article(name: str) -> str:
    """An Arabic name that starts with the article, marked to be matched with it (the lexicon's
    literal mark): an anchor must be the proper noun ("الموصل", not the adjective "موصل")."""
    name = name.strip()
    return LITERAL_MARK + name if is_arabic(name) and name.startswith(ARABIC_ARTICLE) else name


def _without_proclitic(key: str) -> tuple[str, ...]:
    """An Arabic name without the clitics before it: "بالموصل" -> "الموصل", "ببغداد" -> "بغداد"."""
    if not is_arabic(key):
        return ()
    for size in (4, 3, 2, 1):
        if key[:size] in ARABIC_PROCLITICS and len(key) - size >= 3:
            rest = key[size:]
            return (rest, ARABIC_ARTICLE + rest) if key[:size].endswith(ARABIC_ARTICLE) else (rest,)
    return ()
