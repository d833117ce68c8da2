"""Alert latency: from an item's publication on the local wire to its alert at a Slack-like sink.

Items reporting new incidents (each in a different Iraqi city) are published on the local feed
server at random moments; the real daemon (`wirewatch run`, a subprocess) polls the feed every
`--interval` seconds and alerts a local Slack-like webhook receiver. For each item the latency is
the sink's arrival time minus the publication time. Prints p50, p95 and max.

Target: p95 <= interval + 2 s (10 s interval -> 12 s).

    .venv/bin/python bench/latency.py [--items 50] [--interval 10] [--mean-gap 6]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._daemon import percentile, start_daemon, stop_daemon, write_config  # noqa: E402
from crawler.demo.feedserver import FeedServer  # noqa: E402
from crawler.demo.sample import SampleItem  # noqa: E402
from crawler.demo.sinks import SlackSink  # noqa: E402

# Candidate towns; those kept are far enough apart that every item is a new incident (and so
# a new alert) rather than a report of a nearby one.
CANDIDATE_TOWNS = (
    "Fallujah",
    "Ramadi",
    "Haditha",
    "Rutba",
    "Tikrit",
    "Samarra",
    "Baiji",
    "Tuz Khurmatu",
    "Baqubah",
    "Muqdadiyah",
    "Khanaqin",
    "Jalawla",
    "Mosul",
    "Tal Afar",
    "Sinjar",
    "Makhmour",
    "Hawija",
    "Kirkuk",
    "Daquq",
    "Hilla",
    "Musayyib",
    "Kut",
    "Amara",
    "Nasiriyah",
    "Samawah",
    "Diwaniyah",
    "Najaf",
    "Kufa",
    "Karbala",
    "Basra",
    "Zubair",
    "Umm Qasr",
    "Qurna",
    "Zakho",
    "Duhok",
    "Sulaymaniyah",
    "Halabja",
    "Koya",
    "Ranya",
    "Chamchamal",
    "Kalar",
    "Erbil",
    "Shaqlawa",
    "Soran",
    "Balad",
    "Tarmiyah",
    "Mahmudiyah",
    "Abu Ghraib",
    "Taji",
    "Yusufiyah",
    "Al-Qaim",
    "Heet",
    "Anah",
    "Shirqat",
    "Qayyarah",
    "Badra",
    "Aziziyah",
    "Suwayrah",
    "Rawa",
    "Nukhaib",
    "Ali al-Gharbi",
    "Shatra",
    "Rifai",
    "Suq al-Shuyukh",
    "Chibayish",
    "Akre",
    "Amadiya",
    "Penjwen",
    "Darbandikhan",
    "Kifri",
    "Mandali",
    "Balad Ruz",
    "Dujail",
)


def item(number: int, city: str) -> SampleItem:
    return SampleItem(
        id=f"latency-{number}",
        feed="afp-en",
        outlet="AFP",
        lang="en",
        story=f"latency-{number}",
        title=f"Roadside bomb kills two soldiers near {city}",
        body=(
            f"A roadside bomb exploded as an Iraqi army patrol passed near {city}, "
            "killing two soldiers and wounding three, a security official told AFP.",
            "No group immediately claimed the attack.",
        ),
        link=f"/afp/en/latency-{number}",
        dateline=city.upper(),
    )


def distinct_towns(min_km: float) -> list[str]:
    """Candidate towns the gazetteer knows, each at least ``min_km`` from all those before it."""
    from crawler.extract import Extractor
    from crawler.incidents import distance_between

    gazetteer = Extractor().gazetteer
    kept: list[tuple[str, object]] = []
    for town in CANDIDATE_TOWNS:
        place = gazetteer.lookup(town)
        if place is None or place.kind not in ("city", "district"):
            continue
        if all(distance_between(place, other) >= min_km for _, other in kept):
            kept.append((town, place))
    return [town for town, _ in kept]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--interval", type=float, default=10.0, help="feed interval, seconds")
    parser.add_argument("--mean-gap", type=float, default=6.0, help="mean seconds between items")
    parser.add_argument("--seed", type=int, default=20200216)
    args = parser.parse_args()
    # Twice the default merging distance (incidents.distance_km = 15) apart.
    towns = distinct_towns(min_km=30)
    if args.items > len(towns):
        parser.error(f"at most {len(towns)} items (one town each)")
    rng = random.Random(args.seed)
    with (
        tempfile.TemporaryDirectory(prefix="wirewatch-latency-") as tmp,
        FeedServer(items=[]) as server,
        SlackSink() as slack,
    ):
        feed = next(d for d in server.feed_definitions() if d.name == "afp-en")
        config = write_config(
            Path(tmp),
            [feed.config_entry()],
            interval=f"{args.interval:g}s",
            channels=[{"name": "slack", "type": "slack", "webhook_url": slack.url}],
        )
        proc = start_daemon(config, Path(tmp) / "daemon.log")
        try:
            time.sleep(args.interval + 3)  # the daemon's first poll of the empty feed
            published: dict[str, float] = {}
            for number, city in enumerate(towns[: args.items]):
                time.sleep(rng.expovariate(1 / args.mean_gap))
                publication = server.publish(item(number, city))
                published[city] = publication.published.timestamp()
            deadline = time.monotonic() + args.interval + 30
            while len(slack.received) < args.items and time.monotonic() < deadline:
                time.sleep(0.2)
        finally:
            code = stop_daemon(proc)
        latencies = []
        for message in slack.received:
            text = json.dumps(message.data, ensure_ascii=False)
            # Longest name first: "near Balad Ruz" also contains "near Balad".
            by_length = sorted(published, key=len, reverse=True)
            city = next((c for c in by_length if f"near {c}" in text), None)
            if city is not None:
                latencies.append(message.at - published.pop(city))
    missing = len(published)
    if published:
        print(f"no alert for: {', '.join(sorted(published))}")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(
        f"items: {args.items}, interval: {args.interval:g}s, mean gap: {args.mean_gap:g}s, "
        f"alerts received: {len(latencies)}, missing: {missing}, daemon exit: {code}"
    )
    if latencies:
        p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
        target = args.interval + 2
        print(
            f"latency p50: {p50:.2f}s  p95: {p95:.2f}s  max: {max(latencies):.2f}s  "
            f"(target p95 <= {target:g}s: {'met' if p95 <= target else 'NOT met'})"
        )
    return 0 if latencies and not missing else 1


if __name__ == "__main__":
    sys.exit(main())
