"""Alert latency by the way a document arrives: polled, POSTed, dropped in a spool folder.

One real daemon (`wirewatch run`, a subprocess) takes three feeds at once: one polled every
`--interval` seconds on the local feed server, one fed by HTTP push (the daemon's receiver), one
fed by a spool folder (a file written then renamed into place, as FTP servers do). Items
reporting new incidents (each in a different Iraqi city) arrive at random moments, the three
ways in turn. For each item the latency is the moment its alert block appears on the console
channel (the daemon's stdout) minus its arrival: its publication on the feed server, the start
of its POST, its rename into the folder. Prints p50, p95 and max per way, and the push ways'
p95 as a fraction of polling's, measured in the same run.

Targets: p95 <= 2 s for push and spool; polling p95 <= interval + 2 s.

    .venv/bin/python bench/latency.py [--items 20] [--interval 10] [--mean-gap 2]

WebSub deliveries are not measured here: wirewatch does not subscribe to hubs yet.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import requests  # noqa: E402

from bench._daemon import ROOT, percentile, stop_daemon, write_config  # noqa: E402
from crawler.demo.feedserver import FeedServer  # noqa: E402
from crawler.demo.sample import SampleItem  # noqa: E402

TOKEN = "latency-bench-token"
WAYS = ("poll", "push", "spool")
PUSH_TARGET_S = 2.0

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


def newsml_item(number: int, city: str) -> bytes:
    """The same story as a NewsML-G2 item, the way agencies push it."""
    now = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:newsml:bench:{number}"
  version="1" standard="NewsML-G2" standardversion="2.25" xml:lang="en">
  <itemMeta><itemClass qcode="ninat:text"/><provider qcode="nprov:AFP"/>
    <versionCreated>{now}</versionCreated><firstCreated>{now}</firstCreated>
    <pubStatus qcode="stat:usable"/></itemMeta>
  <contentMeta><headline>Roadside bomb kills two soldiers near {city}</headline>
    <dateline>{city.upper()}, Iraq (AFP) -</dateline></contentMeta>
  <contentSet><inlineXML contenttype="application/xhtml+xml">
    <html xmlns="http://www.w3.org/1999/xhtml"><body><p>A roadside bomb exploded as an Iraqi
    army patrol passed near {city}, killing two soldiers and wounding three, a security
    official told AFP.</p><p>No group immediately claimed the attack.</p></body></html>
  </inlineXML></contentSet>
</newsItem>
""".encode()


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


class Console:
    """The daemon's stdout read on a thread: when each alert block naming "near <town>" came."""

    def __init__(self, stream, towns: list[str]):
        self.seen: dict[str, float] = {}
        # Longest name first: "near Balad Ruz" also contains "near Balad".
        self._towns = sorted(towns, key=len, reverse=True)
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream) -> None:
        for line in stream:
            at = time.time()
            if not line.startswith("Title:"):
                continue
            town = next((t for t in self._towns if f"near {t}" in line), None)
            if town is not None:
                self.seen.setdefault(town, at)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20, help="items per way")
    parser.add_argument("--interval", type=float, default=10.0, help="polled feed interval, s")
    parser.add_argument("--mean-gap", type=float, default=2.0, help="mean seconds between items")
    parser.add_argument("--seed", type=int, default=20200216)
    args = parser.parse_args()
    # Twice the default merging distance (incidents.distance_km = 15) apart.
    towns = distinct_towns(min_km=30)
    if args.items * len(WAYS) > len(towns):
        parser.error(f"at most {len(towns) // len(WAYS)} items per way (one town each)")
    rng = random.Random(args.seed)
    port = free_port()
    with (
        tempfile.TemporaryDirectory(prefix="wirewatch-latency-") as tmp,
        FeedServer(items=[]) as server,
    ):
        spool = Path(tmp) / "spool"
        definitions = {d.name: d for d in server.feed_definitions()}
        polled = definitions["afp-en"].config_entry()
        pushed = {**definitions["afp-fr"].config_entry(), "name": "agency-push",
                  "interval": "1h", "push_token": TOKEN}
        dropped = {**definitions["afp-ar"].config_entry(), "name": "agency-spool",
                   "interval": "1h", "spool": str(spool)}  # fmt: skip
        config = write_config(
            Path(tmp),
            [polled, pushed, dropped],
            interval=f"{args.interval:g}s",
            channels=[{"name": "console", "type": "console"}],
            push={"enabled": True, "port": port, "spool_scan": "30s"},
        )
        proc = subprocess.Popen(
            [sys.executable, "-m", "crawler.cli", "--config", str(config), "run"],
            env=dict(os.environ, PYTHONPATH=str(ROOT)),
            stdout=subprocess.PIPE, stderr=(Path(tmp) / "daemon.log").open("w"), text=True,
            start_new_session=True,
        )  # fmt: skip
        console = Console(proc.stdout, towns)
        arrived: dict[str, tuple[str, float]] = {}
        url = f"http://127.0.0.1:{port}/push/agency-push"
        session = requests.Session()
        try:
            time.sleep(args.interval + 3)  # the daemon's start and first poll of the empty feed
            for number, city in enumerate(towns[: args.items * len(WAYS)]):
                time.sleep(rng.expovariate(1 / args.mean_gap))
                way = WAYS[number % len(WAYS)]
                if way == "poll":
                    publication = server.publish(item(number, city))
                    arrived[city] = (way, publication.published.timestamp())
                elif way == "push":
                    body = newsml_item(number, city)
                    arrived[city] = (way, time.time())
                    answer = session.post(url, data=body, timeout=10,
                                          headers={"Authorization": f"Bearer {TOKEN}"})  # fmt: skip
                    answer.raise_for_status()
                else:
                    partial = spool / f"{number}.xml.part"
                    partial.write_bytes(newsml_item(number, city))
                    arrived[city] = (way, time.time())
                    partial.rename(spool / f"{number}.xml")
            deadline = time.monotonic() + args.interval + 30
            while len(console.seen) < len(arrived) and time.monotonic() < deadline:
                time.sleep(0.2)
        finally:
            code = stop_daemon(proc)
    latencies: dict[str, list[float]] = {way: [] for way in WAYS}
    missing = []
    for city, (way, at) in arrived.items():
        if city in console.seen:
            latencies[way].append(console.seen[city] - at)
        else:
            missing.append(city)
    if missing:
        print(f"no alert for: {', '.join(sorted(missing))}")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(
        f"items per way: {args.items}, poll interval: {args.interval:g}s, "
        f"mean gap: {args.mean_gap:g}s, missing: {len(missing)}, daemon exit: {code}"
    )
    p95s = {}
    for way in WAYS:
        values = latencies[way]
        if not values:
            continue
        p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
        p95s[way] = p95
        target = args.interval + 2 if way == "poll" else PUSH_TARGET_S
        print(
            f"{way:5}  p50: {p50:.2f}s  p95: {p95:.2f}s  max: {max(values):.2f}s  "
            f"(target p95 <= {target:g}s: {'met' if p95 <= target else 'NOT met'})"
        )
    for way in ("push", "spool"):
        if way in p95s and p95s.get("poll"):
            print(f"{way} p95 / poll p95: {p95s[way] / p95s['poll']:.2f}")
    return 0 if not missing and all(latencies.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
