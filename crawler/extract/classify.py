"""What happened and whether it is news: relevance, attack type, target and US interest.

Relevance weighs signals of the lead (title and first sentences) — wire copy states the news
first and the background after:

* for: an incident word in the title (weapon, attack, casualties), one in the first sentence,
  a verb saying it happened ("struck", "ont frappé", "سقطت"), casualty words, a time word
  tying it to the day ("tôt dimanche", "overnight", "أمس");
* against: words of other kinds of story (a trial, an anniversary, a threat, politics, the
  economy, an analysis that recaps, sport, accidents, arrests), weighed more in the title.

Hard rules come first: no incident word in the lead, no act of violence in it (deaths, a blast
or a fire alone are not an attack), an accident cue ("short circuit", "collision", "تسرب غاز")
with no attack stated, an incident located abroad, no place of Iraq at all, or an event older
than ``max_age_h`` make the article irrelevant whatever the score. The threshold and weights are
in the constants below; ``score`` is the squashed balance.

What the lead says is weighed after two readings:

* the setting of a story about something else is not its news: incident words from "amid",
  "sur fond de", "في ظل" to the end of the clause are dropped ("meets envoy as tensions spike
  over drone attacks");
* a count of many attacks ("more than 40 attacks since January") is a recap, whatever the
  words around it; an oil or economy context never outweighs an attack the lead says happened
  ("a rocket hit a camp of foreign oil companies").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from crawler.extract.document import Document, Segment
from crawler.extract.lexicon import Hit
from crawler.extract.numbers import count_before
from crawler.extract.place import Whereabouts
from crawler.extract.vocabulary import Numbers
from crawler.types import US_INTEREST_TARGETS

INCIDENT_CATEGORIES = ("type", "type_weak", "incident", "outcome")
# Words an act of violence is told with: a weapon or act, an attack word; of the generic acts,
# only gunmen and assassinations ("an explosion" may be a gas cylinder).
VIOLENT_CATEGORIES = ("type", "incident")
VIOLENT_WEAK_TYPES = ("shooting",)
# "An explosion killed five in a Baghdad market": in Iraq most such leads report a bombing, but
# gas cylinders and arms depots explode too. Violence enough to be judged, not enough to
# outweigh an accident's cues.
ACCIDENT_PRONE_WEAK_TYPES = ("ied",)
# What the setting of a story hides from the judge: the words that would make it news.
SETTING_HIDES = INCIDENT_CATEGORIES + ("event", "killed", "wounded")
SETTING_END_MARKS = ",;:()"
ECONOMY = "economy"
RECAP = "recap"
# A count of attacks from which a lead recaps a campaign rather than reports one attack
# ("more than 40 attacks since the start of the year"); twin or triple attacks stay news.
RECAP_MIN_ATTACKS = 5
TIME_CATEGORIES = ("weekday", "relday", "part")
CASUALTY_CATEGORIES = ("killed", "wounded", "no_casualties", "no_killed")

WEIGHT_INCIDENT_TITLE = 1.0
WEIGHT_INCIDENT_FIRST = 0.8
WEIGHT_INCIDENT_LATER = 0.5  # ... only in the second sentence (feature-style intros)
WEIGHT_EVENT = 1.0  # a verb of occurrence in the title or first sentence
WEIGHT_EVENT_LATER = 0.4  # ... only in the second sentence
WEIGHT_CASUALTIES = 0.5
WEIGHT_TIME = 0.4
WEIGHT_NEGATIVE_TITLE = 1.4  # per kind of other story named in the title
WEIGHT_NEGATIVE_FIRST = 0.7  # ... in the first sentence (a kind in both counts twice)
WEIGHT_PAST = 0.7  # the lead dates its facts in the past ("last week", "l'an dernier")
# The balance an incident report needs; a lone incident word in a title (1.0) is not enough.
RELEVANCE_THRESHOLD = 1.6
# Spread of the logistic that turns the balance into a 0..1 score.
SCORE_SCALE = 0.8

US_FIRST = ("us_embassy", "logistics_convoy")
US_BASES = ("coalition", "us_military")
COALITION = "coalition"
CIVILIANS = "civilians"
# State air forces strike from the air: in an airstrike the US is the striker, not the target.
AIRSTRIKE = "airstrike"
CLASH = "clash"
OTHER = "other"
JIHADISTS = "Islamic State group"  # the actor whose raids on army posts are clashes
# How far (characters) a source word may stand from the target word it introduces or closes:
# "a indiqué à l'AFP un responsable de la police" still names the police as the source.
SOURCE_REACH_CHARS = 30
# How far (characters) "by" may stand before the acting group ("by the Iraqi security forces").
AGENT_REACH_CHARS = 12
CLAUSE_MARKS = ",;:()"
# Words linking a member to the group that names the target ("soldiers of the coalition").
LINK_WORDS = frozenset({"of", "of the", "from", "de", "du", "des", "de la", "d", "في", "من"})
# A subject stands right before its verb: "forces opened fire" (one space, maybe a quote).
ACT_REACH_CHARS = 2


@dataclass(frozen=True, slots=True)
class Verdict:
    relevant: bool
    score: float
    evidence: tuple[str, ...]
    reason: str | None


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


def _happened(segment: Segment) -> bool:
    """A verb of occurrence that is not negated ("Aucune attaque n'a visé" is not an event)."""
    return any(not segment.negated(h) for h in segment.of("event"))


def _negative_kinds(segment: Segment, numbers: Numbers) -> set[str]:
    kinds = {h.tag.value for h in segment.of("negative")}
    if _counts_many_attacks(segment, numbers):
        kinds.add(RECAP)
    return kinds


def _counts_many_attacks(segment: Segment, numbers: Numbers) -> bool:
    """ "more than 40 attacks", "près de trente attaques", "أكثر من 70 هجوماً"."""
    return any(
        (count_before(segment, hit, numbers) or 0) >= RECAP_MIN_ATTACKS
        for hit in segment.of("tally_noun")
    )


def _violent(segment: Segment, weapons_only: bool) -> bool:
    """An act of violence is stated: a weapon or act, an attack word, gunmen, an explosion.
    With ``weapons_only``, what a fire or an accident also produces ("set fire", "l'incendie":
    type "other"; "an explosion") does not count, so that an accident's cues still win."""
    if any(hit.tag.value != OTHER or not weapons_only for hit in segment.of("type")):
        return True
    weak = VIOLENT_WEAK_TYPES if weapons_only else VIOLENT_WEAK_TYPES + ACCIDENT_PRONE_WEAK_TYPES
    return segment.has("incident") or any(hit.tag.value in weak for hit in segment.of("type_weak"))


