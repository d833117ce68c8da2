"""``python -m spiders``: the child process that runs one poll batch or one replay.

    python -m spiders poll --config CONFIG [--config-text FILE] --db DB [--feed NAME ...] [--all]
                           [--workers N]
    python -m spiders replay --config CONFIG [--config-text FILE] --db DB PATH

``--config-text`` is the configuration the parent holds (crawler.daemon.ConfigSnapshot): it is
validated instead of reading CONFIG, which may have been edited since.

It configures logging (stderr, URLs redacted), runs the batch and prints ONE JSON line with the
summary on stdout. Exit codes: 0 done (feeds may have failed: see the summary), 2 bad
configuration or arguments, 3 the database could not be opened (the summary names why under
"error"), 4 a poll worker failed or the database refused to store polls (the summary covers the
rest and names it under "error"). Once the summary is out it exits at once, skipping the
interpreter's teardown.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import sys
from pathlib import Path

# sqlite-utils imports numpy whenever it is installed (the processing stages need it for MinHash
# signatures), to map numpy values to column types; a poll child stores plain Python values.
# Marked absent, numpy is not imported: ~70 ms less start-up for every batch, and no idle
# OpenBLAS thread pool. Set before the imports below, which bring in sqlite-utils.
sys.modules.setdefault("numpy", None)  # type: ignore[arg-type]

from crawler.config import load_config  # noqa: E402
from crawler.errors import ConfigError, FeedError, StorageError  # noqa: E402
from crawler.ingest import replay, summarize  # noqa: E402
from crawler.logs import inherited_settings, line_formatter  # noqa: E402
from crawler.storage import Store  # noqa: E402
from spiders.feed_spider import utc_now  # noqa: E402
from spiders.logsafe import OneLineRobotsErrors, RedactingFilter  # noqa: E402
from spiders.workers import die_with_parent, usable_cores  # noqa: E402

# Scrapy announces its middlewares, extensions and overridden settings at INFO: lists, not
# events.
QUIET_LOGGERS = ("scrapy.middleware", "scrapy.crawler", "scrapy.addons", "scrapy.utils.log")

log = logging.getLogger("spiders")


def main(argv: list[str] | None = None) -> int:
    args = _arguments().parse_args(argv)
    die_with_parent(os.getppid())  # a killed daemon leaves no poll running behind it
    _configure_logging()
    try:
        config = load_config(args.config, text=_snapshot_text(args.config_text))
        database = args.db or config.database
        if args.command == "poll":
            from spiders.run import run_poll

            summary = run_poll(
                config,
                database,
                args.feed,
                all_feeds=args.all,
                workers=args.workers or usable_cores(),
            )
        else:
            with Store(database) as store:
                results = replay(store, config, args.path, utc_now(), random.Random())
            summary = summarize(results)
    except (ConfigError, FeedError) as e:
        log.error("%s", e)
        return 2
    except StorageError as e:
        log.error("%s", e)
        print(json.dumps({"error": str(e)}), flush=True)
        return 3
    print(json.dumps(summary, sort_keys=True), flush=True)
    return 4 if "error" in summary else 0


def _arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m spiders", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    poll = commands.add_parser("poll", help="poll feeds (the due ones by default)")
    poll.add_argument("--feed", action="append", metavar="NAME", help="poll this feed (repeatable)")
    poll.add_argument("--all", action="store_true", help="poll every enabled feed, due or not")
    poll.add_argument(
        "--workers",
        type=_positive,
        metavar="N",
        help="processes sharing a large batch (default: the usable CPU cores)",
    )
    replay_ = commands.add_parser("replay", help="ingest a saved feed file or a directory of them")
    replay_.add_argument("path", type=Path)
    for command in (poll, replay_):
        command.add_argument("--config", type=Path, required=True)
        command.add_argument("--db", type=Path, help="database file (default: from the config)")
        command.add_argument(
            "--config-text",
            type=Path,
            metavar="FILE",
            help="the configuration to use, validated as if it were CONFIG's text",
        )
    return parser


def _snapshot_text(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return path.read_text(encoding="utf-8")
    except OSError as e:
        raise ConfigError([f"{path}: cannot read the configuration snapshot: {e}"]) from e


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def _configure_logging() -> None:
    # Filters and level sit on the handler: Scrapy resets its loggers' levels when it starts.
    handler = logging.StreamHandler(sys.stderr)
    level, json_lines = inherited_settings()  # log like the daemon that started this batch
    handler.setFormatter(line_formatter(json_lines))
    handler.setLevel(level)
    handler.addFilter(_not_quiet)
    handler.addFilter(OneLineRobotsErrors())
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)


def _not_quiet(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.WARNING or record.name not in QUIET_LOGGERS


if __name__ == "__main__":
    exit_code = main()
    # The batch is stored (every Store is closed by now) and its summary printed: what is left
    # is the interpreter's teardown of every object Scrapy, Twisted and the configuration
    # created, a tenth of a second per batch (bench/poll.py). Only buffers need flushing.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(exit_code)
