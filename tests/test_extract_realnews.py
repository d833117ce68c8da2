"""Rules learnt from real news, on sentences written for these tests.

Real news names Iraq's places in stories that are not about Iraq (a first name, a plural noun, a
camp in Myanmar, every capital's US embassy), names countries that act rather than places where
things happen ("Turkey strikes"), and reports tallies, round-ups, reactions and features in the
vocabulary of attacks. The cases below are the kinds the real-news benchmark (bench/realflow.py)
found; the sentences are ours.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.errors import ConfigError
from crawler.extract import Extractor
from crawler.extract.gazetteer import target_periods_of
from crawler.extract.relevance import DECISIVE, DECISIVE_AT_LEAST, Weights, weight_bounds

SUNDAY = datetime(2020, 2, 16, 7, 0, tzinfo=UTC)


def _relevant(ex: Extractor, lang: str, title: str, text: str):
    got = ex.extract(title, text, SUNDAY, lang=lang)
    assert got.relevant, (got.reason, got.score)
    return got


def _not_relevant(ex: Extractor, lang: str, title: str, text: str):
    got = ex.extract(title, text, SUNDAY, lang=lang)
    assert not got.relevant, got
    return got


# --- a place of Iraq counts only in a story set in Iraq -------------------------------------


@pytest.mark.parametrize(
    ("lang", "title", "text"),
    [
        # a first name, in a story with no word of Iraq
        ("en", "Badra shot at outside her home", "Gunmen fired at the writer Badra on Sunday."),
        # "drunk" in Arabic is the name of an Iraqi town
        ("ar", "إطلاق نار في حانة", "أطلق مسلح مخمور النار الأحد على رواد حانة فأصاب ثلاثة."),
        # "the road leading to" is written like Mosul
        ("ar", "محتجون يغلقون طريقا", "أغلق محتجون الأحد الطريق الموصل إلى الحي وأحرقوا إطارات."),
        # a camp of that name in Myanmar
        ("en", "Jets bomb Camp Victoria", "Military jets bombed Camp Victoria on Sunday."),
    ],
)
def test_a_place_name_alone_does_not_set_a_story_in_iraq(ex, lang, title, text):
    got = _not_relevant(ex, lang, title, text)
    assert got.place is None or got.place.country != "IQ"


@pytest.mark.parametrize(
    ("lang", "title", "text", "place_id"),
    [
        (
            "en",
            "Gunmen kill two in Badra",
            "Gunmen killed two Iraqi policemen in Badra on Sunday.",
            "city:badra",
        ),  # fmt: skip
        ("ar", "هجوم في مخمور", "قتل جنديان عراقيان الأحد بهجوم لداعش قرب مخمور.", "city:makhmour"),
        (
            "en",
            "Rockets hit Camp Victory",
            "Rockets struck Camp Victory near Baghdad on Sunday.",
            "site:camp-victory",
        ),  # fmt: skip
    ],
)
def test_the_same_names_count_in_a_story_set_in_iraq(ex, lang, title, text, place_id):
    assert _relevant(ex, lang, title, text).place.id == place_id


@pytest.mark.parametrize(
    ("lang", "title", "text"),
    [
        (
            "en",
            "Two Iraqi soldiers killed in clash with militants",
            "Two Iraqi soldiers were killed on Sunday in a clash with Islamic State militants, "
            "the army said.",
        ),
        ("ar", "مقتل جنديين عراقيين بهجوم لداعش", "قتل جنديان عراقيان الأحد بهجوم شنه مسلحو داعش."),
    ],
)
def test_iraqi_victims_without_a_place_set_the_story_in_iraq(ex, lang, title, text):
    assert ex.extract(title, text, SUNDAY, lang=lang).place.id == "country:iraq"


@pytest.mark.parametrize(
    ("lang", "title", "text"),
    [
        (
            "en",
            "Former MP kidnapped by gunmen in Baghdad",
            "Gunmen abducted a former member of parliament in Baghdad's Karrada district on "
            "Sunday, police said.",
        ),
        (
            "fr",
            "Irak: un ancien député enlevé par des hommes armés à Bagdad",
            "Un ancien député a été enlevé dimanche par des hommes armés dans le quartier de "
            "Karrada, au centre de Bagdad, a indiqué la police.",
        ),
    ],
)
def test_a_former_official_attacked_today_is_news(ex, lang, title, text):
    _relevant(ex, lang, title, text)


@pytest.mark.parametrize(
    ("lang", "title", "text"),
    [
        (
            "en",
            "Turkish artillery pounds PKK positions in northern Iraq",
            "Turkish artillery shelled positions of the PKK near Amadiya in Duhok province on "
            "Sunday, local officials said.",
        ),
        (
            "fr",
            "L'artillerie turque pilonne des positions du PKK dans le nord de l'Irak",
            "L'artillerie turque a pilonné dimanche des positions du PKK près d'Amadiya, dans la "
            "province de Dohouk, selon des responsables locaux.",
        ),
        (
            "ar",
            "المدفعية التركية تقصف مواقع للعمال الكردستاني شمال العراق",
            "قصفت المدفعية التركية الأحد مواقع لحزب العمال الكردستاني قرب العمادية في محافظة دهوك.",
        ),
    ],
)
def test_artillery_fire_is_indirect_fire(ex, lang, title, text):
    got = _relevant(ex, lang, title, text)
    assert got.attack_type == "mortar" and got.place.governorate == "Dohuk"


def test_a_bombardment_by_warplanes_is_an_airstrike(ex):
    got = _relevant(
        ex,
        "en",
        "Two shepherds killed in Turkish bombardment in Amedi",
        "Two shepherds were killed on Sunday when Turkish warplanes bombed pastures near a "
        "village of Amedi district in Iraq's Kurdistan Region, officials said.",
    )
    assert got.attack_type == "airstrike" and got.claimed_by == "Turkey"


@pytest.mark.parametrize(
    "opening",
    ["بغداد - ", "صحيفة النهار – بغداد ", "بغداد/ "],
)
def test_the_city_an_arabic_story_is_filed_from_is_not_its_scene(ex, opening):
    got = _relevant(
        ex,
        "ar",
        "مقتل ثلاثة جنود بهجوم لداعش",
        opening + "قتل ثلاثة جنود عراقيين اليوم الأحد بهجوم شنه مسلحو داعش في محافظة ديالى.",
    )
    assert got.place.id == "gov:diyala"


@pytest.mark.parametrize(
    ("lang", "title", "claimant"),
    [
        ("en", "Islamic Resistance in Iraq claims drone attack on US base in Erbil", "Islamic "
         "Resistance in Iraq"),
        ("en", "Rocket attack on US embassy in Baghdad claimed by Kataib Hezbollah",
         "Kataeb Hezbollah"),
        ("fr", "L'EI revendique l'attentat contre un marché de Bagdad", "Islamic State group"),
        ("fr", "Attentat à Bagdad revendiqué par l'EI contre des soldats américains",
         "Islamic State group"),
    ],
)  # fmt: skip
def test_the_claimant_is_the_subject_of_an_active_claim(ex, lang, title, claimant):
    assert ex.extract(title, "", SUNDAY, lang=lang).claimed_by == claimant


def test_a_pro_iran_commander_struck_by_a_drone_is_no_iranian_strike(ex):
    got = ex.extract(
        "Drone strike kills pro-Iran commander near Baghdad airport",
        "A drone strike killed a commander of an Iran-backed faction near Baghdad airport on "
        "Sunday, security sources said.",
        SUNDAY,
        lang="en",
    )
    assert got.attack_type == "airstrike" and got.claimed_by is None


def test_an_event_months_old_named_by_its_month_weighs_against_a_report(ex):
    july = datetime(2023, 7, 6, 12, 0, tzinfo=UTC)
    title = "Aid worker kidnapped in Iraq"
    old = ex.read(title, "At the end of March, an aid worker was kidnapped in Baghdad.", july, "en")
    new = ex.read(title, "On Thursday, an aid worker was kidnapped in Baghdad.", july, "en")
    assert "first:old_date" in old.verdict.signals
    assert old.verdict.score < new.verdict.score
    # "Sept morts" is seven dead, not September
    assert (
        "title:old_date"
        not in ex.read(
            "Sept morts dans un attentat à Kirkouk", "", datetime(2012, 12, 24, tzinfo=UTC), "fr"
        ).verdict.signals
    )


@pytest.mark.parametrize(
    ("lang", "title", "text"),
    [
        (
            "en",
            "US drone strike kills Iranian general at Baghdad airport",
            "The strike hit two cars at Baghdad International Airport early on Sunday, the "
            "Pentagon said.",
        ),
        (
            "fr",
            "Un général iranien tué dans un raid américain à l'aéroport de Bagdad",
            "Un général iranien a été tué dimanche dans un raid américain à l'aéroport "
            "international de Bagdad, a annoncé le Pentagone.",
        ),
        (
            "ar",
            "مقتل جنرال إيراني بضربة أمريكية قرب مطار بغداد",
            "قتل جنرال إيراني فجر الأحد في ضربة جوية أمريكية قرب مطار بغداد الدولي.",
        ),
    ],
)
def test_a_us_air_raid_near_a_base_with_us_troops_is_no_attack_on_them(ex, lang, title, text):
    got = _relevant(ex, lang, title, text)
    assert got.attack_type == "airstrike" and not got.us_interest


@pytest.mark.parametrize(
    ("published", "us_interest"),
    [
        (datetime(2012, 11, 4, 9, 0, tzinfo=UTC), False),  # no US troops at Taji then
        (datetime(2017, 11, 5, 9, 0, tzinfo=UTC), True),  # the coalition trained there
    ],
)
def test_a_base_is_a_us_target_only_while_it_hosts_us_troops(ex, published, us_interest):
    got = ex.extract(
        "Car bomb hits Camp Taji",
        "A car bomb exploded on Sunday at the gate of Camp Taji, north of Baghdad, police said.",
        published,
        lang="en",
    )
    assert got.relevant and got.us_interest is us_interest, (got.target, got.reason)


def test_a_malformed_target_period_names_the_entry():
    with pytest.raises(ConfigError) as info:
        target_periods_of({"id": "site:x", "target_periods": [["2020-01-01"]]})
    assert "site:x: target_periods must be a list of [from, until] dates" in info.value.problems[0]


def test_the_us_embassy_of_another_capital_is_not_baghdads(ex):
    got = _not_relevant(
        ex,
        "en",
        "Shots fired outside US embassy in Manila",
        "A gunman fired shots outside the US embassy in Manila on Sunday, police said. The "
        "embassy also followed the attacks on its mission in Iraq last year.",
    )
    assert got.reason in ("outside_iraq", "not_in_iraq", "past")


@pytest.mark.parametrize(
    ("lang", "title", "text"),
    [
        (
            "en",
            "Protesters storm Swedish embassy in Baghdad",
            "Hundreds of protesters stormed and set fire to Sweden's embassy in Baghdad early "
            "on Sunday.",
        ),
        (
            "fr",
            "Des manifestants prennent d'assaut l'ambassade de Suède à Bagdad",
            "Des centaines de manifestants ont pris d'assaut et incendié dimanche l'ambassade "
            "de Suède à Bagdad.",
        ),
        (
            "ar",
            "محتجون يقتحمون السفارة السويدية في بغداد",
            "اقتحم مئات المحتجين فجر الأحد السفارة السويدية في بغداد وأضرموا النار فيها.",
        ),
    ],
)
def test_another_countrys_embassy_is_no_us_interest(ex, lang, title, text):
    got = _relevant(ex, lang, title, text)
    assert got.target != "us_embassy" and not got.us_interest


@pytest.mark.parametrize(
    ("lang", "title", "text"),
    [
        (
            "en",
            "Rockets fall near embassy in Baghdad",
            "Three rockets fell near the embassy in Baghdad on Sunday, a US military source said.",
        ),
        (
            "fr",
            "Roquettes près de l'ambassade à Bagdad",
            "Trois roquettes sont tombées dimanche près de l'ambassade à Bagdad, selon une "
            "source militaire américaine.",
        ),
    ],
)
def test_the_embassy_of_a_story_that_names_the_us_is_the_us_embassy(ex, lang, title, text):
    got = _relevant(ex, lang, title, text)
    assert got.target == "us_embassy" and got.us_interest


@pytest.mark.parametrize(
    ("lang", "title", "text", "place_id"),
    [
        (
            "en",
            "Drone attack targets Harir base",
            "A drone attack targeted Harir air base, which hosts coalition troops, on Sunday, "
            "Kurdish officials said.",
            "site:harir-base",
        ),
        (
            "fr",
            "Une attaque de drone vise la base de Harir",
            "Un drone a visé dimanche la base aérienne de Harir, qui abrite des soldats de la "
            "coalition, selon des responsables kurdes.",
            "site:harir-base",
        ),
    ],
)
def test_a_base_named_in_full_sets_the_story_in_iraq(ex, lang, title, text, place_id):
    assert _relevant(ex, lang, title, text).place.id == place_id


@pytest.mark.parametrize(
    ("lang", "title", "text"),
    [
        (
            "en",
            "Security forces kill protesters in Najaf",
            "Security forces shot dead four protesters in the Iraqi city of Najaf on Sunday, "
            "medics said.",
        ),
        (
            "ar",
            "قوات الأمن تقتل متظاهرين في النجف",
            "قتلت قوات الأمن أربعة متظاهرين في مدينة النجف العراقية الأحد، وفق مصادر طبية.",
        ),
    ],
)
def test_who_kills_is_not_the_target(ex, lang, title, text):
    assert _relevant(ex, lang, title, text).target == "protesters"


@pytest.mark.parametrize(
    ("lang", "title", "text", "not_target"),
    [
        # who was spared is no target
        (
            "en",
            "US forces kill five militants about to launch drone near Kirkuk",
            "The US military said it killed five militants at a drone launch site near Kirkuk on "
            "Sunday. No US or coalition forces were hurt.",
            "coalition",
        ),
        # who told the headline is no target, after a dash or before a colon
        (
            "en",
            "Blast kills three in Mosul - official",
            "A blast killed three people in Mosul on Sunday.",
            "government",
        ),
        (
            "en",
            "Iraqi officials: gunmen kill five farmers north of Baghdad",
            "Gunmen killed five farmers in a village of Salahuddin province on Sunday, officials "
            "said.",
            "government",
        ),
        # whose strikes they were
        (
            "fr",
            "Irak: combats à Ramadi, appuyés par des frappes de la coalition",
            "De violents combats ont opposé dimanche les forces irakiennes aux jihadistes à "
            "Ramadi, appuyées par des frappes de la coalition. Au moins 20 soldats ont été tués.",
            "coalition",
        ),
    ],
)
def test_the_spared_the_source_and_the_air_force_are_not_targets(ex, lang, title, text, not_target):
    got = _relevant(ex, lang, title, text)
    assert got.target != not_target and not got.us_interest


@pytest.mark.parametrize(
    ("lang", "title", "text", "place_id"),
    [
        # the hospital the wounded died in is not where they were hit
        (
            "fr",
            "Irak: cinq soldats tués dans une embuscade au nord de Bagdad",
            "Cinq soldats ont été tués dimanche dans une embuscade au nord de Bagdad. Deux blessés "
            "ont succombé dans la nuit à l'hôpital de Kadhimiya.",
            "city:baghdad~0",
        ),
        (
            "en",
            "Bomb kills two soldiers in Iraq",
            "A roadside bomb killed two Iraqi soldiers on Sunday. Three wounded soldiers were "
            "taken to a hospital in Kadhimiya, police said.",
            "country:iraq",
        ),
        # the governorate's building stands in its seat
        (
            "ar",
            "مقتل متظاهر أمام مبنى محافظة البصرة",
            "قتل متظاهر الأحد بإطلاق نار خلال تظاهرة أمام مبنى محافظة البصرة.",
            "city:basra",
        ),
        # the town is the scene; the district it belongs to only says where the town is
        (
            "ar",
            "مقتل شرطيين بانفجار عبوة ناسفة قرب السعدية التابعة لقضاء خانقين",
            "قتل شرطيان الأحد بانفجار عبوة ناسفة استهدفت دوريتهما.",
            "city:saadiya",
        ),
        (
            "ar",
            "ديالى.. مقتل شرطيين بانفجار عبوة في خانقين",
            "قتل شرطيان بانفجار عبوة ناسفة في قضاء خانقين.\n\nوقال مصدر أمني إن العبوة انفجرت "
            "صباح الأحد على دورية قرب ناحية جلولاء التابعة لقضاء خانقين.",
            "city:jalawla",
        ),
        # where the attackers fled is no scene, nor the outlet named for a city a source spoke to
        (
            "en",
            "IS attack kills three PMF fighters in Mutaibija",
            "Three Iraqi PMF fighters were killed in an IS attack on their post in Mutaibija on "
            "Sunday, and the attackers fled towards the Hamrin mountains, a source said.",
            "city:mutaibijah",
        ),
        (
            "ar",
            "مقتل شرطي بانفجار عبوة ناسفة",
            "قتل شرطي الأحد بانفجار عبوة ناسفة استهدفت دوريته.\n\nبغداد اليوم – ديالى\nأفاد مصدر "
            "أمني في حديث لـ بغداد اليوم بأن العبوة انفجرت صباحا.",
            "gov:diyala",
        ),
        # the dateline is not in the part of the country the lead names
        (
            "en",
            "Rockets fired at base hosting US troops",
            "BAGHDAD (AP) — Rockets were fired on Sunday at an air base in western Iraq that hosts "
            "U.S. troops, officials said.",
            "country:iraq",
        ),
        (
            "en",
            "Bomb kills three soldiers",
            "MOSUL, Iraq (AP) — A roadside bomb killed three soldiers in northern Iraq on Sunday, "
            "officials said.",
            "city:mosul",
        ),
        (
            "en",
            "Shelling kills five at Kurdish mountain resort",
            "BAGHDAD (AP) — Artillery shells struck a mountain resort in Iraq's northern Kurdish "
            "region on Sunday, killing five tourists, officials said.",
            "country:iraq",
        ),
        # the country named for its border is seen from this side of it
        (
            "en",
            "Drone strike kills militia commander near Syria border: officials",
            "BAGHDAD (Reuters) - A drone struck a car near the town of al-Qaim on the Syrian "
            "border on Sunday, killing a paramilitary commander, officials said.",
            "city:al-qaim",
        ),
        # where the victims were coming from is not where they were hit
        (
            "ar",
            "مقتل 12 زائرا بتفجير حافلة قرب الحلة",
            "قتل 12 زائرا الأحد بتفجير عبوة ناسفة استهدف حافلة تقل زوارا عائدين من كربلاء قرب "
            "الحلة.",
            "city:hilla",
        ),
        # Kurdish officials are no part of the country
        (
            "en",
            "Rocket hits base",
            "BAGHDAD (AP) — A rocket struck a base in Iraq, Kurdish officials said on Sunday, "
            "causing no casualties.",
            "city:baghdad",
        ),
        (
            "en",
            "Rocket hits base in Kurdistan Region",
            "BAGHDAD (AP) — A rocket struck a military base in the Kurdistan Region on Sunday, "
            "causing no casualties, officials said.",
            "country:iraq",
        ),
    ],
)
def test_the_scene_is_where_the_act_happened_not_a_place_named_beside_it(
    ex, lang, title, text, place_id
):
    assert _relevant(ex, lang, title, text).place.id == place_id


@pytest.mark.parametrize(
    ("lang", "title", "text"),
    [
        (
            "en",
            "Car bomb kills 24 in Baquba",
            "A car bomb killed 24 people in the Yarmouk district of the Iraqi city of Baquba on "
            "Sunday, police said.",
        ),
        (
            "ar",
            "مقتل 24 عراقيا في تفجير ببعقوبة",
            "قتل 24 شخصا الأحد في تفجير سيارة مفخخة في حي اليرموك بمدينة بعقوبة العراقية.",
        ),
    ],
)
def test_a_quarter_named_like_one_of_baghdad_is_in_the_city_the_lead_names(ex, lang, title, text):
    got = _relevant(ex, lang, title, text)
    assert got.place.id == "city:baqubah" and got.place.governorate == "Diyala"


# --- a foreign place locates a story where things happen, not where someone acts -------------


@pytest.mark.parametrize(
    ("lang", "title", "text"),
    [
        (
            "en",
            "Gunman kills three near Christmas market in Strasbourg",
            "A gunman opened fire near a Christmas market in Strasbourg on Sunday, killing three "
            "people. The Islamic State group, which also fights in Iraq, claimed the attack.",
        ),
        (
            "fr",
            "Syrie : des roquettes visent une base américaine",
            "Des roquettes ont visé dimanche une base américaine près de Deir Ezzor. Des "
            "factions irakiennes sont soupçonnées.",
        ),
        (
            "ar",
            "تركيا: مقتل جنديين بتفجير في ديار بكر",
            "قتل جنديان تركيان الأحد بتفجير سيارة مفخخة في ديار بكر، بحسب مصادر أمنية عراقية.",
        ),
        (
            "en",
            "Shooting at US consulate in Istanbul",
            "Gunmen opened fire on the US consulate in Istanbul on Sunday. Iraqi officials "
            "condemned the attack.",
        ),
        (
            "en",
            "Rocket that hit US base in Syria was fired by Iran-backed militias in Iraq",
            "A rocket that struck a US base in eastern Syria on Sunday was fired by militias in "
            "Iraq, officials said.",
        ),
        (
            "fr",
            "Une base américaine visée en Syrie par des milices en Irak",
            "Une base américaine a été visée dimanche en Syrie par des drones de milices en Irak, "
            "selon Washington.",
        ),
        (
            "ar",
            "الفصائل في العراق تستهدف قاعدة أمريكية في سوريا",
            "استهدفت طائرة مسيرة للفصائل في العراق الأحد قاعدة أمريكية في سوريا، بحسب مصادر.",
        ),
        # Iraq named only for its border, the foreign place unknown to the gazetteer
        (
            "en",
            "Three rebels killed in clashes with Turkish troops",
            "Three Kurdish rebels were killed on Sunday in clashes with Turkish troops in the "
            "mountains of the southeast, near the border with Iraq, local officials said.",
        ),
        (
            "ar",
            "مقتل ثلاثة متمردين أكراد في اشتباكات مع الجيش التركي",
            "قتل ثلاثة متمردين أكراد الأحد في اشتباكات مع الجيش التركي في جنوب شرقي البلاد، "
            "قرب الحدود مع العراق، بحسب السلطات المحلية.",
        ),
        # Iraq named as the theatre of a war the story recalls, beside the scene abroad
        (
            "en",
            "Hotel bombing kills six",
            "A bomb killed six people at a hotel in Nairobi on Friday, an attack on a country "
            "that sent troops to the war in Iraq, police said.",
        ),
        (
            "fr",
            "Un attentat tue six personnes dans un hôtel de Nairobi",
            "Six personnes ont été tuées vendredi par une bombe dans un hôtel à Nairobi, dans un "
            "pays engagé dans la guerre en Irak, selon la police.",
        ),
        (
            "ar",
            "مقتل ستة في تفجير استهدف فندقا",
            "قتل ستة أشخاص الجمعة في تفجير استهدف فندقا في نيروبي، البلد الذي شارك في الحرب على "
            "العراق، بحسب الشرطة.",
        ),
        # The provinces and war-torn towns of Iraq's neighbours, named in the lead's own words
        (
            "ar",
            "الخارجية العراقية تدين هجوما انتحاريا على مصلين في منطقة عسير",
            "دانت وزارة الخارجية العراقية السبت الهجوم الانتحاري الذي أوقع 11 قتيلا بين المصلين "
            "في منطقة عسير، وعبرت عن تضامنها مع ذوي الضحايا.",
        ),
        (
            "ar",
            "مقتل 12 بقصف على مدينة حماة",
            "قتل 12 مدنيا الاثنين بقصف صاروخي على مدينة حماة، بحسب مصادر محلية، فيما تواصل "
            "الفصائل المدعومة من العراق وإيران القتال في ريف حماة.",
        ),
        (
            "fr",
            "Six morts dans un attentat à la voiture piégée à Afrine",
            "Six personnes ont été tuées mardi par l'explosion d'une voiture piégée à Afrine, "
            "selon une ONG. Bagdad a condamné l'attentat.",
        ),
        (
            "en",
            "Car bomb kills 9 in Marib",
            "A car bomb killed nine soldiers on Monday in Marib, officials said. Iraq condemned "
            "the attack.",
        ),
        # the place an act of violence is aimed at is its scene, named without "in"
        (
            "en",
            "Israel strikes Gaza after rocket fire; Iraqi factions vow support",
            "Israeli jets pounded Gaza on Sunday after rockets were fired from the strip, while "
            "armed factions in Iraq voiced support. In Baghdad, the government called for calm.",
        ),
        (
            "en",
            "Iraq's prime minister urges an end to the bombardment of Gaza",
            "The Iraqi prime minister called on Sunday for an end to the bombardment of the Gaza "
            "Strip that has killed hundreds, in a call with the UN chief.",
        ),
        (
            "ar",
            "غارات إسرائيلية على غزة والفصائل العراقية تعلن تضامنها",
            "شنت طائرات إسرائيلية الأحد غارات على غزة أوقعت عشرات القتلى، فيما أعلنت فصائل "
            "عراقية تضامنها. وفي بغداد دعت الحكومة إلى التهدئة.",
        ),
        # fire aimed at a foreign city, filed from a paper's Baghdad desk
        (
            "ar",
            "الحوثيون يطلقون صواريخ باتجاه الرياض",
            "أطلقت جماعة الحوثي الأحد صواريخ باتجاه الرياض اعترضتها الدفاعات السعودية.\n\n"
            "السومرية نيوز/ بغداد\nقال المتحدث باسم التحالف إن الدفاعات اعترضت الصواريخ.",
        ),
        # Iraq in the name of the group that claims it, not where it happened
        (
            "fr",
            "Amman: Al-Qaïda en Irak revendique l'attentat contre un hôtel",
            "AMMAN, 12 mai 2005 (AFP) - Al-Qaïda en Irak a revendiqué dimanche l'attentat suicide "
            "qui a fait 20 morts la veille dans un hôtel d'Amman.",
        ),
    ],
)
def test_an_attack_abroad_is_not_an_iraqi_incident(ex, lang, title, text):
    assert _not_relevant(ex, lang, title, text).reason in ("outside_iraq", "not_in_iraq")


@pytest.mark.parametrize(
    ("lang", "title", "text"),
    [
        (
            "en",
            "Turkey strikes PKK hideouts, kills five",
            "Turkish jets struck PKK hideouts in northern Iraq on Sunday, killing five "
            "fighters, the defence ministry in Ankara said.",
        ),
        (
            "ar",
            "تركيا تقصف مواقع للعمال الكردستاني",
            "قصفت الطائرات التركية الأحد مواقع لحزب العمال الكردستاني في شمال العراق، ما أسفر "
            "عن مقتل خمسة مسلحين.",
        ),
    ],
)
def test_a_country_that_acts_is_no_scene(ex, lang, title, text):
    got = _relevant(ex, lang, title, text)
    assert got.attack_type == "airstrike" and got.claimed_by == "Turkey"


def test_a_us_strike_is_claimed_by_the_united_states(ex):
    got = _relevant(
        ex,
        "en",
        "US strikes hit Kataeb Hezbollah in Jurf al-Sakhar",
        "US airstrikes hit Kataeb Hezbollah positions in Iraq's Jurf al-Sakhar early on Sunday, "
        "killing two fighters, officials said.",
    )
    assert got.claimed_by == "United States" and got.place.id == "city:jurf-al-sakhar"


@pytest.mark.parametrize(
    ("lang", "title", "text"),
    [
        (
            "ar",
            "مقتل قيادي في داعش بغارة لطيران التحالف الدولي قرب الحويجة",
            "قتل قيادي في تنظيم داعش الأحد بغارة لطيران التحالف الدولي استهدفت سيارته قرب "
            "الحويجة جنوب غربي كركوك، بحسب مصدر أمني.",
        ),
        (
            "fr",
            "Irak: un chef de l'EI tué par une frappe de la coalition près de Hawija",
            "Un chef du groupe Etat islamique a été tué dimanche par une frappe aérienne de la "
            "coalition internationale contre sa voiture près de Hawija, selon la police.",
        ),
    ],
)
def test_a_coalition_strike_is_claimed_by_the_united_states(ex, lang, title, text):
    # the coalition is a striker, not a target, and the same air force as "US-led" strikes
    got = _relevant(ex, lang, title, text)
    assert got.attack_type == "airstrike" and got.claimed_by == "United States"
    assert got.target != "coalition"


def test_the_striker_is_the_state_named_beside_the_strike(ex):
    # the victim's country comes first in the headline; the strike's is the one beside it
    got = _relevant(
        ex,
        "fr",
        "Le général iranien Soleimani tué dans une frappe américaine à Bagdad",
        "Le général iranien Qassem Soleimani a été tué dimanche dans une frappe américaine à "
        "l'aéroport de Bagdad, a annoncé le Pentagone.",
    )
    assert got.claimed_by == "United States"


def test_a_state_named_as_whose_the_victim_is_is_not_the_striker(ex):
    # the first flash names only the general's country: no striker, so that it joins the
    # reports that name the United States rather than open an Iranian air raid of its own
    got = _relevant(
        ex,
        "en",
        "Iraqi TV says Iran's Gen. Soleimani killed in airstrike at Baghdad airport",
        "Iranian Quds Force commander Qassem Soleimani was killed in an airstrike at Baghdad "
        "airport early on Sunday, Iraqi state television said.",
    )
    assert got.attack_type == "airstrike" and got.claimed_by is None
    later = _relevant(
        ex,
        "en",
        "US general says American airstrikes killed Iran's Soleimani in Baghdad",
        "A US general said American airstrikes killed Iran's top general Qassem Soleimani near "
        "Baghdad airport early on Sunday.",
    )
    assert later.claimed_by == "United States"


@pytest.mark.parametrize(
    ("lang", "title", "text", "target"),
    [
        # protesters shot in the Green Zone: the embassies there are not what was aimed at
        (
            "en",
            "Protesters shot dead in Baghdad's Green Zone",
            "Security forces shot dead four protesters who broke into Baghdad's Green Zone on "
            "Sunday, medics said.",
            "protesters",
        ),
        # a political alliance ("تحالف سائرون") is not the US-led coalition
        (
            "ar",
            "انفجار عبوة ناسفة قرب مقر تحالف سائرون في بغداد",
            "انفجرت عبوة ناسفة الأحد قرب مقر تحالف سائرون في حي الكرادة ببغداد دون وقوع إصابات.",
            None,
        ),
        (
            "en",
            "Rockets hit Fatah coalition office in Basra",
            "Two rockets hit the office of the Fatah coalition in Basra on Sunday, police said.",
            "government",
        ),
        # AFP's gloss of the Hashed names the Hashed
        (
            "en",
            "Bomb hits Hashed office in Basra",
            "A bomb exploded on Sunday at an office of the Hashed al-Shaabi, a coalition of mostly "
            "Shiite paramilitaries, in Basra, police said.",
            "pmf",
        ),
        (
            "fr",
            "Irak: une bombe contre un bureau à Bassora",
            "Une bombe a explosé dimanche devant un bureau de la coalition de paramilitaires Hachd "
            "al-Chaabi à Bassora, selon la police.",
            "pmf",
        ),
    ],
)
def test_another_coalition_is_no_us_interest(ex, lang, title, text, target):
    got = _relevant(ex, lang, title, text)
    assert got.target == target and not got.us_interest


# --- reports of new events, and the stories that only share their words ----------------------


@pytest.mark.parametrize(
    ("lang", "title", "text"),
    [
        # a tally of strikes in two countries
        (
            "en",
            "Coalition conducts 23 airstrikes against IS in Iraq and Syria",
            "The US-led coalition carried out 23 airstrikes against Islamic State targets in "
            "Iraq and Syria on Saturday, it said on Sunday.",
        ),
        # a reaction days after
        (
            "en",
            "Iraq condemns rocket attack on Baghdad airport",
            "Iraq's foreign ministry on Sunday condemned the rocket attack that hit Baghdad "
            "airport on Thursday and called for an investigation.",
        ),
        # a monthly toll
        (
            "fr",
            "Irak : plus de 400 civils tués en janvier, selon l'ONU",
            "Plus de 400 civils ont été tués en janvier dans des violences en Irak, a annoncé "
            "dimanche la mission de l'ONU à Bagdad.",
        ),
        # an old attack in the headline
        (
            "en",
            "Iraq executes three for 2016 Karrada bombing",
            "Iraq executed three men on Sunday convicted over the 2016 bombing in Baghdad's "
            "Karrada district that killed hundreds.",
        ),
        # a funeral
        (
            "ar",
            "تشييع ضحايا تفجير الكرادة في بغداد",
            "شيع آلاف العراقيين الأحد في بغداد ضحايا التفجير الذي استهدف حي الكرادة الخميس.",
        ),
        # condolences, told with the possessive ("his condolences")
        (
            "ar",
            "الرئيس الفرنسي يقدم تعازيه لضحايا تفجير الكرادة",
            "قدم الرئيس الفرنسي الأحد تعازيه لعائلات ضحايا التفجير الانتحاري الذي استهدف حي "
            "الكرادة في بغداد السبت وأسفر عن مقتل 30 شخصا.",
        ),
        # a group's claim of several attacks, each reported on its own
        (
            "en",
            "Iraqi militia claims three drone attacks on US bases",
            "The Islamic Resistance in Iraq said on Sunday it had attacked Ain al-Asad and Harir "
            "air bases and a base in Syria with drones.",
        ),
        (
            "fr",
            "Irak: une milice pro-iranienne revendique trois attaques contre des bases américaines",
            "La Résistance islamique en Irak a revendiqué dimanche trois attaques de drones contre "
            "les bases d'Aïn al-Assad et de Harir.",
        ),
        # strikes to come, an offensive announced
        (
            "fr",
            "Le Canada va mener des frappes aériennes contre l'EI en Irak",
            "Le Premier ministre a annoncé dimanche que ses avions de combat vont mener des "
            "frappes contre les jihadistes en Irak.",
        ),
        (
            "en",
            "Iraqi army urges civilians to leave Hawija ahead of offensive",
            "The Iraqi army dropped leaflets over Hawija on Sunday urging civilians to leave "
            "ahead of an offensive against Islamic State.",
        ),
        (
            "ar",
            "القوات العراقية تستعد لشن هجوم على آخر معاقل داعش غرب الأنبار",
            "قال قائد عسكري الأحد إن القوات العراقية تستعد لشن هجوم مرتقب على مواقع داعش في "
            "القائم غرب الأنبار.",
        ),
        # an arrest over an attack
        (
            "en",
            "Iraqi PM orders arrest of police officers over deadly raid on protesters",
            "Iraq's prime minister on Sunday ordered the arrest of officers over a deadly raid on "
            "a protest camp in Baghdad.",
        ),
        # hostages freed, days after they were taken
        (
            "en",
            "Iraqi police free kidnapped engineers in Diyala",
            "Iraqi police on Sunday freed two engineers kidnapped last week near Baquba, the "
            "interior ministry said.",
        ),
        (
            "ar",
            "الإفراج عن الصيادين المختطفين في بادية السماوة",
            "أعلنت قيادة الشرطة الأحد الإفراج عن أربعة صيادين اختطفهم مسلحون الأسبوع الماضي في "
            "بادية السماوة.",
        ),
        # a controlled explosion of old munitions, a workers' march, a timeline
        (
            "ar",
            "تفجير مسيطر عليه لمخلفات حربية قرب الفلوجة",
            "نفذت فرق الهندسة العسكرية الأحد تفجيرا مسيطرا عليه لعشرات القذائف القديمة قرب "
            "الفلوجة.",
        ),
        (
            "ar",
            "مسيرة عمالية في البصرة للمطالبة بفرص عمل",
            "شارك مئات العمال الأحد في مسيرة عمالية وسط البصرة للمطالبة بتوفير فرص العمل.",
        ),
        (
            "ar",
            "هجمات داعش في كركوك خلال عام.. تسلسل زمني",
            "نستعرض في هذا التقرير أبرز الهجمات التي شنها تنظيم داعش في كركوك منذ مطلع العام.",
        ),
        # a base handed over
        (
            "fr",
            "Irak: la coalition remet la base de Qayyarah à l'armée irakienne",
            "La coalition antijihadiste a remis dimanche la base de Qayyarah, au sud de Mossoul, "
            "aux forces irakiennes, dans le cadre du retrait de ses troupes.",
        ),
        # drones put to a farm's use, a women's march ("مسيرة" is also a drone)
        (
            "ar",
            "طائرات مسيرة لرش المبيدات في بساتين ديالى",
            "أعلنت مديرية زراعة ديالى الأحد استخدام طائرات مسيرة لرش المبيدات في بساتين "
            "المحافظة لأول مرة.",
        ),
        (
            "ar",
            "مسيرة نسوية في بغداد",
            "نظمت منظمات نسوية الأحد مسيرة نسوية في شارع المتنبي وسط بغداد احتفاء بيوم المرأة.",
        ),
        # launchers found before they fired
        (
            "fr",
            "Irak: découverte de roquettes prêtes à être tirées près de Bagdad",
            "BAGDAD, 16 fév 2020 (AFP) - Les forces irakiennes ont annoncé dimanche la découverte de "
            "roquettes prêtes à être tirées dans un champ au sud de Bagdad.",
        ),
        # weapons found, a stroke, a hobbyist's drone found where it fell
        (
            "fr",
            "Irak: une cache de roquettes découverte près de Kirkouk",
            "KIRKOUK (Irak) (AFP) - Les forces irakiennes ont découvert dimanche une cache d'armes "
            "contenant des roquettes Katioucha et des obus de mortier près de Kirkouk.",
        ),
        (
            "fr",
            "Irak: une fabrique de bombes découverte à Mossoul",
            "MOSSOUL (Irak) (AFP) - Les soldats irakiens ont découvert dimanche une fabrique de "
            "bombes de l'EI dans un quartier de Mossoul.",
        ),
        (
            "fr",
            "Irak: le vice-président hospitalisé après une attaque cérébrale",
            "BAGDAD (AFP) - Le vice-président irakien a été hospitalisé dimanche à Bagdad après une "
            "attaque cérébrale, a annoncé son bureau.",
        ),
        (
            "ar",
            "العثور على طائرة مسيرة سقطت في بستان قرب بعقوبة",
            "أعلنت شرطة ديالى الأحد العثور على طائرة مسيرة صغيرة سقطت في بستان قرب بعقوبة وتبين أنها "
            "طائرة تصوير لأحد الهواة.",
        ),
        # the sweep after an attack, a call on the state that struck
        (
            "en",
            "Iraqi troops launch sweep in Diyala after deadly attack on shepherds",
            "Iraqi troops began a search operation in Diyala on Sunday, a day after an attack "
            "killed four shepherds, the army said.",
        ),
        (
            "en",
            "Kurdistan Region calls on Turkey to spare villages after strikes",
            "The KRG said Saturday's Turkish bombardment near Zakho burned farmland and urged both "
            "sides to keep away from villages.",
        ),
        # three days of violence summed up, a threat to storm
        (
            "fr",
            "Irak: plus de 60 morts en trois jours de violences",
            "BAGDAD (AFP) - Plus de 60 personnes ont été tuées en trois jours de violences à "
            "travers l'Irak, selon un décompte établi dimanche à partir de sources de sécurité.",
        ),
        (
            "ar",
            "الصدر يلوح باقتحام المنطقة الخضراء",
            "لوّح زعيم التيار الصدري الأحد باقتحام المنطقة الخضراء وسط بغداد إذا لم تستجب "
            "الحكومة لمطالب المتظاهرين.",
        ),
    ],
)
def test_stories_about_attacks_are_not_reports_of_one(ex, lang, title, text):
    _not_relevant(ex, lang, title, text)


@pytest.mark.parametrize(
    ("lang", "title", "text"),
    [
        # a match told in war words
        (
            "en",
            "Police Club strike twice late to sink Naft in Baghdad derby",
            "Two headers in stoppage time gave Al-Shorta a 2-1 win over Naft al-Wasat in the "
            "Iraqi league on Sunday.",
        ),
        (
            "ar",
            "المنتخب العراقي يقصف شباك الكويت بثلاثية في أربيل",
            "فاز المنتخب العراقي على نظيره الكويتي بثلاثة أهداف مقابل لا شيء في مباراة ودية "
            "أقيمت الأحد في أربيل.",
        ),
        # an earthquake "strikes", "frappe"
        (
            "fr",
            "Irak: un séisme frappe le Kurdistan, deux morts",
            "SOULEIMANIYEH (Irak) (AFP) - Un séisme de magnitude 5,9 a frappé dimanche la "
            "province de Souleimaniyeh, faisant deux morts, selon la défense civile.",
        ),
        (
            "en",
            "Earthquake strikes near Halabja, one killed",
            "A 5.1-magnitude earthquake struck near Halabja on Sunday, killing one person and "
            "damaging houses, Kurdish officials said.",
        ),
    ],
)
def test_a_match_or_a_quake_told_in_attack_words_is_no_attack(ex, lang, title, text):
    _not_relevant(ex, lang, title, text)


def test_a_bombing_at_a_match_is_news_of_the_bombing(ex):
    _relevant(
        ex,
        "en",
        "Suicide bomber kills 20 at football match south of Baghdad",
        "A suicide bomber blew himself up at an amateur football match in Iskandariya, south "
        "of Baghdad, on Sunday, killing 20 people, police said.",
    )


@pytest.mark.parametrize(
    ("lang", "title", "text"),
    [
        (
            "en",
            "Iraq's national library copies its rare manuscripts",
            "Iraq's national library on Sunday began copying rare manuscripts to shield them "
            "from militants, who bombed and burned libraries in Mosul, its director said.",
        ),
        (
            "ar",
            "الأحزاب الكردية تتفق على بقاء رئيس الإقليم في منصبه",
            "اتفقت الأحزاب الكردية الأحد في أربيل على بقاء رئيس إقليم كردستان في منصبه، بعد "
            "أشهر من الخلافات وهجمات متبادلة بالقنابل على مقار الأحزاب في السليمانية.",
        ),
    ],
)
def test_a_headline_without_violence_tells_other_news(ex, lang, title, text):
    got = _not_relevant(ex, lang, title, text)
    assert got.reason == "other_news"


@pytest.mark.parametrize(
    ("lang", "title", "text", "kind"),
    [
        # ground taken from armed men, no weapon named
        (
            "en",
            "Iraqi forces retake the centre of Fallujah from IS",
            "Iraqi forces on Sunday retook the government complex in the centre of Fallujah from "
            "the Islamic State group, killing dozens of jihadists, officers said.",
            "clash",
        ),
        (
            "ar",
            "القوات العراقية تستعيد جامعة الأنبار من داعش",
            "استعادت القوات العراقية الأحد جامعة الأنبار في الرمادي من تنظيم داعش بعد معارك "
            "عنيفة قتل فيها عشرات المسلحين، بحسب قيادة العمليات المشتركة.",
            "clash",
        ),
        # deaths among soldiers in an operation
        (
            "en",
            "French soldier killed in Iraq",
            "A French soldier was killed on Sunday during a counterterrorism operation alongside "
            "Iraqi forces north of Baghdad, the French presidency said.",
            None,
        ),
        # the 19th attack: a running tally's "since" is no round-up
        (
            "ar",
            "صواريخ على محيط السفارة الأميركية",
            "سقطت صواريخ فجر الأحد قرب السفارة الأميركية في بغداد، في تاسع عشر هجوم من نوعه ضد "
            "المصالح الأميركية في العراق منذ أواخر تشرين الأول.",
            "rocket",
        ),
    ],
)
def test_reports_of_new_events_told_without_a_weapon_or_with_a_tally(ex, lang, title, text, kind):
    got = _relevant(ex, lang, title, text)
    if kind:
        assert got.attack_type == kind


def test_an_arabic_rank_before_its_noun_is_a_running_tally(ex):
    got = _relevant(
        ex,
        "ar",
        "صواريخ على محيط السفارة الأميركية",
        "سقطت صواريخ فجر الأحد قرب السفارة الأميركية في بغداد، في تاسع عشر هجوم من نوعه ضد "
        "المصالح الأميركية في العراق.",
    )
    assert got.reported_tally is not None and got.reported_tally.n == 19


def test_a_story_weighed_below_the_threshold_keeps_its_facts(ex):
    """A weak report is not relevant, but its place, time and kind are read: it may join an
    incident a clearer report opened."""
    got = ex.extract(
        "Iraq severs ties with Sweden as protesters storm its embassy",
        "Iraq expelled Sweden's ambassador on Sunday, hours after protesters stormed and set "
        "fire to the Swedish embassy in Baghdad, the foreign ministry said in a statement.",
        SUNDAY,
        lang="en",
    )
    if not got.relevant:
        assert got.reason not in ("no_violence", "not_in_iraq", "outside_iraq")
        assert got.place is not None and got.attack_type is not None and got.event_time


def test_arabic_death_by_its_common_noun_is_an_outcome_that_happened(ex):
    """Arabic wires tell who was killed by "مصرع" (death; "لقي مصرعه", met his death): the
    headline that says it tells an attack that happened, as "مقتل" does."""
    reading = ex.read(
        "مصرع شرطيين في هجوم على نقطة تفتيش في بيجي",
        "لقي شرطيان مصرعهما الأحد في هجوم شنه مسلحون على نقطة تفتيش في بيجي، بحسب مصدر أمني.",
        datetime(2018, 5, 6, 12, tzinfo=UTC),
        "ar",
    )
    assert {"lead:outcome", "title:attack_happened"} <= set(reading.verdict.signals)


# --- the weights -------------------------------------------------------------------------


def test_the_committed_weights_keep_the_meaning_of_their_signals():
    weights = Weights.load()
    assert weights.weights, "relevance.json holds no weights"
    for name, weight in weights.weights.items():
        low, high = weight_bounds(name)
        assert low is None or weight >= low - 1e-9, (name, weight)
        assert high is None or weight <= high + 1e-9, (name, weight)
    assert weight_bounds("title:trial") == (None, -DECISIVE_AT_LEAST["title"])
    assert "trial" in DECISIVE and weight_bounds("lead:weapon") == (0.0, None)


def test_a_reason_says_what_weighed_most_against_a_story(ex):
    got = ex.extract(
        "Court sentences three to death over rocket attack on Baghdad's Green Zone",
        "A Baghdad court on Sunday sentenced three men to death for firing rockets at the "
        "Green Zone in 2019, the judiciary said.",
        SUNDAY,
        lang="en",
    )
    assert not got.relevant and got.reason in ("trial", "past")


@pytest.mark.parametrize(
    ("lang", "title", "text"),
    [
        (
            "fr",
            "Irak: trois jihadistes condamnés à mort pour un attentat à Bagdad",
            "Un tribunal de Bagdad a condamné dimanche à mort trois jihadistes pour un attentat "
            "qui avait fait 20 morts en 2019.",
        ),
        (
            "ar",
            "الحكم بإعدام ثلاثة مدانين بتفجير في بغداد",
            "أصدرت المحكمة الجنائية المركزية الأحد حكما بإعدام ثلاثة مدانين بتفجير سوق في بغداد "
            "عام 2019.",
        ),
    ],
)
def test_a_sentence_for_an_attack_is_a_trial(ex, lang, title, text):
    assert _not_relevant(ex, lang, title, text).reason in ("trial", "past", "old_date")


@pytest.mark.parametrize(
    ("lang", "title", "text"),
    [
        (
            "en",
            "Islamic State militants execute 12 villagers south of Mosul",
            "Islamic State militants executed 12 villagers in Qayyarah, south of Mosul, on "
            "Sunday, accusing them of helping Iraqi forces, local officials said.",
        ),
        (
            "ar",
            "داعش يعدم تسعة مدنيين جنوب الموصل",
            "أعدم تنظيم داعش، الأحد، تسعة مدنيين في ناحية القيارة جنوب الموصل بتهمة التعاون مع "
            "القوات الأمنية، بحسب مصدر محلي.",
        ),
    ],
)
def test_an_execution_by_armed_men_is_a_killing_not_a_sentence(ex, lang, title, text):
    _relevant(ex, lang, title, text)


@pytest.mark.parametrize(
    ("lang", "title", "text"),
    [
        (
            "fr",
            "Irak: un commandant tué par un drone américain, l'Iran promet la vengeance",
            "Un commandant des Gardiens de la révolution a été tué dans la nuit par une frappe "
            "de drone américaine près de l'aéroport de Bagdad; Téhéran dénonce un « crime ».",
        ),
        (
            "en",
            "Twenty killed in Baghdad market bombing; UN condemns",
            "A car bomb killed twenty people at a Baghdad market on Sunday, police said; the UN "
            "condemned the attack.",
        ),
        # "condamne", "أدانت": a condemnation, not a court's sentence
        (
            "fr",
            "Irak: un attentat fait 20 morts à Bagdad, Paris condamne",
            "BAGDAD (AFP) - Un attentat suicide a fait au moins 20 morts dimanche dans un marché "
            "de Bagdad, a indiqué la police. La France a condamné une attaque lâche.",
        ),
        (
            "ar",
            "مقتل 5 بتفجير في بغداد والحكومة تدين",
            "قتل 5 أشخاص الأحد بتفجير عبوة ناسفة في سوق ببغداد، وأدانت الحكومة الهجوم.",
        ),
    ],
)
def test_a_reaction_after_the_attack_clause_does_not_make_it_a_reaction(ex, lang, title, text):
    _relevant(ex, lang, title, text)


def test_a_headline_whose_violence_is_all_background_is_quiet(ex):
    got = ex.extract(
        "Irak: quarante jours après sa mort, des milliers d'Irakiens rendent hommage au général",
        "Des milliers d'Irakiens se sont rassemblés dimanche près de l'aéroport de Bagdad, à "
        "l'endroit où le général a été tué par une frappe américaine.",
        SUNDAY,
        lang="fr",
    )
    assert not got.relevant, (got.score, got.evidence)


def test_a_first_sentence_without_violence_is_quiet(ex):
    """A paper's headline and abstract about a pact, its violence in the next sentence only:
    the first sentence speaks of no violence; a report's does."""
    quiet = ex.read(
        "الأحزاب الكردية تتفق على تمديد ولاية رئيس الإقليم",
        "اتفقت الأحزاب الكردية الأربعة الأحد على تمديد ولاية رئيس إقليم كردستان لعامين. "
        "وكانت اشتباكات قد اندلعت في كركوك الشهر الماضي.",
        datetime(2018, 5, 6, 12, tzinfo=UTC),
        "ar",
    )
    report = ex.read(
        "Rockets hit Baghdad's Green Zone",
        "Two rockets hit the Green Zone in Baghdad on Sunday, police said.",
        SUNDAY,
        "en",
    )
    assert "first:quiet" in quiet.verdict.signals
    assert "first:quiet" not in report.verdict.signals


