"""Incident merging quality on a labelled set: do the reports of one incident make ONE incident?

Runs `wirewatch analyze`'s pipeline (the daemon's, with the real extractor) over a labelled set
in publication order, then compares the incidents it formed with the labelled `incident` groups,
over the articles labelled relevant:

- pairwise precision: of the article pairs we merged, how many belong to one labelled incident;
- pairwise recall: of the pairs that belong together, how many we merged;
- incidents formed vs incidents labelled (a labelled article without a group is its own incident).

    .venv/bin/python bench/merge_eval.py [--devset tests/data/devset.jsonl] [--shuffle SEED]
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crawler.analyze import analyze  # noqa: E402
from crawler.config import config_from_dict  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CONFIG = {
    "counters": [
        {"name": "us-interests-iraq", "since": "2019-10-28", "filter": {"us_interest": True}}
    ],
}


def merge_scores(rows: list[dict], results: dict[str, dict]) -> dict[str, float]:
    """Pairwise precision/recall/F1 of predicted incidents against labelled groups."""
    labelled = [r for r in rows if r["label"]["relevant"]]
    truth = {r["id"]: r["incident"] or f"single:{r['id']}" for r in labelled}
    predicted = {r["id"]: results[r["id"]]["incident"] for r in labelled}
    same_true = same_pred = both = 0
    for a, b in itertools.combinations(truth, 2):
        t = truth[a] == truth[b]
        p = predicted[a] is not None and predicted[a] == predicted[b]
        same_true += t
        same_pred += p
        both += t and p
    precision = both / same_pred if same_pred else 1.0
    recall = both / same_true if same_true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "incidents_labelled": len(set(truth.values())),
        "incidents_formed": len({v for v in predicted.values() if v is not None}),
        "missed_articles": sum(1 for v in predicted.values() if v is None),
    }


def run(rows: list[dict]) -> dict[str, dict]:
    config = config_from_dict(CONFIG)
    with tempfile.TemporaryDirectory() as tmp:
        source, sink = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        with source.open("w", encoding="utf-8") as f:
            for r in rows:
                f.write(
                    json.dumps(
                        {
                            k: r[k]
                            for k in ("id", "url", "title", "text", "published", "lang", "source")
                        },
                        ensure_ascii=False,
                    )
                )
                f.write("\n")
        analyze(source, sink, config)
        return {r["id"]: r for r in map(json.loads, sink.read_text().splitlines())}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", default=str(ROOT / "tests/data/devset.jsonl"))
    parser.add_argument("--shuffle", type=int, help="process in a random order (seed)")
    args = parser.parse_args()
    rows = [json.loads(line) for line in Path(args.devset).read_text(encoding="utf-8").splitlines()]
    if args.shuffle is None:
        rows.sort(key=lambda r: (r["published"], r["id"]))
    else:
        random.Random(args.shuffle).shuffle(rows)
    results = run(rows)
    scores = merge_scores(rows, results)
    print(
        f"set: {args.devset} ({len(rows)} articles, order: "
        f"{'shuffled ' + str(args.shuffle) if args.shuffle is not None else 'publication'})"
    )
    print(
        f"pairwise precision {scores['precision']:.3f}  recall {scores['recall']:.3f}  "
        f"F1 {scores['f1']:.3f}"
    )
    print(
        f"incidents: {scores['incidents_formed']} formed, {scores['incidents_labelled']} "
        f"labelled; relevant articles not merged into any incident: {scores['missed_articles']}"
    )
    groups: dict[str, set] = defaultdict(set)
    for r in rows:
        if r["incident"] and r["label"]["relevant"]:
            groups[r["incident"]].add(results[r["id"]]["incident"])
    split = {k: v for k, v in groups.items() if len(v) > 1}
    for key, ids in sorted(split.items()):
        print(
            f"  split: {key} -> incidents {sorted(i for i in ids if i is not None)}"
            f"{' (+ not relevant)' if None in ids else ''}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
