"""Benchmark of the whole processing pipeline: a generated wire stream into a SQLite file.

    .venv/bin/python bench/pipeline.py --n 100000
    .venv/bin/python bench/pipeline.py --corpus ../shared/corpus/ar-saudinewsnet-2015.jsonl

The stream is written to be read by the real extractor (``crawler.daemon.make_extractor``): each
day has a handful to a few dozen incidents (a busy day in Iraq), at places of the extractor's
own gazetteer, each reported by several outlets in English, French and Arabic over the
following hours (a wire dispatch, a verbatim reprint, an edited reprint, other-language and
other-outlet versions, an update with a higher toll), mixed with negatives (news that names
Iraqi places and reports no incident). Articles are stored in polls of POLL_SIZE entries and
processed in chunks of CHUNK articles. The script prints, per article: the extraction cost, the
processing cost (dedup + merge + counters + store, extraction excluded), the overall rate
(store + extract + process), the growth of the processing cost between the first and the last
chunk (must stay <= 1.3: the cost must not grow with the database), and the peak memory. Times
are wall-clock and CPU time of this process: on a shared machine the CPU figures are the
pipeline's own cost on one core, the wall-clock ones add the neighbours' load.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crawler.config import config_from_dict  # noqa: E402
from crawler.daemon import make_extractor  # noqa: E402
from crawler.extract.vocabulary import load_places  # noqa: E402
from crawler.ingest import entry_fingerprint  # noqa: E402
from crawler.pipeline import process_pending  # noqa: E402
from crawler.storage import Store  # noqa: E402
from crawler.types import Entry, Extraction  # noqa: E402

# Wire copy opens with its dateline: it sets the stories in Iraq, as the extractor requires of
# a story that names no place it knows only in Iraq (Hit, Badra, the Green Zone ...).
DATELINES = {"en": "BAGHDAD (AFP) - ", "fr": "BAGDAD (AFP) - ", "ar": "بغداد (أ ف ب) - "}
POLL_SIZE = 100  # entries per simulated feed poll (one upsert transaction)
CHUNK = 10_000  # articles per measured processing chunk
START = datetime(2020, 1, 1, tzinfo=timezone.utc)
# A quiet day in Iraq has a few incidents, a busy one a few dozen.
INCIDENTS_PER_DAY = (3, 36)
NEGATIVE_SHARE = 0.3  # of all articles: news naming Iraqi places without an incident
FILLER_WORDS = (60, 160)  # background paragraph of a dispatch, in words

# What an incident is, told in each language: {place} is the place's alias in that language.
EVENTS = {
    "rocket": {
        "en": "Several rockets struck near {place} {day}, a security source said.",
        "fr": "Plusieurs roquettes se sont abattues {day} près de {place}, selon une source de"
        " sécurité.",
        "ar": "سقطت عدة صواريخ {day} قرب {place}، بحسب مصدر أمني.",
    },
    "mortar": {
        "en": "Mortar rounds fell near {place} {day}, police said.",
        "fr": "Des obus de mortier sont tombés {day} près de {place}, a indiqué la police.",
        "ar": "سقطت قذائف هاون {day} قرب {place}، بحسب الشرطة.",
    },
    "drone": {
        "en": "An explosive-laden drone attacked {place} {day}, officials said.",
        "fr": "Un drone piégé a attaqué {place} {day}, selon des responsables.",
        "ar": "هاجمت طائرة مسيرة مفخخة {place} {day}، بحسب مسؤولين.",
    },
    "ied": {
        "en": "A roadside bomb exploded as a convoy passed near {place} {day}, officials said.",
        "fr": "Une bombe artisanale a explosé {day} au passage d'un convoi près de {place}.",
        "ar": "انفجرت عبوة ناسفة {day} لدى مرور رتل قرب {place}.",
    },
    "shooting": {
        "en": "Gunmen opened fire on a checkpoint near {place} {day}, police said.",
        "fr": "Des hommes armés ont ouvert le feu sur un barrage près de {place} {day}.",
        "ar": "فتح مسلحون النار على نقطة تفتيش قرب {place} {day}.",
    },
}
TOLLS = {
    "en": ("No casualties were reported.", "{n} people were killed.", "{n} people were wounded."),
    "fr": ("Aucune victime n'a été signalée.", "{n} personnes ont été tuées.",
           "{n} personnes ont été blessées."),
    "ar": ("لم تسجل اصابات.", "قتل {n} اشخاص.", "اصيب {n} اشخاص بجروح."),
}  # fmt: skip
NEWS = {  # negatives: a place is named, nothing happened
    "en": "A trade fair opened in {place} {day}, the chamber of commerce said.",
    "fr": "Une foire commerciale s'est ouverte {day} à {place}, selon la chambre de commerce.",
    "ar": "افتتح معرض تجاري {day} في {place}، بحسب غرفة التجارة.",
}
DAYS = {
    "en": ("on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "on Saturday",
           "on Sunday"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "ar": ("الاثنين", "الثلاثاء", "الاربعاء", "الخميس", "الجمعة", "السبت", "الاحد"),
}  # fmt: skip
FILLER = {  # neutral words for the background paragraph of a dispatch
    "en": "river season weather road bridge school water week museum university festival morning"
    " traffic family children music library stadium garden spring rain heat dust bus train park"
    " street square",
    "fr": "fleuve saison météo route pont école eau semaine musée université festival matin"
    " circulation famille enfants musique bibliothèque stade jardin printemps pluie chaleur"
    " poussière bus train parc rue place",
    "ar": "النهر الموسم الطقس الطريق الجسر المدرسة المياه الاسبوع المتحف الجامعة المهرجان الصباح"
    " المرور العائلة الاطفال الموسيقى المكتبة الملعب الحديقة الربيع المطر الحرارة الغبار الحافلة"
    " القطار المتنزه الشارع الساحة",
}
# Who reports an incident, in which language, how long after the event (minutes), and how:
# "wire" is the dispatch, "copy" a verbatim reprint of it, "edit" a reprint with a changed
# word, "update" the dispatch with a higher toll, "own" an outlet's own text.
OUTLETS = (
    ("wire-en", "en", 20, "wire"),
    ("outlet-a", "en", 35, "copy"),
    ("outlet-b", "en", 50, "edit"),
    ("wire-fr", "fr", 30, "own"),
    ("wire-ar", "ar", 45, "own"),
    ("outlet-c", "en", 90, "own"),
    ("wire-en", "en", 180, "update"),
    ("outlet-d", "ar", 240, "own"),
)


@dataclass(frozen=True, slots=True)
class Scene:
    """A place of the extractor's gazetteer with an alias in each language."""

    id: str
    names: dict[str, str]


