"""When did the incident happen? Resolves the time words of the lead against the publication time.

Rules (the decisions, in one place):

* Days are Baghdad days (UTC+3, no daylight saving since 2007): "dimanche", "on Saturday",
  "الأحد" mean the most recent such day not after the publication's Baghdad date; "hier",
  "yesterday", "أمس" the day before, unless a weekday follows it ("أمس الأحد": the writer's
  yesterday, named); a date ("15 février", "March 3") its most recent occurrence.
* A clock time ("vers 00H30 GMT", "à 22h00 heure locale", "10:30 pm") gives precision "hour";
  it is Baghdad time unless GMT/UTC is said. Without a day word it is the latest such moment not
  after publication.
* A part of the day alone ("at night") counts only when no later sentence of the lead names a
  day or a clock.
* A day the lead names is put to the hour by a clock a later sentence of the lead gives without
  naming another day or an earlier event ("jeudi matin ... L'explosion, survenue vers 07H30
  (03H30 GMT)"): two bombings of one city that day are told apart by their hours.
* A part of the day without a clock gives a representative Baghdad hour and precision "day":
  early/"tôt" 04:00 (after midnight, so the UTC date is the same), dawn 05:00, morning 09:00,
  noon 12:00, afternoon 15:00, evening 19:00, night/late 22:00. "Overnight" / "la nuit
  dernière" with no day named is the evening before the publication day (22:00), the date the
  night is known by. A day alone is 12:00. The night between two days named ("dans la nuit
  de vendredi à samedi", "ليل الجمعة السبت") is the midnight between them.
* No time word at all: the publication time with precision "unknown" — wires report incidents
  within hours, so the publication day is the best estimate, but the text did not say it.
* Never later than publication: a result after it is capped to the publication time.
* A date after "since"/"depuis"/"منذ" is the start of a tally, not the event; skipped. So are
  the day words of a clause about an earlier event ("three days after the Wednesday attack")
  and the day a speaker spoke ("an official said Monday", AP's style for a night attack) or a
  toll rose ("the death toll rose to 115 on Saturday").
* A day named after a source and before the event's words ("أعلنت قيادة الشرطة، الجمعة، عن
  ...") is when the source spoke: the event's own day in a later sentence of the lead wins;
  with none, that day dates the event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from crawler.extract.document import Document, Segment
from crawler.extract.lexicon import Hit
from crawler.types import BAGHDAD

PART_OF_DAY_HOUR = {
    "early": 4,
    "dawn": 5,
    "morning": 9,
    "noon": 12,
    "afternoon": 15,
    "evening": 19,
    "night": 22,
    "overnight": 22,
}
DAY_ONLY_HOUR = 12
NIGHT_PARTS = frozenset({"night", "overnight"})
# How far (characters) a time-zone word may follow a clock time and still qualify it.
TZ_REACH_CHARS = 30
# How far (characters) before a date "since" must be to make it a tally start.
SINCE_REACH_CHARS = 12
MAX_DAY_OF_MONTH = 31
# How far (characters) a day word may follow a speech verb to date the statement ("said on").
STATEMENT_REACH_CHARS = 4
# How far (characters) a day word may follow a toll's rise ("rose to 115 on") to date the rise.
TOLL_RISE_REACH_CHARS = 24
# How far (characters) a day word may follow a source ("أعلنت قيادة شرطة كركوك، الجمعة،") to
# date what it says rather than the event, and the words that tell the event.
SPEAKER_REACH_CHARS = 50
EVENT_WORDS = frozenset({"event", "incident", "outcome", "type", "type_weak", "killed", "wounded"})
# How far (characters) a weekday may follow "yesterday" to name it ("أمس الأحد").
APPOSITION_REACH_CHARS = 3
# What makes a sentence's clock another moment than the day the lead named: another day, a
# date, an earlier event, a tally's start.
OTHER_DAY_CATEGORIES = ("weekday", "relday", "month", "background", "past", "since")

_CLOCK = re.compile(
    r"(?<![\d:.,])(?P<h>[01]?\d|2[0-3])\s*(?:[h:]\s*(?P<m>[0-5]\d)|h\b|(?=\s*(?:am|pm|a\.m|p\.m)))"
    r"\s*(?P<ampm>am|pm|a\.m\.?|p\.m\.?)?"
    r"|(?<![\d:])(?P<hhmm>(?:[01]\d|2[0-3])[0-5]\d)(?=\s*(?:gmt|utc|\)?\s*gmt))"
    r"|(?:الساعه|ساعه)\s*(?P<ar>\d{1,2})(?:[:.,](?P<arm>\d{2}))?"
)
_EVENING_WORDS = ("du soir", "de l'apres midi", "in the evening", "at night", "مساء", "ليلا")


@dataclass(frozen=True, slots=True)
class EventTime:
    when: datetime
    precision: str  # "hour" | "day" | "unknown" (no time word: the publication time)
    explicit_day: bool  # the text named the day (used for the recency check)


def _since_before(segment: Segment, start: int) -> bool:
    return any(0 <= start - h.end <= SINCE_REACH_CHARS for h in segment.of("since"))


def _named_next(segment: Segment, relday: Hit) -> bool:
    """ "أمس الأحد", "yesterday Sunday": the weekday right after names the day the relative word
    points at, as the writer counted it (a paper dated the next day); the name decides."""
    return any(
        0 <= h.start - relday.end <= APPOSITION_REACH_CHARS
        and not segment.folded[relday.end : h.start].strip(" ,(")
        for h in segment.of("weekday")
    )


def _of_statement(segment: Segment, start: int) -> bool:
    """The day word dates who spoke, not the event: "an official said Monday", "said on
    Monday" (AP's style, the day after a night attack)."""
    return any(
        0 <= start - h.end <= STATEMENT_REACH_CHARS
        and segment.folded[h.end : start].strip() in ("", "on")
        for h in segment.of("source_after")
    )


