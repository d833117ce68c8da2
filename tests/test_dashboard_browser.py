"""The dashboard in a real browser: `wirewatch browse` on a database the pipeline built, loaded in
Debian's headless Chromium with every outside host unreachable; the map, the counter chart and
the filters checked from the rendered page against the database.

Set WIREWATCH_DASHBOARD_SCREENSHOT=docs/dashboard.png to refresh the README's screenshot."""

from __future__ import annotations

import os
import sqlite3
import textwrap
from pathlib import Path

import pytest

from tests.browse_fixtures import build_database, free_port, headless_chromium, running_browse

pytestmark = pytest.mark.slow

RENDER_TIMEOUT_S = 30
LIVE = "i.merged_into is null and i.withdrawn is null"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(base URL, database path): browse running on the pipeline's database, its map tiles on a
    local port where nothing listens (as on a site without internet access)."""
    tmp = tmp_path_factory.mktemp("dashboard")
    config = tmp / "config.yaml"
    config.write_text(
        textwrap.dedent(
            f"""
            database: wirewatch.db
            counters:
              - name: us-interests-iraq
                description: Attacks on US interests in Iraq since 2019-10-28
                since: 2019-10-28
                start: 18
                filter: {{us_interest: true}}
            browse:
              tiles: "http://127.0.0.1:{free_port()}/{{z}}/{{x}}/{{y}}.png"
            """
        ),
        encoding="utf-8",
    )
    db = tmp / "wirewatch.db"
    build_database(config, db, tmp)
    with running_browse(config) as base:
        yield base, db


@pytest.fixture(scope="module")
def browser():
    with headless_chromium() as driver:
        yield driver


def count(db: Path, sql: str, *params: object) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchone()[0]


def markers_expected(db: Path, governorate: str | None = None) -> int:
    where = f"{LIVE} and i.latitude is not null" + (" and i.governorate = ?" if governorate else "")
    params = [governorate] if governorate else []
    return count(db, f"select count(*) from incidents i where {where}", *params)


def ticks_expected(db: Path, extra: str = "", governorate: str | None = None) -> int:
    where = f"{LIVE}{extra}" + (" and i.governorate = ?" if governorate else "")
    return count(
        db,
        f"select count(*) from counter_ticks t join incidents i on i.id = t.incident_id where {where}",
        *([governorate] if governorate else []),
    )


def open_dashboard(driver, url: str) -> None:
    """Load a dashboard URL and wait until the map, the tables and the counter chart are drawn."""
    from selenium.webdriver.common.by import By

    driver.get(url)
    wait_drawn(driver)
    assert driver.find_element(By.ID, "chart-map").get_attribute("data-rendered") == "ok"


def wait_drawn(driver) -> None:
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        WebDriverWait(driver, RENDER_TIMEOUT_S).until(
            lambda d: d.execute_script(
                "return ['chart-map', 'chart-latest', 'chart-feeds'].every("
                " id => document.getElementById(id).dataset.rendered)"
                " && document.querySelector('#chart-counter-us-interests-iraq svg g.ticks_marks')"
                " !== null"
            )
        )
    except TimeoutException:
        state = driver.execute_script(
            "return [location.href, ['chart-map', 'chart-latest', 'chart-feeds'].map("
            " id => document.getElementById(id).dataset.rendered),"
            " performance.getEntriesByType('resource').filter(e => !e.name.endsWith('.png'))"
            ".map(e => [e.name.slice(-40), Math.round(e.duration), e.responseStatus])]"
        )
        log = [e for e in driver.get_log("browser") if ".png" not in e["message"]]
        pytest.fail(f"dashboard not drawn: {state}; browser log: {log}")


def rendered(driver, selector: str) -> int:
    return driver.execute_script(f"return document.querySelectorAll({selector!r}).length")


def test_the_landing_page_is_the_dashboard_served_without_the_internet(site, browser):
    base, _db = site
    open_dashboard(browser, base + "/")
    assert browser.current_url.startswith(base + "/-/dashboards/incidents?period=30+days")
    resources = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    scripts_and_styles = [r for r in resources if not r.endswith(".png")]
    assert scripts_and_styles, "the page loaded nothing"
    assert all(r.startswith(base + "/") for r in scripts_and_styles), scripts_and_styles
    errors = [
        e["message"]
        for e in browser.get_log("browser")
        if e["level"] == "SEVERE" and ".png" not in e["message"]
    ]
    assert errors == []


def test_one_marker_per_incident_and_the_counter_points_with_tallies(site, browser):
    from selenium.webdriver.common.by import By

    base, db = site
    open_dashboard(browser, base + "/-/dashboards/incidents?period=all+time")
    expected = markers_expected(db)
    assert expected > 50
    assert rendered(browser, "#chart-map path.incident-marker") == expected
    # The tiles cannot be fetched: the markers stay, on a plain background, and the page says so.
    notice = browser.find_element(By.CSS_SELECTOR, "#chart-map .wirewatch-tiles-notice")
    assert notice.is_displayed()

    chart = "#chart-counter-us-interests-iraq svg"
    ticks = ticks_expected(db)
    tallies = ticks_expected(db, " and t.reported is not null")
    mismatches = ticks_expected(db, " and t.mismatch = 1")
    assert ticks > 30 and 0 < mismatches <= tallies
    assert rendered(browser, f"{chart} g.ticks_marks > path") == ticks
    assert rendered(browser, f"{chart} g.tallies_marks > path") == tallies
    assert rendered(browser, f"{chart} g.gaps_marks > line") == mismatches
    assert 0 < rendered(browser, f"{chart} g.weeks_marks > path") <= ticks
    # Each tally point says which it is.
    labels = browser.execute_script(
        f"return Array.from(document.querySelectorAll({chart + ' g.tallies_marks > path'!r}),"
        " p => p.getAttribute('aria-label'))"
    )
    assert sum("mismatch" in label for label in labels) == mismatches

    metric = browser.find_element(By.CSS_SELECTOR, "#chart-m-incidents p").text
    assert int(metric) == count(db, f"select count(*) from incidents i where {LIVE}")
    shot = os.environ.get("WIREWATCH_DASHBOARD_SCREENSHOT")
    if shot:
        browser.save_screenshot(shot)


def test_a_filter_changes_the_markers_and_the_points(site, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    base, db = site
    open_dashboard(browser, base + "/-/dashboards/incidents?period=all+time")
    before = rendered(browser, "#chart-map path.incident-marker")
    Select(browser.find_element(By.ID, "governorate")).select_by_value("Baghdad")
    browser.find_element(By.CSS_SELECTOR, ".dashboard-filters input[type=submit]").click()
    WebDriverWait(browser, RENDER_TIMEOUT_S).until(
        lambda d: (
            "governorate=Baghdad" in d.current_url
            and d.execute_script("return document.readyState === 'complete'")
        )
    )
    wait_drawn(browser)
    after = rendered(browser, "#chart-map path.incident-marker")
    assert after == markers_expected(db, "Baghdad")
    assert 0 < after < before
    ticks = rendered(browser, "#chart-counter-us-interests-iraq svg g.ticks_marks > path")
    assert ticks == ticks_expected(db, governorate="Baghdad")
    assert ticks < ticks_expected(db)
    latest = browser.find_elements(By.CSS_SELECTOR, "#chart-latest tbody tr")
    assert latest and all("Baghdad" in row.text for row in latest)


def test_popups_link_the_incident_and_feed_text_stays_text(site, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    base, db = site
    with sqlite3.connect(db) as conn:
        (latest,) = conn.execute(
            f"select id from incidents i where {LIVE} and latitude is not null"
            " order by coalesce(event_time, first_seen) desc, id desc limit 1"
        ).fetchone()
        conn.execute(
            "update incidents set title = ? where id = ?",
            ['Drone <img src=x onerror="document.body.dataset.pwned=1"> strike', latest],
        )
    open_dashboard(browser, base + "/-/dashboards/incidents?period=all+time")
    first_row = browser.find_element(By.CSS_SELECTOR, "#chart-latest tbody tr")
    assert '<img src=x onerror="document.body.dataset.pwned=1">' in first_row.text
    link = first_row.find_element(By.CSS_SELECTOR, "a").get_attribute("href")
    assert link.endswith(f"/wirewatch/incidents/{latest}")

    marker = browser.find_element(
        By.CSS_SELECTOR, f"#chart-map path.incident-marker[data-incident='{latest}']"
    )
    # Markers may overlap: the click is sent to this one rather than to a point on the screen.
    browser.execute_script(
        "arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true, view: window}))",
        marker,
    )
    popup = WebDriverWait(browser, RENDER_TIMEOUT_S).until(
        lambda d: d.find_element(By.CSS_SELECTOR, ".leaflet-popup-content")
    )
    text = popup.get_attribute("textContent")
    assert 'Drone <img src=x onerror="document.body.dataset.pwned=1"> strike' in text
    assert "Drone attack" in text and "no casualties" in text
    hrefs = [a.get_attribute("href") for a in popup.find_elements(By.TAG_NAME, "a")]
    assert hrefs[0].endswith(f"/wirewatch/incidents/{latest}")
    assert hrefs[1].endswith(f"/wirewatch/incident_articles?incident_id={latest}")
    assert browser.execute_script("return document.body.dataset.pwned") is None
