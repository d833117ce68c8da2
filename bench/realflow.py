"""Alert accuracy on real news: the daemon's pipeline over real news flows, scored on our labels.

Each flow is one file of the development corpus (real items of real outlets, one JSON object per
line, in publication order: exactly the input of ``wirewatch analyze``). The corpus is not in
this repository (its texts belong to their outlets); our judgements of its items are, as ids and
labels, in ``bench/data/labels/`` (see ``bench/data/README.md``). An item we did not judge
counts as not relevant (pooled judgements, as in TREC: every item that names Iraq or an Iraqi
place in its title or lead was judged, plus every item the pipeline flagged).

The flow runs through :func:`crawler.analyze.analyze` — the daemon's extraction, duplicate
detection, incident merging and counters, on a temporary database — and each opened incident is
one alert. Per flow, per language and overall the script prints:

* alerts, true and false alerts (an alert is true when the article that opened the incident
  reports a labelled incident), alert precision, false alerts per 10,000 items;
* incident recall (labelled incidents that got at least one true alert), duplicate alerts per
  alerted incident (true alerts beyond the first), pairwise merge F1 over the articles labelled
  as reports (a report the pipeline left out is merged with none), and over those of them the
  pipeline placed in an incident (the grouping alone);
* article relevance precision/recall/F1, field accuracy of the alerted incidents (governorate,
  attack type, whether it is an attack on US interests, event date within a day) and the
  throughput in items/s;
* the floor: a keyword rule (an Iraqi place and an attack word in the title or lead; one
  incident per day and place) scored the same way, in the same run.

A measurement: exits 0 whatever the figures. ``--errors`` lists every false alert and every
missed incident with the extractor's reason, to study (it prints corpus text to the terminal:
never paste it into the repository).

    .venv/bin/python bench/realflow.py [--corpus ../shared/corpus] [--flow NAME ...] [--errors]
                                       [--held-out] [--jobs 2]

``--held-out`` scores each flow with relevance weights fitted on the other flows only
(``bench/train_relevance.py``): the figures of outlets, years and a language the weights have
not seen, the honest estimate of what a new news flow will get.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import itertools
import json
import os
import sys
import tempfile
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crawler.analyze import analyze  # noqa: E402
from crawler.config import config_from_dict  # noqa: E402
from crawler.daemon import make_extractor  # noqa: E402
from crawler.extract.document import read_document  # noqa: E402
from crawler.extract.relevance import Weights  # noqa: E402
from crawler.types import PLACE_SPECIFICITY  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "bench" / "data" / "labels"
DEFAULT_CORPUS = Path(os.environ.get("WIREWATCH_CORPUS", ROOT.parent / "shared" / "corpus"))
CONFIG = {
    "counters": [
        {"name": "us-interests-iraq", "since": "2019-10-28", "filter": {"us_interest": True}}
    ],
}
REPORT = "report"
UNDATED_MAX_AGE = "100000h"
DATE_TOLERANCE_DAYS = 1
# The labelled fields scored on true alerts (key in the scores, as the table shows it).
FIELDS_SCORED = (
    ("governorate", "governorate"),
    ("type", "type"),
    ("us_interest", "US interest"),
    ("date", "date"),
)
# The floor's attack words: the extractor's own weapon and attack terms.
FLOOR_ATTACK_CATEGORIES = ("type", "incident", "type_weak")


@dataclass(frozen=True)
class Flow:
    name: str
    lang: str
    dated: bool = True  # False: no publication dates, so no incident can be formed from it


FLOWS = (
    Flow("en-rss-2021", "en"),
    Flow("en-rss-2023-jan-sep", "en"),
    Flow("en-agnews-test", "en", dated=False),
    Flow("fr-newsapi-2023", "fr"),
    Flow("ar-saudinewsnet-2015", "ar"),
    Flow("ar-ant-jawharafm", "ar"),
)


@dataclass
class Score:
    """Counts that add up over flows; the ratios are computed when printed."""

    items: int = 0
    alerts: int = 0
    true_alerts: int = 0
    unjudged_alerts: int = 0
    incidents: int = 0
    incidents_alerted: int = 0
    duplicate_alerts: int = 0
    pairs_same_true: int = 0
    pairs_same_predicted: int = 0
    pairs_both: int = 0
    placed_same_true: int = 0  # the same pairs, among the reports placed in some incident
    placed_same_predicted: int = 0
    placed_both: int = 0
    relevant_tp: int = 0
    relevant_fp: int = 0
    relevant_fn: int = 0
    fields: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    incident_level: bool = True

    def add(self, other: Score) -> None:
        for name, value in vars(other).items():
            if name == "incident_level":
                continue
            if name == "fields":
                self.fields.update(value)
            else:
                setattr(self, name, getattr(self, name) + value)

    @property
    def false_alerts(self) -> int:
        return self.alerts - self.true_alerts


def ratio(a: float, b: float) -> float | None:
    return a / b if b else None


def f1(p: float | None, r: float | None) -> float | None:
    if p is None or r is None or p + r == 0:
        return None
    return 2 * p * r / (p + r)


# -- labels and corpus -----------------------------------------------------------------------


def load_labels(flow: Flow) -> dict[str, dict]:
    path = LABELS / f"{flow.name}.jsonl"
    if not path.exists():
        return {}
    return {row["id"]: row for row in map(json.loads, path.read_text("utf-8").splitlines())}


def read_flow(corpus: Path, flow: Flow) -> list[dict]:
    path = corpus / f"{flow.name}.jsonl"
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


# -- the pipeline ----------------------------------------------------------------------------


def flow_config(flow: Flow):
    """The analysis configuration; an undated flow is never stale (it has no dates to be)."""
    if flow.dated:
        return config_from_dict(CONFIG)
    return config_from_dict({**CONFIG, "extraction": {"max_age": UNDATED_MAX_AGE}})


def run_pipeline(items: list[dict], extractor, config) -> tuple[list[dict], float, float]:
    """The analyze output rows (in input order), wall and CPU seconds."""
    with tempfile.TemporaryDirectory(prefix="wirewatch-realflow-") as tmp:
        source, sink = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        with source.open("w", encoding="utf-8") as f:
            for item in items:
                f.write(json.dumps(item, ensure_ascii=False) + "\n")
        wall, cpu = time.perf_counter(), time.process_time()
        analyze(source, sink, config, extractor=extractor, now=datetime.now(timezone.utc))
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        rows = [json.loads(line) for line in sink.read_text("utf-8").splitlines()]
    return rows, wall, cpu


def keyword_floor(items: list[dict], extractor) -> list[dict]:
    """The keyword rule, as analyze-like rows: relevant when the title or lead (title and two
    sentences) names a place of Iraq and an attack word; one incident per day and place."""
    gazetteer = extractor.gazetteer
    incidents: dict[tuple[str, str], int] = {}
    rows = []
    for item in items:
        lang = item.get("lang") or "en"
        document = read_document(
            extractor._matcher, item.get("title") or "", item.get("text") or "", lang
        )
        lead = document.lead()
        places = [
            place
            for segment in lead
            for hit in segment.of("place")
            if (place := gazetteer.get(hit.tag.value)) is not None and place.country == "IQ"
        ]
        attack = any(segment.has(c) for segment in lead for c in FLOOR_ATTACK_CATEGORIES)
        row = {"id": item["id"], "relevant": bool(places and attack), "incident": None}
        if row["relevant"]:
            day = (item.get("published") or "")[:10]
            key = (day, max(places, key=lambda place: PLACE_SPECIFICITY[place.kind]).id)
            row["incident"] = incidents.setdefault(key, len(incidents) + 1)
        rows.append(row)
    return rows


# -- scoring ---------------------------------------------------------------------------------


def score_flow(flow: Flow, items: list[dict], rows: list[dict], labels: dict[str, dict]) -> Score:
    score = Score(items=len(items), incident_level=flow.dated)
    reports = {i: lab for i, lab in labels.items() if lab["j"] == REPORT}
    # Relevance, article by article.
    for row in rows:
        truth = row["id"] in reports
        score.relevant_tp += row["relevant"] and truth
        score.relevant_fp += row["relevant"] and not truth
        score.relevant_fn += truth and not row["relevant"]
    if not flow.dated:
        # No dates: incidents cannot be formed, so each relevant article stands for its alert,
        # but for one weighed below the alert threshold that only joined an incident.
        min_score = flow_config(flow).extraction.min_score
        for row in rows:
            if row["relevant"] and (row.get("score") is None or row["score"] >= min_score):
                label = labels.get(row["id"])
                score.alerts += 1
                score.unjudged_alerts += label is None
                score.true_alerts += label is not None and label["j"] == REPORT
        return score
    # Alerts: the article that opened each incident.
    openers: dict[int, dict] = {}
    last_state: dict[int, dict] = {}
    for row in rows:
        if row["incident"] is not None:
            openers.setdefault(row["incident"], row)
            last_state[row["incident"]] = row
    alerted: Counter = Counter()
    for incident, opener in openers.items():
        score.alerts += 1
        label = labels.get(opener["id"])
        if label is None:
            score.unjudged_alerts += 1
        if label is not None and label["j"] == REPORT:
            score.true_alerts += 1
            alerted[label["inc"]] += 1
            _score_fields(score.fields, label, last_state[incident])
    seen = {row["id"] for row in rows}
    labelled_incidents = {lab["inc"] for i, lab in reports.items() if i in seen}
    score.incidents = len(labelled_incidents)
    score.incidents_alerted = len(alerted)
    score.duplicate_alerts = sum(n - 1 for n in alerted.values())
    predicted = {row["id"]: row["incident"] for row in rows if row["id"] in reports}
    for a, b in itertools.combinations(sorted(predicted), 2):
        same_true = reports[a]["inc"] == reports[b]["inc"]
        same_predicted = predicted[a] is not None and predicted[a] == predicted[b]
        score.pairs_same_true += same_true
        score.pairs_same_predicted += same_predicted
        score.pairs_both += same_true and same_predicted
        if predicted[a] is not None and predicted[b] is not None:
            score.placed_same_true += same_true
            score.placed_same_predicted += same_predicted
            score.placed_both += same_true and same_predicted
    return score


def _score_fields(fields: Counter, label: dict, row: dict) -> None:
    if label.get("gov"):
        fields["governorate_n"] += 1
        fields["governorate_ok"] += row.get("governorate") == label["gov"]
    if label.get("type"):
        fields["type_n"] += 1
        fields["type_ok"] += row.get("attack_type") == label["type"]
    if label.get("us") is not None:
        fields["us_interest_n"] += 1
        fields["us_interest_ok"] += bool(row.get("us_interest")) == label["us"]
    if label.get("date") and row.get("event_date") and not label["date"].startswith("0000"):
        fields["date_n"] += 1
        gap = abs(date.fromisoformat(row["event_date"]) - date.fromisoformat(label["date"]))
        fields["date_ok"] += gap.days <= DATE_TOLERANCE_DAYS


# -- report ----------------------------------------------------------------------------------


def _fmt(value: float | None, digits: int = 2) -> str:
    return "  -  " if value is None else f"{value:.{digits}f}"


def print_table(columns: list[tuple[str, Score]], floors: dict[str, Score]) -> None:
    names = [name for name, _ in columns]
    width = max(13, *(len(n) + 1 for n in names))
    print("figure".ljust(34) + "".join(n.rjust(width) for n in names))

    def line(label: str, values: list[str]) -> None:
        print(label.ljust(34) + "".join(v.rjust(width) for v in values))

    def each(fn) -> list[str]:
        return [fn(s) for _, s in columns]

    def incident_level(fn):
        return lambda s: fn(s) if s.incident_level else "  -  "

    line("items", each(lambda s: f"{s.items:,}"))
    line("alerts (incidents opened)", each(lambda s: str(s.alerts)))
    line("  true / false", each(lambda s: f"{s.true_alerts} / {s.false_alerts}"))
    line("  on unjudged items", each(lambda s: str(s.unjudged_alerts)))
    line("alert precision", each(lambda s: _fmt(ratio(s.true_alerts, s.alerts))))
    line(
        "false alerts per 10,000 items",
        each(lambda s: _fmt(ratio(s.false_alerts * 10_000, s.items), 1)),
    )
    line(
        "incident recall",
        each(incident_level(lambda s: f"{s.incidents_alerted}/{s.incidents} "
                            f"{_fmt(ratio(s.incidents_alerted, s.incidents))}")),
    )  # fmt: skip
    line(
        "duplicate alerts per incident",
        each(incident_level(lambda s: _fmt(ratio(s.duplicate_alerts, s.incidents_alerted)))),
    )
    line(
        "pairwise merge F1",
        each(
            incident_level(
                lambda s: _fmt(
                    f1(
                        ratio(s.pairs_both, s.pairs_same_predicted),
                        ratio(s.pairs_both, s.pairs_same_true),
                    )
                )
            )
        ),
    )
    line(
        "  among the reports placed",
        each(
            incident_level(
                lambda s: _fmt(
                    f1(
                        ratio(s.placed_both, s.placed_same_predicted),
                        ratio(s.placed_both, s.placed_same_true),
                    )
                )
            )
        ),
    )
    line(
        "article relevance F1",
        each(
            lambda s: _fmt(
                f1(
                    ratio(s.relevant_tp, s.relevant_tp + s.relevant_fp),
                    ratio(s.relevant_tp, s.relevant_tp + s.relevant_fn),
                )
            )
        ),
    )
    for name, shown in FIELDS_SCORED:
        line(
            f"{shown} right (true alerts)",
            each(lambda s, n=name: _fmt(ratio(s.fields[f"{n}_ok"], s.fields[f"{n}_n"]))),
        )
    line(
        "items/s (cpu)", each(lambda s: f"{s.items / s.cpu_seconds:,.0f}" if s.cpu_seconds else "-")
    )
    print()
    print(
        "floor: keyword rule (Iraqi place + attack word in the lead; one incident per day and place)"
    )
    floor_columns = [(name, floors[name]) for name in names]
    line(
        "  alerts  true / false",
        [f"{s.alerts}  {s.true_alerts}/{s.false_alerts}" for _, s in floor_columns],
    )
    line("  alert precision", [_fmt(ratio(s.true_alerts, s.alerts)) for _, s in floor_columns])
    line(
        "  false alerts per 10,000 items",
        [_fmt(ratio(s.false_alerts * 10_000, s.items), 1) for _, s in floor_columns],
    )
    line(
        "  incident recall",
        [
            _fmt(ratio(s.incidents_alerted, s.incidents)) if s.incident_level else "  -  "
            for _, s in floor_columns
        ],
    )


def _reason(extractor, item: dict) -> str:
    """Why the extractor judged an item as it did (for the listing of misses)."""
    published = item.get("published")
    when = datetime.fromisoformat(published) if published else datetime.now(timezone.utc)
    found = extractor.extract(
        item.get("title") or "", item.get("text") or "", when, item.get("lang")
    )
    return f"{found.reason or 'relevant'} {found.score:.2f}"


def print_errors(
    flow: Flow, items: list[dict], rows: list[dict], labels: dict[str, dict], extractor
) -> None:
    by_id = {item["id"]: item for item in items}
    openers: dict[int, dict] = {}
    for row in rows:
        if row["incident"] is not None:
            openers.setdefault(row["incident"], row)
    print(f"\n== {flow.name}: false alerts")
    alerted_incidents = set()
    for opener in openers.values():
        label = labels.get(opener["id"])
        if label and label["j"] == REPORT:
            alerted_incidents.add(label["inc"])
            continue
        item = by_id[opener["id"]]
        judged = f"{label['j']}: {label.get('why', '')}" if label else "UNJUDGED"
        print(f"  {opener['id']}  {(item.get('published') or '')[:10]}  [{judged}]  "
              f"{opener.get('governorate')}/{opener.get('attack_type')}  {item.get('title', '')[:100]}")  # fmt: skip
    if not flow.dated:
        return
    print(f"\n== {flow.name}: missed incidents (reports: id relevant reason)")
    row_by_id = {row["id"]: row for row in rows}
    missed: dict[str, list[str]] = defaultdict(list)
    for item_id, label in labels.items():
        if label["j"] == REPORT and label["inc"] not in alerted_incidents and item_id in row_by_id:
            missed[label["inc"]].append(item_id)
    for key, ids in sorted(missed.items()):
        print(f"  {key}")
        for item_id in ids:
            row = row_by_id[item_id]
            print(
                f"     {item_id}  incident={row['incident']}  "
                f"[{_reason(extractor, by_id[item_id])}]  {by_id[item_id].get('title', '')[:90]}"
            )


def run_flow(
    corpus: Path, flow: Flow, errors: bool, weights: tuple[dict, float] | None = None
) -> tuple[Score, Score, str]:
    """One flow through the pipeline and the floor: the scores and, with ``errors``, the
    listing of false alerts and misses (in a worker process: flows run side by side).
    ``weights`` replace the committed relevance weights (``--held-out``)."""
    config = flow_config(flow)
    extractor = make_extractor(config)
    if weights is not None:
        extractor.weights = Weights(*weights)
    items = read_flow(corpus, flow)
    labels = load_labels(flow)
    rows, wall, cpu = run_pipeline(items, extractor, config)
    score = score_flow(flow, items, rows, labels)
    score.seconds, score.cpu_seconds = wall, cpu
    floor = score_flow(flow, items, keyword_floor(items, extractor), labels)
    print(
        f"{flow.name}: {len(items):,} items, {len(labels):,} judged, {wall:.0f} s", file=sys.stderr
    )
    listing = io.StringIO()
    if errors:
        with contextlib.redirect_stdout(listing):
            print_errors(flow, items, rows, labels, extractor)
    return score, floor, listing.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--flow", action="append", choices=[f.name for f in FLOWS])
    parser.add_argument("--errors", action="store_true", help="list false alerts and misses")
    parser.add_argument(
        "--jobs", type=int, default=1, help="flows run side by side (items/s is per process)"
    )
    parser.add_argument(
        "--held-out",
        action="store_true",
        help="score each flow with relevance weights fitted without it (needs SciPy)",
    )
    parser.add_argument(
        "--threshold", type=float, help="with --held-out: another decision threshold to try"
    )
    args = parser.parse_args()
    flows = [f for f in FLOWS if not args.flow or f.name in args.flow]
    missing = [f.name for f in flows if not (args.corpus / f"{f.name}.jsonl").exists()]
    if missing:
        print(f"realflow: corpus files not found in {args.corpus}: {', '.join(missing)} "
              "(pass --corpus DIR or set WIREWATCH_CORPUS)", file=sys.stderr)  # fmt: skip
        return 2
    held_out = {}
    if args.held_out:
        from train_relevance import held_out_weights

        held_out = held_out_weights(args.corpus, args.threshold)
    per_flow: list[tuple[Flow, Score, Score]] = []
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        runs = [
            pool.submit(run_flow, args.corpus, flow, args.errors, held_out.get(flow.name))
            for flow in flows
        ]
        for flow, run in zip(flows, runs, strict=True):
            score, floor, errors = run.result()
            per_flow.append((flow, score, floor))
            print(errors, end="")
    columns: list[tuple[str, Score]] = [(f.name, s) for f, s, _ in per_flow]
    floors = {f.name: fl for f, _, fl in per_flow}
    for lang in ("en", "fr", "ar"):
        chosen = [(f, s, fl) for f, s, fl in per_flow if f.lang == lang]
        if len(chosen) > 1 or (chosen and len(per_flow) > 1):
            total, total_floor = Score(), Score()
            for _, s, fl in chosen:
                total.add(s)
                total_floor.add(fl)
            columns.append((lang, total))
            floors[lang] = total_floor
    if len(per_flow) > 1:
        total, total_floor = Score(), Score()
        for _, s, fl in per_flow:
            total.add(s)
            total_floor.add(fl)
        columns.append(("all", total))
        floors["all"] = total_floor
    print()
    print_table(columns, floors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
