"""Scrapy settings for polling feeds, built from ``fetch:`` in config.yaml.

:data:`BASE_SETTINGS` are the fixed choices, each departure from Scrapy's defaults with its
reason; :func:`scrapy_settings` adds the configured limits. Nothing here fetches.
"""

from __future__ import annotations

from importlib.metadata import version
from typing import Any

from scrapy.settings import Settings, default_settings
from scrapy.utils.misc import load_object

from crawler.config import FetchConfig

# Sizes above this share of the limit log a warning: a feed growing towards the limit is worth
# knowing about before it starts failing.
WARN_SIZE_FRACTION = 0.5

# Scrapy components a poll batch never uses: off through the settings below, or irrelevant to
# it (no feed exports, no job directory, no throttling, no stats anybody reads). Listing one as
# None in EXTENSIONS or DOWNLOADER_MIDDLEWARES would still import it (Scrapy imports every key
# it is given, to match it with its base list), and the remote control's aiohttp and the cookie
# jar's tldextract made a third of a poll child's start-up. So they are left out of the base
# lists themselves, which otherwise stay Scrapy's own.
UNUSED_EXTENSIONS = frozenset(
    "scrapy.extensions." + name
    for name in (
        "corestats.CoreStats", "logcount.LogCount", "logstats.LogStats",
        "telnet.TelnetConsole", "remote_control.RemoteControl", "memusage.MemoryUsage",
        "memdebug.MemoryDebugger", "feedexport.FeedExporter", "spiderstate.SpiderState",
        "throttle.AutoThrottle",
    )
)  # fmt: skip
UNUSED_DOWNLOADER_MIDDLEWARES = frozenset(
    "scrapy.downloadermiddlewares." + name
    for name in (
        # No allowed_domains (every configured host is wanted) and no spider-wide credentials
        # (a feed's go in its own Authorization header: spiders.feed_spider.split_credentials).
        "offsite.OffsiteMiddleware", "httpauth.HttpAuthMiddleware",
        "cookies.CookiesMiddleware", "retry.RetryMiddleware", "httpcache.HttpCacheMiddleware",
        "stats.DownloaderStats",
    )
)  # fmt: skip


def _without(base: dict[str, Any], unused: frozenset[str]) -> dict[str, Any]:
    return {path: order for path, order in base.items() if path not in unused}


BASE_SETTINGS: dict[str, Any] = {
    # Twisted's own reactor for the platform (epoll on Linux), not Scrapy's asyncio one: nothing
    # in a poll batch needs asyncio, and its bridge cost a tenth of a 304's CPU and ~6 % of a
    # 60 KB feed's Scrapy time (bench/poll.py).
    "TWISTED_REACTOR": None,
    # The next scheduled poll is the retry. Scrapy's RetryMiddleware would retry at once and
    # ignores Retry-After; crawler.ingest backs off and honours it instead.
    "RETRY_ENABLED": False,
    # Feeds are public documents: cookies only cost CPU and carry state between feeds.
    "COOKIES_ENABLED": False,
    # Scrapy's default (100) starts that many tasks per response; callbacks here yield at most
    # a few requests, and 1 cuts CPU per response by 35-40 %.
    "CONCURRENT_ITEMS": 1,
    # Every status reaches the spider, which records it. Redirects are still followed:
    # RedirectMiddleware only steps aside for the handle_httpstatus_* meta keys.
    "HTTPERROR_ALLOW_ALL": True,
    # A loop (A -> B -> A) or a long chain fails the poll quickly.
    "REDIRECT_MAX_TIMES": 5,
    # Scrapy does not verify TLS certificates by default; a feed reader must.
    "DOWNLOAD_VERIFY_CERTIFICATES": True,
    # A truncated body (lying Content-Length, dropped connection) is an error, not a feed.
    "DOWNLOAD_FAIL_ON_DATALOSS": True,
    "COMPRESSION_ENABLED": True,
    # Per feed, a request meta key (dont_obey_robotstxt) turns it off for obey_robots: false.
    "ROBOTSTXT_OBEY": True,
    # No control port: the child is driven by its arguments and stopped by its parent.
    "TELNETCONSOLE_ENABLED": False,
    "REMOTE_CONTROL_ENABLED": False,
    # The child's entry point owns logging (one stderr handler, URLs redacted).
    "LOG_INSTALL_ROOT_HANDLER": False,
    "LOG_LEVEL": "INFO",
    # The child prints one JSON summary line; Scrapy's multi-line stats dump is noise in the
    # daemon's log.
    "STATS_DUMP": False,
    "LOGSTATS_INTERVAL": 0,
    # The same URL may legitimately be asked twice in a batch (two feed names, two entries
    # linking one page); a silently dropped request would leave a poll unrecorded.
    "DUPEFILTER_CLASS": "scrapy.dupefilters.BaseDupeFilter",
    # Scrapy parses a generator callback's source on every response to warn about "return
    # value" in it: its cache is keyed by the bound method, a new object per call. That was
    # ~0.5 ms of CPU per response, a third of a 304's cost.
    "WARN_ON_GENERATOR_RETURN_VALUE": False,
    # Nothing reads Scrapy's stats (the batch summary comes from crawler.ingest's results);
    # collecting them is a dict update on every signal.
    "STATS_CLASS": "scrapy.statscollectors.DummyStatsCollector",
    "DOWNLOADER_STATS": False,
    # A feed request has no referrer worth sending, and a page request would tell the site
    # which feed led there: no Referer, ever. The middleware stays enabled with that policy
    # because the redirect middlewares warn at every start when it is missing.
    "REFERER_ENABLED": True,
    "REFERRER_POLICY": "no-referrer",
    "DOWNLOADER_MIDDLEWARES": {
        # Before RobotsTxtMiddleware (100): a private host is refused before its robots.txt
        # is even asked for.
        "spiders.middlewares.PublicAddressGuard": 50,
    },
    "DOWNLOADER_MIDDLEWARES_BASE": _without(
        default_settings.DOWNLOADER_MIDDLEWARES_BASE, UNUSED_DOWNLOADER_MIDDLEWARES
    ),
    # The batch is bounded by its own timeout and the parent's kill; a memory check every
    # minute adds nothing to that.
    "MEMUSAGE_ENABLED": False,
    # Among them the two extensions no setting turns off: CoreStats listens to every response
    # and LogCount to every log record, both to count into stats nothing reads (STATS_CLASS).
    "EXTENSIONS_BASE": _without(default_settings.EXTENSIONS_BASE, UNUSED_EXTENSIONS),
}

