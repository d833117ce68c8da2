"""Extraction rules that carry beyond the dev set's phrasing: accidents are not attacks, the
place of impact decides, the setting of a story is not its news, counts of many attacks are
recaps, an oil context never vetoes an attack, and tolls told in words, digits and updates."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.extract import Extractor

SUNDAY = datetime(2020, 2, 16, 7, 0, tzinfo=UTC)


NOT_INCIDENTS = [
    # accidents: casualty words and a blast or a fire, no act of violence
    (
        "en",
        "Twenty dead in Hilla hotel blaze",
        "A fire broke out early on Sunday in a hotel in Hilla, killing twenty guests, civil defence said.",
    ),
    (
        "en",
        "Truck and bus collide near Samawah, 11 killed",
        "Eleven people were killed on Sunday when a truck collided with a bus near Samawah, police said.",
    ),
    (
        "fr",
        "Irak: une explosion de gaz fait six morts à Kirkouk",
        "Six personnes ont été tuées dimanche par l'explosion d'une bouteille de gaz dans une maison de Kirkouk, selon la défense civile.",
    ),
    (
        "fr",
        "Un feu d'artifice provoque un incendie meurtrier dans une salle des fêtes de Mossoul",
        "L'incendie a fait 40 morts dimanche soir à Mossoul, après qu'un feu d'artifice a mis le feu au plafond.",
    ),
    (
        "ar",
        "مصرع سبعة أشخاص بانهيار مبنى في الموصل",
        "لقي سبعة أشخاص مصرعهم، الأحد، إثر انهيار مبنى قديم في الموصل، بحسب الدفاع المدني.",
    ),
    (
        "ar",
        "وفاة عشرة زوار بحادث سير قرب كربلاء",
        "توفي عشرة زوار وأصيب خمسة، الأحد، بتصادم حافلة مع شاحنة قرب كربلاء.",
    ),
    # launched from Iraq, landing abroad
    (
        "en",
        "Rockets fired from Iraq hit US base in Syria",
        "Rockets fired from Iraqi territory struck a base hosting US troops on Sunday, a US official said.",
    ),
    (
        "fr",
        "Un drone lancé depuis l'Irak frappe Eilat",
        "Un drone lancé depuis le territoire irakien a frappé dimanche un entrepôt, selon l'armée israélienne.",
    ),
    (
        "ar",
        "مسيرة انطلقت من العراق تضرب حيفا",
        "قالت المقاومة الإسلامية في العراق إن مسيرة انطلقت من العراق استهدفت ميناء حيفا الأحد.",
    ),
    # the setting of a story about something else
    (
        "en",
        "Iraqi premier meets US envoy amid drone attacks on bases",
        "Iraq's prime minister met the US envoy in Baghdad on Sunday, amid a wave of drone attacks on bases hosting US troops.",
    ),
    (
        "fr",
        "Le ministre irakien reçu à Washington sur fond d'attaques de roquettes",
        "Le ministre irakien des Affaires étrangères a rencontré dimanche son homologue américain, sur fond d'attaques de roquettes contre l'ambassade.",
    ),
    (
        "ar",
        "السوداني يلتقي وزير الخارجية الأمريكي في ظل هجمات بالمسيرات",
        "التقى رئيس الوزراء، الأحد، وزير الخارجية الأمريكي في بغداد، في ظل هجمات بطائرات مسيرة على القواعد.",
    ),
    # counts of many attacks: recaps
    (
        "en",
        "More than 60 attacks on convoys in Iraq this year",
        "Convoys carrying coalition supplies have come under more than 60 attacks since January, a monitoring group said on Sunday.",
    ),
    (
        "ar",
        "أكثر من 40 هجوماً على الأرتال منذ مطلع العام",
        "تعرضت أرتال الدعم اللوجستي لأكثر من 40 هجوماً بالعبوات الناسفة منذ مطلع العام، وفق إحصائية.",
    ),
    # Arabic anniversaries, trials, threats
    (
        "ar",
        "ذوو ضحايا تفجير الكرادة يستذكرون أبناءهم",
        "استذكر ذوو ضحايا تفجير الكرادة، الأحد، أبناءهم بإيقاد الشموع في موقع الانفجار.",
    ),
    (
        "ar",
        "الحكم بالسجن على ضابط بتهمة قتل متظاهرين",
        "قضت محكمة جنايات الرصافة، الأحد، بالسجن عشر سنوات على ضابط بتهمة قتل متظاهرين في بغداد.",
    ),
    (
        "ar",
        "فصيل مسلح يمهل الحكومة أسبوعاً لإخراج القوات الأمريكية",
        "طالب فصيل مسلح، الأحد، الحكومة بإخراج القوات الأمريكية خلال مهلة أسبوع، متوعداً باستهداف القواعد بالصواريخ.",
    ),
    # an explosion with an accident's cue stays an accident
    (
        "en",
        "Explosion at arms depot near Karbala",
        "An explosion at an ammunition depot near Karbala wounded ten people on Sunday, officials said, blaming the heat.",
    ),
    (
        "ar",
        "انفجار اسطوانة غاز في البصرة",
        "قتل شخصان في انفجار اسطوانة غاز داخل مطعم في البصرة الأحد، بحسب الدفاع المدني.",
    ),
    # a death the army calls not combat-related names combat to deny it
    (
        "en",
        "US service member dies in non-combat incident in Iraq",
        "A US service member died on Sunday in a non-combat incident in northern Iraq, the coalition said.",
    ),
    (
        "fr",
        "Irak: un soldat américain tué dans un accident de véhicule",
        "Un militaire américain est mort dimanche dans le nord de l'Irak, a annoncé la coalition, précisant qu'il ne s'agissait pas d'un incident lié au combat.",
    ),
    (
        "ar",
        "وفاة جندي أمريكي في حادث غير قتالي شمالي العراق",
        "أعلن التحالف الدولي الأحد وفاة جندي أمريكي في حادث غير قتالي في شمال العراق.",
    ),
    # a plan weighed months on: a review, not a report of its bombings
    (
        "ar",
        "شهران على الخطة الأمنية في بغداد: تراجع القتل وتصاعد التفجيرات",
        "بعد شهرين على انطلاق الخطة الأمنية في بغداد، يرى مسؤولون أن الخطة خفضت عمليات القتل، لكنها لم توقف التفجيرات الانتحارية.",
    ),
    (
        "en",
        "Two months on, Baghdad security plan curbs killings but not bombings",
        "Two months on, officials say the Baghdad security plan has cut sectarian killings, though suicide bombings go on.",
    ),
    (
        "fr",
        "Deux mois après, le plan de sécurité de Bagdad réduit les meurtres",
        "Deux mois après son lancement, le plan de sécurité de Bagdad a réduit les meurtres confessionnels, mais pas les attentats suicide, selon des responsables.",
    ),
    # a warrant for a politician accused of attacks: justice, not an attack
    (
        "fr",
        "Irak : mandat d'arrêt contre un vice-président",
        "La justice irakienne a émis dimanche un mandat d'arrêt contre un vice-président, soupçonné d'avoir commandité des attentats meurtriers à Bagdad.",
    ),
    # an embassy testing its defences: detonations, no attack
    (
        "fr",
        "Bagdad : l'ambassade américaine teste son système de défense antiroquettes",
        "L'ambassade des Etats-Unis à Bagdad a procédé dimanche à un essai de son système de défense antiroquettes, provoquant des détonations au-dessus de la Zone verte.",
    ),
    # a resignation over an attack: the news is the politics that follows it
    (
        "en",
        "Two ministers quit Iraqi cabinet over deadly Hawija raid",
        "Two ministers resigned on Sunday in protest over an army raid in Hawija that killed 20 people, their bloc said.",
    ),
    (
        "fr",
        "Irak : deux ministres démissionnent après le raid meurtrier de Hawija",
        "Deux ministres ont démissionné dimanche pour protester contre le raid de l'armée à Hawija qui a fait 20 morts.",
    ),
    (
        "ar",
        "استقالة وزيرين احتجاجا على اقتحام الحويجة",
        "قدم وزيران استقالتهما الأحد احتجاجا على اقتحام الجيش ساحة الاعتصام في الحويجة الذي أسفر عن مقتل 20 شخصا.",
    ),
]


@pytest.mark.parametrize(("lang", "title", "text"), NOT_INCIDENTS)
def test_not_an_incident(ex: Extractor, lang: str, title: str, text: str) -> None:
    got = ex.extract(title, text, SUNDAY, lang=lang)
    assert not got.relevant, got.reason


INCIDENTS = [
    # an attack stated beside an accident word or an oil context stays an incident
    (
        "en",
        "Gunmen set fire to liquor store in Baghdad",
        "Gunmen stormed a liquor store in Baghdad's Karrada district early on Sunday and set it ablaze, police said.",
        "civilians",
    ),
    (
        "en",
        "Rocket hits oil company camp in Basra",
        "A Katyusha rocket struck a camp of foreign oil companies near Basra early on Sunday, causing no casualties, police said.",
        None,
    ),
    (
        "fr",
        "Bassora: un ingénieur du pétrole enlevé",
        "Des hommes armés ont enlevé dimanche un ingénieur d'une compagnie pétrolière à Bassora, a indiqué la police.",
        "civilians",
    ),
    (
        "ar",
        "مسلحون يختطفون مهندساً نفطياً في البصرة",
        "اختطف مسلحون مجهولون، صباح الأحد، مهندساً يعمل في شركة نفطية في البصرة، بحسب مصدر أمني.",
        "civilians",
    ),
    # French phrasing of US targets
    (
        "fr",
        "Irak: une bombe vise un convoi de la coalition",
        "Une bombe a visé dimanche un convoi logistique de la coalition emmenée par Washington près de Diwaniya.",
        "logistics_convoy",
    ),
    (
        "fr",
        "Irak: roquettes sur une base abritant des soldats américains",
        "Deux roquettes ont frappé dimanche une base abritant des soldats américains près de Bagdad.",
        "us_military",
    ),
    (
        "fr",
        "Irak: drone contre des intérêts américains",
        "Un drone piégé a visé dimanche des intérêts américains à l'aéroport de Bagdad.",
        "us_military",
    ),
    # an explosion with no weapon named, and no cue of an accident, is a bombing to report
    (
        "en",
        "Blast kills five in Baghdad market",
        "An explosion killed five people and wounded twelve in a market in eastern Baghdad on Sunday, police said.",
        None,
    ),
    (
        "fr",
        "Explosion meurtrière sur un marché de Bagdad",
        "Une explosion a tué cinq personnes dimanche sur un marché de l'est de Bagdad, selon la police.",
        None,
    ),
    (
        "ar",
        "انفجار يقتل خمسة في سوق ببغداد",
        "قتل خمسة أشخاص وأصيب 12 آخرون في انفجار في سوق شرقي بغداد الأحد، وفق ما أفادت الشرطة.",
        None,
    ),
    # who judges, as the victim of the act: an assassination, not a trial
    (
        "en",
        "Gunmen kill judge in Baghdad",
        "Gunmen shot dead a judge and his son outside their home in Baghdad on Sunday, police said.",
        None,
    ),
    (
        "fr",
        "Irak : assassinat d'un juge à Bagdad",
        "Des hommes armés ont tué dimanche un juge devant son domicile à Bagdad, selon la police.",
        None,
    ),
    (
        "ar",
        "اغتيال قاض في محكمة استئناف بغداد",
        "اغتال مسلحون مجهولون، الأحد، قاضيا في محكمة استئناف بغداد أمام منزله في حي الجامعة.",
        None,
    ),
]


@pytest.mark.parametrize(("lang", "title", "text", "target"), INCIDENTS)
def test_attack_stays_an_incident(
    ex: Extractor, lang: str, title: str, text: str, target: str | None
) -> None:
    got = ex.extract(title, text, SUNDAY, lang=lang)
    assert got.relevant, got.reason
    if target is not None:
        assert got.target == target


TOLLS = [
    (
        "en",
        "Car bomb in Sadr City",
        "The death toll from a car bomb that went off in a Sadr City market on Sunday rose to nine, police said.",
        9,
        None,
    ),
    (
        "en",
        "Suicide bomber kills five in Tikrit",
        "A suicide bomber blew himself up at a checkpoint in Tikrit on Sunday, killing five soldiers and wounding eight.",
        5,
        8,
    ),
    (
        "fr",
        "Attentat à Kirkouk",
        "Le bilan de l'attentat à la voiture piégée de dimanche à Kirkouk est passé à douze morts, selon la police.",
        12,
        None,
    ),
    (
        "ar",
        "تفجير في بغداد",
        "ارتفعت حصيلة التفجير الانتحاري في بغداد، الأحد، إلى خمسة وعشرين قتيلاً وأربعين جريحاً.",
        25,
        40,
    ),
    (
        "ar",
        "عبوة في ديالى",
        "قتل ٤ جنود وأصيب ٣ بانفجار عبوة ناسفة في قضاء المقدادية، الأحد.",
        4,
        3,
    ),
    (
        "ar",
        "هجوم في كركوك",
        "قتل جنديان وأصيب ثالث بهجوم لمسلحين على نقطة للجيش في ناحية الرياض، الأحد.",
        2,
        1,
    ),
    # a town located from another ("170 km north of Baghdad") is still the scene of the toll
    (
        "en",
        "Gunmen overrun northern Iraqi town",
        "Gunmen seized a town in northern Iraq on Sunday after a deadly raid on a protest camp. "
        "The fighting in Sulaiman Bek, 170 kilometers (105 miles) north of Baghdad, killed at least 12 people.",
        12,
        None,
    ),
    # a toll not known yet is no zero ("no precise toll of the victims was available")
    (
        "ar",
        "انفجار ضخم يهز مبنى في بغداد",
        "هز انفجار ضخم الأحد مبنى حكوميا في بغداد، مما أدى إلى سقوط عدد من الجرحى، ولم تتوفر على الفور حصيلة دقيقة للضحايا.",
        None,
        None,
    ),
]


@pytest.mark.parametrize(("lang", "title", "text", "killed", "wounded"), TOLLS)
def test_tolls(
    ex: Extractor, lang: str, title: str, text: str, killed: int, wounded: int | None
) -> None:
    got = ex.extract(title, text, SUNDAY, lang=lang)
    assert got.relevant, got.reason
    assert (got.killed, got.wounded) == (killed, wounded)


PLACES = [
    (
        "en",
        "Roadside bomb kills soldier",
        "A roadside bomb in Tarmiyah killed a soldier on Sunday, the army said.",
        "BAGHDAD",
        "district:tarmiyah",
    ),
    (
        "ar",
        "هجوم على الجيش",
        "هاجم مسلحون، الأحد، نقطة للجيش في قضاء الطارمية، ما أدى إلى مقتل جندي.",
        "بغداد",
        "district:tarmiyah",
    ),
    (
        "fr",
        "Attaque contre l'armée",
        "Des jihadistes ont attaqué dimanche un poste de l'armée dans le district de Hawija, tuant deux soldats.",
        "KIRKOUK",
        "city:hawija",
    ),
]


@pytest.mark.parametrize(("lang", "title", "text", "dateline", "place"), PLACES)
def test_scene_beats_dateline(
    ex: Extractor, lang: str, title: str, text: str, dateline: str, place: str
) -> None:
    got = ex.extract(title, text, SUNDAY, lang=lang, dateline=dateline)
    assert got.relevant, got.reason
    assert got.place is not None and got.place.id == place


def test_a_capital_that_speaks_is_no_scene(ex: Extractor) -> None:
    """ "Bagdad fait état de 16 morts": the government speaks; the strikes hit Al-Qaim."""
    got = ex.extract(
        "Frappes américaines en Irak : Bagdad fait état de 16 morts",
        "Les frappes américaines menées dimanche à l'aube dans l'ouest de l'Irak ont fait 16 morts, "
        "a annoncé le gouvernement. Les raids ont visé le secteur d'Al-Qaïm, près de la frontière syrienne.",
        SUNDAY,
        lang="fr",
    )
    assert got.relevant, got.reason
    assert got.place is not None and got.place.id == "city:al-qaim"


# The act of an earlier event named beside this one does not give it its type: a bombing whose
# aftermath the crew covered ("تداعيات"), or that a relative clause on the place tells in the past.
EARLIER_ACTS = [
    (
        "ar",
        "مقتل مراسلة تلفزيونية واثنين من زملائها قرب سامراء",
        "قتل مسلحون مجهولون الأحد مراسلة قناة فضائية واثنين من زملائها قرب مدينة سامراء أثناء "
        "تغطيتهم تداعيات تفجير مرقد ديني.",
    ),
    (
        "en",
        "TV reporter and crew killed near Samarra",
        "Gunmen killed a television reporter and two colleagues near Samarra on Sunday, where she had "
        "been reporting on the bombing of a shrine, the channel said.",
    ),
]


@pytest.mark.parametrize(("lang", "title", "text"), EARLIER_ACTS)
def test_an_earlier_act_does_not_type_the_attack(
    ex: Extractor, lang: str, title: str, text: str
) -> None:
    got = ex.extract(title, text, SUNDAY, lang=lang)
    assert got.relevant, got.reason
    assert got.attack_type == "shooting"
