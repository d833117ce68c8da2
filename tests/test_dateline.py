"""Datelines: the one reader that feeds (the place stored with an item) and the extractor (where
the story begins) share, so that a polled story and the same story given to `analyze` agree."""

from __future__ import annotations

import pytest

from crawler.dateline import dateline_after_lead, dateline_place, parse_dateline, split_dateline


@pytest.mark.parametrize(
    ("text", "place", "date_text", "rest"),
    [
        ("BAGDAD, 16 fév 2020 (AFP) - Des roquettes sont tombées.", "BAGDAD", "16 fév 2020", "Des roquettes"),
        ("Baghdad (AFP) - Rockets hit the Green Zone.", "Baghdad", None, "Rockets hit"),
        ("MOSUL, Iraq, Feb 16 (Reuters) - A car bomb exploded.", "MOSUL", "Iraq, Feb 16", "A car bomb"),
        ("ERBIL (Irak), 13 mars 2022 (AFP) - Des missiles.", "ERBIL", "13 mars 2022", "Des missiles"),
        ("KANO (Nigeria) (AFP) - Des jihadistes.", "KANO", None, "Des jihadistes"),
        ("RIYADH (SPA) -- The kingdom condemned the attack.", "RIYADH", None, "The kingdom"),
        ("SULAYMANIYAH (Rudaw) – Turkish jets struck.", "SULAYMANIYAH", None, "Turkish jets"),
        ("بغداد (أ ف ب) - سقطت صواريخ.", "بغداد", None, "سقطت"),
        ("الموصل (ا ف ب) - انفجرت عبوة.", "الموصل", None, "انفجرت"),
        ("الكوت 3 مارس 2019 (شينخوا) انفجرت عبوة.", "الكوت", "3 مارس 2019", "انفجرت"),  # no dash
        ("TIKRIT, 4 mai (Xinhua) -- Un kamikaze.", "TIKRIT", "4 mai", "Un kamikaze"),
        ("KIRKUK/ERBIL (Reuters) - Gunmen attacked.", "KIRKUK", None, "Gunmen"),  # the first
        ("النجف/كربلاء (رويترز) - قتل محتج.", "النجف", None, "قتل"),
        ("BAGHDAD — Rockets struck the base.", "BAGHDAD", None, "Rockets"),
        ("BAGHDAD - Rockets struck the base.", "BAGHDAD", None, "Rockets"),
        ("BAGHDAD: Rockets struck the base.", "BAGHDAD", None, "Rockets"),  # Arab News
        ("AL-QAIM, Iraq — A drone struck a convoy.", "AL-QAIM", "Iraq", "A drone"),
        ("بغداد - أفاد مصدر أمني بسقوط صاروخين.", "بغداد", None, "أفاد"),
        ("الرياض/ أعلنت الوزارة.", "الرياض", None, "أعلنت"),
        ("عين اليوم – بغداد قالت مصادر.", "عين اليوم", None, "بغداد"),
        ("بغداد: حمزة الساعدي أعاد الهجوم المخاوف.", "بغداد", None, "حمزة"),  # city: reporter
    ],
)  # fmt: skip
def test_a_dateline_gives_its_place_its_date_and_where_the_story_begins(
    text: str, place: str, date_text: str | None, rest: str
) -> None:
    found = split_dateline(text)
    assert found is not None and (found.place, found.date_text) == (place, date_text)
    assert text[found.end :].startswith(rest)
    assert parse_dateline(text) == place


@pytest.mark.parametrize(
    "text",
    [
        "Rockets struck the base on Sunday.",
        "US - Iran talks resume in Vienna.",  # capitals, but two letters: a headline
        "Two rockets (107 mm) hit Balad air base.",
        "Attacks in 2019 (UN) rose by a third.",  # a year is no day and month
        "Popular Mobilisation Forces (PMF) fighters repelled an attack.",
        "US-led coalition says drone downed near Erbil.",
        "",
        None,
    ],
)
def test_an_opening_that_is_no_dateline(text: str | None) -> None:
    assert split_dateline(text) is None


@pytest.mark.parametrize(
    ("field", "place"),
    [
        ("BAGHDAD, Feb 16 (Wire) -", "BAGHDAD"),
        ("Bagdad", "Bagdad"),
        ("Mossoul, Irak", "Mossoul"),
        ("نيويورك (أ ف ب)", "نيويورك"),
        ("4/4/2018", None),
        ("January 21", None),
        ("A long sentence that no agency would ever put in a dateline field, surely", None),
        ("", None),
    ],
)
def test_a_dateline_field(field: str, place: str | None) -> None:
    assert dateline_place(field) == place


@pytest.mark.parametrize(
    ("text", "place", "rest"),
    [
        ("Par Ali CHOUKRI - BAGDAD (AFP) - Des roquettes.", "BAGDAD", "Des roquettes."),
        ("Par Jean-Marc DUPONT - ERBIL (Irak) (AFP) - Des missiles.", "ERBIL", "Des missiles."),
        ("By Jane DOE - BAGHDAD (AFP) - Rockets hit.", "BAGHDAD", "Rockets hit."),
    ],
)
def test_an_agency_dateline_after_the_reporters_byline(text: str, place: str, rest: str) -> None:
    found = split_dateline(text)
    assert found is not None and found.place == place
    assert text[found.end :] == rest


def test_a_byline_alone_is_no_dateline() -> None:
    assert split_dateline("Par Ali CHOUKRI - le bilan est lourd.") is None


@pytest.mark.parametrize(
    ("text", "lead", "place", "rest"),
    [
        (
            "Le bilan s'alourdit.\n\nPar Ali CHOUKRI - BAGDAD (AFP) - Des roquettes.",
            "Le bilan s'alourdit.",
            "BAGDAD",
            "Des roquettes.",
        ),
        ("Chapeau.\n\nMOSSOUL (Irak) (AFP) -\n\nLes forces.", "Chapeau.", "MOSSOUL", "Les forces."),
        ("Chapeau.\nBAGDAD, 3 jan 2020 (AFP) - Des frappes.", "Chapeau.", "BAGDAD", "Des frappes."),
    ],
)
def test_the_dateline_of_the_dispatch_after_a_portals_own_lead(
    text: str, lead: str, place: str, rest: str
) -> None:
    found = dateline_after_lead(text)
    assert found is not None
    assert (found[0], found[1].place, found[2]) == (lead, place, rest)
    assert parse_dateline(text) == place


@pytest.mark.parametrize(
    "text",
    [
        # after a lead of several sentences only an agency's dateline counts: a word in
        # capitals and a dash may open any paragraph
        "Le bilan s'alourdit. Deux morts.\n\nBAGDAD - Des roquettes.",
        "Le bilan s'alourdit. Deux morts.\n\nبغداد - سقطت صواريخ.",
        "Chapeau sans suite.",
        "Chapeau.\n\nDes roquettes sont tombées (AFP).",
    ],
)
def test_a_second_paragraph_without_an_agency_dateline(text: str) -> None:
    assert dateline_after_lead(text) is None


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Chapeau d'une phrase.\n\nBAGDAD - Des roquettes.", "BAGDAD"),
        ("ملخص الخبر في جملة واحدة.\n\nالسومرية نيوز/ ديالى\nأفاد مصدر أمني", "السومرية نيوز"),
    ],
)
def test_after_a_one_sentence_abstract_any_dateline_counts(text: str, place: str) -> None:
    found = dateline_after_lead(text)
    assert found is not None and found[1].place == place
