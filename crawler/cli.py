"""The ``wirewatch`` command line: the composition root.

Each command loads the configuration, opens the database, calls one function of the core and
prints the result. Errors of the core (:class:`~crawler.errors.WirewatchError`) become one line
on stderr and an exit code: 2 for a bad configuration or bad usage, 3 when another wirewatch
process holds the database, 1 for anything else. Logging is configured here and only here.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import click
from tabulate import tabulate

from crawler import __version__
from crawler.config import Config, CounterConfig, load_config
from crawler.daemon import sync_store_with_config
from crawler.errors import ConfigError, LockError, WirewatchError
from crawler.lock import DatabaseLock
from crawler.logs import configure_logging
from crawler.storage import Store, parse_iso

log = logging.getLogger(__name__)

EXIT_ERROR = 1
EXIT_CONFIG = 2
EXIT_LOCKED = 3


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class WirewatchGroup(click.Group):
    """Turns wirewatch errors into one line on stderr and an exit code, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as e:
            for line in e.problems:
                click.echo(line, err=True)
            ctx.exit(EXIT_CONFIG)
        except LockError as e:
            click.echo(f"wirewatch: {e}", err=True)
            ctx.exit(EXIT_LOCKED)
        except WirewatchError as e:
            click.echo(f"wirewatch: {e}", err=True)
            ctx.exit(EXIT_ERROR)


@dataclass
class App:
    """What every command needs: the validated config and the database, opened on demand."""

    config_path: Path
    db_override: Path | None
    _config: Config | None = field(default=None, repr=False)

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path)
        return self._config

    @property
    def db_path(self) -> Path:
        return self.db_override or self.config.database

    def open_store(self) -> Store:
        """Open (and migrate) the database, and bring its feeds and counters in step with the config."""
        store = Store(self.db_path)
        sync_store_with_config(store, self.config)
        return store


pass_app = click.make_pass_decorator(App)


@click.group(cls=WirewatchGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default="config.yaml",
    show_default=True,
    envvar="WIREWATCH_CONFIG",
    help="Configuration file (env WIREWATCH_CONFIG).",
)
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="WIREWATCH_DB",
    help="SQLite database file; overrides `database` in the config (env WIREWATCH_DB).",
)
@click.option(
    "--log-level",
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
    default="INFO",
    show_default=True,
    help="Least severe log lines shown (on stderr).",
)
@click.option("--log-json", is_flag=True, help="Log one JSON object per line, for machines.")
@click.version_option(__version__, prog_name="wirewatch")
@click.pass_context
def main(
    ctx: click.Context, config_path: Path, db_path: Path | None, log_level: str, log_json: bool
) -> None:
    """wirewatch: security incidents in Iraq from news wires, counted once, alerted fast.

    Polls RSS, Atom, JSON Feed and NewsML-G2 feeds in French, English and Arabic, merges the
    reports of one incident into one record, keeps attack counters, alerts by e-mail and Slack,
    and stores everything in one SQLite file you can browse with Datasette.
    """
    configure_logging(log_level, json_lines=log_json)
    ctx.obj = App(config_path=config_path, db_override=db_path)


# -- init / status ---------------------------------------------------------------------------


@main.command()
@pass_app
def init(app: App) -> None:
    """Create or migrate the database and register the configured feeds and counters."""
    with app.open_store() as store:
        counts = store.table_counts()
        click.echo(
            f"database ready: {app.db_path} (schema v{store.schema_version}); "
            f"{len(app.config.feeds)} feeds, {len(app.config.counters)} counters, "
            f"{len(app.config.enabled_channels)} alert channels enabled; "
            f"{counts['articles']} articles, {counts['incidents']} incidents stored"
        )