# Settings naming the components and classes a crawl imports when it starts (Scrapy imports
# each listed component, enabled or not, to ask it; see UNUSED_EXTENSIONS). Not the reactor: it
# must be installed in the process that runs it.
COMPONENT_SETTINGS = ("EXTENSIONS", "DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES")
CLASS_SETTINGS = (
    "SCHEDULER", "SCHEDULER_PRIORITY_QUEUE", "SCHEDULER_DISK_QUEUE", "SCHEDULER_MEMORY_QUEUE",
    "SCHEDULER_START_DISK_QUEUE", "SCHEDULER_START_MEMORY_QUEUE", "DUPEFILTER_CLASS",
    "STATS_CLASS", "LOG_FORMATTER", "DOWNLOADER", "ROBOTSTXT_PARSER", "TWISTED_DNS_RESOLVER",
    "REQUEST_FINGERPRINTER_CLASS",
)  # fmt: skip


def user_agent(contact: str) -> str:
    return f"wirewatch/{version('wirewatch')} (+{contact})"


def worker_concurrency(fetch: FetchConfig, workers: int) -> tuple[int, int]:
    """(requests in flight, requests in flight per host) for each of ``workers`` processes
    sharing one batch, so that together they stay within ``fetch``'s limits.

    The per-host share is at least 1: spiders.workers.split_batch then spreads a host over no
    more workers than its limit allows.
    """
    return (
        max(1, fetch.concurrent_requests // workers),
        max(1, fetch.concurrent_per_host // workers),
    )


def scrapy_settings(fetch: FetchConfig, workers: int = 1) -> dict[str, Any]:
    """The settings for one poll batch with these fetch limits, run by one of ``workers``
    processes."""
    timeout_s = fetch.timeout.total_seconds()
    concurrent, per_host = worker_concurrency(fetch, workers)
    return BASE_SETTINGS | {
        "USER_AGENT": user_agent(fetch.contact),
        "CONCURRENT_REQUESTS": concurrent,
        "CONCURRENT_REQUESTS_PER_DOMAIN": per_host,
        # Scrapy's download timeout covers the whole exchange, body included, so a server that
        # drips a byte every few seconds still fails at this bound.
        "DOWNLOAD_TIMEOUT": timeout_s,
        "DNS_TIMEOUT": timeout_s,
        "DOWNLOAD_MAXSIZE": fetch.max_feed_size,
        "DOWNLOAD_WARNSIZE": int(fetch.max_feed_size * WARN_SIZE_FRACTION),
        # The child ends its own batch at this bound and stores what it has; the parent
        # (crawler.daemon.run_batch) kills it if it is still running.
        "CLOSESPIDER_TIMEOUT": fetch.batch_timeout.total_seconds(),
    }


def import_components(settings: dict[str, Any]) -> None:
    """Import the components and classes a crawl with ``settings`` imports when it starts.

    Called before the poll workers fork, so that they share these modules instead of each
    importing them (aiohttp, requests, tldextract and Scrapy's downloader among them).
    """
    full = Settings(settings)
    paths = [path for name in CLASS_SETTINGS if isinstance(path := full.get(name), str)]
    for name in COMPONENT_SETTINGS:
        paths += full.get_component_priority_dict_with_base(name)
    paths += full.getwithbase("DOWNLOAD_HANDLERS").values()
    for path in paths:
        if isinstance(path, str):
            load_object(path)
