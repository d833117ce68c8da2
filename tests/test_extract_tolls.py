"""Casualty tolls of crawler.extract: null when not stated, 0 only when the article says so, and
figures of this event only — never those of background paragraphs. Table tests per language."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.extract import Extractor

PUBLISHED = datetime(2021, 3, 14, 12, 0, tzinfo=UTC)  # a Sunday


def _toll(ex: Extractor, lang: str, title: str, text: str) -> tuple[int | None, int | None]:
    got = ex.extract(title, text, PUBLISHED, lang=lang)
    assert got.relevant, got.reason
    return got.killed, got.wounded


# --- 0 only when stated ------------------------------------------------------------------------

STATED_OR_NOT = [
    # wounded only: the dead are not stated
    (
        "en",
        "Bomb wounds two in Kut",
        "A roadside bomb wounded two Iraqi policemen in Kut on Sunday.",
        None,
        2,
    ),
    ("fr", "Bombe à Kout", "Une bombe a blessé dimanche deux policiers irakiens à Kout.", None, 2),
    ("ar", "عبوة في الكوت", "أصيب شرطيان عراقيان بانفجار عبوة ناسفة في الكوت الأحد.", None, 2),
    # dead only: the wounded are not stated
    (
        "en",
        "Soldier killed in Tikrit",
        "A soldier was killed by a sniper in Tikrit on Sunday.",
        1,
        None,
    ),
    # no casualties: both zero
    (
        "en",
        "Rocket hits Green Zone",
        "A rocket hit Baghdad's Green Zone on Sunday. There were no casualties.",
        0,
        0,
    ),
    (
        "fr",
        "Roquette sur Bagdad",
        "Une roquette est tombée dimanche sur la Zone verte de Bagdad sans faire de victimes.",
        0,
        0,
    ),
    ("ar", "صاروخ على بغداد", "سقط صاروخ الأحد على المنطقة الخضراء في بغداد دون وقوع ضحايا.", 0, 0),
    # no one killed: killed 0, wounded as stated or not at all
    (
        "en",
        "Rockets hit Balad",
        "Rockets hit Balad air base on Sunday. No one was killed, officials said.",
        0,
        None,
    ),
    (
        "en",
        "Rockets hit Balad",
        "Rockets hit Balad air base on Sunday, wounding three soldiers. No deaths were reported.",
        0,
        3,
    ),
    (
        "fr",
        "Roquettes sur Balad",
        "Des roquettes ont visé dimanche la base de Balad, sans faire de morts.",
        0,
        None,
    ),
    (
        "ar",
        "صواريخ على بلد",
        "سقطت صواريخ الأحد على قاعدة بلد الجوية، ولم يسفر الهجوم عن قتلى.",
        0,
        None,
    ),
    # nobody hurt: nobody killed either, unless a death is reported
    (
        "fr",
        "Grenade à Mossoul",
        "Une grenade a été lancée dimanche contre un bureau à Mossoul. Aucun blessé n'est à déplorer.",
        0,
        0,
    ),
    (
        "ar",
        "قنبلة في الموصل",
        "ألقى مجهولون الأحد قنبلة يدوية على مكتب في الموصل شمال العراق، ولم يسفر الهجوم عن إصابات.",
        0,
        0,
    ),
    (
        "en",
        "Bomb kills two in Tikrit",
        "A bomb killed two soldiers in Tikrit on Sunday. No one else was hurt.",
        2,
        0,
    ),
    # not known yet: neither a figure nor zero
    (
        "en",
        "Rockets hit Erbil",
        "Rockets hit Erbil airport on Sunday. There were no immediate reports of casualties.",
        None,
        None,
    ),
    (
        "en",
        "Missiles hit Erbil",
        "Missiles hit Erbil on Sunday. No casualties were immediately reported.",
        None,
        None,
    ),
    (
        "fr",
        "Roquettes sur Erbil",
        "Des roquettes ont visé dimanche l'aéroport d'Erbil. Aucune information sur d'éventuelles victimes n'était disponible.",
        None,
        None,
    ),
    (
        "ar",
        "صواريخ على أربيل",
        "سقطت صواريخ الأحد على مطار أربيل، ولم ترد أنباء عن وقوع إصابات.",
        None,
        None,
    ),
    # one person unharmed says nothing of the others
    (
        "fr",
        "Drone contre un gouverneur",
        "Un drone a visé dimanche la résidence du gouverneur de Bassora, qui est sorti indemne. Deux gardes ont été blessés.",
        None,
        2,
    ),
    (
        "ar",
        "مسيرة تستهدف محافظ",
        "استهدفت طائرة مسيرة الأحد منزل محافظ البصرة الذي نجا من الهجوم، فيما أصيب اثنان من حراسه.",
        None,
        2,
    ),
]


@pytest.mark.parametrize(("lang", "title", "text", "killed", "wounded"), STATED_OR_NOT)
def test_zero_only_when_stated(
    ex: Extractor, lang: str, title: str, text: str, killed: int | None, wounded: int | None
) -> None:
    assert _toll(ex, lang, title, text) == (killed, wounded)


# --- figures of this event, not of the background ------------------------------------------------

BACKGROUND = [
    (
        "en",
        "Protester shot dead in Nasiriyah",
        "A protester was shot dead by security forces in Nasiriyah on Sunday, medics said. "
        "The protest movement began in October 2019 and more than 600 people have been killed since.",
        1,
        None,
    ),
    (
        "en",
        "Bomb kills four in Baghdad",
        "A car bomb killed four people and wounded nine in Baghdad on Sunday, police said. "
        "Since 2003, 350 car bombs have gone off in the capital. The war killed 500 people in the city in 2007 alone.",
        4,
        9,
    ),
    (
        "en",
        "IS attack kills two soldiers",
        "Islamic State group militants attacked an army post in Diyala on Sunday, killing two soldiers. "
        "So far this year, such attacks have killed 40 members of the security forces.",
        2,
        None,
    ),
    (
        "en",
        "Roadside bomb in Tarmiyah",
        "A roadside bomb wounded three soldiers in Tarmiyah on Sunday. "
        "In Kirkuk, two policemen were killed in a separate attack.",
        None,
        3,
    ),
    (
        "en",
        "Suicide bomber strikes Tikrit checkpoint",
        "A suicide bomber blew himself up at a checkpoint in Tikrit on Sunday, killing 5 soldiers.",
        5,
        None,
    ),
    (
        "en",
        "Gunmen attack village",
        "Gunmen attacked a village in Diyala on Sunday, killed 3 people and wounded 7 others, officials said.",
        3,
        7,
    ),
    (
        "fr",
        "Un manifestant tué à Nassiriya",
        "Les forces de l'ordre ont ouvert le feu dimanche sur des manifestants à Nassiriya, tuant un jeune homme, selon des médecins. "
        "Près de 600 personnes ont péri depuis le début de la contestation en octobre 2019.",
        1,
        None,
    ),
    (
        "fr",
        "Attentat à Bagdad",
        "Un attentat à la voiture piégée a tué dimanche quatre personnes à Bagdad. "
        "Au total, ces attaques ont fait plus de 120 morts dans la capitale l'an dernier.",
        4,
        None,
    ),
    (
        "fr",
        "Attaque jihadiste à Kirkouk",
        "Des jihadistes ont attaqué dimanche un poste de l'armée près de Kirkouk, tuant trois soldats et en blessant sept autres. "
        "Le bilan est passé à quatre morts dans la soirée, selon la police. "
        "La guerre contre l'EI a fait des milliers de morts entre 2014 et 2017.",
        4,
        7,
    ),
    (
        "fr",
        "Kamikaze à Tikrit",
        "Un kamikaze s'est fait exploser dimanche à un barrage à Tikrit, tuant cinq soldats.",
        5,
        None,
    ),
    (
        "ar",
        "مقتل متظاهر في الناصرية",
        "قتل متظاهر برصاص قوات الأمن الأحد في الناصرية، بحسب مصادر طبية. "
        "وقتل أكثر من 600 شخص منذ انطلاق الاحتجاجات في تشرين الأول 2019.",
        1,
        None,
    ),
    (
        "ar",
        "تفجير في بغداد",
        "قتل أربعة أشخاص وأصيب تسعة آخرون بانفجار سيارة مفخخة في بغداد الأحد. "
        "وأسفرت الحرب عن مقتل 500 شخص في المدينة عام 2007.",
        4,
        9,
    ),
    (
        "ar",
        "هجوم لداعش في ديالى",
        "هاجم مسلحون من داعش الأحد نقطة للجيش في ديالى، ما أدى إلى مقتل ٣ جنود وإصابة ٥ آخرين. "
        "وارتفعت حصيلة الهجوم إلى أربعة قتلى. وفي المجموع قتل 40 عنصرا أمنيا في هجمات مماثلة هذا العام.",
        4,
        5,
    ),
    (
        "en",
        "Car bomb in Sadr City",
        "A car bomb killed four people in Sadr City on Sunday. "
        "The wounded were taken to hospital in Baqubah. "
        "In January, twin suicide bombings killed 32 people at a Baghdad market. "
        "The toll may rise, officials said.",
        4,
        None,
    ),
    (
        "en",
        "Drone strike in Sinjar",
        "A drone strike hit a car near Sinjar on Sunday, killing two men. "
        "A third passenger was seriously injured and taken to hospital in Duhok. "
        "Two shepherds were killed in a separate attack near Tal Afar.",
        2,
        1,
    ),
    (
        "fr",
        "Obus sur un village de Diyala",
        "Deux civils ont été tués et cinq blessés dimanche par des obus de mortier tombés sur un village près de Moqdadiya. "
        "Une femme a succombé à ses blessures à l'hôpital de Baaqouba, portant le bilan à trois morts. "
        "En janvier, une attaque contre un village voisin avait fait 11 morts et 20 blessés.",
        3,
        5,
    ),
    (
        "ar",
        "عبوة في الطارمية",
        "أصيب ثلاثة جنود بانفجار عبوة ناسفة في الطارمية الأحد. وفي كركوك، قتل شرطيان بهجوم منفصل.",
        None,
        3,
    ),
]


@pytest.mark.parametrize(("lang", "title", "text", "killed", "wounded"), BACKGROUND)
def test_background_figures_stay_out(
    ex: Extractor, lang: str, title: str, text: str, killed: int | None, wounded: int | None
) -> None:
    assert _toll(ex, lang, title, text) == (killed, wounded)


def test_a_running_tally_in_the_lead_keeps_its_toll(ex: Extractor) -> None:
    """ "since" after an ordinal counts attacks, not the dead: the lead's figure stands."""
    assert _toll(
        ex,
        "en",
        "Rockets hit Taji base",
        "Rockets killed two soldiers at the Taji base on Sunday in the 21st attack since October.",
    ) == (2, None)