@main.command()
@pass_app
def status(app: App) -> None:
    """Show the daemon, feeds (how fed: poll, push, spool, WebSub and its lease end; last poll
    and delivery, errors, backoff), counters and the alert outbox."""
    now = utc_now()
    with app.open_store() as store:
        click.echo(f"config:   {app.config_path}")
        click.echo(f"database: {app.db_path} (schema v{store.schema_version})")
        click.echo(_daemon_line(store.heartbeat(), app.config, now, store.due_feeds))
        counts = store.table_counts()
        click.echo(f"stored:   {counts['articles']} articles, {counts['incidents']} incidents")
        click.echo("\nfeeds:")
        click.echo(_indent(tabulate(_feed_rows(store, app.config, now), headers="keys")))
        click.echo("\ncounters:")
        click.echo(_indent(_counter_table(store)))
        alerts = store.alert_counts()
        channels = (
            ", ".join(f"{c.name} ({c.type})" for c in app.config.enabled_channels) or "none enabled"
        )
        click.echo(
            f"\nalerts:   {alerts.get('pending', 0)} pending, {alerts.get('sending', 0)} sending, "
            f"{alerts.get('sent', 0)} sent, {alerts.get('failed', 0)} failed; channels: {channels}"
        )
        if alerts.get("failed"):
            click.echo("          see `wirewatch alerts`; resend with `wirewatch alerts retry`")


def _daemon_line(beat: dict[str, Any] | None, config: Config, now: datetime, due_feeds: Any) -> str:
    from crawler.daemon import polls_stalled

    if beat is None:
        return "daemon:   never run on this database"
    last = parse_iso(beat["beat"])
    age_s = (now - last).total_seconds()
    alive = age_s <= 3 * config.daemon.heartbeat.total_seconds()
    state = "running" if alive else "not running (no heartbeat)"
    last_poll = parse_iso(json.loads(beat.get("state") or "{}").get("last_poll_ok"))
    line = (
        f"daemon:   {state}; pid {beat['pid']}, last heartbeat {_ago(age_s)} ago, "
        f"last completed poll {_ago_of(last_poll, now)}"
    )
    stalled = polls_stalled(beat, config, now, due_feeds) if alive else None
    if stalled is not None:
        line += (
            f"\n          NOT POLLING: no poll completed for {_ago(stalled.total_seconds())} while"
            " feeds are due; see the daemon's log"
        )
    return line


def _feed_rows(store: Store, config: Config, now: datetime) -> list[dict[str, Any]]:
    rows = []
    deliveries = store.last_deliveries()
    subscriptions = store.websub_subscriptions()
    for row in store.feed_rows():
        if not row["enabled"]:
            continue
        next_poll = parse_iso(row["next_poll"])
        delivered = deliveries.get(row["name"], {})
        last = max(delivered.items(), key=lambda item: item[1], default=None)
        rows.append(
            {
                "feed": row["name"] + (" [FLAGGED]" if row["flagged"] else ""),
                "fed by": _fed_by(config.feed(row["name"]), config, subscriptions.get(row["name"])),
                "last delivery": f"{_ago_of(parse_iso(last[1]), now)} ({last[0]})" if last else "-",
                "last poll": _ago_of(parse_iso(row["last_poll"]), now),
                "status": row["last_status"] or "-",
                "http": row["last_http_status"] or "",
                "errors": row["consecutive_errors"],
                "next poll": "-"
                if not row["url"]
                else "due"
                if next_poll is None or next_poll <= now
                else "in " + _ago((next_poll - now).total_seconds()),
                "last error": (row["last_error"] or "")[:60],
            }
        )
    return rows


def _fed_by(feed: Any, config: Config, subscription: dict[str, Any] | None) -> str:
    """How a feed's documents come: polled, pushed over HTTP, dropped in its spool, delivered
    by a WebSub hub (with the subscription's state: its lease end once verified)."""
    ways = ["poll"] if feed is None or feed.polled else []
    if feed is not None and config.push.enabled and (feed.push_token or feed.push_secret):
        ways.append("push")
    if feed is not None and feed.spool is not None:
        ways.append("spool")
    if subscription is not None:
        ways.append(_websub_state(subscription))
    return "+".join(ways)


