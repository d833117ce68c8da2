"""`wirewatch browse` serves the database with Datasette on 127.0.0.1: the dashboard as landing
page, tables, canned queries and the map plugin, read over real HTTP."""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request

import pytest

from crawler.browse.metadata import CANNED_QUERIES
from crawler.storage import Store
from tests.browse_fixtures import running_browse
from tests.test_cli import seed_incident


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


@pytest.mark.slow
def test_browse_serves_tables_canned_queries_and_the_map(write_config, tmp_path):
    config = write_config()
    seed_incident(tmp_path / "wirewatch.db")
    with running_browse(config) as base:
        with urllib.request.urlopen(f"{base}/", timeout=10) as response:
            assert response.url.startswith(f"{base}/-/dashboards/incidents?period=")

        table = get_json(f"{base}/wirewatch/incidents.json?_shape=array")
        assert table[0]["place_name"] == "US embassy"

        canned = get_json(f"{base}/wirewatch/latest_incidents.json?_shape=array")
        assert canned[0]["title"].startswith("Rockets hit near US embassy")

        search = get_json(f"{base}/wirewatch/search_incidents.json?_shape=array&q=embassy")
        assert [row["id"] for row in search] == [1]

        plugins = {p["name"] for p in get_json(f"{base}/-/plugins.json")}
        assert {"datasette-cluster-map", "datasette-dashboards", "wirewatch"} <= plugins
        with urllib.request.urlopen(f"{base}/wirewatch/incidents", timeout=10) as response:
            page = response.read().decode()
        assert "datasette-cluster-map" in page  # the map script is on the incidents page

        # The alert wording, as SQL functions of wirewatch's plugin.
        sql = "select time_text(event_time, time_precision) as t, casualties_text(killed, wounded) as c from incidents"
        rows = get_json(f"{base}/wirewatch.json?_shape=array&sql={urllib.parse.quote(sql)}")
        assert rows == [{"t": "2020-02-16 01:00 UTC (04:00 Baghdad)", "c": "casualties not stated"}]

        metadata = get_json(f"{base}/-/metadata.json")
        assert "Attacks on US interests" in metadata["databases"]["wirewatch"]["description"]


@pytest.mark.parametrize("name", sorted(CANNED_QUERIES))
def test_every_canned_query_runs_on_a_fresh_database(tmp_path, name):
    """Each canned query is valid SQL over the current schema (any value for its parameters)."""
    with Store(tmp_path / "wirewatch.db") as store:
        sql = CANNED_QUERIES[name]["sql"]
        params = {p: "1" for p in re.findall(r":(\w+)", sql)}
        store.db.execute(sql, params).fetchall()