def _of_toll_rise(segment: Segment, start: int) -> bool:
    """The day word dates a toll's rise, not the event: "the death toll rose to 115 on
    Saturday" of Friday's bombing, "le bilan est passé à 95 morts jeudi". The new figure stands
    between the two ("troops reached the town on Sunday" dates the advance)."""
    return any(
        0 <= start - h.end <= TOLL_RISE_REACH_CHARS
        and any(ch.isdigit() for ch in segment.folded[h.end : start])
        and not any(h.end <= other.start < start for other in segment.of("event"))
        for h in segment.of("toll_rise")
    )


def _after_speaker(segment: Segment, start: int) -> bool:
    """The day word follows who speaks, before any word of the event ("أعلنت قيادة الشرطة،
    الجمعة، عن تعرض منزل ...", "أفادت مصادر أمنية أمس بمقتل ..."): it dates the statement, and
    the event may be older ("... ألقوا مساء أمس قنبلة")."""
    return any(
        0 <= start - source.end <= SPEAKER_REACH_CHARS
        and not any(
            source.end <= hit.start < start and hit.tag.category in EVENT_WORDS
            for hit in segment.hits
        )
        for source in segment.of("source_before")
    )


def _of_earlier_event(segment: Segment, start: int) -> bool:
    """The day word is in a clause about an earlier event ("three days after the Wednesday
    attack"): it dates that event, not this one."""
    return any(
        h.end <= start and segment.one_clause(h.end, start) for h in segment.of("background")
    )


def day_number_near(segment: Segment, month: Hit) -> int | None:
    before = re.search(
        r"(\d{1,2})(?:er|st|nd|rd|th)?\s*$", segment.folded[max(0, month.start - 8) : month.start]
    )
    after = re.match(
        r"\.?\s*(\d{1,2})(?!\d)(?:st|nd|rd|th)?", segment.folded[month.end : month.end + 7]
    )
    for found in (before, after):
        if found and 1 <= int(found.group(1)) <= MAX_DAY_OF_MONTH:
            return int(found.group(1))
    return None


def _explicit_date(segment: Segment, published_local: date) -> date | None:
    for month_hit in segment.of("month"):
        if _since_before(segment, month_hit.start) or _of_earlier_event(segment, month_hit.start):
            continue
        day = day_number_near(segment, month_hit)
        if day is None:
            continue
        month = int(month_hit.tag.value)
        for year in (published_local.year, published_local.year - 1):
            try:
                candidate = date(year, month, day)
            except ValueError:
                continue
            if candidate <= published_local:
                return candidate
    return None


