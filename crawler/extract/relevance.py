"""Is a story that passed the hard rules the report of a new incident? A weighed reading of its lead.

The hard rules (:func:`crawler.extract.classify.judge`) settle what needs no weighing: no act of
violence, an accident, a story set abroad or not in Iraq, an event days old. What is left is a
matter of degree — a weapon in the headline but a court in the first sentence; a toll, but "since
January"; a strike, but in a story about a minister's visit — and this module weighs it.

:func:`signals` reads the lead (title, first and second sentence) into named signals that are
the same in every language: "title names a weapon", "first sentence says it happened", "title
speaks of a trial", "lead counts many attacks", "only the country is named"... :class:`Weights`
turns them into a score with a logistic model: one weight per signal and a bias, in
``data/relevance.json``, trained by ``bench/train_relevance.py`` on our judgements of real news
(``bench/data/labels``) and reproducible from them. Because the signals are words of the
lexicons and places of the gazetteer, not the words of the training texts, what was learnt on
English and Arabic news carries to French, and a user's extra terms take part. The signals that
weighed most for or against a story are its reasons (``Extraction.evidence`` and ``reason``).

Pure: the weights are read once, when an :class:`~crawler.extract.Extractor` is built.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from importlib import resources

from crawler.errors import ConfigError
from crawler.extract.document import VIOLENT_OTHER, Document, Segment
from crawler.extract.lexicon import Hit
from crawler.extract.normalize import QUOTE_MARKS, fold
from crawler.extract.numbers import (
    YEAR_MIN,
    count_before,
    number_after,
    read_number,
    times_after_act,
)
from crawler.extract.place import IRAQ, Whereabouts
from crawler.extract.timeparse import day_number_near
from crawler.extract.violence import ground_taken
from crawler.extract.vocabulary import Numbers
from crawler.types import AIRSTRIKE, PLACE_SPECIFICITY

WEIGHTS_FILE = "relevance.json"
# Every kind of "other story" the lexicons know (negative: sections of data/lexicon/*.yaml).
NEGATIVE_KINDS = (
    "trial", "anniversary", "threat", "politics", "economy", "recap", "other", "reaction",
    "feature", "sport",
)  # fmt: skip
OTHER_NEWS = "other"  # the negative kind of news that is no attack (arrests, accidents ...)
# Who judges ("judge", "court", "المحكمة") tells a trial, unless the victim of the act told right
# before it ("gunmen kill a judge", "اغتال مسلحون، الأحد، قاضيا في محكمة"): an act word ending at
# most this many characters before.
JUDICIARY, TRIAL = "judiciary", "trial"
VICTIM_REACH_CHARS = 25
VICTIM_ACTS = ("killed", "wounded", "incident", "type", "type_weak")
# Sport is told in war words ("strike late", "يقصف شباك", "blitz"); a sentence that also counts
# dead or wounded is news of the violence at a match, not of the match.
SPORT = "sport"
CASUALTY_CATEGORIES = ("killed", "wounded")
# A count of attacks from which a lead recaps a campaign ("more than 40 attacks since ...").
RECAP_MIN_ATTACKS = 5
# ... or from two claimed in one statement, the attack noun within these characters after the
# count ("claims three drone attacks").
CLAIMED_NOUN_CHARS = 8
POSITIONS = {0: "title", 1: "first", 2: "second"}
# What ends the clause that tells the news, the words that tell an attack in it, and the kinds
# of other news that follow an attack in the next clause (a recap word there still says what
# the story is: "..., in a series of attacks across the country").
NEWS_CLAUSE_MARKS = ",;"
ATTACK_CATEGORIES = ("type", "incident", "outcome")
AFTERMATH_KINDS = ("reaction", "threat", "politics")
# How far (characters) a relative word may stand after the place or target it qualifies
# ("a base, which", "la province d'Anbar qui").
ANTECEDENT_GAP_CHARS = 3
BACKGROUND_FROM = 2  # the sentence from which a lead's words against a report are background
BARE_SINCE = frozenset({"since", "depuis", "منذ"})
# How far before a span an ordinal makes it the span of a rank ("the second time in a week").
RANK_REACH_CHARS, RANK_REACH_WORDS = 20, 2
# A headline's speaker: at most these many words before a colon near its start.
SPEAKER_MAX_WORDS = 4
SPEAKER_MAX_CHARS = 40
FLASH_WORDS = frozenset({"urgent", "breaking", "flash", "update", "عاجل", "عام", "اخر خبر"})
# Words before a month that make it a period ("in November", "au mois de", "خلال شهر", the
# tally of a month: "حصيلة تموز").
PERIOD_WORDS = frozenset(
    {"in", "during", "throughout", "en", "durant", "pendant", "mois", "de", "du"}
)
PERIOD_WORDS_AR = tuple(fold(word) for word in ("خلال", "طيلة", "شهر", "حصيلة", "إحصائية"))
# Words before a month that make it a date ("at the end of March", "early May", "fin mars").
MONTH_LEADS = frozenset({"of", "early", "late", "mid", "last", "fin", "debut", "mi", "في"})
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
# A month named without a day this many months before publication dates an old event.
OLD_MONTHS_MIN, OLD_MONTHS_MAX = 2, 6
# Words of violence or war in a headline: one without any of them ("Iraq digitises its
# manuscripts", "Kurdish parties agree on ...") tells other news, whatever its lead goes on to.
HEADLINE_VIOLENCE = (
    "type", "type_weak", "incident", "outcome", "killed", "wounded", "claim", "event",
    "advance", "capture", "operation",
)  # fmt: skip


def _happened(segment: Segment) -> bool:
    return any(not segment.negated(hit) for hit in segment.of("event"))


def _counts_many_attacks(segment: Segment, numbers: Numbers) -> bool:
    """ "more than 40 attacks", "près de trente attaques", "أكثر من 70 هجوماً", "29 غارة",
    "attacked at least 66 times", "visées plus de 60 fois"."""
    nouns = segment.of("tally_noun") + [h for h in segment.of("type") if h.tag.value == AIRSTRIKE]
    if any((count_before(segment, hit, numbers) or 0) >= RECAP_MIN_ATTACKS for hit in nouns):
        return True
    if _claims_several(segment, numbers):
        return True
    if not (segment.has("tally_noun") or segment.has("incident")):
        return False  # no act for "times" to count (and no need to split the words)
    tokens = segment.tokens
    for i in range(1, len(tokens)):
        if not times_after_act(segment, tokens[i], numbers):
            continue
        reading = read_number(tokens, i - 1, numbers)
        if (
            reading is not None
            and not reading.weak
            and RECAP_MIN_ATTACKS <= reading.value < YEAR_MIN
        ):
            return True
    return False


def _claims_several(segment: Segment, numbers: Numbers) -> bool:
    """A group claims several attacks in one statement ("claims three drone attacks on US
    bases", "revendique trois attaques", "تبنت ثلاث هجمات"): a sum, each reported on its own."""
    if not segment.has("tally_claim"):
        return False
    tokens = segment.tokens
    for claim in segment.of("tally_claim"):
        reading = number_after(segment, claim, numbers)
        if reading is None or reading.weak or not 2 <= reading.value < YEAR_MIN:
            continue
        after = tokens[reading.end - 1].end
        if any(0 <= noun.start - after <= CLAIMED_NOUN_CHARS for noun in segment.of("tally_noun")):
            return True
    return False


def _sums_up(segment: Segment, numbers: Numbers) -> bool:
    """The sentence speaks of a sum of events ("in total", "so far this year", "في المجموع").
    A bare "since" ("held by the group since 2014", "depuis octobre") dates a background, and
    a running tally's "since" ranks a new attack: neither sums anything up; nor does the span
    of a rank ("hit for the second time in a week")."""
    return any(
        segment.folded[hit.start : hit.end] not in BARE_SINCE and not _ranks(segment, hit, numbers)
        for hit in segment.of("aggregate")
    )


def _ranks(segment: Segment, hit: Hit, numbers: Numbers) -> bool:
    """ "the second time in a week", "third attack this month": an ordinal just before."""
    before = segment.folded[max(0, hit.start - RANK_REACH_CHARS) : hit.start].split()
    return any(word in numbers.ordinal for word in before[-RANK_REACH_WORDS:])


def _speaker_first(title: Segment) -> bool:
    """A headline that opens with who speaks, then a colon ("النجيفي: مظاهرات العراقيين ...",
    "Pentagon: ..."): a statement. A place before the colon is a topic ("Irak : ..."), a flash
    marker a flash ("URGENT -", "عاجل:")."""
    colon = title.cased.find(":")
    if colon <= 0 or colon > SPEAKER_MAX_CHARS:
        return False
    prefix = title.folded[:colon].strip(QUOTE_MARKS + " ")
    if not prefix or len(prefix.split()) > SPEAKER_MAX_WORDS or prefix in FLASH_WORDS:
        return False
    return not any(hit.start < colon for hit in title.hits if hit.tag.family == "place")


def _attack_clause_end(segment: Segment) -> int:
    """Where the aftermath of a sentence may begin: after its first clause when that clause
    tells an attack that happened ("Soleimani tué par un drone américain, l'Iran promet la
    vengeance"; "20 killed in Baghdad bombing; UN condemns"), the reaction, threat or politics
    that follows is not what the story is about. Else the whole sentence counts."""
    end = segment.clause_end(0, NEWS_CLAUSE_MARKS)
    head = [hit for hit in segment.hits if hit.end <= end]
    told = any(hit.tag.category in ATTACK_CATEGORIES for hit in head) and any(
        hit.tag.category == "event" and not segment.negated(hit) for hit in head
    )
    return end if told else len(segment.folded)


def relative_clauses(segment: Segment) -> list[tuple[int, int]]:
    """The spans of the relative clauses that follow an act and open on a place or a target
    ("rockets hit a base, which had been targeted in 2019", "la mosquée de Mossoul, où leur chef
    avait paru en 2014", "القاعدة التي استهدفت الأسبوع الماضي"): they tell of the place or the
    people the news names, up to the end of their clause. One on the act itself ("the assault
    of IS, which had killed thousands") is the story's own."""
    acts = [h.start for c in ("type", "incident", "event") for h in segment.of(c)]
    named = [h.end for h in segment.hits if h.tag.family == "place" or h.tag.category == "target"]
    spans = []
    for relative in segment.of("relative"):
        antecedent = any(0 <= relative.start - end <= ANTECEDENT_GAP_CHARS for end in named)
        if (antecedent or _proper_name_before(segment, relative.start)) and any(
            act < relative.start for act in acts
        ):
            spans.append((relative.start, segment.clause_end(relative.end, NEWS_CLAUSE_MARKS)))
    return spans


def _proper_name_before(segment: Segment, start: int) -> bool:
    """A name the gazetteer does not know stands right before the relative word ("son minaret
    penché al-Hadba, où ..."): a place or a building, the antecedent as a known place is. An
    actor's name is not ("the assault of IS, which had killed thousands")."""
    before = segment.cased[:start].rstrip(" ,")
    words = before.split()
    if not words:
        return False
    name = re.split(r"[-'’]", words[-1])[-1]
    return name[:1].isupper() and not any(
        hit.start < len(before) <= hit.end for hit in segment.of("actor")
    )


def _outside(spans: list[tuple[int, int]], offset: int) -> bool:
    return not any(start <= offset < end for start, end in spans)


def _whole_month(segment: Segment) -> bool:
    """A month named without a day, after "in"/"en"/"خلال" ("900 civilians killed in
    November", "خلال شهر تموز"): a period's total, not an event's date."""
    for hit in segment.of("month"):
        if _period_word(_word_before(segment, hit)) and day_number_near(segment, hit) is None:
            return True
    return False


def _word_before(segment: Segment, hit: Hit) -> str:
    before = segment.folded[max(0, hit.start - 16) : hit.start].split()
    return before[-1] if before else ""


def _period_word(word: str) -> bool:
    return word in PERIOD_WORDS or word.endswith(PERIOD_WORDS_AR)


def _old_date(segment: Segment, published: datetime, relatives: list[tuple[int, int]]) -> bool:
    """The sentence dates something in an earlier year ("the 2016 bombing", "في عام 2014"), or
    months earlier in a month it names without a day ("kidnapped at the end of March",
    published in July). A month just past may be last week's; one more than
    :data:`OLD_MONTHS_MAX` back may be ahead ("elections in October"). Dates inside
    ``relatives`` (:func:`relative_clauses`) are of the place, not the news."""
    for year in _YEAR.finditer(segment.folded):
        if int(year.group(1)) < published.year and _outside(relatives, year.start()):
            return True
    for hit in segment.of("month"):
        if not _outside(relatives, hit.start):
            continue
        months_back = (published.month - int(hit.tag.value)) % 12
        if (
            OLD_MONTHS_MIN <= months_back <= OLD_MONTHS_MAX
            and _dates_by_month(segment, hit)
            and day_number_near(segment, hit) is None
        ):
            return True
    return False


def _victim_of_act(segment: Segment, hit: Hit) -> bool:
    """The word names whom the act just before it struck ("assassinat d'un juge", "gunmen shot
    a judge and his son")."""
    return any(
        0 <= hit.start - act.end <= VICTIM_REACH_CHARS
        for category in VICTIM_ACTS
        for act in segment.of(category)
    )


def _of_other(segment: Segment, hit: Hit) -> bool:
    """The attack word is part of a phrase of other news: "a controlled explosion", "تفجير
    مسيطر عليه", "rocket launcher found"."""
    return any(
        other.start <= hit.start and hit.end <= other.end and other.tag.value == OTHER_NEWS
        for other in segment.of("negative")
    )


def _names_its_year(title: Segment, published: datetime) -> bool:
    """The headline names the year it is published in ("Islamic State in Iraq, 2020: fewer
    attacks", "العراق في 2018"): it sums the year up. A fresh report names its day, not its
    year; an earlier year is an old date (:func:`_old_date`)."""
    return any(int(year.group(1)) == published.year for year in _YEAR.finditer(title.folded))


def _dates_by_month(segment: Segment, hit: Hit) -> bool:
    """The month is a date ("in March", "at the end of March", "fin mars", "في آذار"), not a
    word that reads like one ("Sept morts", "it may be")."""
    word = _word_before(segment, hit)
    return _period_word(word) or word in MONTH_LEADS


def signals(
    document: Document,
    lead: tuple[Segment, ...],
    where: Whereabouts,
    numbers: Numbers,
    published: datetime,
    tallied: Callable[[], bool],
) -> dict[str, float]:
    """The lead (title and two sentences, as the judge reads them: without the words of their
    setting clauses) read into named signals, 1.0 when present. ``tallied`` tells whether the
    article states a running count ("the 19th attack since October"), asked only when that
    matters."""
    found: dict[str, float] = {}

    def mark(name: str, value: float = 1.0) -> None:
        found[name] = value

    for segment in lead:
        at = POSITIONS[segment.index]
        # What speaks for a report counts once, wherever in the lead it is said: a headline
        # alone (a feed's only text) is not weaker for having fewer sentences.
        weapons = [
            h
            for h in segment.of("type")
            if h.tag.value != VIOLENT_OTHER and not _of_other(segment, h)
        ]
        if weapons:
            mark("lead:weapon")
        if any(h.tag.value == VIOLENT_OTHER for h in segment.of("type")):
            mark("lead:violent_act")
        for category in ("type_weak", "incident", "outcome", "killed", "wounded", "claim"):
            if segment.has(category):
                mark(f"lead:{category}")
        happened = _happened(segment)
        if happened:
            mark("lead:happened")
        incidents = [h for h in segment.of("incident") if not _of_other(segment, h)]
        if segment.index == 0 and (weapons or incidents):
            mark("title:attack")
            if happened:
                mark("title:attack_happened")
        if any(segment.has(c) for c in ("weekday", "relday", "part")):
            mark("lead:time")
        if segment.has("no_casualties") or segment.has("no_killed"):
            mark("lead:no_casualties")
        if ground_taken(segment):
            mark("lead:ground_taken")
        # What speaks against it weighs by where it is said: a trial in the headline is the
        # story; from the second sentence on, wire copy gives the background ("nearly 600
        # people have died since October 2019"), which says nothing against the news.
        if segment.index >= BACKGROUND_FROM:
            continue
        relatives = relative_clauses(segment)
        if any(_outside(relatives, hit.start) for hit in segment.of("past")):
            mark(f"{at}:past")
        if segment.has("background") or segment.has("setting"):
            mark(f"{at}:background")
        # "The 19th attack on US interests since October" ranks a new attack: neither its
        # "since" nor its figure sums anything up.
        if (_sums_up(segment, numbers) or _whole_month(segment)) and not tallied():
            mark(f"{at}:aggregate")
        if _counts_many_attacks(segment, numbers) and not tallied():
            mark(f"{at}:many_attacks")
        if _old_date(segment, published, relatives):
            mark(f"{at}:old_date")
        if segment.index == 0 and _names_its_year(segment, published):
            mark("title:aggregate")
        told = _attack_clause_end(segment)
        kinds = {
            TRIAL if h.tag.value == JUDICIARY else h.tag.value
            for h in segment.of("negative")
            if (h.start < told or h.tag.value not in AFTERMATH_KINDS)
            and not (h.tag.value == JUDICIARY and _victim_of_act(segment, h))
        }
        if any(segment.has(c) for c in CASUALTY_CATEGORIES):
            kinds.discard(SPORT)
        for kind in kinds:
            mark(f"{at}:{kind}")
    title = document.title
    # (Read without its background clauses: "quarante jours après sa mort, des milliers
    # rendent hommage" speaks of no violence.)
    headline = lead[0] if lead and lead[0].index == 0 else title
    if title.cased.strip() and not any(headline.has(c) for c in HEADLINE_VIOLENCE):
        mark("title:quiet")
    first = next((segment for segment in lead if segment.index == 1), None)
    if first is not None and not any(first.has(c) for c in HEADLINE_VIOLENCE):
        mark("first:quiet")
    if "?" in title.cased or "؟" in title.cased:
        mark("title:question")
    if "!" in title.cased:
        mark("title:exclamation")
    if _speaker_first(title):
        mark("title:speaker")
    _place_signals(where, mark)
    return found


def _place_signals(where: Whereabouts, mark) -> None:
    if where.abroad_too:
        mark("place:abroad_too")
    place = where.place
    if place is None or place.country != IRAQ:
        mark("place:none")
    elif PLACE_SPECIFICITY[place.kind] == 0 and not where.region:
        mark("place:country")
    elif PLACE_SPECIFICITY[place.kind] <= 1 and not where.by_seat:
        mark("place:area")  # a governorate, or a part of the country ("northern Iraq")
    else:
        mark("place:precise")
    if where.dateline_place is not None and where.dateline_place.country == IRAQ:
        mark("place:iraqi_dateline")


# The direction each signal may push a story, by what it means: a weapon, a casualty word or a
# precise place can only speak for a report; a trial, a count of many attacks or an earlier
# year only against it. The weights are fitted within these signs: on a small set of labels
# they stay meaningful (a clean report is never scored lower for stating its casualties), and
# they carry better to news the labels do not cover. Signals not listed may go either way.
FOR = (
    "weapon", "violent_act", "ground_taken", "type_weak", "incident", "outcome", "killed",
    "wounded", "claim", "happened", "attack", "attack_happened", "time", "no_casualties",
    "precise", "area", "iraqi_dateline",
)  # fmt: skip
AGAINST = (
    "past", "background", "aggregate", "many_attacks", "old_date", "question", "exclamation",
    "speaker", "quiet",
    "none", "abroad_too", *NEGATIVE_KINDS,
)  # fmt: skip
# A headline (or first sentence) about a trial, an anniversary, a reaction, a feature, a
# threat or a match, or dating its news in an earlier year, or counting many attacks or summing
# up a period ("so far this year", "depuis le début de l'année"), is rarely the first report of
# an attack, whatever else it says: such a signal weighs at least this much against a story,
# however few labelled stories show it.
DECISIVE = (
    "trial", "anniversary", "reaction", "feature", "threat", "old_date", "many_attacks", "aggregate",
    "sport",
)  # fmt: skip
DECISIVE_AT_LEAST = {"title": 3.0, "first": 1.0}


def weight_bounds(name: str) -> tuple[float | None, float | None]:
    """The interval a signal's weight must lie in (None: unbounded on that side)."""
    where, _, what = name.rpartition(":")
    if what in DECISIVE and where in DECISIVE_AT_LEAST:
        return (None, -DECISIVE_AT_LEAST[where])
    if what in FOR:
        return (0.0, None)
    if what in AGAINST:
        return (None, 0.0)
    return (None, None)


@dataclass(frozen=True)
class Weighing:
    """The model's reading of one story: probability, and each signal's part in it."""

    score: float
    contributions: dict[str, float]

    def strongest(self, against: bool) -> str | None:
        """The signal that weighed most against (or for) the story."""
        chosen = [(w, n) for n, w in self.contributions.items() if (w < 0) == against and w]
        if not chosen:
            return None
        return (min(chosen) if against else max(chosen))[1]


class Weights:
    """The logistic model over :func:`signals`: ``score = 1 / (1 + exp(-(bias + w·x)))``.

    The bias is set so that the decision threshold is 0.5."""

    def __init__(self, weights: Mapping[str, float], bias: float):
        self.weights = dict(weights)
        self.bias = bias

    @classmethod
    def load(cls) -> Weights:
        path = resources.files("crawler.extract").joinpath("data", WEIGHTS_FILE)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(data["weights"], float(data["bias"]))
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise ConfigError([f"extract data file {WEIGHTS_FILE}: {e}"]) from e

    def weigh(self, found: Mapping[str, float]) -> Weighing:
        contributions = {
            name: self.weights[name] * value
            for name, value in found.items()
            if name in self.weights
        }
        z = self.bias + sum(contributions.values())
        return Weighing(1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z)))), contributions)

    def names(self) -> Iterable[str]:
        return self.weights
