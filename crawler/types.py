"""Frozen value types that cross every boundary of wirewatch.

Feed parsers produce :class:`Entry`; storage hands back :class:`Article`; the extractor returns
:class:`Extraction`; incident matching works on :class:`Incident`. No feedparser dict, Scrapy item
or sqlite row crosses a module boundary. All datetimes are timezone-aware UTC.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

LANGUAGES = ("fr", "en", "ar")
# Iraq's time: the day an event is dated by, and the hour alerts show beside UTC. Iraq has kept
# UTC+3 all year since it dropped daylight saving time in 2008; a fixed offset avoids depending
# on a tz database that some systems lack.
BAGHDAD = timezone(timedelta(hours=3), "Asia/Baghdad")

ATTACK_TYPES = (
    "rocket",
    "mortar",
    "drone",
    "missile",
    "ied",
    "suicide_bombing",
    "shooting",
    "airstrike",
    "clash",
    "kidnapping",
    "other",
)
# Strikes from the air: flown by a state (its striker), and in waves of one night.
AIRSTRIKE = "airstrike"

TARGETS = (
    "us_embassy",
    "us_military",
    "coalition",
    "us_contractor",
    "logistics_convoy",
    "iraqi_security",
    "pmf",
    "civilians",
    "protesters",
    "government",
    "other",
)
# A crowd at a site, not its occupant: whom "security forces fired on" names.
PROTESTERS = "protesters"

# Iraq's governorates by the names the gazetteer and the counters use: the 18 of the federal
# constitution, and Halabja, a governorate of the Kurdistan Region since 2014.
GOVERNORATES = (
    "Baghdad",
    "Basra",
    "Nineveh",
    "Erbil",
    "Kirkuk",
    "Anbar",
    "Salahuddin",
    "Diyala",
    "Babil",
    "Karbala",
    "Najaf",
    "Wasit",
    "Maysan",
    "Dhi Qar",
    "Muthanna",
    "Qadisiyah",
    "Dohuk",
    "Sulaymaniyah",
    "Halabja",
)

# Targets that make an incident an attack on US (or coalition) interests.
US_INTEREST_TARGETS = frozenset(
    {"us_embassy", "us_military", "coalition", "us_contractor", "logistics_convoy"}
)

# The kinds of gazetteer entries, most specific first.
GAZETTEER_KINDS = ("site", "district", "city", "governorate", "country")
# A place told only by its direction from a town ("north of Baghdad", "au sud de Kirkouk"):
# somewhere outside the town on that side, not in it. Built by the extractor, never a gazetteer
# entry: its id is the town's id and the bearing ("city:baghdad~0"), its point the town's.
VICINITY = "vicinity"
VICINITY_MARK = "~"  # between the town's id and the bearing in a vicinity's id
PLACE_KINDS = (*GAZETTEER_KINDS, VICINITY)
# How specific a place of each kind is, when the most specific one is wanted: a site beats a
# district, a district a town; a town's vicinity says more than its governorate, less than it.
PLACE_SPECIFICITY = {
    "country": 0,
    "governorate": 1,
    VICINITY: 2,
    "city": 3,
    "district": 4,
    "site": 5,
}
# The compass words of a vicinity's bearing (degrees clockwise from north), for its name.
COMPASS_WORDS = {
    0: "north", 45: "north-east", 90: "east", 135: "south-east", 180: "south",
    225: "south-west", 270: "west", 315: "north-west",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Entry:
    """One feed item after parsing and normalisation (output of ``crawler.feeds``).

    ``guid`` is the stable id (feed GUID, else canonical link, else a content hash).
    ``published`` is aware UTC; ``date_flag`` says why it is not the feed's own date
    (``"missing"``, ``"unparseable"``, ``"future"``), else None. ``version``, ``pub_status`` and
    ``embargoed`` come from NewsML: the item's version (0 elsewhere), its publishing status
    when not usable (``"withheld"``, ``"canceled"``: a withdrawn story), and the time before
    which it must not be published (no alert before it).
    """

    guid: str
    url: str | None
    title: str
    summary: str
    content: str
    published: datetime
    date_flag: str | None = None
    lang: str | None = None
    author: str | None = None
    source: str | None = None
    dateline: str | None = None
    version: int = 0
    pub_status: str | None = None
    embargoed: datetime | None = None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """What a feed body parsed into: entries plus what went wrong (salvaged, not fatal)."""

    entries: tuple[Entry, ...]
    format: str  # "rss" | "atom" | "jsonfeed" | "newsml" | "unknown"
    title: str | None = None
    lang: str | None = None
    problems: tuple[str, ...] = ()
    parser: str = "feedparser"  # which parser produced the entries ("fast" | "feedparser" | ...)
    # Raw hashes of the items behind ``entries`` plus those of the ``unchanged_items`` left out
    # of them because the caller already knew them (crawler.feeds.parse_feed's known_items);
    # empty when the items cannot be recognised so (not the lxml fast path, repeated ids).
    item_hashes: tuple[str, ...] = ()
    unchanged_items: int = 0
    # WebSub discovery (crawler.push.websub): the hubs the document names and its self URL,
    # absolute.
    hubs: tuple[str, ...] = ()
    self_url: str | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """An article as stored: one row of ``articles``."""

    id: int
    guid: str
    url: str | None
    title: str
    summary: str
    text: str
    lang: str | None
    published: datetime
    first_seen: datetime
    content_hash: str
    feed: str | None = None
    source: str | None = None
    dateline: str | None = None
    duplicate_of: int | None = None
    external_id: str | None = None  # the caller's id (``wirewatch analyze``)
    pub_status: str | None = None  # a wire story withdrawn: "withheld", "canceled"


@dataclass(frozen=True, slots=True)
class Place:
    """A gazetteer entry: the most specific place an article names."""

    id: str  # stable, e.g. "site:us-embassy-baghdad", "city:baghdad", "gov:anbar"
    name: str  # English display name
    kind: str  # one of PLACE_KINDS
    governorate: str | None  # English governorate name, None outside Iraq
    lat: float
    lon: float
    city: str | None = None  # the city a site or district belongs to
    country: str = "IQ"

    def distance_km(self, other: Place) -> float:
        """Great-circle distance in kilometres (haversine; plenty for decisions in tens of km)."""
        earth_radius_km = 6371.0
        lat1, lon1, lat2, lon2 = map(math.radians, (self.lat, self.lon, other.lat, other.lon))
        h = (
            math.sin((lat2 - lat1) / 2) ** 2
            + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
        )
        return 2 * earth_radius_km * math.asin(math.sqrt(h))

    def bearing_to(self, other: Place) -> float:
        """Initial great-circle bearing from this place to ``other``, degrees clockwise from
        north in [0, 360)."""
        lat1, lon1, lat2, lon2 = map(math.radians, (self.lat, self.lon, other.lat, other.lon))
        y = math.sin(lon2 - lon1) * math.cos(lat2)
        x = math.cos(lat1) * math.sin(lat2) - math.sin(lat1) * math.cos(lat2) * math.cos(
            lon2 - lon1
        )
        return math.degrees(math.atan2(y, x)) % 360

    @property
    def bearing(self) -> int | None:
        """A vicinity's bearing from its town (degrees clockwise from north); None otherwise."""
        if self.kind != VICINITY:
            return None
        return int(self.id.rsplit(VICINITY_MARK, 1)[1])

    @property
    def town_id(self) -> str | None:
        """The id of the town a vicinity is told from; None for any other place."""
        if self.kind != VICINITY:
            return None
        return self.id.rsplit(VICINITY_MARK, 1)[0]


