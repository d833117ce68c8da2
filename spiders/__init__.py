"""Feed fetching with Scrapy: the edge of wirewatch that speaks HTTP.

Design: every poll batch runs as a CHILD PROCESS::

    python -m spiders poll --config CONFIG --db DB [--feed NAME ...] [--all] [--workers N]
    python -m spiders replay --config CONFIG --db DB PATH

The Twisted reactor cannot be restarted in one process; a child per batch also keeps crashes,
leaks and a wedged reactor out of the daemon, and a timeout kills it. The daemon (and
``wirewatch poll``) build its command with :func:`crawler.daemon.spider_command` and run it with
:func:`crawler.daemon.run_batch`, which returns the child's summary printed as one JSON line on
stdout. :func:`spiders.run.run_poll` is the in-process
batch the child runs.

Inside the child: one ``CrawlerProcess``, one :class:`~spiders.feed_spider.FeedSpider` given
the batch; a batch of hundreds of feeds is shared by forked workers, one per core, each with its
own crawl (:mod:`spiders.workers`). It sends one request per feed, conditional on the stored
ETag / Last-Modified, and hands each response or failure to :mod:`crawler.ingest`, which parses,
decides (new, changed, health, backoff, next poll) and stores each poll's entries, poll record
and feed state together, several polls per transaction. The core decides; the spider only
fetches. There are no Scrapy items: a pipeline would be a pass-through. Full-text feeds get
their new entries' pages fetched before the commit.

Manners and limits (spiders.settings): a User-Agent with a contact, robots.txt obeyed unless
the feed says ``obey_robots: false``, ``fetch.concurrent_per_host`` requests per host,
compression, a total download timeout (a server that drips bytes still fails in time), size
limits enforced after decompression (gzip bombs), certificate verification, no in-batch
retries (the next poll is the retry, scheduled by crawler.ingest with backoff and
Retry-After), the SSRF guard on every hop (spiders.middlewares), and URLs redacted in every log
line (spiders.logsafe). Scrapy itself costs under 1 ms of CPU per response once its unused
components are left out and it runs on Twisted's own reactor (spiders.settings); see
bench/poll.py for the batch figures.

``replay`` needs no HTTP: saved files go straight through crawler.ingest.replay.
"""