def _websub_state(subscription: dict[str, Any]) -> str:
    """``websub until 2026-03-01 12:00Z``, ``websub pending``, ``websub denied`` ..."""
    lease_end = parse_iso(subscription["lease_end"])
    if subscription["state"] == "verified" and lease_end is not None:
        return f"websub until {lease_end:%Y-%m-%d %H:%M}Z"
    return f"websub {subscription['state']}"


def _counter_table(store: Store) -> str:
    rows = [
        {
            "counter": c["name"],
            "value": c["value"],
            "counted here": c["incidents"],
            "since": c["since"],
            "last tick": c["last_tick"] or "-",
            "tally mismatches": c["mismatches"],
            "description": c["description"],
        }
        for c in store.counter_summaries()
    ]
    return tabulate(rows, headers="keys") if rows else "(no counters configured)"


def _stated_counts_table(store: Store, counters: list[CounterConfig], limit: int) -> str:
    """The latest counts of the series articles stated, each beside every counter of the same
    series as it stood when the article was published ("ours then")."""
    from crawler.counters import count_applies, count_disagrees

    rows = []
    for article, tally in store.stated_counts(limit):
        comparisons = []
        for counter in counters:
            if count_applies(counter, tally):
                value = counter.start + store.counted_by(counter.name, article["published"])
                verdict = "disagrees" if count_disagrees(tally, value) else "agrees"
                comparisons.append(f"{counter.name}: {value}, {verdict}")
        if not comparisons:
            comparisons.append("another series" if tally.beyond_iraq else "no counter of it")
        rows.append(
            {
                "published": article["published"][:16].replace("T", " "),
                "source": _short(article["source"], 20),
                "stated": ("at least " if tally.at_least else "") + str(tally.n),
                "since": tally.since.isoformat() if tally.since else "-",
                "scope": _short(tally.scope, 40),
                "ours then": "; ".join(comparisons),
            }
        )
    return tabulate(rows, headers="keys") if rows else ""


def _ago_of(moment: datetime | None, now: datetime) -> str:
    return "never" if moment is None else _ago((now - moment).total_seconds()) + " ago"


def _ago(seconds: float) -> str:
    seconds = abs(seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds / size:.0f}{unit}"
    return f"{seconds:.0f}s"


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


# -- incidents / counters / export -----------------------------------------------------------


INCIDENT_COLUMNS = (
    "id",
    "event_time",
    "place_name",
    "governorate",
    "attack_type",
    "target",
    "us_interest",
    "killed",
    "wounded",
    "claimed_by",
    "languages",
    "sources",
    "title",
)


@main.group(invoke_without_command=True)
@click.option("-n", "--limit", default=20, show_default=True, help="How many incidents.")
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
@click.pass_context
def incidents(ctx: click.Context, limit: int, as_json: bool) -> None:
    """List the latest incidents (newest first). Subcommands correct merging by hand."""
    if ctx.invoked_subcommand is not None:
        return
    app: App = ctx.obj
    with app.open_store() as store:
        rows = store.latest_incidents(limit)
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    if not rows:
        click.echo("no incidents yet")
        return
    table = [{k: _short(row[k]) for k in INCIDENT_COLUMNS} for row in rows]
    click.echo(tabulate(table, headers="keys"))


def _short(value: Any, width: int = 48) -> Any:
    if isinstance(value, str) and len(value) > width:
        return value[: width - 1] + "…"
    return value