def scenes() -> list[Scene]:
    """Iraqi cities and sites with a name in all three languages and no context guard."""
    return [
        Scene(p["id"], {lang: p[lang][0] for lang in ("en", "fr", "ar")})
        for p in load_places()
        if p.get("country", "IQ") == "IQ"
        and p["kind"] in ("city", "site")
        and not p.get("guard")
        and all(p.get(lang) for lang in ("en", "fr", "ar"))
    ]


def generate(n: int, seed: int = 7) -> Iterator[Entry]:
    """n entries in publication order, one generated day at a time."""
    rng = random.Random(seed)
    places = scenes()
    made, day = 0, 0
    while made < n:
        for entry in sorted(_day(rng, places, day), key=lambda e: e.published):
            if made == n:
                return
            yield _numbered(entry, made)
            made += 1
        day += 1


def _day(rng: random.Random, places: list[Scene], day: int) -> list[Entry]:
    midnight = START + timedelta(days=day)
    entries = []
    for _ in range(rng.randint(*INCIDENTS_PER_DAY)):
        event = midnight + timedelta(minutes=rng.randint(0, 20 * 60))
        entries.extend(_reports(rng, rng.choice(places), rng.choice(list(EVENTS)), event))
    negatives = round(len(entries) * NEGATIVE_SHARE / (1 - NEGATIVE_SHARE))
    for _ in range(negatives):
        published = midnight + timedelta(minutes=rng.randint(0, 24 * 60 - 1))
        lang = rng.choice(("en", "fr", "ar"))
        text = _sentence(NEWS[lang], rng.choice(places), lang, published) + _filler(rng, lang)
        entries.append(_entry(f"news-{lang}", lang, published, text.split(".")[0], text))
    return entries