def _attack_happened(segment: Segment) -> bool:
    """The segment says an attack took place: a weapon or act and a verb of occurrence."""
    return _violent(segment, weapons_only=True) and _happened(segment)


def _foreground(segment: Segment) -> Segment:
    """The segment without the incident words of its setting clauses ("amid drone attacks")."""
    settings = segment.of("setting")
    if not settings:
        return segment
    spans = [(hit.start, _clause_end(segment.folded, hit.end)) for hit in settings]
    return segment.keeping(
        lambda hit: (
            hit.tag.category not in SETTING_HIDES
            or not any(start <= hit.start < end for start, end in spans)
        )
    )


def _clause_end(text: str, start: int) -> int:
    ends = [i for i in (text.find(mark, start) for mark in SETTING_END_MARKS) if i >= 0]
    return min(ends, default=len(text))


def judge(document: Document, where: Whereabouts, stale: bool, numbers: Numbers) -> Verdict:
    """Is this article a report of a recent security incident in Iraq?"""
    lead = tuple(_foreground(segment) for segment in document.lead())
    title, first = lead[0], lead[1:2]
    evidence = _evidence(document)
    if not _has(lead, INCIDENT_CATEGORIES):
        return Verdict(False, 0.0, evidence, "no_incident_term")
    if not any(_violent(segment, weapons_only=False) for segment in lead):
        return Verdict(False, 0.0, evidence, "no_violence")
    if _has((title,) + first, ("accident",)) and not any(
        _violent(segment, weapons_only=True) for segment in lead
    ):
        return Verdict(False, 0.0, evidence, "accident")

    balance = 0.0
    balance += WEIGHT_INCIDENT_TITLE if _has((title,), INCIDENT_CATEGORIES) else 0.0
    if _has(first, INCIDENT_CATEGORIES):
        balance += WEIGHT_INCIDENT_FIRST
    elif _has(lead[2:], INCIDENT_CATEGORIES):
        balance += WEIGHT_INCIDENT_LATER
    if _happened(title) or any(_happened(s) for s in first):
        balance += WEIGHT_EVENT
    elif any(_happened(s) for s in lead[2:]):
        balance += WEIGHT_EVENT_LATER
    current = tuple(s for s in lead if not s.has("past"))
    balance += WEIGHT_CASUALTIES if _has(current, CASUALTY_CATEGORIES) else 0.0
    balance += WEIGHT_TIME if _has(lead[1:], TIME_CATEGORIES) else 0.0
    title_kinds = _negative_kinds(title, numbers)
    first_kinds = set().union(*(_negative_kinds(s, numbers) for s in first))
    if _attack_happened(title) or any(_attack_happened(s) for s in first):
        title_kinds.discard(ECONOMY)
        first_kinds.discard(ECONOMY)
    balance -= WEIGHT_NEGATIVE_TITLE * len(title_kinds) + WEIGHT_NEGATIVE_FIRST * len(first_kinds)
    if _has((title,) + first, ("past",)):
        balance -= WEIGHT_PAST
    score = 1.0 / (1.0 + math.exp(-(balance - RELEVANCE_THRESHOLD) / SCORE_SCALE))

    if where.outside_iraq:
        return Verdict(False, round(score, 3), evidence, "outside_iraq")
    if not where.in_iraq and not _iraq_named_anywhere(document):
        return Verdict(False, round(score, 3), evidence, "not_in_iraq")
    if balance <= RELEVANCE_THRESHOLD:
        kinds = sorted(title_kinds) or sorted(first_kinds)
        return Verdict(False, round(score, 3), evidence, kinds[0] if kinds else "weak_evidence")
    if stale:
        return Verdict(False, round(score, 3), evidence, "stale")
    return Verdict(True, round(score, 3), evidence, None)


