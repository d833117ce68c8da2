"""What happened and whether it is news: relevance, attack type, target and US interest.

Relevance is decided in two steps. Hard rules first settle what needs no weighing: no incident
word in the lead (title and two first sentences), no act of violence in it (deaths, a blast or a
fire alone are no attack, unless armed men or protesters die, or die in an operation), an
accident cue ("short circuit", "collision", "تسرب غاز") or a natural disaster (an earthquake that
"strikes") with no attack stated, a story the places of its lead set abroad or not in Iraq
(:mod:`crawler.extract.place`), or an event older than ``max_age_h``. The rest is weighed by
:mod:`crawler.extract.relevance`: the signals of the lead for and against a report of a new
incident, with weights fitted on real news.

What the lead says is read after two cuts: the setting of a story about something else is not
its news, and neither is an earlier event told in a clause: incident words from "amid", "sur fond
de", "في ظل", or "days after", "au lendemain de", "pour protester contre", "غداة" to the end of
the clause are dropped ("meets envoy as tensions spike over drone attacks"; "votes to expel
troops, days after a US strike killed a general"), and so are the words of other news there
("protesters shot dead while rallying to denounce power cuts" is no story about electricity).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from crawler.extract.document import SPACED_DASHES, Document, Segment
from crawler.extract.lexicon import Hit
from crawler.extract.place import Whereabouts
from crawler.extract.relevance import (
    NEGATIVE_KINDS,
    Weighing,
    Weights,
    relative_clauses,
    signals,
)
from crawler.extract.violence import (
    STATE_ACTORS,
    armed_groups,
    deaths_in_fighting,
    ground_taken,
    violent,
)
from crawler.extract.vocabulary import Numbers
from crawler.types import AIRSTRIKE, PROTESTERS, US_INTEREST_TARGETS, ReportedTally

INCIDENT_CATEGORIES = ("type", "type_weak", "incident", "outcome")
# A lead that names an accident or a natural disaster and no act of violence is no incident.
ACCIDENT_CUES = ("accident", "disaster")
# What the setting of a story hides from the judge: the words that would make it news, those
# that would make it other news ("protesters shot ... rallying to denounce power cuts"), and the
# past of the earlier event it recalls ("a week after a previous attack").
NEGATIVE = "negative"
SETTING_HIDES = INCIDENT_CATEGORIES + ("event", "killed", "wounded", NEGATIVE, "past")
# What it hides from the choice of target besides: who a clause about an earlier event names
# was hit then, not in this story.
TARGET_HIDES = SETTING_HIDES + ("target",)
RECAP = "recap"

# The probability from which the weighing of the lead calls a story an incident report.
RELEVANCE_THRESHOLD = 0.5
# What a signal against a story says of it, for the reason shown to users ("trial", "recap").
SIGNAL_REASONS = {
    "many_attacks": RECAP, "aggregate": RECAP, "question": RECAP, "old_date": "past",
    "past": "past", "background": "past", "speaker": "statement", "quiet": "other_news",
    "abroad_too": "abroad_too", "none": "no_place", "country": "vague_place",
}  # fmt: skip

US_EMBASSY = "us_embassy"
# "The embassy", "l'ambassade", "السفارة": a mission of any country ("Sweden's embassy"), the
# US one only when the sentence or the story says so.
MISSION = "mission"
# "A convoy", "des camions", "رتل": a logistics convoy of the coalition (a US interest) when
# the US or the coalition is named right before it ("a US military convoy") or soon after it
# ("convoy carrying equipment for the US-led coalition", "رتل تابع للتحالف الدولي"); a
# politician's, a militia leader's or an army's convoy otherwise ("a US strike on his convoy").
CONVOY = "convoy"
LOGISTICS_CONVOY = "logistics_convoy"
CONVOY_OWNER_BEFORE_CHARS = 12
CONVOY_OWNER_AFTER_CHARS = 60
US_FIRST = (US_EMBASSY, LOGISTICS_CONVOY)
# What a state fires from afar (artillery reads as mortar), beside its airstrikes.
STATE_FIRE_KINDS = ("mortar", "rocket", "missile", "drone")
OTHER_TARGET = "other"
US_BASES = ("coalition", "us_military")
COALITION = "coalition"
CIVILIANS = "civilians"
CLASH = "clash"
ROCKET = "rocket"
MISSILE = "missile"
SHOOTING = "shooting"
OTHER = "other"
JIHADISTS = "Islamic State group"  # the actor whose raids on army posts are clashes
BOMB = "ied"
SUICIDE_BOMBING = "suicide_bombing"
RAIDED = frozenset({"iraqi_security", "pmf", "civilians"})  # whom their raids hit
# How far (characters) a source word may stand from the target word it introduces or closes:
# "a indiqué à l'AFP un responsable de la police" still names the police as the source.
SOURCE_REACH_CHARS = 30
# How far (characters) "by" may stand before the acting group ("by the Iraqi security forces").
AGENT_REACH_CHARS = 12
# Words linking a member to the group that names the target ("soldiers of the coalition").
LINK_WORDS = frozenset({"of", "of the", "from", "de", "du", "des", "de la", "d", "في", "من"})
# A subject stands right before its verb: "forces opened fire" (one space, maybe a quote).
ACT_REACH_CHARS = 2
# The words between a strike and the air force it is of ("frappes de la coalition").
STRIKER_LINKS = frozenset({"of", "the", "de", "la", "du", "des", "d", "l"})
# A headline's credit: a dash, then at most this many words ("- U.S. officials", "- sources"),
# or at most this many words, then a colon ("Iraqi officials: ...").
HEADLINE_CREDIT_MARKS = (*SPACED_DASHES, " -")
HEADLINE_CREDIT_WORDS = 3


class LazyFacts(Protocol):
    """What the judge asks of a document only when it gets that far."""

    def stale(self) -> bool: ...  # the event is older than the extractor's max age

    def tally(self) -> ReportedTally | None: ...  # the running count the article states


@dataclass(frozen=True, slots=True)
class Verdict:
    relevant: bool
    score: float
    evidence: tuple[str, ...]
    reason: str | None
    signals: dict[str, float] = field(default_factory=dict)  # what was weighed (None: gated)


def _evidence(document: Document) -> tuple[str, ...]:
    seen: list[str] = []
    for segment in document.lead():
        for hit in segment.hits:
            if hit.tag.category in INCIDENT_CATEGORIES + ("event",):
                word = segment.cased[hit.start : hit.end]
                if word.lower() not in (w.lower() for w in seen):
                    seen.append(word)
    return tuple(seen)


def _has(segments: tuple[Segment, ...], categories: tuple[str, ...]) -> bool:
    return any(seg.has(c) for seg in segments for c in categories)


def _ranked(tally: ReportedTally | None) -> bool:
    """The article ranks its incident ("the 19th attack since October"); a count of the series
    ("attacked at least 66 times since Oct. 17") ranks nothing and sums attacks up."""
    return tally is not None and tally.rank


def _foreground(segment: Segment, hides: tuple[str, ...] = SETTING_HIDES) -> Segment:
    """The segment without the incident words (``hides``) of its setting clauses ("amid drone
    attacks"), of the clauses about an earlier event ("days after a US strike killed a
    general") and of a relative clause that tells the past of a place or a person the news
    names ("near Samarra, where she had been reporting on the bombing of a shrine")."""
    settings = segment.of("setting") + segment.of("background")
    clauses = [(hit.start, hit.end, segment.clause_end(hit.end)) for hit in settings]
    clauses += [
        (start, start, end)
        for start, end in relative_clauses(segment)
        if any(start <= hit.start < end for hit in segment.of("past"))
    ]
    if not clauses:
        return segment

    def hidden(hit: Hit) -> bool:
        # The cue's own words of what the story is ("foiled") still speak; its event words
        # ("after the strike") and those of the rest of its clause do not.
        own = hit.tag.category == NEGATIVE
        return any(
            start <= hit.start < end and not (own and hit.start < cue_end)
            for start, cue_end, end in clauses
        )

    return segment.keeping(lambda hit: hit.tag.category not in hides or not hidden(hit))


def _undenied(segment: Segment) -> Segment:
    """The segment without the incident words it denies ("a sweep of the Hamrin basin without
    clashes", "لم تسفر عن أي اشتباك"): what is said not to have happened tells no incident, nor
    does ground taken without a fight ("انتهاء عملية لتطهير الصحراء دون اشتباكات")."""
    denied = [
        hit
        for hit in segment.hits
        if hit.tag.category in INCIDENT_CATEGORIES and segment.denied(hit)
    ]
    if not denied:
        return segment
    return segment.keeping(lambda hit: hit not in denied and hit.tag.category != "advance")


def judge(
    document: Document,
    where: Whereabouts,
    facts: LazyFacts,
    numbers: Numbers,
    weights: Weights,
    published: datetime,
) -> Verdict:
    """Is this article a report of a recent security incident in Iraq?"""
    lead = tuple(_undenied(_foreground(segment)) for segment in document.lead())
    evidence = _evidence(document)
    if not _has(lead, INCIDENT_CATEGORIES) and not any(ground_taken(seg) for seg in lead):
        return Verdict(False, 0.0, evidence, "no_incident_term")
    if not any(violent(segment, weapons_only=False) for segment in lead):
        return Verdict(False, 0.0, evidence, "no_violence")
    if _has(lead[:2], ACCIDENT_CUES) and not any(
        violent(_outside_accident_words(segment), weapons_only=True) for segment in lead[:2]
    ):
        return Verdict(False, 0.0, evidence, "accident")
    found = signals(document, lead, where, numbers, published, lambda: _ranked(facts.tally()))
    weighing = weights.weigh(found)
    score = round(weighing.score, 3)
    if where.outside_iraq:
        return Verdict(False, score, evidence, "outside_iraq", found)
    if not where.in_iraq:
        return Verdict(False, score, evidence, "not_in_iraq", found)
    if weighing.score < RELEVANCE_THRESHOLD:
        return Verdict(False, score, evidence, _reason_against(weighing), found)
    if facts.stale():
        return Verdict(False, score, evidence, "stale", found)
    return Verdict(True, score, evidence, None, found)


def _outside_accident_words(segment: Segment) -> Segment:
    """The segment without the violence words of its accident cues: "a non-combat incident",
    "pas lié au combat" name combat to deny it. Beside a natural disaster, without its attack
    words too: a quake "strikes", "a frappé", a storm "hits", wherever they stand. A weapon
    still counts ("an earthquake, then rockets")."""
    cues = segment.of("accident")
    disaster = segment.has("disaster")
    return segment.keeping(
        lambda hit: not _covered(hit, cues) and not (disaster and hit.tag.category == "incident")
    )


def _covered(hit: Hit, others: list[Hit]) -> bool:
    """The hit lies within one of the others' spans."""
    return any(other.start <= hit.start and hit.end <= other.end for other in others)


def _reason_against(weighing: Weighing) -> str:
    """The kind of the signal that weighed most against the story ("trial", "recap" ...)."""
    strongest = weighing.strongest(against=True)
    if strongest is None:
        return "weak_evidence"
    what = strongest.split(":")[-1]
    if what in NEGATIVE_KINDS:
        return what
    return SIGNAL_REASONS.get(what, "weak_evidence")


def attack_type(document: Document) -> str | None:
    """The dominant act of the lead, whatever the language of the article.

    The first weapon or precise act of the title and first sentence, else of the second
    sentence, else of the rest. Arson, storming or a grenade ("other") yield to a weapon named
    beside them ("protesters set fire ..., guards opened fire": shooting); a generic act
    ("gunmen", "an explosion", "an assassination") counts only where nothing more precise is.
    An assault by jihadists on a security post is a clash, even when the lead says they opened
    fire, and so is a jihadist attack told only by its gunmen ("an IS attack on a village, the
    gunmen opened fire on the houses"), by their storming a house, or by no act at all ("an
    attack on a village, blamed on IS"), or told in the title and first sentence without a
    weapon when the next sentences tell posts stormed ("ten fighters killed in an IS attack ... they
    stormed positions with rocket launchers and mortars"), and so is one the lead tells with no
    weapon, whatever weapons the background paragraphs name, and an assault or offensive the
    headline gives the jihadists without a weapon ("jihadists launch the assault on Ramadi",
    opened by car bombs). Ground taken says more than a generic act (the strikes that backed
    it), and so do forces advancing in the title or first sentence on an armed group named in
    either (a battle, whatever fire the next sentences say it was fought under). A car bomb
    whose lead names a suicide bomber is a suicide bombing; a rocket attack a later sentence
    calls a missile attack ("ballistic", "ground-to-ground") is one.
    Confrontations with protesters in which they are shot are a shooting, not an armed clash.
    The words of a setting or of an earlier event ("to protest against Sunday's US strikes")
    are not the act.
    """
    found, weak, beyond_first, segments = None, False, False, ()
    for depth, whole in enumerate((document.lead(1), document.lead(2), document.segments)):
        # (At depth 2, ``segments`` still holds the title and two sentences, as read above.)
        if depth == 2 and (_jihadist_raid(document.lead(2)) or _battle_deaths(segments)):
            return CLASH  # the weapons of the background paragraphs are other events'
        segments = tuple(_foreground(segment) for segment in whole)
        beyond_first = depth > 0
        found = _first_value(segments, "type", skip=OTHER) or _first_value(segments, "type")
        if found is None and (
            any(ground_taken(seg) for seg in segments) or (depth == 0 and _battle_told(segments))
        ):
            found = CLASH
        if found is None:
            found = _first_value(segments, "type_weak")
            weak = found is not None
        if found:
            break
    lead = document.lead(1)
    if found in (None, SHOOTING) and _assault_on_post(lead):
        return CLASH
    if _jihadist_attack(lead) and (
        found is None
        or (found == SHOOTING and weak)
        or (found == OTHER and _names(lead, "type_weak", SHOOTING))  # "gunmen"
        or (beyond_first and any(map(_posts_stormed, segments)))
    ):
        return CLASH  # a raid by jihadists told by its gunmen, its storming or not at all
    if _jihadist_offensive(_foreground(document.title)):
        return CLASH
    if found == CLASH and _protesters_shot(segments):
        return SHOOTING
    if found == BOMB and _names(segments, "type", SUICIDE_BOMBING):
        return SUICIDE_BOMBING
    if found == ROCKET and _first_value(document.segments, "type", skip=ROCKET) == MISSILE:
        return MISSILE  # "seven ground-to-ground rockets" told further on as missiles
    return found


def _battle_told(lead: tuple[Segment, ...]) -> bool:
    """Forces advance in the title or first sentence, and the armed group they fight is named in
    the other ("les forces d'élite entrent dans Mossoul" / "... après avoir chassé l'EI"): a
    battle, whatever weapons the next sentences say it was fought under."""
    return _has(lead, ("advance",)) and any(armed_groups(seg) for seg in lead)


def _first_value(
    segments: tuple[Segment, ...], category: str, skip: str | None = None
) -> str | None:
    for segment in segments:
        for hit in segment.of(category):  # hits are in text order
            if hit.tag.value != skip:
                return hit.tag.value
    return None


def _assault_on_post(segments: tuple[Segment, ...]) -> bool:
    return any(seg.has("post") for seg in segments) and _names(segments, "actor", JIHADISTS)


def _posts_stormed(segment: Segment) -> bool:
    """ "They stormed several positions with rifles and rocket launchers": the storming (an act
    of kind "other") of posts, whatever weapons the sentence lists."""
    return segment.has("post") and _names((segment,), "type", OTHER)


def _names(segments: tuple[Segment, ...], category: str, *values: str) -> bool:
    """One of the segments has a hit of ``category`` with one of ``values`` (a kind of attack,
    a target, an actor)."""
    return any(hit.tag.value in values for seg in segments for hit in seg.of(category))


def _jihadist_offensive(title: Segment) -> bool:
    """A headline that tells an assault or offensive by the jihadists, and neither a weapon nor
    a toll: "les jihadistes lancent l'assaut sur Ramadi" is a battle, whatever its lead says it
    opened with (a wave of car bombs). A toll of an operation ("28 IS members killed in
    security operations") leaves the type to the lead."""
    return (
        not title.has("type")
        and not title.has("killed")
        and title.has("operation")
        and any(hit.tag.value == JIHADISTS for hit in title.of("actor"))
    )


def _jihadist_attack(segments: tuple[Segment, ...]) -> bool:
    """ "An attack by IS gunmen", "هجوم شنه مسلحو داعش": an attack word and the jihadists."""
    return any(seg.has("incident") for seg in segments) and _names(segments, "actor", JIHADISTS)


def _jihadist_raid(segments: tuple[Segment, ...]) -> bool:
    """A jihadist attack on troops, fighters or villagers ("داعش يهاجم قرية", "هجوم على نقطة
    للحشد")."""
    return _jihadist_attack(segments) and _names(segments, "target", *RAIDED)


def _battle_deaths(lead: tuple[Segment, ...]) -> bool:
    """Deaths among fighters or in an operation, told without a weapon or an attack word
    ("مقتل 12 من مسلحي داعش جنوب الفلوجة", "soldiers killed in an operation"): a battle, whatever
    weapons the background paragraphs name. Protesters' deaths are not: they were shot or
    struck; nor are deaths "in shelling", "in an attack": the act is named, if not its weapon."""
    return (
        any(map(deaths_in_fighting, lead))
        and not _has(lead, ("incident",))
        and not _names(lead, "target", PROTESTERS)
    )


def _protesters_shot(segments: tuple[Segment, ...]) -> bool:
    """Protesters are named and so is gunfire: "confrontations between protesters and the
    police ... wounded by live rounds"."""
    return _names(segments, "target", PROTESTERS) and _names(segments, "type", SHOOTING)


def target(document: Document, kind: str | None, site_target: str | None) -> str | None:
    """What was hit: the title and first sentence, else the second sentence.

    Target words that name who reports ("police said", "selon l'armée", "بحسب الشرطة") or who
    acted ("wounded by security forces", the group that claimed the attack) are not targets;
    an armed group is the target of a state's airstrikes or fire from afar. Words in a clause
    about an earlier event name no one hit in this one ("days after the last US troops left",
    "au lendemain d'une frappe qui a tué deux officiers"). Generic words for people ("people",
    "personnes") give "civilians" only when nothing more precise is named. A base that houses US troops is a US target by default, but not in a
    ground battle or a shooting the story tells without a word of the US or the coalition (Iraqi
    forces and peshmerga fighting for K1, protesters shot in the Green Zone).
    """
    if kind in (CLASH, SHOOTING) and site_target in US_INTEREST_TARGETS:
        if not any(seg.has("us") for seg in document.segments):
            site_target = None
    groups_hit = kind == AIRSTRIKE or _state_fires(document, kind)
    lead = tuple(_foreground(segment, TARGET_HIDES) for segment in document.lead(2))
    for segments in (lead[: len(document.lead(1))], lead):
        found = _choose_target(segments, kind, site_target, groups_hit)
        if found:
            return found
    if site_target and not (kind == AIRSTRIKE and site_target in US_INTEREST_TARGETS):
        return site_target  # an air raid near a base that houses US troops did not hit them
    if any(seg.has("people") for seg in document.lead(2)):
        return CIVILIANS
    return None


def _state_fires(document: Document, kind: str | None) -> bool:
    """A state fires from afar: its artillery, missiles or drones ("المدفعية التركية تقصف
    مواقع الكردستاني", Iran's missiles on Kurdish parties). The armed group it names is hit."""
    return kind in STATE_FIRE_KINDS and any(
        hit.tag.value in STATE_ACTORS for segment in document.lead(1) for hit in segment.of("actor")
    )


def _victim_hits(segment: Segment, kind: str | None, groups_hit: bool) -> list[Hit]:
    """The segment's target words that name who was hit, not who speaks, who acted or who was
    spared; an armed group is the attacker unless ``groups_hit`` (a state struck from the air
    or from afar)."""
    # An armed group named is the attacker; a state's forces ("القوات الأمريكية", "les forces
    # américaines") are hit as often as they strike: only an active verb or "by" says which.
    groups = armed_groups(segment)
    kept = []
    for hit in segment.of("target"):
        if segment.negated(hit) or _credited_in_headline(segment, hit):
            continue  # "no US or coalition forces were hurt"; "Blast kills 3 in Mosul - official"
        if _next_to(segment, "source_before", hit, before=True, reach=SOURCE_REACH_CHARS):
            continue
        if _next_to(segment, "source_after", hit, before=False, reach=SOURCE_REACH_CHARS):
            continue
        if _is_agent(segment, hit) or _acts(segment, hit) or _strikes_from_the_air(segment, hit):
            continue
        if not groups_hit and _covered(hit, groups):
            continue  # "jihadists", "Kataeb Hezbollah": the attacker, unless a state struck
        kept.append(hit)
    return [hit for i, hit in enumerate(kept) if not _member_of_next(segment, hit, kept[i + 1 :])]


def _credited_in_headline(segment: Segment, hit: Hit) -> bool:
    """The hit is in the few words a headline ends with after a dash, or opens with before a
    colon: who told it ("Blast kills 3 in Mosul - official", "... -police sources", "Iraqi
    officials: Gunmen kill 8")."""
    if segment.index != 0:
        return False
    colon = segment.cased.find(":")
    if hit.end <= colon and len(segment.cased[:colon].split()) <= HEADLINE_CREDIT_WORDS:
        return True
    dash = max(segment.cased.rfind(mark, 0, hit.start) for mark in HEADLINE_CREDIT_MARKS)
    return dash >= 0 and len(segment.cased[dash:].split()) <= HEADLINE_CREDIT_WORDS + 1


def _member_of_next(segment: Segment, hit: Hit, later: list[Hit]) -> bool:
    """ "a member of the Hashed", "منتسب في الحشد": the group named next is the target."""
    return any(
        segment.folded[hit.end : other.start].strip().replace("'", " ").strip() in LINK_WORDS
        for other in later[:1]
    )


def _next_to(segment: Segment, category: str, hit: Hit, before: bool, reach: int) -> bool:
    """A word of ``category`` within ``reach`` characters before (or after) the hit, in the
    same clause (no comma, colon or bracket between)."""
    for other in segment.of(category):
        gap = (hit.start - other.end) if before else (other.start - hit.end)
        if 0 <= gap <= reach:
            start, end = (other.end, hit.start) if before else (hit.end, other.start)
            if segment.one_clause(start, end):
                return True
    return False


def _is_agent(segment: Segment, hit: Hit) -> bool:
    """ "by security forces", "par des hommes armés", "برصاص قوات الأمن" — but not "a base
    used by the coalition"."""
    for agent in segment.of("agent"):
        if (
            0 <= hit.start - agent.end <= AGENT_REACH_CHARS
            and "," not in segment.folded[agent.end : hit.start]
        ):
            return not any(0 <= agent.start - e.end <= 1 for e in segment.of("agent_exception"))
    return False


def _strikes_from_the_air(segment: Segment, hit: Hit) -> bool:
    """The target word names an air force: "طائرات التحالف" (the coalition's aircraft), "coalition
    airstrikes", "frappes aériennes de la coalition". In a story of bombings or shelling that
    also tells of the coalition's raids, the coalition struck; it was not hit."""
    for strike in (*segment.of("type"), *segment.of("type_weak")):
        if strike.tag.value != AIRSTRIKE:
            continue
        if strike.start < hit.end + ACT_REACH_CHARS and hit.start < strike.end:
            return True
        word_end = segment.word_end(strike.end, hit.start)
        gap = segment.folded[word_end : hit.start].replace("'", " ").split()
        if hit.start >= word_end and len(gap) <= len(STRIKER_LINKS) and set(gap) <= STRIKER_LINKS:
            return True
    return False


def _acts(segment: Segment, hit: Hit) -> bool:
    """The target word is the subject of the active verb right after it ("security forces
    opened fire", "des manifestants ont incendié", "قوات الأمن تطلق النار"), or right before it
    in Arabic's verb-first order ("قصفت القوات الأمريكية"). Only finite active forms are
    listed: a headline's participle ("activist abducted") names the victim."""
    return any(
        0 <= act.start - hit.end <= ACT_REACH_CHARS for act in segment.of("agent_act")
    ) or any(
        0 <= hit.start - act.end and segment.folded[act.end : hit.start].strip() in ("", "ال")
        for act in segment.of("agent_act_before")
    )  # (the article "ال" before a word is outside its match)


def _choose_target(
    segments: tuple[Segment, ...], kind: str | None, site_target: str | None, groups_hit: bool
) -> str | None:
    """US interests first (the counters depend on them), then the first victim named. US or
    coalition forces the lead shows acting ("US military kills two militants") are the
    attacker wherever else it names them ("the US military killed ...", a past form that also
    reads as a passive). Other words keep each their own role: protesters who stormed a
    building may be shot at in the next sentence."""
    acting = {
        h.tag.value
        for seg in segments
        for h in seg.of("target")
        if h.tag.value in US_BASES and _acts(seg, h)
    }
    hits = [
        (seg.index, h.start, _convoy_owner(seg, h))
        for seg in segments
        for h in _victim_hits(seg, kind, groups_hit)
        if h.tag.value not in acting
    ]
    hits = _missions_named(segments, hits)
    # A convoy of no stated owner yields to whoever else is named ("the convoy of a lawmaker").
    owned = [h for h in hits if h[2] != CONVOY]
    hits = owned if owned else [(index, start, OTHER_TARGET) for index, start, _ in hits]
    if kind == AIRSTRIKE:
        hits = [h for h in hits if h[2] not in US_INTEREST_TARGETS]
        site_target = None if site_target in US_INTEREST_TARGETS else site_target
    named = {h[2] for h in hits}
    for wanted in US_FIRST:
        if wanted in named:
            return wanted
    if set(US_BASES) <= named:
        return COALITION  # US and allied troops hit together: the coalition
    bases = sorted(h for h in hits if h[2] in US_BASES)
    if bases:
        return bases[0][2]
    if "us_contractor" in named:
        return "us_contractor"  # named staff beat the site's default ("base housing contractors")
    if site_target in US_INTEREST_TARGETS and not named & {
        "government",
        "protesters",
        "pmf",
        OTHER_TARGET,
    }:
        return site_target
    if site_target and not named:
        return site_target
    return min(hits)[2] if hits else None


def _convoy_owner(segment: Segment, hit: Hit) -> str:
    """The target a convoy word names: the coalition's logistics when the US or the coalition
    is named beside it, still an unowned convoy otherwise; any other target word as it is."""
    if hit.tag.value == CONVOY and any(
        0 <= hit.start - us.end <= CONVOY_OWNER_BEFORE_CHARS
        or 0 <= us.start - hit.end <= CONVOY_OWNER_AFTER_CHARS
        for us in segment.of("us")
    ):
        return LOGISTICS_CONVOY
    return hit.tag.value


def _missions_named(
    segments: tuple[Segment, ...], hits: list[tuple[int, int, str]]
) -> list[tuple[int, int, str]]:
    """A mission whose country the words leave open is the US embassy in a sentence that names
    the US (or beside a US embassy named elsewhere), another country's otherwise."""
    us_said = {seg.index for seg in segments if seg.has("us")}
    us_mission = any(value == US_EMBASSY for _, _, value in hits)
    return [
        (index, start, (US_EMBASSY if us_mission or index in us_said else OTHER_TARGET))
        if value == MISSION
        else (index, start, value)
        for index, start, value in hits
    ]


def is_us_interest(target_name: str | None) -> bool:
    return target_name in US_INTEREST_TARGETS