def test_an_exclaiming_headline_is_a_signal(ex):
    """Columns and opinion pieces exclaim in their headline; news headlines do not."""
    column = ex.read(
        "حكومة بغداد أمام غضب الشارع!",
        "قتل متظاهر برصاص قوات الأمن في البصرة الأحد، ولا تزال الحكومة عاجزة عن الإصلاح.",
        datetime(2018, 5, 6, 12, tzinfo=UTC),
        "ar",
    )
    assert "title:exclamation" in column.verdict.signals


def test_a_ground_battle_at_a_base_is_no_attack_on_us_troops_the_story_does_not_name(ex):
    got = _relevant(
        ex,
        "fr",
        "Irak: combats entre forces irakiennes et peshmergas autour de Kirkouk",
        "Des affrontements ont opposé dimanche les forces irakiennes et les peshmergas près de "
        "la base K1, au nord-ouest de Kirkouk, tuant trois combattants, selon des sources "
        "militaires.",
    )
    assert got.attack_type == "clash" and not got.us_interest


@pytest.mark.parametrize(
    ("lang", "title", "text"),
    [
        (
            "en",
            "Rockets hit Iraqi base housing US troops",
            "Two rockets hit Ain al-Asad air base, which had been targeted previously, on "
            "Sunday, officials said.",
        ),
        (
            "fr",
            "Irak: des roquettes sur une base abritant des Américains",
            "Deux roquettes se sont abattues dimanche sur une base de la province d'Anbar qui "
            "avait été visée précédemment, selon des responsables.",
        ),
        (
            "fr",
            "Irak: des roquettes sur la base d'Aïn al-Assad",
            "Des roquettes se sont abattues dimanche sur la base d'Aïn al-Assad, où des soldats "
            "américains avaient été blessés en 2019, selon des responsables.",
        ),
        # a building the gazetteer does not know, named as the antecedent
        (
            "fr",
            "Irak: les jihadistes font sauter un mausolée près d'Anah",
            "Les jihadistes ont fait exploser dimanche un mausolée d'Anah et sa coupole "
            "Al-Khadra, où les pèlerins avaient afflué en 2013, selon la police.",
        ),
    ],
)
def test_a_past_marker_in_a_relative_clause_tells_of_the_place_not_the_news(ex, lang, title, text):
    got = ex.read(title, text, SUNDAY, lang)
    assert "first:past" not in got.verdict.signals and "first:old_date" not in got.verdict.signals
    assert _relevant(ex, lang, title, text).place.governorate == "Anbar"


