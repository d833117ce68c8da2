"""Numbers in words and digits, and the casualty figures they give.

Reading: digits (ASCII or Arabic-Indic, "3,000" / "3 000"), cardinal words and their compounds
("vingt et un", "twenty-eight", "ثلاثة وعشرين", "deux cents"), vague quantities read as their
lower bound as listed in the lexicon ("une dizaine" 10, "dozens"/"des dizaines"/"عشرات" 20,
"hundreds" 200), an article before a noun as one ("a soldier was killed", "un policier tué"),
Arabic singular/dual nouns after a casualty word ("مقتل جندي" 1, "إصابة شخصين" 2, "إصابة سائقه"
1) and a dual casualty word itself ("سقوط قتيلين" 2).

Casualties: each killed/wounded word takes the number right after it ("killing three",
"مقتل ثلاثة"), else the nearest before it ("three soldiers were killed", "deux morts"), else one
a little after (not across "and": "a protester was killed and dozens wounded"). Victim groups of
one statement add up ("two soldiers and three civilians were killed" 5, "tué avec deux de ses
gardes" 3). A number followed by a weapon or an attack word ("three rockets killed two"), a
month ("le 28 octobre") or an ordinal suffix is not a head count. The highest figure wins: wires
update tolls upwards, also when the figure stands far from its word ("the death toll from ...
rose to seven").

Which words speak of this event: those of the title, the first sentences and any sentence
updating the toll ("the toll rose to", "le bilan est passé à", "ارتفعت حصيلة"), before the first
marker of another time or of a sum of events ("a day after", "last month", "since", "depuis",
"منذ", "in total", "au total", a past year; after the lead also a month other than the
publication's, "In January, ..."), and not governed by such a marker later in their clause
("protests in which 600 people have been killed since October", "... killed two in a similar
attack last month"; in the lead only sums and years govern backwards). A sentence after the lead
that names a place away from the event's before its first casualty word ("In Kirkuk, two
policemen were killed") is about another event; the caller says what is away.

None means "not stated", never zero by default: a figure is 0 only when the article says so.
"No casualties", "sans faire de victimes", "لم يسفر عن إصابات" give 0 and 0; "no one was
killed" gives 0 killed and leaves the wounded unstated; nobody hurt ("aucun militaire n'a été
blessé", "no one was injured") gives 0 wounded and 0 killed unless a death is reported, since
the dead were hurt too. "No immediate reports of casualties" says nothing is known yet: None.
People without a figure ("several US personnel were wounded") leave the toll unstated.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from crawler.extract.document import Document, Segment, Token
from crawler.extract.lexicon import Hit
from crawler.extract.vocabulary import Numbers

# How many tokens a number may sit before / after its casualty word ("trois combattants du
# Hachd al-Chaabi ont été tués": eight before).
BEFORE_REACH_TOKENS = 8
AFTER_REACH_TOKENS = 3
# How many tokens before its casualty word "several" / "plusieurs" may stand.
UNKNOWN_REACH_TOKENS = 3
# Words between a group's figure and the joiner to the next group ("three coalition soldiers
# and", "قيادي بارز في كتائب حزب الله واثنان"), or between the casualty word and "with" ("tué
# mercredi soir avec deux ...").
GROUP_GAP_TOKENS = 6
# A figure this close before a casualty word is that word's own toll ("cinq blessés").
OWNER_REACH_TOKENS = 2
ARABIC_AND = "و"
# Possessive endings of an Arabic noun of a person ("سائقه", his driver; "حارسها", her guard).
ARABIC_POSSESSIVES = ("ها", "ه")
# Body sentences read for casualty figures: the facts come first in wire copy, background
# (earlier attacks and their tolls) after.
CASUALTY_SENTENCES = 4
# Body sentences read like the title, whatever markers they carry further on: wire copy states
# the event and its toll in the first sentence.
LEAD_TOLL_SENTENCES = 1
# Categories of words after which a sentence speaks of other times or of several events.
OTHER_TIME_CATEGORIES = ("past", "background", "aggregate")
# Markers that also govern the casualty words before them in their clause: in the lead, a sum
# of events or a past year; later, any marker.
LEAD_GOVERNING = frozenset({"aggregate", "year"})
LATER_GOVERNING = frozenset(OTHER_TIME_CATEGORIES) | {"year"}
TOLL_CATEGORIES = ("killed", "wounded", "no_casualties", "no_killed", "casualties")
# Words before a month name that make it a date ("in January", "fin décembre", "مطلع كانون").
MONTH_LEADS = frozenset(
    {"in", "since", "en", "fin", "debut", "mi", "depuis", "في", "مطلع", "اواخر", "منتصف", "اوائل"}
)
# Punctuation that ends the clause a marker of a sum governs (folded text keeps it; the Arabic
# comma folds to ",").
CLAUSE_BREAKS = frozenset(",;:()")
# An ordinal before "since" makes it a running tally ("the 19th attack since October"), which
# says nothing about the toll.
_ORDINAL_DIGITS = re.compile(r"\b\d{1,3}(?:e|eme|ieme|er|th|st|nd|rd)\b|ال\d{1,3}\b")
# A four-digit number from here is a year, not a head count.
YEAR_MIN = 1900
_YEAR = re.compile(r"(?<![\w.,])\d{4}(?![\w.,]\d|\w)")
ARABIC_CONJUNCTIONS = ("و", "ف")
# Categories whose words, right after a number, show that it counts things, not people
# (unless the word is also a casualty word: "deux morts").
THING_CATEGORIES = frozenset({"type", "type_weak", "incident", "outcome", "month", "tally_noun"})


@dataclass(frozen=True, slots=True)
class Reading:
    value: int
    end: int  # index of the token after the number
    weak: bool = False  # an article read as "one"
    start: int = 0  # index of the number's first token
    vague: bool = False  # "dozens", "des dizaines": a lower bound, not a count


def _word(token: str) -> str:
    """An Arabic number word without its conjunction and article ("والعشرين" -> "عشرين")."""
    if token.isascii():
        return token
    if len(token) > 2 and token[0] in ARABIC_CONJUNCTIONS:
        token = token[1:]
    return token[2:] if token.startswith("ال") and len(token) > 4 else token


def read_number(tokens: list[Token], i: int, numbers: Numbers) -> Reading | None:
    """The number starting at token ``i``, if any."""
    text = tokens[i].text
    if len(text) > 1 and text[0] in ARABIC_CONJUNCTIONS and text[1].isdigit():
        text = text[1:]  # "و12 جريحا": the conjunction written onto the digits
    if text[0].isdigit():
        digits = "".join(ch for ch in text if ch.isdigit())
        if not text.isdigit() and not any(sep in text for sep in ",.\u202f"):
            return None  # "19e", "00h30": ordinals and clock times
        return Reading(int(digits), i + 1, start=i)
    pair = f"{text} {tokens[i + 1].text}" if i + 1 < len(tokens) else None
    if pair is not None and pair in numbers.vague:
        return Reading(numbers.vague[pair], i + 2, start=i, vague=True)
    if text in numbers.vague:
        return Reading(numbers.vague[text], i + 1, start=i, vague=True)
    total, j = read_number_words(tokens, i, numbers)
    if j > i:
        # "un", "une" alone are as much an article as a figure ("un policier a été tué")
        return Reading(total, j, weak=j == i + 1 and text in numbers.article, start=i)
    if text in numbers.article:
        return Reading(1, i + 1, weak=True, start=i)
    return None


def read_number_words(tokens: list[Token], i: int, numbers: Numbers) -> tuple[int, int]:
    total = current = 0
    j = i
    while j < len(tokens):
        word = tokens[j].text
        pair = f"{word} {tokens[j + 1].text}" if j + 1 < len(tokens) else None
        if pair in numbers.cardinal:
            value, step = numbers.cardinal[pair], 2
        elif word in numbers.cardinal or _word(word) in numbers.cardinal:
            value, step = numbers.cardinal.get(word, numbers.cardinal.get(_word(word), 0)), 1
        elif j > i and word in numbers.joiner and j + 1 < len(tokens):
            j += 1
            continue
        else:
            break
        if word in numbers.multiplier:
            current = max(current, 1) * value
            if value >= 1000:
                total, current = total + current, 0
        else:
            current += value
        j += step
    if tokens[j - 1].text in numbers.joiner if j > i else False:
        j -= 1
    return total + current, j


def _is_count(
    segment: Segment, tokens: list[Token], reading: Reading, thing_starts: set[int]
) -> bool:
    if reading.value >= YEAR_MIN:
        return False
    return reading.end >= len(tokens) or tokens[reading.end].start not in thing_starts


def _number_near(
    segment: Segment,
    tokens: list[Token],
    at: int,
    after_word: int,
    numbers: Numbers,
    word_starts: set[int],
) -> Reading | None:
    thing_starts = _thing_starts(segment)
    # Right after the word, skipping "at least"-type words: "killing at least seven".
    j = _skip_approximate(tokens, after_word, numbers)
    article_after = None
    if j < len(tokens):
        reading = read_number(tokens, j, numbers)
        if _conjoined(tokens[j].text, numbers):
            reading = None  # "قتيلاً وستين جريحاً": the figure after "and" is the next word's
        elif reading and not reading.weak and _is_count(segment, tokens, reading, thing_starts):
            return reading
        person = _arabic_person(tokens[j].text, numbers)
        if person:  # a singular noun is one person, like "a soldier"; a dual is two
            return Reading(person, j + 1, weak=person == 1, start=j)
        if reading and reading.weak:  # "killing a contractor", unless a figure stands before
            article_after = reading
    fallback = None
    for k in range(at - 1, max(-1, at - 1 - BEFORE_REACH_TOKENS), -1):
        if k in word_starts:
            break  # figures before another casualty word are that word's
        reading = _phrase_ending_at(tokens, k, numbers)
        if reading and _owned_by_word_before(tokens, reading.start, word_starts, numbers):
            continue  # "... en blessant 73 autres, selon un bilan": the other word's figure
        if reading and _is_count(segment, tokens, reading, thing_starts):
            if not reading.weak:
                return reading
            fallback = fallback or reading
    for k in range(after_word, min(len(tokens), after_word + AFTER_REACH_TOKENS)):
        if _joiner_at(tokens, k, numbers) or k in word_starts:
            break  # "a protester was killed and dozens wounded", "لقي متظاهر مصرعه وأصيب
            # أربعة": the figure after the next casualty word is that word's
        reading = read_number(tokens, k, numbers)
        if reading and not reading.weak and _is_count(segment, tokens, reading, thing_starts):
            return reading
    return fallback or article_after


def _owned_by_word_before(
    tokens: list[Token], start: int, word_starts: set[int], numbers: Numbers
) -> bool:
    """The number right after a casualty word ("blessant 73", "killing at least 30"), not
    joined to it by "and" ("قتيلاً وستين جريحاً": sixty are the wounded)."""
    if _conjoined(tokens[start].text, numbers):
        return False
    for phrase in ((),) + numbers.approximate:
        size = len(phrase)
        if start - size - 1 < 0:
            continue
        if tuple(t.text for t in tokens[start - size : start]) == phrase:
            if start - size - 1 in word_starts:
                return True
    return False


def _phrase_ending_at(tokens: list[Token], k: int, numbers: Numbers) -> Reading | None:
    """The whole number phrase that covers token ``k`` ("cinquante et un", not just "un")."""
    reading = read_number(tokens, k, numbers)
    if reading is None:
        return None
    while k > 0:
        # One step back, or two over a joiner ("cinquante et un", "twenty and one").
        back = 2 if k > 1 and tokens[k - 1].text in numbers.joiner else 1
        longer = read_number(tokens, k - back, numbers)
        if longer is None or longer.weak or longer.end < reading.end:
            break
        reading, k = longer, k - back
    return reading


def _conjoined(word: str, numbers: Numbers) -> bool:
    """An Arabic number carrying the conjunction "و" ("وستين"), not a word that starts with
    its letter ("واحد")."""
    return word.startswith(ARABIC_AND) and not word.isascii() and word not in numbers.cardinal


def _toll_updates(
    segment: Segment, tokens: list[Token], numbers: Numbers, other_from: int
) -> dict[str, list[tuple[int, Reading]]]:
    """ "The death toll ... rose to seven": the figure after the rise verb, for the casualty
    word nearest before it."""
    updates: dict[str, list[tuple[int, Reading]]] = {"killed": [], "wounded": []}
    words = sorted(segment.of("killed") + segment.of("wounded"), key=lambda h: h.start)
    for rise in segment.of("toll_rise"):
        owner = [h for h in words if h.end <= rise.start]
        if not owner or rise.start >= other_from:
            continue
        j = _skip_approximate(tokens, _token_index(tokens, rise.end), numbers)
        reading = read_number(tokens, j, numbers) if j < len(tokens) else None
        if reading and not reading.weak and reading.value < YEAR_MIN:
            updates[owner[-1].tag.category].append((rise.start, reading))
    return updates


def _skip_approximate(tokens: list[Token], j: int, numbers: Numbers) -> int:
    for phrase in numbers.approximate:
        words = tuple(t.text for t in tokens[j : j + len(phrase)])
        if words == phrase:
            return j + len(phrase)
    return j


def _arabic_person(word: str, numbers: Numbers) -> int | None:
    """1 for a singular noun of a person ("جندي", "سائقه": his driver), 2 for a dual."""
    word = word[2:] if word.startswith("ال") else word
    for form in (word, *(word[: -len(s)] for s in ARABIC_POSSESSIVES if word.endswith(s))):
        if form in numbers.person_one:
            return 1
        if form in numbers.person_two:
            return 2
    return None


def _counted_word(tokens: list[Token], at: int, numbers: Numbers) -> Reading | None:
    """A casualty word that is itself a dual ("سقوط قتيلين": two): its count, with no figure."""
    person = _arabic_person(tokens[at].text, numbers) if at < len(tokens) else None
    return Reading(person, at + 1, start=at) if person == 2 else None


def count_before(segment: Segment, hit: Hit, numbers: Numbers) -> int | None:
    """The figure right before a word, over "more than"-type words ("more than 40 attacks",
    "أكثر من 70 هجوماً"); None when there is none or it is a year or an article."""
    tokens = segment.tokens
    at = _token_index(tokens, hit.start)
    if at == 0:
        return None
    reading = _phrase_ending_at(tokens, at - 1, numbers)
    if reading is None or reading.weak or reading.value >= YEAR_MIN:
        return None
    return reading.value


def number_after(segment: Segment, hit: Hit, numbers: Numbers) -> Reading | None:
    """The number right after a word ("claims three attacks"), if any."""
    tokens = segment.tokens
    at = _token_index(tokens, hit.end)
    return read_number(tokens, at, numbers) if at < len(tokens) else None


def times_after_act(segment: Segment, token: Token, numbers: Numbers) -> bool:
    """``token`` is "times" ("fois", "مرة") after an act of attack: the figure before it counts
    attacks ("attacked at least 66 times", "visées plus de 60 fois")."""
    return token.text in numbers.tally_times and any(
        hit.start < token.start for hit in segment.of("tally_noun") + segment.of("incident")
    )


def _token_index(tokens: list[Token], offset: int) -> int:
    for i, token in enumerate(tokens):
        if token.end > offset:
            return i
    return len(tokens)


def casualties(
    document: Document,
    numbers: Numbers,
    elsewhere: Callable[[Segment, int], bool],
    published: date,
) -> tuple[int | None, int | None]:
    """(killed, wounded) for the article's event; None when the article does not state it.

    ``elsewhere(segment, until)`` says whether a sentence names a place away from the event's
    before offset ``until``; a year before that of ``published``, and after the lead a month
    other than its, mark words about the past."""
    figures: dict[str, list[Reading]] = {"killed": [], "wounded": []}
    unknown = {"killed": False, "wounded": False}
    zero = {"killed": False, "wounded": False}
    for segment in _toll_sentences(document, elsewhere):
        scope = _EventScope.of(segment, published, numbers)
        covered = [(h.start, h.end) for h in segment.hits if h.tag.category.startswith("no_")]
        # "no casualties were immediately reported": nothing is known yet, not zero; nor are the
        # victims a toll not yet known counts ("لم تتوفر على الفور حصيلة دقيقة للضحايا")
        not_known = [(h.start, h.end) for h in segment.of("no_toll")]
        toll_unknown = [(h.start, segment.clause_end(h.end)) for h in segment.of("no_toll")]
        if any(scope.holds(h) and not _inside(h, not_known) for h in segment.of("no_casualties")):
            zero["killed"] = zero["wounded"] = True
        if any(scope.holds(h) and not _inside(h, not_known) for h in segment.of("no_killed")):
            zero["killed"] = True
        if any(
            scope.holds(h)
            and segment.negated(h)
            and not _inside(h, covered)
            and not _inside(h, toll_unknown)
            for h in segment.of("casualties")
        ):
            zero["killed"] = zero["wounded"] = True  # "دون تسجيل أي خسائر بشرية"
        if not (segment.has("killed") or segment.has("wounded")):
            continue
        tokens = segment.tokens
        word_starts = {
            _token_index(tokens, h.start) for h in segment.of("killed") + segment.of("wounded")
        }
        things = _thing_starts(segment)
        updates = _toll_updates(segment, tokens, numbers, scope.until)
        for category in ("killed", "wounded"):
            other = "wounded" if category == "killed" else "killed"
            marks = _Marks(
                word_starts, {_token_index(tokens, h.start) for h in segment.of(other)}, things
            )
            found: list[tuple[int, Reading]] = list(updates[category])
            for hit in segment.of(category):
                if _inside(hit, covered) or not scope.holds(hit):
                    continue  # "..., a day after an attack killed two": an earlier event
                if segment.negated(hit):  # "aucun militaire n'a été blessé", "لم يصب"
                    zero[category] = True
                    if category == "wounded":
                        zero["killed"] = True  # nobody hurt: nobody killed, unless a toll says so
                    continue
                at = _token_index(tokens, hit.start)
                after = _token_index(tokens, hit.end)
                if after < len(tokens) and tokens[after].start < hit.end:
                    after += 1  # a stem ends inside its word ("قتل*" in "قتلت")
                if _unknown_after(tokens, after, numbers):
                    unknown[category] = True
                    continue
                reading = _number_near(segment, tokens, at, after, numbers, word_starts)
                if (reading is None or reading.weak) and _unknown_before(tokens, at, numbers):
                    unknown[category] = True
                    continue
                if reading is None:
                    reading = _one_victim(tokens, after, numbers) or _counted_word(
                        tokens, at, numbers
                    )
                if reading is not None:
                    total = _group_total(tokens, reading, at, after, numbers, marks)
                    found.append((hit.start, replace(reading, value=total)))
            figures[category] += _statement_figures(segment, found)
    return (
        _toll(figures["killed"], unknown["killed"], zero["killed"]),
        _toll(figures["wounded"], unknown["wounded"], zero["wounded"]),
    )


def _toll_sentences(document: Document, elsewhere: Callable[[Segment, int], bool]) -> list[Segment]:
    """The title and the lead; then the next sentences and any toll update ("the toll rose
    to") that name no place away from the event's before their first casualty word ("In
    Kirkuk, two policemen were killed"; "... taken to hospital in Dohuk" is still this event)."""
    chosen = list(document.segments[: 1 + LEAD_TOLL_SENTENCES])
    for segment in document.body()[LEAD_TOLL_SENTENCES:]:
        if segment.index > CASUALTY_SENTENCES and not segment.has("toll_rise"):
            continue
        words = [h.start for c in TOLL_CATEGORIES for h in segment.of(c)]
        if words and not elsewhere(segment, min(words)):
            chosen.append(segment)
    return chosen


@dataclass(frozen=True, slots=True)
class _EventScope:
    """What of one sentence speaks of this event: the words before its first marker of another
    time or of a sum of events ("last month", "a day after", "since", "au total", a past year),
    unless a marker later in their clause governs them ("more than 600 people have been killed
    since October", "two soldiers were killed in a similar attack last month")."""

    segment: Segment
    markers: tuple[tuple[int, str], ...]  # (start, category); a past year is "year"
    until: int  # offset of the first marker
    governing: frozenset[str]  # categories of markers that govern words before them
    ordinals: dict[str, int]  # ordinal words: "the 19th attack since October" is a tally

    @classmethod
    def of(cls, segment: Segment, published: date, numbers: Numbers) -> _EventScope:
        markers = [
            (h.start, category)
            for category in OTHER_TIME_CATEGORIES
            for h in segment.of(category)
            if not (category == "aggregate" and _launch_word(segment, h))
        ]
        markers += [
            (m.start(), "year")
            for m in _YEAR.finditer(segment.folded)
            if YEAR_MIN <= int(m.group()) < published.year
        ]
        lead = segment.index <= LEAD_TOLL_SENTENCES
        if not lead:  # "In January, twin bombings killed 32": the lead dates the event itself
            markers += [(h.start, "past") for h in _other_months(segment, published.month)]
        until = min((start for start, _ in markers), default=len(segment.folded))
        # In the lead only a sum of events or a past year governs the words before it: a past
        # tense further on ("..., adding that the bomb had been hidden") does not.
        governing = LEAD_GOVERNING if lead else LATER_GOVERNING
        return cls(segment, tuple(markers), until, governing, numbers.ordinal)

    def holds(self, hit: Hit) -> bool:
        return hit.start < self.until and not self._governed_later(hit)

    def _governed_later(self, hit: Hit) -> bool:
        for start, category in self.markers:
            if start < hit.end or category not in self.governing:
                continue
            between = self.segment.folded[hit.end : start]
            if any(ch in CLAUSE_BREAKS for ch in between):
                continue
            if _ORDINAL_DIGITS.search(between) or any(
                _word(w) in self.ordinals for w in between.split()
            ):
                continue  # "killed two in the 19th attack since October": a running tally
            return True
        return False


def _other_months(segment: Segment, month: int) -> list[Hit]:
    """Names of a month other than ``month`` used as dates ("in January", "le 3 janvier",
    "January 5", "في كانون الثاني"), not the modal "may"."""
    found = []
    tokens = segment.tokens
    for hit in segment.of("month"):
        if hit.tag.value == str(month):
            continue
        at = _token_index(tokens, hit.start)
        after = _token_index(tokens, hit.end)
        before_word = tokens[at - 1].text if at > 0 else ""
        after_word = tokens[after].text if after < len(tokens) else ""
        if before_word in MONTH_LEADS or before_word.isdigit() or after_word.isdigit():
            found.append(hit)
    return found


def _launch_word(segment: Segment, hit: Hit) -> bool:
    """ "depuis" in "tirées depuis Dora" names where rockets came from, not a span of time."""
    return any(r.start <= hit.start and hit.end <= r.end for r in segment.of("place_ref"))


def _inside(hit: Hit, spans: list[tuple[int, int]]) -> bool:
    return any(start <= hit.start < end for start, end in spans)


def _statement_figures(segment: Segment, found: list[tuple[int, Reading]]) -> list[Reading]:
    """One figure per statement of the sentence: the groups on either side of "while" /
    "فيما" add up ("a soldier was killed, while three militants died": 4)."""
    if len(found) < 2:
        return [reading for _, reading in found]
    cuts = [h.start for h in segment.of("contrast")]
    parts: list[list[Reading]] = [[] for _ in range(len(cuts) + 1)]
    for start, reading in found:
        parts[sum(1 for cut in cuts if cut < start)].append(reading)
    best = [max(part, key=lambda r: r.value) for part in parts if part]
    if len(best) == 1:
        return best
    return [replace(best[0], value=sum(r.value for r in best), weak=False, vague=False)]


def _toll(found: list[Reading], unknown: bool, zero: bool) -> int | None:
    """The toll of one category: the highest count (a precise count beats a vague "dozens",
    an unstated number beats an article), else 0 when the article says there was none, else
    unstated."""
    precise = [r for r in found if not r.vague] or found
    if precise and not (unknown and all(r.weak for r in precise)):
        return max(r.value for r in precise)
    if unknown:
        return None
    return 0 if zero else None


def _one_victim(tokens: list[Token], after: int, numbers: Numbers) -> Reading | None:
    """A singular casualty verb with no figure ("the activist was shot dead"): one, weakly."""
    for phrase in numbers.one_victim:
        size = len(phrase)
        if after >= size and tuple(t.text for t in tokens[after - size : after]) == phrase:
            return Reading(1, after, weak=True, start=after - size)
    return None


def _thing_starts(segment: Segment) -> set[int]:
    people = {h.start for h in segment.of("killed") + segment.of("wounded")}
    return {
        h.start
        for h in segment.hits
        if h.tag.category in THING_CATEGORIES and h.start not in people
    }


def _unknown_after(tokens: list[Token], after: int, numbers: Numbers) -> bool:
    """People without a figure right after the casualty word ("blessant un certain nombre")."""
    return any(
        tuple(t.text for t in tokens[after : after + len(phrase)]) == phrase
        for phrase in numbers.unknown
    )


def _unknown_before(tokens: list[Token], at: int, numbers: Numbers) -> bool:
    """... or a few words before it ("several US personnel were wounded")."""
    for phrase in numbers.unknown:
        size = len(phrase)
        for k in range(max(0, at - UNKNOWN_REACH_TOKENS - size + 1), at):
            if tuple(t.text for t in tokens[k : k + size]) == phrase:
                return True
    return False


@dataclass(frozen=True, slots=True)
class _Marks:
    """Where a sentence's casualty words stand (token indices) while one toll is summed:
    ``words`` all of them, ``owners`` those of the other toll (a figure right before one is
    that toll's: "قتيلا و60 جريحا"; one of the same toll is not: "أصيب جندي ومدنيان بجروح" is
    three wounded), and ``things`` the starts of words that count things, not people."""

    words: set[int]
    owners: set[int]
    things: set[int]


def _group_total(
    tokens: list[Token],
    reading: Reading,
    at: int,
    after: int,
    numbers: Numbers,
    marks: _Marks,
) -> int:
    """The reading plus the victim groups joined to it in one statement: "two soldiers and a
    civilian were killed" (3), "killing three soldiers and two civilians" (5), "tué avec deux
    de ses gardes" (3). A group whose figure is followed by the other casualty word ("et cinq
    blessés") is not added."""
    total = reading.value
    start, end = reading.start, reading.end
    while (joined := _joined_before(tokens, start, numbers, marks)) is not None:
        total, start = total + joined.value, joined.start
    while (joined := _joined_after(tokens, end, numbers, marks)) is not None:
        total, end = total + joined.value, joined.end
    if reading.end <= at:  # the figure stood before the word: "... killed with two guards"
        end = after
        while (joined := _joined_after(tokens, end, numbers, marks)) is not None:
            if joined.weak:
                break  # "un chauffeur a été blessé et un camion endommagé": not a head count
            total, end = total + joined.value, joined.end
    return total


def _joiner_at(tokens: list[Token], k: int, numbers: Numbers) -> int:
    """Number of tokens of the group joiner starting at ``k`` (0: none)."""
    for phrase in numbers.group_joiner:
        if tuple(t.text for t in tokens[k : k + len(phrase)]) == phrase:
            return len(phrase)
    return 0


def _group_figure(tokens: list[Token], k: int, numbers: Numbers, marks: _Marks) -> Reading | None:
    """A head count at token ``k`` that is not another casualty word's figure."""
    k = _skip_approximate(tokens, k, numbers)
    if k >= len(tokens):
        return None
    reading = read_number(tokens, k, numbers)
    if reading is None:
        person = _arabic_person(tokens[k].text, numbers)
        reading = Reading(person, k + 1, start=k) if person else None
    if reading is None or reading.value >= YEAR_MIN:
        return None
    if reading.end < len(tokens) and tokens[reading.end].start in marks.things:
        return None
    if _owned_next(tokens, reading.end, numbers, marks):
        return None  # "... et cinq blessés": that figure is the wounded toll
    return reading


def _owned_next(tokens: list[Token], k: int, numbers: Numbers, marks: _Marks) -> bool:
    """The other casualty word follows within :data:`OWNER_REACH_TOKENS`, not counting the
    verbs between ("and 18 others were wounded", "et 18 autres ont été blessés")."""
    reach = OWNER_REACH_TOKENS
    while k < len(tokens) and reach:
        if k in marks.owners:
            return True
        reach -= tokens[k].text not in numbers.auxiliary
        k += 1
    return False


def _joined_after(tokens: list[Token], j: int, numbers: Numbers, marks: _Marks) -> Reading | None:
    for k in range(j, min(len(tokens), j + GROUP_GAP_TOKENS + 1)):
        if k in marks.words:
            return None
        size = _joiner_at(tokens, k, numbers)
        if size:
            return _group_figure(tokens, k + size, numbers, marks)
        # "ومدني", "وثلاثة": the conjunction is a prefix
        if _arabic_joined(tokens[k].text, numbers):
            figure = _group_figure(tokens, k, numbers, marks)
            if figure is None:
                figure = _arabic_person_joined(tokens, k, numbers, marks)
            if figure is None and k + 1 < len(tokens):  # "ومتعاقدين اثنين": noun, then figure
                figure = _group_figure(tokens, k + 1, numbers, marks)
            if figure is not None:
                return figure
        reading = read_number(tokens, k, numbers)
        if reading is not None and not reading.weak:
            return None  # another figure without a joiner: another statement
    return None


def _joined_before(tokens: list[Token], i: int, numbers: Numbers, marks: _Marks) -> Reading | None:
    joiner_start = None
    for phrase in numbers.group_joiner:
        size = len(phrase)
        if i >= size and tuple(t.text for t in tokens[i - size : i]) == phrase:
            joiner_start = i - size
    if joiner_start is None and i < len(tokens) and _arabic_joined(tokens[i].text, numbers):
        joiner_start = i
    if joiner_start is None:
        return None
    for k in range(joiner_start - 1, max(-1, joiner_start - 1 - GROUP_GAP_TOKENS), -1):
        if k in marks.words:
            return None
        reading = _phrase_ending_at(tokens, k, numbers)
        if reading is not None and reading.end <= joiner_start:
            start = reading.start
            figure = _group_figure(tokens, start, numbers, marks)
            return figure if figure is not None and figure.end == reading.end else None
    return None


def _arabic_joined(word: str, numbers: Numbers) -> bool:
    """A word carrying the conjunction "و" ("ومدني", "وثلاثة"), not one that starts with its
    letter ("واحد": "مدني واحد" is one civilian)."""
    return len(word) > 2 and word[0] == ARABIC_AND and _conjoined(word, numbers)


def _arabic_person_joined(
    tokens: list[Token], k: int, numbers: Numbers, marks: _Marks
) -> Reading | None:
    person = _arabic_person(tokens[k].text[1:], numbers)
    if person and not _owned_next(tokens, k + 1, numbers, marks):
        return Reading(person, k + 1, start=k)
    return None
