"""Fixtures shared by the whole suite: a config file in a temporary directory, and one real
extractor."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from crawler.extract import Extractor

MINIMAL_CONFIG = """
database: wirewatch.db
feeds:
  - {name: local, url: "http://127.0.0.1:9/feed.xml", language: en, interval: 1m, allow_private: true}
counters:
  - name: us-interests-iraq
    description: Attacks on US interests in Iraq since 2019-10-28
    since: 2019-10-28
    start: 18
    filter: {us_interest: true}
alerts:
  channels:
    - {name: console, type: console}
"""


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[[str], Path]:
    """Write a config.yaml (dedented) into tmp_path and return its path."""

    def write(text: str = MINIMAL_CONFIG, name: str = "config.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def ex() -> Extractor:
    """The real extractor, built once for the run: building it reads the gazetteer and the
    lexicons, and extracting with it changes nothing."""
    return Extractor()