def vicinity(town: Place, bearing: int) -> Place:
    """The place "``bearing`` of ``town``" ("north of Baghdad"): outside the town, on that side.
    ``bearing`` is one of :data:`COMPASS_WORDS`."""
    return Place(
        id=f"{town.id}{VICINITY_MARK}{bearing}",
        name=f"{COMPASS_WORDS[bearing]} of {town.name}",
        kind=VICINITY,
        governorate=town.governorate,
        lat=town.lat,
        lon=town.lon,
        country=town.country,
    )


@dataclass(frozen=True, slots=True)
class ReportedTally:
    """A running count stated by the article itself: the rank of its incident ("the 19th attack
    since October 28"), or the size of the series when it was written ("US forces have been
    attacked at least 66 times in Iraq and Syria since Oct. 17", as a round-up says)."""

    n: int
    scope: str  # the words that say what is counted
    since: date | None = None
    us_interest: bool = False  # the scope is attacks on US / coalition interests
    rank: bool = True  # the incident's own rank; False: a count of the series at publication
    at_least: bool = False  # a count stated as a lower bound ("at least 66", "more than 60")
    beyond_iraq: bool = False  # the scope reaches past Iraq ("in Iraq and Syria", "the region")


# Why an article is no report, when nothing about its facts can change that: no act of
# violence, an accident, set abroad or not in Iraq, an event days old, a wire story its agency
# withdrew. Any other reason ("trial",
# "weak_evidence" ...) comes from weighing a story of violence in Iraq: its facts are extracted,
# and it may join an incident that a clearer report opened.
SETTLED_REASONS = frozenset(
    {
        "no_incident_term",
        "no_violence",
        "accident",
        "outside_iraq",
        "not_in_iraq",
        "stale",
        "withdrawn",
    }
)


