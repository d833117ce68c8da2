"""wirewatch core: feeds in, incidents, counters and alerts out, one SQLite file in between.

This package holds no Scrapy or Twisted import; the spiders live in the sibling ``spiders``
package. The command line is :mod:`crawler.cli`.
"""

__version__ = "0.1.0"
