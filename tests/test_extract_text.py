"""Normalisation, term matching and the gazetteer of crawler.extract."""

from __future__ import annotations

from datetime import datetime

import pytest

from crawler.errors import ConfigError
from crawler.extract import Extractor
from crawler.extract.lexicon import Matcher, Tag
from crawler.extract.normalize import clean, fold, normalize
from crawler.types import GOVERNORATES


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Aïn al-Assad", "ain al assad"),
        ("L’ambassade  des\tÉtats-Unis", "l'ambassade des etats unis"),
        ("الصَّوَارِيخُ", "الصواريخ"),  # diacritics
        ("بغـــداد", "بغداد"),  # tatweel
        ("أربيل إربيل آمرلي", "اربيل اربيل امرلي"),  # alef forms
        ("السفارة الأمريكية", "السفاره الامريكيه"),  # ta marbuta
        ("مستشفى", "مستشفي"),  # alef maqsura
        ("٢٥ قتيلا", "25 قتيلا"),  # Arabic-Indic digits
        ("ROQUETTES SUR BAGDAD", "roquettes sur bagdad"),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_fold_keeps_length_so_offsets_map_back() -> None:
    text = clean("Œuvre İstanbul — Aïn al-Assad ’ «x» ٣")
    assert len(fold(text)) == len(text)


@pytest.mark.parametrize(
    ("text", "governorate"),
    [
        # Title, a one-sentence abstract, then the byline of the body: filed in Mosul.
        (
            "قتل مسلحون مختار قرية في ناحية القيارة.\n\nعشتار نيوز/ الموصل\n"
            "أفاد مصدر في الشرطة، اليوم، بأن مسلحين قتلوا مختار قرية في ناحية القيارة.",
            "Nineveh",
        ),
        # The same byline at the head of the body.
        (
            "عشتار نيوز/ الموصل\nأفاد مصدر في الشرطة، اليوم، بأن مسلحين قتلوا مختار قرية في"
            " ناحية القيارة.",
            "Nineveh",
        ),
    ],
)
def test_a_byline_after_the_abstract_sets_the_story_in_iraq(
    ex: Extractor, text: str, governorate: str
) -> None:
    reading = ex.read("مسلحون يقتلون مختار قرية في القيارة", text, datetime(2018, 7, 24, 9), "ar")
    assert reading.where.dateline_place is not None
    assert reading.where.dateline_place.name == "Mosul"
    assert reading.where.place is not None and reading.where.place.name == "Qayyarah"
    assert reading.where.place.governorate == governorate
    # The outlet's name is cut; the story after it opens with the city it was filed in.
    document = reading.document
    assert document.segments[document.opening].cased.startswith("الموصل أفاد")


def test_a_second_paragraph_that_opens_with_a_dash_is_no_byline_after_a_long_lead(
    ex: Extractor,
) -> None:
    lead = "قتل مسلحون مختار قرية في ناحية القيارة. وأصيب اثنان من أبنائه بجروح."
    reading = ex.read("مقتل مختار", f"{lead}\n\nالموصل - قال مصدر.", datetime(2018, 7, 24), "ar")
    assert reading.document.dateline is None


def _matcher() -> Matcher:
    return Matcher(
        [
            ("rocket*", Tag("term", "type", "rocket", "en")),
            ("صواريخ", Tag("term", "type", "rocket", "ar")),
            ("US", Tag("term", "us", "", "en")),
            ("=الاثنين", Tag("term", "weekday", "0", "ar")),
            ("Hit", Tag("place", "place", "city:hit", None, "context")),
            ("Balad", Tag("place", "place", "city:balad", None)),
            ("sur fond d'", Tag("term", "setting", "", "fr")),
        ]
    )


@pytest.mark.parametrize(
    ("text", "lang", "found"),
    [
        ("Two rockets landed", "en", ["rocket"]),  # the stem is what matched
        ("the rocketry club", "en", ["rocket"]),  # a stem accepts any ending
        ("وبالصواريخ استهدفوا", "ar", ["صواريخ"]),  # proclitics و + ب + ال
        ("صواريخهم", "ar", ["صواريخ"]),  # a possessive pronoun may end the word ("their")
        ("صواريخي", "ar", []),  # no other suffix without a stem mark
        ("they told us", "en", []),  # capitals required: "us" is not the US
        ("US troops", "en", ["us"]),
        ("ROCKETS", "fr", []),  # terms of another language are ignored
        ("يوم الاثنين", "ar", ["الاثنين"]),  # "=" keeps the article
        ("Rockets hit the base", "en", ["rocket"]),  # the verb "hit" is not the town
        ("clashes in Hit on Sunday", "en", ["hit"]),
        ("the Baladiyat district", "en", []),  # word boundary: Balad is not Baladiyat
        ("sur fond d’attaques", "fr", ["sur fond d'"]),  # an elided article binds the next word
    ],
)
def test_matcher_boundaries(text: str, lang: str, found: list[str]) -> None:
    cased = clean(text)
    folded = fold(cased)
    assert [folded[h.start : h.end] for h in _matcher().scan(folded, cased, lang)] == found


