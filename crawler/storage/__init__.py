"""The one package that speaks SQL: the connection, the schema and its migrations, and a module
per aggregate with the SQL and row mappers of its tables.

Built on sqlite-utils. Opening a :class:`Store` creates the file if needed, switches it to WAL
with a busy timeout, and applies every pending migration (``PRAGMA user_version`` is the schema
version). Each verb that changes several rows does it in one transaction, so a crash leaves the
database as it was before the verb or after it, never in between. The verbs that have no
transaction of their own (saving an extraction, an incident, a tick ...) are called by
``crawler.pipeline`` inside its one transaction per article.

``connection`` opens the file and holds the transactions, ``schema`` the migrations, ``values``
how times are stored; ``feeds``, ``push``, ``articles``, ``extractions``, ``incidents``,
``counters``, ``outbox`` and ``upkeep`` each hold the verbs of the tables they own (their
docstrings name them), and ``store`` composes them into the :class:`Store` the rest of the code
uses.
"""

from crawler.storage.schema import SCHEMA_VERSION
from crawler.storage.store import Store
from crawler.storage.values import iso, parse_iso

__all__ = ["SCHEMA_VERSION", "Store", "iso", "parse_iso"]
