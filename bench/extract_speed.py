"""Throughput of the extractor on ~3 KB articles, one core, and the cost of the lexicon scan.

Prints articles per second for whole extractions (per CPU second of this process, and per
wall-clock second), then the time of the Aho-Corasick scan alone
over the same folded texts, and, as a baseline measured in the same run, one compiled regex
alternation of the same terms with the same word boundaries (and their ratio).

    .venv/bin/python bench/extract_speed.py [--articles 2000] [--size 3000]
"""

from __future__ import annotations

import argparse
import json
import re
import time
from datetime import datetime
from pathlib import Path

from crawler.extract import Extractor
from crawler.extract.lexicon import fold_term
from crawler.extract.normalize import clean, fold

DEVSET = Path(__file__).resolve().parent.parent / "tests" / "data" / "devset.jsonl"
REGEX_SAMPLE = 200  # the regex baseline is slow: time it on a sample and scale


def articles_of_size(count: int, size: int) -> list[dict]:
    """Dev-set articles padded to ``size`` characters with other dev-set texts of their language."""
    rows = [
        json.loads(line) for line in DEVSET.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    by_lang: dict[str, list[str]] = {}
    for row in rows:
        by_lang.setdefault(row["lang"], []).append(row["text"])
    out = []
    for i in range(count):
        row = rows[i % len(rows)]
        text, pool, k = row["text"], by_lang[row["lang"]], i
        while len(text) < size:
            k += 1
            text += "\n\n" + pool[k % len(pool)]
        out.append({**row, "text": text[:size]})
    return out


def regex_of(terms: list[str]) -> re.Pattern[str]:
    keys = sorted(
        {fold_term(t)[0] for t in terms if fold_term(t)[0].strip()}, key=len, reverse=True
    )
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(k) for k in keys) + r")(?!\w)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--size", type=int, default=3000, help="characters per article")
    args = parser.parse_args()

    started = time.perf_counter()
    extractor = Extractor()
    print(
        f"extractor built in {time.perf_counter() - started:.2f} s ({extractor._matcher.size} terms)"
    )
    articles = articles_of_size(args.articles, args.size)
    published = [datetime.fromisoformat(a["published"]) for a in articles]

    started, started_cpu = time.perf_counter(), time.process_time()
    for article, when in zip(articles, published, strict=True):
        extractor.extract(
            article["title"],
            article["text"],
            when,
            lang=article["lang"],
            dateline=article["dateline"],
        )
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - started_cpu
    # CPU time is the single-core figure; wall time also counts whatever else the machine runs.
    print(
        f"extract: {len(articles)} articles of {args.size} chars in {cpu:.2f} s CPU = "
        f"{len(articles) / cpu:,.0f} articles/s ({len(articles) / elapsed:,.0f}/s wall clock)"
    )

    texts = [clean(a["text"]) for a in articles]
    folded = [fold(t) for t in texts]
    started = time.perf_counter()
    hits = sum(len(extractor._matcher.scan(f, t, None)) for f, t in zip(folded, texts, strict=True))
    scan = time.perf_counter() - started
    print(
        f"lexicon scan (Aho-Corasick + boundaries): {scan / len(texts) * 1e3:.3f} ms/article ({hits} hits)"
    )

    terms = [term for term, _ in extractor.gazetteer.terms()]
    for vocabulary in extractor.vocabularies.values():
        terms += [term for term, _ in vocabulary.terms()]
    started = time.perf_counter()
    pattern = regex_of(terms)
    compile_s = time.perf_counter() - started
    sample = folded[:REGEX_SAMPLE]
    started = time.perf_counter()
    regex_hits = sum(len(pattern.findall(f)) for f in sample)
    regex = (time.perf_counter() - started) / len(sample)
    print(
        f"regex alternation baseline: {regex * 1e3:.3f} ms/article ({regex_hits} hits on {len(sample)}; compiled in {compile_s:.2f} s)"
    )
    print(f"ratio regex / automaton: {regex / (scan / len(texts)):.1f}x")


if __name__ == "__main__":
    main()