def _reports(rng: random.Random, place: Scene, kind: str, event: datetime) -> list[Entry]:
    killed = rng.choice((0, 0, 1, 2, 3))
    texts = {lang: _sentence(EVENTS[kind][lang], place, lang, event) for lang in ("en", "fr", "ar")}
    wire = texts["en"] + " " + _toll("en", killed) + _filler(rng, "en")
    reports = []
    for feed, lang, delay_min, how in OUTLETS[: rng.randint(4, len(OUTLETS))]:
        text = {
            "wire": wire,
            "copy": wire,
            "edit": wire.replace(" said", " stated", 1),
            "update": wire.replace(_toll("en", killed), _toll("en", killed + 2)),
        }.get(how) or texts[lang] + " " + _toll(lang, killed) + _filler(rng, lang)
        title = text.split(".")[0] if how != "own" else text.split("،")[0].split(",")[0]
        published = event + timedelta(minutes=delay_min + rng.randint(0, 15))
        reports.append(_entry(feed, lang, published, title, text))
    return reports


def _sentence(template: str, place: Scene, lang: str, when: datetime) -> str:
    return template.format(place=place.names[lang], day=DAYS[lang][when.weekday()])


def _toll(lang: str, killed: int) -> str:
    return TOLLS[lang][0] if killed == 0 else TOLLS[lang][1].format(n=killed)


def _filler(rng: random.Random, lang: str) -> str:
    vocabulary = FILLER[lang].split()
    return " " + " ".join(rng.choice(vocabulary) for _ in range(rng.randint(*FILLER_WORDS)))


def _entry(feed: str, lang: str, published: datetime, title: str, text: str) -> Entry:
    return Entry(
        guid="", url=None, title=title, summary="", content=DATELINES[lang] + text,
        published=published, lang=lang, source=feed,
    )  # fmt: skip