@main.command()
@click.option("--history", "history_of", metavar="NAME", help="Show one counter's latest ticks.")
@click.option(
    "-n",
    "--limit",
    default=20,
    show_default=True,
    help="Ticks shown with --history; else the latest counts articles stated.",
)
@pass_app
def counters(app: App, history_of: str | None, limit: int) -> None:
    """Show the attack counters, their values and tally mismatches, and the counts of attacks
    that articles stated ("attacked at least 66 times since Oct. 17") beside ours then."""
    with app.open_store() as store:
        if history_of is None:
            click.echo(_counter_table(store))
            stated = _stated_counts_table(store, app.config.counters, limit)
            if stated:
                click.echo(f"\ncounts stated by articles (latest {limit}):\n{stated}")
            return
        if history_of not in {c.name for c in app.config.counters}:
            raise click.BadParameter(
                f"no counter named {history_of!r} in {app.config_path}", param_hint="--history"
            )
        rows = store.counter_history(history_of, limit)
    if not rows:
        click.echo(f"{history_of}: no incident counted yet")
        return
    for row in rows:
        row["title"] = _short(row["title"])
        row["mismatch"] = f"articles say #{row['reported']}" if row["mismatch"] else ""
    click.echo(tabulate(rows, headers="keys"))


@incidents.command("split")
@click.argument("incident_id", type=int)
@click.argument("article_ids", type=int, nargs=-1, required=True)
@pass_app
def incidents_split(app: App, incident_id: int, article_ids: tuple[int, ...]) -> None:
    """Move ARTICLE_IDS out of INCIDENT_ID into a new incident (undo a wrong merge)."""
    from crawler.pipeline import split_incident

    with DatabaseLock(app.db_path), app.open_store() as store:
        new_id = split_incident(store, incident_id, article_ids, utc_now())
    click.echo(
        f"incident {new_id} created from {len(article_ids)} article(s) of incident "
        f"{incident_id}; counters renumbered"
    )


@incidents.command("merge")
@click.argument("keep_id", type=int)
@click.argument("other_id", type=int)
@pass_app
def incidents_merge(app: App, keep_id: int, other_id: int) -> None:
    """Fold incident OTHER_ID into KEEP_ID (two records of one event)."""
    from crawler.pipeline import merge_incidents

    with DatabaseLock(app.db_path), app.open_store() as store:
        merge_incidents(store, keep_id, other_id, utc_now())
    click.echo(f"incident {other_id} merged into {keep_id}; counters renumbered")


EXPORT_FORMATS = ("csv", "json", "geojson", "acled")
EXPORT_DATE = click.DateTime(formats=["%Y-%m-%d"])


@main.command()
@click.option(
    "--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="csv", show_default=True
)
@click.option(
    "-o",
    "--out",
    type=click.File("w", encoding="utf-8"),
    default="-",
    help="Output file (default: standard output).",
)
@click.option(
    "--since", type=EXPORT_DATE, help="Only incidents from this day on (UTC, YYYY-MM-DD)."
)
@click.option("--until", type=EXPORT_DATE, help="Only incidents up to this day included (UTC).")
@click.option(
    "--with-withdrawn",
    is_flag=True,
    help="Also incidents whose every report its agency withheld or canceled.",
)
@pass_app
def export(
    app: App,
    fmt: str,
    out: io.TextIOBase,
    since: datetime | None,
    until: datetime | None,
    with_withdrawn: bool,
) -> None:
    """Export incidents as CSV, JSON, GeoJSON, or CSV in ACLED's columns (--format acled:
    event_date, event_type, admin1, location, latitude, longitude, fatalities, source, notes...)
    to merge with ACLED's data. Incidents with a place become map points in GeoJSON."""
    start = since.replace(tzinfo=timezone.utc) if since else None
    end = until.replace(tzinfo=timezone.utc) + timedelta(days=1) if until else None
    if start and end and start >= end:
        raise click.BadParameter("--since must be on or before --until", param_hint="--since")
    with app.open_store() as store:
        rows = store.incidents_for_export(start, end, withdrawn=with_withdrawn)
        if fmt == "csv":
            _write_csv(rows, out)
        elif fmt == "acled":
            from crawler.acled import ACLED_COLUMNS, acled_row

            writer = csv.DictWriter(out, fieldnames=ACLED_COLUMNS)
            writer.writeheader()
            writer.writerows(acled_row(row) for row in rows)
        elif fmt == "json":
            json.dump(list(rows), out, ensure_ascii=False, indent=1)
            out.write("\n")
        else:
            json.dump(_geojson(rows), out, ensure_ascii=False)
            out.write("\n")


