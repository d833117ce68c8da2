"""The one package that speaks SQL: the connection, the schema and its migrations, and a module
per aggregate with the SQL and row mappers of its tables.

Built on sqlite-utils. Opening a :class:`Store` creates the file if needed, switches it to WAL
with a busy timeout, and applies every pending migration (``PRAGMA user_version`` is the schema
version). Each verb that changes several rows does it in one transaction, so a crash leaves the
database as it was before the verb or after it, never in between.
"""

from crawler.storage.schema import SCHEMA_VERSION
from crawler.storage.store import Store
from crawler.storage.values import iso, parse_iso

__all__ = ["SCHEMA_VERSION", "Store", "iso", "parse_iso"]
