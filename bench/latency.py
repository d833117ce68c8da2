"""Alert latency by the way a document arrives: polled, POSTed, dropped in a spool folder,
delivered by a WebSub hub.

One real daemon (`wirewatch run`, a subprocess) takes four feeds at once: one polled every
`--interval` seconds on the local feed server, one fed by HTTP push (the daemon's receiver), one
fed by a spool folder (a file written then renamed into place, as FTP servers do), and one whose
document names a local WebSub hub (tests/websub_hub.py): the daemon's first poll finds the hub,
subscribes, answers its verification, and the hub then POSTs each item, signed. Items
reporting new incidents (each in a different Iraqi city) arrive at random moments, the ways in
turn. For each item the latency is the moment its alert block appears on the console channel
(the daemon's stdout) minus its arrival: its publication on the feed server, the start of its
POST, its rename into the folder, the start of the hub's delivery. Prints p50, p95 and max per
way, and the push ways' p95 as a fraction of polling's, measured in the same run.

Targets: p95 <= 2 s for push, spool and websub; polling p95 <= interval + 2 s.

    .venv/bin/python bench/latency.py [--items 20] [--interval 10] [--mean-gap 2] [--ways poll,push,spool,websub]

``--ways poll`` measures polling alone (the same item rate), to tell the polling path's own
latency from what the other paths' load does to it.
"""

from __future__ import annotations

import argparse
import logging
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
from pytest_httpserver import HTTPServer  # noqa: E402

from bench._daemon import ROOT, percentile, stop_daemon, write_config  # noqa: E402
from crawler.demo.feedserver import FeedServer  # noqa: E402
from crawler.demo.sample import SampleItem  # noqa: E402
from tests.websub_hub import Hub, feed_document  # noqa: E402

TOKEN = "latency-bench-token"
WAYS = ("poll", "push", "spool", "websub")
WEBSUB_SECRET = "latency-bench-websub-secret"
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
    "Hamza",
    "Ain al-Tamr",
    "Baaj",
    "Rabia",
    "Zummar",
    "Dibis",
    "Dokan",
    "Choman",
    "Mergasor",
    "Bardarash",
    "Qara Tapa",
    "Udhaim",
    "Afak",
    "Qalat Salih",
    "Numaniya",
    "Abu al-Khasib",
    "Shamiya",
    "Bashiqa",
    "Hamdaniya",
    "Said Sadiq",
    "Qaladiza",
    "Mishkhab",
    "Hashimiya",
    "Hindiya",
    "Rumaitha",
    "Khidr",
    "Maimouna",
    "Jabala",
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

    gazetteer = Extractor().gazetteer
    kept: list[tuple[str, object]] = []
    for town in CANDIDATE_TOWNS:
        place = gazetteer.lookup(town)
        if place is None or place.kind not in ("city", "district"):
            continue
        if all(place.distance_km(other) >= min_km for _, other in kept):
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


def wait_for_subscription(hub: Hub, topic: str, deadline_s: float) -> bool:
    """Wait until the daemon has subscribed to the hub and answered its verification."""
    deadline = time.monotonic() + deadline_s
    while topic not in hub.subscriptions and time.monotonic() < deadline:
        time.sleep(0.2)
    return topic in hub.subscriptions


def poll_gaps(database: Path, feed: str) -> list[float]:
    """Seconds between the polled feed's successive polls (from the polls table)."""
    import sqlite3

    from crawler.storage import parse_iso

    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT started FROM polls WHERE feed = ? ORDER BY started", [feed])
        times = [parse_iso(r[0]) for r in rows]
    return [(b - a).total_seconds() for a, b in zip(times, times[1:], strict=False)]


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
    parser.add_argument(
        "--ways", default=",".join(WAYS), help="comma-separated: " + ", ".join(WAYS)
    )
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the local hub's request lines
    ways = tuple(w for w in WAYS if w in args.ways.split(","))
    if not ways:
        parser.error(f"--ways: name one or more of {', '.join(WAYS)}")
    # Farther apart than the default merging distance (incidents.distance_km = 15).
    towns = distinct_towns(min_km=20)
    if args.items * len(ways) > len(towns):
        parser.error(f"at most {len(towns) // len(ways)} items per way (one town each)")
    rng = random.Random(args.seed)
    port = free_port()
    with (
        tempfile.TemporaryDirectory(prefix="wirewatch-latency-") as tmp,
        FeedServer(items=[]) as server,
        HTTPServer(host="127.0.0.1") as hub_server,
    ):
        hub = Hub(hub_server).install()
        topic = hub_server.url_for("/websub-feed")
        hub_server.expect_request("/websub-feed").respond_with_data(
            feed_document(hub.url, topic), content_type="application/rss+xml"
        )
        spool = Path(tmp) / "spool"
        definitions = {d.name: d for d in server.feed_definitions()}
        polled = definitions["afp-en"].config_entry()
        pushed = {
            **definitions["afp-fr"].config_entry(),
            "name": "agency-push",
            "interval": "1h",
            "push_token": TOKEN,
        }
        dropped = {**definitions["afp-ar"].config_entry(), "name": "agency-spool",
                   "interval": "1h", "spool": str(spool)}  # fmt: skip
        hubbed = {"name": "agency-websub", "url": topic, "interval": "1h", "allow_private": True,
                  "language": "en"}  # fmt: skip
        feeds = {"poll": polled, "push": pushed, "spool": dropped, "websub": hubbed}
        websub = {"callback": f"http://127.0.0.1:{port}", "secret": WEBSUB_SECRET}
        config = write_config(
            Path(tmp),
            [feeds[way] for way in ways],
            interval=f"{args.interval:g}s",
            channels=[{"name": "console", "type": "console"}],
            push={"enabled": True, "port": port, "spool_scan": "30s", "websub": websub},
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
            if "websub" in ways and not wait_for_subscription(hub, topic, deadline_s=60):
                print("the daemon never subscribed to the hub; see", Path(tmp) / "daemon.log")
                return 1
            for number, city in enumerate(towns[: args.items * len(ways)]):
                time.sleep(rng.expovariate(1 / args.mean_gap))
                way = ways[number % len(ways)]
                if way == "poll":
                    publication = server.publish(item(number, city))
                    arrived[city] = (way, publication.published.timestamp())
                elif way == "push":
                    body = newsml_item(number, city)
                    arrived[city] = (way, time.time())
                    answer = session.post(url, data=body, timeout=10,
                                          headers={"Authorization": f"Bearer {TOKEN}"})  # fmt: skip
                    answer.raise_for_status()
                elif way == "websub":
                    story = {"guid": f"websub-{number}", "title": item(number, city).title,
                             "text": " ".join(item(number, city).body),
                             "date": time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime())}  # fmt: skip
                    arrived[city] = (way, time.time())
                    hub.publish(topic, feed_document(hub.url, topic, [story])).raise_for_status()
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
        gaps = poll_gaps(Path(tmp) / "bench.db", polled["name"]) if "poll" in ways else []
    latencies: dict[str, list[float]] = {way: [] for way in ways}
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
    for way in ways:
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
    if gaps:
        print(
            f"polls of the polled feed: {len(gaps) + 1}, gap between polls p50: "
            f"{percentile(gaps, 0.5):.1f}s  max: {max(gaps):.1f}s (interval {args.interval:g}s)"
        )
    for way in ("push", "spool", "websub"):
        if way in p95s and p95s.get("poll"):
            print(f"{way} p95 / poll p95: {p95s[way] / p95s['poll']:.2f}")
    return 0 if not missing and all(latencies.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
