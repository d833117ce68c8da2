"""Numbers in words and digits, and the casualty figures they give.

Reading: digits (ASCII or Arabic-Indic, "3,000" / "3 000"), cardinal words and their compounds
("vingt et un", "twenty-eight", "ثلاثة وعشرين", "deux cents"), vague quantities read as their
lower bound as listed in the lexicon ("une dizaine" 10, "dozens"/"des dizaines"/"عشرات" 20,
"hundreds" 200), an article before a noun as one ("a soldier was killed", "un policier tué"),
and Arabic singular/dual nouns after a casualty word ("مقتل جندي" 1, "إصابة شخصين" 2).

Casualties: each killed/wounded word takes the number right after it ("killing three",
"مقتل ثلاثة"), else the nearest before it ("three soldiers were killed", "deux morts"), else one
a little after. A number followed by a weapon or an attack word ("three rockets killed two"),
a month ("le 28 octobre") or an ordinal suffix is not a head count. Sentences about earlier
events (a past marker such as "last month") are skipped. The highest figure wins: wires update
tolls upwards. "No casualties" gives 0; no word about people gives None. Wounded with no word
of death gives 0 killed: the report would say if someone had died.
"""

from __future__ import annotations

from dataclasses import dataclass

from crawler.extract.document import Document, Segment, Token
from crawler.extract.vocabulary import Numbers

# How many tokens a number may sit before / after its casualty word.
BEFORE_REACH_TOKENS = 5
AFTER_REACH_TOKENS = 3
# Body sentences read for casualty figures: the facts come first in wire copy, background
# (earlier attacks and their tolls) after.
CASUALTY_SENTENCES = 4
# A four-digit number from here is a year, not a head count.
YEAR_MIN = 1900
ARABIC_CONJUNCTIONS = ("و", "ف")
# Categories whose words, right after a number, show that it counts things, not people
# (unless the word is also a casualty word: "deux morts").
THING_CATEGORIES = frozenset({"type", "type_weak", "incident", "month", "tally_noun"})


@dataclass(frozen=True, slots=True)
class Reading:
    value: int
    end: int  # index of the token after the number
    weak: bool = False  # an article read as "one"


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
    if text[0].isdigit():
        digits = "".join(ch for ch in text if ch.isdigit())
        if not text.isdigit() and not any(sep in text for sep in ",.\u202f"):
            return None  # "19e", "00h30": ordinals and clock times
        return Reading(int(digits), i + 1)
    pair = f"{text} {tokens[i + 1].text}" if i + 1 < len(tokens) else None
    if pair is not None and pair in numbers.vague:
        return Reading(numbers.vague[pair], i + 2)
    if text in numbers.vague:
        return Reading(numbers.vague[text], i + 1)
    total, j = read_number_words(tokens, i, numbers)
    if j > i:
        return Reading(total, j)
    if text in numbers.article:
        return Reading(1, i + 1, weak=True)
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
    segment: Segment, tokens: list[Token], at: int, after_word: int, numbers: Numbers
) -> Reading | None:
    people = {h.start for h in segment.of("killed") + segment.of("wounded")}
    thing_starts = {
        h.start
        for h in segment.hits
        if h.tag.category in THING_CATEGORIES and h.start not in people
    }
    # Right after the word, skipping "at least"-type words: "killing at least seven".
    j = _skip_approximate(tokens, after_word, numbers)
    article_after = None
    if j < len(tokens):
        reading = read_number(tokens, j, numbers)
        if reading and not reading.weak and _is_count(segment, tokens, reading, thing_starts):
            return reading
        person = _arabic_person(tokens[j].text, numbers)
        if person:
            return Reading(person, j + 1)
        if reading and reading.weak:  # "killing a contractor", unless a figure stands before
            article_after = reading
    fallback = None
    for k in range(at - 1, max(-1, at - 1 - BEFORE_REACH_TOKENS), -1):
        reading = _phrase_ending_at(tokens, k, numbers)
        if reading and _is_count(segment, tokens, reading, thing_starts):
            if not reading.weak:
                return reading
            fallback = fallback or reading
    for k in range(after_word, min(len(tokens), after_word + AFTER_REACH_TOKENS)):
        reading = read_number(tokens, k, numbers)
        if reading and not reading.weak and _is_count(segment, tokens, reading, thing_starts):
            return reading
    return fallback or article_after


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


def _skip_approximate(tokens: list[Token], j: int, numbers: Numbers) -> int:
    for phrase in numbers.approximate:
        words = tuple(t.text for t in tokens[j : j + len(phrase)])
        if words == phrase:
            return j + len(phrase)
    return j


def _arabic_person(word: str, numbers: Numbers) -> int | None:
    word = word[2:] if word.startswith("ال") else word
    if word in numbers.person_one:
        return 1
    if word in numbers.person_two:
        return 2
    return None


def _token_index(tokens: list[Token], offset: int) -> int:
    for i, token in enumerate(tokens):
        if token.end > offset:
            return i
    return len(tokens)


def casualties(document: Document, numbers: Numbers) -> tuple[int | None, int | None]:
    """(killed, wounded) for the article; None when it says nothing about people."""
    figures: dict[str, list[int]] = {"killed": [], "wounded": []}
    zero_killed = zero_wounded = mentions_death = False
    for segment in document.segments[: 1 + CASUALTY_SENTENCES]:
        if segment.has("no_casualties"):
            zero_killed = zero_wounded = True
        if segment.has("no_killed"):
            zero_killed = True
        if segment.has("past"):
            continue
        tokens = segment.tokens
        covered = [(h.start, h.end) for h in segment.hits if h.tag.category.startswith("no_")]
        for category in ("killed", "wounded"):
            for hit in segment.of(category):
                if any(s <= hit.start < e for s, e in covered):
                    continue
                mentions_death = mentions_death or category == "killed"
                at = _token_index(tokens, hit.start)
                after = _token_index(tokens, hit.end)
                reading = _number_near(segment, tokens, at, after, numbers)
                if reading is not None:
                    figures[category].append(reading.value)
    wounded = max(figures["wounded"]) if figures["wounded"] else (0 if zero_wounded else None)
    if figures["killed"]:
        killed = max(figures["killed"])
    elif zero_killed or (wounded and not mentions_death):
        # A toll of wounded with no word of death says nobody died ("one soldier was wounded").
        killed = 0
    else:
        killed = None
    return killed, wounded