def _numbered(entry: Entry, i: int) -> Entry:
    url = f"https://{entry.source}.example.test/{i}"
    return Entry(
        guid=f"{entry.source}:{i}", url=url, title=entry.title, summary="",
        content=entry.content, published=entry.published, lang=entry.lang, source=entry.source,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Spent:
    """Seconds of wall-clock time and of this process's CPU time. The machine is shared: CPU
    time is what the pipeline costs on one core, wall time includes the neighbours' load and
    the file system."""

    wall: float = 0.0
    cpu: float = 0.0

    @staticmethod
    def now() -> Spent:
        return Spent(time.perf_counter(), time.process_time())

    def __add__(self, other: Spent) -> Spent:
        return Spent(self.wall + other.wall, self.cpu + other.cpu)

    def __sub__(self, other: Spent) -> Spent:
        return Spent(self.wall - other.wall, self.cpu - other.cpu)


class TimedExtractor:
    """The real extractor, with the time spent in it added up."""

    def __init__(self, extractor) -> None:
        self.extractor = extractor
        self.spent = Spent()

    def extract(self, title, text, published, lang=None, dateline=None) -> Extraction:
        started = Spent.now()
        try:
            return self.extractor.extract(title, text, published, lang=lang, dateline=dateline)
        finally:
            self.spent += Spent.now() - started


@dataclass(frozen=True, slots=True)
class ChunkCost:
    articles: int
    store: Spent
    extract: Spent
    process: Spent  # extraction excluded

    def ms(self, spent: Spent) -> str:
        """Milliseconds per article, wall and CPU."""
        wall, cpu = (seconds / self.articles * 1000 for seconds in (spent.wall, spent.cpu))
        return f"{wall:.3f} ms/article (cpu {cpu:.3f})"


def run(
    store: Store, stream: Iterator[Entry], extractor: TimedExtractor, config
) -> list[ChunkCost]:
    """Store and process the stream chunk by chunk."""
    costs = []
    while True:
        batch = [entry for _, entry in zip(range(CHUNK), stream, strict=False)]
        if not batch:
            return costs
        started = Spent.now()
        for i in range(0, len(batch), POLL_SIZE):
            poll = batch[i : i + POLL_SIZE]
            for feed in sorted({e.source for e in poll}):
                entries = [e for e in poll if e.source == feed]
                store.upsert_entries(feed, entries, entries[-1].published, entry_fingerprint)
        stored = Spent.now()
        extract_before = extractor.spent
        summary = process_pending(store, extractor, config, batch[-1].published)
        extract = extractor.spent - extract_before
        process = Spent.now() - stored - extract
        cost = ChunkCost(summary["processed"], stored - started, extract, process)
        costs.append(cost)
        print(
            f"  chunk {len(costs)}: {cost.articles} articles, relevant {summary['relevant']},"
            f" extract {cost.ms(extract)}, process {cost.ms(process)}",
            flush=True,
        )


def corpus(paths: list[Path], n: int) -> Iterator[Entry]:
    """Real articles (JSON lines of the development corpus, see bench/realflow.py) as polled
    entries, in file order, at most ``n``; each feed is the outlet."""
    yielded = 0
    for path in paths:
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                item = json.loads(line)
                if not (item.get("title") or item.get("text")) or not item.get("published"):
                    continue
                published = datetime.fromisoformat(item["published"])
                if published.tzinfo is None:
                    published = published.replace(tzinfo=timezone.utc)
                yield Entry(
                    guid=item["id"], url=item.get("url"), title=item.get("title") or "",
                    summary="", content=item.get("text") or "", published=published,
                    lang=item.get("lang"), source=item.get("source") or path.stem,
                )  # fmt: skip
                yielded += 1
                if yielded >= n:
                    return


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="articles to generate")
    parser.add_argument("--db", type=Path, default=None, help="keep the database here")
    parser.add_argument(
        "--corpus",
        type=Path,
        nargs="+",
        help="real articles instead (corpus JSON lines, e.g. full-length Arabic: "
        "../shared/corpus/ar-saudinewsnet-2015.jsonl)",
    )
    args = parser.parse_args()
    config = config_from_dict(
        {"counters": [{"name": "us", "since": "2019-10-28", "filter": {"us_interest": True}}]}
    )
    extractor = TimedExtractor(make_extractor(config))
    with tempfile.TemporaryDirectory() as scratch:
        with Store(args.db or Path(scratch) / "bench.db") as store:
            stream = corpus(args.corpus, args.n) if args.corpus else generate(args.n)
            costs = run(store, stream, extractor, config)
            counts = store.table_counts()
            duplicates = store.query(
                "SELECT count(*) AS n FROM articles WHERE duplicate_of IS NOT NULL"
            )[0]["n"]
    report(costs, counts, duplicates)


def report(costs: list[ChunkCost], counts: dict[str, int], duplicates: int) -> None:
    done = sum(c.articles for c in costs)
    total = ChunkCost(
        done,
        sum((c.store for c in costs), Spent()),
        sum((c.extract for c in costs), Spent()),
        sum((c.process for c in costs), Spent()),
    )
    spent = total.store + total.extract + total.process
    first, last = costs[0], costs[-1]
    growth = Spent(
        (last.process.wall / last.articles) / (first.process.wall / first.articles),
        (last.process.cpu / last.articles) / (first.process.cpu / first.articles),
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"articles:            {done}")
    print(f"incidents:           {counts['incidents']}, duplicates linked: {duplicates}")
    print(f"store:               {total.ms(total.store)}")
    print(f"extraction:          {total.ms(total.extract)}")
    print(f"processing:          {total.ms(total.process)} (dedup, merge, counters, store)")
    print(
        f"overall:             {done / spent.wall:,.0f} articles/s"
        f" (cpu {done / spent.cpu:,.0f}; target >= 500)"
    )
    print(
        f"processing growth:   first {first.articles}: {first.ms(first.process)},"
        f" last {last.articles}: {last.ms(last.process)}"
    )
    print(f"growth ratio:        {growth.wall:.2f} (cpu {growth.cpu:.2f}; target <= 1.3)")
    print(f"peak memory:         {peak_mb:.0f} MB (ru_maxrss; target < 300)")


if __name__ == "__main__":
    main()