def _iraq_named_anywhere(document: Document) -> bool:
    return any(
        h.tag.value.startswith(("country:iraq", "gov:", "city:", "district:", "site:"))
        for seg in document.segments
        for h in seg.of("place")
    )


def attack_type(document: Document) -> str | None:
    """The dominant act of the lead, whatever the language of the article.

    The first weapon or precise act of the title and first sentence, else of the second
    sentence, else of the rest. Arson, storming or a grenade ("other") yield to a weapon named
    beside them ("protesters set fire ..., guards opened fire": shooting); a generic act
    ("gunmen", "an explosion", "an assassination") counts only where nothing more precise is. An assault by jihadists on a security post is a clash, even when the
    lead says they opened fire.
    """
    found = None
    for segments in (document.lead(1), document.lead(2), document.segments):
        found = _first_value(segments, "type", skip=OTHER) or _first_value(segments, "type")
        found = found or _first_value(segments, "type_weak")
        if found:
            break
    if found in (None, "shooting") and _assault_on_post(document.lead(1)):
        return CLASH
    return found


def _first_value(
    segments: tuple[Segment, ...], category: str, skip: str | None = None
) -> str | None:
    for segment in segments:
        for hit in segment.of(category):  # hits are in text order
            if hit.tag.value != skip:
                return hit.tag.value
    return None


def _assault_on_post(segments: tuple[Segment, ...]) -> bool:
    return any(seg.has("post") for seg in segments) and any(
        hit.tag.value == JIHADISTS for seg in segments for hit in seg.of("actor")
    )


def target(document: Document, kind: str | None, site_target: str | None) -> str | None:
    """What was hit: the title and first sentence, else the second sentence.

    Target words that name who reports ("police said", "selon l'armée", "بحسب الشرطة") or who
    acted ("wounded by security forces", the group that claimed the attack) are not targets.
    Generic words for people ("people", "personnes") give "civilians" only when nothing more
    precise is named.
    """
    for segments in (document.lead(1), document.lead(2)):
        found = _choose_target(segments, kind, site_target)
        if found:
            return found
    if site_target:
        return site_target
    if any(seg.has("people") for seg in document.lead(2)):
        return CIVILIANS
    return None


def _victim_hits(segment: Segment, kind: str | None) -> list[Hit]:
    """The segment's target words that name who was hit, not who speaks or who acted."""
    actors = [(a.start, a.end) for a in segment.of("actor")]
    kept = []
    for hit in segment.of("target"):
        if _next_to(segment, "source_before", hit, before=True, reach=SOURCE_REACH_CHARS):
            continue
        if _next_to(segment, "source_after", hit, before=False, reach=SOURCE_REACH_CHARS):
            continue
        if _is_agent(segment, hit) or _acts(segment, hit):
            continue
        if kind != AIRSTRIKE and any(s <= hit.start and hit.end <= e for s, e in actors):
            continue  # "jihadists", "Kataeb Hezbollah": the attacker, unless struck from the air
        kept.append(hit)
    return [hit for i, hit in enumerate(kept) if not _member_of_next(segment, hit, kept[i + 1 :])]


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
            between = (
                segment.folded[other.end : hit.start]
                if before
                else segment.folded[hit.end : other.start]
            )
            if not any(mark in between for mark in CLAUSE_MARKS):
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


def _acts(segment: Segment, hit: Hit) -> bool:
    """The target word is the subject of the active verb right after it ("security forces
    opened fire", "des manifestants ont incendié", "قوات الأمن تطلق النار"). Only finite active
    forms are listed: a headline's participle ("activist abducted") names the victim."""
    return any(0 <= act.start - hit.end <= ACT_REACH_CHARS for act in segment.of("agent_act"))


def _choose_target(
    segments: tuple[Segment, ...], kind: str | None, site_target: str | None
) -> str | None:
    """US interests first (the counters depend on them), then the first victim named."""
    hits = [(seg.index, h.start, h.tag.value) for seg in segments for h in _victim_hits(seg, kind)]
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
    if site_target in US_INTEREST_TARGETS and not named & {"government", "protesters", "pmf"}:
        return site_target
    if site_target and not named:
        return site_target
    return min(hits)[2] if hits else None


def is_us_interest(target_name: str | None) -> bool:
    return target_name in US_INTEREST_TARGETS
