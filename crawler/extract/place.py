"""Where: the incident's place, and whether the incident is outside Iraq.

The place is the most specific place of Iraq named in the title and first sentence: a site
beats a district, a district a city, a city a governorate; among equals the first named. The
second sentence only refines it (the Green Zone after "Baghdad"), or stands in when the title
and first sentence name no place: later paragraphs are background about other events, and so
is a sentence with a past marker ("the former Q-West base") unless nothing else names a place.
Within that:

* a landmark is not the scene: a place after "north of", "au sud de", "شمال" (direction),
  "fired from", "depuis" (launch site) or a background clause ("a day after", "au lendemain")
  counts only when no other place is named, and a scene in the second sentence replaces it;
* a town named only by a direction from it, in English or French ("north of Baghdad", "au sud
  de Kirkouk"), is a vicinity: somewhere outside the town on that side (Balad, Taji), not the
  town. Arabic "شمال بغداد" names a part of the city as often as a place outside it: the town;
* the seat of a governorate ranks just below the other cities: "near the town of Daquq, south
  of Kirkuk" happened in Daquq.

* places listed one after the other ("in Sinjar, Makhmour and Qandil") are peers: the first is
  the scene, a later one of another governorate does not outrank it for being smaller;
* a place named in a clause about an earlier event ("a day after an attack on Taji") does not
  stand in for a lead that names only the country.

A village the text places in a district ("جلولاء التابعة لقضاء خانقين", "Saadiya, in the district
of Khanaqin") is the scene within that district, wherever the lead named the district alone.

The dateline is the fallback when the lead names none, unless the lead names a part of the
country the dateline lies outside of ("BAGHDAD (AP) — ... an air base in western Iraq"). A name
shared by several places ("Qadisiya": a Baghdad district and a governorate) takes the one whose
governorate the article names elsewhere (dateline or other places), else the first in the
gazetteer.

Outside Iraq: a foreign place leads (title, else first sentence) with no place of Iraq beside it,
or the dateline is foreign and the lead names no place of Iraq (Iraq named for its border, "near
the border with Iraq", is seen from the other side of it). The place of impact decides: a
place of Iraq named only as a launch site ("a drone launched from Iraq", "tirées depuis le
territoire irakien", "انطلقت من العراق") is not a scene, so a title and first sentence whose only
Iraqi places are launch sites report an attack abroad, even when the target is not in the
gazetteer. An Iraqi faction claiming an
attack in Syria does not make it an Iraqi incident: the adjective "Iraqi" is not a place.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import pairwise

from crawler.extract.document import Document, Segment
from crawler.extract.gazetteer import ANCHOR, DEMONYM_PREFIX, Gazetteer
from crawler.extract.lexicon import Hit
from crawler.extract.normalize import QUOTE_MARKS, fold, is_arabic
from crawler.types import COMPASS_WORDS, PLACE_SPECIFICITY, Place, vicinity

IRAQ = "IQ"
IRAQ_ID = "country:iraq"
# Gazetteer ids of the places of Iraq (foreign places are "foreign:...").
IRAQI_ID_PREFIXES = (IRAQ_ID, "gov:", "city:", "district:", "site:")
# A place name after these is an allegiance, not a location (folded: "pro-Iran" -> "pro iran").
ALLEGIANCE_PREFIXES = ("pro ", "anti ")
# Body sentences (after the title) searched for the incident's place: the first names it, the
# second may refine it.
PLACE_LEAD_SENTENCES = 2
# Places that contain others: a district or site named beside one of them lies in it.
AREA_KINDS = ("city", "governorate")
# A seat of governorate ranks this much below a city of the same kind (less than one rank).
SEAT_DISCOUNT = 0.5
# How far (characters) after a town its governorate may be named to place the town in it
# ("قضاء المدينة شمالي محافظة البصرة").
TOWN_IN_GOVERNORATE_CHARS = 40
# What may stand between a landmark word and its place: an article ("north of the ...").
# (the Arabic article too: a place hit starts after it, "من العراق").
LANDMARK_GAP_WORDS = frozenset({"", "the", "la", "le", "les", "l'", "l", "d'", "de", "ال"})
LANDMARK_GAP_CHARS = 5
# The buildings of a governorate's government, named before it: they stand in its seat.
SEAT_BUILDINGS = frozenset(
    fold(word)
    for word in (
        "مبنى",
        "ديوان",
        "مقر",
        "siège du",
        "bâtiment du",
        "headquarters of",
        "building of",
    )
)
LAUNCH = "launch"  # the landmark kind of "fired from", "depuis", "انطلقت من"
GROUP_HOME = "group"  # the landmark kind of "militias in", "milices en", "الفصائل في"
ROUTE = "route"  # the landmark kind of "on the road", "طريق": a road named by its towns
WAR = "war"  # the landmark kind of "the war in", "la guerre en", "الحرب في": a war's theatre
CARE = "care"  # the landmark kind of "hospital in", "l'hôpital de", "مستشفى": where the hurt lie
ESCAPE = "escape"  # the landmark kind of "fled towards", "ont fui vers", "فروا باتجاه"
OUTLET = "outlet"  # the landmark kind of "في حديث لـ": an outlet named for a city, "بغداد اليوم"
# The landmark kind of "returning from", "de retour de", "العائدين من": where the victims were
# coming from or going to.
JOURNEY = "journey"
DIRECTION = "direction"  # the landmark kind of "north of", "au sud de", "شمال"
# The role of a place that speaks for its government ("Baghdad says", "Bagdad dénonce",
# "أدانت طهران"): who speaks, the scene only when the story names no place but the country.
SPEAKER = "speaker"
# How far a verb of speech may stand from its place (a space, nothing but spaces between).
SPEAKER_GAP_CHARS = 2
# The languages in which a direction from a town places the scene outside it ("north of
# Baghdad"); Arabic "شمالي بغداد" names a part of the city too ("الشعلة شمال غربي بغداد").
VICINITY_LANGUAGES = ("en", "fr")
# Towns and sites a vicinity can be told from (a governorate's or the country's side is a part
# of it: "north of Iraq" is its north).
VICINITY_LANDMARK_KINDS = ("city", "district", "site")
# Roles that make a place something other than where the news happened; a place listed right
# after one in such a role has it too ("fired from Iraq and Syria").
ROLES_ELSEWHERE = (LAUNCH, GROUP_HOME, WAR, CARE, ESCAPE, OUTLET, JOURNEY, SPEAKER)
# Roles of a place that tells little of the scene, ranked after every other place: where the
# wounded lie, where the attackers fled to, where the victims were travelling from or to, a
# place that speaks for its government.
LAST_RESORTS = (CARE, ESCAPE, JOURNEY, SPEAKER)
# What may stand between a locative word and the foreign place it introduces: articles and the
# part of the country ("in northern Syria", "dans le nord de la Syrie", "في شمال سوريا").
SCENE_GAP_WORDS = LANDMARK_GAP_WORDS | frozenset(
    """a an du des d north south east west northern southern eastern western central northeast
    northwest southeast southwest northeastern northwestern southeastern southwestern nord sud
    est ouest centre""".split()
)
SCENE_GAP_CHARS = 30
# What may stand between an act of violence and the place it is aimed at ("strikes Gaza",
# "an attack on Eilat", "the bombardment of the Gaza Strip", "frappes contre la Syrie"). Not the
# French "de" ("les frappes de la Turquie": who struck); in Arabic only "على" ("غارات على غزة"),
# since a verb comes before its subject there ("قصفت تركيا": Turkey shelled).
TARGET_GAP_WORDS = frozenset(
    {"", "the", "la", "le", "les", "l'", "l", "on", "against", "of", "sur", "contre"}
)
ARABIC_TARGET_WORDS = frozenset({fold("على")})
ARABIC_TARGET_GAP_WORDS = 2  # "على" and at most one adjective of the act before it
TARGET_GAP_CHARS = 20
ATTACK_WORDS = ("incident", "event", "type")
POSSESSIVES = ("'s", "’s")
# "The Beirut port blast", "a Gaza hospital strike": an English compound of a place, the
# building hit and the act names where it happened. Only with a building between the two: a
# place right before an act is as often who acted ("Ankara strikes").
SITE_NOUNS = frozenset(
    """port hospital airport market arena church mosque shrine school embassy consulate hotel
    station mall synagogue stadium refinery camp""".split()
)
SITE_NOUN_WORDS = 2
# Words naming a part of a country ("northern Iraq", "nord de l'Irak", "شمال العراق").
DIRECTION_WORDS = frozenset(
    """north south east west northern southern eastern western northeast northwest southeast
    southwest northeastern northwestern southeastern southwestern nord sud est ouest centre
    شمال جنوب شرق غرب شمالي جنوبي شرقي غربي وسط""".split()
)
REGION_REACH_CHARS = 20
# English also names the part after the country's possessive ("Iraq's northern Kurdish region").
_POSSESSIVE_WORD = re.compile(r"[^\W\d_]+'s\s+([^\W\d_]+)")
# The Kurdistan Region, a name of the country in the gazetteer ("Kurdistan Region", "Iraqi
# Kurdistan", "région autonome du Kurdistan", "اقليم كردستان") or after its possessive ("Iraq's
# Kurdish region"), lies in its north: a name's few words, with no punctuation between them.
_KURDISTAN_NAME = re.compile(r"(?:[^\W\d_]+\s+){0,3}[^\W\d_]*(?:kurd|كردستان)")
KURDISTAN_STEM = "kurd"
KURDISTAN_PART = "north"
# The parts of Iraq a direction word names, as bounds on a place's latitude or longitude: the
# north from Balad and Haditha up, the south from Karbala and Kut down, the west Anbar from
# Fallujah on, the east Diyala and beyond (Baghdad is in none of them). Only what a dateline
# must fit; "centre" and "وسط" bound nothing.
PARTS_OF_IRAQ: dict[str, Callable[[Place], bool]] = {
    "north": lambda place: place.lat >= 33.9,
    "south": lambda place: place.lat <= 32.8,
    "west": lambda place: place.lon <= 43.9,
    "east": lambda place: place.lon >= 44.5,
}
DIRECTION_PARTS = {
    "north": ("north",), "northern": ("north",), "nord": ("north",), "شمال": ("north",),
    "شمالي": ("north",), "south": ("south",), "southern": ("south",), "sud": ("south",),
    "جنوب": ("south",), "جنوبي": ("south",), "west": ("west",), "western": ("west",),
    "ouest": ("west",), "غرب": ("west",), "غربي": ("west",), "east": ("east",),
    "eastern": ("east",), "est": ("east",), "شرق": ("east",), "شرقي": ("east",),
    "northeast": ("north", "east"), "northeastern": ("north", "east"),
    "northwest": ("north", "west"), "northwestern": ("north", "west"),
    "southeast": ("south", "east"), "southeastern": ("south", "east"),
    "southwest": ("south", "west"), "southwestern": ("south", "west"),
}  # fmt: skip
# Sites whose names are those of every country's missions ("the US embassy").
DIPLOMATIC_TARGETS = ("us_embassy",)
# An Arabic place written with the preposition "ب" ("بتركيا", "وبالعراق") is a scene.
ARABIC_IN_CLITICS = frozenset({"ب", "وب", "فب", "بال", "وبال", "فبال"})
ARABIC_WORD_CLITICS = ("وال", "بال", "فال", "ال", "و", "ف", "ب")
# "in Iraq and Syria", "في العراق وسوريا": the second place shares the first one's position.
COORDINATIONS = frozenset({"and", "or", "et", "ou", "و", "او"})
# The words around a country named for its border ("border with Iraq", "Iraq border",
# "الحدود مع العراق", "حدود العراق").
BORDER_BEFORE = (
    ["border", "with"], ["frontier", "with"], ["frontiere", "avec"], ["الحدود", "مع"],
    ["حدود", "مع"], ["الحدودية", "مع"], ["حدودها", "مع"], ["حدوده", "مع"],
)  # fmt: skip
BORDER_BEFORE_ONE = (["حدود"],)
BORDER_AFTER = (["border"], ["frontier"])
BORDER_REACH_CHARS = 20
_WORD = re.compile(r"\w+")  # a word without the punctuation around it ("border:")
# The words that place a village in the district after it ("التابعة لقضاء", "in the district
# of", "dans le district de"), at most this many between the two names.
BELONGING_WORDS = frozenset(
    fold("التابعة التابع لقضاء لناحية قضاء ناحية ضمن district subdistrict").split()
)
BELONGING_GAP_WORDS = LANDMARK_GAP_WORDS | frozenset({"in", "of", "dans", "du", "في"})
BELONGING_MAX_WORDS = 5
# A headline that opens with a country then a colon or dash is about that country ("Syrie :").
TOPIC_MARKS = (":", "-", "–", "—", "،", "|")


@dataclass(frozen=True, slots=True)
class Located:
    segment: int
    start: int
    place: Place
    landmark: bool = False  # a reference point, a launch site, an earlier event's place
    # The kind of landmark word before it, if any: LAUNCH (where a weapon was fired from),
    # GROUP_HOME ("Iran-backed militias in Iraq"), ROUTE (an end of the road where things
    # happened), WAR ("a US ally in the war in Iraq"), CARE (the hospital the wounded were
    # taken to), ESCAPE (where the attackers fled to), OUTLET (the outlet a source spoke to),
    # JOURNEY (where the victims were travelling from or to), SPEAKER (a government speaking:
    # "Baghdad says"), a direction ("north of") ...
    role: str | None = None
    scene: bool = True  # named where things happen ("in Yemen"), not as an actor ("Turkey says")
    earlier: bool = False  # named after a background clause: the place of an earlier event
    listed: bool = False  # follows another place with only a comma or "and" between them
    border: bool = False  # the country named for its border ("near the border with Iraq")
    district: str | None = None  # the id of the district the text places it in ("التابعة لقضاء")
    bearing: int | None = None  # a DIRECTION landmark's side, where it makes a vicinity

    @property
    def elsewhere(self) -> bool:
        """Named as a launch site, a group's home, a war's theatre or where the wounded are
        treated: not the scene."""
        return self.role in ROLES_ELSEWHERE


@dataclass(frozen=True, slots=True)
class Whereabouts:
    place: Place | None
    in_iraq: bool  # the lead or the dateline sets the story in Iraq
    outside_iraq: bool  # the incident is located abroad
    dateline_place: Place | None
    abroad_too: bool = False  # the lead also sets something abroad ("in Iraq and Syria")
    region: bool = False  # only the country, but a part of it ("northern Iraq", "شمال العراق")
    # The governorate is also named by its seat's name ("in Kirkuk", "in Kirkuk province"):
    # the lead is as precise as one that names a town.
    by_seat: bool = False


def _after_background(segment: Segment, start: int) -> bool:
    """A place of an earlier event, named after a background clause ("au lendemain de la mort
    de deux Américains à Taji")."""
    return any(h.start < start for h in segment.of("background"))


def _reference_before(segment: Segment, start: int) -> Hit | None:
    """The landmark word ("north of", "fired from" ...) right before a place, if any."""
    for ref in segment.of("place_ref"):
        if 0 <= start - ref.end <= LANDMARK_GAP_CHARS:
            if segment.folded[ref.end : start].strip() in LANDMARK_GAP_WORDS:
                return ref
    return None


def _speaks(segment: Segment, span: tuple[int, int], lang: str) -> bool:
    """A verb of speech right after the place ("Baghdad condemns", "Bagdad fait état de"), or in
    Arabic right before it ("أدانت بغداد"): the place speaks for its government."""
    start, end = span
    folded = segment.folded

    def adjacent(left: int, right: int) -> bool:
        return 0 <= right - left <= SPEAKER_GAP_CHARS and not folded[left:right].strip()

    return any(
        adjacent(end, verb.start) or (lang == "ar" and adjacent(verb.end, start))
        for verb in segment.of("speaks")
    )


def _bearing(segment: Segment, ref: Hit) -> int | None:
    """The compass bearing a direction word names ("north of": 0, "au sud-est de": 135)."""
    words = segment.folded[ref.start : ref.end].replace("'", " ").replace("-", " ").split()
    parts = {part for word in words for part in DIRECTION_PARTS.get(word, ())}
    bearings = [bearing for bearing, word in COMPASS_WORDS.items() if set(word.split("-")) == parts]
    return bearings[0] if bearings else None


def after_allegiance_word(segment: Segment, start: int) -> bool:
    """The name at ``start`` follows "pro" or "anti": an allegiance ("pro-Iran"), not a place
    or an actor."""
    return segment.folded[max(0, start - 5) : start].endswith(ALLEGIANCE_PREFIXES)


def _places_by_span(segment: Segment, gazetteer: Gazetteer) -> dict[tuple[int, int], list[Place]]:
    spans: dict[tuple[int, int], list[Place]] = defaultdict(list)
    names = [(actor.start, actor.end) for actor in segment.of("actor")]
    for hit in segment.of("place"):
        if after_allegiance_word(segment, hit.start):
            continue  # "pro-Iran factions" are not in Iran
        if any(
            start <= hit.start and hit.end <= end and (start, end) != (hit.start, hit.end)
            for start, end in names
        ):
            continue  # "the Islamic Resistance in Iraq" is a name, not a location ("Turkey" is)
        place = gazetteer.get(hit.tag.value)
        if place is not None:
            spans[(hit.start, hit.end)].append(place)
    return spans


def _seat_for_its_building(
    segment: Segment, start: int, place: Place, gazetteer: Gazetteer
) -> Place:
    """A governorate named for its seat of government ("مبنى محافظة البصرة", "le siège du
    gouvernorat de Bassora"): the building stands in the seat, the town it happened in."""
    if place.kind != "governorate":
        return place
    before = _gap_words(segment.folded[max(0, start - SCENE_GAP_CHARS) : start])
    if before and (before[-1] in SEAT_BUILDINGS or " ".join(before[-2:]) in SEAT_BUILDINGS):
        return gazetteer.seat(place.governorate) or place
    return place


def _resolve(candidates: list[Place], context_governorates: set[str]) -> Place:
    if len(candidates) > 1:
        for place in candidates:
            if place.governorate in context_governorates and place.kind != "governorate":
                return place
    return candidates[0]


def set_in_iraq(document: Document, dateline_place: Place | None, gazetteer: Gazetteer) -> bool:
    """The article is set in Iraq: its dateline is Iraqi, or it names an anchor (Iraq, Baghdad,
    Mosul, Ain al-Asad ...) or says "Iraqi" anywhere, or its lead names two places of one Iraqi
    governorate ("in Babil ... north of Hilla"). Without that, the names it shares with places
    of Iraq are other things: a first name, a plural noun, a camp in Myanmar."""
    if dateline_place is not None and dateline_place.country == IRAQ:
        return True
    if any(anchors_iraq(hit.tag.value) for seg in document.segments for hit in seg.of(ANCHOR)):
        return True
    return _two_places_of_one_governorate(document, gazetteer)


def _two_places_of_one_governorate(document: Document, gazetteer: Gazetteer) -> bool:
    """Two names of the lead that agree on a governorate are no coincidence of first names or
    words (a story's later paragraphs wander: a round-up of the region, another front)."""
    seen: dict[str, str] = {}  # governorate -> the first place id named in it
    for segment in document.lead():
        for hit in segment.of("place"):
            if not hit.tag.value.startswith(IRAQI_ID_PREFIXES[1:]):
                continue
            place = gazetteer.get(hit.tag.value)
            if place is None or not place.governorate:
                continue
            first = seen.setdefault(place.governorate, place.id)
            if first != place.id:
                return True
    return False


def anchors_iraq(value: str) -> bool:
    """A place or demonym tag value that stands for Iraq or a place in it."""
    return value.removeprefix(DEMONYM_PREFIX).startswith(IRAQI_ID_PREFIXES)


def locate(
    document: Document, gazetteer: Gazetteer, locatives: frozenset[str] = frozenset()
) -> Whereabouts:
    """Where the article's incident is, and whether the story is set in Iraq or abroad.
    ``locatives`` are the folded words of the article's language that introduce a scene."""
    dateline_place, opening = _dateline_place(document, gazetteer)
    set_in = set_in_iraq(document, dateline_place, gazetteer)
    segments = document.lead(PLACE_LEAD_SENTENCES)
    raw = [
        (seg.index, span, places)
        for seg in segments
        for span, places in _places_by_span(seg, gazetteer).items()
        if (seg.index, span[0]) != opening
    ]
    context = {
        p.governorate for _, _, places in raw if len(places) == 1 for p in places if p.governorate
    }
    if dateline_place is not None and dateline_place.governorate:
        context.add(dateline_place.governorate)
    scenes = _scene_spans(document, raw, locatives)
    ordered = sorted(raw, key=lambda r: (r[0], r[1]))
    belongings = _belongings(document, ordered, context)
    homonyms = _placed_in_another_governorate(belongings)
    located: list[Located] = []
    for index, span, places in ordered:
        if (index, span) in homonyms:
            continue
        segment = document.segments[index]
        listed = _listed((index, span), raw, document)
        ref = _reference_before(segment, span[0])
        reference = ref.tag.value if ref is not None else None
        bearing = None
        if ref is not None and reference == DIRECTION and document.lang in VICINITY_LANGUAGES:
            bearing = _bearing(segment, ref)
        previous = located[-1] if located and located[-1].segment == index else None
        if reference is None and listed and previous is not None and previous.elsewhere:
            reference = previous.role  # "militias in Iraq and Syria": both are their home
        if reference is None and _speaks(segment, span, document.lang):
            reference = SPEAKER
        earlier = _after_background(segment, span[0])
        located.append(
            Located(
                index,
                span[0],
                _seat_for_its_building(segment, span[0], _resolve(places, context), gazetteer),
                landmark=earlier or reference is not None,
                role=reference,
                scene=(index, span) in scenes,
                earlier=earlier,
                listed=listed,
                border=_border_of(segment, span, places),
                district=belongings[(index, span)][1].id if (index, span) in belongings else None,
                bearing=bearing,
            )
        )
    # A country named for its border ("near the Syrian border", "الحدود مع العراق") is seen
    # from the other side of it: never the scene, abroad or in Iraq. Nor is an outlet named for
    # a city (below).
    foreign = [
        loc
        for loc in located
        if loc.place.country != IRAQ and loc.scene and not loc.elsewhere and not loc.border
    ]
    iraqi = [
        loc
        for loc in located
        if loc.place.country == IRAQ
        and set_in
        and not loc.border
        and loc.role != OUTLET
        and not _mission_abroad(loc, foreign, gazetteer)
    ]

    outside = _leads_abroad(iraqi, foreign, dateline_place) or _launched_from_iraq(iraqi)
    background = {  # refining sentences about earlier events
        seg.index for seg in segments[2:] if seg.has("past") or seg.has("background")
    }
    place = _scene([loc for loc in iraqi if loc.segment not in background], gazetteer) or _scene(
        iraqi, gazetteer
    )
    parts = _parts_named(document, iraqi)
    if dateline_place is not None and dateline_place.country == IRAQ:
        # Only when the lead names no more than the country: a named governorate stands, and
        # so does a part of the country the dateline is not in ("BAGHDAD (AP) — ... an air
        # base in western Iraq").
        if (place is None or place.kind == "country") and _lies_in(dateline_place, parts):
            place = dateline_place
    says_iraqi = _says_iraqi(segments) and not foreign
    if place is None and says_iraqi:
        place = gazetteer.get(IRAQ_ID)  # "Iraqi soldiers killed in a raid": somewhere in Iraq
    in_iraq = (
        bool(iraqi) or (dateline_place is not None and dateline_place.country == IRAQ) or says_iraqi
    )
    region = place is not None and place.kind == "country" and bool(parts)
    by_seat = (
        place is not None
        and place.kind == "governorate"
        and any(
            loc.segment <= 1
            and loc.place.governorate == place.governorate
            and _seat_of_its_name(loc.place, gazetteer)
            for loc in iraqi
        )
    )
    return Whereabouts(place, in_iraq, outside, dateline_place, bool(foreign), region, by_seat)


def _belongings(
    document: Document,
    ordered: list[tuple[int, tuple[int, int], list[Place]]],
    context: set[str],
) -> dict[tuple[int, tuple[int, int]], tuple[Place, Place]]:
    """The villages the text places in the district named right after them ("جلولاء التابعة
    لقضاء خانقين", "Saadiya, in the district of Hawija"): each one's span, with the village as
    the gazetteer knows it and the Iraqi district it belongs to."""
    found = {}
    for (index, span, places), (next_index, next_span, owners) in pairwise(ordered):
        if index != next_index:
            continue
        gap = _gap_words(document.segments[index].folded[span[1] : next_span[0]])
        if len(gap) > BELONGING_MAX_WORDS or not any(w in BELONGING_WORDS for w in gap):
            continue
        if not all(w in BELONGING_WORDS or w in BELONGING_GAP_WORDS for w in gap):
            continue
        place, owner = _resolve(places, context), _resolve(owners, context)
        if place.country == owner.country == IRAQ and owner.kind != "country":
            found[(index, span)] = place, owner
    return found


def _placed_in_another_governorate(
    belongings: dict[tuple[int, tuple[int, int]], tuple[Place, Place]],
) -> set[tuple[int, tuple[int, int]]]:
    """The spans of villages the text places in a district of another governorate than the
    gazetteer's places of that name ("السعدية التابعة لقضاء الحويجة", "Saadiya, in the district
    of Hawija": not Diyala's Saadiya): homonyms the gazetteer does not know. They are left out,
    and the district they belong to locates the story."""
    return {
        at for at, (place, owner) in belongings.items() if place.governorate != owner.governorate
    }


def _border_of(segment: Segment, span: tuple[int, int], places: list[Place]) -> bool:
    """ "near the Iraq border", "on the border with Iraq": the country is named for its edge,
    from the other side of it."""
    if not any(place.kind == "country" for place in places):
        return False
    start, end = span
    before = _WORD.findall(segment.folded[max(0, start - BORDER_REACH_CHARS) : start])
    after = _WORD.findall(segment.folded[end : end + BORDER_REACH_CHARS])
    return (
        before[-2:] in BORDER_BEFORE
        or before[-1:] in BORDER_BEFORE_ONE
        or after[:1] in BORDER_AFTER
    )


def _listed(
    at: tuple[int, tuple[int, int]],
    raw: list[tuple[int, tuple[int, int], list[Place]]],
    document: Document,
) -> bool:
    """The place follows another one of its sentence with only a comma or a coordination
    between them ("Sinjar, Makhmour and Qandil")."""
    index, (start, _) = at
    folded = document.segments[index].folded
    ends = [span[1] for i, span, _ in raw if i == index and span[1] <= start]
    if not ends:
        return False
    gap = folded[max(ends) : start].replace(",", " ").split()
    return len(gap) <= 1 and all(word in COORDINATIONS for word in gap)


def _dateline_place(
    document: Document, gazetteer: Gazetteer
) -> tuple[Place | None, tuple[int, int] | None]:
    """The dateline's place, and where in the body it is when the body still holds it: after a
    byline that names an outlet or a reporter ("عين اليوم – بغداد قالت مصادر ..."), the place
    the story opens with is where it was filed, not where things happened. An outlet's name
    that holds a place ("بغداد اليوم – ديالى", Baghdad Today's desk in Diyala) is no dateline
    when a place follows it."""
    text = document.dateline_text
    if text and (place := gazetteer.named(text)) is not None:
        return place, None
    opening = _opening_place(document, gazetteer)
    if opening is not None:
        return opening
    if text and (place := gazetteer.lookup(text)) is not None:
        return place, None  # a phrase that holds a place ("the Green Zone in Baghdad")
    return None, None


def _opening_place(
    document: Document, gazetteer: Gazetteer
) -> tuple[Place, tuple[int, int]] | None:
    """The place a dispatch opens with after its dateline or byline, and where it is."""
    if document.dateline is None or len(document.segments) <= document.opening:
        return None
    first = document.segments[document.opening]
    for hit in first.of("place"):
        if hit.start == 0:
            place = gazetteer.get(hit.tag.value)
            return (place, (first.index, 0)) if place is not None else None
    return None


def _direction_before(segment: Segment, start: int) -> str | None:
    """ "northern Iraq", "le nord de l'Irak", "شمال العراق": the direction word that names a
    part of the country, if one does."""
    before = segment.folded[max(0, start - REGION_REACH_CHARS) : start].replace("'", " ").split()
    words = [w for w in before if w not in LANDMARK_GAP_WORDS]
    return words[-1] if words and words[-1] in DIRECTION_WORDS else None


def _parts_named(document: Document, iraqi: list[Located]) -> list[str]:
    """The direction words of the parts of Iraq the lead names ("in western Iraq", "in Iraq's
    north")."""
    return [
        word
        for loc in iraqi
        if loc.place.kind == "country"
        and (
            word := _direction_before(document.segments[loc.segment], loc.start)
            or _direction_after(document.segments[loc.segment], loc.start)
        )
    ]


def _direction_after(segment: Segment, start: int) -> str | None:
    """ "Iraq's north", "Iraq's northern Kurdish region": the direction word after the name's
    possessive, if one follows it; "north" for a name of the Kurdistan Region ("Iraq's Kurdish
    region", "Kurdistan Region", "اقليم كردستان")."""
    possessive = _POSSESSIVE_WORD.match(segment.folded, start)
    word = possessive.group(1) if possessive else None
    if word in DIRECTION_WORDS:
        return word
    if (word and KURDISTAN_STEM in word) or _KURDISTAN_NAME.match(segment.folded, start):
        return KURDISTAN_PART
    return None


def _lies_in(place: Place, parts: list[str]) -> bool:
    """The place lies in one of the parts of Iraq named (in both parts a "northwestern" names),
    or none is named or bounds anything."""
    bounded = [DIRECTION_PARTS[word] for word in parts if word in DIRECTION_PARTS]
    if not bounded:
        return True
    return any(all(PARTS_OF_IRAQ[part](place) for part in compound) for compound in bounded)


def _says_iraqi(segments: tuple[Segment, ...]) -> bool:
    """ "Iraqi soldiers", "جنود عراقيين": the lead sets the story in Iraq without a place."""
    return any(
        hit.tag.value.startswith(DEMONYM_PREFIX) and anchors_iraq(hit.tag.value)
        for seg in segments
        for hit in seg.of(ANCHOR)
    )


def _mission_abroad(loc: Located, foreign: list[Located], gazetteer: Gazetteer) -> bool:
    """ "The US consulate", "السفارة الأمريكية" in a sentence set abroad ("in Istanbul") is
    that country's mission, not the one in Baghdad or Erbil the gazetteer knows."""
    return gazetteer.site_target(loc.place.id) in DIPLOMATIC_TARGETS and any(
        other.segment == loc.segment for other in foreign
    )


def _scene_spans(
    document: Document,
    raw: list[tuple[int, tuple[int, int], list[Place]]],
    locatives: frozenset[str],
) -> set[tuple[int, tuple[int, int]]]:
    """The place spans named where something happens: after a locative word ("in", "près de",
    "في", the clitic "ب"), as a headline's topic ("Syrie : ..."), as what an act of violence is
    aimed at ("strikes Gaza"), before the building an act hit ("the Beirut port blast"), or
    joined by "and" to such a place. A country or city named otherwise is an actor or a
    qualifier ("Turkey strikes", "Washington says", "Iran-backed") and does not locate the
    story."""
    found: set[tuple[int, tuple[int, int]]] = set()
    previous: dict[int, int] = {}  # segment -> end of its last scene span
    for index, span, _ in sorted(raw, key=lambda r: (r[0], r[1])):
        segment = document.segments[index]
        start, end = span
        joined = index in previous and (
            segment.folded[previous[index] : start].strip() in COORDINATIONS
        )
        if (
            joined
            or _after_locative(segment, start, locatives)
            or _is_topic(segment, start, end)
            or _aimed_at(segment, start, end)
            or _site_named_before_act(segment, end)
        ):
            found.add((index, span))
            previous[index] = end
    return found


def _aimed_at(segment: Segment, start: int, end: int) -> bool:
    """The place is what an act of violence right before it is aimed at ("Israel strikes
    Gaza", "an attack on Eilat", "غارات على غزة"): the scene, not an actor. A possessor is
    not ("storm Sweden's embassy in Baghdad")."""
    if segment.cased[end : end + 2] in POSSESSIVES:
        return False
    arabic = is_arabic(segment.folded[start : start + 1])
    for hit in segment.hits:
        if hit.tag.category not in ATTACK_WORDS or not 0 <= start - hit.end <= TARGET_GAP_CHARS:
            continue
        gap = _gap_words(segment.folded[segment.word_end(hit.end, start) : start])
        if arabic:
            # "غارات على غزة", and with the act's adjective: "الهجوم التركي على عفرين"
            words = [w for w in gap if w not in LANDMARK_GAP_WORDS]  # the place's article
            if words and words[-1] in ARABIC_TARGET_WORDS and len(words) <= ARABIC_TARGET_GAP_WORDS:
                return True
        elif all(w in TARGET_GAP_WORDS for w in gap):
            return True
    return False


def _site_named_before_act(segment: Segment, end: int) -> bool:
    """The place is the first word of an English compound that names the building hit and the
    act ("after the Beirut port blast", "the Gaza hospital strike"): the scene."""
    for hit in segment.hits:
        if hit.tag.category not in (*ATTACK_WORDS, "type_weak") or hit.start <= end:
            continue
        gap = segment.folded[end : hit.start].split()
        if 1 <= len(gap) <= SITE_NOUN_WORDS and all(w in SITE_NOUNS for w in gap):
            return True
    return False


def _after_locative(segment: Segment, start: int, locatives: frozenset[str]) -> bool:
    """A locative word or phrase ("in", "près de", "في", "city of") right before the place, but
    for articles and the part of the country ("in northern Syria"); a direction ("north of");
    the Arabic clitic "ب" ("بتركيا"). The words before a place are read, not matched by the
    automaton: "in" and "à" are in every sentence."""
    word_start = start
    while word_start > 0 and segment.folded[word_start - 1].isalnum():
        word_start -= 1
    if segment.folded[word_start:start] in ARABIC_IN_CLITICS:
        return True
    before = _gap_words(segment.folded[max(0, word_start - SCENE_GAP_CHARS) : word_start])
    for skipped in range(len(before)):
        words = before[: len(before) - skipped]
        if any(_locative(" ".join(words[-n:]), locatives) for n in (1, 2, 3) if len(words) >= n):
            return True
        if words[-1] not in SCENE_GAP_WORDS:
            break
    return any(
        0 <= start - ref.end <= SCENE_GAP_CHARS
        and all(w in SCENE_GAP_WORDS for w in _gap_words(segment.folded[ref.end : word_start]))
        for ref in segment.of("place_ref")
        if ref.tag.value not in (LAUNCH, WAR)
    )


def _locative(phrase: str, locatives: frozenset[str]) -> bool:
    if phrase in locatives:
        return True
    for clitic in ARABIC_WORD_CLITICS:  # "بالقرب", "والعاصمة": the word without its clitics
        if phrase.startswith(clitic) and phrase[len(clitic) :] in locatives:
            return True
    return False


def _gap_words(text: str) -> list[str]:
    """The words between two hits, quotes and apostrophes aside ("في “ديار بكر”")."""
    return "".join(" " if not (ch.isalnum() or ch.isspace()) else ch for ch in text).split()


def _is_topic(segment: Segment, start: int, end: int) -> bool:
    """A headline that opens with the place and a colon or dash ("تركيا: مقتل ...")."""
    return (
        segment.index == 0
        and not segment.cased[:start].strip(" " + QUOTE_MARKS)
        and segment.cased[end:].lstrip().startswith(TOPIC_MARKS)
    )


def _scene(iraqi: list[Located], gazetteer: Gazetteer) -> Place | None:
    """The best place of the title and first sentence, refined by the second sentence."""
    first = _seats_as_named_governorate(
        _within_named_areas(_list_heads([loc for loc in iraqi if loc.segment <= 1])), gazetteer
    )
    second = [loc for loc in iraqi if loc.segment > 1 and not loc.landmark]
    if not first:
        first, second = second or [loc for loc in iraqi if loc.segment > 1], []
    if not first:
        return None
    top = max(first, key=lambda loc: _rank(loc, gazetteer))
    if top.landmark and second:  # "south of Baghdad", then "in Jurf al-Sakhar": the scene
        return max(second, key=lambda loc: _rank(loc, gazetteer)).place
    landmarks = [loc for loc in first if _a_landmark_of_the_scene(loc)]
    if top.place.kind == "country" and not landmarks and not second:
        # "killed in Iraq", then "west of Baiji"
        landmarks = [loc for loc in iraqi if loc.segment > 1 and _a_landmark_of_the_scene(loc)]
    if top.place.kind == "country" and not landmarks and not second:
        # "US strikes in Iraq, Baghdad protests" and nothing more: its capital is the best guess
        landmarks = [loc for loc in first if loc.role == SPEAKER]
    if top.place.kind == "country" and landmarks:
        towns = [loc for loc in landmarks if loc.place.kind != "country"]
        if second and towns and all(loc.role == ROUTE for loc in towns):
            # "in Iraq, on the Kirkuk road", then "near Tuz Khurmatu": the scene
            return max(second, key=lambda loc: _rank(loc, gazetteer)).place
        # "killed in Iraq ... north of Baghdad": the landmark says more than the country (the
        # place of an earlier event says nothing of this one)
        top = max(landmarks, key=lambda loc: _rank(loc, gazetteer))
    best = top.place
    seat = gazetteer.is_seat(best.id)
    inside = [
        loc
        for loc in second
        if _refines(loc.place, best, seat and _seat_as_area(loc, iraqi))
        or (loc.district == best.id and loc.place.kind == "city")
    ]
    if inside:
        return max(inside, key=lambda loc: _rank(loc, gazetteer)).place
    if top.landmark and top.bearing is not None and best.kind in VICINITY_LANDMARK_KINDS:
        return vicinity(best, top.bearing)  # "north of Baghdad": outside it, on that side
    return best


def _a_landmark_of_the_scene(loc: Located) -> bool:
    """A place the scene is told from ("north of Baghdad", "on the Kirkuk road"), not a launch
    site, a hospital or the place of an earlier event."""
    return loc.landmark and not (loc.role in (LAUNCH, *LAST_RESORTS) or loc.earlier)


def _list_heads(located: list[Located]) -> list[Located]:
    """Places listed one after the other ("in Sinjar, Makhmour and Qandil") are peers, not
    refinements of each other: the story's scene is the first, and a later one of another
    governorate does not outrank it for being a smaller place."""
    kept: list[Located] = []
    for loc in sorted(located, key=lambda loc: (loc.segment, loc.start)):
        previous = kept[-1] if kept else None
        if (
            previous is not None
            and previous.segment == loc.segment
            and loc.listed
            and loc.place.governorate != previous.place.governorate
            and previous.place.kind != "country"
        ):
            continue
        kept.append(loc)
    return kept


def _within_named_areas(located: list[Located]) -> list[Located]:
    """A district of a governorate that no city or governorate the lead names lies in is a
    homonym: every Iraqi city has its Yarmouk, Jihad or Shuhada quarter, and "24 killed in
    Baqubah ... in Yarmouk" is Baqubah's, not Baghdad's. It is left out when the lead names
    such an area (not when a district is all it names). Sites keep their own names."""
    areas = [loc.place for loc in located if loc.place.kind in AREA_KINDS and not loc.landmark]
    if not areas:
        return located
    kept = [
        loc
        for loc in located
        if loc.place.kind != "district"
        or any(loc.place.governorate == area.governorate for area in areas)
    ]
    return kept or located


def _seats_as_named_governorate(located: list[Located], gazetteer: Gazetteer) -> list[Located]:
    """ "Soldiers killed in Kirkuk", then "in Iraq's northern province of Kirkuk": a seat that
    bears its governorate's name stands for the governorate the lead names, not for the city
    (a city it would outrank, and a report of the province's countryside would be put in town).
    A seat of another name ("in Anbar province ... in Ramadi") is the city."""
    governorates = {
        loc.place.governorate: loc.place
        for loc in located
        if loc.place.kind == "governorate" and not loc.landmark
    }
    return [
        replace(loc, place=governorates[loc.place.governorate])
        if loc.place.governorate in governorates and _seat_of_its_name(loc.place, gazetteer)
        else loc
        for loc in located
    ]


def _seat_of_its_name(place: Place, gazetteer: Gazetteer) -> bool:
    """A seat that bears its governorate's name (Kirkuk, Basra, Najaf; not Ramadi)."""
    return place.kind == "city" and place.name == place.governorate and gazetteer.is_seat(place.id)


def _rank(loc: Located, gazetteer: Gazetteer) -> tuple[bool, bool, float, int, int]:
    specificity = PLACE_SPECIFICITY[loc.place.kind] - (
        SEAT_DISCOUNT if gazetteer.is_seat(loc.place.id) else 0.0
    )
    # A hospital's town, or where the attackers fled, is the last resort: even "north of the
    # capital" says more of the scene.
    return (loc.role not in LAST_RESORTS, not loc.landmark, specificity, -loc.segment, -loc.start)


def _seat_as_area(loc: Located, located: list[Located]) -> bool:
    """The sentence places a town in its governorate ("قضاء المدينة شمالي محافظة البصرة"): a
    seat of that governorate named before ("في البصرة") stood for the governorate."""
    return any(
        other.segment == loc.segment
        and other.place.kind == "governorate"
        and other.place.governorate == loc.place.governorate
        and 0 <= other.start - loc.start <= TOWN_IN_GOVERNORATE_CHARS
        for other in located
    )


def _refines(place: Place, scene: Place, town_in_governorate: bool = False) -> bool:
    """``place`` is a more precise spot within ``scene`` (a site of the city named first), or
    a town the sentence places in the governorate whose seat was named first."""
    if town_in_governorate and place.kind == "city" and place.id != scene.id:
        return place.governorate == scene.governorate and scene.kind == "city"
    if PLACE_SPECIFICITY[place.kind] <= PLACE_SPECIFICITY[scene.kind]:
        return False
    if scene.kind == "country":
        return True
    if scene.kind == "governorate":
        return place.governorate == scene.governorate
    return place.governorate == scene.governorate and scene.name in (place.city, place.name)


def names_elsewhere(
    segment: Segment, until: int, scene: Place | None, gazetteer: Gazetteer
) -> bool:
    """The sentence names, before offset ``until``, a place away from the scene: in Iraq,
    another governorate; abroad, a city or site (a country is too often named for who backs a
    group: "Iran-backed"). Such a sentence tells of another event ("In Kirkuk, two policemen
    were killed"). A landmark is no such place: "Sulaiman Bek, 170 km north of Baghdad" and
    "taken to hospital in Erbil" still tell of the scene."""
    if scene is None or scene.governorate is None:
        return False
    return any(
        start < until
        and _reference_before(segment, start) is None
        and all(_away_from(place, scene) for place in places)
        for (start, _), places in _places_by_span(segment, gazetteer).items()
    )


def _away_from(place: Place, scene: Place) -> bool:
    if place.country != scene.country:
        return place.kind != "country"
    return place.governorate is not None and place.governorate != scene.governorate


def _launched_from_iraq(iraqi: list[Located]) -> bool:
    """The title and first sentence name Iraq only as where the weapon was fired from."""
    lead = [loc for loc in iraqi if loc.segment <= 1]
    return bool(lead) and all(loc.role == LAUNCH for loc in lead)


def _leads_abroad(iraqi: list[Located], foreign: list[Located], dateline: Place | None) -> bool:
    """The lead sets the event abroad: a sentence of the title and first sentence names a
    foreign scene and no Iraqi one (Iraq named as a launch site, as the home of the group that
    struck, as the theatre of a war does not count: "a drone launched by militias in Iraq
    killed a contractor in Syria", "a car bomb in Jakarta, at an ally in the war in Iraq"; nor
    does Iraq named for its border, never among ``iraqi``)."""
    iraqi = [loc for loc in iraqi if not loc.elsewhere]
    for segment in (0, 1):
        here = [loc for loc in iraqi if loc.segment == segment]
        abroad = [loc for loc in foreign if loc.segment == segment]
        if abroad and not here:
            return True
        if here and not abroad:
            return False
        if here and abroad and segment == 1:
            return len(abroad) > len(here)
    if dateline is not None and dateline.country != IRAQ:
        return not any(loc.segment <= 1 for loc in iraqi)
    return False