@pytest.mark.parametrize(
    ("lang", "title", "text"),
    [
        (
            "ar",
            "مقتل 12 من مسلحي داعش جنوب الفلوجة",
            "قتل 12 من مسلحي تنظيم داعش الأحد في قرية جنوب الفلوجة، بحسب مصدر في قيادة "
            "العمليات. وأضاف المصدر أن القوات الأمنية تواصل تقدمها في المنطقة. "
            "وكانت عبوة ناسفة قد انفجرت الأسبوع الماضي على طريق الرمادي الفلوجة.",
        ),
        (
            "en",
            "Soldier killed in counter-terrorism operation north of Baghdad",
            "A soldier was killed on Sunday during a counter-terrorism operation north of "
            "Baghdad, the army said. The operation is aimed at remnants of the Islamic State "
            "group. "
            "A roadside bomb hit an army patrol in the same area last month.",
        ),
    ],
)
def test_deaths_in_battle_told_without_a_weapon_are_a_clash(ex, lang, title, text):
    got = ex.extract(title, text, datetime(2018, 5, 6, 12, tzinfo=UTC), lang)
    assert got.relevant and got.attack_type == "clash"


@pytest.mark.parametrize(
    ("lang", "title", "text"),
    [
        (
            "en",
            "Five fighters die in Turkish drone raids, Kurdish militias say",
            "Kurdish militias in Iraq and Syria said on Friday that Turkish drone raids killed "
            "five of their members.",
        ),
        (
            "fr",
            "Cinq combattants tués par des drones turcs, selon des milices kurdes",
            "Des milices kurdes en Irak et en Syrie ont indiqué vendredi que des raids de drones "
            "turcs ont tué cinq de leurs membres.",
        ),
    ],
)
def test_a_place_listed_after_a_groups_home_is_its_home_too(ex, lang, title, text):
    """In "groups in Iraq and Syria", Syria is where the groups are, as Iraq is, not the scene
    of the strikes: a story of strikes in both countries is not set abroad."""
    where = ex.read(title, text, datetime(2023, 7, 29, 12, tzinfo=UTC), lang).where
    assert where.in_iraq and not where.outside_iraq
