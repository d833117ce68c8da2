"""Table tests of the extraction rules that follow how wire copy is written.

Who is hit versus who speaks or acts, the dominant act of the lead, the scene versus landmarks
and background, casualty figures summed over victim groups, and Arabic word forms. Every text
is a short sentence written for these tests, in each language the rule concerns.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.extract import Extractor
from crawler.extract.lexicon import Matcher, Tag, arabic_variants
from crawler.extract.normalize import clean, fold, sentence_starts
from crawler.types import Extraction

# Sunday 16 February 2020, 07:00 UTC (10:00 in Baghdad).
SUNDAY = datetime(2020, 2, 16, 7, 0, tzinfo=UTC)


def _run(ex: Extractor, lang: str, title: str, text: str) -> Extraction:
    result = ex.extract(title, text, SUNDAY, lang=lang)
    assert result.relevant, (result.reason, result.evidence)
    return result


# --- target: who was hit, not who speaks or who acted ---------------------------------------

TARGETS = [
    # the source of the report is not the target
    (
        "en",
        "Bomb kills two at Baghdad market",
        "A bomb exploded in a market in Baghdad on Sunday, killing two people, police said.",
        "civilians",
    ),
    (
        "fr",
        "Irak: une bombe explose sur un marché de Bagdad",
        "Une bombe a explosé dimanche sur un marché de Bagdad, tuant deux personnes, selon la police.",
        "civilians",
    ),
    (
        "ar",
        "انفجار عبوة في سوق ببغداد",
        "انفجرت عبوة ناسفة صباح الأحد في سوق شعبي ببغداد ما أدى إلى مقتل شخصين، بحسب الشرطة.",
        "civilians",
    ),
    (
        "en",
        "Explosion hits gas field in Sulaymaniyah",
        "Rockets struck a gas field in Sulaymaniyah province on Sunday, the counter-terrorism service said.",
        "other",
    ),
    # the group that acted ("by") is not the target ...
    (
        "en",
        "Protester shot dead in Nasiriyah",
        "A protester was shot dead by security forces in Nasiriyah on Sunday, medics said.",
        "protesters",
    ),
    (
        "fr",
        "Irak: un manifestant tué à Nassiriya",
        "Un manifestant a été tué par balles dimanche par les forces de sécurité à Nassiriya.",
        "protesters",
    ),
    (
        "ar",
        "مقتل متظاهر في الناصرية",
        "قتل متظاهر الأحد برصاص قوات الأمن في الناصرية، وفق مصادر طبية.",
        "protesters",
    ),
    # ... unless "by" says who uses the place ("used by the coalition")
    (
        "en",
        "Rockets hit Erbil airport",
        "Rockets struck a complex at Erbil airport used by the US-led coalition on Sunday night.",
        "coalition",
    ),
    # the subject of an active verb of attack is the attacker
    (
        "en",
        "Gunfire at Baghdad protest",
        "Security forces opened fire on protesters in Baghdad on Sunday, wounding 12, medics said.",
        "protesters",
    ),
    (
        "fr",
        "Irak: les forces de l'ordre tirent sur des manifestants à Bagdad",
        "Les forces de l'ordre ont ouvert le feu dimanche sur des manifestants à Bagdad, blessant douze personnes.",
        "protesters",
    ),
    (
        "ar",
        "قوات الأمن تطلق النار على متظاهرين في بغداد",
        "أطلقت قوات الأمن الأحد الرصاص الحي على متظاهرين في بغداد ما أدى إلى إصابة 12 شخصا.",
        "protesters",
    ),
    (
        "fr",
        "Irak: des manifestants incendient le consulat d'Iran à Najaf",
        "Des manifestants ont incendié dimanche le consulat d'Iran à Najaf.",
        "other",
    ),
    # the attacking group named as a target word is not the target (unless struck from the air)
    (
        "en",
        "IS attack on army post in Kirkuk",
        "Jihadists attacked an army post near Kirkuk on Sunday, killing two soldiers.",
        "iraqi_security",
    ),
    # the first victim named wins; generic people are civilians when nothing else is named
    (
        "en",
        "Gunmen kill tribal leader in Ramadi",
        "Gunmen shot dead a tribal leader outside his home in Ramadi on Sunday, police said.",
        "civilians",
    ),
    (
        "en",
        "Grenade thrown at party office in Hillah",
        "Assailants threw a grenade at the office of a political party in Hillah on Sunday, Iraqi police said.",
        "government",
    ),
    (
        "en",
        "Gunmen kidnap two truck drivers in Maysan",
        "Gunmen kidnapped two truck drivers near Amara on Sunday, an Iraqi police source said.",
        "civilians",
    ),
    (
        "ar",
        "هجوم بقذائف الهاون على مقر للحشد الشعبي في ديالى",
        "سقطت قذائف هاون فجر الأحد على مقر للحشد الشعبي في ديالى.",
        "pmf",
    ),
    (
        "ar",
        "عبوة لاصقة تستهدف سيارة في الكوت",
        "انفجرت عبوة لاصقة الأحد بسيارة مدير دائرة حكومية في الكوت العراقية.",
        "government",
    ),
    # a member word takes the group named right after it
    (
        "ar",
        "مقتل منتسب في الحشد الشعبي بهجوم لداعش",
        "قتل منتسب في الحشد الشعبي الأحد بهجوم شنه عناصر من داعش على نقطة في قضاء الطوز العراقي.",
        "pmf",
    ),
    (
        "en",
        "Two members of the Hashed killed near Baquba",
        "Two members of the Hashed al-Shaabi were killed in an IS attack near Baquba on Sunday.",
        "pmf",
    ),
    # named contractors beat the base's default, forces hosted there do not
    (
        "en",
        "Rockets target Balad base housing US contractors",
        "Rockets landed on Balad air base on Sunday, near the compound of American defence contractors.",
        "us_contractor",
    ),
    (
        "ar",
        "صواريخ تستهدف قاعدة بلد الجوية",
        "سقط صاروخان مساء الأحد على قاعدة بلد الجوية التي تضم قوات ومتعاقدين أميركيين.",
        "us_military",
    ),
]


@pytest.mark.parametrize(("lang", "title", "text", "target"), TARGETS)
def test_target(ex: Extractor, lang: str, title: str, text: str, target: str) -> None:
    assert _run(ex, lang, title, text).target == target


# --- type: the dominant act of the lead, the same in every language -------------------------

# One event told in three languages: IS gunmen storm an army post in Diyala, three soldiers
# killed. The dateline is Baghdad; the scene is Diyala; the act is a clash.
DIYALA_RAID = [
    (
        "en",
        "IS attack kills three soldiers in Diyala",
        "BAGHDAD (AFP) - Islamic State group gunmen attacked an army post in Diyala province, "
        "northeast of Baghdad, overnight, opening fire on the soldiers and killing three of them, "
        "a security official said.",
    ),
    (
        "fr",
        "Irak: trois soldats tués dans une attaque de l'EI dans la province de Diyala",
        "BAGDAD, 16 fév 2020 (AFP) - Des jihadistes du groupe Etat islamique ont attaqué dans la "
        "nuit un poste de l'armée dans la province de Diyala, au nord-est de Bagdad, tuant trois "
        "soldats, a indiqué un responsable de la sécurité.",
    ),
    (
        "ar",
        "مقتل ثلاثة جنود بهجوم لداعش في ديالى",
        "بغداد (أ ف ب) - هاجم مسلحون من تنظيم داعش ليل السبت نقطة للجيش العراقي في محافظة ديالى "
        "شمال شرق بغداد وفتحوا النار على الجنود ما أدى إلى مقتل ثلاثة منهم، بحسب مصدر أمني.",
    ),
]


@pytest.mark.parametrize(("lang", "title", "text"), DIYALA_RAID)
def test_one_raid_gets_one_type_and_place_in_every_language(
    ex: Extractor, lang: str, title: str, text: str
) -> None:
    result = _run(ex, lang, title, text)
    assert result.attack_type == "clash"
    assert result.place.id == "gov:diyala"
    assert result.target == "iraqi_security"
    assert result.killed == 3


TYPES = [
    # a generic act yields to the precise one
    (
        "en",
        "Gunmen abduct engineer in Baghdad",
        "Gunmen abducted an engineer in Baghdad on Sunday, police said.",
        "kidnapping",
    ),
    (
        "fr",
        "Irak: des hommes armés enlèvent un ingénieur à Bagdad",
        "Des hommes armés ont enlevé dimanche un ingénieur à Bagdad.",
        "kidnapping",
    ),
    (
        "ar",
        "مسلحون يختطفون مهندسا في بغداد",
        "اختطف مسلحون مجهولون الأحد مهندسا في بغداد.",
        "kidnapping",
    ),
    (
        "en",
        "Explosion rocks Baghdad",
        "An explosion was heard in Baghdad on Sunday as a rocket struck the Green Zone.",
        "rocket",
    ),
    (
        "ar",
        "انفجار في بغداد",
        "سمع دوي انفجار في بغداد الأحد إثر سقوط صاروخ على المنطقة الخضراء.",
        "rocket",
    ),
    # arson yields to the gunfire named beside it
    (
        "en",
        "Protesters torch party offices in Amara",
        "Iraqi protesters set fire to party offices in Amara on Sunday as guards opened fire on them, "
        "killing two.",
        "shooting",
    ),
    # protesters shot in confrontations: a shooting, not an armed clash
    (
        "en",
        "Two protesters killed in Basra clashes",
        "Two Iraqi protesters were killed in clashes with security forces in Basra on Sunday, "
        "hit by live ammunition, medics said.",
        "shooting",
    ),
    (
        "fr",
        "Irak: deux manifestants tués dans des heurts à Bassora",
        "Deux manifestants irakiens ont été tués dimanche dans des heurts avec les forces de sécurité "
        "à Bassora, touchés par des tirs à balles réelles, selon des médecins.",
        "shooting",
    ),
    (
        "ar",
        "قتيلان في مواجهات احتجاجات البصرة",
        "قتل متظاهران الأحد في مواجهات مع قوات الأمن في البصرة بعد إصابتهما بطلقات نارية.",
        "shooting",
    ),
    # a jihadist attack told only by its gunmen: a raid
    (
        "en",
        "Three villagers killed in attack by IS gunmen in Diyala",
        "Three villagers were killed on Sunday in an attack by Islamic State gunmen on a village "
        "in Iraq's Diyala province, a security source said.",
        "clash",
    ),
    (
        "ar",
        "ثلاثة قتلى بهجوم شنه مسلحو داعش على قرية في ديالى",
        "قتل ثلاثة مدنيين مساء الأحد في هجوم شنه مسلحون من تنظيم داعش على قرية في محافظة ديالى.",
        "clash",
    ),
    # an assassination is named by its weapon
    (
        "ar",
        "نجاة مسؤول من محاولة اغتيال بطائرة مسيرة",
        "نجا مسؤول محلي الأحد من محاولة اغتيال بطائرة مسيرة مفخخة استهدفت منزله في بغداد.",
        "drone",
    ),
    # Arabic dual and definite forms
    (
        "ar",
        "صاروخان على مطار بغداد",
        "سقط صاروخان مساء الأحد قرب مطار بغداد الدولي.",
        "rocket",
    ),
    (
        "ar",
        "انفجار العبوة الناسفة على دورية في كركوك",
        "انفجرت العبوة الناسفة الأحد على دورية للشرطة في كركوك.",
        "ied",
    ),
    # car bombs driven by suicide bombers: the bomber is the act
    (
        "fr",
        "Mossoul: l'armée visée par des voitures piégées",
        "Des voitures piégées conduites par des kamikazes ont visé dimanche les soldats irakiens "
        "dans l'est de Mossoul, selon des officiers.",
        "suicide_bombing",
    ),
    (
        "en",
        "Car bombs hit troops in Mosul",
        "Car bombs driven by suicide bombers hit Iraqi troops in eastern Mosul on Sunday, "
        "officers said.",
        "suicide_bombing",
    ),
    # an IS attack told without a weapon, then posts stormed with the weapons listed: a raid
    (
        "fr",
        "Irak: dix combattants tués dans l'attaque la plus meurtrière de l'EI depuis des mois",
        "Dix combattants du Hachd ont été tués dimanche dans une attaque menée par des jihadistes "
        "de l'EI près de Samarra. Ils ont pris d'assaut plusieurs positions en faisant usage de "
        "lance-roquettes et de mortiers.",
        "clash",
    ),
    # a headline that tells the jihadists' assault on a city: a battle, whatever opened it
    (
        "fr",
        "Irak: les jihadistes lancent l'assaut sur Ramadi",
        "Les jihadistes de l'EI ont lancé dimanche une offensive contre les positions de l'armée à "
        "Ramadi, précédée par des attentats suicide à la voiture piégée.",
        "clash",
    ),
    # ground taken says more than the strikes that backed it
    (
        "fr",
        "Irak: les peshmergas reprennent Sinjar à l'EI",
        "Les peshmergas, appuyés par les frappes de la coalition, ont repris dimanche la ville de "
        "Sinjar aux jihadistes de l'EI.",
        "clash",
    ),
    # forces advancing in the headline, the jihadists they drive out named in the first
    # sentence: a battle, whatever fire the next sentence says they advanced under
    (
        "fr",
        "Irak: les forces spéciales entrent dans l'est de Mossoul",
        "Les forces spéciales irakiennes ont pénétré dimanche dans un quartier de l'est de "
        "Mossoul après en avoir chassé les jihadistes de l'EI. Les blindés avançaient sous les "
        "tirs de mortier qui ont tué deux soldats.",
        "clash",
    ),
    # a hostage rescue is a raid
    (
        "fr",
        "Irak: un soldat tué lors d'un raid pour libérer des otages de l'EI",
        "Un soldat a été tué dimanche lors d'un raid pour libérer des otages détenus par l'EI près "
        "de Hawija.",
        "clash",
    ),
    # Katyusha "shells" are rockets
    (
        "ar",
        "سقوط ثلاث قذائف كاتيوشا داخل مطار البصرة",
        "سقطت ثلاث قذائف كاتيوشا مساء الأحد داخل مطار البصرة الدولي.",
        "rocket",
    ),
    # a jihadist raid on a village told without a weapon is a clash, whatever weapon the
    # background names
    (
        "ar",
        "داعش يهاجم قرية في الرشاد ويقتل ثلاثة من أهاليها",
        "هاجم عناصر من داعش الأحد قرية في ناحية الرشاد جنوب غربي كركوك وقتلوا ثلاثة من أهاليها. "
        "وانسحب المهاجمون نحو الوادي. "
        "وكانت القوات قد قتلت خمسة من عناصر التنظيم بضربة جوية في المنطقة الأسبوع الماضي.",
        "clash",
    ),
    # rockets a later sentence calls ground-to-ground are missiles
    (
        "ar",
        "قصف صاروخي على مقر حزب كردي في كويسنجق",
        "استهدف قصف صاروخي الأحد مقر حزب كردي إيراني في كويسنجق بإقليم كردستان. "
        "وقال الحرس الثوري إنه استهدف المقر بسبعة صواريخ أرض - أرض.",
        "missile",
    ),
]


@pytest.mark.parametrize(("lang", "title", "text", "kind"), TYPES)
def test_attack_type(ex: Extractor, lang: str, title: str, text: str, kind: str) -> None:
    assert _run(ex, lang, title, text).attack_type == kind


# --- place: the scene of the lead, not landmarks nor background -----------------------------

PLACES = [
    # a place after "south of" is a landmark
    (
        "en",
        "IS attack kills soldiers south of Kirkuk",
        "IS militants attacked an army post near the town of Daquq, south of Kirkuk, on Sunday.",
        "city:daquq",
    ),
    (
        "fr",
        "Irak: attaque contre l'armée au sud de Kirkouk",
        "Des jihadistes ont attaqué dimanche un poste de l'armée à Daqouq, au sud de Kirkouk.",
        "city:daquq",
    ),
    (
        "ar",
        "هجوم على الجيش جنوب كركوك",
        "هاجم مسلحون الأحد نقطة للجيش في داقوق جنوب كركوك.",
        "city:daquq",
    ),
    # ... and so is the launch site
    (
        "en",
        "Rockets hit the Green Zone",
        "Rockets fired from Dora struck Baghdad's Green Zone on Sunday.",
        "site:green-zone",
    ),
    # the seat of a governorate ranks below another town of the same rank
    (
        "fr",
        "Irak: frappe de drone près de Souleimaniyeh",
        "Une frappe de drone a visé dimanche l'aérodrome d'Arbat, près de Souleimaniyeh.",
        "city:arbat",
    ),
    (
        "en",
        "Turkish strike in Duhok",
        "A Turkish drone strike hit a car near Amadiya in Duhok province on Sunday.",
        "city:amadiya",
    ),
    # the second sentence refines the first, within it
    (
        "en",
        "Rockets hit Baghdad",
        "Two rockets struck Baghdad on Sunday. One of them landed in the Green Zone.",
        "site:green-zone",
    ),
    # a place of another city in the second sentence does not replace the first's
    (
        "en",
        "Rocket hits Basra",
        "A rocket hit a house in Basra on Sunday. The Taji base was targeted in a separate attack.",
        "city:basra",
    ),
    # a place named after a background clause belongs to the earlier event
    (
        "fr",
        "Irak: frappes américaines contre le Hezbollah",
        "Les Etats-Unis ont bombardé dimanche des dépôts d'armes du Hezbollah à Jurf al-Sakhar, "
        "au lendemain de la mort de deux soldats américains à Taji.",
        "city:jurf-al-sakhar",
    ),
    # when the first sentence names only a landmark, the second sentence gives the scene
    (
        "en",
        "US strikes kill fighters south of Baghdad",
        "US strikes killed eight militia fighters south of Baghdad overnight. The strikes hit "
        "their positions in Jurf al-Sakhar, in Babil province.",
        "city:jurf-al-sakhar",
    ),
    # a road named by its towns is no scene: the town named next is
    (
        "ar",
        "العراق.. مسلحون يختطفون مسافرين على طريق كركوك",
        "اختطف مسلحون الأحد أربعة مسافرين في سيطرة وهمية شمالي العراق. "
        "وأقام المسلحون الحاجز على الطريق الذي يربط بغداد بكركوك قرب طوزخورماتو.",
        "city:tuz-khurmatu",
    ),
    # a seat of governorate stands for its governorate when the next sentence places a town in it
    (
        "ar",
        "مقتل محتج برصاص قوات الأمن",
        "قتل شاب برصاص قوات الأمن الأحد خلال تظاهرة في البصرة. "
        "وشيع أهالي قضاء المدينة شمالي محافظة البصرة جثمانه.",
        "city:midaina",
    ),
    # nor does a background sentence
    (
        "en",
        "Mortar shells hit village in Nineveh",
        "Mortar shells landed on a village in Nineveh province on Sunday, wounding two civilians. "
        "They fell near the former Q-West base once used by US forces.",
        "gov:nineveh",
    ),
]


@pytest.mark.parametrize(("lang", "title", "text", "place_id"), PLACES)
def test_place(ex: Extractor, lang: str, title: str, text: str, place_id: str) -> None:
    result = _run(ex, lang, title, text)
    assert result.place is not None and result.place.id == place_id


@pytest.mark.parametrize(
    ("name", "place_id"),
    [
        ("Ashar", "district:ashar"),
        ("العشار", "district:ashar"),
        ("Zaitoun bridge", "site:zaitoun-bridge"),
        ("جسر الزيتون", "site:zaitoun-bridge"),
        ("Ainkawa", "district:ainkawa"),
        ("Fuhud", "city:fuhud"),
        ("Sarsang oil field", "site:sarsang-field"),
        ("Tallil air base", "site:tallil-air-base"),
    ],
)
def test_gazetteer_extensions(ex: Extractor, name: str, place_id: str) -> None:
    assert ex.gazetteer.lookup(name).id == place_id


def test_governorate_seats(ex: Extractor) -> None:
    assert ex.gazetteer.is_seat("city:kirkuk") and ex.gazetteer.is_seat("city:mosul")
    assert not ex.gazetteer.is_seat("city:daquq")


# --- casualties: one toll per event, summed over victim groups -------------------------------

CASUALTIES = [
    # victim groups of one statement add up
    (
        "en",
        "Two soldiers and three civilians were killed on Sunday when a car bomb exploded in Tikrit.",
        5,
        None,
    ),
    (
        "en",
        "A roadside bomb exploded in Tikrit on Sunday, killing three soldiers and two civilians.",
        5,
        None,
    ),
    (
        "en",
        "Five civilians and a US soldier were wounded when rockets hit Erbil airport on Sunday.",
        None,
        6,
    ),
    (
        "fr",
        "Un commandant a été tué dimanche avec deux de ses gardes dans une frappe à Bagdad.",
        3,
        None,
    ),
    (
        "fr",
        "Deux Américains et une Britannique ont été tués dimanche dans une attaque à la roquette contre la base de Taji.",
        3,
        None,
    ),
    (
        "ar",
        "قتل جنديان ومدني الأحد بانفجار عبوة ناسفة في تكريت.",
        3,
        None,
    ),
    # a figure after "and" belongs to the next casualty word
    (
        "en",
        "A protester was killed and dozens wounded when police opened fire in Baghdad on Sunday.",
        1,
        20,
    ),
    (
        "fr",
        "Trois combattants du Hachd al-Chaabi ont été tués dimanche et cinq blessés dans une attaque à Tarmiyah, au nord de Bagdad.",
        3,
        5,
    ),
    (
        "fr",
        "Deux kamikazes se sont fait exploser dimanche à Bagdad, tuant 28 personnes et en blessant 73 autres, selon un bilan du ministère.",
        28,
        73,
    ),
    # groups on either side of "while" add up
    (
        "ar",
        "اندلعت الأحد اشتباكات مع داعش في مطيبيجة شمال بغداد أسفرت عن مقتل جندي وإصابة اثنين، فيما قتل ثلاثة من المسلحين.",
        4,
        2,
    ),
    # a negated casualty word says none
    (
        "fr",
        "Des roquettes sont tombées dimanche sur la base d'Aïn al-Asad. Aucun militaire n'a été blessé.",
        0,
        0,
    ),
    (
        "ar",
        "سقط صاروخان الأحد على قاعدة عين الأسد. ولم يسفر الهجوم عن إصابات.",
        0,
        0,
    ),
    (
        "ar",
        "انفجرت عبوة ناسفة الأحد على رتل للتحالف قرب السماوة العراقية دون تسجيل إصابات.",
        0,
        0,
    ),
    (
        "ar",
        "انفجرت عبوة ناسفة الأحد على رتل دعم لوجستي في الديوانية جنوب بغداد، دون تسجيل أي خسائر بشرية.",
        0,
        0,
    ),
    (
        "en",
        "A rocket hit Baghdad's Green Zone on Sunday without causing any casualties.",
        0,
        0,
    ),
    # Arabic groups: a figure after its noun, a group far from the first
    (
        "ar",
        "سقط صاروخان الأحد على قاعدة عين الأسد ما أدى إلى إصابة خمسة عسكريين أميركيين ومتعاقدين اثنين.",
        None,
        7,
    ),
    (
        "ar",
        "قتل قيادي بارز في كتائب حزب الله واثنان من مرافقيه الأحد بضربة أميركية في بغداد.",
        3,
        None,
    ),
    # people without a figure: the toll is not stated
    (
        "en",
        "Missiles hit Ain al-Asad air base on Sunday, wounding several US personnel. An Iraqi soldier was also wounded.",
        None,
        None,
    ),
    (
        "fr",
        "Des missiles ont été tirés dimanche sur la base d'Aïn al-Asad, blessant un certain nombre de militaires américains.",
        None,
        None,
    ),
    (
        "fr",
        "Des roquettes ont visé dimanche la base de Taji. Aucun bilan n'était disponible.",
        None,
        None,
    ),
    # a singular casualty verb is one victim
    (
        "en",
        "The activist was shot dead outside his home in Karbala on Sunday.",
        1,
        None,
    ),
    (
        "ar",
        "أصيب مدير دائرة حكومية الأحد بانفجار عبوة لاصقة في الكوت العراقية ما أدى إلى إصابته بجروح.",
        None,
        1,
    ),
    # a precise count beats a vague one
    (
        "ar",
        "قتل 11 مدنيا وأصيب عشرات الأحد بهجوم لداعش على قرية في ديالى. وأصيب 15 شخصا.",
        11,
        15,
    ),
    # casualty words after a past marker of their sentence are an earlier event's
    (
        "en",
        "Rockets hit the Taji base on Sunday, wounding two soldiers, a day after an attack killed three.",
        None,
        2,
    ),
    # the other toll's figure, verbs between it and its word, is not a victim group
    (
        "en",
        "One policeman was killed and 18 others were wounded when a bomb exploded in Mosul on Sunday.",
        1,
        18,
    ),
    (
        "fr",
        "Un soldat a été tué et 18 autres ont été blessés dimanche dans l'explosion d'une bombe à Mossoul.",
        1,
        18,
    ),
]


@pytest.mark.parametrize(("lang", "text", "killed", "wounded"), CASUALTIES)
def test_casualties(
    ex: Extractor, lang: str, text: str, killed: int | None, wounded: int | None
) -> None:
    result = _run(ex, lang, "", text)
    assert (result.killed, result.wounded) == (killed, wounded)


# --- tallies, Arabic forms, text cleaning -----------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "title", "text"),
    [
        (
            "fr",
            "Irak: roquettes sur Taji, la 21e attaque contre des intérêts américains",
            "Des roquettes ont visé dimanche la base de Taji, la 21e attaque contre des intérêts "
            "américains en Irak depuis le 28 octobre.",
        ),
        (
            "ar",
            "صواريخ على التاجي في الهجوم الـ21 على المصالح الأميركية",
            "استهدفت صواريخ الأحد معسكر التاجي، في الهجوم الـ21 ضد المصالح الأميركية في العراق "
            "منذ 28 تشرين الأول/أكتوبر.",
        ),
    ],
)
def test_tally_takes_its_start_date_from_a_later_sentence(
    ex: Extractor, lang: str, title: str, text: str
) -> None:
    tally = _run(ex, lang, title, text).reported_tally
    assert tally is not None and tally.n == 21
    assert tally.since is not None and (tally.since.month, tally.since.day) == (10, 28)


@pytest.mark.parametrize(
    ("term", "written"),
    [
        ("الحشد", "للحشد"),  # the article's alef drops after "ل"
        ("عبوة ناسفة", "العبوة الناسفة"),  # a definite phrase carries the article on every word
        ("قذائف هاون", "بقذائف الهاون"),
    ],
)
def test_arabic_word_forms_match_their_term(term: str, written: str) -> None:
    assert fold(written) in arabic_variants(fold(term)) or any(
        fold(written).endswith(v) for v in arabic_variants(fold(term))
    )
    matcher = Matcher([(term, Tag("term", "x", "", "ar"))])
    text = clean(f"سقطت {written} أمس")
    assert [h.tag.category for h in matcher.scan(fold(text), text, "ar")] == ["x"]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # French guillemets set off a word inside the phrase: the phrase still reads, and the
        # hit lies in the text as written
        ("une « vague » d'assassinats dans le sud", ["vague » d'assassinats"]),
        ("« vague d'assassinats » au sud", ["vague d'assassinats"]),
        # straight quotes and closed guillemets end a quotation: no phrase runs across them
        ('une "vague" d\'assassinats', []),
        ("une «vague» d'assassinats", []),
    ],
)
def test_a_phrase_reads_across_french_guillemets(text: str, found: list[str]) -> None:
    matcher = Matcher([("vague d'assassinats", Tag("negative", "negative", "recap", "fr"))])
    cased = clean(text)
    hits = matcher.scan(fold(cased), cased, "fr")
    assert [cased[h.start : h.end] for h in hits] == found


def test_latin_words_have_no_arabic_variants() -> None:
    assert arabic_variants("roadside bomb") == ("roadside bomb",)


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("İSTANBUL", "istanbul"),  # the one letter whose lower case is two characters
        ("ÉTATS-UNIS", "etats unis"),
        ("ẞ Å", "s a"),  # capital sharp s and the angstrom sign fold like their letters
        ("إصابة جنديين", "اصابه جنديين"),
    ],
)
def test_fold_after_lower_keeps_length(raw: str, folded: str) -> None:
    assert fold(raw) == folded and len(fold(raw)) == len(raw)


@pytest.mark.parametrize(
    ("text", "starts"),
    [
        ("Rockets hit. Two died.", [0, 13]),
        ("The U.S. Embassy was hit. Nobody died.", [0, 26]),
        ("Lt. Smith said so. Then he left.", [0, 19]),
        ("Brig. Gen. Pat Ryder said so. Then he left.", [0, 30]),
        ("Attacked 60 times since Oct. 17, he said. Then.", [0, 42]),
        ("سقط صاروخ. لا إصابات.", [0, 11]),
        # An Arabic paper's turn to another story starts a sentence, with or without a stop.
        ("سقط صاروخ على القاعدة من جهة أخرى اعتقل مطلوب", [0, 22]),
        ("سقط صاروخ. وفي سياق متصل أعلن الجيش", [0, 11]),
        ("وإلى ذلك أعلن الجيش", [0]),
        ("سقط صاروخ على حي الى ذلكم البيت", [0]),  # not the connective
        # An agency's initials are no sentence end.
        ("وقالت المصادر لوكالة (د. ب. أ) إن صاروخا سقط. ثم", [0, 46]),
    ],
)
def test_sentence_starts(text: str, starts: list[int]) -> None:
    assert sentence_starts(text) == starts
