"""wirewatch's Datasette plugin: the dashboard as landing page, its map and tables, and the
alert wording as SQL functions.

Loaded by Datasette through the ``datasette`` entry point of the wirewatch distribution, so it is
present in every Datasette of the environment; it acts only where the metadata has a
``wirewatch`` plugin section (written by ``wirewatch browse``), and otherwise adds nothing but
the SQL functions.

- ``/`` redirects to the dashboard named by ``plugins.wirewatch.landing``;
- on the pages of datasette-dashboards, the charts of library ``wirewatch-map`` and
  ``wirewatch-table`` are drawn by ``static/dashboard.js``: Leaflet (served locally by
  datasette-leaflet) with one circle per incident coloured by attack type and a popup, on the
  configured tiles or on a plain background when there are none or they cannot be fetched; tables
  whose every value is set as text, never as HTML (titles come from feeds);
- ``time_text``, ``place_text``, ``casualties_text`` and ``attack_label`` are the functions of
  :mod:`crawler.alerts.message`, so the dashboard words things as the alerts do.

Why not datasette-dashboards' own ``map`` and ``table`` charts: they write every value into the
page as HTML (a feed's title could carry a script), the map has a fixed tile server and plain
markers, and the table fails on an empty result.
"""

from __future__ import annotations

import json
import sqlite3
import urllib.parse
from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import Response

from crawler.alerts.message import ATTACK_LABELS, casualties_text, place_text, time_text
from crawler.storage import parse_iso

PLUGIN = "wirewatch"
CHART_LIBRARIES = ("wirewatch-map", "wirewatch-table")
DASHBOARD_TEMPLATES = ("dashboard_view.html", "dashboard_chart.html")


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    conn.create_function(
        "time_text", 2, lambda t, p: time_text(parse_iso(t), p), deterministic=True
    )
    conn.create_function("place_text", 2, place_text, deterministic=True)
    conn.create_function("casualties_text", 2, casualties_text, deterministic=True)
    conn.create_function(
        "attack_label",
        1,
        lambda t: ATTACK_LABELS.get(t or "other", ATTACK_LABELS["other"]),
        deterministic=True,
    )


@hookimpl
def register_routes(datasette: Any) -> list[tuple[str, Any]]:
    landing = (datasette.plugin_config(PLUGIN) or {}).get("landing")
    if not landing:
        return []

    async def to_dashboard(request: Any) -> Response:
        return Response.redirect(datasette.urls.path(landing))

    return [(r"^/$", to_dashboard)]


@hookimpl
def extra_js_urls(template: str, datasette: Any) -> list[str]:
    if template not in DASHBOARD_TEMPLATES:
        return []
    return [datasette.urls.static_plugins(PLUGIN, "dashboard.js")]


@hookimpl
def extra_css_urls(template: str, datasette: Any) -> list[str]:
    if template not in DASHBOARD_TEMPLATES:
        return []
    return [datasette.urls.static_plugins(PLUGIN, "dashboard.css")]


@hookimpl
def extra_body_script(template: str, request: Any, datasette: Any) -> str | None:
    """On a dashboard page, the call that draws this plugin's charts with the filters chosen."""
    if template not in DASHBOARD_TEMPLATES or request is None:
        return None
    dashboards = datasette.plugin_config("datasette-dashboards") or {}
    slug = urllib.parse.unquote(request.url_vars.get("slug", ""))
    dashboard = dashboards.get(slug)
    if not isinstance(dashboard, dict):
        return None
    charts = dashboard.get("charts") or {}
    if template == "dashboard_chart.html":
        chart_slug = urllib.parse.unquote(request.url_vars.get("chart_slug", ""))
        # The page of one chart draws it in the element named after the dashboard.
        targets = {f"chart-{slug}": charts.get(chart_slug)}
    else:
        targets = {f"chart-{name}": chart for name, chart in charts.items()}
    ours = {
        element: chart
        for element, chart in targets.items()
        if isinstance(chart, dict) and chart.get("library") in CHART_LIBRARIES
    }
    if not ours:
        return None
    filters = dashboard.get("filters") or {}
    query_string = urllib.parse.urlencode(
        {key: request.args[key] for key in filters if key in request.args}
    )
    arguments = ", ".join(
        _script_json(value) for value in (ours, query_string, datasette.urls.instance())
    )
    return f"wirewatchDashboard.render({arguments});"


def _script_json(value: Any) -> str:
    """JSON that cannot close the <script> element it is written into."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