def _write_csv(rows: Any, out: io.TextIOBase) -> None:
    writer = None
    for row in rows:
        if writer is None:
            writer = csv.DictWriter(out, fieldnames=list(row))
            writer.writeheader()
        writer.writerow(row)
    if writer is None:
        out.write(",".join(("id",) + INCIDENT_COLUMNS[1:]) + "\n")


def _geojson(rows: Any) -> dict[str, Any]:
    features = []
    for row in rows:
        lat, lon = row.pop("latitude"), row.pop("longitude")
        geometry = (
            None if lat is None or lon is None else {"type": "Point", "coordinates": [lon, lat]}
        )
        features.append(
            {"type": "Feature", "id": row["id"], "geometry": geometry, "properties": row}
        )
    return {"type": "FeatureCollection", "features": features}


# -- run / poll / replay --------------------------------------------------------------------


@main.command("run")
@pass_app
def run_daemon(app: App) -> None:
    """Run the daemon: poll feeds on schedule, take pushed wire (HTTP push, drop folders,
    WebSub hubs) when configured, merge incidents, send alerts (SIGTERM stops it)."""
    from crawler.daemon import Daemon

    code = Daemon(app.config_path, app.config, app.db_path).run()
    sys.exit(code)


@main.command()
@click.option("--all", "all_feeds", is_flag=True, help="Poll every enabled feed, due or not.")
@pass_app
def poll(app: App, all_feeds: bool) -> None:
    """Poll the feeds that are due once, process and alert, then exit (for cron).

    Exits 1 when the poll could not be done or stored (e.g. the disk is full) or when every
    feed polled failed, so that cron mails you; 0 when at least one feed answered.
    """
    from crawler.daemon import poll_once, poll_problem

    summary = poll_once(
        app.config_path,
        app.config,
        app.db_path,
        all_feeds=all_feeds,
        progress=_progress_printer("polled"),
    )
    click.echo(_run_summary(summary))
    problem = poll_problem(summary["poll"])
    if problem is not None:
        raise WirewatchError(problem)


@main.command()
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@pass_app
def replay(app: App, path: Path) -> None:
    """Ingest saved feeds from a file or a directory tree of files, then process them.

    Sub-directories are read too (an archive laid out by year/month/day); it says how many
    files were read and how many skipped (not a feed, unreadable, too large). No alert is sent
    for incidents older than alerts.first_run_max_age, so replaying an archive fills the
    database without flooding the channels.
    """
    from crawler.daemon import poll_once

    summary = poll_once(
        app.config_path,
        app.config,
        app.db_path,
        all_feeds=False,
        replay=path.resolve(),
        progress=_progress_printer("replayed"),
    )
    files, skipped = summary["poll"].get("feeds", 0), summary["poll"].get("errors", 0)
    click.echo(f"files read: {files - skipped}, skipped: {skipped}")
    click.echo(_run_summary(summary))
    if summary["poll"].get("error"):
        raise WirewatchError(summary["poll"]["error"])