@dataclass(frozen=True, slots=True)
class Extraction:
    """What the extractor found in one article. ``None`` means "not stated", never zero."""

    relevant: bool
    score: float
    lang: str
    evidence: tuple[str, ...] = ()
    reason: str | None = None  # why not relevant (e.g. "outside_iraq", "no_incident_term")
    event_time: datetime | None = None
    time_precision: str = "unknown"  # "hour" | "day" | "unknown"
    place: Place | None = None
    attack_type: str | None = None
    target: str | None = None
    us_interest: bool = False
    killed: int | None = None
    wounded: int | None = None
    claimed_by: str | None = None
    blamed_on: str | None = None
    reported_tally: ReportedTally | None = None


@dataclass(frozen=True, slots=True)
class Incident:
    """One real-world event, however many articles report it."""

    id: int
    event_time: datetime | None
    time_precision: str
    place_id: str | None
    place_name: str | None
    governorate: str | None
    lat: float | None
    lon: float | None
    attack_type: str | None
    target: str | None
    us_interest: bool
    killed: int | None
    wounded: int | None
    claimed_by: str | None
    blamed_on: str | None
    title: str
    first_seen: datetime
    updated: datetime
    version: int = 1
    languages: tuple[str, ...] = ()
    sources: int = 0
    place_kind: str | None = None  # one of PLACE_KINDS: how specific the place is
    place_city: str | None = None  # the city a site or district belongs to
    withdrawn: datetime | None = None  # when every report of it was withheld or canceled


@dataclass(frozen=True, slots=True)
class CounterTick:
    """An incident's ordinal on a counter, with the tally the articles stated, if any."""

    counter: str
    incident_id: int
    ordinal: int
    assigned_at: datetime
    reported: int | None = None

    @property
    def mismatch(self) -> bool:
        return self.reported is not None and self.reported != self.ordinal


@dataclass(frozen=True, slots=True)
class PollResult:
    """The outcome of polling one feed once (a row of ``polls``)."""

    feed: str
    started: datetime
    duration_s: float
    status: str  # "ok" | "not_modified" | "unchanged" | "error"
    http_status: int | None = None
    bytes: int = 0
    new: int = 0
    updated: int = 0
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Alert:
    """A row of the outbox: one message for one channel about one incident version."""

    id: int
    key: str  # "incident:<id>:<channel>:v<version>" — sent at most once
    channel: str
    kind: str  # "new" | "update" | "digest" | "test"
    incident_id: int | None
    version: int
    state: str  # "pending" | "sent" | "failed"
    attempts: int
    next_attempt: datetime
    created: datetime
    payload: dict = field(default_factory=dict)
    last_error: str | None = None
    sent_at: datetime | None = None