# --- Arabic word forms of a toll ------------------------------------------------------------------

ARABIC_FORMS = [
    # the figure after the next casualty word is that word's
    ("لقي متظاهر مصرعه وأصيب أربعة آخرون الأحد بإطلاق نار في البصرة.", 1, 4),
    # a dual casualty word counts two; a person's noun with a possessive counts one
    ("انفجرت سيارة مفخخة الأحد في القائم، ما أسفر عن سقوط قتيلين.", 2, None),
    ("انفجرت عبوة لاصقة بسيارة مسؤول في كركوك الأحد، ما أسفر عن إصابة سائقه بجروح.", None, 1),
    # victim groups of one toll add up, whatever follows them
    (
        "سقطت قذيفتا هاون على منازل في المقدادية الأحد، ما أدى إلى إصابة امرأة وطفلين بجروح.",
        None,
        3,
    ),
    ("أصيب شرطي ومدنيان بجروح بانفجار عبوة في الموصل الأحد.", None, 3),
    ("أعلن محافظ أربيل الأحد إصابة مدني واحد بجروح في القصف الصاروخي.", None, 1),
    # a figure carrying the conjunction
    ("ارتفعت حصيلة تفجير القائم الأحد إلى خمسة قتلى و12 جريحا.", 5, 12),
    # a singular passive and a death named by its noun
    ("اغتيلت ناشطة الأحد برصاص مسلحين في البصرة.", 1, None),
    ("اغتال مسلحون ناشطة الأحد في البصرة، ما أدى إلى وفاتها، فيما أصيب سائقها بجروح.", 1, 1),
]


@pytest.mark.parametrize(("text", "killed", "wounded"), ARABIC_FORMS)
def test_arabic_word_forms_of_a_toll(
    ex: Extractor, text: str, killed: int | None, wounded: int | None
) -> None:
    assert _toll(ex, "ar", "هجوم في العراق", text) == (killed, wounded)