def _clock(segment: Segment) -> tuple[time, bool] | None:
    """First clock time of a segment and whether it is GMT; a GMT one is preferred."""
    found: list[tuple[time, bool]] = []
    matches = list(_CLOCK.finditer(segment.folded))
    for m, following in zip(matches, [*matches[1:], None], strict=False):
        if m.group("hhmm"):
            hour, minute = int(m.group("hhmm")[:2]), int(m.group("hhmm")[2:])
        elif m.group("ar"):
            hour, minute = int(m.group("ar")), int(m.group("arm") or 0)
        else:
            hour, minute = int(m.group("h")), int(m.group("m") or 0)
        if hour > 23:
            continue
        ampm = (m.group("ampm") or "").replace(".", "")
        tail = segment.folded[m.end() : m.end() + TZ_REACH_CHARS]
        if (ampm == "pm" or any(w in tail[:16] for w in _EVENING_WORDS)) and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        # "vers 07H30 (03H30 GMT)": the zone qualifies the clock right before it only.
        gmt = any(
            h.tag.category == "tz"
            and h.tag.value == "gmt"
            and 0 <= h.start - m.end() <= TZ_REACH_CHARS
            and (following is None or following.start() > h.start)
            for h in segment.hits
        )
        found.append((time(hour, minute), gmt))
    gmt_times = [f for f in found if f[1]]
    return (gmt_times or found or [None])[0]


def _segment_time(segment: Segment, published: datetime) -> EventTime | None:
    pub_local = published.astimezone(BAGHDAD)
    today = pub_local.date()
    days = [_explicit_date(segment, today)]
    spoken: list[date] = []  # the days a speaker spoke on, named before the event's words
    for hit in segment.hits:
        if (
            _since_before(segment, hit.start)
            or _of_earlier_event(segment, hit.start)
            or _of_statement(segment, hit.start)
            or _of_toll_rise(segment, hit.start)
        ):
            continue
        if hit.tag.category == "weekday":
            found = today - timedelta(days=(today.weekday() - int(hit.tag.value)) % 7)
        elif hit.tag.category == "relday" and not _named_next(segment, hit):
            found = today + timedelta(days=int(hit.tag.value))
        else:
            continue
        (spoken if _after_speaker(segment, hit.start) else days).append(found)
    # Two days in one sentence: the older is the event ("summoned on Sunday over strikes late
    # last week"); the newer is when it was reported.
    day = min((d for d in days if d is not None), default=None)
    parts = [h.tag.value for h in segment.of("part") if not _of_earlier_event(segment, h.start)]
    clock = _clock(segment)
    if day is None and not parts and clock is None and not spoken:
        return None
    explicit_day = day is not None
    if day is None and spoken:
        # The event was that day or before it. Without a part of the day or a clock, it names
        # no day of the event, so that a later sentence that does wins.
        day = min(spoken)
        explicit_day = bool(parts) or clock is not None
    if clock is not None:
        clock_time, gmt = clock
        base = day or today
        zone = UTC if gmt else BAGHDAD
        when = datetime.combine(base, clock_time, zone)
        if not explicit_day and when > published:
            when -= timedelta(days=1)
        return EventTime(min(when, published).astimezone(UTC), "hour", explicit_day)
    if day is None:
        day = today - timedelta(days=1) if "overnight" in parts else today
    hour = PART_OF_DAY_HOUR[parts[0]] if parts else DAY_ONLY_HOUR
    if parts and parts[0] in NIGHT_PARTS and day + timedelta(days=1) in days:
        day, hour = day + timedelta(days=1), 0  # the night of Friday to Saturday: its midnight
    when = datetime.combine(day, time(hour), BAGHDAD)
    return EventTime(min(when, published).astimezone(UTC), "day", explicit_day)


def event_time(document: Document, published: datetime) -> EventTime:
    """The incident's time from the lead: first sentence, title, then the next sentences. A
    part of the day with no day and no clock ("after a night in which ...", an abstract's
    words) yields to a day a later sentence of the lead names ("on Friday evening")."""
    lead = document.lead(3)
    order = list(lead[1:2]) + [lead[0]] + list(lead[2:])
    vague = None
    for index, segment in enumerate(order):
        found = _segment_time(segment, published)
        if found is None:
            continue
        if found.precision == "hour":
            return found
        if found.explicit_day:
            return _to_the_hour(found, order[index + 1 :], published)
        vague = vague or found
    return vague or EventTime(published.astimezone(UTC), "unknown", False)


def _to_the_hour(found: EventTime, later: list[Segment], published: datetime) -> EventTime:
    """The day found, at the first clock a later sentence of the lead gives, when that sentence
    names no day and no earlier event (its clock is then the event's)."""
    for segment in later:
        clock = _clock(segment)
        if clock is None:
            continue
        if any(segment.has(category) for category in OTHER_DAY_CATEGORIES):
            return found
        clock_time, gmt = clock
        day = found.when.astimezone(BAGHDAD).date()
        when = datetime.combine(day, clock_time, UTC if gmt else BAGHDAD)
        return EventTime(when.astimezone(UTC), "hour", True) if when <= published else found
    return found