def _progress_printer(verb: str):
    """A progress callback drawing one updating line on a terminal, nothing otherwise."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int | None) -> None:
        of = f"/{total}" if total else ""
        click.echo(f"\r{verb} {done}{of} feeds", err=True, nl=False)

    return show


def _run_summary(summary: dict[str, Any]) -> str:
    poll, process, alerts = summary["poll"], summary["process"], summary["alerts"]
    text = (
        f"feeds polled: {poll.get('feeds', 0)}, errors: {poll.get('errors', 0)}; "
        f"articles new: {poll.get('new', 0)}, updated: {poll.get('updated', 0)}; "
        f"processed: {process.get('processed', 0)}, incidents new: "
        f"{process.get('new_incidents', 0)}, updated: {process.get('updated_incidents', 0)}; "
        f"alerts sent: {alerts.get('sent', 0)}, failed: {alerts.get('failed', 0)}"
    )
    return text


# -- analyze / reprocess --------------------------------------------------------------------


@main.command()
@click.option(
    "--in",
    "in_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Articles as JSON lines: {id, text, title, url, published, lang, source}; id and a"
    " text or a title are required.",
)
@click.option(
    "--out",
    "out_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write one JSON line of results per input article.",
)
@pass_app
def analyze(app: App, in_path: Path, out_path: Path) -> None:
    """Run the daemon's pipeline over a JSON-lines file of articles, in the order given.

    Uses a temporary database unless --db is given; sends no alert. A bad line is reported
    with its number and skipped.
    """
    from crawler.analyze import analyze as run_analysis

    db_path = app.db_override  # only an explicit --db keeps the results
    progress = _line_progress("analysed") if sys.stderr.isatty() else None
    summary = run_analysis(in_path, out_path, app.config, db_path=db_path, progress=progress)
    if progress is not None:
        click.echo("", err=True)
    click.echo(
        f"{summary.read} lines read, {summary.written} results written to {out_path}, "
        f"{summary.skipped} skipped"
    )


def _count_progress(verb: str, total: int):
    """A progress callback redrawing ``verb done/total articles`` every 100 articles."""

    def show(done: int) -> None:
        if done % 100 == 0 or done == total:
            click.echo(f"\r{verb} {done}/{total} articles", err=True, nl=False)

    return show


def _line_progress(verb: str):
    def show(summary: Any) -> None:
        if summary.read % 100 == 0:
            click.echo(f"\r{verb} {summary.read} lines", err=True, nl=False)

    return show


@main.command()
@click.confirmation_option(
    prompt="Rebuild every extraction, incident and counter from the stored articles?",
    help="Do not ask for confirmation.",
)
@pass_app
def reprocess(app: App) -> None:
    """Rebuild extraction, dedup, incidents and counters from the stored articles.

    Deterministic: articles are taken in publication order and the result is the same every
    time. Sends no alert (the outbox is kept as it is).
    """
    from crawler.daemon import make_extractor
    from crawler.pipeline import reprocess as rebuild

    with DatabaseLock(app.db_path), app.open_store() as store:
        total = store.table_counts()["articles"]
        progress = _count_progress("reprocessed", total) if sys.stderr.isatty() else None
        summary = rebuild(
            store, make_extractor(app.config), app.config, utc_now(), progress=progress
        )
    if progress is not None:
        click.echo("", err=True)
    click.echo(
        f"{summary['processed']} articles reprocessed: {summary['relevant']} relevant, "
        f"{summary['duplicates']} duplicates, {summary['new_incidents']} incidents"
    )


# -- alerts ----------------------------------------------------------------------------------


@main.group(invoke_without_command=True)
@click.option(
    "--state",
    type=click.Choice(["pending", "sending", "sent", "failed"]),
    help="Only alerts in this state.",
)
@click.option("-n", "--limit", default=50, show_default=True)
@click.pass_context
def alerts(ctx: click.Context, state: str | None, limit: int) -> None:
    """List the alert outbox with states; subcommands retry and test channels."""
    if ctx.invoked_subcommand is not None:
        return
    from crawler.alerts import outbox_rows

    app: App = ctx.obj
    with app.open_store() as store:
        rows = outbox_rows(store, state=state, limit=limit)
    if not rows:
        click.echo("the outbox is empty" if state is None else f"no {state} alert")
        return
    columns = (
        "id",
        "channel",
        "kind",
        "incident_id",
        "version",
        "state",
        "attempts",
        "next_attempt",
        "sent_at",
        "last_error",
    )
    click.echo(tabulate([{k: _short(row.get(k)) for k in columns} for row in rows], headers="keys"))


@alerts.command("retry")
@click.argument("alert_id", type=int, required=False)
@pass_app
def alerts_retry(app: App, alert_id: int | None) -> None:
    """Make failed alerts (or the one ALERT_ID) due again now, with fresh attempts."""
    from crawler.alerts import retry

    with app.open_store() as store:
        count = retry(store, alert_id, utc_now())
    click.echo(f"{count} alert(s) queued again; the daemon or the next `wirewatch poll` sends them")


@alerts.command("test")
@click.option("--channel", required=True, help="Name of a channel in config.yaml.")
@pass_app
def alerts_test(app: App, channel: str) -> None:
    """Send a test message through one channel now and say what happened."""
    from crawler.alerts import send_test

    click.echo(send_test(app.config, channel))


# -- browse ----------------------------------------------------------------------------------


@main.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Beyond 127.0.0.1 (e.g. 0.0.0.0) browse.users must be"
    " configured: it refuses to start otherwise.",
)
@click.option("--port", default=8001, show_default=True, type=int)
@pass_app
def browse(app: App, host: str, port: int) -> None:
    """Serve the database with Datasette: the incident dashboard, tables, queries, a map.

    The landing page is the dashboard: a map of incidents by attack type, each counter over
    time with the tallies the articles stated, the latest incidents, tally mismatches, feed
    health and the alerts waiting, filtered by period, governorate, attack type and US
    interest. Every script it needs is served locally; the map tiles (browse.tiles) are
    optional.

    On 127.0.0.1 (the default) no sign-in is asked. To share it with a team, list users under
    browse.users in config.yaml, each with the environment variable holding a password hash
    (made by `datasette hash-password`), and pass --host: every page then asks for a name and
    password (HTTP basic authentication; put a TLS proxy in front on an untrusted network).
    Everything is read-only: corrections (split, merge) are made with the command line.
    """
    from crawler.browse import build_metadata, check_access, datasette_command

    check_access(app.config.browse, host)
    with app.open_store() as store:
        metadata = build_metadata(app.db_path, store.counter_summaries(), app.config.browse)
    with tempfile.TemporaryDirectory(prefix="wirewatch-browse-") as tmp:
        metadata_path = Path(tmp) / "metadata.json"
        metadata_path.write_text(json.dumps(metadata, indent=1), encoding="utf-8")
        command = datasette_command(app.db_path, metadata_path, host=host, port=port)
        click.echo(f"serving {app.db_path} on http://{host}:{port}/ (Ctrl-C to stop)")
        process = subprocess.Popen(command)
        _forward_termination(process)
        code = process.wait()
    if code not in (0, -signal.SIGINT, -signal.SIGTERM):
        raise WirewatchError(f"datasette exited with code {code}")


@main.command()
@click.option(
    "--speed",
    default=1.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Publish the sample wire this many times faster (1.0: about 2.5 minutes).",
)
@click.option(
    "--sinks",
    is_flag=True,
    help="Also alert through a local SMTP server and a local Slack-like webhook.",
)
@click.option(
    "--dir",
    "out_dir",
    default="demo-output",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the demo's config.yaml and database are written.",
)
def demo(speed: float, sinks: bool, out_dir: Path) -> None:
    """Offline demo: a local wire publishes French, English and Arabic dispatches; the real
    daemon detects, merges, counts and alerts as they arrive."""
    from crawler.demo.run import run_demo

    sys.exit(run_demo(out_dir, speed=speed, sinks=sinks, echo=click.echo))


def _forward_termination(process: subprocess.Popen) -> None:
    def forward(signum: int, _frame: Any) -> None:
        process.send_signal(signum)

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, forward)


def run() -> None:
    """Console-script entry point."""
    main(prog_name="wirewatch")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run())