def test_longest_match_wins_within_a_category() -> None:
    matcher = Matcher(
        [
            ("attack", Tag("term", "incident", "", "en")),
            ("rocket attack", Tag("term", "type", "rocket", "en")),
            ("Baghdad", Tag("place", "place", "city:baghdad")),
            ("US embassy in Baghdad", Tag("place", "place", "site:embassy")),
        ]
    )
    text = "A rocket attack on the US embassy in Baghdad"
    hits = matcher.scan(fold(text), text, "en")
    assert {(h.tag.category, h.tag.value) for h in hits} == {
        ("incident", ""),
        ("type", "rocket"),
        ("place", "site:embassy"),
    }


@pytest.mark.parametrize(
    ("name", "place_id"),
    [
        ("Bagdad", "city:baghdad"),
        ("بغداد", "city:baghdad"),
        ("Aïn al-Assad", "site:ain-al-asad"),
        ("Ain al-Asad air base", "site:ain-al-asad"),
        ("عين الأسد", "site:ain-al-asad"),
        ("Falloujah", "city:fallujah"),
        ("الفلوجة", "city:fallujah"),
        ("Mossoul", "city:mosul"),
        ("Kirkouk", "city:kirkuk"),
        ("Bassora", "city:basra"),
        ("Hewler", "city:erbil"),
        ("أربيل", "city:erbil"),
        ("Al-Tanf", "foreign:al-tanf"),
        ("Tower 22", "foreign:tower-22"),
        ("gov:anbar", "gov:anbar"),
        ("Anbar", "gov:anbar"),
        ("the Green Zone in Baghdad", "site:green-zone"),
        ("Nowhere-on-Sea", None),
    ],
)
def test_gazetteer_lookup(ex: Extractor, name: str, place_id: str | None) -> None:
    place = ex.gazetteer.lookup(name)
    assert (place.id if place else None) == place_id


def test_gazetteer_covers_every_governorate(ex: Extractor) -> None:
    governorates = set(GOVERNORATES)
    for name in governorates:
        assert any(
            ex.gazetteer.get(f"gov:{slug}") and ex.gazetteer.get(f"gov:{slug}").governorate == name
            for slug in [name.lower().replace(" ", "-")]
        ), name
    assert len(ex.gazetteer) >= 150
    tanf = ex.gazetteer.lookup("Al-Tanf")
    assert tanf.country == "SY" and tanf.governorate is None


def test_extra_places_and_terms() -> None:
    extractor = Extractor(
        extra_places=[
            {
                "id": "site:camp-x",
                "name": "Camp Xanadu",
                "kind": "site",
                "governorate": "Anbar",
                "lat": 33.4,
                "lon": 43.3,
                "fr": ["camp Xanadu"],
                "target": "us_military",
            }
        ],
        extra_terms={"en": {"attack_types": {"drone": ["loitering munition*"]}}},
    )
    assert extractor.gazetteer.lookup("camp Xanadu").id == "site:camp-x"
    from datetime import UTC, datetime

    result = extractor.extract(
        "Loitering munitions strike Camp Xanadu in Iraq",
        "Two loitering munitions struck Camp Xanadu in western Iraq on Monday, officials said.",
        datetime(2024, 1, 2, 12, tzinfo=UTC),
        lang="en",
    )
    assert result.relevant and result.attack_type == "drone"
    assert result.place.id == "site:camp-x" and result.us_interest


def test_a_province_name_anchors_where_the_bare_name_does_not(ex) -> None:
    """ "محافظة ميسان" is Iraq's; "ميسان" alone is also a woman's name."""
    from datetime import UTC, datetime

    when = datetime(2018, 8, 2, 20, tzinfo=UTC)
    title = "اغتيال ضابط في الشرطة أمام منزله"
    lead = "اغتيل ضابط في الشرطة، مساء الخميس، بنيران مسلحين مجهولين أمام منزله في {}."
    named = ex.extract(title, lead.format("محافظة ميسان"), when, "ar")
    bare = ex.extract(title, lead.format("حي ميسان"), when, "ar")
    assert named.relevant and named.place.governorate == "Maysan"
    assert not bare.relevant and bare.reason == "not_in_iraq"


def test_an_anchor_must_be_a_language_or_an_alias_of_its_entry() -> None:
    entry = {"id": "city:x", "name": "X", "kind": "city", "lat": 33.0, "lon": 44.0}
    Extractor(extra_places=[{**entry, "en": ["X town"], "anchor": ["X town", "fr"]}])
    with pytest.raises(ConfigError, match="anchor 'Y town'"):
        Extractor(extra_places=[{**entry, "en": ["X town"], "anchor": ["Y town"]}])
