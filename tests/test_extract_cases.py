"""Table tests of crawler.extract: relevance, place, time, type, target, casualties, tallies.

Every text here is a short sentence written for these tests in wire style.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from crawler.extract import Extractor, extract

# Sunday 16 February 2020, 07:00 UTC (10:00 in Baghdad).
SUNDAY = datetime(2020, 2, 16, 7, 0, tzinfo=UTC)
# A headline in the language of the text (a headline that says nothing of violence in the
# story's language tells other news).
ROCKETS_HEADLINE = {"en": "Iraq: rockets", "fr": "Irak : roquettes", "ar": "العراق: صواريخ"}
ATTACK_HEADLINE = {"en": "Iraq: attack", "fr": "Irak : attaque", "ar": "العراق: هجوم"}


RELEVANCE = [
    # positives, every language
    (
        "fr",
        "Irak: des roquettes tombent près de l'ambassade américaine",
        "BAGDAD, 16 fév 2020 (AFP) - Trois roquettes se sont abattues tôt dimanche près de l'ambassade des Etats-Unis à Bagdad, sans faire de victimes.",
        True,
        None,
    ),
    (
        "en",
        "Rockets hit Iraq base hosting US troops",
        "Baghdad (AFP) - Two rockets struck the Balad air base north of Baghdad late on Saturday, wounding two Iraqi soldiers, security sources said.",
        True,
        None,
    ),
    (
        "ar",
        "سقوط صواريخ قرب السفارة الأميركية في بغداد",
        "بغداد (أ ف ب) - سقطت ثلاثة صواريخ فجر اليوم الأحد قرب السفارة الأميركية في المنطقة الخضراء وسط بغداد، دون وقوع إصابات.",
        True,
        None,
    ),
    (
        "en",
        "Gunmen kidnap engineer in Baghdad",
        "Gunmen abducted an engineer on Saturday evening in the Dora district of southern Baghdad, police said.",
        True,
        None,
    ),
    (
        "fr",
        "Irak: un policier tué par une bombe artisanale à Kirkouk",
        "Un policier a été tué et deux autres blessés dimanche par l'explosion d'une bombe artisanale au passage de leur patrouille à Kirkouk.",
        True,
        None,
    ),
    # negatives of every kind
    (
        "fr",
        "Irak: trois hommes condamnés pour des tirs de roquettes sur la Zone verte",
        "Un tribunal de Bagdad a condamné dimanche trois hommes à la prison à vie pour des tirs de roquettes sur la Zone verte l'an dernier.",
        False,
        "trial",
    ),
    (
        "en",
        "Iraqi militia vows to target US forces after strike",
        "A powerful militia in Baghdad threatened on Sunday to attack American troops, warning Washington of revenge.",
        False,
        "threat",
    ),
    (
        "en",
        "Drone attack kills three US soldiers at Jordan outpost",
        "Three American soldiers were killed on Sunday in a drone attack on Tower 22, a base in Jordan near the Syrian border.",
        False,
        "outside_iraq",
    ),
    (
        "fr",
        "Syrie: roquettes contre une base américaine près de Deir ez-Zor",
        "BEYROUTH (AFP) - Des roquettes ont visé dimanche une base américaine dans l'est de la Syrie, près de Deir ez-Zor.",
        False,
        "outside_iraq",
    ),
    (
        "ar",
        "قصف على قاعدة التنف الأميركية في سوريا",
        "استهدفت طائرات مسيرة مساء الأحد قاعدة التنف التي تضم قوات أميركية في سوريا.",
        False,
        "outside_iraq",
    ),
    (
        "fr",
        "Un an après la mort de Soleimani, l'Irak se souvient",
        "Des milliers d'Irakiens ont commémoré dimanche l'anniversaire de la frappe américaine qui a tué le général iranien.",
        False,
        None,
    ),
    (
        "en",
        "Iraq oil exports hold steady despite tensions",
        "Iraq's oil exports averaged 3.4 million barrels per day in January, the oil ministry said on Sunday.",
        False,
        "no_incident_term",
    ),
    (
        "en",
        "Iraqi parliament votes to expel foreign troops",
        "Iraq's parliament voted on Sunday to end the presence of foreign troops, days after a US strike killed an Iranian general.",
        False,
        None,
    ),
    (
        "ar",
        "مباراة كرة القدم بين العراق ولبنان",
        "فاز منتخب العراق على لبنان في مباراة كرة القدم مساء الأحد في البصرة.",
        False,
        None,
    ),
    (
        "en",
        "Analysis: a string of rocket attacks since October",
        "A string of attacks on US interests in Iraq since October has raised fears of escalation, analysts say.",
        False,
        None,
    ),
    # Arabic: a tribal dispute's gunfight is a clash ("نزاع" is no summed-up conflict), a crisis
    # that "explodes" is a metaphor, an expert's forecast is no attack, a cache found is no blast
    (
        "ar",
        "نزاع عشائري يوقع قتيلين وثلاثة جرحى شمالي ميسان",
        "قتل شخصان وأصيب ثلاثة آخرون مساء الأحد بنزاع عشائري استخدمت فيه الأسلحة المتوسطة في قضاء الكحلاء بمحافظة ميسان العراقية، بحسب مصدر في الشرطة.",
        True,
        None,
    ),
    (
        "ar",
        "شح المياه يفجر غضب المزارعين في الديوانية",
        "تتفجر أزمة المياه مجددا في محافظة الديوانية العراقية مع انخفاض مناسيب نهر الفرات، فيما يطالب المزارعون الحكومة بحصص عادلة.",
        False,
        None,
    ),
    (
        "ar",
        "مختص بالشأن الأمني يتوقع عودة هجمات داعش إلى كركوك",
        "توقع مختص بالشأن الأمني، الأحد، عودة هجمات خلايا داعش على القرى النائية في محافظة كركوك العراقية مع حلول فصل الشتاء.",
        False,
        None,
    ),
    # a place name after a given name is a surname: a shooting abroad, not in Ramadi
    (
        "en",
        "Police name man shot dead outside a suburban gas station",
        "Police on Sunday named the man shot dead outside a gas station in Dearborn Heights as 41-year-old Ali Ramadi, a father of three.",
        False,
        None,
    ),
    # a place name between quotation marks names something else: a film, a restaurant
    (
        "en",
        "Blast shatters windows of 'Basra' restaurant in Malmo",
        "A blast shattered the windows of the 'Basra' restaurant in Malmo overnight, police said, the third explosion in the city this month. No one was hurt.",
        False,
        None,
    ),
    # tyres set on fire block a protest's road: no attack
    (
        "ar",
        "محتجون يحرقون الإطارات ويقطعون طريق حقل نفطي شمالي البصرة",
        "أحرق محتجون غاضبون الإطارات وقطعوا صباح الأحد الطريق المؤدي إلى حقل نفطي شمالي محافظة البصرة العراقية للمطالبة بفرص عمل.",
        False,
        None,
    ),
    (
        "en",
        "Protesters burn tyres, block roads to oilfields in Iraq's Basra",
        "Hundreds of protesters burned tyres and blocked roads leading to oilfields north of Basra on Sunday, demanding jobs and electricity.",
        False,
        None,
    ),
    (
        "ar",
        "العثور على مخبأ للأسلحة والعبوات في صحراء الأنبار",
        "أعلنت خلية الإعلام الأمني العراقية، الأحد، العثور على مخبأ للأسلحة يضم صواريخ وعبوات ناسفة في صحراء الأنبار وتفجيره تفجيرا مسيطرا عليه.",
        False,
        None,
    ),
]


# Other news with the words of an attack: a film on a streaming service, a denial, a cup tie.
RELEVANCE += [
    (
        "ar",
        "الميناء يفجر مفاجأة ويقصي الزوراء من كأس العراق",
        "فجر فريق الميناء مفاجأة بإقصاء الزوراء من كأس العراق لكرة القدم بعد فوزه بركلات الترجيح في ملعب البصرة مساء الأحد.",
        False,
        "no_incident_term",  # "يفجر مفاجأة" springs a surprise: no act
    ),
    (
        "en",
        "War drama streaming on Netflix follows Iraqi police in the battle for Mosul",
        "The film, out on Thursday, recreates the street fighting in Mosul with a cast of Iraqi "
        "actors, ambushes and car bombs.",
        False,
        "feature",
    ),
    (
        "fr",
        "Irak: Bagdad dément que des drones aient décollé de son territoire",
        "Le gouvernement irakien a démenti dimanche que les drones qui ont frappé samedi des "
        "installations pétrolières chez un voisin aient été lancés depuis l'Irak.",
        False,
        "reaction",
    ),
    # Condolences are for an earlier event: a call between leaders is no report of it
    (
        "en",
        "Obama and Abadi discuss Apache deliveries",
        "The White House said President Obama and Iraqi Prime Minister Haider al-Abadi spoke "
        "by phone on Sunday about the delivery of Apache helicopters. Obama offered his "
        "condolences for the victims of a suicide car bombing that killed 40 people in Diyala.",
        False,
        "no_incident_term",
    ),
    (
        "ar",
        "أوباما والعبادي يبحثان تسليم مروحيات أباتشي",
        "قال البيت الأبيض إن الرئيس الأمريكي ورئيس الوزراء العراقي تحدثا هاتفيا الأحد بشأن "
        "تسليم مروحيات أباتشي. وأضاف أن الرئيس قدم تعازيه في ضحايا هجوم انتحاري بسيارة مفخخة "
        "قتل 40 شخصا في محافظة ديالى.",
        False,
        "no_incident_term",
    ),
    # A protest that condemns an attack abroad; a gang of kidnappers taken down ("تطيح بعصابة")
    (
        "ar",
        "آلاف يتظاهرون في دهوك تنديدا بالقصف التركي على عفرين",
        "تظاهر آلاف الأكراد الأحد في مدينة دهوك تنديدا بالقصف التركي على مدينة عفرين السورية "
        "الذي أوقع قتلى بين المدنيين، ورفعوا لافتات تطالب بوقف الهجوم.",
        False,
        None,
    ),
    (
        "ar",
        "الشرطة تطيح بعصابة خطف في الكرادة وتحرر تاجرا",
        "أعلنت وزارة الداخلية الأحد الإطاحة بعصابة متخصصة بالخطف في منطقة الكرادة وسط بغداد، "
        "وتحرير تاجر اختطفته العصابة قبل أيام مطالبة بفدية.",
        False,
        None,
    ),
    # A drill that plays out an attack, an arrest and a depot that blew up in the heat
    (
        "ar",
        "شرطة بغداد تنفذ تمرينا افتراضيا يحاكي هجوما بسيارة مفخخة في الكرادة",
        "نفذت قيادة شرطة بغداد الأحد تمرينا افتراضيا يحاكي التعامل مع هجوم بسيارة مفخخة "
        "واحتجاز رهائن في منطقة الكرادة، ودعت المواطنين إلى عدم القلق من أصوات الانفجارات.",
        False,
        None,
    ),
    (
        "ar",
        "الاستخبارات تعتقل قياديا في داعش جنوب كركوك",
        "أعلنت مديرية الاستخبارات العسكرية الأحد عن القبض على قيادي بارز في تنظيم داعش "
        "بعملية استباقية في قضاء الحويجة جنوب غربي كركوك.",
        False,
        None,
    ),
    (
        "ar",
        "مقتل ثلاثة أشخاص في انفجار مستودع للذخيرة جنوب بغداد",
        "قتل ثلاثة أشخاص وأصيب عشرة آخرون الأحد في انفجار مستودع للذخيرة في منطقة المدائن "
        "جنوب بغداد بسبب ارتفاع درجات الحرارة، بحسب الدفاع المدني.",
        False,
        "accident",
    ),
    # A bomb made safe is a bomb that did not go off; one defused beside an attack is a detail
    (
        "en",
        "Army engineers defuse roadside bomb on Baquba highway",
        "Iraqi army engineers on Sunday defused an improvised explosive device planted on the "
        "shoulder of the highway north of Baquba, a police officer said.",
        False,
        "other",
    ),
    (
        "en",
        "Roadside bomb kills two soldiers near Baquba",
        "A roadside bomb killed two Iraqi soldiers near Baquba on Sunday and a second device "
        "was defused nearby, police said.",
        True,
        None,
    ),
    (
        "fr",
        "Une bombe artisanale désamorcée au nord de Bagdad",
        "Des démineurs de l'armée ont désamorcé dimanche une bombe artisanale cachée dans un "
        "bidon au bord d'une route de Taji, au nord de Bagdad, selon la police.",
        False,
        "other",
    ),
    (
        "ar",
        "مفارز المتفجرات تبطل مفعول عبوتين ناسفتين في كركوك",
        "تمكنت مفارز معالجة المتفجرات الأحد من ابطال مفعول عبوتين ناسفتين زرعتا على جانب "
        "طريق في قضاء الدبس شمال غربي كركوك، دون تسجيل أي أضرار.",
        False,
        "other",
    ),
    # A governorate's seat sets the story in Iraq on its own; "الديوانية" (customs, in Tunisia)
    # and "الكوت" of "الكوت ديفوار" do not
    (
        "ar",
        "مسلحون يخطفون ثلاثة رعاة في السماوة",
        "خطف مسلحون مجهولون الأحد ثلاثة رعاة في أطراف السماوة واقتادوهم إلى جهة مجهولة.",
        True,
        None,
    ),
    (
        "ar",
        "إطلاق النار على شاحنة تهريب في قفصة",
        "أطلق أعوان المصالح الديوانية الأحد النار على عجلات شاحنة تهريب رفض سائقها التوقف.",
        False,
        None,
    ),
    (
        "ar",
        "إيقاف مهاجرين على الحدود الليبية",
        "أوقفت الوحدات الأمنية الأحد 12 مهاجرا بينهم 3 من الكوت ديفوار حاولوا اجتياز الحدود "
        "خلسة، وأطلقت النار في الهواء.",
        False,
        None,
    ),
    # What is said not to have happened: a sweep without clashes, a holiday without incident
    (
        "en",
        "Troops end desert sweep in western Anbar without clashes",
        "Iraqi troops and tribal fighters ended a four-day sweep of the desert west of Rutba on "
        "Sunday without any clashes with Islamic State remnants, the army said.",
        False,
        None,
    ),
    (
        "fr",
        "Irak: fin d'une opération de ratissage sans combats dans le désert d'Anbar",
        "L'armée irakienne a achevé dimanche une opération de ratissage de quatre jours dans le "
        "désert d'Anbar, sans aucun affrontement avec les jihadistes, selon un communiqué.",
        False,
        None,
    ),
    (
        "ar",
        "عمليات الأنبار تنهي تفتيش وادي حوران من دون مواجهات",
        "أعلنت قيادة عمليات الأنبار الأحد انتهاء عملية تفتيش وادي حوران غربي المحافظة، مبينة "
        "أن العملية لم تسفر عن أي اشتباك مع عناصر داعش.",
        False,
        None,
    ),
    (
        "ar",
        "شرطة كربلاء: الزيارة انتهت دون تسجيل أي خرق أمني",
        "أعلنت قيادة شرطة كربلاء الأحد انتهاء الزيارة بنجاح وعدم تسجيل أي خرق أمني.",
        False,
        None,
    ),
    (
        "ar",
        "انتهاء عملية لتطهير وادي حوران دون وقوع اشتباكات",
        "أعلن الجيش الأحد انتهاء عملية لتطهير وادي حوران غربي الأنبار من عناصر داعش، من دون "
        "وقوع اشتباكات.",
        False,
        None,
    ),
    # An operation, a demand, a funeral after an attack: its aftermath
    (
        "ar",
        "الحشد يطلق عملية في حمرين بعد هجوم على نقطة للجيش",
        "أطلقت قوات الحشد الشعبي الأحد عملية تفتيش في سلسلة جبال حمرين بعد الهجوم الذي استهدف "
        "نقطة للجيش قبل يومين.",
        False,
        None,
    ),
    (
        "en",
        "Mourners bury soldiers killed in Tarmiyah ambush",
        "Relatives laid to rest four soldiers in Baghdad on Sunday.",
        False,
        "reaction",
    ),
    # Strikes "in response to attacks" are the news, not a response to it
    (
        "en",
        "US strikes Kataib Hezbollah sites south of Baghdad",
        "The U.S. military struck two Kataib Hezbollah facilities near Jurf al-Sakhar on Sunday "
        "in response to attacks on American forces, officials said.",
        True,
        None,
    ),
    # The building an act hit, between a foreign place and the act, sets the act abroad
    (
        "en",
        "Protesters rally outside US embassy in Baghdad after Gaza hospital blast",
        "Thousands gathered near the Green Zone on Sunday, chanting against Israel and the "
        "United States.",
        False,
        "outside_iraq",
    ),
    # ... while an attack nobody claimed was still an attack
    (
        "ar",
        "مقتل جنديين بهجوم في الطارمية",
        "قتل جنديان الأحد بهجوم لعناصر داعش على نقطة تفتيش في الطارمية شمال بغداد، ولم تعلن "
        "أي جهة مسؤوليتها عن الهجوم.",
        True,
        None,
    ),
    # Summoning an envoy over strikes, a casualty's brain injury, security tightened days after,
    # an IS audio message, strikes authorised: the aftermath of an attack or a threat
    (
        "en",
        "Iraq summons Iranian envoy over artillery shelling of Kurdish villages",
        "Iraq's foreign ministry said on Sunday it had handed the Iranian ambassador a protest "
        "note over the shelling of villages near Penjwen.",
        False,
        "reaction",
    ),
    (
        "fr",
        "Frappes dans le Kurdistan: Bagdad convoque le chargé d'affaires iranien",
        "Le ministère irakien des Affaires étrangères a convoqué dimanche le chargé d'affaires "
        "iranien après des tirs d'artillerie sur des villages près de Penjwen.",
        False,
        "reaction",
    ),
    (
        "ar",
        "الخارجية العراقية تستدعي السفير الإيراني بسبب القصف المدفعي",
        "استدعت وزارة الخارجية العراقية الأحد السفير الإيراني وسلمته مذكرة احتجاج على القصف "
        "المدفعي الذي طال قرى قرب بنجوين.",
        False,
        "reaction",
    ),
    (
        "en",
        "Sailor wounded in Ain al-Asad rocket attack suffered brain injury, Pentagon says",
        "The sailor remains in serious condition; two others suffered concussions.",
        False,
        "reaction",
    ),
    (
        "ar",
        "السليمانية تشدد الإجراءات حول الدوائر الرسمية بعد أيام على هجوم المبنى",
        "شددت السلطات في السليمانية الإجراءات الأمنية حول الدوائر الرسمية بعد أيام على الهجوم "
        "الذي استهدف مبنى البلدية.",
        False,
        None,
    ),
    (
        "en",
        "IS leader urges followers to keep up attacks in new audio message",
        "The Islamic State group released an audio recording attributed to its leader on "
        "Sunday, urging fighters in Iraq to press on with attacks.",
        False,
        "threat",
    ),
    (
        "fr",
        "Washington autorise des frappes contre les positions jihadistes près d'Erbil",
        "Le président américain a autorisé dimanche des frappes aériennes ciblées contre les "
        "jihadistes qui menacent Erbil, a annoncé la Maison Blanche.",
        False,
        "threat",
    ),
    (
        "en",
        "Patriot missile batteries arrive at Iraqi bases hosting coalition troops",
        "The air defense systems will protect troops at Ain al-Asad and Erbil, officials said.",
        False,
        None,
    ),
    # The questions an attack raises, days after it: analysis
    (
        "ar",
        "تفجير الكرادة يطرح تساؤلات عن قدرة الأجهزة الأمنية",
        "بعد أيام على التفجير الانتحاري في الكرادة، يتساءل العراقيون عن قدرة الأجهزة الأمنية "
        "على حماية الأسواق المزدحمة.",
        False,
        "recap",
    ),
    # A headline that names its year, a month's tally: sums
    (
        "en",
        "Iraq in 2020: fewer attacks, deadlier ambushes in Diyala and Kirkuk",
        "Our figures show Islamic State attacks concentrated in Diyala and Kirkuk.",
        False,
        None,
    ),
    (
        "ar",
        "حصيلة آب: مقتل 40 مدنياً وعسكرياً بهجمات في ديالى وكركوك",
        "أظهرت حصيلة جمعتها الصحيفة مقتل 40 مدنياً وعسكرياً بهجمات في ديالى وكركوك خلال آب.",
        False,
        None,
    ),
    # A city taken by armed men is a battle, whatever names them; weapons seized are not.
    (
        "en",
        "Militants seize Iraqi city of Hit",
        "HIT, Iraq (Reuters) - Insurgents overran the western Iraqi town of Hit on Sunday after "
        "days of fighting, seizing the police headquarters, officials said.",
        True,
        None,
    ),
    (
        "en",
        "Police seize weapons in Basra raid",
        "Police seized rifles and ammunition on Sunday in a search of a warehouse in Basra.",
        False,
        "no_incident_term",
    ),
    # Walls against blasts, cranes that remove them: no blast, no kidnapping.
    (
        "fr",
        "Bagdad retire ses murs anti-explosions",
        "Des grues enlevaient dimanche les murs anti-explosions qui protégeaient les marchés de "
        "Karrada, à Bagdad.",
        False,
        "no_incident_term",
    ),
    (
        "ar",
        "إبطال عبوة ناسفة على طريق زراعي قرب كركوك",
        "أبطلت مفرزة هندسية الأحد عبوة ناسفة على طريق زراعي قرب كركوك.",
        False,
        "other",
    ),
    (
        "ar",
        "فرق الجهد الهندسي تفكك عبوة ناسفة على طريق المقدادية",
        "فككت فرق الجهد الهندسي التابعة لقيادة عمليات ديالى الأحد عبوة ناسفة محلية الصنع "
        "وجدت قرب جسر على طريق المقدادية.",
        False,
        "other",
    ),
]


@pytest.mark.parametrize(("lang", "title", "text", "relevant", "reason"), RELEVANCE)
def test_relevance(
    ex: Extractor, lang: str, title: str, text: str, relevant: bool, reason: str | None
) -> None:
    got = ex.extract(title, text, SUNDAY, lang=lang)
    assert got.relevant is relevant, (got.reason, got.score, got.evidence)
    assert 0.0 <= got.score <= 1.0
    if relevant:
        assert got.evidence and got.reason is None
    elif reason is not None:
        assert got.reason == reason


def test_stale_event_is_not_news(ex: Extractor) -> None:
    got = ex.extract(
        "Rockets hit Baghdad airport",
        "Two rockets struck near Baghdad airport on February 2, police said.",
        SUNDAY,
        lang="en",
    )
    assert not got.relevant and got.reason == "stale"
    assert (
        Extractor(max_age_h=24 * 30)
        .extract(
            "Rockets hit Baghdad airport",
            "Two rockets struck near Baghdad airport on February 2, police said.",
            SUNDAY,
            lang="en",
        )
        .relevant
    )


PLACES = [
    (
        "fr",
        "Des roquettes sont tombées dimanche près de l'ambassade américaine à Bagdad.",
        "site:us-embassy-baghdad",
    ),
    (
        "fr",
        "Des roquettes ont frappé dimanche la base d'Aïn al-Assad, dans l'ouest de l'Irak.",
        "site:ain-al-asad",
    ),
    (
        "en",
        "Clashes erupted on Sunday in the town of Hit, west of Ramadi, killing two.",
        "city:hit",
    ),
    (
        "en",
        "A roadside bomb hit a patrol on Sunday in Fallujah, wounding two soldiers.",
        "city:fallujah",
    ),
    (
        "en",
        "A bomb exploded on Sunday in Baghdad's Karrada district, killing one.",
        "district:karrada",
    ),
    ("ar", "انفجرت عبوة ناسفة صباح الأحد في قضاء الفلوجة بمحافظة الأنبار.", "city:fallujah"),
    ("ar", "سقط صاروخان مساء الأحد على قاعدة عين الأسد غربي العراق.", "site:ain-al-asad"),
    (
        "en",
        "Gunmen shot dead a soldier on Sunday near Baladiyat in eastern Baghdad.",
        "district:baladiyat",
    ),
    (
        "en",
        "Mortar rounds killed two farmers on Sunday in a village in Diyala province, police said.",
        "gov:diyala",
    ),
    # The mountain areas of Turkey's strikes on the PKK in the Kurdistan Region.
    (
        "en",
        "A Turkish drone hit a car in the Metina area of northern Iraq on Sunday, killing two.",
        "site:metina",
    ),
    (
        "fr",
        "Des frappes turques ont tué dimanche trois combattants du PKK dans la région de Zap, "
        "dans le nord de l'Irak.",
        "site:zap",
    ),
    ("ar", "قتل مسلحان بغارة تركية الأحد على منطقة حفتانين شمالي العراق.", "site:haftanin"),
    # A village the text places in another governorate's district than the gazetteer's place
    # of that name (Diyala's Saadiya) is a homonym: its district locates the story.
    (
        "ar",
        "قتل مسلحون أربعة قرويين الأحد في قرية السعدية التابعة لقضاء الحويجة جنوب غربي كركوك.",
        "city:hawija",
    ),
    (
        "en",
        "Gunmen killed four villagers on Sunday in Saadiya, in the district of Hawija, southwest "
        "of Kirkuk, police said.",
        "city:hawija",
    ),
    (
        "en",
        "Gunmen killed four villagers on Sunday in Saadiya, in Diyala province, police said.",
        "city:saadiya",
    ),
    # "العظيم" is Udhaim only as a named town; alone it is the adjective "great".
    (
        "ar",
        "اشتبكت قوات الأمن مع مسلحي داعش الأحد في الرمادي، وقال المتحدث: يا أبناء شعبنا العراقي العظيم.",
        "city:ramadi",
    ),
    ("ar", "انفجرت عبوة ناسفة الأحد في ناحية العظيم شمالي ديالى.", "city:udhaim"),
    ("ar", "انفجرت عبوة ناسفة الأحد في منطقة الباب الشرقي وسط بغداد.", "district:bab-al-sharqi"),
    # Taqaddum ("progress") names a party as well as the Habbaniyah air base: the base is named
    # as a base.
    (
        "en",
        "A bomb killed a Taqaddum list candidate on Sunday in Tarmiyah, north of Baghdad.",
        "district:tarmiyah",
    ),
    # A town told only by its side of Baghdad is outside the city, on that side; in Arabic,
    # "شمال بغداد" names the city's own north as often, and stays Baghdad.
    (
        "en",
        "A suicide bomber struck a Shiite shrine north of Baghdad late on Sunday, killing 12.",
        "city:baghdad~0",
    ),
    (
        "fr",
        "Une voiture piégée a explosé dimanche sur un marché au sud-ouest de Bagdad, tuant six personnes.",
        "city:baghdad~225",
    ),
    ("ar", "انفجرت عبوة ناسفة الأحد في سوق شمال بغداد ما أسفر عن مقتل ثلاثة.", "city:baghdad"),
    (
        "en",
        "Three fighters were killed on Sunday in an IS attack in Iraq's Salahudin province.",
        "gov:salahuddin",
    ),
    # Koysinjaq is Koya's name of no other place: it sets the story in Iraq on its own, where an
    # Iranian party named beside it would have set it abroad.
    (
        "en",
        "Missiles struck the headquarters of an Iranian Kurdish party in Koysinjaq on Sunday, killing 11.",
        "city:koya",
    ),
]


@pytest.mark.parametrize(("lang", "text", "place_id"), PLACES)
def test_place(ex: Extractor, lang: str, text: str, place_id: str) -> None:
    got = ex.extract("", text, SUNDAY, lang=lang)
    assert got.relevant, got.reason
    assert got.place is not None and got.place.id == place_id


# A headline's "Kirkuk", then "the province of Kirkuk" in the lead: the seat that bears its
# governorate's name stands for the province; a seat of another name is the city.
SEATS_AND_PROVINCES = [
    (
        "en",
        "Two soldiers killed in bomb attack in Kirkuk",
        "Two Iraqi soldiers were killed on Sunday when a roadside bomb hit their patrol in the "
        "northern province of Kirkuk, police said.",
        "gov:kirkuk",
    ),
    (
        "fr",
        "Irak: deux soldats tués par une bombe à Kirkouk",
        "Deux soldats irakiens ont été tués dimanche par une bombe artisanale qui a visé leur "
        "patrouille dans la province de Kirkouk, selon la police.",
        "gov:kirkuk",
    ),
    (
        "ar",
        "مقتل جنديين بانفجار عبوة في كركوك",
        "قتل جنديان عراقيان صباح الأحد بانفجار عبوة ناسفة استهدفت دوريتهما في محافظة كركوك، بحسب مصدر في الشرطة.",
        "gov:kirkuk",
    ),
    (
        "en",
        "Two soldiers killed in bomb attack in Ramadi",
        "Two Iraqi soldiers were killed on Sunday when a roadside bomb hit their patrol in Ramadi, "
        "in Anbar province, police said.",
        "city:ramadi",
    ),
]


@pytest.mark.parametrize(("lang", "title", "text", "place_id"), SEATS_AND_PROVINCES)
def test_a_seat_named_like_its_province_stands_for_the_province_the_lead_names(
    ex: Extractor, lang: str, title: str, text: str, place_id: str
) -> None:
    got = ex.extract(title, text, SUNDAY, lang=lang)
    assert got.relevant, got.reason
    assert got.place is not None and got.place.id == place_id


def test_place_from_dateline_when_text_names_none(ex: Extractor) -> None:
    got = ex.extract(
        "Irak: roquettes",
        "Des roquettes sont tombées dimanche, sans faire de victimes.",
        SUNDAY,
        lang="fr",
        dateline="KIRKOUK",
    )
    assert got.place.id == "city:kirkuk" and got.place.governorate == "Kirkuk"


def test_homonym_takes_the_governorate_of_the_article(ex: Extractor) -> None:
    got = ex.extract(
        "Rocket hits Baghdad home",
        "A rocket fell on Sunday on a house in Qadisiya, in western Baghdad, wounding a child.",
        SUNDAY,
        lang="en",
    )
    assert got.place.id == "district:qadisiya-baghdad"


TIMES = [
    # (lang, text, expected UTC datetime, precision)
    (
        "fr",
        "Des roquettes sont tombées tôt dimanche, vers 00H30 GMT (03H30 locales), près de l'ambassade à Bagdad.",
        datetime(2020, 2, 16, 0, 30, tzinfo=UTC),
        "hour",
    ),
    (
        "fr",
        "Des roquettes sont tombées dimanche à 22h00 heure locale sur Bagdad.",
        None,
        "hour",
    ),  # capped
    (
        "fr",
        "Une roquette est tombée samedi à 21h00 heure locale sur Bagdad.",
        datetime(2020, 2, 15, 18, 0, tzinfo=UTC),
        "hour",
    ),
    (
        "fr",
        "Des roquettes ont visé la Zone verte hier soir à Bagdad.",
        datetime(2020, 2, 15, 16, 0, tzinfo=UTC),
        "day",
    ),
    (
        "fr",
        "Des roquettes ont visé la Zone verte la nuit dernière à Bagdad.",
        datetime(2020, 2, 15, 19, 0, tzinfo=UTC),
        "day",
    ),
    (
        "en",
        "Rockets struck the Green Zone in Baghdad late on Saturday.",
        datetime(2020, 2, 15, 19, 0, tzinfo=UTC),
        "day",
    ),
    (
        "en",
        "Rockets struck the Green Zone in Baghdad early Sunday.",
        datetime(2020, 2, 16, 1, 0, tzinfo=UTC),
        "day",
    ),
    (
        "en",
        "Rockets struck the Green Zone in Baghdad overnight.",
        datetime(2020, 2, 15, 19, 0, tzinfo=UTC),
        "day",
    ),
    (
        "en",
        "Rockets struck the Green Zone in Baghdad this morning.",
        datetime(2020, 2, 16, 6, 0, tzinfo=UTC),
        "day",
    ),
    (
        "en",
        "Rockets struck the Green Zone in Baghdad yesterday.",
        datetime(2020, 2, 15, 9, 0, tzinfo=UTC),
        "day",
    ),
    (
        "en",
        "Rockets struck the Green Zone in Baghdad at 10:30 pm on Saturday.",
        datetime(2020, 2, 15, 19, 30, tzinfo=UTC),
        "hour",
    ),
    (
        "en",
        "Rockets struck the Green Zone in Baghdad on February 15.",
        datetime(2020, 2, 15, 9, 0, tzinfo=UTC),
        "day",
    ),
    (
        "en",
        "Rockets struck the Green Zone in Baghdad, police said.",
        SUNDAY,
        "unknown",
    ),  # no time words: the publication time, which the text does not state
    (
        "ar",
        "سقطت صواريخ مساء الأحد على المنطقة الخضراء في بغداد.",
        None,
        "day",
    ),  # capped at publication
    (
        "ar",
        "سقطت صواريخ مساء السبت على المنطقة الخضراء في بغداد.",
        datetime(2020, 2, 15, 16, 0, tzinfo=UTC),
        "day",
    ),
    (
        "ar",
        "سقطت صواريخ فجر اليوم على المنطقة الخضراء في بغداد.",
        datetime(2020, 2, 16, 2, 0, tzinfo=UTC),
        "day",
    ),
    (
        "ar",
        "سقطت صواريخ ليلة السبت على المنطقة الخضراء في بغداد.",
        datetime(2020, 2, 15, 19, 0, tzinfo=UTC),
        "day",
    ),
    (
        "ar",
        "سقطت صواريخ أمس على المنطقة الخضراء في بغداد.",
        datetime(2020, 2, 15, 9, 0, tzinfo=UTC),
        "day",
    ),
    (
        "ar",
        "سقطت صواريخ ليل أول من أمس على المنطقة الخضراء في بغداد.",
        datetime(2020, 2, 14, 19, 0, tzinfo=UTC),
        "day",
    ),  # the day before yesterday, in its commonest form
    (
        "fr",
        "Des roquettes se sont abattues dans la nuit de vendredi à samedi sur la Zone verte.",
        datetime(2020, 2, 14, 21, 0, tzinfo=UTC),
        "day",
    ),  # the night between two days named: its midnight, not Friday's evening
    (
        "ar",
        "سقطت صواريخ ليل الجمعة السبت على المنطقة الخضراء في بغداد.",
        datetime(2020, 2, 14, 21, 0, tzinfo=UTC),
        "day",
    ),
    (
        "en",
        "Rockets struck the Green Zone in Baghdad overnight Friday to Saturday.",
        datetime(2020, 2, 14, 21, 0, tzinfo=UTC),
        "day",
    ),
    # The day a source spoke on, named before the event's words, yields to the event's own day
    # in a later sentence; alone, it dates the event.
    (
        "ar",
        "أعلنت قيادة عمليات بغداد، الأحد، عن سقوط صواريخ قرب المنطقة الخضراء. وقال مصدر أمني إن مجهولين أطلقوا الصواريخ مساء أمس من بستان.",
        datetime(2020, 2, 15, 16, 0, tzinfo=UTC),
        "day",
    ),
    ("ar", "أفاد مصدر أمني، الأحد، بسقوط صواريخ على المنطقة الخضراء في بغداد.", None, "day"),
    # The day of the first sentence, to the hour of the next one; the zone qualifies the clock
    # right before it only.
    (
        "fr",
        "Des roquettes sont tombées dimanche matin près de l'ambassade à Bagdad. L'attaque s'est "
        "produite vers 06H30 (03H30 GMT), selon la police.",
        datetime(2020, 2, 16, 3, 30, tzinfo=UTC),
        "hour",
    ),
    # The day a toll rose is not the attack's: the next sentence dates it
    (
        "en",
        "The death toll from rockets that hit a market in Baghdad rose to 12 on Sunday, officials "
        "said. The rockets struck on Saturday evening.",
        datetime(2020, 2, 15, 16, 0, tzinfo=UTC),
        "day",
    ),
    # ... but a day after "reached" without a new figure dates the event
    (
        "en",
        "Rockets fired by militants reached Kadhimiya on Saturday evening, wounding two guards in "
        "Baghdad, police said.",
        datetime(2020, 2, 15, 16, 0, tzinfo=UTC),
        "day",
    ),
    # ... but not the hour of a sentence about another day
    (
        "en",
        "Rockets struck near the embassy in Baghdad on Sunday. A similar attack on Friday at "
        "10:00 pm wounded a guard.",
        None,
        "day",
    ),
]


@pytest.mark.parametrize(("lang", "text", "expected", "precision"), TIMES)
def test_event_time(
    ex: Extractor, lang: str, text: str, expected: datetime | None, precision: str
) -> None:
    got = ex.extract(ROCKETS_HEADLINE[lang], text, SUNDAY, lang=lang)
    assert got.relevant, got.reason
    assert got.event_time <= SUNDAY
    assert got.event_time == (expected or SUNDAY)
    assert got.time_precision == precision


def test_time_never_after_publication_and_since_is_not_the_event(ex: Extractor) -> None:
    got = ex.extract(
        "Rockets hit US embassy",
        "Rockets hit the US embassy in Baghdad on Sunday, the 19th attack since October 28.",
        SUNDAY,
        lang="en",
    )
    assert got.event_time.date() == date(2020, 2, 16)


CASUALTIES = [
    ("fr", "Une roquette a tué deux soldats et blessé trois autres dimanche à Bagdad.", 2, 3),
    ("fr", "Deux morts et cinq blessés dimanche dans l'explosion d'une bombe à Kirkouk.", 2, 5),
    ("fr", "Un soldat a été tué dimanche dans l'explosion d'une bombe à Kirkouk.", 1, None),
    (
        "fr",
        "Cinquante et un combattants ont été blessés dimanche dans des frappes à Al-Qaïm.",
        None,
        51,
    ),
    ("fr", "Des roquettes sont tombées dimanche sur Bagdad sans faire de victimes.", 0, 0),
    ("fr", "Une dizaine de personnes ont été tuées dimanche dans un attentat à Bagdad.", 10, None),
    ("en", "Three rockets killed two soldiers on Sunday at a base in Baghdad.", 2, None),
    (
        "en",
        "A suicide bomber killed at least 28 people and wounded 73 on Sunday in Baghdad.",
        28,
        73,
    ),
    (
        "en",
        "The bombing killed seven people on Sunday in Baghdad; the toll later rose to 32 dead.",
        32,
        None,
    ),
    (
        "en",
        "Rockets landed near the US embassy in Baghdad on Sunday. There were no casualties.",
        0,
        0,
    ),
    ("en", "Rockets struck a base in Baghdad on Sunday, killing a US contractor.", 1, None),
    ("en", "Dozens of people were killed on Sunday in a car bomb in Baghdad.", 20, None),
    (
        "en",
        "Rockets hit the base on Sunday in Baghdad, where 5,200 US troops are deployed.",
        None,
        None,
    ),
    ("ar", "قتل ثلاثة جنود وأصيب خمسة آخرون مساء الأحد بانفجار عبوة في كركوك.", 3, 5),
    ("ar", "أسفر الهجوم مساء الأحد في بغداد عن مقتل ٣ وإصابة ٧ مدنيين.", 3, 7),
    ("ar", "أسفر انفجار عبوة مساء الأحد في الموصل عن مقتل جندي.", 1, None),
    ("ar", "سقطت صواريخ مساء الأحد على المنطقة الخضراء في بغداد لم تسفر عن إصابات.", 0, 0),
]


@pytest.mark.parametrize(("lang", "text", "killed", "wounded"), CASUALTIES)
def test_casualties(
    ex: Extractor, lang: str, text: str, killed: int | None, wounded: int | None
) -> None:
    got = ex.extract(ATTACK_HEADLINE[lang], text, SUNDAY, lang=lang)
    assert got.relevant, got.reason
    assert (got.killed, got.wounded) == (killed, wounded)


def test_casualties_of_earlier_attacks_are_not_counted(ex: Extractor) -> None:
    got = ex.extract(
        "Rockets hit US embassy in Baghdad",
        "Rockets hit the US embassy in Baghdad on Sunday, causing no casualties. "
        "Last month a similar attack had killed an American contractor in Kirkuk.",
        SUNDAY,
        lang="en",
    )
    assert (got.killed, got.wounded) == (0, 0)


TYPES = [
    ("fr", "Des tirs de roquettes ont visé dimanche la base de Taji.", "rocket", "us_military"),
    # "مسؤولون أميركيون" who describe the attack speak of it; "مسؤولين أميركيين" killed are its
    # victims
    (
        "ar",
        "انفجرت شاحنة مفخخة الأحد أمام مقر منظمة دولية في بغداد ما أسفر عن مقتل 20 شخصا، في هجوم وصفه مسؤولون أميركيون بأنه عمل إرهابي.",
        "ied",
        "other",
    ),
    (
        "ar",
        "قتل ثلاثة مسؤولين أميركيين الأحد بتفجير عبوة ناسفة استهدف موكبهم في بغداد.",
        "ied",
        "us_military",
    ),
    (
        "fr",
        "Des obus de mortier sont tombés dimanche sur un marché de Baaqouba.",
        "mortar",
        "civilians",
    ),
    (
        "en",
        "An explosive-laden drone struck the prime minister's residence in Baghdad on Sunday.",
        "drone",
        "government",
    ),
    (
        "en",
        "Iranian ballistic missiles struck the Ain al-Asad air base on Sunday.",
        "missile",
        "us_military",
    ),
    (
        "en",
        "A roadside bomb hit a coalition logistics convoy near Nasiriyah on Sunday.",
        "ied",
        "logistics_convoy",
    ),
    # A convoy is the coalition's only beside its name; a politician's or a commander's is not.
    (
        "en",
        "A roadside bomb hit a convoy carrying supplies for the US-led coalition in Iraq's Babil "
        "province on Sunday.",
        "ied",
        "logistics_convoy",
    ),
    (
        "en",
        "A roadside bomb hit a US military convoy near Nasiriyah on Sunday.",
        "ied",
        "logistics_convoy",
    ),
    (
        "ar",
        "انفجرت عبوة ناسفة الأحد على رتل ينقل معدات تابعة للتحالف الدولي في محافظة بابل العراقية.",
        "ied",
        "logistics_convoy",
    ),
    (
        "fr",
        "Une bombe artisanale a visé dimanche un convoi de l'armée américaine près de Nassiriya.",
        "ied",
        "logistics_convoy",
    ),
    (
        "en",
        "A roadside bomb hit the convoy of an Iraqi lawmaker in Nasiriyah on Sunday.",
        "ied",
        "government",
    ),
    (
        "fr",
        "Une bombe a visé dimanche un convoi près de Nassiriya, en Irak.",
        "ied",
        "other",
    ),
    (
        "en",
        "A suicide bomber blew himself up in a crowded market in Baghdad on Sunday.",
        "suicide_bombing",
        "civilians",
    ),
    (
        "en",
        "Security forces opened fire on protesters in Nasiriyah on Sunday.",
        "shooting",
        "protesters",
    ),
    (
        "en",
        "A US drone strike hit a Kataeb Hezbollah vehicle in Baghdad on Sunday.",
        "airstrike",
        "pmf",
    ),
    (
        "en",
        "Clashes broke out on Sunday between IS fighters and the army near Kirkuk.",
        "clash",
        "iraqi_security",
    ),
    ("ar", "اختطف مسلحون مهندسا مساء الأحد في بغداد.", "kidnapping", "civilians"),
    (
        "ar",
        "استهدف هجوم بطائرة مسيرة مساء الأحد مطار أربيل حيث تتمركز قوات التحالف.",
        "drone",
        "coalition",
    ),
    (
        "fr",
        "Une grenade a été lancée dimanche contre un bureau électoral à Mossoul.",
        "other",
        "government",
    ),
    (
        "ar",
        "انفجرت عبوة ناسفة الأحد قرب سوق في الفلوجة، فيما قصفت طائرات التحالف مواقع قرب الموصل.",
        "ied",
        "civilians",
    ),  # the coalition's aircraft struck elsewhere: the coalition was not hit
    (
        "en",
        "A roadside bomb exploded near a market in Fallujah on Sunday, as coalition airstrikes "
        "pounded positions near Mosul.",
        "ied",
        "civilians",
    ),
    (
        "fr",
        "Des roquettes ont visé dimanche les forces américaines dans l'ouest de l'Irak.",
        "rocket",
        "us_military",
    ),  # a state's forces hit, with no base named: a US target
    (
        "ar",
        "سقطت ثلاثة صواريخ مساء الأحد قرب القوات الأمريكية في محافظة الأنبار.",
        "rocket",
        "us_military",
    ),
    (
        "en",
        "Rockets hit positions of the US military in western Anbar on Sunday.",
        "rocket",
        "us_military",
    ),
]


# Who a clause about an earlier event names was not hit: the US troops whose departure dates
# the bombing.
TYPES += [
    (
        "en",
        "A car bomb killed five people in Baghdad's Karrada district on Sunday, days after the "
        "withdrawal of the last US troops from the country.",
        "ied",
        "civilians",
    ),
    (
        "fr",
        "Une voiture piégée a tué dimanche cinq personnes dans le quartier de Karrada à Bagdad, "
        "quelques jours après le départ des derniers soldats américains.",
        "ied",
        "civilians",
    ),
]


def test_an_armed_group_a_state_shells_is_the_target(ex: Extractor) -> None:
    """A state's artillery on the PKK: the group named is hit (as it is by a state's
    airstrikes), and a coalition the next sentence names for its use of a base is not."""
    got = ex.extract(
        "المدفعية التركية تقصف مواقع كردية",
        "قصفت المدفعية التركية الأحد مواقع حزب العمال الكردستاني في شمال العراق. وقالت تقارير "
        "إن القصف جاء بعد اتفاق على استخدام التحالف الدولي لقاعدة إنجرليك.",
        SUNDAY,
        lang="ar",
    )
    assert got.relevant, got.reason
    assert got.target == "other" and not got.us_interest


# US forces that act are the attacker, not the target: in the verb-first Arabic order, and in a
# lead whose first sentence repeats the headline's subject with a past form ("killed").
US_FORCES_ACTING = [
    (
        "en",
        "US military kills two gunmen in raid near Kirkuk",
        "The US military killed two gunmen in a raid near Kirkuk on Sunday, officials said.",
    ),
    (
        "fr",
        "Les forces américaines tuent deux jihadistes près de Kirkouk",
        "Les forces américaines ont tué dimanche deux jihadistes lors d'un raid près de Kirkouk.",
    ),
    (
        "ar",
        "اشتباك قرب كركوك",
        "داهمت القوات الأمريكية مساء الأحد مخبأ لمسلحين قرب كركوك وقتلت اثنين منهم.",
    ),
]


@pytest.mark.parametrize(("lang", "title", "text"), US_FORCES_ACTING)
def test_us_forces_that_act_are_not_the_target(
    ex: Extractor, lang: str, title: str, text: str
) -> None:
    got = ex.extract(title, text, SUNDAY, lang=lang)
    assert got.relevant, got.reason
    assert got.target not in ("us_military", "coalition")
    assert not got.us_interest


@pytest.mark.parametrize(("lang", "text", "kind", "target"), TYPES)
def test_type_and_target(ex: Extractor, lang: str, text: str, kind: str, target: str) -> None:
    got = ex.extract("", text, SUNDAY, lang=lang)
    assert got.relevant, got.reason
    assert (got.attack_type, got.target) == (kind, target)
    assert got.us_interest is (
        target in {"us_embassy", "us_military", "coalition", "us_contractor", "logistics_convoy"}
    )


TALLIES = [
    (
        "fr",
        "Des roquettes ont visé dimanche l'ambassade américaine à Bagdad, la 19e attaque contre des intérêts américains en Irak depuis le 28 octobre.",
        19,
        date(2019, 10, 28),
        True,
    ),
    (
        "fr",
        "Des roquettes ont visé dimanche l'ambassade américaine à Bagdad, la dix-neuvième attaque en près de quatre mois.",
        19,
        None,
        False,
    ),
    (
        "fr",
        "Trois soldats ont été tués dimanche par des roquettes à Taji, la 21e contre des intérêts américains.",
        21,
        None,
        True,
    ),
    (
        "en",
        "Rockets hit the US embassy in Baghdad on Sunday, the 19th attack against US interests since October 28.",
        19,
        date(2019, 10, 28),
        True,
    ),
    (
        "en",
        "Rockets hit the US embassy in Baghdad on Sunday, the nineteenth such attack in four months.",
        19,
        None,
        False,
    ),
    (
        "ar",
        "سقطت صواريخ مساء الأحد على السفارة الأميركية في بغداد، في الهجوم التاسع عشر على المصالح الأميركية منذ 28 تشرين الأول/أكتوبر.",
        19,
        date(2019, 10, 28),
        True,
    ),
    (
        "ar",
        "سقطت صواريخ مساء الأحد على السفارة الأميركية في بغداد، وهو الهجوم الـ22 ضد المصالح الأميركية.",
        22,
        None,
        True,
    ),
    (
        "ar",
        "سقطت صواريخ مساء الأحد على السفارة الأميركية في بغداد، وهو الهجوم الحادي والعشرين.",
        21,
        None,
        False,
    ),
]


@pytest.mark.parametrize(("lang", "text", "n", "since", "us"), TALLIES)
def test_reported_tally(
    ex: Extractor, lang: str, text: str, n: int, since: date | None, us: bool
) -> None:
    got = ex.extract("Iraq", text, SUNDAY, lang=lang)
    assert got.reported_tally is not None
    assert (got.reported_tally.n, got.reported_tally.since, got.reported_tally.us_interest) == (
        n,
        since,
        us,
    )
    assert got.reported_tally.scope


@pytest.mark.parametrize(
    "text",
    [
        "Rockets hit the US embassy in Baghdad on Sunday. More than 110 attacks have targeted US forces since mid-October.",
        "Rockets hit the US embassy in Baghdad on Sunday, the first attack in a week.",
        "Rockets hit the US embassy in Baghdad on Sunday, where 5,200 US troops are deployed.",
    ],
)
def test_numbers_that_are_not_tallies(ex: Extractor, text: str) -> None:
    assert ex.extract("Iraq", text, SUNDAY, lang="en").reported_tally is None


# Counts of the series, in round-ups and in reports (our own sentences, in the wires' forms):
# (lang, title, text, n, at least, past Iraq, relevant).
SERIES_COUNTS = [
    ("en", "Attacks on US troops mount",
     "US and coalition forces have been attacked at least 19 times in Iraq and Syria since Jan. 3, a Pentagon spokesman said.",
     19, True, True, False),
    ("en", "Rocket attacks target US bases",
     "American troops in Iraq have come under attack 14 times since Feb. 2, officials said on Sunday.",
     14, False, False, False),
    ("en", "Rockets hit near US embassy in Baghdad",
     "Two rockets hit near the US embassy in Baghdad on Sunday. US interests have been targeted more than 18 times since Jan. 3.",
     18, True, False, True),
    ("fr", "Irak : les attaques contre les Américains se multiplient",
     "Les forces américaines ont été visées par plus de 20 attaques en Irak et dans la région depuis le 3 janvier, selon le Pentagone.",
     20, True, True, False),
    ("ar", "تصاعد الهجمات على القوات الأمريكية",
     "تعرضت القوات الأمريكية لأكثر من 17 هجوما في العراق منذ 3 كانون الثاني/يناير، بحسب مسؤول أمريكي.",
     17, True, False, False),
]  # fmt: skip


@pytest.mark.parametrize(("lang", "title", "text", "n", "at_least", "beyond", "relevant"), SERIES_COUNTS)  # fmt: skip
def test_a_count_of_the_series_is_read_as_no_rank(
    ex: Extractor, lang: str, title: str, text: str, n: int, at_least: bool, beyond: bool, relevant: bool
) -> None:  # fmt: skip
    got = ex.extract(title, text, SUNDAY, lang=lang)
    assert got.relevant is relevant, (got.reason, got.evidence)
    tally = got.reported_tally
    assert tally is not None and not tally.rank
    assert (tally.n, tally.at_least, tally.beyond_iraq, tally.us_interest) == (
        n,
        at_least,
        beyond,
        True,
    )
    assert tally.since is not None and tally.since.month in (1, 2)


def test_a_rank_in_iraq_and_syria_is_of_another_series(ex: Extractor) -> None:
    text = "A drone hit Ain al-Asad air base in Iraq on Sunday, the 12th attack on US forces in Iraq and Syria since January 3."
    tally = ex.extract("Drone hits Iraq base", text, SUNDAY, lang="en").reported_tally
    assert tally is not None and tally.rank and tally.n == 12 and tally.beyond_iraq
    text = "Rockets hit the US embassy in Baghdad on Sunday, the 19th attack against US interests in Iraq since October 28."
    tally = ex.extract("Iraq", text, SUNDAY, lang="en").reported_tally
    assert tally is not None and tally.rank and not tally.beyond_iraq


CLAIMS = [
    (
        "en",
        "A car bomb killed five people in Baghdad on Sunday. The attack was claimed by the Islamic State group.",
        "Islamic State group",
        None,
    ),
    (
        "en",
        "Rockets hit the US embassy in Baghdad on Sunday. Washington blames pro-Iran factions for the attacks.",
        None,
        "pro-Iran factions",
    ),
    (
        "en",
        "Rockets hit the US embassy in Baghdad on Sunday. No group has claimed the attack.",
        None,
        None,
    ),
    (
        "fr",
        "Une bombe a tué cinq personnes dimanche à Bagdad, une attaque revendiquée par le groupe Etat islamique.",
        "Islamic State group",
        None,
    ),
    (
        "ar",
        "قتل خمسة أشخاص مساء الأحد بانفجار سيارة مفخخة في بغداد، وتبنى تنظيم داعش الهجوم.",
        "Islamic State group",
        None,
    ),
]


@pytest.mark.parametrize(("lang", "text", "claimed", "blamed"), CLAIMS)
def test_claims_and_blame(
    ex: Extractor, lang: str, text: str, claimed: str | None, blamed: str | None
) -> None:
    got = ex.extract("Iraq", text, SUNDAY, lang=lang)
    assert (got.claimed_by, got.blamed_on) == (claimed, blamed)


def test_language_detected_when_not_given_and_module_level_extract() -> None:
    got = extract(
        "Irak: roquettes sur Bagdad",
        "Des roquettes sont tombées dimanche sur la Zone verte de Bagdad, sans faire de victimes.",
        SUNDAY,
    )
    assert got.lang == "fr" and got.relevant


def test_naive_publication_time_is_read_as_utc(ex: Extractor) -> None:
    naive = datetime(2020, 2, 16, 7, 0)
    got = ex.extract(
        "Rockets hit Baghdad's Green Zone",
        "Rockets hit the Green Zone in Baghdad this morning.",
        naive,
        lang="en",
    )
    assert got.event_time.tzinfo is not None and got.event_time <= SUNDAY


def test_a_town_named_after_a_given_name_is_a_surname(ex: Extractor) -> None:
    """ "رافع الرفاعي" is a man: his nisba names the town of Al-Rifai, not the scene."""
    got = ex.extract(
        "مفتي يتهم الحكومة بالعجز",
        "اتهم الشيخ رافع الرفاعي الحكومة الأحد بالعجز عن حماية المدن التي قصفت في العراق.",
        SUNDAY,
        lang="ar",
    )
    assert got.place is None or got.place.id != "city:rifai"
