"""Hand-built places, extractions and a scripted extractor for the pipeline and analyze tests.

The scripted extractor answers from a table keyed by article title, so these tests pin the
pipeline's decisions (dedup, merging, counters, alerts) independently of extraction quality.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from crawler.config import Config, config_from_dict
from crawler.ingest import entry_fingerprint
from crawler.storage import Store
from crawler.types import Entry, Extraction, Place, ReportedTally

EMBASSY = Place(
    "site:us-embassy-baghdad", "US embassy", "site", "Baghdad", 33.298, 44.395, city="Baghdad"
)
GREEN_ZONE = Place(
    "site:green-zone", "Green Zone", "site", "Baghdad", 33.303, 44.392, city="Baghdad"
)
BAGHDAD = Place("city:baghdad", "Baghdad", "city", "Baghdad", 33.315, 44.366)
BAGHDAD_PROVINCE = Place("gov:baghdad", "Baghdad province", "governorate", "Baghdad", 33.33, 44.4)
BALAD_BASE = Place(
    "site:balad-air-base", "Balad air base", "site", "Salahuddin", 33.94, 44.36, city="Balad"
)
AIN_AL_ASAD = Place("site:ain-al-asad", "Ain al-Asad air base", "site", "Anbar", 33.8, 42.44)

CONFIG = {
    "counters": [
        {
            "name": "us-interests-iraq",
            "description": "Attacks on US interests in Iraq since 2019-10-28",
            "since": "2019-10-28",
            "start": 18,
            "filter": {"us_interest": True},
        }
    ],
    "alerts": {"channels": [{"name": "console", "type": "console"}]},
}


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


def make_config(**overrides: object) -> Config:
    return config_from_dict({**CONFIG, **overrides})


def attack(
    place: Place | None = EMBASSY,
    when: datetime | None = None,
    *,
    precision: str = "hour",
    kind: str | None = "rocket",
    target: str | None = "us_embassy",
    lang: str = "en",
    killed: int | None = None,
    wounded: int | None = None,
    claimed_by: str | None = None,
    tally: int | None = None,
) -> Extraction:
    """A relevant extraction of an attack (defaults: rockets on the US embassy)."""
    from crawler.types import US_INTEREST_TARGETS

    return Extraction(
        relevant=True,
        score=0.9,
        lang=lang,
        event_time=when,
        time_precision=precision if when else "unknown",
        place=place,
        attack_type=kind,
        target=target,
        us_interest=target in US_INTEREST_TARGETS,
        killed=killed,
        wounded=wounded,
        claimed_by=claimed_by,
        reported_tally=ReportedTally(tally, "attacks on US interests", date(2019, 10, 28), True)
        if tally
        else None,
    )


NOT_RELEVANT = Extraction(relevant=False, score=0.1, lang="en", reason="no_incident_term")


class ScriptedExtractor:
    """Answers ``extract`` from a title -> Extraction table; a title mapped to an exception
    raises it. Unknown titles are not relevant."""

    def __init__(self, table: dict[str, Extraction | Exception] | None = None):
        self.table = dict(table or {})

    def extract(self, title, text, published, lang=None, dateline=None) -> Extraction:
        answer = self.table.get(title, NOT_RELEVANT)
        if isinstance(answer, Exception):
            raise answer
        return answer


def add_article(
    store: Store,
    title: str,
    published: datetime,
    *,
    text: str | None = None,
    feed: str = "wire",
    url: str | None = None,
    source: str | None = None,
    lang: str = "en",
) -> int:
    """Store one article as the fetcher would; returns its id."""
    guid = url or f"urn:{feed}:{title}"
    entry = Entry(
        guid=guid,
        url=url,
        title=title,
        summary="",
        content=text if text is not None else f"{title}. A report written for the tests.",
        published=published,
        lang=lang,
        source=source or feed,
    )
    store.upsert_entries(feed, [entry], published, entry_fingerprint)
    article_id = store.article_id(feed, guid)
    assert article_id is not None
    return article_id
