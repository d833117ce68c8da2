"""Benchmark of the processing pipeline: a generated wire stream into a SQLite file.

    .venv/bin/python bench/pipeline.py --n 100000

The stream mixes incidents reported by several outlets in several languages, verbatim and edited
wire reprints, and negatives. Articles are stored in polls of POLL_SIZE entries and processed in
chunks of CHUNK articles; the script prints articles/s overall, the processing cost per article
for the first and the last chunk (their ratio must stay <= 1.3: the cost must not grow with the
database) and the peak memory (ru_maxrss).

``--extractor labels`` (the default) answers each article with
the facts it was generated from, so the figures are the pipeline's own cost (dedup, matching,
counters, storage) without extraction; ``--extractor real`` adds the configured extractor.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crawler import dedupe  # noqa: E402
from crawler.config import config_from_dict  # noqa: E402
from crawler.pipeline import process_pending  # noqa: E402
from crawler.storage import Store  # noqa: E402
from crawler.types import US_INTEREST_TARGETS, Entry, Extraction, Place  # noqa: E402

POLL_SIZE = 100  # entries per simulated feed poll (one upsert transaction)
CHUNK = 10_000  # articles per measured processing chunk
START = datetime(2020, 1, 1, tzinfo=timezone.utc)
ARTICLES_PER_DAY = 300  # a busy desk: keeps the candidate window realistic

PLACES = [
    Place("site:us-embassy-baghdad", "US embassy", "site", "Baghdad", 33.298, 44.395, "Baghdad"),
    Place("site:green-zone", "Green Zone", "site", "Baghdad", 33.303, 44.392, "Baghdad"),
    Place("site:balad-air-base", "Balad air base", "site", "Salahuddin", 33.94, 44.36, "Balad"),
    Place("site:ain-al-asad", "Ain al-Asad air base", "site", "Anbar", 33.8, 42.44),
    Place("city:basra", "Basra", "city", "Basra", 30.5, 47.8),
    Place("city:mosul", "Mosul", "city", "Nineveh", 36.34, 43.13),
    Place("city:kirkuk", "Kirkuk", "city", "Kirkuk", 35.47, 44.39),
    Place("city:erbil", "Erbil", "city", "Erbil", 36.19, 44.01),
    Place("city:ramadi", "Ramadi", "city", "Anbar", 33.42, 43.3),
    Place("city:diwaniyah", "Diwaniyah", "city", "Qadisiyah", 31.99, 44.93),
]
KINDS = ["rocket", "mortar", "drone", "ied", "shooting"]
TARGETS = ["us_embassy", "us_military", "logistics_convoy", "iraqi_security", "civilians"]
WIRE_COPIES = ("afp", "outlet-a", "outlet-b")  # outlets that reprint the wire headline
VOCABULARY = (
    "security source said attack struck early near base convoy militia rockets fired police"
    " officials killed wounded district explosion residents reported army statement forces"
    " group claimed responsibility sirens airport road checkpoint patrol ministry spokesman"
    " night morning evening province capital compound damage vehicles witnesses hospital"
).split()


class LabelExtractor:
    """Answers with the facts an article was generated from (keyed by text, forgotten once used)."""

    def __init__(self) -> None:
        self.labels: dict[str, Extraction] = {}

    def extract(self, title, text, published, lang=None, dateline=None) -> Extraction:
        return self.labels.pop(text, Extraction(relevant=False, score=0.1, lang=lang or "en"))


def words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(VOCABULARY) for _ in range(n))


def generate(n: int, seed: int = 7):
    """(Entry, feed, Extraction | None) in publication order: ~8 articles per incident."""
    rng = random.Random(seed)
    made = 0
    while made < n:
        published = START + timedelta(days=made / ARTICLES_PER_DAY)
        if rng.random() < 0.3:  # a negative: shares the vocabulary, reports nothing
            text = words(rng, 400)
            yield _entry(made, "negative", published, text, "en", text[:60]), "wire-en", None
            made += 1
            continue
        place, kind, target = rng.choice(PLACES), rng.choice(KINDS), rng.choice(TARGETS)
        extraction = Extraction(
            relevant=True,
            score=0.9,
            lang="en",
            event_time=published - timedelta(minutes=rng.randint(5, 90)),
            time_precision="hour",
            place=place,
            attack_type=kind,
            target=target,
            us_interest=target in US_INTEREST_TARGETS,
            killed=rng.choice([None, 0, 1, 2]),
        )
        wire = f"{place.name} {kind} {words(rng, 450)}"
        headline = f"{place.name}: {kind} attack {made}"
        versions = [
            ("afp", wire, "en"),
            ("outlet-a", wire.upper(), "en"),  # verbatim reprint
            ("outlet-b", wire.replace("said", "stated", 3) + " ends", "en"),  # edited reprint
            ("afp-fr", f"{place.name} {words(rng, 300)}", "fr"),
            ("aljazeera", f"{place.name} {words(rng, 250)}", "ar"),
            ("reuters", f"{place.name} {kind} {words(rng, 350)}", "en"),
            ("afp", f"{wire} update {words(rng, 40)}", "en"),  # the dispatch, updated
            ("rudaw", f"{place.name} {words(rng, 200)}", "en"),
        ]
        for step, (feed, text, lang) in enumerate(versions):
            if made >= n:
                return
            when = published + timedelta(minutes=20 * step)
            title = headline if feed in WIRE_COPIES else f"{place.name}: {kind} {made}"
            yield _entry(made, feed, when, text, lang, title), feed, extraction
            made += 1


def _entry(i: int, feed: str, published: datetime, text: str, lang: str, title: str) -> Entry:
    return Entry(
        guid=f"{feed}:{i}", url=f"https://{feed}.example.test/{i}", title=title,
        summary="", content=text, published=published, lang=lang, source=feed,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="articles to generate")
    parser.add_argument("--extractor", choices=("labels", "real"), default="labels")
    parser.add_argument("--db", type=Path, default=None, help="keep the database here")
    args = parser.parse_args()
    config = config_from_dict(
        {"counters": [{"name": "us", "since": "2019-10-28", "filter": {"us_interest": True}}]}
    )
    extractor, kind = _extractor(args.extractor, config)
    with tempfile.TemporaryDirectory() as scratch:
        db_path = args.db or Path(scratch) / "bench.db"
        with Store(db_path) as store:
            chunk_costs = run(store, generate(args.n), extractor, config)
            counts = store.table_counts()
            duplicates = store.query(
                "SELECT count(*) AS n FROM articles WHERE duplicate_of IS NOT NULL"
            )[0]["n"]
    total_s = sum(store_s + process_s for store_s, process_s, _ in chunk_costs)
    done = sum(n for _, _, n in chunk_costs)
    first = chunk_costs[0][1] / chunk_costs[0][2] * 1000
    last = chunk_costs[-1][1] / chunk_costs[-1][2] * 1000
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"articles:            {done} (extractor: {kind})")
    print(f"incidents:           {counts['incidents']}, duplicates linked: {duplicates}")
    print(f"overall:             {done / total_s:,.0f} articles/s (store + process)")
    print(f"process cost:        first {CHUNK}: {first:.3f} ms/article, last: {last:.3f}")
    print(f"growth ratio:        {last / first:.2f} (target <= 1.3)")
    print(f"peak memory:         {peak_mb:.0f} MB (ru_maxrss)")


def run(store: Store, stream, extractor, config) -> list[tuple[float, float, int]]:
    """Store and process the stream chunk by chunk: [(store_s, process_s, articles)]."""
    costs = []
    now = START
    while True:
        batch = []
        for entry, feed, extraction in stream:
            batch.append((entry, feed))
            if extraction is not None and isinstance(extractor, LabelExtractor):
                extractor.labels[entry.content] = extraction
            if len(batch) == CHUNK:
                break
        if not batch:
            return costs
        started = time.perf_counter()
        for i in range(0, len(batch), POLL_SIZE):
            for feed in {f for _, f in batch[i : i + POLL_SIZE]}:
                entries = [e for e, f in batch[i : i + POLL_SIZE] if f == feed]
                store.upsert_entries(feed, entries, entries[0].published, _fingerprint)
        stored = time.perf_counter()
        now = batch[-1][0].published
        summary = process_pending(store, extractor, config, now)
        costs.append((stored - started, time.perf_counter() - stored, summary["processed"]))
        print(
            f"  chunk {len(costs)}: {summary['processed']} articles,"
            f" {costs[-1][1] / summary['processed'] * 1000:.3f} ms/article",
            flush=True,
        )


def _fingerprint(entry: Entry) -> str:
    return dedupe.fingerprint(entry.title, entry.content)


def _extractor(choice: str, config):
    if choice == "labels":
        return LabelExtractor(), "labels"
    from crawler.daemon import make_extractor

    return make_extractor(config), "real"


if __name__ == "__main__":
    main()
