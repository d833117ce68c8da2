"""The offline demo's sample wire and the local feed server that publishes it over time.

``wirewatch demo``, the end-to-end tests and the benchmarks start a :class:`FeedServer` on
127.0.0.1, point the daemon at :func:`feed_definitions`, and watch incidents arrive. Nothing in
this package reaches the network or touches the database.
"""

from __future__ import annotations

from crawler.demo.feedserver import (
    FEEDS,
    FeedDefinition,
    FeedServer,
    FeedSpec,
    Hit,
    Publication,
    feed_definitions,
)
from crawler.demo.sample import SAMPLE_PATH, Sample, SampleIncident, SampleItem, load_sample

__all__ = [
    "FEEDS",
    "SAMPLE_PATH",
    "FeedDefinition",
    "FeedServer",
    "FeedSpec",
    "Hit",
    "Publication",
    "Sample",
    "SampleIncident",
    "SampleItem",
    "feed_definitions",
    "load_sample",
]
