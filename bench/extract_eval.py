"""Score the extractor against the labelled dev set (tests/data/devset.jsonl).

Prints, per language: precision, recall and F1 of ``relevant`` and ``us_interest``; accuracy of
place, governorate, attack type, target, event date (within one day), killed and wounded (on the
articles labelled relevant); then every error as ``id  field  expected  got``.

A measurement: exits 0 whatever the figures, unless ``--min-f1`` is given and the relevance F1 of
a language is below it (exit 1).

    .venv/bin/python bench/extract_eval.py [--devset PATH] [--min-f1 0.95] [--quiet]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path

from crawler.extract import Extractor
from crawler.types import Extraction

DEFAULT_DEVSET = Path(__file__).resolve().parent.parent / "tests" / "data" / "devset.jsonl"
DATE_TOLERANCE_DAYS = 1
FIELDS = (
    "place",
    "governorate",
    "attack_type",
    "target",
    "event_date",
    "killed",
    "wounded",
    "tally",
)


def f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    score = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, score


def _place_ok(extractor: Extractor, label: dict, got: Extraction) -> tuple[bool, str | None]:
    expected = label.get("place")
    got_id = got.place.id if got.place else None
    if expected is None:
        return got_id is None, got_id
    wanted = extractor.gazetteer.lookup(expected)
    if wanted is None:
        return False, got_id
    if wanted.kind == "governorate":
        return got.place is not None and got.place.governorate == wanted.governorate, got_id
    return wanted.id == got_id, got_id


def compare(
    extractor: Extractor, row: dict, got: Extraction
) -> dict[str, tuple[bool, object, object]]:
    """field -> (correct, expected, got) for the incident fields of a relevant article."""
    label = row["label"]
    place_ok, got_place = _place_ok(extractor, label, got)
    event_date = got.event_time.date() if got.event_time else None
    expected_date = date.fromisoformat(label["event_date"]) if label.get("event_date") else None
    date_ok = (
        expected_date is not None
        and event_date is not None
        and abs((event_date - expected_date).days) <= DATE_TOLERANCE_DAYS
    )
    tally = label.get("reported_tally")
    got_tally = (
        {
            "n": got.reported_tally.n,
            "since": got.reported_tally.since.isoformat() if got.reported_tally.since else None,
        }
        if got.reported_tally
        else None
    )
    governorate = got.place.governorate if got.place else None
    return {
        "place": (place_ok, label.get("place"), got_place),
        "governorate": (
            governorate == label.get("governorate"),
            label.get("governorate"),
            governorate,
        ),
        "attack_type": (
            got.attack_type == label.get("attack_type"),
            label.get("attack_type"),
            got.attack_type,
        ),
        "target": (got.target == label.get("target"), label.get("target"), got.target),
        "event_date": (
            date_ok,
            label.get("event_date"),
            event_date.isoformat() if event_date else None,
        ),
        "killed": (got.killed == label.get("killed"), label.get("killed"), got.killed),
        "wounded": (got.wounded == label.get("wounded"), label.get("wounded"), got.wounded),
        "tally": (got_tally == tally, tally, got_tally),
    }


def evaluate(rows: list[dict], extractor: Extractor) -> tuple[dict, list[tuple]]:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    errors: list[tuple] = []
    for row in rows:
        lang, label = row["lang"], row["label"]
        got = extractor.extract(
            row["title"],
            row["text"],
            datetime.fromisoformat(row["published"]),
            lang=lang,
            dateline=row.get("dateline"),
        )
        c = counts[lang]
        for name, expected, actual in (
            ("relevant", label["relevant"], got.relevant),
            ("us_interest", label["us_interest"], got.us_interest),
        ):
            c[f"{name}_tp"] += expected and actual
            c[f"{name}_fp"] += actual and not expected
            c[f"{name}_fn"] += expected and not actual
            if expected != actual:
                detail = got.reason if name == "relevant" else got.target
                errors.append(
                    (row["id"], name, expected, f"{actual} ({detail}, score={got.score})")
                )
        if label["relevant"] and got.relevant:
            for field, (ok, expected, actual) in compare(extractor, row, got).items():
                c[f"{field}_n"] += 1
                c[f"{field}_ok"] += ok
                if not ok:
                    errors.append((row["id"], field, expected, actual))
    return counts, errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=DEFAULT_DEVSET)
    parser.add_argument("--min-f1", type=float, default=None, help="fail below this relevance F1")
    parser.add_argument("--quiet", action="store_true", help="figures only, no error list")
    args = parser.parse_args(argv)

    rows = [
        json.loads(line)
        for line in args.devset.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    counts, errors = evaluate(rows, Extractor())
    failing = []
    print(f"dev set: {args.devset} ({len(rows)} articles)")
    for lang in sorted(counts):
        c = counts[lang]
        n = sum(1 for r in rows if r["lang"] == lang)
        print(f"\n[{lang}] {n} articles")
        for name in ("relevant", "us_interest"):
            p, r, f = f1(c[f"{name}_tp"], c[f"{name}_fp"], c[f"{name}_fn"])
            print(f"  {name:<12} P={p:.3f} R={r:.3f} F1={f:.3f}")
            if name == "relevant" and args.min_f1 is not None and f < args.min_f1:
                failing.append(lang)
        for field in FIELDS:
            total = c[f"{field}_n"]
            if total:
                print(f"  {field:<12} {c[f'{field}_ok'] / total:.3f} ({c[f'{field}_ok']}/{total})")
    if not args.quiet:
        print("\nerrors (id, field, expected, got):")
        for error in errors:
            print("  " + "\t".join(str(e) for e in error))
    if failing:
        print(f"\nrelevance F1 below {args.min_f1}: {', '.join(failing)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
